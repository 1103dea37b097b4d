/* Logs internals shared by the provider, records, processors, exporters and
 * encoders. A logger provider keeps its counters in an otel__stats whose
 * slots are the span slots read as records (see stat_slot in provider.c),
 * so the sender's retry counting and otel__count_export serve logs as they
 * are. */
#ifndef OTEL_LOGS_INTERNAL_H
#define OTEL_LOGS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "common/arena.h"
#include "common/attrs.h"
#include "common/stats.h"
#include "export/exporter.h"
#include "otel/logs.h"

/* The otel_stat slot each log counter lives in. */
#define OTEL__LOGS_EMITTED OTEL_STAT_SPANS_ENDED
#define OTEL__LOGS_QUEUED OTEL_STAT_SPANS_QUEUED
#define OTEL__LOGS_EXPORTED OTEL_STAT_SPANS_EXPORTED

#define OTEL__LOG_MAX_PROCESSORS 16
#define OTEL__LOG_INLINE 320 /* a record's first arena block, inline */

struct otel_logger_provider {
    _Atomic uint32_t user_refs; /* the API's references */
    _Atomic uint32_t refs;      /* memory: user_refs != 0 counts one, plus loggers' records */
    otel_resource *resource;
    otel_log_processor *processors[OTEL__LOG_MAX_PROCESSORS];
    size_t n_processors;
    int any_enabled_fn; /* some processor answers Enabled itself */
    int disabled;
    _Atomic int shut_down;
    otel__limits_attr limits;
    uint32_t shutdown_timeout_ms;
    pthread_mutex_t loggers_lock;
    otel_logger *loggers;
    otel__stats stats;
};

struct otel_logger {
    otel_logger_provider *lp;
    otel_logger *next;
    const char *name, *version, *schema_url; /* NUL-terminated, in arena */
    size_t name_len, version_len, schema_url_len;
    otel__attrs attrs;
    otel__arena arena;
};

struct otel_log_record {
    _Atomic uint32_t refs;
    int32_t severity;
    uint8_t ctx_set;
    otel_logger *logger;
    otel_log_record *queue_next; /* a batch processor's own lists */
    uint64_t time_ns, observed_ns;
    otel_span_context sc;
    otel_attr body;
    const char *sev_text, *event_name;
    size_t sev_text_len, event_name_len;
    otel__attrs attrs;
    otel__arena arena;
    _Alignas(8) char inline_buf[OTEL__LOG_INLINE];
};

/* A record's memory (from the pool of free records, else malloc). */
otel_log_record *otel__log_record_alloc(void);
void otel__log_record_retain(otel_log_record *r);
void otel__log_record_release(otel_log_record *r);
otel__stats *otel__log_record_stats(const otel_log_record *r);

/* Deep-copies an AnyValue into `a`: strings repaired (invalid UTF-8 ->
 * U+FFFD) and, when `max_len` is not UINT32_MAX, cut to max_len characters
 * (bytes: max_len bytes); counted in st. Returns 1, or 0 for an invalid
 * value (counted) or no memory. The key is not copied. */
int otel__log_value_copy(otel_attr *dst, const otel_attr *src, otel__arena *a, uint32_t max_len,
                         int depth, otel__stats *st);

/* ---- processors ---- */
typedef struct otel__log_processor_vtable {
    void (*on_emit)(otel_log_processor *p, otel_log_record *r);
    int (*enabled)(otel_log_processor *p, int severity, const char *ev, size_t ev_len);
    otel_status (*force_flush)(otel_log_processor *p, uint32_t timeout_ms);
    otel_status (*shutdown)(otel_log_processor *p, uint32_t timeout_ms);
    void (*destroy)(otel_log_processor *p);
} otel__log_processor_vtable;

struct otel_log_processor {
    _Atomic uint32_t refs;
    _Atomic int attached;
    _Atomic int shut_down;
    const otel__log_processor_vtable *vt;
    void *impl;
    otel__stats *_Atomic stats; /* the provider's, once attached */
};

otel_status otel__log_processor_new(otel_log_processor **out, const otel__log_processor_vtable *vt,
                                    void *impl);
/* The provider hands its stats to the processor (and its exporter). */
void otel__log_processor_attach(otel_log_processor *p, otel__stats *st);

/* ---- exporters ---- */
typedef struct otel__log_exporter_vtable {
    /* otel_export_result or OTEL__EXPORT_TOO_LARGE; on success sets
     * self->rejected. Never concurrent. */
    int (*export_logs)(otel_log_exporter *self, const otel_log_record *const *r, size_t n,
                       uint32_t timeout_ms);
    otel_status (*force_flush)(otel_log_exporter *self, uint32_t timeout_ms);
    otel_status (*shutdown)(otel_log_exporter *self, uint32_t timeout_ms);
    void (*destroy)(otel_log_exporter *self);
    void (*abort)(otel_log_exporter *self);
    void (*last_attempts)(otel_log_exporter *self);
} otel__log_exporter_vtable;

struct otel_log_exporter {
    _Atomic uint32_t refs;
    _Atomic int shut_down;
    _Atomic int attached;
    const otel__log_exporter_vtable *vt;
    void *impl;
    otel__stats *_Atomic stats;
    size_t rejected;
};

otel_status otel__log_exporter_new(otel_log_exporter **out, const otel__log_exporter_vtable *vt,
                                   void *impl);
/* 1 if the exporter was free to serve a processor (now claimed). */
int otel__log_exporter_claim(otel_log_exporter *e);
otel__export_outcome otel__log_exporter_export(otel_log_exporter *e, const otel_log_record *const *r,
                                               size_t n, uint32_t timeout_ms);
otel_status otel__log_exporter_force_flush(otel_log_exporter *e, uint32_t timeout_ms);
otel_status otel__log_exporter_shutdown(otel_log_exporter *e, uint32_t timeout_ms);
void otel__log_exporter_abort(otel_log_exporter *e);
void otel__log_exporter_last_attempts(otel_log_exporter *e);

/* The exporter OTEL_LOGS_EXPORTER names; *out NULL for none. */
otel_status otel__log_exporter_from_env(otel_log_exporter **out, const otel_options *opts);

/* ---- encoders (otlp_encode.c) ---- */
struct otel__buf;
/* records[0..n) as an ExportLogsServiceRequest, grouped by resource and
 * scope: protobuf into a malloc'd *out, or OTLP/JSON appended to b. */
otel_status otel__logs_encode_proto(const otel_log_record *const *r, size_t n, uint8_t **out,
                                    size_t *len);
otel_status otel__logs_encode_json(const otel_log_record *const *r, size_t n, struct otel__buf *b);
/* One human-readable line per record. */
void otel__logs_print(FILE *f, const otel_log_record *const *r, size_t n);

/* batch.c: points a batch processor's counts at its provider's stats. */
void otel__log_batch_attach(otel_log_processor *p, otel__stats *st);
/* provider.c: drops a record's reference to its provider. */
void otel__logger_provider_unref(otel_logger_provider *lp);

#endif
