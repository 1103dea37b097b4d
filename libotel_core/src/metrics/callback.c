/* Observable instruments' callbacks: registration, the observer they
 * report through, and running them all at the start of a collection. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "metrics/atomic_double.h"
#include "metrics/internal.h"
#include "metrics/record.h"
#include "metrics/series.h"

/* Set on a thread while it runs callbacks: a callback that collects,
 * flushes or shuts down would wait for itself. */
static _Thread_local int in_callbacks;

int otel__metrics_reentered(const char *what) {
    if (!in_callbacks) return 0;
    otel__fail(OTEL_ERR_STATE, "%s: called from an observable instrument's callback", what);
    return 1;
}

OTEL_API otel_status otel_meter_register_callback(otel_meter *m, otel_observe_fn fn,
                                                  void *user_data, otel_instrument *const *insts,
                                                  size_t n, uint64_t *id) {
    if (!m || !fn || !insts || !n)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "register_callback: NULL argument");
    for (size_t i = 0; i < n; i++)
        if (!insts[i] || insts[i]->kind < OTEL_INSTRUMENT_OBSERVABLE_COUNTER)
            return otel__fail(OTEL_ERR_INVALID_ARGUMENT,
                              "register_callback: instrument %zu is not observable", i);
    otel__callback *cb = calloc(1, sizeof *cb);
    otel_instrument **copy = malloc(n * sizeof *copy);
    if (!cb || !copy) {
        free(cb), free(copy);
        return otel__fail(OTEL_ERR_NO_MEMORY, "register_callback: out of memory");
    }
    memcpy(copy, insts, n * sizeof *copy);
    atomic_init(&cb->refs, 1);
    cb->fn = fn;
    cb->user_data = user_data;
    cb->insts = copy;
    cb->n = n;
    cb->id = atomic_fetch_add(&m->provider->callback_ids, 1) + 1;
    pthread_mutex_lock(&m->lock);
    cb->next = m->callbacks;
    m->callbacks = cb;
    pthread_mutex_unlock(&m->lock);
    if (id) *id = cb->id;
    return OTEL_OK;
}

void otel__metrics_callback_release(otel__callback *cb) {
    if (atomic_fetch_sub(&cb->refs, 1) != 1) return;
    free(cb->insts);
    free(cb);
}

OTEL_API otel_status otel_meter_unregister_callback(otel_meter *m, uint64_t id) {
    if (!m) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "unregister_callback: NULL meter");
    pthread_mutex_lock(&m->lock);
    for (otel__callback **p = &m->callbacks; *p; p = &(*p)->next)
        if ((*p)->id == id) {
            otel__callback *cb = *p;
            *p = cb->next;
            atomic_store(&cb->removed, 1); /* a running collection skips it */
            pthread_mutex_unlock(&m->lock);
            otel__metrics_callback_release(cb);
            return OTEL_OK;
        }
    pthread_mutex_unlock(&m->lock);
    return otel__fail(OTEL_ERR_NOT_FOUND, "unregister_callback: no callback %llu", (unsigned long long)id);
}

static void observe(otel_observer *o, otel_instrument *inst, int64_t iv, double dv, int from_int,
                    const otel_attr *attrs, size_t n) {
    if (!o || !inst) {
        drop(inst);
        return;
    }
    int mine = 0;
    for (size_t i = 0; i < o->cb->n && !mine; i++) mine = o->cb->insts[i] == inst;
    double v = from_int ? (double)iv : dv;
    if (!mine || isnan(v) || (!attrs && n) || (!from_int && is_int(inst) && !whole_i64(dv))) {
        drop(inst);
        return;
    }
    for (; inst; inst = inst->also) { /* each stream views make of it */
        if (inst->agg == OTEL_AGGREGATION_DROP) continue;
        const otel_attr *a = attrs;
        size_t na = n;
        FILTERED(inst, a, na)
        /* callbacks run in the collection, which is the only reclaimer of
         * this provider: no section needed */
        otel__series *s = otel__metrics_series_for(inst, a, na);
        if (!s) continue;
        /* several observations reaching one series in a collection (sets a
         * view's filter merged, or the overflow series): a sum adds them,
         * a gauge keeps the last. Collections run one at a time. */
        int again = atomic_load(&s->observed_epoch) == o->epoch && inst->agg == OTEL_AGGREGATION_SUM;
        if (is_int(inst)) {
            int64_t x = from_int ? iv : (int64_t)dv;
            atomic_store(&s->i, again ? atomic_load(&s->i) + x : x);
        } else {
            atomic_store(&s->d, dbits(again ? bitsd(atomic_load(&s->d)) + v : v));
        }
        atomic_store(&s->observed_epoch, o->epoch);
    }
}

OTEL_API void otel_observer_observe_i64(otel_observer *o, otel_instrument *inst, int64_t value,
                                        const otel_attr *attrs, size_t n_attrs) {
    observe(o, inst, value, 0, 1, attrs, n_attrs);
}

OTEL_API void otel_observer_observe_f64(otel_observer *o, otel_instrument *inst, double value,
                                        const otel_attr *attrs, size_t n_attrs) {
    observe(o, inst, 0, value, 0, attrs, n_attrs);
}

/* Runs every callback with no lock held (a callback may register,
 * unregister, create instruments or get meters), each kept alive by a
 * reference taken under its meter's lock. */
void otel__metrics_run_callbacks(otel_meter_provider *mp, uint32_t epoch) {
    pthread_mutex_lock(&mp->lock);
    otel_meter *first = mp->meters; /* meters are only ever prepended */
    pthread_mutex_unlock(&mp->lock);
    in_callbacks = 1;
    for (otel_meter *m = first; m; m = m->next) {
        pthread_mutex_lock(&m->lock);
        size_t n = 0;
        for (otel__callback *cb = m->callbacks; cb; cb = cb->next) n++;
        otel__callback **run = n ? malloc(n * sizeof *run) : NULL;
        n = 0;
        for (otel__callback *cb = run ? m->callbacks : NULL; cb; cb = cb->next) {
            atomic_fetch_add(&cb->refs, 1);
            run[n++] = cb;
        }
        pthread_mutex_unlock(&m->lock);
        for (size_t k = n; k-- > 0;) { /* registration order */
            otel_observer o = {m, run[k], epoch};
            if (!atomic_load(&run[k]->removed)) run[k]->fn(&o, run[k]->user_data);
            otel__metrics_callback_release(run[k]);
        }
        free(run);
    }
    in_callbacks = 0;
}
