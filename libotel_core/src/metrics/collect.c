/* Collection: a snapshot of every series as points for one reader, in its
 * temporality (deltas against what it last reported). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/attrs.h"
#include "common/clock.h"
#include "common/error.h"
#include "metrics/atomic_double.h"
#include "metrics/internal.h"
#include "metrics/record.h"
#include "metrics/series.h"

int otel__temporality_for(const otel_metric_reader *r, int kind) {
    int pref = r->temporality_pref;
    if (pref == OTEL_TEMPORALITY_CUMULATIVE) return OTEL_TEMPORALITY_CUMULATIVE;
    switch (kind) {
    case OTEL_INSTRUMENT_COUNTER:
    case OTEL_INSTRUMENT_HISTOGRAM:
        return OTEL_TEMPORALITY_DELTA;
    case OTEL_INSTRUMENT_OBSERVABLE_COUNTER:
        return pref == OTEL_TEMPORALITY_DELTA ? OTEL_TEMPORALITY_DELTA : OTEL_TEMPORALITY_CUMULATIVE;
    default: /* up-down counters and gauges stay cumulative */
        return OTEL_TEMPORALITY_CUMULATIVE;
    }
}

/* A delta point's min and max: those of its period, which start over. */
static void period_min_max(otel__series *s, int ri, otel__point *p) {
    double mn = bitsd(atomic_exchange(&s->period_min[ri], dbits(INFINITY)));
    double mx = bitsd(atomic_exchange(&s->period_max[ri], dbits(-INFINITY)));
    /* empty only if a measurement counted here updated them before the last
     * collection (a race): the cumulative bounds, already in p, still hold */
    if (mn <= mx) {
        p->min = mn;
        p->max = mx;
    }
}

/* One point of series `s` for reader slot `ri`; 0 when nothing to report.
 * `copy_attrs`: the series may be freed while the data is kept (ADR 0003),
 * so the point gets its own copy of the attributes. */
static int make_point(otel_instrument *inst, otel__series *s, int ri, int temporality,
                      uint64_t now, uint32_t epoch, int copy_attrs, otel__point *p, otel__arena *a) {
    otel__series_prev *prev = &s->prev[ri];
    int async = inst->kind >= OTEL_INSTRUMENT_OBSERVABLE_COUNTER;
    if (async && atomic_load(&s->observed_epoch) != epoch) return 0;
    memset(p, 0, sizeof *p);
    p->attrs = s->attrs;
    p->n_attrs = s->n_attrs;
    if (copy_attrs && s->n_attrs) {
        otel__attrs copy = {0};
        otel__attrs_set_many(&copy, a, s->attrs, s->n_attrs, NULL, NULL);
        if (copy.count != s->n_attrs) return 0;
        p->attrs = copy.items;
    }
    p->time_ns = now;
    int delta = temporality == OTEL_TEMPORALITY_DELTA;
    p->start_ns = delta && prev->time_ns ? prev->time_ns : s->start_ns;
    p->is_int = is_int(inst);
    if (s->exph) {
        double sum = bitsd(atomic_load(&s->sum));
        otel__exph *snap = otel__arena_alloc(a, sizeof *snap);
        if (!snap) return 0;
        series_spin_lock(s);
        memcpy(snap, s->exph, sizeof *snap);
        series_spin_unlock(s);
        uint64_t count = exph_total(snap); /* the snapshot's own total */
        p->exph = snap;
        p->min = bitsd(atomic_load(&s->min));
        p->max = bitsd(atomic_load(&s->max));
        p->count = count;
        p->sum = sum;
        if (delta) {
            if (!prev->exph) {
                prev->exph = calloc(1, sizeof *prev->exph);
                if (!prev->exph) return 0;
                prev->exph->scale = snap->scale;
            }
            if (count == prev->count) { prev->time_ns = now; return 0; }
            /* the scale only goes down and the window only grows: bring the
             * last view to this scale, then subtract bucket by bucket */
            otel__exph last = *prev->exph;
            *prev->exph = *snap;
            otel__exph_subtract(snap, &last);
            period_min_max(s, ri, p);
            p->count = count - prev->count;
            p->sum = sum - prev->sum;
            prev->count = count;
            prev->sum = sum;
        }
        prev->time_ns = now;
        return 1;
    }
    if (s->buckets) {
        double sum = bitsd(atomic_load(&s->sum));
        p->buckets = otel__arena_alloc(a, (inst->n_bounds + 1) * sizeof(uint64_t));
        if (!p->buckets) return 0;
        uint64_t count = 0; /* the buckets' total, consistent with them by construction */
        for (size_t b = 0; b <= inst->n_bounds; b++) count += p->buckets[b] = atomic_load(&s->buckets[b]);
        p->min = bitsd(atomic_load(&s->min));
        p->max = bitsd(atomic_load(&s->max));
        if (delta) {
            if (!prev->buckets) prev->buckets = calloc(inst->n_bounds + 1, sizeof(uint64_t));
            if (!prev->buckets) return 0;
            if (count == prev->count) { prev->time_ns = now; return 0; }
            for (size_t b = 0; b <= inst->n_bounds; b++) {
                uint64_t c = p->buckets[b];
                p->buckets[b] = c - prev->buckets[b];
                prev->buckets[b] = c;
            }
            period_min_max(s, ri, p);
            p->count = count - prev->count;
            p->sum = sum - prev->sum;
            prev->count = count;
            prev->sum = sum;
        } else {
            p->count = count;
            p->sum = sum;
        }
        prev->time_ns = now;
        return 1;
    }
    int64_t iv;
    double dv;
    if (__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE)) {
        /* the series and its handles' cells read together: a handle
         * released meanwhile folds its cells into the series under this
         * lock, so they are never missed (a cumulative sum never dips) */
        pthread_mutex_lock(&inst->lock);
        iv = atomic_load(&s->i);
        dv = bitsd(atomic_load(&s->d));
        otel__metrics_bound_sums(s, &iv, &dv);
        pthread_mutex_unlock(&inst->lock);
    } else {
        iv = atomic_load(&s->i);
        dv = bitsd(atomic_load(&s->d));
    }
    if (inst->agg == OTEL_AGGREGATION_LAST_VALUE && !async) {
        uint64_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        if (!seq) return 0;
        prev->seen_seq = seq;
        p->i = iv;
        p->d = dv;
        prev->time_ns = now;
        return 1;
    }
    if (delta) {
        p->i = iv - prev->i;
        p->d = dv - prev->d;
        prev->i = iv;
        prev->d = dv;
        if (!async && p->i == 0 && p->d == 0) { prev->time_ns = now; return 0; }
    } else {
        p->i = iv;
        p->d = dv;
    }
    prev->time_ns = now;
    return 1;
}

