/* The metrics SDK: provider, meters, instruments, lock-free recording into
 * per-attribute-set series, asynchronous callbacks, collection for readers
 * with their own temporality, and the collected data's accessors. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/attrs.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/error.h"
#include "common/log.h"
#include "common/resource.h"
#include "common/stats.h"
#include "common/ids.h"
#include "common/reclaim.h"
#include "metrics/internal.h"
#include "otel/context.h"
#include "otel/trace.h"
#include "trace/internal.h"
#include "metrics/atomic_double.h"
#include "metrics/attrset.h"
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

/* 1 when every reader reports `inst` as deltas: then a series with no
 * measurement since each reader's last collection holds nothing anyone
 * still needs, and can go (new attribute sets take its place under the
 * cardinality limit). Cumulative readers keep every series. */
int otel__metrics_reclaimable(const otel_instrument *inst) {
    const otel_meter_provider *mp = inst->meter->provider;
    if (!mp->n_readers || inst->kind >= OTEL_INSTRUMENT_OBSERVABLE_COUNTER) return 0;
    if (inst->agg != OTEL_AGGREGATION_SUM && inst->agg != OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM &&
        inst->agg != OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM)
        return 0;
    for (size_t r = 0; r < mp->n_readers; r++)
        if (otel__temporality_for(mp->readers[r], inst->kind) != OTEL_TEMPORALITY_DELTA) return 0;
    return otel__reclaim_available();
}

/* The measurements a histogram series holds (its buckets' total). */
static uint64_t histogram_count(const otel_instrument *inst, otel__series *s) {
    uint64_t c = 0;
    if (s->exph) {
        series_spin_lock(s);
        c = exph_total(s->exph);
        series_spin_unlock(s);
    }
    for (size_t b = 0; s->buckets && b <= inst->n_bounds; b++) c += atomic_load(&s->buckets[b]);
    return c;
}

/* 1 when series `s` holds what reader slot ri has not reported (sums: a
 * value it has not seen; histograms: more measurements). */
static int unreported(const otel_instrument *inst, otel__series *s, int ri) {
    const otel__series_prev *p = &s->prev[ri];
    if (!p->time_ns) return 1;
    if (s->exph || s->buckets) return histogram_count(inst, s) != p->count;
    return atomic_load(&s->i) != p->i || bitsd(atomic_load(&s->d)) != p->d;
}

/* Retires every series of `inst` that had no measurement for a whole
 * interval of every reader and holds nothing unreported (under its lock):
 * unlinked, so new lookups miss it; threads that found it already may
 * still write (phase 1). */
static void retire_idle(otel_instrument *inst) {
    const otel_meter_provider *mp = inst->meter->provider;
    otel__series *keep = NULL, *overflow = atomic_load(&inst->overflow);
    for (otel__series *s = atomic_load(&inst->all), *next; s; s = next) {
        next = s->all_next;
        int idle = s != overflow && !__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE);
        for (size_t r = 0; idle && r < mp->n_readers; r++) {
            int ri = mp->readers[r]->index;
            idle = (s->quiet >> ri & 1) && !unreported(inst, s, ri);
        }
        if (!idle) {
            keep = s;
            continue;
        }
        _Atomic(otel__series *) *link = &inst->table[s->hash & (OTEL__SERIES_BUCKETS - 1)];
        for (otel__series *c; (c = atomic_load_explicit(link, memory_order_relaxed)) != s; link = &c->chain) {
        }
        /* a reader standing on s still finds its way on through s->chain */
        atomic_store_explicit(link, atomic_load_explicit(&s->chain, memory_order_relaxed), memory_order_release);
        if (keep) keep->all_next = next;
        else atomic_store(&inst->all, next);
        atomic_store(&s->retired, 1);
        s->phase = 1;
        s->retire_epoch = 0;
        s->limbo_next = inst->limbo;
        inst->limbo = s;
        inst->n_series--;
    }
}

/* Moves what arrived in retired series `s` after the collection that found
 * it idle (a thread that had found it before it was unlinked) into the
 * live series of its set, so no measurement is lost. No writer is left. */
