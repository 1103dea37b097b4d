/* Metric readers: the manual reader, a collection on demand, and the
 * reference counting every reader shares (otlp_reader.c makes the periodic
 * ones). */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "metrics/internal.h"

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
