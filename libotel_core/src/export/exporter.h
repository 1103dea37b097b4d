/* The exporter object behind every otel_exporter handle: built-in exporters
 * (console, in-memory, OTLP, file) and custom callbacks share one vtable. */
#ifndef OTEL_EXPORT_EXPORTER_H
#define OTEL_EXPORT_EXPORTER_H

#include <stdatomic.h>

#include "common/stats.h"
#include "otel/export.h"

typedef struct otel__exporter_vtable {
    /* Exports a batch; returns an otel_export_result. Never called
     * concurrently. `timeout_ms` is the processor's export timeout (0: no
     * limit); the exporter must return within it, or soon after an abort. */
    int (*export_spans)(otel_exporter *self, const otel_span_data *const *spans, size_t n,
                        uint32_t timeout_ms);
    otel_status (*force_flush)(otel_exporter *self, uint32_t timeout_ms);
    /* Called once. Must make an export in flight return promptly. */
    otel_status (*shutdown)(otel_exporter *self, uint32_t timeout_ms);
    void (*destroy)(otel_exporter *self);
    /* Optional: ask an export in flight (another thread) to give up now.
     * Called when a flush or shutdown deadline passes. */
    void (*abort)(otel_exporter *self);
} otel__exporter_vtable;

struct otel_exporter {
    _Atomic uint32_t refs;
    _Atomic int shut_down;
    _Atomic int attached; /* owned by a processor already */
    const otel__exporter_vtable *vt;
    void *impl;
    /* The owning provider's counters, set when the processor is attached to a
     * provider; NULL before. Exporters add retries, rejections, size drops. */
    otel__stats *_Atomic stats;
};

/* Makes an exporter with one reference. */
otel_status otel__exporter_new(otel_exporter **out, const otel__exporter_vtable *vt, void *impl);

/* Calls the vtable, tolerating NULL slots. */
int otel__exporter_export(otel_exporter *e, const otel_span_data *const *spans, size_t n,
                          uint32_t timeout_ms);
otel_status otel__exporter_force_flush(otel_exporter *e, uint32_t timeout_ms);
otel_status otel__exporter_shutdown(otel_exporter *e, uint32_t timeout_ms);
void otel__exporter_abort(otel_exporter *e);

#endif
