/* The processor object, the simple processor, custom processors, and the
 * processor a provider builds from OTEL_TRACES_EXPORTER. */
#include <pthread.h>
#include <stdlib.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/forklock.h"
#include "common/log.h"
#include "export/exporter.h"
#include "trace/internal.h"

otel_status otel__processor_new(otel_processor **out, const otel__processor_vtable *vt,
                                void *impl) {
    otel_processor *p = calloc(1, sizeof *p);
    if (!p) return otel__fail(OTEL_ERR_NO_MEMORY, "processor: out of memory");
    atomic_init(&p->refs, 1);
    p->vt = vt;
    p->impl = impl;
    *out = p;
    return OTEL_OK;
}

OTEL_API otel_processor *otel_processor_retain(otel_processor *p) {
    if (p) atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
    return p;
}

OTEL_API void otel_processor_release(otel_processor *p) {
    if (!p || atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1) return;
    if (p->vt->destroy) p->vt->destroy(p);
    free(p);
}

/* ---- simple ---- */

typedef struct simple_processor {
    otel_exporter *exporter;
    pthread_mutex_t lock; /* exports are never concurrent */
} simple_processor;

static otel__stats *stats_of(otel_processor *p) {
    return atomic_load_explicit(&p->stats, memory_order_relaxed);
}

/* Counts one export call's outcome in the provider's stats. */
void otel__count_export(otel__stats *st, otel__export_outcome o, size_t n) {
    otel__stats_add(st, OTEL_STAT_EXPORT_BATCHES, 1);
    if (o.ok) {
        otel__stats_add(st, OTEL_STAT_SPANS_EXPORTED, n - o.rejected);
        if (o.rejected) otel__stats_add(st, OTEL_STAT_DROPPED_REJECTED, o.rejected);
        otel__stats_set(st, OTEL_STAT_LAST_EXPORT_TIME_NS, otel__clock_real_ns());
    } else {
        otel__stats_add(st, OTEL_STAT_EXPORT_ERRORS, 1);
        otel__stats_add(st, o.too_large ? OTEL_STAT_DROPPED_TOO_LARGE : OTEL_STAT_DROPPED_EXPORT_FAILED, n);
    }
}

static void simple_on_end(otel_processor *p, otel_span *span) {
    if (!otel__span_sampled(span)) return;
    simple_processor *sp = p->impl;
    const otel_span_data *d = otel__span_data(span);
    pthread_mutex_lock(&sp->lock);
    otel__export_outcome o = otel__exporter_export(sp->exporter, &d, 1, 0);
    pthread_mutex_unlock(&sp->lock);
    otel__count_export(stats_of(p), o, 1);
}

static otel_status simple_flush(otel_processor *p, uint32_t timeout_ms) {
    simple_processor *sp = p->impl;
    return otel__exporter_force_flush(sp->exporter, timeout_ms);
}

static otel_status simple_shutdown(otel_processor *p, uint32_t timeout_ms) {
    simple_processor *sp = p->impl;
    return otel__exporter_shutdown(sp->exporter, timeout_ms);
}

static void simple_destroy(otel_processor *p) {
    simple_processor *sp = p->impl;
    otel__forklock_remove(&sp->lock);
    otel_exporter_release(sp->exporter);
    pthread_mutex_destroy(&sp->lock);
    free(sp);
}

static const otel__processor_vtable simple_vt = {NULL, NULL, simple_on_end, simple_flush,
                                                 simple_shutdown, simple_destroy};

/* Claims an exporter for one processor. */
int otel__exporter_claim(otel_exporter *e) {
    if (atomic_exchange(&e->attached, 1)) {
        otel__fail(OTEL_ERR_STATE, "this exporter already belongs to a processor");
        return 0;
    }
    return 1;
}

OTEL_API otel_status otel_processor_simple_new(otel_processor **out, otel_exporter *exp) {
    if (!out || !exp)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_processor_simple_new: out and exporter are required");
    if (!otel__exporter_claim(exp)) return OTEL_ERR_STATE;
    simple_processor *sp = calloc(1, sizeof *sp);
    if (!sp) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_processor_simple_new: out of memory");
    sp->exporter = otel_exporter_retain(exp);
    pthread_mutex_init(&sp->lock, NULL);
    /* an export in flight in another thread must not leave a child with
     * this lock held; fork does not wait for a slow export, the child
     * starts with the lock free */
    otel__forklock_add_reinit(&sp->lock);
    otel_status st = otel__processor_new(out, &simple_vt, sp);
    if (st != OTEL_OK) simple_destroy(&(otel_processor){.impl = sp});
    return st;
}

