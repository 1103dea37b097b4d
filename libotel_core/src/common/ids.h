/* Trace and span ids from a per-thread wyrand generator, seeded from
 * getrandom() and reseeded after fork so parent and child never collide.
 * The generator is inline: every span takes two or three numbers. */
#ifndef OTEL_COMMON_IDS_H
#define OTEL_COMMON_IDS_H

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "common/clock.h"

typedef struct otel__rng {
    uint64_t state;
    uint32_t generation; /* 0: not seeded */
} otel__rng;

extern OTEL__TLS otel__rng otel__tls_rng;
extern _Atomic uint32_t otel__fork_generation;
/* Seeds this thread's generator (first use, or first use after fork). */
void otel__rng_seed(otel__rng *r, uint32_t generation);

static inline otel__rng *otel__get_rng(void) {
    otel__rng *r = &otel__tls_rng;
    uint32_t gen = atomic_load_explicit(&otel__fork_generation, memory_order_relaxed);
    if (__builtin_expect(r->generation != gen, 0)) otel__rng_seed(r, gen);
    return r;
}

/* wyrand (Wang Yi, public domain), written from its description. */
static inline uint64_t otel__rng_next(otel__rng *r) {
    r->state += 0xa0761d6478bd642full;
    __uint128_t m = (__uint128_t)r->state * (r->state ^ 0xe7037ed1a0b428dbull);
    return (uint64_t)(m >> 64) ^ (uint64_t)m;
}

uint64_t otel__rand64(void);
/* 16 random bytes, never all zero. */
void otel__trace_id(uint8_t out[16]);
/* 8 random bytes, never all zero. */
void otel__span_id(uint8_t out[8]);

/* A new trace id (if trace_id is not NULL) and span id, never all zero. */
static inline void otel__new_ids(uint8_t *trace_id, uint8_t *span_id) {
    otel__rng *r = otel__get_rng();
    if (trace_id) {
        uint64_t a, b;
        do {
            a = otel__rng_next(r);
            b = otel__rng_next(r);
        } while (__builtin_expect(!(a | b), 0));
        memcpy(trace_id, &a, 8);
        memcpy(trace_id + 8, &b, 8);
    }
    uint64_t c;
    do c = otel__rng_next(r);
    while (__builtin_expect(!c, 0));
    memcpy(span_id, &c, 8);
}

#endif
