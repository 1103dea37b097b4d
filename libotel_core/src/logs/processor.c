/* Log processors: the handle, the simple processor and custom (callback)
 * processors. The batch processor is in logs/batch.c. */
#include <stdlib.h>

#include "common/error.h"
#include "common/log.h"
#include "logs/internal.h"

otel_status otel__log_processor_new(otel_log_processor **out, const otel__log_processor_vtable *vt,
                                    void *impl) {
    otel_log_processor *p = calloc(1, sizeof *p);
    if (!p) return otel__fail(OTEL_ERR_NO_MEMORY, "log processor: out of memory");
    atomic_init(&p->refs, 1);
    p->vt = vt;
    p->impl = impl;
    *out = p;
    return OTEL_OK;
}

OTEL_API otel_log_processor *otel_log_processor_retain(otel_log_processor *p) {
    if (p) atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
    return p;
}

OTEL_API void otel_log_processor_release(otel_log_processor *p) {
    if (!p || atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1) return;
    if (p->vt->destroy) p->vt->destroy(p);
    free(p);
}

/* ---- simple ---- */

typedef struct simple {
    otel_log_exporter *exporter;
    pthread_mutex_t lock; /* exports are never concurrent */
} simple;

static void simple_on_emit(otel_log_processor *p, otel_log_record *r) {
    simple *s = p->impl;
    const otel_log_record *one = r;
    otel__stats *st = atomic_load_explicit(&p->stats, memory_order_relaxed);
    if (atomic_load_explicit(&p->shut_down, memory_order_relaxed)) {
        otel__stats_add(st, OTEL_STAT_DROPPED_SHUTDOWN, 1);
        return;
    }
    pthread_mutex_lock(&s->lock);
    otel__export_outcome o = otel__log_exporter_export(s->exporter, &one, 1, 0);
    pthread_mutex_unlock(&s->lock);
    otel__count_export(st, o, 1);
}

static otel_status simple_flush(otel_log_processor *p, uint32_t timeout_ms) {
    return otel__log_exporter_force_flush(((simple *)p->impl)->exporter, timeout_ms);
}

static otel_status simple_shutdown(otel_log_processor *p, uint32_t timeout_ms) {
    simple *s = p->impl;
    pthread_mutex_lock(&s->lock); /* an export in progress finishes first */
    pthread_mutex_unlock(&s->lock);
    return otel__log_exporter_shutdown(s->exporter, timeout_ms);
}

static void simple_destroy(otel_log_processor *p) {
    simple *s = p->impl;
    otel_log_exporter_release(s->exporter);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const otel__log_processor_vtable simple_vt = {simple_on_emit, NULL, simple_flush,
                                                     simple_shutdown, simple_destroy};

OTEL_API otel_status otel_log_processor_simple_new(otel_log_processor **out, otel_log_exporter *exp) {
    if (!out || !exp)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_log_processor_simple_new: out and exporter are required");
    *out = NULL;
    if (!otel__log_exporter_claim(exp))
        return otel__fail(OTEL_ERR_STATE, "otel_log_processor_simple_new: the exporter serves another processor");
    simple *s = calloc(1, sizeof *s);
    if (!s) {
        atomic_store(&exp->attached, 0);
        return otel__fail(OTEL_ERR_NO_MEMORY, "otel_log_processor_simple_new: out of memory");
    }
    s->exporter = otel_log_exporter_retain(exp);
    pthread_mutex_init(&s->lock, NULL);
    otel_status st = otel__log_processor_new(out, &simple_vt, s);
    if (st != OTEL_OK) simple_destroy(&(otel_log_processor){.impl = s});
    return st;
}

/* ---- custom ---- */

typedef struct custom {
    otel_log_on_emit_fn on_emit;
    otel_log_enabled_fn enabled;
    otel_log_control_fn flush, shutdown;
    otel_log_free_fn free_fn;
    void *user_data;
} custom;

static void custom_on_emit(otel_log_processor *p, otel_log_record *r) {
    custom *c = p->impl;
    if (c->on_emit) c->on_emit(r, c->user_data);
}

static int custom_enabled(otel_log_processor *p, int sev, const char *ev, size_t ev_len) {
    custom *c = p->impl;
    return c->enabled(sev, ev, ev_len, c->user_data);
}

static otel_status custom_flush(otel_log_processor *p, uint32_t timeout_ms) {
    custom *c = p->impl;
    return c->flush ? c->flush(timeout_ms, c->user_data) : OTEL_OK;
}

static otel_status custom_shutdown(otel_log_processor *p, uint32_t timeout_ms) {
    custom *c = p->impl;
    return c->shutdown ? c->shutdown(timeout_ms, c->user_data) : OTEL_OK;
}

static void custom_destroy(otel_log_processor *p) {
    custom *c = p->impl;
    if (c->free_fn) c->free_fn(c->user_data);
    free(c);
}

static const otel__log_processor_vtable custom_vt = {custom_on_emit, NULL, custom_flush,
                                                     custom_shutdown, custom_destroy};
static const otel__log_processor_vtable custom_enabled_vt = {custom_on_emit, custom_enabled,
                                                             custom_flush, custom_shutdown,
                                                             custom_destroy};

OTEL_API otel_status otel_log_processor_custom_new(otel_log_processor **out, otel_log_on_emit_fn on_emit,
                                                   otel_log_enabled_fn enabled_fn,
                                                   otel_log_control_fn flush_fn,
                                                   otel_log_control_fn shutdown_fn,
                                                   otel_log_free_fn free_fn, void *user_data) {
    if (!out) {
        if (free_fn) free_fn(user_data);
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_log_processor_custom_new: out is NULL");
    }
    *out = NULL;
    custom *c = calloc(1, sizeof *c);
    if (!c) {
        if (free_fn) free_fn(user_data);
        return otel__fail(OTEL_ERR_NO_MEMORY, "otel_log_processor_custom_new: out of memory");
    }
    *c = (custom){on_emit, enabled_fn, flush_fn, shutdown_fn, free_fn, user_data};
    otel_status st = otel__log_processor_new(out, enabled_fn ? &custom_enabled_vt : &custom_vt, c);
    if (st != OTEL_OK) custom_destroy(&(otel_log_processor){.impl = c});
    return st;
}

/* ---- attach ---- */


void otel__log_processor_attach(otel_log_processor *p, otel__stats *st) {
    atomic_store(&p->stats, st);
    if (p->vt == &simple_vt) atomic_store(&((simple *)p->impl)->exporter->stats, st);
    otel__log_batch_attach(p, st);
}