void otel__processor_attach(otel_processor *p, otel__stats *stats) {
    atomic_store(&p->stats, stats);
    if (p->vt == &simple_vt) {
        simple_processor *sp = p->impl;
        atomic_store(&sp->exporter->stats, stats);
    } else {
        void otel__batch_attach(otel_processor * p, otel__stats * stats);
        otel__batch_attach(p, stats);
    }
}

/* ---- custom ---- */

typedef struct custom_processor {
    otel_processor_on_start_fn on_start;
    otel_processor_on_ending_fn on_ending;
    otel_processor_on_end_fn on_end;
    otel_exporter_control_fn flush_fn, shutdown_fn;
    otel_user_data_free_fn free_fn;
    void *user_data;
} custom_processor;

static void custom_on_start(otel_processor *p, otel_span *span, otel_context *parent) {
    custom_processor *c = p->impl;
    if (c->on_start) c->on_start(span, parent, c->user_data);
}
static void custom_on_ending(otel_processor *p, otel_span *span) {
    custom_processor *c = p->impl;
    if (c->on_ending) c->on_ending(span, c->user_data);
}
static void custom_on_end(otel_processor *p, otel_span *span) {
    custom_processor *c = p->impl;
    if (c->on_end) c->on_end(otel__span_data(span), c->user_data);
}
static otel_status custom_flush(otel_processor *p, uint32_t timeout_ms) {
    custom_processor *c = p->impl;
    return c->flush_fn ? (otel_status)c->flush_fn(timeout_ms, c->user_data) : OTEL_OK;
}
static otel_status custom_shutdown(otel_processor *p, uint32_t timeout_ms) {
    custom_processor *c = p->impl;
    return c->shutdown_fn ? (otel_status)c->shutdown_fn(timeout_ms, c->user_data) : OTEL_OK;
}
static void custom_destroy(otel_processor *p) {
    custom_processor *c = p->impl;
    if (c->free_fn) c->free_fn(c->user_data);
    free(c);
}

static const otel__processor_vtable custom_vt_all = {custom_on_start, custom_on_ending,
                                                     custom_on_end, custom_flush,
                                                     custom_shutdown, custom_destroy};
/* Without on_start / on_ending the provider skips those loops entirely. */
static const otel__processor_vtable custom_vt_end = {NULL, NULL, custom_on_end, custom_flush,
                                                     custom_shutdown, custom_destroy};
static const otel__processor_vtable custom_vt_start = {custom_on_start, NULL, custom_on_end,
                                                       custom_flush, custom_shutdown,
                                                       custom_destroy};
static const otel__processor_vtable custom_vt_ending = {NULL, custom_on_ending, custom_on_end,
                                                        custom_flush, custom_shutdown,
                                                        custom_destroy};

OTEL_API otel_status otel_processor_custom_new(otel_processor **out,
                                               otel_processor_on_start_fn on_start,
                                               otel_processor_on_ending_fn on_ending,
                                               otel_processor_on_end_fn on_end, void *user_data) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_processor_custom_new: out is NULL");
    custom_processor *c = calloc(1, sizeof *c);
    if (!c) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_processor_custom_new: out of memory");
    c->on_start = on_start;
    c->on_ending = on_ending;
    c->on_end = on_end;
    c->user_data = user_data;
    const otel__processor_vtable *vt = on_start && on_ending ? &custom_vt_all
                                       : on_start            ? &custom_vt_start
                                       : on_ending           ? &custom_vt_ending
                                                             : &custom_vt_end;
    otel_status st = otel__processor_new(out, vt, c);
    if (st != OTEL_OK) free(c);
    return st;
}

static custom_processor *as_custom(otel_processor *p) {
    return p && (p->vt == &custom_vt_all || p->vt == &custom_vt_end || p->vt == &custom_vt_start ||
                 p->vt == &custom_vt_ending)
               ? p->impl
               : NULL;
}

int otel__processor_is_custom(const otel_processor *p) { return as_custom((otel_processor *)p) != NULL; }

OTEL_API otel_status otel_processor_set_force_flush_fn(otel_processor *p, otel_exporter_control_fn fn) {
    custom_processor *c = as_custom(p);
    if (!c) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_processor_set_force_flush_fn: not a custom processor");
    c->flush_fn = fn;
    return OTEL_OK;
}
OTEL_API otel_status otel_processor_set_shutdown_fn(otel_processor *p, otel_exporter_control_fn fn) {
    custom_processor *c = as_custom(p);
    if (!c) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_processor_set_shutdown_fn: not a custom processor");
    c->shutdown_fn = fn;
    return OTEL_OK;
}
OTEL_API otel_status otel_processor_set_free_fn(otel_processor *p, otel_user_data_free_fn fn) {
    custom_processor *c = as_custom(p);
    if (!c) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_processor_set_free_fn: not a custom processor");
    c->free_fn = fn;
    return OTEL_OK;
}

