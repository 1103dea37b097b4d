/* Series of an instrument (series.c): finding or making the series of an
 * attribute set, and the spin lock that guards its exponential buckets and
 * exemplars. */
#ifndef OTEL_METRICS_SERIES_H
#define OTEL_METRICS_SERIES_H

#include <stdatomic.h>

#include "metrics/internal.h"

/* The series of an attribute set (the caller is inside a reclaim section:
 * it may be retired, never freed, until the caller leaves); NULL out of
 * memory. */
otel__series *otel__metrics_series_for(otel_instrument *inst, const otel_attr *attrs, size_t n);
/* The series of a set not found lock-free, made if need be (the caller holds
 * the instrument's lock); past the cardinality limit, the overflow series. */
otel__series *otel__metrics_series_locked(otel_instrument *inst, const otel_attr *attrs, size_t n);
/* Frees a series no thread can reach any more. */
void otel__metrics_series_destroy(otel__series *s);

/* A series' spinlock (exponential buckets and exemplars): held for an
 * index computation and an increment, or a copy. */
static inline void series_spin_lock(otel__series *s) {
    while (atomic_flag_test_and_set_explicit(&s->exph_lock, memory_order_acquire)) {
    }
}
static inline void series_spin_unlock(otel__series *s) { atomic_flag_clear_explicit(&s->exph_lock, memory_order_release); }

/* Every count of exponential buckets, the zero bucket's too. */
static inline uint64_t exph_total(const otel__exph *h) {
    uint64_t c = h->zero_count;
    for (uint32_t k = 0; k < h->n; k++) c += h->counts[k];
    for (uint32_t k = 0; k < h->neg_n; k++) c += h->neg_counts[k];
    return c;
}

#endif
