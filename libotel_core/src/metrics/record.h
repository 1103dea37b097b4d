/* Recording a measurement into a series: validity checks, the explicit
 * bucket of a value and apply(), inline for the recording paths
 * (record.c, bound_instrument.c) and shared with callbacks, exemplars
 * and collection. */
#ifndef OTEL_METRICS_RECORD_H
#define OTEL_METRICS_RECORD_H

#include <math.h>
#include <stdatomic.h>

#include "metrics/atomic_double.h"
#include "metrics/internal.h"
#include "metrics/series.h"

static inline void drop(otel_instrument *inst) {
    if (inst) atomic_fetch_add_explicit(&inst->meter->provider->dropped, 1, memory_order_relaxed);
}

static inline int is_int(const otel_instrument *inst) { return inst->number == OTEL_NUMBER_INT64; }

/* The explicit bucket of v: the number of boundaries below it (bucket b
 * holds (bounds[b-1], bounds[b]]). Short lists are counted without
 * branches, so values in random order cost no mispredictions; long ones
 * are searched. */
static inline size_t bucket_of(const otel_instrument *inst, double v) {
    const double *bd = inst->bounds;
    size_t n = inst->n_bounds;
    if (n <= 32) {
        size_t b = 0;
        for (size_t k = 0; k < n; k++) b += v > bd[k];
        return b;
    }
    size_t lo = 0, hi = n; /* the first boundary >= v */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v > bd[mid]) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static inline void apply(otel_instrument *inst, otel__series *s, int64_t iv, double dv, int from_int) {
    switch (inst->agg) {
    case OTEL_AGGREGATION_SUM:
        if (is_int(inst)) atomic_fetch_add_explicit(&s->i, from_int ? iv : (int64_t)dv, memory_order_relaxed);
        else atomic_add_double(&s->d, from_int ? (double)iv : dv);
        return;
    case OTEL_AGGREGATION_LAST_VALUE:
        if (is_int(inst)) atomic_store_explicit(&s->i, from_int ? iv : (int64_t)dv, memory_order_relaxed);
        else atomic_store_explicit(&s->d, dbits(from_int ? (double)iv : dv), memory_order_relaxed);
        atomic_fetch_add_explicit(&s->seq, 1, memory_order_release);
        return;
    case OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM:
    case OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM: {
        double v = from_int ? (double)iv : dv;
        if (s->exph) {
            series_spin_lock(s);
            otel__exph_insert(s->exph, v, inst->exph_max);
            series_spin_unlock(s);
        } else {
            /* no count of its own (here or for exponential buckets):
             * collection sums the buckets, so the count always matches
             * them (and a record is one RMW cheaper) */
            atomic_fetch_add_explicit(&s->buckets[bucket_of(inst, v)], 1, memory_order_relaxed);
        }
        atomic_add_double(&s->sum, v);
        atomic_min_double(&s->min, v);
        atomic_max_double(&s->max, v);
        /* delta readers report the period's own min and max */
        for (uint32_t m = atomic_load_explicit(&inst->meter->provider->delta_readers,
                                               memory_order_relaxed);
             m; m &= m - 1) {
            int r = __builtin_ctz(m);
            atomic_min_double(&s->period_min[r], v);
            atomic_max_double(&s->period_max[r], v);
        }
        return;
    }
    default: /* dropped by a view */
        return;
    }
}

/* NULL when the measurement must be dropped. */
static inline int valid(otel_instrument *inst, double v) {
    if (!inst || inst->kind >= OTEL_INSTRUMENT_OBSERVABLE_COUNTER) return 0;
    if (isnan(v) || isinf(v)) return 0;
    if ((inst->kind == OTEL_INSTRUMENT_COUNTER || inst->kind == OTEL_INSTRUMENT_HISTOGRAM) && v < 0)
        return 0;
    return !inst->meter->provider->disabled;
}

/* A double an int64 instrument can take: a whole number in range (the
 * conversion of any other is lossy, or undefined past int64). */
static inline int whole_i64(double v) {
    return v >= -9223372036854775808.0 && v < 9223372036854775808.0 && v == (double)(int64_t)v;
}

/* valid(), for a double measurement. */
static inline int valid_f64(otel_instrument *inst, double v) {
    return valid(inst, v) && (inst->number != OTEL_NUMBER_INT64 || whole_i64(v));
}

/* The attributes a measurement is kept under (a view may filter them). */
#define FILTERED(inst, attrs, n_attrs)                                   \
    otel_attr kept_[64];                                                 \
    if (__builtin_expect((inst)->has_keys, 0)) {                         \
        n_attrs = otel__metrics_view_filter((inst), (attrs), (n_attrs), kept_);       \
        attrs = kept_;                                                   \
    }

#endif
