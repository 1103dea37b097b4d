/* The periodic metric reader: every OTEL_METRIC_EXPORT_INTERVAL it collects
 * and exports, over OTLP (one ExportMetricsServiceRequest through the
 * transport the span exporter uses: retries, gzip, gRPC), to the console, or
 * to a sink (the push and in-memory readers). It runs on the shared
 * background worker (export/worker.h), so force_flush and shutdown keep
 * their deadlines (an export that overruns shutdown is abandoned, never
 * joined) and a fork child exports again from a thread of its own. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "sdk/options.h"
#include "common/error.h"
#include "common/log.h"
#include "export/otlp_buf.h"
#include "export/otlp_config.h"
#include "export/otlp_sender.h"
#include "export/worker.h"
#include "metrics/internal.h"

typedef struct periodic {
    otel_metric_reader *reader;
    otel__worker *worker; /* made when the reader joins a provider */
    otel__otlp_sender *sender; /* NULL: the console, or the sink */
    otel__metric_sink sink;    /* set: takes each collection instead */
    void *sink_ud;
    void (*sink_free)(void *ud);
    otel__buf json; /* the worker thread's */
    uint32_t interval_ms, timeout_ms;
    uint64_t created_ns;
    _Atomic uint32_t flush_timeout_ms; /* what the flush in progress allows */
} periodic;

/* The provider's stats, while it lives (the caller holds r->collect_lock:
 * the provider lets go of its readers under it). */
static otel__stats *stats_of(otel_metric_reader *r) { return r->provider ? &r->provider->stats : NULL; }

static void count_outcome(otel_metric_reader *r, int ok, const char *err) {
    pthread_mutex_lock(&r->collect_lock);
    otel__stats *stats = stats_of(r);
    if (ok) {
        otel__stats_set(stats, OTEL_STAT_LAST_EXPORT_TIME_NS, otel__clock_real_ns());
    } else {
        otel__stats_add(stats, OTEL_STAT_EXPORT_ERRORS, 1);
        otel__stats_set_error(stats, "metrics: %s", err);
    }
    pthread_mutex_unlock(&r->collect_lock);
}

/* Collects and exports once. Everything that reads the provider happens
 * under r->collect_lock; the send itself does not, so a shutdown that gives
 * up on a send may free the provider meanwhile. */
static otel_status export_once(otel_metric_reader *r, uint32_t timeout_ms) {
    periodic *p = r->impl;
    pthread_mutex_lock(&r->collect_lock);
    if (!r->provider) {
        pthread_mutex_unlock(&r->collect_lock);
        return OTEL_OK;
    }
    otel_metrics_data *d = NULL;
    otel_status st = otel__metrics_collect_borrowed(r, &d);
    if (st != OTEL_OK || !d->n_metrics) {
        pthread_mutex_unlock(&r->collect_lock);
        if (d) otel_metrics_data_free(d);
        return st;
    }
    otel__stats_add(stats_of(r), OTEL_STAT_EXPORT_BATCHES, 1);
    if (p->sink || !p->sender) {
        /* in-process consumers: under the lock, they read the data */
        if (p->sink) {
            st = p->sink(d, p->sink_ud); /* takes d */
        } else {
            otel__metrics_print(stdout, d);
            otel_metrics_data_free(d);
        }
        pthread_mutex_unlock(&r->collect_lock);
        if (st != OTEL_OK) {
            char err[64];
            snprintf(err, sizeof err, "the exporter failed (%d)", (int)st);
            count_outcome(r, 0, err);
        } else {
            count_outcome(r, 1, NULL);
        }
        return st;
    }
    uint8_t *body = NULL;
    size_t len = 0;
    if (otel__otlp_sender_config(p->sender)->protocol == OTEL__OTLP_HTTP_JSON) {
        otel__buf_reset(&p->json, 1 << 20);
        st = otel__metrics_encode_json(d, r->provider->resource, &p->json);
        if (st == OTEL_OK && !(body = malloc(p->json.len ? p->json.len : 1))) st = OTEL_ERR_NO_MEMORY;
        if (body) {
            memcpy(body, p->json.p, p->json.len);
            len = p->json.len;
        }
    } else {
        st = otel__metrics_encode_proto(d, r->provider->resource, &body, &len);
    }
    otel_metrics_data_free(d);
    otel__stats *stats = stats_of(r);
    pthread_mutex_unlock(&r->collect_lock);
    if (st != OTEL_OK) {
        free(body);
        return st;
    }
    size_t cap = otel__otlp_sender_config(p->sender)->max_request_bytes;
    otel__otlp_result res;
    int ok = 0;
    if (cap && len > cap) {
        snprintf(res.error, sizeof res.error, "a request of %zu bytes is over the %zu-byte cap; not sent",
                 len, cap);
    } else if (!otel__otlp_sender_send(p->sender, body, len, NULL, timeout_ms, stats, &res)) {
        snprintf(res.error, sizeof res.error, "out of memory");
    } else {
        ok = res.outcome == OTEL__OTLP_SENT;
    }
    free(body);
    count_outcome(r, ok, res.error);
    if (ok) return OTEL_OK;
    OTEL_LOG_W("metrics: export failed: %s", res.error);
    return otel__fail(OTEL_ERR_EXPORT, "metrics: export failed: %s", res.error);
}

/* ---- the worker's job ---- */

static otel_status job_run(void *job, int flush) {
    otel_metric_reader *r = job;
    periodic *p = r->impl;
    uint32_t t = flush ? atomic_load(&p->flush_timeout_ms) : 0;
    return export_once(r, t ? t : p->timeout_ms);
}

