/* The meter provider: made from options and the environment, its readers,
 * flush and shutdown, reference counting, stats and the global one. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "common/resource.h"
#include "common/stats.h"
#include "metrics/internal.h"
#include "sdk/options.h"
#include "sdk/pipeline.h"

OTEL_API otel_status otel_meter_provider_new(otel_meter_provider **out, const otel_options *opts) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "meter_provider_new: NULL out");
    otel__sdk_log_level(opts);
    otel_meter_provider *mp = calloc(1, sizeof *mp);
    if (!mp) return otel__fail(OTEL_ERR_NO_MEMORY, "meter_provider_new: out of memory");
    atomic_init(&mp->refs, 1);
    pthread_mutex_init(&mp->lock, NULL);
    pthread_mutex_init(&mp->collect_lock, NULL);
    otel__stats_init(&mp->stats);
    mp->disabled = otel__opt_bool(opts, "OTEL_SDK_DISABLED", 0);
    mp->start_ns = otel__clock_real_ns();
    static const char *const aggs[] = {"explicit_bucket_histogram",
                                       "base2_exponential_bucket_histogram", NULL};
    mp->exponential_histograms =
        otel__opt_enum(opts, "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", aggs, 0) == 1;
    static const char *const filters[] = {"always_off", "always_on", "trace_based", NULL};
    mp->exemplar_filter = otel__opt_enum(opts, "OTEL_METRICS_EXEMPLAR_FILTER", filters, 2);
    otel_status st = otel__sdk_resource(&mp->resource, opts);
    if (st != OTEL_OK) {
        otel__stats_destroy(&mp->stats);
        free(mp);
        return st;
    }
    otel__metrics_fork_track(mp);
    /* the environment's reader, unless the exporter is `none` */
    otel_metric_reader *r = NULL;
    if (!mp->disabled && otel__sdk_metric_reader(&r, opts) == OTEL_OK && r) {
        otel_meter_provider_add_reader(mp, r);
        otel_metric_reader_release(r);
        mp->readers_from_env = 1; /* until a reader is added in code (add_reader) */
    }
    st = otel__options_verdict(opts, "otel_meter_provider_new");
    if (st != OTEL_OK) {
        otel_meter_provider_shutdown(mp, 0);
        otel_meter_provider_release(mp);
        return otel__options_verdict(opts, "otel_meter_provider_new"); /* its message, after the cleanup */
    }
    *out = mp;
    return OTEL_OK;
}

OTEL_API otel_status otel_meter_provider_add_reader(otel_meter_provider *mp, otel_metric_reader *r) {
    if (!mp || !r) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "add_reader: NULL argument");
    pthread_mutex_lock(&mp->lock);
    otel_status st = OTEL_OK;
    otel_metric_reader *env_reader = NULL;
    if (mp->readers_from_env && !mp->meters && r != mp->readers[0] && !r->provider) {
        /* a reader added in code before the first meter replaces the one
         * OTEL_METRICS_EXPORTER named, as the header promises */
        env_reader = mp->readers[0];
        pthread_mutex_lock(&env_reader->collect_lock);
        env_reader->provider = NULL;
        pthread_mutex_unlock(&env_reader->collect_lock);
        mp->n_readers = 0;
        atomic_store(&mp->delta_readers, 0);
        mp->readers_from_env = 0;
    }
    if (r->provider || atomic_load(&mp->shut_down)) st = OTEL_ERR_STATE;
    else if (mp->n_readers >= OTEL__MAX_READERS) st = OTEL_ERR_LIMIT;
    if (st == OTEL_OK) {
        r->provider = mp;
        r->index = (int)mp->n_readers;
        if (r->temporality_pref != OTEL_TEMPORALITY_CUMULATIVE)
            atomic_fetch_or(&mp->delta_readers, 1u << r->index);
        mp->readers[mp->n_readers++] = otel_metric_reader_retain(r);
    }
    pthread_mutex_unlock(&mp->lock);
    if (env_reader) {
        if (env_reader->vt && env_reader->vt->shutdown) env_reader->vt->shutdown(env_reader, 1000);
        otel_metric_reader_release(env_reader);
    }
    if (st != OTEL_OK)
        return otel__fail(st, st == OTEL_ERR_LIMIT ? "add_reader: at most %d readers"
                                                   : "add_reader: the reader has a provider, or "
                                                     "the provider is shut down (%d)",
                          OTEL__MAX_READERS);
    if (r->vt && r->vt->start) r->vt->start(r);
    return OTEL_OK;
}