static int data_kind_of(int agg) {
    switch (agg) {
    case OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM: return OTEL_METRIC_HISTOGRAM;
    case OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM: return OTEL_METRIC_EXPONENTIAL_HISTOGRAM;
    case OTEL_AGGREGATION_LAST_VALUE: return OTEL_METRIC_GAUGE;
    default: return OTEL_METRIC_SUM;
    }
}

static otel_status collect_locked(otel_metric_reader *r, otel_metrics_data **out, int retain);

static otel_status collect(otel_metric_reader *r, otel_metrics_data **out, int retain) {
    otel_meter_provider *mp = r->provider;
    if (!mp) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "collect: the reader has no provider");
    if (otel__metrics_reentered("collect")) return OTEL_ERR_STATE;
    pthread_mutex_lock(&mp->collect_lock);
    otel_status st = collect_locked(r, out, retain);
    pthread_mutex_unlock(&mp->collect_lock);
    return st;
}

static otel_status collect_locked(otel_metric_reader *r, otel_metrics_data **out, int retain) {
    otel_meter_provider *mp = r->provider;
    uint32_t epoch = atomic_fetch_add(&mp->epoch, 1) + 1;
    otel__metrics_run_callbacks(mp, epoch);
    otel_metrics_data *d = calloc(1, sizeof *d);
    if (!d) return otel__fail(OTEL_ERR_NO_MEMORY, "collect: out of memory");
    d->provider = retain ? otel_meter_provider_retain(mp) : NULL;
    otel__arena_init(&d->arena, NULL, 0);
    uint64_t now = otel__clock_real_ns();
    size_t cap = 0;
    pthread_mutex_lock(&mp->lock);
    for (otel_meter *m = mp->meters; m; m = m->next) {
        pthread_mutex_lock(&m->lock);
        for (otel_instrument *inst = m->instruments; inst; inst = inst->next) {
            /* one snapshot of the list: series made meanwhile are prepended
             * ahead of it, so counting and walking see the same ones */
            otel__series *head = atomic_load_explicit(&inst->all, memory_order_acquire);
            size_t n = 0;
            for (otel__series *s = head; s; s = s->all_next) n++;
            if (!n) continue;
            if (d->n_metrics == cap) {
                cap = cap ? cap * 2 : 16;
                otel__metric *grown = realloc(d->metrics, cap * sizeof *grown);
                if (!grown) break;
                d->metrics = grown;
            }
            otel__metric *met = &d->metrics[d->n_metrics];
            met->inst = inst;
            if (inst->agg == OTEL_AGGREGATION_DROP) continue;
            met->data_kind = data_kind_of(inst->agg);
            met->temporality = otel__temporality_for(r, inst->kind);
            met->monotonic = inst->agg == OTEL_AGGREGATION_SUM &&
                             (inst->kind == OTEL_INSTRUMENT_COUNTER ||
                              inst->kind == OTEL_INSTRUMENT_OBSERVABLE_COUNTER);
            met->points = otel__arena_alloc(&d->arena, n * sizeof *met->points);
            met->n_points = 0;
            if (!met->points) continue;
            int copy = otel__metrics_reclaimable(inst);
            for (otel__series *s = head; s; s = s->all_next) {
                int made = make_point(inst, s, r->index, met->temporality, now, epoch, copy,
                                      &met->points[met->n_points], &d->arena);
                if (made) {
                    otel__metrics_exemplars_take(inst, s, &met->points[met->n_points], &d->arena);
                    met->n_points++;
                }
                /* a whole interval without measurements for this reader */
                s->quiet = made ? s->quiet & ~(1u << r->index) : s->quiet | 1u << r->index;
            }
            if (met->n_points) d->n_metrics++;
        }
        pthread_mutex_unlock(&m->lock);
    }
    pthread_mutex_unlock(&mp->lock);
    otel__metrics_reclaim(mp);
    *out = d;
    return OTEL_OK;
}

otel_status otel__metrics_collect(otel_metric_reader *r, otel_metrics_data **out) {
    return collect(r, out, 1);
}

otel_status otel__metrics_collect_borrowed(otel_metric_reader *r, otel_metrics_data **out) {
    return collect(r, out, 0);
}
