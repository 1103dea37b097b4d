/**
 * @file otel/export.h
 * @brief Span processors and span exporters.
 *
 * @code
 * otel_exporter *exp;
 * otel_exporter_console_new(&exp, -1);             // stdout
 * otel_processor *bsp;
 * otel_processor_batch_new(&bsp, exp, NULL);       // OTEL_BSP_* from the environment
 * otel_exporter_release(exp);                      // the processor holds it
 * otel_options_add_processor(opts, bsp);
 * otel_processor_release(bsp);                     // the options hold it
 * @endcode
 *
 * Processors and exporters are reference-counted and safe from any thread.
 * A processor belongs to at most one provider; an exporter to at most one
 * processor. Exports are never concurrent: the simple processor exports
 * under a lock in the ending thread, the batch processor in its own worker.
 */
#ifndef OTEL_EXPORT_H
#define OTEL_EXPORT_H

#include "otel/common.h"
#include "otel/context.h"
#include "otel/options.h"
#include "otel/span_data.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_exporter otel_exporter;

/** What an export callback returns. Values are pinned. */
typedef enum otel_export_result {
    OTEL_EXPORT_SUCCESS = 0,
    OTEL_EXPORT_FAILURE = 1
} otel_export_result;

/* ---- exporters ------------------------------------------------------- */

/**
 * Exports a batch of ended spans. Called from one thread at a time. The
 * span data is valid during the call; retain what must live longer.
 * @return an otel_export_result.
 */
typedef int (*otel_span_export_fn)(const otel_span_data *const *spans, size_t n,
                                   void *user_data);
/** Flushes or shuts down a custom exporter. @return an otel_status. */
typedef int (*otel_exporter_control_fn)(uint32_t timeout_ms, void *user_data);
/** Frees `user_data` when the object that holds it is freed. */
typedef void (*otel_user_data_free_fn)(void *user_data);

/**
 * An exporter backed by callbacks. Add the optional force-flush, shutdown
 * and free callbacks before handing it to a processor.
 * @param out receives a new reference; release with otel_exporter_release().
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT (out or export_fn NULL), OTEL_ERR_NO_MEMORY.
 * @since 1.0
 */
OTEL_API otel_status otel_exporter_custom_new(otel_exporter **out, otel_span_export_fn export_fn,
                                              void *user_data);
/** Sets a custom exporter's force-flush callback. @return OTEL_OK or OTEL_ERR_INVALID_ARGUMENT. @since 1.0 */
OTEL_API otel_status otel_exporter_set_force_flush_fn(otel_exporter *exp,
                                                      otel_exporter_control_fn fn);
/** Sets a custom exporter's shutdown callback (called once). @since 1.0 */
OTEL_API otel_status otel_exporter_set_shutdown_fn(otel_exporter *exp, otel_exporter_control_fn fn);
/** Sets the function that frees a custom exporter's `user_data`. @since 1.0 */
OTEL_API otel_status otel_exporter_set_free_fn(otel_exporter *exp, otel_user_data_free_fn fn);

/**
 * The console exporter: one human-readable block per span, written to the
 * file descriptor `fd` (negative: standard output) with write(2).
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_exporter_console_new(otel_exporter **out, int fd);

/**
 * The in-memory exporter: keeps every exported span so tests can read them
 * back with otel_exporter_in_memory_count() and _get().
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_exporter_in_memory_new(otel_exporter **out);
/** Spans held by an in-memory exporter (0 for any other exporter). @since 1.0 */
OTEL_API size_t otel_exporter_in_memory_count(otel_exporter *exp);
/**
 * Span `index` of an in-memory exporter, in export order.
 * @return a new reference (release with otel_span_data_release()), or NULL
 *   when out of range. Thread-safe. @since 1.0
 */
OTEL_API const otel_span_data *otel_exporter_in_memory_get(otel_exporter *exp, size_t index);
/** Forgets every span an in-memory exporter holds. @since 1.0 */
OTEL_API void otel_exporter_in_memory_reset(otel_exporter *exp);

/** Adds a reference; returns it. NULL is ignored. @since 1.0 */
OTEL_API otel_exporter *otel_exporter_retain(otel_exporter *exp);
/** Drops a reference. NULL is ignored. @since 1.0 */
OTEL_API void otel_exporter_release(otel_exporter *exp);

/* ---- processors ------------------------------------------------------ */

/**
 * The simple processor: exports each span as it ends, in the ending thread
 * (for tests and the console; it waits on the exporter).
 * @param out receives a new reference. A reference on `exp` is taken.
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_processor_simple_new(otel_processor **out, otel_exporter *exp);

/**
 * The batch processor: ended spans go into a bounded queue and a worker
 * thread exports them in batches. Settings come from `opts` (NULL: the
 * environment): `OTEL_BSP_MAX_QUEUE_SIZE` (2048), `OTEL_BSP_SCHEDULE_DELAY`
 * (5000 ms), `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` (512),
 * `OTEL_BSP_EXPORT_TIMEOUT` (30000 ms), and this SDK's
 * `OTEL_CORE_BSP_MAX_QUEUE_BYTES` (64 MiB: the queue is bounded in bytes
 * too) and `OTEL_CORE_BSP_BLOCK_TIMEOUT` (0 ms: a full queue drops the span
 * and counts it; above 0, span end waits up to that long for room).
 * The worker is started lazily and restarted in a forked child.
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_processor_batch_new(otel_processor **out, otel_exporter *exp,
                                              const otel_options *opts);

/** Sees a span that just started; it may still change it. */
typedef void (*otel_processor_on_start_fn)(otel_span *span, otel_context *parent,
                                           void *user_data);
/**
 * Sees a span that is ending, before it becomes read-only: the place to
 * redact or add attributes before any exporter sees them.
 */
typedef void (*otel_processor_on_ending_fn)(otel_span *span, void *user_data);
/** Sees a span that has ended (read-only). */
typedef void (*otel_processor_on_end_fn)(const otel_span_data *span, void *user_data);

/**
 * A processor backed by callbacks (any may be NULL), called in the thread
 * that starts or ends the span, in the order processors were added.
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_processor_custom_new(otel_processor **out,
                                               otel_processor_on_start_fn on_start,
                                               otel_processor_on_ending_fn on_ending,
                                               otel_processor_on_end_fn on_end, void *user_data);
/** Sets a custom processor's force-flush callback. @since 1.0 */
OTEL_API otel_status otel_processor_set_force_flush_fn(otel_processor *p,
                                                       otel_exporter_control_fn fn);
/** Sets a custom processor's shutdown callback. @since 1.0 */
OTEL_API otel_status otel_processor_set_shutdown_fn(otel_processor *p, otel_exporter_control_fn fn);
/** Sets the function that frees a custom processor's `user_data`. @since 1.0 */
OTEL_API otel_status otel_processor_set_free_fn(otel_processor *p, otel_user_data_free_fn fn);

/** Adds a reference; returns it. NULL is ignored. @since 1.0 */
OTEL_API otel_processor *otel_processor_retain(otel_processor *p);
/** Drops a reference. NULL is ignored. @since 1.0 */
OTEL_API void otel_processor_release(otel_processor *p);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_EXPORT_H */
