/**
 * @file otel/trace.h
 * @brief Tracer providers, tracers and spans.
 *
 * @code
 * otel_tracer_provider *tp;
 * otel_tracer_provider_new(&tp, NULL);            // configured from OTEL_*
 * otel_tracer *t = otel_tracer_provider_get_tracer(tp, "shop", "1.2.0", NULL);
 * otel_span *s = otel_tracer_start_span(t, "checkout", OTEL_SPAN_KIND_SERVER, NULL);
 * otel_span_set_attribute_i64(s, "cart.items", 3);
 * otel_span_end(s);                                // s is gone now
 * otel_tracer_provider_shutdown(tp, 5000);
 * otel_tracer_provider_release(tp);
 * @endcode
 *
 * Thread safety: providers and tracers are safe from any thread. A span may
 * be used from several threads at once (each call is atomic), but the handle
 * is released by otel_span_end(): a thread that may outlive the end must
 * hold its own reference (otel_span_retain()).
 *
 * Hot-path calls (start, end, set attribute, add event) never fail loudly:
 * invalid input (NULL, empty names, invalid UTF-8, calls after end) is
 * ignored and counted in the provider's stats.
 */
#ifndef OTEL_TRACE_H
#define OTEL_TRACE_H

#include "otel/common.h"
#include "otel/context.h"
#include "otel/options.h"
#include "otel/resource.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_tracer_provider otel_tracer_provider;
typedef struct otel_tracer otel_tracer;

/** Span kinds; values equal OTLP's. */
typedef enum otel_span_kind {
    OTEL_SPAN_KIND_INTERNAL = 1,
    OTEL_SPAN_KIND_SERVER = 2,
    OTEL_SPAN_KIND_CLIENT = 3,
    OTEL_SPAN_KIND_PRODUCER = 4,
    OTEL_SPAN_KIND_CONSUMER = 5
} otel_span_kind;

/** Span status codes; values equal OTLP's. */
typedef enum otel_status_code {
    OTEL_STATUS_CODE_UNSET = 0,
    OTEL_STATUS_CODE_OK = 1,
    OTEL_STATUS_CODE_ERROR = 2
} otel_status_code;

/** A link to another span: its context (taken from `span`) and attributes. */
typedef struct otel_link {
    const otel_span *span;
    const otel_attr *attrs;
    size_t n_attrs;
} otel_link;

/* ---- tracer provider ------------------------------------------------- */

/**
 * Builds a tracer provider from `opts` (NULL: the environment alone). The
 * provider copies what it needs; the caller still frees `opts`.
 * With `OTEL_SDK_DISABLED=true` the provider is a no-op: spans do not record
 * but still propagate their parent's context.
 * @param out receives a new reference; release with otel_tracer_provider_release().
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_tracer_provider_new(otel_tracer_provider **out,
                                              const otel_options *opts);

/** Adds a reference; returns it. NULL is ignored. Thread-safe. @since 1.0 */
OTEL_API otel_tracer_provider *otel_tracer_provider_retain(otel_tracer_provider *tp);

/**
 * Drops a reference. The last one shuts the provider down (bounded by
 * `OTEL_BSP_EXPORT_TIMEOUT`, at most 30 s) and frees it, with every tracer
 * it handed out. NULL is ignored. Thread-safe. @since 1.0
 */
OTEL_API void otel_tracer_provider_release(otel_tracer_provider *tp);

/**
 * A tracer for an instrumentation scope. The same arguments give the same
 * tracer. NULL or empty `name` gives a working tracer with an empty name
 * (and a warning). `version` and `schema_url` may be NULL.
 * @return borrowed, valid until the provider is freed; never NULL unless
 *   memory ran out (then spans from the no-op tracer are returned by
 *   otel_tracer_start_span() on NULL). Thread-safe. @since 1.0
 */
OTEL_API otel_tracer *otel_tracer_provider_get_tracer(otel_tracer_provider *tp, const char *name,
                                                      const char *version,
                                                      const char *schema_url);

/**
 * Pointer + length form of otel_tracer_provider_get_tracer(), with scope
 * attributes (copied; part of the tracer's identity).
 * @since 1.0
 */
OTEL_API otel_tracer *otel_tracer_provider_get_tracer_n(otel_tracer_provider *tp, const char *name,
                                                        size_t name_len, const char *version,
                                                        size_t version_len, const char *schema_url,
                                                        size_t schema_url_len,
                                                        const otel_attr *attrs, size_t n_attrs);

