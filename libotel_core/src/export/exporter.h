/* The exporter object behind every otel_exporter handle: built-in exporters
 * (console, in-memory, OTLP, file) and custom callbacks share one vtable. */
#ifndef OTEL_EXPORT_EXPORTER_H
#define OTEL_EXPORT_EXPORTER_H

#include <stdatomic.h>

#include "common/stats.h"
#include "otel/export.h"

/* An export_spans result beyond otel_export_result: the batch failed
 * because it encodes to more than the request size cap (never sent). */
#define OTEL__EXPORT_TOO_LARGE 2

typedef struct otel__exporter_vtable {
    /* Exports a batch; returns an otel_export_result or OTEL__EXPORT_TOO_LARGE,
     * and on success sets self->rejected to the spans the receiver refused
     * (partial success). Never called concurrently. `timeout_ms` is the
     * processor's export timeout (0: no limit); the exporter must return
     * within it, or soon after an abort. Exporters count nothing the
     * processor counts: the outcome is counted once, by otel__count_export. */
    int (*export_spans)(otel_exporter *self, const otel_span_data *const *spans, size_t n,
                        uint32_t timeout_ms);
    otel_status (*force_flush)(otel_exporter *self, uint32_t timeout_ms);
    /* Called once. Must make an export in flight return promptly. */
    otel_status (*shutdown)(otel_exporter *self, uint32_t timeout_ms);
    void (*destroy)(otel_exporter *self);
    /* Optional: ask an export in flight (another thread) to give up now,
     * and every later one at once. Called when a shutdown deadline passes. */
    void (*abort)(otel_exporter *self);
    /* Optional: shutdown has begun; from now on each export is one attempt,
     * with no retry waits (a dead collector must not hold up exit). */
    void (*last_attempts)(otel_exporter *self);
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
    size_t rejected; /* the last export's partially rejected spans */
};

/* What one export did with a batch of spans. */
typedef struct otel__export_outcome {
    int ok;          /* the exporter accepted the batch */
    int too_large;   /* failed: the batch is over the request size cap */
    size_t rejected; /* ok: spans the receiver rejected all the same */
} otel__export_outcome;

/* Marks `e` as owned by a processor; 0 if another processor owns it. */
int otel__exporter_claim(otel_exporter *e);

/* Makes an exporter with one reference. */
otel_status otel__exporter_new(otel_exporter **out, const otel__exporter_vtable *vt, void *impl);

/* Calls the vtable, tolerating NULL slots. */
otel__export_outcome otel__exporter_export(otel_exporter *e, const otel_span_data *const *spans,
                                           size_t n, uint32_t timeout_ms);
/* Counts an outcome for a batch of n spans: exported, or dropped for one
 * reason; the only place span export results are counted. */
void otel__count_export(otel__stats *st, otel__export_outcome o, size_t n);
otel_status otel__exporter_force_flush(otel_exporter *e, uint32_t timeout_ms);
otel_status otel__exporter_shutdown(otel_exporter *e, uint32_t timeout_ms);
void otel__exporter_abort(otel_exporter *e);
void otel__exporter_last_attempts(otel_exporter *e);

#endif
