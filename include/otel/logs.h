/**
 * @file otel/logs.h
 * @brief Logs: logger providers, loggers, log records, log processors and
 * log exporters (the OpenTelemetry Logs Bridge API and SDK).
 *
 * @code
 * otel_logger_provider *lp;
 * otel_logger_provider_new(&lp, NULL);          // OTEL_LOGS_EXPORTER (otlp)
 * otel_logger *lg = otel_logger_provider_get_logger(lp, "app", "1.0", NULL);
 * otel_attr attrs[] = {OTEL_ATTR_STR("user", "ada")};
 * otel_logger_emit_str(lg, OTEL_SEVERITY_INFO, "signed in", attrs, 1);
 * otel_logger_provider_shutdown(lp, 5000);
 * otel_logger_provider_release(lp);
 * @endcode
 *
 * A record is built in three steps: otel_logger_record_new(), setters,
 * otel_logger_emit() (which takes the record). Emitting never blocks and
 * never fails loudly: invalid input is dropped and counted.
 *
 * Values. Bodies and attribute values are AnyValues, written as otel_attr
 * records (the key is ignored where no key applies): every otel_value_type,
 * plus OTEL_VALUE_BYTES (`ptr` bytes, `len` count), OTEL_VALUE_ARRAY (`ptr`
 * is `const otel_attr *` elements, keys ignored, `len` the count) and
 * OTEL_VALUE_MAP (`ptr` is `const otel_attr *` entries with keys, `len` the
 * count), nested up to OTEL_LOG_MAX_DEPTH levels. The library copies what
 * it keeps.
 */
#ifndef OTEL_LOGS_H
#define OTEL_LOGS_H

#include "otel/common.h"
#include "otel/context.h"
#include "otel/options.h"
#include "otel/resource.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Deeper values are dropped (and counted as invalid input). */
#define OTEL_LOG_MAX_DEPTH 16

/** Severity numbers of the specification (1-24, four per level). Pinned. */
typedef enum otel_severity {
    OTEL_SEVERITY_UNSPECIFIED = 0,
    OTEL_SEVERITY_TRACE = 1,
    OTEL_SEVERITY_TRACE2 = 2,
    OTEL_SEVERITY_TRACE3 = 3,
    OTEL_SEVERITY_TRACE4 = 4,
    OTEL_SEVERITY_DEBUG = 5,
    OTEL_SEVERITY_DEBUG2 = 6,
    OTEL_SEVERITY_DEBUG3 = 7,
    OTEL_SEVERITY_DEBUG4 = 8,
    OTEL_SEVERITY_INFO = 9,
    OTEL_SEVERITY_INFO2 = 10,
    OTEL_SEVERITY_INFO3 = 11,
    OTEL_SEVERITY_INFO4 = 12,
    OTEL_SEVERITY_WARN = 13,
    OTEL_SEVERITY_WARN2 = 14,
    OTEL_SEVERITY_WARN3 = 15,
    OTEL_SEVERITY_WARN4 = 16,
    OTEL_SEVERITY_ERROR = 17,
    OTEL_SEVERITY_ERROR2 = 18,
    OTEL_SEVERITY_ERROR3 = 19,
    OTEL_SEVERITY_ERROR4 = 20,
    OTEL_SEVERITY_FATAL = 21,
    OTEL_SEVERITY_FATAL2 = 22,
    OTEL_SEVERITY_FATAL3 = 23,
    OTEL_SEVERITY_FATAL4 = 24
} otel_severity;

typedef struct otel_logger_provider otel_logger_provider;
typedef struct otel_logger otel_logger;
typedef struct otel_log_record otel_log_record;
typedef struct otel_log_processor otel_log_processor;
typedef struct otel_log_exporter otel_log_exporter;

/* ---- provider ---------------------------------------------------------- */

/**
 * A logger provider configured from `opts` over the environment: resource
 * (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES), limits
 * (OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT / _VALUE_LENGTH_LIMIT, then
 * OTEL_ATTRIBUTE_*), and one batch processor whose exporter
 * OTEL_LOGS_EXPORTER names (otlp, the default; console; none).
 * OTEL_SDK_DISABLED=true makes a provider whose loggers are disabled.
 * @param out receives the provider; release with otel_logger_provider_release().
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_PARSE (bad OTLP
 *   configuration), OTEL_ERR_NO_MEMORY; otel_last_error() says why.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_logger_provider_new(otel_logger_provider **out, const otel_options *opts);

/**
 * The same with exactly the processors given (none from the environment;
 * `n` may be 0). The provider takes a reference on each; a processor serves
 * one provider only (a second is skipped with a warning).
 * Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_logger_provider_new_with(otel_logger_provider **out,
                                                   const otel_options *opts,
                                                   otel_log_processor *const *processors, size_t n);

/** Adds a reference; returns `lp`. NULL is ignored. Thread-safe. @since 1.0 */
OTEL_API otel_logger_provider *otel_logger_provider_retain(otel_logger_provider *lp);

