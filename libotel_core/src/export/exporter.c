/* The exporter object and custom (callback) exporters. */
#include <stdlib.h>

#include "common/error.h"
#include "common/log.h"
#include "export/exporter.h"

otel_status otel__exporter_new(otel_exporter **out, const otel__exporter_vtable *vt, void *impl) {
    otel_exporter *e = calloc(1, sizeof *e);
    if (!e) return otel__fail(OTEL_ERR_NO_MEMORY, "exporter: out of memory");
    atomic_init(&e->refs, 1);
    e->vt = vt;
    e->impl = impl;
    *out = e;
    return OTEL_OK;
}

otel__export_outcome otel__exporter_export(otel_exporter *e, const otel_span_data *const *spans,
                                           size_t n, uint32_t timeout_ms) {
    otel__export_outcome o = {0, 0, 0};
    if (atomic_load(&e->shut_down)) return o;
    e->rejected = 0;
    int r = e->vt->export_spans(e, spans, n, timeout_ms);
    o.ok = r == OTEL_EXPORT_SUCCESS;
    o.too_large = r == OTEL__EXPORT_TOO_LARGE;
    o.rejected = o.ok ? (e->rejected < n ? e->rejected : n) : 0;
    return o;
}

otel_status otel__exporter_force_flush(otel_exporter *e, uint32_t timeout_ms) {
    if (atomic_load(&e->shut_down) || !e->vt->force_flush) return OTEL_OK;
    return e->vt->force_flush(e, timeout_ms);
}

otel_status otel__exporter_shutdown(otel_exporter *e, uint32_t timeout_ms) {
    if (atomic_exchange(&e->shut_down, 1) || !e->vt->shutdown) return OTEL_OK;
    return e->vt->shutdown(e, timeout_ms);
}

void otel__exporter_abort(otel_exporter *e) {
    if (e->vt->abort) e->vt->abort(e);
}

void otel__exporter_last_attempts(otel_exporter *e) {
    if (e->vt->last_attempts) e->vt->last_attempts(e);
}

OTEL_API otel_exporter *otel_exporter_retain(otel_exporter *e) {
    if (e) atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
    return e;
}

OTEL_API void otel_exporter_release(otel_exporter *e) {
    if (!e || atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) != 1) return;
    if (e->vt->destroy) e->vt->destroy(e);
    free(e);
}

/* ---- custom exporters ---- */

typedef struct custom_exporter {
    otel_span_export_fn export_fn;
    otel_exporter_control_fn flush_fn, shutdown_fn;
    otel_user_data_free_fn free_fn;
    void *user_data;
} custom_exporter;

static int custom_export(otel_exporter *self, const otel_span_data *const *spans, size_t n,
                         uint32_t timeout_ms) {
    (void)timeout_ms;
    custom_exporter *c = self->impl;
    if (c->export_fn(spans, n, c->user_data) == OTEL_EXPORT_SUCCESS) return OTEL_EXPORT_SUCCESS;
    /* the stats' last error and its time say what failed, as for OTLP */
    otel__stats_set_error(atomic_load(&self->stats), "custom exporter: export of %zu spans failed", n);
    OTEL_LOG_W("custom exporter: export of %zu spans failed; they are dropped", n);
    return OTEL_EXPORT_FAILURE;
}

static otel_status custom_flush(otel_exporter *self, uint32_t timeout_ms) {
    custom_exporter *c = self->impl;
    return c->flush_fn ? (otel_status)c->flush_fn(timeout_ms, c->user_data) : OTEL_OK;
}

static otel_status custom_shutdown(otel_exporter *self, uint32_t timeout_ms) {
    custom_exporter *c = self->impl;
    return c->shutdown_fn ? (otel_status)c->shutdown_fn(timeout_ms, c->user_data) : OTEL_OK;
}

static void custom_destroy(otel_exporter *self) {
    custom_exporter *c = self->impl;
    if (c->free_fn) c->free_fn(c->user_data);
    free(c);
}

static const otel__exporter_vtable custom_vt = {custom_export, custom_flush, custom_shutdown,
                                                custom_destroy, NULL, NULL};

OTEL_API otel_status otel_exporter_custom_new(otel_exporter **out, otel_span_export_fn export_fn,
                                              void *user_data) {
    if (!out || !export_fn)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_exporter_custom_new: out and export_fn are required");
    custom_exporter *c = calloc(1, sizeof *c);
    if (!c) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_exporter_custom_new: out of memory");
    c->export_fn = export_fn;
    c->user_data = user_data;
    otel_status st = otel__exporter_new(out, &custom_vt, c);
    if (st != OTEL_OK) free(c);
    return st;
}

static custom_exporter *as_custom(otel_exporter *e) {
    return e && e->vt == &custom_vt ? e->impl : NULL;
}

OTEL_API otel_status otel_exporter_set_force_flush_fn(otel_exporter *e, otel_exporter_control_fn fn) {
    custom_exporter *c = as_custom(e);
    if (!c) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_exporter_set_force_flush_fn: not a custom exporter");
    c->flush_fn = fn;
    return OTEL_OK;
}

OTEL_API otel_status otel_exporter_set_shutdown_fn(otel_exporter *e, otel_exporter_control_fn fn) {
    custom_exporter *c = as_custom(e);
    if (!c) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_exporter_set_shutdown_fn: not a custom exporter");
    c->shutdown_fn = fn;
    return OTEL_OK;
}

OTEL_API otel_status otel_exporter_set_free_fn(otel_exporter *e, otel_user_data_free_fn fn) {
    custom_exporter *c = as_custom(e);
    if (!c) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_exporter_set_free_fn: not a custom exporter");
    c->free_fn = fn;
    return OTEL_OK;
}
