/* The OTLP trace exporter behind otel_exporter_otlp_new(): the span
 * encoder (protobuf or JSON) plus the OTLP sender; it reads partial success
 * and returns the outcome for the processor to count. One instance is
 * driven by one batch worker; shutdown and abort come from other threads
 * and cut a send or a backoff wait short at once. */
#include <stdio.h>
#include <stdlib.h>

#include "common/error.h"
#include "common/log.h"
#include "export/exporter.h"
#include "export/otlp_encode.h"
#include "export/otlp_sender.h"
#include "otel/otlp.h"
#include "sdk/options.h"

typedef struct otlp_exporter {
    otel__otlp_sender *sender;
    const otel__otlp_config *cfg; /* the sender's */
    otel__otlp_encoder enc;
} otlp_exporter;

static int otlp_export(otel_exporter *self, const otel_span_data *const *spans, size_t n,
                       uint32_t timeout_ms) {
    otlp_exporter *x = self->impl;
    otel__stats *st = atomic_load(&self->stats);
    if (n == 0) return OTEL_EXPORT_SUCCESS; /* no empty envelopes */
    if (otel__otlp_sender_given_up(x->sender)) {
        otel__stats_set_error(st, "otlp: export after shutdown");
        return OTEL_EXPORT_FAILURE;
    }
    const uint8_t *body;
    size_t len;
    int json = x->cfg->protocol == OTEL__OTLP_HTTP_JSON;
    otel_status es = json
                         ? otel__otlp_encode_traces_json(&x->enc, spans, n, &body, &len)
                         : otel__otlp_encode_traces_proto(&x->enc, spans, n, &body, &len);
    if (es == OTEL_ERR_LIMIT) {
        otel__stats_set_error(st, "otlp: a batch of %zu spans encodes to more than %zu bytes; "
                                  "dropped without sending", n, x->cfg->max_request_bytes);
        OTEL_LOG_W("otlp: a batch of %zu spans is larger than %zu bytes and was dropped", n,
                   x->cfg->max_request_bytes);
        return OTEL__EXPORT_TOO_LARGE;
    }
    if (es != OTEL_OK) {
        otel__stats_set_error(st, "%s", otel_last_error());
        return OTEL_EXPORT_FAILURE;
    }

    otel__otlp_result res;
    if (!otel__otlp_sender_send(x->sender, body, len, json ? NULL : &x->enc.pb, timeout_ms, st, &res))
        goto oom;
    if (res.outcome == OTEL__OTLP_SENT) {
        if (res.partial.present && (res.partial.rejected > 0 || res.partial.message[0])) {
            if (res.partial.rejected > 0) {
                /* dropped, not exported: the processor counts it so */
                self->rejected = (size_t)res.partial.rejected;
                otel__stats_set_error(st, "otlp: %s rejected %lld of %zu spans: %s",
                                      x->cfg->display_url, (long long)res.partial.rejected, n,
                                      res.partial.message);
            }
            OTEL_LOG_W("otlp: %s accepted the batch partially (%lld of %zu spans rejected): %s",
                       x->cfg->display_url, (long long)res.partial.rejected, n,
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

static void otlp_abort(otel_exporter *self) { otel__otlp_sender_abort(((otlp_exporter *)self->impl)->sender); }

static void otlp_last_attempts(otel_exporter *self) {
    otel__otlp_sender_last_attempts(((otlp_exporter *)self->impl)->sender);
}

static otel_status otlp_shutdown(otel_exporter *self, uint32_t timeout_ms) {
    (void)timeout_ms;
    otel__otlp_sender_stop(((otlp_exporter *)self->impl)->sender);
    return OTEL_OK;
}

static void otlp_free(otlp_exporter *x) {
    otel__otlp_sender_free(x->sender);
    otel__otlp_encoder_free(&x->enc);
    free(x);
}

static void otlp_destroy(otel_exporter *self) {
    if (self->impl) otlp_free(self->impl);
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

OTEL_API otel_status otel_exporter_otlp_new(otel_exporter **out, const otel_options *opts) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_exporter_otlp_new: out is NULL");
    *out = NULL;
    otlp_exporter *x = calloc(1, sizeof *x);
    if (!x) return otel__fail(OTEL_ERR_NO_MEMORY, "otlp exporter: out of memory");
    otel_status s = otel__otlp_sender_new(&x->sender, opts, OTEL__OTLP_TRACES);
    if (s != OTEL_OK) {
        free(x);
        return s;
    }
    x->cfg = otel__otlp_sender_config(x->sender);
    otel__otlp_encoder_init(&x->enc, x->cfg->max_request_bytes);
    otel_exporter *e = NULL;
    s = otel__exporter_new(&e, &otlp_vtable, x);
    if (s != OTEL_OK) {
        otlp_free(x);
        return s;
    }
    s = otel__options_verdict(opts, "otel_exporter_otlp_new");
    if (s != OTEL_OK) {
        otel_exporter_release(e);
        return otel__options_verdict(opts, "otel_exporter_otlp_new"); /* its message, after the cleanup */
    }
    *out = e;
    return OTEL_OK;
}

