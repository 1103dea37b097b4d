/* The OTLP trace exporter: encode (protobuf or JSON), compress, frame for
 * gRPC, send with retries, read partial success, count everything. One
 * instance is driven by one batch worker; shutdown and abort come from
 * other threads and cut a send or a backoff wait short at once. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/config.h"
#include "common/error.h"
#include "common/fork.h"
#include "common/forklock.h"
#include "common/live_list.h"
#include "common/log.h"
#include "export/exporter.h"
#include "export/gzip.h"
#include "export/otlp_buf.h"
#include "export/otlp_config.h"
#include "export/otlp_encode.h"
#include "export/otlp_exporter.h"
#include "export/otlp_grpc_framing.h"
#include "export/otlp_retry.h"
#include "export/otlp_transport_http.h"
#include "otel/otlp.h"

typedef struct otlp_exporter {
    otel__otlp_config cfg;
    otel__otlp_transport *tr;
    otel__otlp_encoder enc;
    otel__gzip gz;
    otel__buf zbuf; /* compressed and/or framed body */
    pthread_mutex_t lock;
    pthread_cond_t cond; /* CLOCK_MONOTONIC; signalled by abort and shutdown */
    _Atomic int stop;    /* shut down: permanent */
    _Atomic int abort_now; /* gave up at a shutdown deadline: permanent too */
    _Atomic int last_attempts; /* shutting down: one attempt, no retry waits */
    otel__live_node live; /* for fork */
} otlp_exporter;

/* ---- fork: a child's exporter starts with fresh synchronisation (the
 * parent's worker may have been waiting on the condition variable); the
 * transport renews its connection itself on first use. */
static otel__live_list live = OTEL__LIVE_LIST_INIT;

static void live_fork_child(void) {
    for (otel__live_node *n = live.head; n; n = n->next) {
        otlp_exporter *x = OTEL__LIVE_OF(n, otlp_exporter, live);
        pthread_mutex_init(&x->lock, NULL);
        otel__cond_init_mono(&x->cond);
    }
}

static void live_register_fork(void) {
    otel__forklock_add(&live.lock);
    otel__fork_register_handlers(OTEL__FORK_WORKERS, NULL, NULL, live_fork_child);
}

static int given_up(otlp_exporter *x) { return atomic_load(&x->stop) || atomic_load(&x->abort_now); }

/* The retry loop's wait: 0 to stop retrying (shutdown, abort, or the last
 * attempts of a shutdown, which never wait). */
static int wait_until(void *ctx, uint64_t until_ns) {
    otlp_exporter *x = ctx;
    if (atomic_load(&x->last_attempts)) return 0;
    pthread_mutex_lock(&x->lock);
    while (!given_up(x) && !atomic_load(&x->last_attempts) && otel__clock_mono_ns() < until_ns) {
        struct timespec ts = otel__timespec_of(until_ns);
        pthread_cond_timedwait(&x->cond, &x->lock, &ts);
    }
    int ok = !given_up(x) && !atomic_load(&x->last_attempts);
    pthread_mutex_unlock(&x->lock);
    return ok;
}

static const char *protocol_name(int p) {
    return p == OTEL__OTLP_GRPC ? "grpc" : p == OTEL__OTLP_HTTP_JSON ? "http/json" : "http/protobuf";
}

/* Compresses and frames `body` as configured and sends it with retries.
 * `in_pb`: the body is the encoder's backward buffer, so a gRPC frame
 * header can go in front without a copy. 0 when out of memory. */
