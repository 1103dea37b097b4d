/* Per-thread PRNG: wyrand (Wang Yi's public-domain generator, written here
 * from its description): one 64x64->128 multiply per output, which matters
 * because every span needs two or three outputs. Seeded from getrandom per
 * thread and again after fork, so a child never repeats its parent's ids. */
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/ids.h"

static _Atomic uint32_t fork_generation = 1;

typedef struct rng {
    uint64_t state;
    uint32_t generation; /* 0: not seeded */
} rng;

static OTEL__TLS rng tls_rng;

static void seed(rng *r, uint32_t gen) {
    uint64_t s = 0;
    if (getrandom(&s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s)
        /* no entropy yet (early boot): time, pid and the state's address */
        s = otel__clock_real_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)r;
    r->state = s;
    r->generation = gen;
}

static inline rng *get_rng(void) {
    rng *r = &tls_rng;
    uint32_t gen = atomic_load_explicit(&fork_generation, memory_order_relaxed);
    if (__builtin_expect(r->generation != gen, 0)) seed(r, gen);
    return r;
}

static inline uint64_t next(rng *r) {
    r->state += 0xa0761d6478bd642full;
    __uint128_t m = (__uint128_t)r->state * (r->state ^ 0xe7037ed1a0b428dbull);
    return (uint64_t)(m >> 64) ^ (uint64_t)m;
}

uint64_t otel__rand64(void) { return next(get_rng()); }

void otel__new_ids(uint8_t *trace_id, uint8_t *span_id) {
    rng *r = get_rng();
    if (trace_id) {
        uint64_t a, b;
        do {
            a = next(r);
            b = next(r);
        } while (!(a | b));
        memcpy(trace_id, &a, 8);
        memcpy(trace_id + 8, &b, 8);
    }
    uint64_t c;
    do c = next(r);
    while (!c);
    memcpy(span_id, &c, 8);
}

void otel__trace_id(uint8_t out[16]) {
    uint64_t a, b;
    do {
        a = otel__rand64();
        b = otel__rand64();
    } while (!(a | b));
    memcpy(out, &a, 8);
    memcpy(out + 8, &b, 8);
}

void otel__span_id(uint8_t out[8]) {
    uint64_t a;
    do a = otel__rand64();
    while (!a);
    memcpy(out, &a, 8);
}

void otel__ids_after_fork(void) { atomic_fetch_add(&fork_generation, 1); }