/**
 * Exports every ended span still held by the processors, then flushes their
 * exporters, waiting at most `timeout_ms` (0: no limit).
 * @return OTEL_OK, OTEL_ERR_TIMEOUT, OTEL_ERR_EXPORT (an export failed),
 *   OTEL_ERR_SHUTDOWN, OTEL_ERR_INVALID_ARGUMENT. Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_tracer_provider_force_flush(otel_tracer_provider *tp,
                                                      uint32_t timeout_ms);

/**
 * Flushes, then shuts down every processor and exporter, waiting at most
 * `timeout_ms` (0: no limit) even if an exporter hangs. Idempotent: later
 * calls return OTEL_ERR_SHUTDOWN at once, and spans started afterwards do
 * not record.
 * @return OTEL_OK, OTEL_ERR_TIMEOUT, OTEL_ERR_SHUTDOWN, OTEL_ERR_INVALID_ARGUMENT.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_tracer_provider_shutdown(otel_tracer_provider *tp, uint32_t timeout_ms);

/**
 * The process-wide provider: the one last passed to
 * otel_tracer_provider_set_global(), else a no-op provider.
 * @return borrowed; valid until the global is replaced (retain it to keep
 *   it longer). Never NULL. Thread-safe. @since 1.0
 */
OTEL_API otel_tracer_provider *otel_tracer_provider_global_borrowed(void);

/**
 * The provider last passed to otel_tracer_provider_set_global(), as a new
 * reference (release it), or NULL when none was set. Unlike
 * otel_tracer_provider_global_borrowed() it is safe against another thread replacing
 * the global at the same moment, and tells "not configured" apart: what an
 * embedded interpreter's binding uses to join the host's pipeline.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_tracer_provider *otel_tracer_provider_get_global(void);

/**
 * Installs `tp` as the process-wide provider (a reference is taken; the
 * previous global's reference is dropped). NULL restores the no-op provider.
 * Thread-safe. @since 1.0
 */
OTEL_API void otel_tracer_provider_set_global(otel_tracer_provider *tp);

/**
 * The provider's resource. Borrowed, valid while the provider lives.
 * @since 1.0
 */
OTEL_API const otel_resource *otel_tracer_provider_resource(const otel_tracer_provider *tp);

/** Counters read by otel_tracer_provider_get_stats(). Values are pinned. */
typedef enum otel_stat {
    OTEL_STAT_SPANS_STARTED = 0,          /**< spans started (sampled or not) */
    OTEL_STAT_SPANS_NOT_SAMPLED = 1,      /**< started but not recording */
    OTEL_STAT_SPANS_ENDED = 2,            /**< recording spans ended */
    OTEL_STAT_SPANS_QUEUED = 3,           /**< spans in batch queues now */
    OTEL_STAT_QUEUE_BYTES = 4,            /**< bytes in batch queues now */
    OTEL_STAT_SPANS_EXPORTED = 5,         /**< spans an exporter accepted */
    OTEL_STAT_DROPPED_QUEUE_FULL = 6,     /**< spans dropped: queue full */
    OTEL_STAT_DROPPED_EXPORT_FAILED = 7,  /**< spans dropped: export failed */
    OTEL_STAT_DROPPED_SHUTDOWN = 8,       /**< spans ended after shutdown */
    OTEL_STAT_DROPPED_TOO_LARGE = 9,      /**< spans in a request over the size cap */
    OTEL_STAT_DROPPED_REJECTED = 10,      /**< spans the receiver rejected (partial success) */
    OTEL_STAT_DROPPED_ATTRIBUTES = 11,    /**< attributes dropped by limits */
    OTEL_STAT_DROPPED_EVENTS = 12,        /**< events dropped by limits */
    OTEL_STAT_DROPPED_LINKS = 13,         /**< links dropped by limits */
    OTEL_STAT_TRUNCATED_VALUES = 14,      /**< values truncated by the length limit */
    OTEL_STAT_INVALID_INPUT = 15,         /**< calls ignored: NULL, bad UTF-8, after end */
    OTEL_STAT_EXPORT_BATCHES = 16,        /**< export calls made */
    OTEL_STAT_EXPORT_ERRORS = 17,         /**< export calls that failed */
    OTEL_STAT_EXPORT_RETRIES = 18,        /**< retried export attempts */
    OTEL_STAT_LAST_EXPORT_TIME_NS = 19,   /**< end of the last successful export */
    OTEL_STAT_LAST_ERROR_TIME_NS = 20,    /**< time of the last export error */
    OTEL_STAT__COUNT = 21                 /**< number of stats in this version */
} otel_stat;

/**
 * Reads up to `n` stats, indexed by otel_stat, into `out` in one call.
 * Counters are per provider and monotonic except SPANS_QUEUED and
 * QUEUE_BYTES.
 * @return the number of values written (min(n, OTEL_STAT__COUNT) of the
 *   library, which may be newer than the header), 0 for NULL arguments.
 * Thread-safe, lock-free. @since 1.0
 */
OTEL_API size_t otel_tracer_provider_get_stats(const otel_tracer_provider *tp, uint64_t *out,
                                               size_t n);