static int send_body(otlp_exporter *x, const uint8_t *body, size_t len, int in_pb,
                     uint64_t deadline, otel__stats *st, otel__otlp_result *res) {
    int grpc = x->cfg.protocol == OTEL__OTLP_GRPC;
    if (x->cfg.gzip) {
        x->zbuf.len = 0;
        x->zbuf.err = 0;
        if (grpc) { /* room for the frame header */
            if (!otel__buf_reserve(&x->zbuf, OTEL__GRPC_FRAME_HEADER)) return 0;
            x->zbuf.len = OTEL__GRPC_FRAME_HEADER;
        }
        if (otel__gzip_compress(&x->gz, body, len, &x->zbuf) != OTEL_OK) return 0;
        if (grpc)
            otel__grpc_frame_header(x->zbuf.p, 1, (uint32_t)(x->zbuf.len - OTEL__GRPC_FRAME_HEADER));
        body = x->zbuf.p;
        len = x->zbuf.len;
    } else if (grpc && in_pb) {
        /* the protobuf was written backward: the header goes in front, no copy */
        otel__rbuf *pb = &x->enc.pb;
        if (!otel__rbuf_reserve(pb, OTEL__GRPC_FRAME_HEADER)) return 0;
        uint8_t hdr[OTEL__GRPC_FRAME_HEADER];
        otel__grpc_frame_header(hdr, 0, (uint32_t)otel__rbuf_used(pb));
        otel__rbuf_wbytes(pb, hdr, sizeof hdr);
        body = pb->pos;
        len = otel__rbuf_used(pb);
    } else if (grpc) {
        x->zbuf.len = 0;
        x->zbuf.err = 0;
        if (!otel__buf_reserve(&x->zbuf, OTEL__GRPC_FRAME_HEADER + len)) return 0;
        otel__grpc_frame_header(x->zbuf.p, 0, (uint32_t)len);
        memcpy(x->zbuf.p + OTEL__GRPC_FRAME_HEADER, body, len);
        x->zbuf.len = OTEL__GRPC_FRAME_HEADER + len;
        body = x->zbuf.p;
        len = x->zbuf.len;
    }
    if (grpc && len - OTEL__GRPC_FRAME_HEADER > UINT32_MAX) return 0;
    otel__otlp_send_with_retry(x->tr, body, len, deadline, x->cfg.retry_initial_ns,
                               x->cfg.retry_max_ns, wait_until, x, st, res);
    return 1;
}

static int otlp_export(otel_exporter *self, const otel_span_data *const *spans, size_t n,
                       uint32_t timeout_ms) {
    otlp_exporter *x = self->impl;
    otel__stats *st = atomic_load(&self->stats);
    if (atomic_load(&x->stop)) {
        otel__stats_set_error(st, "otlp: export after shutdown");
        return OTEL_EXPORT_FAILURE;
    }
    if (n == 0) return OTEL_EXPORT_SUCCESS; /* no empty envelopes */
    if (atomic_load(&x->abort_now)) {
        otel__stats_set_error(st, "otlp: export after shutdown gave up");
        return OTEL_EXPORT_FAILURE;
    }

    uint32_t t = x->cfg.timeout_ms;
    if (timeout_ms && (!t || timeout_ms < t)) t = timeout_ms;
    uint64_t deadline = otel__deadline_ms(t);

    const uint8_t *body;
    size_t len;
    otel_status es = x->cfg.protocol == OTEL__OTLP_HTTP_JSON
                         ? otel__otlp_encode_traces_json(&x->enc, spans, n, &body, &len)
                         : otel__otlp_encode_traces_proto(&x->enc, spans, n, &body, &len);
    if (es == OTEL_ERR_LIMIT) {
        otel__stats_set_error(st, "otlp: a batch of %zu spans encodes to more than %zu bytes; "
                                  "dropped without sending", n, x->cfg.max_request_bytes);
        OTEL_LOG_W("otlp: a batch of %zu spans is larger than %zu bytes and was dropped", n,
                   x->cfg.max_request_bytes);
        return OTEL__EXPORT_TOO_LARGE;
    }
    if (es != OTEL_OK) {
        otel__stats_set_error(st, "%s", otel_last_error());
        return OTEL_EXPORT_FAILURE;
    }

    otel__otlp_result res;
    if (!send_body(x, body, len, x->cfg.protocol != OTEL__OTLP_HTTP_JSON, deadline, st, &res))
        goto oom;
    if (res.outcome == OTEL__OTLP_SENT) {
        if (res.partial.present && (res.partial.rejected > 0 || res.partial.message[0])) {
            if (res.partial.rejected > 0) {
                /* dropped, not exported: the processor counts it so */
                self->rejected = (size_t)res.partial.rejected;
                otel__stats_set_error(st, "otlp: %s rejected %lld of %zu spans: %s",
                                      x->cfg.display_url, (long long)res.partial.rejected, n,
                                      res.partial.message);
            }
            OTEL_LOG_W("otlp: %s accepted the batch partially (%lld of %zu spans rejected): %s",
                       x->cfg.display_url, (long long)res.partial.rejected, n,
                       res.partial.message[0] ? res.partial.message : "(no message)");
        }
        return OTEL_EXPORT_SUCCESS;
    }
    otel__stats_set_error(st, "otlp: %s", res.error);
    OTEL_LOG_W("otlp: dropped a batch of %zu spans: %s", n, res.error);
    return OTEL_EXPORT_FAILURE;
oom:
    otel__stats_set_error(st, "otlp: out of memory preparing a request of %zu bytes", len);
    return OTEL_EXPORT_FAILURE;
}

