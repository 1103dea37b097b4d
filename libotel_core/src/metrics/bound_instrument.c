/* Bound instruments: a handle on one series of an instrument, whose
 * counter adds go to a per-thread cell without a locked instruction. */
#include <stdlib.h>
#include <string.h>

#include "common/attrs.h"
#include "common/reclaim.h"
#include "common/stats.h"
#include "metrics/atomic_double.h"
#include "metrics/internal.h"
#include "metrics/record.h"
#include "metrics/series.h"

/* A bound counter keeps one cache line per owned stats shard: a thread
 * that owns its shard (common/stats.h) adds with a plain load and store,
 * so a bound add costs no locked instruction and two threads never share
 * a line. Other threads add to the series atomically. A collection sums
 * the series and the cells of every live bound handle of it. */
#define BOUND_CELLS OTEL__STATS_SHARDS

typedef struct bound_cell {
    _Alignas(64) _Atomic int64_t i;
    _Atomic uint64_t d; /* bits */
} bound_cell;

struct otel_bound_instrument {
    bound_cell cells[BOUND_CELLS];
    otel_instrument *inst;
    otel__series *series;
    /* fast-path flags, fixed at bind: a striped int64 counter on an enabled
     * provider (histograms, doubles and disabled providers take apply()) */
    int fast, monotonic, striped, number;
    struct otel_bound_instrument *also; /* the same attributes in the instrument's next stream */
    struct otel_bound_instrument *next; /* in series->bound, under inst->lock */
};

OTEL_API otel_bound_instrument *otel_instrument_bind(otel_instrument *inst, const otel_attr *attrs,
                                                     size_t n_attrs) {
    if (!inst || inst->kind == OTEL_INSTRUMENT_GAUGE ||
        inst->kind >= OTEL_INSTRUMENT_OBSERVABLE_COUNTER || (!attrs && n_attrs))
        return NULL;
    if (inst->agg == OTEL_AGGREGATION_DROP) return inst->also ? otel_instrument_bind(inst->also, attrs, n_attrs) : NULL;
    otel_bound_instrument *also = inst->also ? otel_instrument_bind(inst->also, attrs, n_attrs) : NULL;
    if (inst->also && !also) return NULL;
    FILTERED(inst, attrs, n_attrs)
    otel_bound_instrument *b = aligned_alloc(64, sizeof *b);
    if (!b) {
        otel_bound_instrument_free(also);
        return NULL;
    }
    memset(b, 0, sizeof *b);
    b->inst = inst;
    b->also = also;
    b->striped = inst->agg == OTEL_AGGREGATION_SUM;
    b->monotonic = inst->kind == OTEL_INSTRUMENT_COUNTER;
    b->number = inst->number;
    /* the cell-only path offers no exemplars: not taken when every
     * measurement must be offered (always_on) */
    int fast_int = b->striped && b->number == OTEL_NUMBER_INT64 && !inst->meter->provider->disabled &&
                   !b->also && inst->meter->provider->exemplar_filter != OTEL__EXEMPLARS_ON;
    b->fast = fast_int ? (b->monotonic ? 1 : 2) : 0;
    uint64_t outer = otel__reclaim_enter();
    otel__series *series = otel__metrics_series_for(inst, attrs, n_attrs);
    if (series) {
        /* a series retired meanwhile is never bound: it is on its way out */
        pthread_mutex_lock(&inst->lock);
        if (atomic_load(&series->retired)) series = otel__metrics_series_locked(inst, attrs, n_attrs);
        if (series) {
            b->series = series;
            b->next = series->bound;
            /* published atomically: collection peeks at it without the lock */
            __atomic_store_n(&series->bound, b, __ATOMIC_RELEASE);
        }
        pthread_mutex_unlock(&inst->lock);
    }
    otel__reclaim_exit(outer);
    if (!series) {
        free(b);
        otel_bound_instrument_free(also);
        return NULL;
    }
    return b;
}

/* This thread's cell, or NULL when it shares a shard (then: the series). */
static inline bound_cell *my_cell(otel_bound_instrument *b) {
    unsigned t = otel__stats_tls_shard;
    if (__builtin_expect(!t, 0)) t = otel__stats_assign_shard();
    return (t & OTEL__STATS_OWNED) ? &b->cells[(t & ~OTEL__STATS_OWNED) - 1] : NULL;
}

