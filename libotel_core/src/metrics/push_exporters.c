/* Push metric exporters behind the periodic reader: the caller's export
 * function, and the in-memory exporter that keeps each export until the
 * caller takes it. */
#include <stdlib.h>

#include "common/error.h"
#include "common/log.h"
#include "metrics/internal.h"

/* ---- the caller's function ---- */

typedef struct user_sink {
    otel_metric_export_fn fn;
    void *user_data;
} user_sink;

static otel_status user_export(otel_metrics_data *d, void *ud) {
    const user_sink *u = ud;
    otel_status st = u->fn(d, u->user_data);
    otel_metrics_data_free(d);
    return st;
}

OTEL_API otel_status otel_metric_reader_periodic_new(otel_metric_reader **out,
                                                     const otel_options *opts,
                                                     otel_metric_export_fn export_fn,
                                                     void *user_data) {
    if (!out || !export_fn)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "metric_reader_periodic_new: NULL argument");
    user_sink *u = malloc(sizeof *u);
    if (!u) return otel__fail(OTEL_ERR_NO_MEMORY, "metric_reader_periodic_new: out of memory");
    u->fn = export_fn;
    u->user_data = user_data;
    return otel__metric_reader_sink_new(out, opts, user_export, u, free);
}

/* ---- in memory ---- */

#define KEEP 1024

typedef struct memory_store {
    pthread_mutex_t lock;
    otel_metrics_data *items[KEEP]; /* a ring, oldest at head */
    size_t head, n;
} memory_store;

/* Kept data holds no provider reference (the periodic reader collects it
 * borrowed): the provider owns the reader that owns the store, and a
 * reference back would keep all three alive. It takes one when taken. */
static otel_status memory_export(otel_metrics_data *d, void *ud) {
    memory_store *m = ud;
    otel_metrics_data *old = NULL;
    pthread_mutex_lock(&m->lock);
    if (m->n == KEEP) { /* full: the oldest goes */
        old = m->items[m->head];
        m->head = (m->head + 1) % KEEP;
        m->n--;
    }
    m->items[(m->head + m->n) % KEEP] = d;
    m->n++;
    pthread_mutex_unlock(&m->lock);
    if (old) {
        OTEL_LOG_W("metrics: the in-memory exporter holds %d exports; the oldest is dropped", KEEP);
        otel_metrics_data_free(old);
    }
    return OTEL_OK;
}

static void memory_free(void *ud) {
    memory_store *m = ud;
    for (size_t i = 0; i < m->n; i++) otel_metrics_data_free(m->items[(m->head + i) % KEEP]);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

OTEL_API otel_status otel_metric_reader_memory_new(otel_metric_reader **out,
                                                   const otel_options *opts) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "metric_reader_memory_new: NULL out");
    memory_store *m = calloc(1, sizeof *m);
    if (!m) return otel__fail(OTEL_ERR_NO_MEMORY, "metric_reader_memory_new: out of memory");
    pthread_mutex_init(&m->lock, NULL);
    return otel__metric_reader_sink_new(out, opts, memory_export, m, memory_free);
}

OTEL_API otel_metrics_data *otel_metric_reader_memory_take(otel_metric_reader *r) {
    memory_store *m = otel__metric_reader_sink_ud(r, memory_export);
    if (!m) return NULL;
    otel_metrics_data *d = NULL;
    pthread_mutex_lock(&m->lock);
    otel_meter_provider *mp = r->provider; /* NULL once the provider is gone */
    if (mp && m->n) {
        d = m->items[m->head];
        m->head = (m->head + 1) % KEEP;
        m->n--;
        if (!d->provider) d->provider = otel_meter_provider_retain(mp);
    }
    pthread_mutex_unlock(&m->lock);
    return d;
}