/**
 * Drops a reference. The last one shuts the provider down (as
 * otel_logger_provider_shutdown() with 30 s unless it was shut down) and
 * frees it once no record or logger uses it. NULL is ignored. @since 1.0
 */
OTEL_API void otel_logger_provider_release(otel_logger_provider *lp);

/**
 * Exports every record emitted before the call, waiting at most
 * `timeout_ms` (0: no limit).
 * @return OTEL_OK, OTEL_ERR_TIMEOUT, OTEL_ERR_EXPORT, OTEL_ERR_SHUTDOWN,
 *   OTEL_ERR_INVALID_ARGUMENT. Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_logger_provider_force_flush(otel_logger_provider *lp, uint32_t timeout_ms);

/**
 * Flushes and shuts down every processor within `timeout_ms` (0: no
 * limit); past the deadline an export in flight is abandoned and counted as
 * dropped. Later records are dropped (counted). A second call returns
 * OTEL_ERR_SHUTDOWN. Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_logger_provider_shutdown(otel_logger_provider *lp, uint32_t timeout_ms);

/** The provider's resource; borrowed while the provider lives. @since 1.0 */
OTEL_API const otel_resource *otel_logger_provider_resource(const otel_logger_provider *lp);

/**
 * The process-wide logger provider, borrowed: the one set with
 * otel_logger_provider_set_global(), else a no-op provider whose records
 * cost one branch. Thread-safe. @since 1.0
 */
OTEL_API otel_logger_provider *otel_logger_provider_global(void);

/**
 * Installs `lp` as the global provider (a reference is taken, the previous
 * one's dropped). NULL restores the no-op provider. Thread-safe. @since 1.0
 */
OTEL_API void otel_logger_provider_set_global(otel_logger_provider *lp);

/** Counters read by otel_logger_provider_get_stats(). Values are pinned. */
typedef enum otel_log_stat {
    OTEL_LOG_STAT_RECORDS_EMITTED = 0,         /**< records emitted to processors */
    OTEL_LOG_STAT_RECORDS_QUEUED = 1,          /**< records in batch queues now */
    OTEL_LOG_STAT_RECORDS_EXPORTED = 2,        /**< records an exporter accepted */
    OTEL_LOG_STAT_DROPPED_QUEUE_FULL = 3,      /**< dropped: batch queue full */
    OTEL_LOG_STAT_DROPPED_EXPORT_FAILED = 4,   /**< dropped: export failed */
    OTEL_LOG_STAT_DROPPED_SHUTDOWN = 5,        /**< dropped: emitted after / cut by shutdown */
    OTEL_LOG_STAT_DROPPED_TOO_LARGE = 6,       /**< dropped: request over the size cap */
    OTEL_LOG_STAT_DROPPED_REJECTED = 7,        /**< dropped: the receiver rejected them */
    OTEL_LOG_STAT_DROPPED_ATTRIBUTES = 8,      /**< attributes dropped by the count limit */
    OTEL_LOG_STAT_TRUNCATED_VALUES = 9,        /**< values cut by the length limit */
    OTEL_LOG_STAT_INVALID_INPUT = 10,          /**< calls or values ignored */
    OTEL_LOG_STAT_EXPORT_BATCHES = 11,         /**< export calls made */
    OTEL_LOG_STAT_EXPORT_ERRORS = 12,          /**< export calls that failed */
    OTEL_LOG_STAT_EXPORT_RETRIES = 13,         /**< retried export attempts */
    OTEL_LOG_STAT_LAST_EXPORT_TIME_NS = 14,    /**< end of the last successful export */
    OTEL_LOG_STAT_LAST_ERROR_TIME_NS = 15,     /**< time of the last export error */
    OTEL_LOG_STAT__COUNT = 16                  /**< number of stats in this version */
} otel_log_stat;