static uint64_t job_next_due(void *job, uint64_t now, uint64_t last_run) {
    (void)now;
    periodic *p = ((otel_metric_reader *)job)->impl;
    return (last_run ? last_run : p->created_ns) + (uint64_t)p->interval_ms * 1000000ull;
}

static void job_abandon(void *job) {
    periodic *p = ((otel_metric_reader *)job)->impl;
    if (p->sender) otel__otlp_sender_stop(p->sender); /* the send in flight returns at once */
}

static void job_hold(void *job) { otel_metric_reader_retain(job); }
static void job_release(void *job) { otel_metric_reader_release(job); }

static const otel__worker_job periodic_job = {job_run, job_next_due, job_abandon, NULL, job_hold,
                                              job_release};

/* ---- the reader ---- */

static void periodic_start(otel_metric_reader *r) {
    periodic *p = r->impl;
    if (!p->worker) p->worker = otel__worker_new(&periodic_job, r, 1);
    if (!p->worker) OTEL_LOG_E("metrics: cannot start the periodic reader (out of memory)");
}

static otel_status periodic_flush(otel_metric_reader *r, uint32_t timeout_ms) {
    periodic *p = r->impl;
    if (!p->worker) return export_once(r, timeout_ms ? timeout_ms : p->timeout_ms);
    atomic_store(&p->flush_timeout_ms, timeout_ms);
    otel_status st = otel__worker_flush(p->worker, timeout_ms);
    if (st == OTEL_ERR_TIMEOUT)
        return otel__fail(st, "metrics: force_flush did not finish in %u ms", timeout_ms);
    return st;
}

static otel_status periodic_shutdown(otel_metric_reader *r, uint32_t timeout_ms) {
    periodic *p = r->impl;
    if (p->sender) otel__otlp_sender_last_attempts(p->sender); /* no retry waits now */
    otel_status st;
    if (!p->worker) {
        st = export_once(r, timeout_ms ? timeout_ms : p->timeout_ms);
    } else {
        atomic_store(&p->flush_timeout_ms, timeout_ms);
        st = otel__worker_shutdown(p->worker, timeout_ms);
        if (st == OTEL_ERR_TIMEOUT) {
            OTEL_LOG_W("metrics: shutdown timed out; the export in flight is abandoned");
            return otel__fail(st, "metrics: shutdown did not finish in %u ms", timeout_ms);
        }
    }
    if (p->sender) otel__otlp_sender_stop(p->sender);
    return st;
}

static void periodic_destroy(otel_metric_reader *r) {
    periodic *p = r->impl;
    if (!p) return;
    if (p->worker) {
        /* never shut down: the thread holds the reader, so it has exited or
         * was abandoned (and holds it no more) */
        otel__worker_shutdown(p->worker, 1);
        otel__worker_free(p->worker);
    }
    if (p->sender) otel__otlp_sender_free(p->sender);
    if (p->sink_free) p->sink_free(p->sink_ud);
    otel__buf_free(&p->json);
    free(p);
}

static const otel__reader_vt periodic_vt = {periodic_start, periodic_flush, periodic_shutdown,
                                            periodic_destroy};

static otel_status periodic_new(otel_metric_reader **out, const otel_options *opts, int console) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "metric reader: NULL out");
    static const char *const prefs[] = {"cumulative", "delta", "lowmemory", NULL};
    int pref = otel__opt_enum(opts, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", prefs, 0);
    otel_status st = otel_metric_reader_manual_new(out, OTEL_TEMPORALITY_CUMULATIVE);
    if (st != OTEL_OK) return st;
    otel_metric_reader *r = *out;
    r->temporality_pref = pref == 0 ? OTEL_TEMPORALITY_CUMULATIVE : pref == 1 ? OTEL_TEMPORALITY_DELTA : 3;
    periodic *p = calloc(1, sizeof *p);
    if (p && !console && otel__otlp_sender_new(&p->sender, opts, OTEL__OTLP_METRICS) != OTEL_OK)
        p->sender = NULL;
    if (!p || (!console && !p->sender)) {
        free(p);
        otel_metric_reader_release(r);
        *out = NULL;
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "metric reader: no usable OTLP configuration");
    }
    otel__buf_init(&p->json, 0);
    p->interval_ms = (uint32_t)otel__opt_int(opts, "OTEL_METRIC_EXPORT_INTERVAL", 60000, 1, 86400000);
    p->timeout_ms = (uint32_t)otel__opt_int(opts, "OTEL_METRIC_EXPORT_TIMEOUT", 30000, 1, 86400000);
    p->created_ns = otel__clock_mono_ns();
    p->reader = r;
    r->impl = p;
    r->vt = &periodic_vt;
    return OTEL_OK;
}

OTEL_API otel_status otel_metric_reader_otlp_new(otel_metric_reader **out, const otel_options *opts) {
    return periodic_new(out, opts, 0);
}

OTEL_API otel_status otel_metric_reader_console_new(otel_metric_reader **out, const otel_options *opts) {
    return periodic_new(out, opts, 1);
}

otel_status otel__metric_reader_sink_new(otel_metric_reader **out, const otel_options *opts,
                                         otel__metric_sink sink, void *ud,
                                         void (*sink_free)(void *ud)) {
    otel_status st = periodic_new(out, opts, 1);
    if (st != OTEL_OK) {
        if (sink_free) sink_free(ud);
        return st;
    }
    periodic *p = (*out)->impl;
    p->sink = sink;
    p->sink_ud = ud;
    p->sink_free = sink_free;
    return OTEL_OK;
}

void *otel__metric_reader_sink_ud(const otel_metric_reader *r, otel__metric_sink sink) {
    const periodic *p = r && r->vt == &periodic_vt ? r->impl : NULL;
    return p && p->sink == sink ? p->sink_ud : NULL;
}