static void fold_late(otel_instrument *inst, otel__series *s) {
    const otel_meter_provider *mp = inst->meter->provider;
    int r0 = mp->readers[0]->index; /* every reader had reported the same */
    const otel__series_prev *p = &s->prev[r0];
    otel__series *live = NULL;
    if (s->exph || s->buckets) {
        if (histogram_count(inst, s) == p->count || !(live = otel__metrics_series_locked(inst, s->attrs, s->n_attrs)))
            return;
        if (s->exph) {
            otel__exph late = *s->exph;
            otel__exph_subtract(&late, p->exph);
            series_spin_lock(live);
            otel__exph_merge(live->exph, &late, inst->exph_max);
            series_spin_unlock(live);
        } else {
            for (size_t b = 0; b <= inst->n_bounds; b++)
                atomic_fetch_add(&live->buckets[b], atomic_load(&s->buckets[b]) - p->buckets[b]);
        }
        atomic_add_double(&live->sum, bitsd(atomic_load(&s->sum)) - p->sum);
        /* the period bounds started over at the last collection: they are
         * the late measurements' own */
        double mn = bitsd(atomic_load(&s->period_min[r0])), mx = bitsd(atomic_load(&s->period_max[r0]));
        atomic_min_double(&live->min, mn);
        atomic_max_double(&live->max, mx);
        for (size_t r = 0; r < mp->n_readers; r++) {
            atomic_min_double(&live->period_min[mp->readers[r]->index], mn);
            atomic_max_double(&live->period_max[mp->readers[r]->index], mx);
        }
        return;
    }
    int64_t di = atomic_load(&s->i) - p->i;
    double dd = bitsd(atomic_load(&s->d)) - p->d;
    if ((di || dd != 0) && (live = otel__metrics_series_locked(inst, s->attrs, s->n_attrs))) {
        atomic_fetch_add(&live->i, di);
        if (dd != 0) atomic_add_double(&live->d, dd);
    }
}

/* Takes retired series through their two waits (under the instrument's
 * lock; `oldest` from otel__reclaim_oldest). Returns 1 when one waits for
 * an epoch not advanced yet. */
static int progress_limbo(otel_instrument *inst, uint64_t oldest) {
    int pending = 0;
    for (otel__series **pp = &inst->limbo, *s; (s = *pp);) {
        if (s->retire_epoch && s->retire_epoch <= oldest) {
            if (s->phase == 1) {
                /* no thread that found it before the unlink is left */
                fold_late(inst, s);
                s->phase = 2;
                s->retire_epoch = 0;
            } else {
                /* nor any that read it from a hint cleared since */
                *pp = s->limbo_next;
                otel__metrics_series_destroy(s);
                continue;
            }
        }
        pending |= !s->retire_epoch;
        pp = &s->limbo_next;
    }
    /* hints must not lead to a series about to be freed: threads only hint
     * series they see live, so clearing after each phase starts is enough */
    if (inst->limbo)
        for (int k = 0; k < OTEL__STATS_SHARDS; k++)
            for (int j = 0; j < OTEL__SERIES_HINTS; j++) {
                _Atomic(otel__series *) *slot = &inst->hints[k].s[j];
                otel__series *h = atomic_load_explicit(slot, memory_order_acquire);
                if (h && atomic_load_explicit(&h->retired, memory_order_relaxed))
                    atomic_compare_exchange_strong(slot, &h, NULL);
            }
    return pending;
}

/* After a collection: retire idle delta series, advance retired ones, and
 * publish the new unlinks with one barrier (the caller holds the
 * provider's collection lock, so this is the provider's only reclaimer). */