/** The name of a stat ("spans_started", ...), or NULL if unknown. @since 1.0 */
OTEL_API const char *otel_stat_name(int stat);

/**
 * Copies the last export error message (no secrets), NUL-terminated and
 * truncated to `cap`, into `buf`.
 * @return the message's full length (0 if none). Thread-safe. @since 1.0
 */
OTEL_API size_t otel_tracer_provider_last_error(const otel_tracer_provider *tp, char *buf,
                                                size_t cap);

/**
 * Writes every stat and the last error as one JSON object into `buf`
 * (NUL-terminated, truncated to `cap`).
 * @return the full length the JSON needs, excluding the NUL. @since 1.0
 */
OTEL_API size_t otel_tracer_provider_stats_json(const otel_tracer_provider *tp, char *buf,
                                                size_t cap);

/* ---- tracer ---------------------------------------------------------- */

/**
 * Starts a span named `name` (NUL-terminated) of `kind`, child of the span in
 * `parent`, or of the current context's span when `parent` is NULL. Pass
 * otel_context_root() for a new trace.
 * @return a span handle (never NULL: a no-op span if `t` is NULL); end it
 *   with otel_span_end(). Thread-safe. @since 1.0
 */
OTEL_API otel_span *otel_tracer_start_span(otel_tracer *t, const char *name, int kind,
                                           otel_context *parent);

/**
 * Starts a span with everything the sampler may want to see: attributes
 * (copied), links, and a start time (`start_ns` 0: now).
 * @return as otel_tracer_start_span(). Thread-safe. @since 1.0
 */
OTEL_API otel_span *otel_tracer_start_span_n(otel_tracer *t, const char *name, size_t name_len,
                                             int kind, otel_context *parent,
                                             const otel_attr *attrs, size_t n_attrs,
                                             const otel_link *links, size_t n_links,
                                             uint64_t start_ns);

/**
 * True (1) when spans from this tracer may record (the provider is neither
 * disabled nor shut down). Thread-safe. @since 1.0
 */
OTEL_API int otel_tracer_enabled(const otel_tracer *t);

/* ---- span ------------------------------------------------------------ */

/**
 * A non-recording span carrying `sc` and `trace_state` (copied; may be NULL),
 * e.g. a remote parent made by a propagator.
 * @param out receives the handle; release with otel_span_release().
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT (NULL out or sc), OTEL_ERR_NO_MEMORY.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_span_wrap(otel_span **out, const otel_span_context *sc,
                                    const char *trace_state, size_t trace_state_len);

/** Adds a reference; returns `span`. NULL is ignored. @since 1.0 */
OTEL_API otel_span *otel_span_retain(otel_span *span);

/**
 * Drops a reference without ending the span (for handles from
 * otel_span_wrap() or otel_span_retain()). NULL is ignored. @since 1.0
 */
OTEL_API void otel_span_release(otel_span *span);

/**
 * Ends the span now and releases the caller's reference. Later calls on a
 * span that other references keep alive are ignored. NULL is ignored.
 * Never waits on an exporter. @since 1.0
 */
OTEL_API void otel_span_end(otel_span *span);

/** otel_span_end() with an explicit end time (0: now). @since 1.0 */
OTEL_API void otel_span_end_at(otel_span *span, uint64_t end_ns);

/** True (1) while the span records (sampled or record-only, not ended). @since 1.0 */
OTEL_API int otel_span_is_recording(const otel_span *span);

/**
 * Copies the span's context into `out` (all zero for NULL `span`).
 * Works on every span, recording or not, ended or not. @since 1.0
 */
OTEL_API void otel_span_get_context(const otel_span *span, otel_span_context *out);

/**
 * The span's W3C trace state, borrowed (valid while the span lives); ""
 * when empty. `len` may be NULL. @since 1.0
 */
OTEL_API const char *otel_span_get_trace_state(const otel_span *span, size_t *len);

/** Sets a string attribute (NUL-terminated key and value). @since 1.0 */
OTEL_API void otel_span_set_attribute_str(otel_span *span, const char *key, const char *value);
/** Sets a string attribute (pointer + length). @since 1.0 */
OTEL_API void otel_span_set_attribute_str_n(otel_span *span, const char *key, size_t key_len,
                                            const char *value, size_t value_len);
/** Sets a boolean attribute (0 false, else true). @since 1.0 */
OTEL_API void otel_span_set_attribute_bool(otel_span *span, const char *key, int value);
/** otel_span_set_attribute_bool with a pointer + length key. @since 1.0 */
OTEL_API void otel_span_set_attribute_bool_n(otel_span *span, const char *key, size_t key_len, int value);
/** Sets an int64 attribute. @since 1.0 */
OTEL_API void otel_span_set_attribute_i64(otel_span *span, const char *key, int64_t value);
/** otel_span_set_attribute_i64 with a pointer + length key. @since 1.0 */
OTEL_API void otel_span_set_attribute_i64_n(otel_span *span, const char *key, size_t key_len,
                                            int64_t value);
