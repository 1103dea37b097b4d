/* The OTLP log exporter behind otel_log_exporter_otlp_new(): the logs
 * encoder (protobuf or JSON) plus the one OTLP sender (signal logs: path
 * /v1/logs, LogsService/Export, OTEL_EXPORTER_OTLP_LOGS_*). It reads
 * partial success and returns the outcome for the processor to count. */
#include <stdlib.h>

#include "sdk/options.h"
#include "common/error.h"
#include "common/log.h"
#include "export/otlp_buf.h"
#include "export/otlp_sender.h"
#include "logs/internal.h"

typedef struct otlp_logs {
    otel__otlp_sender *sender;
    const otel__otlp_config *cfg;
    otel__buf json;
} otlp_logs;

static int otlp_export(otel_log_exporter *self, const otel_log_record *const *r, size_t n,
                       uint32_t timeout_ms) {
    otlp_logs *x = self->impl;
    otel__stats *st = atomic_load(&self->stats);
    if (!n) return OTEL_EXPORT_SUCCESS;
    if (otel__otlp_sender_given_up(x->sender)) {
        otel__stats_set_error(st, "otlp logs: export after shutdown");
        return OTEL_EXPORT_FAILURE;
    }
    int json = x->cfg->protocol == OTEL__OTLP_HTTP_JSON;
    uint8_t *pb = NULL;
    const uint8_t *body;
    size_t len = 0;
    otel_status es;
    if (json) {
        otel__buf_reset(&x->json, 1u << 20);
        es = otel__logs_encode_json(r, n, &x->json);
        body = x->json.p, len = x->json.len;
    } else {
        es = otel__logs_encode_proto(r, n, &pb, &len);
        body = pb;
    }
    if (es == OTEL_OK && x->cfg->max_request_bytes && len > x->cfg->max_request_bytes) es = OTEL_ERR_LIMIT;
    if (es == OTEL_ERR_LIMIT) {
        free(pb);
        otel__stats_set_error(st, "otlp logs: a batch of %zu records encodes to more than %zu bytes; "
                                  "dropped without sending", n, x->cfg->max_request_bytes);
        OTEL_LOG_W("otlp logs: a batch of %zu records is larger than %zu bytes and was dropped", n,
                   x->cfg->max_request_bytes);
        return OTEL__EXPORT_TOO_LARGE;
    }
    if (es != OTEL_OK) {
        free(pb);
        otel__stats_set_error(st, "%s", otel_last_error());
        return OTEL_EXPORT_FAILURE;
    }
    otel__otlp_result res;
    int sent = otel__otlp_sender_send(x->sender, body, len, NULL, timeout_ms, st, &res);
    free(pb);
    if (!sent) {
        otel__stats_set_error(st, "otlp logs: out of memory preparing a request of %zu bytes", len);
        return OTEL_EXPORT_FAILURE;
    }
    if (res.outcome == OTEL__OTLP_SENT) {
        if (res.partial.present && res.partial.rejected > 0) {
            self->rejected = (size_t)res.partial.rejected;
            otel__stats_set_error(st, "otlp logs: %s rejected %lld of %zu records: %s", x->cfg->display_url,
                                  (long long)res.partial.rejected, n, res.partial.message);
            OTEL_LOG_W("otlp logs: %s rejected %lld of %zu records: %s", x->cfg->display_url,
                       (long long)res.partial.rejected, n,
                       res.partial.message[0] ? res.partial.message : "(no message)");
        }
        return OTEL_EXPORT_SUCCESS;
    }
    otel__stats_set_error(st, "otlp logs: %s", res.error);
    OTEL_LOG_W("otlp logs: dropped a batch of %zu records: %s", n, res.error);
    return OTEL_EXPORT_FAILURE;
}

static void otlp_abort(otel_log_exporter *self) { otel__otlp_sender_abort(((otlp_logs *)self->impl)->sender); }
static void otlp_last_attempts(otel_log_exporter *self) {
    otel__otlp_sender_last_attempts(((otlp_logs *)self->impl)->sender);
}
static otel_status otlp_shutdown(otel_log_exporter *self, uint32_t timeout_ms) {
    (void)timeout_ms;
    otel__otlp_sender_stop(((otlp_logs *)self->impl)->sender);
    return OTEL_OK;
}

static void otlp_free(otlp_logs *x) {
    otel__otlp_sender_free(x->sender);
    otel__buf_free(&x->json);
    free(x);
}

static void otlp_destroy(otel_log_exporter *self) {
    if (self->impl) otlp_free(self->impl);
    self->impl = NULL;
}

static const otel__log_exporter_vtable otlp_vt = {otlp_export, NULL, otlp_shutdown, otlp_destroy,
                                                  otlp_abort, otlp_last_attempts};

OTEL_API otel_status otel_log_exporter_otlp_new(otel_log_exporter **out, const otel_options *opts) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_log_exporter_otlp_new: out is NULL");
    *out = NULL;
    otlp_logs *x = calloc(1, sizeof *x);
    if (!x) return otel__fail(OTEL_ERR_NO_MEMORY, "otlp log exporter: out of memory");
    otel_status s = otel__otlp_sender_new(&x->sender, opts, OTEL__OTLP_LOGS);
    if (s != OTEL_OK) {
        free(x);
        return s;
    }
    x->cfg = otel__otlp_sender_config(x->sender);
    otel__buf_init(&x->json, x->cfg->max_request_bytes ? x->cfg->max_request_bytes : SIZE_MAX);
    otel_log_exporter *e = NULL;
    s = otel__log_exporter_new(&e, &otlp_vt, x);
    if (s != OTEL_OK) {
        otlp_free(x);
        return s;
    }
    s = otel__options_verdict(opts, "otel_log_exporter_otlp_new");
    if (s != OTEL_OK) {
        otel_log_exporter_release(e);
        return otel__options_verdict(opts, "otel_log_exporter_otlp_new");
    }
    *out = e;
    return OTEL_OK;
}
