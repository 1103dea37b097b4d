/* Doubles kept as their bits in atomic 64-bit words: the bit casts and the
 * lock-free add, min and max that recording and collection share. */
#ifndef OTEL_METRICS_ATOMIC_DOUBLE_H
#define OTEL_METRICS_ATOMIC_DOUBLE_H

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t dbits(double v) {
    uint64_t u;
    memcpy(&u, &v, 8);
    return u;
}
static inline double bitsd(uint64_t u) {
    double v;
    memcpy(&v, &u, 8);
    return v;
}

static inline void atomic_add_double(_Atomic uint64_t *p, double v) {
    uint64_t old = atomic_load_explicit(p, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(p, &old, dbits(bitsd(old) + v),
                                                  memory_order_relaxed, memory_order_relaxed)) {
    }
}

static inline void atomic_min_double(_Atomic uint64_t *p, double v) {
    uint64_t old = atomic_load_explicit(p, memory_order_relaxed);
    while (v < bitsd(old) && !atomic_compare_exchange_weak_explicit(
                                 p, &old, dbits(v), memory_order_relaxed, memory_order_relaxed)) {
    }
}

static inline void atomic_max_double(_Atomic uint64_t *p, double v) {
    uint64_t old = atomic_load_explicit(p, memory_order_relaxed);
    while (v > bitsd(old) && !atomic_compare_exchange_weak_explicit(
                                 p, &old, dbits(v), memory_order_relaxed, memory_order_relaxed)) {
    }
}

#endif