void otel__metrics_reclaim(otel_meter_provider *mp) {
    uint64_t oldest = otel__reclaim_oldest();
    int pending = 0;
    pthread_mutex_lock(&mp->lock);
    for (int pass = 0; pass < 2; pass++) {
        uint64_t e = 0;
        if (pass == 1) {
            if (!pending) break;
            /* the barrier makes a syscall: not under the meters' locks */
            pthread_mutex_unlock(&mp->lock);
            e = otel__reclaim_advance();
            pthread_mutex_lock(&mp->lock);
        }
        for (otel_meter *m = mp->meters; m; m = m->next) {
            pthread_mutex_lock(&m->lock);
            for (otel_instrument *inst = m->instruments; inst; inst = inst->next) {
                int can = otel__metrics_reclaimable(inst);
                if (!can && !inst->limbo) continue;
                pthread_mutex_lock(&inst->lock);
                if (pass == 0) {
                    pending |= progress_limbo(inst, oldest);
                    if (can) retire_idle(inst);
                    pending |= inst->limbo != NULL && !inst->limbo->retire_epoch;
                } else {
                    for (otel__series *s = inst->limbo; s; s = s->limbo_next)
                        if (!s->retire_epoch) s->retire_epoch = e;
                }
                pthread_mutex_unlock(&inst->lock);
            }
            pthread_mutex_unlock(&m->lock);
        }
    }
    pthread_mutex_unlock(&mp->lock);
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

OTEL_API void otel_metrics_data_release(otel_metrics_data *d) {
    if (!d) return;
    otel__arena_free(&d->arena);
    free(d->metrics);
    otel_meter_provider_release(d->provider);
    free(d);
}

OTEL_API size_t otel_metrics_data_count(const otel_metrics_data *d) { return d ? d->n_metrics : 0; }

OTEL_API otel_status otel_metrics_data_metric(const otel_metrics_data *d, size_t i,
                                              const char **name, const char **unit,
                                              const char **description, int *data_kind,
                                              int *temporality, int *monotonic, size_t *n_points,
                                              const char **scope_name) {
    if (!d || i >= d->n_metrics) return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no metric %zu", i);
    const otel__metric *m = &d->metrics[i];
    if (name) *name = m->inst->stream_name;
    if (unit) *unit = m->inst->unit;
    if (description) *description = m->inst->stream_description;
    if (data_kind) *data_kind = m->data_kind;
    if (temporality) *temporality = m->temporality;
    if (monotonic) *monotonic = m->monotonic;
    if (n_points) *n_points = m->n_points;
    if (scope_name) *scope_name = m->inst->meter->name;
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_scope(const otel_metrics_data *d, size_t i, const char **name,
                                             const char **version, const char **schema_url,
                                             const otel_attr **attrs, size_t *n_attrs) {
    if (!d || i >= d->n_metrics) return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no metric %zu", i);
    const otel_meter *m = d->metrics[i].inst->meter;
    if (name) *name = m->name;
    if (version) *version = m->version;
    if (schema_url) *schema_url = m->schema_url;
    if (attrs) *attrs = m->attrs.items;
    if (n_attrs) *n_attrs = m->attrs.count;
    return OTEL_OK;
}

static const otel__point *point_at(const otel_metrics_data *d, size_t i, size_t p) {
    if (!d || i >= d->n_metrics || p >= d->metrics[i].n_points) return NULL;
    return &d->metrics[i].points[p];
}

OTEL_API otel_status otel_metrics_data_point(const otel_metrics_data *d, size_t i, size_t p,
                                             uint64_t *start_ns, uint64_t *time_ns, int *is_int_out,
                                             int64_t *int_value, double *double_value,
                                             uint64_t *count, double *sum, double *min, double *max) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt) return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no point %zu of metric %zu", p, i);
    if (start_ns) *start_ns = pt->start_ns;
    if (time_ns) *time_ns = pt->time_ns;
    if (is_int_out) *is_int_out = pt->is_int;
    if (int_value) *int_value = pt->i;
    if (double_value) *double_value = pt->d;
    if (count) *count = pt->count;
    if (sum) *sum = pt->sum;
    if (min) *min = pt->min;
    if (max) *max = pt->max;
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_point_attrs(const otel_metrics_data *d, size_t i, size_t p,
                                                   const otel_attr **attrs, size_t *n_attrs) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt) return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no point %zu of metric %zu", p, i);
    if (attrs) *attrs = pt->attrs;
    if (n_attrs) *n_attrs = pt->n_attrs;
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_point_buckets(const otel_metrics_data *d, size_t i,
                                                     size_t p, const double **bounds,
                                                     size_t *n_bounds, const uint64_t **counts,
                                                     size_t *n_counts) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt || !pt->buckets)
        return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: point %zu of metric %zu has no buckets", p, i);
    const otel_instrument *inst = d->metrics[i].inst;
    if (bounds) *bounds = inst->bounds;
    if (n_bounds) *n_bounds = inst->n_bounds;
    if (counts) *counts = pt->buckets;
    if (n_counts) *n_counts = inst->n_bounds + 1;
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_point_exp_buckets(const otel_metrics_data *d, size_t i,
                                                         size_t p, int32_t *scale,
                                                         uint64_t *zero_count, int32_t *offset,
                                                         const uint64_t **counts, size_t *n_counts) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt || !pt->exph)
        return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: point %zu of metric %zu is not exponential", p, i);
    if (scale) *scale = pt->exph->scale;
    if (zero_count) *zero_count = pt->exph->zero_count;
    if (offset) *offset = pt->exph->offset;
    if (counts) *counts = pt->exph->counts;
    if (n_counts) *n_counts = pt->exph->n;
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_point_exp_negative(const otel_metrics_data *d, size_t i,
                                                          size_t p, int32_t *offset,
                                                          const uint64_t **counts, size_t *n_counts) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt || !pt->exph)
        return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no exponential histogram point");
    if (offset) *offset = pt->exph->neg_offset;
    if (counts) *counts = pt->exph->neg_counts;
    if (n_counts) *n_counts = pt->exph->neg_n;
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_point_exemplar(const otel_metrics_data *d, size_t i, size_t p,
                                                      size_t k, uint64_t *time_ns, int *is_int_out,
                                                      int64_t *int_value, double *double_value,
                                                      uint8_t *trace_id, uint8_t *span_id) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt || k >= pt->n_exemplars)
        return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no exemplar %zu", k);
    const otel__exemplar *e = &pt->exemplars[k];
    if (time_ns) *time_ns = e->time_ns;
    if (is_int_out) *is_int_out = pt->is_int;
    if (int_value) *int_value = e->i;
    if (double_value) *double_value = e->d;
    if (trace_id) memcpy(trace_id, e->trace_id, 16);
    if (span_id) memcpy(span_id, e->span_id, 8);
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_point_exemplar_attrs(const otel_metrics_data *d, size_t i,
                                                            size_t p, size_t k,
                                                            const otel_attr **attrs, size_t *n_attrs) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt || k >= pt->n_exemplars)
        return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no exemplar %zu", k);
    if (attrs) *attrs = pt->exemplars[k].attrs;
    if (n_attrs) *n_attrs = pt->exemplars[k].n_attrs;
    return OTEL_OK;
}