static otel_status otlp_force_flush(otel_exporter *self, uint32_t timeout_ms) {
    (void)self, (void)timeout_ms; /* nothing is buffered past an export call */
    return OTEL_OK;
}

static void otlp_abort(otel_exporter *self) {
    otlp_exporter *x = self->impl;
    pthread_mutex_lock(&x->lock);
    atomic_store(&x->abort_now, 1);
    pthread_cond_broadcast(&x->cond);
    pthread_mutex_unlock(&x->lock);
    otel__otlp_transport_abort(x->tr);
}

static void otlp_last_attempts(otel_exporter *self) {
    otlp_exporter *x = self->impl;
    pthread_mutex_lock(&x->lock);
    atomic_store(&x->last_attempts, 1);
    pthread_cond_broadcast(&x->cond); /* a backoff wait in progress ends now */
    pthread_mutex_unlock(&x->lock);
}

static otel_status otlp_shutdown(otel_exporter *self, uint32_t timeout_ms) {
    (void)timeout_ms;
    otlp_exporter *x = self->impl;
    pthread_mutex_lock(&x->lock);
    atomic_store(&x->stop, 1);
    pthread_cond_broadcast(&x->cond);
    pthread_mutex_unlock(&x->lock);
    otel__otlp_transport_abort(x->tr);
    return OTEL_OK;
}

static void otlp_destroy(otel_exporter *self) {
    otlp_exporter *x = self->impl;
    if (!x) return;
    otel__live_remove(&live, &x->live);
    otel__otlp_transport_free(x->tr);
    otel__otlp_encoder_free(&x->enc);
    otel__gzip_free(&x->gz);
    otel__buf_free(&x->zbuf);
    otel__otlp_config_free(&x->cfg);
    pthread_cond_destroy(&x->cond);
    pthread_mutex_destroy(&x->lock);
    free(x);
    self->impl = NULL;
}

static const otel__exporter_vtable otlp_vtable = {
    .export_spans = otlp_export,
    .force_flush = otlp_force_flush,
    .shutdown = otlp_shutdown,
    .destroy = otlp_destroy,
    .abort = otlp_abort,
    .last_attempts = otlp_last_attempts,
};

/* Configuration, encoder, gzip state and transport for one signal. */
static otel_status otlp_alloc(otlp_exporter **out, const otel_options *opts, int signal) {
    otlp_exporter *x = calloc(1, sizeof *x);
    if (!x) return otel__fail(OTEL_ERR_NO_MEMORY, "otlp exporter: out of memory");
    otel_status s = otel__otlp_config_load(&x->cfg, opts, signal);
    if (s != OTEL_OK) {
        free(x);
        return s;
    }
    pthread_mutex_init(&x->lock, NULL);
    otel__cond_init_mono(&x->cond);
    atomic_init(&x->stop, 0);
    atomic_init(&x->abort_now, 0);
    atomic_init(&x->last_attempts, 0);
    otel__otlp_encoder_init(&x->enc, x->cfg.max_request_bytes);
    otel__gzip_init(&x->gz, 1); /* level 1: 2.7x faster than 6 for 2% more bytes (ADR 0002) */
    /* no cap of its own: the input is capped, and deflate's output is bounded */
    otel__buf_init(&x->zbuf, 0);
    static pthread_once_t fork_once = PTHREAD_ONCE_INIT;
    pthread_once(&fork_once, live_register_fork);
    otel__live_add(&live, &x->live);
    s = otel__otlp_transport_new(&x->tr, &x->cfg);
    if (s != OTEL_OK) {
        otel_exporter tmp = {0};
        tmp.impl = x;
        otlp_destroy(&tmp);
        return s;
    }
    *out = x;
    return OTEL_OK;
}