/**
 * Reads up to `n` stats, indexed by otel_log_stat. After shutdown,
 * emitted = exported + every dropped_* reason (queued is 0).
 * @return the number written (min(n, OTEL_LOG_STAT__COUNT)), 0 for NULL.
 * Thread-safe, lock-free. @since 1.0
 */
OTEL_API size_t otel_logger_provider_get_stats(const otel_logger_provider *lp, uint64_t *out,
                                               size_t n);

/** The name of a log stat ("records_emitted", ...), or NULL. @since 1.0 */
OTEL_API const char *otel_log_stat_name(int stat);

/**
 * Every log stat and the last export error (no secrets) as one JSON
 * object, NUL-terminated and truncated to `cap`.
 * @return the full length needed, excluding the NUL. Thread-safe. @since 1.0
 */
OTEL_API size_t otel_logger_provider_stats_json(const otel_logger_provider *lp, char *buf,
                                                size_t cap);

/* ---- logger ------------------------------------------------------------ */

/**
 * The logger of one instrumentation scope: `name` (NULL or "" is allowed
 * and warned about), `version` and `schema_url` (NULL: none), and scope
 * attributes (copied). The same scope returns the same logger.
 * @return a logger borrowed from the provider (valid while it lives);
 *   NULL only for a NULL provider or out of memory. Thread-safe. @since 1.0
 */
OTEL_API otel_logger *otel_logger_provider_get_logger_n(otel_logger_provider *lp,
                                                        const char *name, size_t name_len,
                                                        const char *version, size_t version_len,
                                                        const char *schema_url, size_t schema_url_len,
                                                        const otel_attr *attrs, size_t n_attrs);

/** NUL-terminated form of otel_logger_provider_get_logger_n() (no scope attributes). */
OTEL_API otel_logger *otel_logger_provider_get_logger(otel_logger_provider *lp, const char *name,
                                                      const char *version, const char *schema_url);

/**
 * Enabled, as the specification defines it: 0 when a record of `severity`
 * (0: any) with `event_name` (may be NULL) would be dropped anyway (no
 * logger, provider disabled or shut down, no processor, or every processor's
 * enabled callback says no). Cheap; call it before building an expensive
 * record. Thread-safe. @since 1.0
 */
OTEL_API int otel_logger_enabled(const otel_logger *lg, int severity, const char *event_name,
                                 size_t event_name_len);

/* ---- log records ------------------------------------------------------- */

/**
 * A new, empty record for `lg`: observed timestamp now, no timestamp,
 * severity unspecified, trace context unset (taken from the current
 * context at emit unless set). Allocates the record (and nothing else for
 * small records).
 * @return the record, to pass to otel_logger_emit() or free with
 *   otel_log_record_free(); NULL when `lg` is NULL, disabled or shut down
 *   (then counted as emitted and dropped at shutdown),
 *   or out of memory: setters and emit accept NULL, so no check is needed.
 * Thread-safe; the record belongs to the caller's thread until emitted. @since 1.0
 */
OTEL_API otel_log_record *otel_logger_record_new(otel_logger *lg);

/**
 * Emits `rec` through the provider's processors; takes ownership (the
 * caller must not touch `rec` again). NULL arguments are ignored; a record
 * of another logger's provider is dropped and counted. Never blocks.
 * Thread-safe. @since 1.0
 */
OTEL_API void otel_logger_emit(otel_logger *lg, otel_log_record *rec);

/**
 * Shorthand: a record with `severity`, a string body (NUL-terminated; NULL:
 * no body) and attributes, emitted at once. Thread-safe. @since 1.0
 */
OTEL_API void otel_logger_emit_str(otel_logger *lg, int severity, const char *body,
                                   const otel_attr *attrs, size_t n_attrs);

/** Frees a record that was not emitted. NULL is ignored. @since 1.0 */
OTEL_API void otel_log_record_free(otel_log_record *rec);

/** Sets the event time (ns since the epoch; 0: unset). @since 1.0 */
OTEL_API void otel_log_record_set_timestamp(otel_log_record *rec, uint64_t time_ns);
/** Sets the observed time (ns since the epoch). @since 1.0 */
OTEL_API void otel_log_record_set_observed_timestamp(otel_log_record *rec, uint64_t time_ns);
/** Sets the severity number (0..24; others are ignored and counted). @since 1.0 */
OTEL_API void otel_log_record_set_severity(otel_log_record *rec, int severity);
/** Sets the severity text (copied, UTF-8). @since 1.0 */
OTEL_API void otel_log_record_set_severity_text(otel_log_record *rec, const char *text, size_t len);
/**
 * Sets the body: any AnyValue (the key of `value` is ignored), copied deep.
 * Strings are not cut by the attribute length limit (it applies to
 * attributes). Invalid UTF-8 in a string is replaced by U+FFFD; an invalid
 * value leaves the body unset and is counted. @since 1.0
 */