/** Sets a double attribute. @since 1.0 */
OTEL_API void otel_span_set_attribute_f64(otel_span *span, const char *key, double value);
/** otel_span_set_attribute_f64 with a pointer + length key. @since 1.0 */
OTEL_API void otel_span_set_attribute_f64_n(otel_span *span, const char *key, size_t key_len,
                                            double value);
/** Sets a string array attribute (copied). @since 1.0 */
OTEL_API void otel_span_set_attribute_str_array(otel_span *span, const char *key,
                                                const otel_str *values, size_t count);
/** otel_span_set_attribute_str_array with a pointer + length key. @since 1.0 */
OTEL_API void otel_span_set_attribute_str_array_n(otel_span *span, const char *key, size_t key_len,
                                                  const otel_str *values, size_t count);
/** Sets a boolean array attribute (copied). @since 1.0 */
OTEL_API void otel_span_set_attribute_bool_array(otel_span *span, const char *key,
                                                 const int *values, size_t count);
/** otel_span_set_attribute_bool_array with a pointer + length key. @since 1.0 */
OTEL_API void otel_span_set_attribute_bool_array_n(otel_span *span, const char *key, size_t key_len,
                                                   const int *values, size_t count);
/** Sets an int64 array attribute (copied). @since 1.0 */
OTEL_API void otel_span_set_attribute_i64_array(otel_span *span, const char *key,
                                                const int64_t *values, size_t count);
/** otel_span_set_attribute_i64_array with a pointer + length key. @since 1.0 */
OTEL_API void otel_span_set_attribute_i64_array_n(otel_span *span, const char *key, size_t key_len,
                                                  const int64_t *values, size_t count);
/** Sets a double array attribute (copied). @since 1.0 */
OTEL_API void otel_span_set_attribute_f64_array(otel_span *span, const char *key,
                                                const double *values, size_t count);
/** otel_span_set_attribute_f64_array with a pointer + length key. @since 1.0 */
OTEL_API void otel_span_set_attribute_f64_array_n(otel_span *span, const char *key, size_t key_len,
                                                  const double *values, size_t count);

/**
 * Sets several attributes at once (copied). A key set again replaces its
 * value; beyond the attribute count limit new keys are dropped and counted;
 * strings beyond the length limit are truncated at a UTF-8 boundary.
 * @since 1.0
 */
OTEL_API void otel_span_set_attributes(otel_span *span, const otel_attr *attrs, size_t n);

/** Adds an event now (NUL-terminated name) with attributes (copied). @since 1.0 */
OTEL_API void otel_span_add_event(otel_span *span, const char *name, const otel_attr *attrs,
                                  size_t n_attrs);

/** Adds an event with a pointer + length name and a timestamp (0: now). @since 1.0 */
OTEL_API void otel_span_add_event_n(otel_span *span, const char *name, size_t name_len,
                                    const otel_attr *attrs, size_t n_attrs, uint64_t time_ns);

/** Adds a link to `target`'s context, with attributes (copied). @since 1.0 */
OTEL_API void otel_span_add_link(otel_span *span, const otel_span *target, const otel_attr *attrs,
                                 size_t n_attrs);

/**
 * Records an exception as the `exception` event with `exception.type`,
 * `exception.message` and `exception.stacktrace` (each omitted when NULL or
 * empty) plus extra attributes. Does not change the status. @since 1.0
 */
OTEL_API void otel_span_record_exception(otel_span *span, const char *type, const char *message,
                                         const char *stacktrace, const otel_attr *attrs,
                                         size_t n_attrs);

/** Pointer + length form of otel_span_record_exception() with a time (0: now). @since 1.0 */
OTEL_API void otel_span_record_exception_n(otel_span *span, const char *type, size_t type_len,
                                           const char *message, size_t message_len,
                                           const char *stacktrace, size_t stacktrace_len,
                                           const otel_attr *attrs, size_t n_attrs,
                                           uint64_t time_ns);

/**
 * Sets the status. OK is final; UNSET is ignored; the description is kept
 * only with ERROR. @since 1.0
 */
OTEL_API void otel_span_set_status(otel_span *span, int code, const char *description);

/** Pointer + length form of otel_span_set_status(). @since 1.0 */
OTEL_API void otel_span_set_status_n(otel_span *span, int code, const char *description,
                                     size_t description_len);

/** Renames the span. @since 1.0 */
OTEL_API void otel_span_update_name(otel_span *span, const char *name);

/** Pointer + length form of otel_span_update_name(). @since 1.0 */
OTEL_API void otel_span_update_name_n(otel_span *span, const char *name, size_t name_len);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_TRACE_H */
