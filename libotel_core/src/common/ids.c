/* Per-thread PRNG (xoshiro256**, public-domain algorithm by Blackman and
 * Vigna, written here from its description). */
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/ids.h"

static _Atomic uint32_t fork_generation = 1;

typedef struct rng {
    uint64_t s[4];
    uint32_t generation; /* 0: not seeded */
} rng;

static OTEL__TLS rng tls_rng;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t splitmix(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void seed(rng *r, uint32_t gen) {
    uint64_t s[4] = {0, 0, 0, 0};
    if (getrandom(s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s) {
        /* no entropy yet (early boot): mix time, pid and the address of the state */
        uint64_t x = otel__clock_real_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)r;
        for (int i = 0; i < 4; i++) s[i] = splitmix(&x);
    }
    if (!(s[0] | s[1] | s[2] | s[3])) s[0] = 1;
    memcpy(r->s, s, sizeof s);
    r->generation = gen;
}

static inline rng *get_rng(void) {
    rng *r = &tls_rng;
    uint32_t gen = atomic_load_explicit(&fork_generation, memory_order_relaxed);
    if (__builtin_expect(r->generation != gen, 0)) seed(r, gen);
    return r;
}

static inline uint64_t next(rng *r) {
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
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