OTEL_API void otel_log_record_set_body(otel_log_record *rec, const otel_attr *value);
/** Sets a string body (copied). @since 1.0 */
OTEL_API void otel_log_record_set_body_str(otel_log_record *rec, const char *s, size_t len);
/** Sets the event name (copied). @since 1.0 */
OTEL_API void otel_log_record_set_event_name(otel_log_record *rec, const char *name, size_t len);
/**
 * Adds or replaces attributes (AnyValues, copied deep). Over the count
 * limit new keys are dropped (the record's dropped count and the stats say
 * how many); strings and bytes longer than the value length limit are cut
 * (at a UTF-8 boundary). Invalid input is ignored and counted. @since 1.0
 */
OTEL_API void otel_log_record_set_attrs(otel_log_record *rec, const otel_attr *attrs, size_t n);
/**
 * Takes the trace id, span id and flags from the span of `ctx` (NULL: the
 * current context). Without this call emit takes them from the current
 * context. A context without a valid span leaves them unset. @since 1.0
 */
OTEL_API void otel_log_record_set_context(otel_log_record *rec, otel_context *ctx);
/** Sets the trace context directly (ids of all zero bytes: unset). @since 1.0 */
OTEL_API void otel_log_record_set_span_context(otel_log_record *rec, const otel_span_context *sc);

/* Getters, for processors and exporters. Borrowed values are valid while
 * the record lives (during the callback that receives it). */
/** @since 1.0 */
OTEL_API uint64_t otel_log_record_timestamp(const otel_log_record *rec);
/** @since 1.0 */
OTEL_API uint64_t otel_log_record_observed_timestamp(const otel_log_record *rec);
/** @since 1.0 */
OTEL_API int otel_log_record_severity(const otel_log_record *rec);
/** The severity text (NUL-terminated, "" if none). @since 1.0 */
OTEL_API otel_str otel_log_record_severity_text(const otel_log_record *rec);
/** The body; type OTEL_VALUE_NONE if unset. Borrowed. @since 1.0 */
OTEL_API const otel_attr *otel_log_record_body(const otel_log_record *rec);
/** The event name ("" if none). @since 1.0 */
OTEL_API otel_str otel_log_record_event_name(const otel_log_record *rec);
/** The number of attributes. @since 1.0 */
OTEL_API size_t otel_log_record_attr_count(const otel_log_record *rec);
/** Attribute `i` (borrowed), or NULL past the end. @since 1.0 */
OTEL_API const otel_attr *otel_log_record_attr(const otel_log_record *rec, size_t i);
/** Attributes dropped by the count limit. @since 1.0 */
OTEL_API uint32_t otel_log_record_dropped_attributes(const otel_log_record *rec);
/** The trace context (all zeros: unset). @since 1.0 */
OTEL_API void otel_log_record_span_context(const otel_log_record *rec, otel_span_context *out);
/** The record's scope: name, version, schema URL (NUL-terminated, never NULL). @since 1.0 */
OTEL_API const char *otel_log_record_scope_name(const otel_log_record *rec);
/** @since 1.0 */
OTEL_API const char *otel_log_record_scope_version(const otel_log_record *rec);
/** @since 1.0 */
OTEL_API const char *otel_log_record_scope_schema_url(const otel_log_record *rec);
/** The resource of the record's provider (borrowed). @since 1.0 */
OTEL_API const otel_resource *otel_log_record_resource(const otel_log_record *rec);

/* ---- exporters --------------------------------------------------------- */

/** Exports records[0..n) (borrowed for the call). Returns otel_export_result. */
typedef int (*otel_log_export_fn)(const otel_log_record *const *records, size_t n, void *user_data);
/** Flush / shutdown of a custom exporter or processor. */
typedef otel_status (*otel_log_control_fn)(uint32_t timeout_ms, void *user_data);
/** Frees user data when its exporter or processor goes. */
typedef void (*otel_log_free_fn)(void *user_data);