OTEL_API otel_status otel_metric_reader_manual_new(otel_metric_reader **out, int temporality) {
    if (!out || (temporality != OTEL_TEMPORALITY_DELTA && temporality != OTEL_TEMPORALITY_CUMULATIVE))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "metric_reader_manual_new: bad argument");
    otel_metric_reader *r = calloc(1, sizeof *r);
    if (!r) return otel__fail(OTEL_ERR_NO_MEMORY, "metric_reader_manual_new: out of memory");
    atomic_init(&r->refs, 1);
    r->temporality_pref = temporality;
    pthread_mutex_init(&r->collect_lock, NULL);
    *out = r;
    return OTEL_OK;
}

OTEL_API otel_status otel_metric_reader_collect(otel_metric_reader *r, otel_metrics_data **out) {
    if (!r || !out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "collect: NULL argument");
    if (otel__metrics_reentered("collect")) return OTEL_ERR_STATE;
    if (r->provider && atomic_load(&r->provider->shut_down))
        return otel__fail(OTEL_ERR_SHUTDOWN, "collect: the provider is shut down");
    pthread_mutex_lock(&r->collect_lock);
    otel_status st = otel__metrics_collect(r, out);
    pthread_mutex_unlock(&r->collect_lock);
    return st;
}

OTEL_API otel_metric_reader *otel_metric_reader_retain(otel_metric_reader *r) {
    if (r) atomic_fetch_add(&r->refs, 1);
    return r;
}

OTEL_API void otel_metric_reader_release(otel_metric_reader *r) {
    if (!r || atomic_fetch_sub(&r->refs, 1) != 1) return;
    if (r->vt && r->vt->destroy) r->vt->destroy(r);
    pthread_mutex_destroy(&r->collect_lock);
    free(r);
}
