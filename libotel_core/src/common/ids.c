/* Seeding of the per-thread id generator (the generator is in ids.h). */
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/ids.h"

_Atomic uint32_t otel__fork_generation = 1;
OTEL__TLS otel__rng otel__tls_rng;

void otel__rng_seed(otel__rng *r, uint32_t gen) {
    uint64_t s = 0;
    if (getrandom(&s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s)
        /* no entropy yet (early boot): time, pid and the state's address */
        s = otel__clock_real_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)r;
    r->state = s;
    r->generation = gen;
}

uint64_t otel__rand64(void) { return otel__rng_next(otel__get_rng()); }

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

void otel__ids_after_fork(void) { atomic_fetch_add(&otel__fork_generation, 1); }