/* Everything but an owning thread's add to its own cell: kept out of line
 * so the fast path below needs no stack frame. */
static __attribute__((noinline)) void bound_record_i64_slow(otel_bound_instrument *b, int64_t value) {
    if (__builtin_expect(b && b->fast > (value < 0), 1)) {
        bound_cell *c = my_cell(b);
        if (c)
            atomic_store_explicit(&c->i, atomic_load_explicit(&c->i, memory_order_relaxed) + value,
                                  memory_order_relaxed);
        else
            atomic_fetch_add_explicit(&b->series->i, value, memory_order_relaxed);
        return;
    }
    if (!b || !valid(b->inst, (double)value)) {
        drop(b ? b->inst : NULL);
        return;
    }
    apply(b->inst, b->series, value, 0, 1);
    if (b->inst->meter->provider->exemplar_filter)
        otel__metrics_exemplar_offer(b->inst, b->series, value, 0, 1, NULL, 0);
    if (b->also) otel_bound_record_i64(b->also, value);
}

_Static_assert(sizeof(bound_cell) == 64, "a bound cell is the line otel__stats_tls_line counts");

OTEL_API void otel_bound_record_i64(otel_bound_instrument *b, int64_t value) {
    unsigned line = otel__stats_tls_line; /* this thread's own cell, from 1 */
    /* fast: 2 takes any value, 1 (monotonic) no negative one, 0 none */
    if (__builtin_expect(b && line && b->fast > (value < 0), 1)) {
        _Atomic int64_t *c = &((bound_cell *)((char *)b->cells + line) - 1)->i;
        atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + value, memory_order_relaxed);
        return;
    }
    bound_record_i64_slow(b, value);
}

OTEL_API void otel_bound_record_f64(otel_bound_instrument *b, double value) {
    if (!b || !valid_f64(b->inst, value)) {
        drop(b ? b->inst : NULL);
        return;
    }
    bound_cell *c = b->striped && b->number == OTEL_NUMBER_DOUBLE ? my_cell(b) : NULL;
    if (c) {
        uint64_t old = atomic_load_explicit(&c->d, memory_order_relaxed);
        atomic_store_explicit(&c->d, dbits(bitsd(old) + value), memory_order_relaxed);
    } else {
        apply(b->inst, b->series, 0, value, 0);
    }
    if (b->inst->meter->provider->exemplar_filter)
        otel__metrics_exemplar_offer(b->inst, b->series, 0, value, 0, NULL, 0);
    if (b->also) otel_bound_record_f64(b->also, value);
}

/* What the live bound handles of a series hold (under inst->lock). */
void otel__metrics_bound_sums(const otel__series *s, int64_t *i, double *d) {
    for (const otel_bound_instrument *b = s->bound; b; b = b->next)
        for (int k = 0; k < BOUND_CELLS; k++) {
            *i += atomic_load_explicit(&b->cells[k].i, memory_order_relaxed);
            *d += bitsd(atomic_load_explicit(&b->cells[k].d, memory_order_relaxed));
        }
}

OTEL_API void otel_bound_instrument_free(otel_bound_instrument *b) {
    if (!b) return;
    otel_instrument *inst = b->inst;
    pthread_mutex_lock(&inst->lock);
    for (otel_bound_instrument **p = &b->series->bound; *p; p = &(*p)->next)
        if (*p == b) {
            __atomic_store_n(p, b->next, __ATOMIC_RELEASE);
            break;
        }
    /* fold the cells into the series, so nothing counted is lost */
    int64_t i = 0;
    double d = 0;
    b->next = NULL;
    otel__series tmp = {0};
    tmp.bound = b;
    otel__metrics_bound_sums(&tmp, &i, &d);
    atomic_fetch_add(&b->series->i, i);
    if (d != 0) atomic_add_double(&b->series->d, d);
    pthread_mutex_unlock(&inst->lock);
    otel_bound_instrument_free(b->also);
    free(b);
}
