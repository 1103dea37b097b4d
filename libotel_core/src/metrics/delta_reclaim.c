/* Retiring idle delta series: when every reader reports an instrument as
 * deltas, a series with nothing new for a whole interval is unlinked, and
 * freed once no thread can still reach it (common/reclaim.h). */
#include <stdlib.h>
#include <string.h>

#include "common/reclaim.h"
#include "common/stats.h"
#include "metrics/atomic_double.h"
#include "metrics/internal.h"
#include "metrics/series.h"

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