OTEL_API otel_status otel_exporter_otlp_new(otel_exporter **out, const otel_options *opts) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_exporter_otlp_new: out is NULL");
    *out = NULL;
    otlp_exporter *x;
    otel_status s = otlp_alloc(&x, opts, OTEL__OTLP_TRACES);
    if (s != OTEL_OK) return s;
    otel_exporter *e = NULL;
    s = otel__exporter_new(&e, &otlp_vtable, x);
    if (s != OTEL_OK) {
        otel_exporter tmp = {0};
        tmp.impl = x;
        otlp_destroy(&tmp);
        return s;
    }
    s = otel__options_verdict(opts, "otel_exporter_otlp_new");
    if (s != OTEL_OK) {
        otel_exporter_release(e);
        return otel__options_verdict(opts, "otel_exporter_otlp_new"); /* its message, after the cleanup */
    }
    OTEL_LOG_D("otlp: exporting traces to %s over %s%s", x->cfg.display_url,
               protocol_name(x->cfg.protocol), x->cfg.gzip ? " with gzip" : "");
    *out = e;
    return OTEL_OK;
}

otel_status otel__otlp_exporter_from_env(otel_exporter **out, const otel_options *opts) {
    const char *path = otel__opt_str(opts, "OTEL_CORE_EXPORTER_FILE_PATH");
    if (path) return otel_exporter_file_new(out, path);
    return otel_exporter_otlp_new(out, opts);
}

/* ---- the same transport for the other signals (metrics) ------------------ */

otel__otlp_sender *otel__otlp_sender_new(const otel_options *opts, int signal) {
    otlp_exporter *x;
    if (otlp_alloc(&x, opts, signal) != OTEL_OK) return NULL;
    OTEL_LOG_D("otlp: exporting signal %d to %s over %s", signal, x->cfg.display_url,
               protocol_name(x->cfg.protocol));
    return (otel__otlp_sender *)x;
}

int otel__otlp_sender_protocol(const otel__otlp_sender *s) { return ((const otlp_exporter *)s)->cfg.protocol; }

int otel__otlp_sender_send(otel__otlp_sender *s, const uint8_t *body, size_t len,
                           uint32_t timeout_ms, otel__stats *st, char *error, size_t cap) {
    otlp_exporter *x = (otlp_exporter *)s;
    if (atomic_load(&x->stop)) {
        snprintf(error, cap, "exporter shut down");
        return 0;
    }
    if (x->cfg.max_request_bytes && len > x->cfg.max_request_bytes) {
        snprintf(error, cap, "request of %zu bytes is over the %zu-byte cap", len, x->cfg.max_request_bytes);
        return 0;
    }
    uint32_t t = x->cfg.timeout_ms;
    if (timeout_ms && (!t || timeout_ms < t)) t = timeout_ms;
    otel__otlp_result res;
    if (!send_body(x, body, len, 0, otel__deadline_ms(t), st, &res)) {
        snprintf(error, cap, "out of memory");
        return 0;
    }
    if (res.outcome == OTEL__OTLP_SENT) return 1;
    snprintf(error, cap, "%s", res.error);
    return 0;
}

void otel__otlp_sender_stop(otel__otlp_sender *s) {
    otel_exporter tmp = {0};
    tmp.impl = s;
    otlp_shutdown(&tmp, 0);
}

void otel__otlp_sender_last_attempts(otel__otlp_sender *s) {
    otel_exporter tmp = {0};
    tmp.impl = s;
    otlp_last_attempts(&tmp);
}

void otel__otlp_sender_free(otel__otlp_sender *s) {
    otel_exporter tmp = {0};
    tmp.impl = s;
    otlp_destroy(&tmp);
}