OTEL_API otel_status otel_meter_provider_force_flush(otel_meter_provider *mp, uint32_t timeout_ms) {
    if (!mp) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "force_flush: NULL provider");
    if (otel__metrics_reentered("force_flush")) return OTEL_ERR_STATE;
    otel_status worst = OTEL_OK;
    for (size_t i = 0; i < mp->n_readers; i++) {
        otel_metric_reader *r = mp->readers[i];
        if (r->vt && r->vt->flush) {
            otel_status st = r->vt->flush(r, timeout_ms);
            if (st != OTEL_OK) worst = st;
        }
    }
    return worst;
}

OTEL_API otel_status otel_meter_provider_shutdown(otel_meter_provider *mp, uint32_t timeout_ms) {
    if (!mp) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "shutdown: NULL provider");
    if (otel__metrics_reentered("shutdown")) return OTEL_ERR_STATE;
    if (atomic_exchange(&mp->shut_down, 1)) return OTEL_OK;
    otel_status worst = OTEL_OK;
    for (size_t i = 0; i < mp->n_readers; i++) {
        otel_metric_reader *r = mp->readers[i];
        if (r->vt && r->vt->shutdown) {
            otel_status st = r->vt->shutdown(r, timeout_ms);
            if (st != OTEL_OK) worst = st;
        }
    }
    return worst;
}

OTEL_API otel_meter_provider *otel_meter_provider_retain(otel_meter_provider *mp) {
    if (mp) atomic_fetch_add(&mp->refs, 1);
    return mp;
}

static void provider_free(otel_meter_provider *mp) {
    otel__metrics_fork_untrack(mp);
    for (size_t i = 0; i < mp->n_readers; i++) {
        /* under its lock: an abandoned export may still be running */
        pthread_mutex_lock(&mp->readers[i]->collect_lock);
        mp->readers[i]->provider = NULL;
        pthread_mutex_unlock(&mp->readers[i]->collect_lock);
        otel_metric_reader_release(mp->readers[i]);
    }
    otel_meter *m = mp->meters;
    while (m) {
        otel_meter *next = m->next;
        otel_instrument *inst = m->instruments;
        while (inst) {
            otel_instrument *n = inst->next;
            otel__metrics_instrument_free(inst);
            inst = n;
        }
        otel__callback *cb = m->callbacks;
        while (cb) {
            otel__callback *n = cb->next;
            otel__metrics_callback_release(cb);
            cb = n;
        }
        otel__metrics_meter_free(m);
        m = next;
    }
    for (size_t i = 0; i < mp->n_views; i++) otel_view_free(mp->views[i]);
    otel_resource_release(mp->resource);
    otel__stats_destroy(&mp->stats);
    pthread_mutex_destroy(&mp->lock);
    pthread_mutex_destroy(&mp->collect_lock);
    free(mp);
}

OTEL_API void otel_meter_provider_release(otel_meter_provider *mp) {
    if (!mp) return;
    uint32_t n = atomic_load(&mp->refs);
    while (n > 1)
        if (atomic_compare_exchange_weak(&mp->refs, &n, n - 1)) return;
    /* The last reference shuts down while still held: the final collections
     * retain and release the provider through their data, which must not
     * bring the count to zero under us. */
    otel_meter_provider_shutdown(mp, 5000);
    if (atomic_fetch_sub(&mp->refs, 1) != 1) return; /* collected data still holds it */
    provider_free(mp);
}

OTEL_API size_t otel_meter_provider_get_stats(const otel_meter_provider *mp, uint64_t *out, size_t n) {
    if (!mp || !out) return 0;
    size_t k = n < OTEL_STAT__COUNT ? n : OTEL_STAT__COUNT;
    for (size_t i = 0; i < k; i++) out[i] = otel__stats_get(&mp->stats, (otel_stat)i);
    return k;
}

OTEL_API size_t otel_meter_provider_last_error(const otel_meter_provider *mp, char *buf, size_t cap) {
    return mp ? otel__stats_last_error(&mp->stats, buf, cap) : 0;
}

OTEL_API uint64_t otel_meter_provider_dropped(const otel_meter_provider *mp) {
    return mp ? atomic_load(&((otel_meter_provider *)mp)->dropped) : 0;
}

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static otel_meter_provider *global;

OTEL_API otel_meter_provider *otel_meter_provider_get_global(void) {
    pthread_mutex_lock(&global_lock);
    otel_meter_provider *mp = otel_meter_provider_retain(global);
    pthread_mutex_unlock(&global_lock);
    return mp;
}

OTEL_API void otel_meter_provider_set_global(otel_meter_provider *mp) {
    otel_meter_provider_retain(mp);
    pthread_mutex_lock(&global_lock);
    otel_meter_provider *old = global;
    global = mp;
    pthread_mutex_unlock(&global_lock);
    otel_meter_provider_release(old);
}