/**
 * An exporter made of callbacks; `free_fn` (may be NULL) runs on
 * `user_data` when the exporter is freed (also when this call fails).
 * `export_fn` runs on one thread at a time (the processor's).
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_log_exporter_custom_new(otel_log_exporter **out, otel_log_export_fn export_fn,
                                                  otel_log_control_fn flush_fn,
                                                  otel_log_control_fn shutdown_fn,
                                                  otel_log_free_fn free_fn, void *user_data);
/**
 * The OTLP log exporter (http/protobuf, http/json, grpc): the
 * OTEL_EXPORTER_OTLP_LOGS_* and generic variables from `opts` over the
 * environment, path /v1/logs, the same retry, gzip and TLS as spans.
 * @return OTEL_OK, OTEL_ERR_PARSE, OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_log_exporter_otlp_new(otel_log_exporter **out, const otel_options *opts);
/** One line per record, human-readable, to `fd` (1: stdout). @since 1.0 */
OTEL_API otel_status otel_log_exporter_console_new(otel_log_exporter **out, int fd);
/**
 * One ExportLogsServiceRequest per line as OTLP/JSON (the Collector's file
 * exporter layout), appended to `path` (NUL-terminated).
 * @return OTEL_OK, OTEL_ERR_IO, OTEL_ERR_INVALID_ARGUMENT. @since 1.0
 */
OTEL_API otel_status otel_log_exporter_file_new(otel_log_exporter **out, const char *path);
/** Keeps exported records in memory (for tests). @since 1.0 */
OTEL_API otel_status otel_log_exporter_in_memory_new(otel_log_exporter **out);
/** The number of records kept. Thread-safe. @since 1.0 */
OTEL_API size_t otel_log_exporter_in_memory_count(otel_log_exporter *exp);
/**
 * Record `i` (borrowed until reset or the exporter goes), or NULL.
 * Thread-safe. @since 1.0
 */
OTEL_API const otel_log_record *otel_log_exporter_in_memory_get(otel_log_exporter *exp, size_t i);
/** Forgets the kept records. Thread-safe. @since 1.0 */
OTEL_API void otel_log_exporter_in_memory_reset(otel_log_exporter *exp);
/** Adds a reference. @since 1.0 */
OTEL_API otel_log_exporter *otel_log_exporter_retain(otel_log_exporter *exp);
/** Drops a reference; NULL is ignored. @since 1.0 */
OTEL_API void otel_log_exporter_release(otel_log_exporter *exp);

/* ---- processors -------------------------------------------------------- */

/**
 * Exports each record on the emitting thread, at once (for tests and
 * debugging: it blocks on the exporter). @since 1.0
 */
OTEL_API otel_status otel_log_processor_simple_new(otel_log_processor **out, otel_log_exporter *exp);

/**
 * The batch log processor on the SDK's background worker: a bounded queue
 * (OTEL_BLRP_MAX_QUEUE_SIZE 2048; when full, records are dropped and
 * counted), exported in batches of OTEL_BLRP_MAX_EXPORT_BATCH_SIZE (512)
 * or every OTEL_BLRP_SCHEDULE_DELAY ms (1000), each export given
 * OTEL_BLRP_EXPORT_TIMEOUT ms (30000). Values from `opts` over the
 * environment. An exporter serves one processor.
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_STATE (exporter in
 *   use), OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_log_processor_batch_new(otel_log_processor **out, otel_log_exporter *exp,
                                                  const otel_options *opts);

/**
 * Called on the emitting thread with the record before later processors
 * see it; it may change the record with the setters (e.g. redact an
 * attribute). Must not keep the pointer. */
typedef void (*otel_log_on_emit_fn)(otel_log_record *rec, void *user_data);
/** A processor's answer to Enabled (1: may want the record). */
typedef int (*otel_log_enabled_fn)(int severity, const char *event_name, size_t event_name_len,
                                   void *user_data);

/**
 * A processor made of callbacks; any may be NULL. `enabled_fn` NULL means
 * always enabled. Processors run in the order given to the provider.
 * @return OTEL_OK, OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_log_processor_custom_new(otel_log_processor **out, otel_log_on_emit_fn on_emit,
                                                   otel_log_enabled_fn enabled_fn,
                                                   otel_log_control_fn flush_fn,
                                                   otel_log_control_fn shutdown_fn,
                                                   otel_log_free_fn free_fn, void *user_data);
/** Adds a reference. @since 1.0 */
OTEL_API otel_log_processor *otel_log_processor_retain(otel_log_processor *p);
/** Drops a reference; NULL is ignored. @since 1.0 */
OTEL_API void otel_log_processor_release(otel_log_processor *p);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_LOGS_H */
