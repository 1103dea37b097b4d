/**
 * @file otel/context.h
 * @brief Immutable, reference-counted contexts and the per-thread current
 * context.
 *
 * @code
 * otel_context *ctx = otel_context_with_span(NULL, span); // NULL = current
 * uint64_t token = otel_context_attach(ctx);
 * ... work: spans started now have `span` as parent ...
 * otel_context_detach(token);
 * otel_context_release(ctx);
 * @endcode
 *
 * A context holds a span, baggage and user values. It never changes once
 * made: every `with_` call returns a new context. Contexts are safe to share
 * between threads. Each thread has its own stack of attached contexts.
 */
#ifndef OTEL_CONTEXT_H
#define OTEL_CONTEXT_H

#include "otel/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_context otel_context;
typedef struct otel_span otel_span;
typedef struct otel_baggage otel_baggage;

/** W3C trace flag: sampled. */
#define OTEL_TRACE_FLAG_SAMPLED 0x01
/** W3C Trace Context Level 2 flag: the trace id's low 56 bits are random. */
#define OTEL_TRACE_FLAG_RANDOM 0x02

/**
 * The identity of a span. Tiny, frozen layout (32 bytes); the trace state
 * travels separately as a string because it has no fixed size.
 */
typedef struct otel_span_context {
    uint8_t trace_id[16];
    uint8_t span_id[8];
    uint8_t trace_flags;
    uint8_t is_remote;
    uint8_t reserved[6];
} otel_span_context;

/**
 * True (1) when the trace id and the span id are both non-zero.
 * NULL is invalid. Thread-safe. @since 1.0
 */
OTEL_API int otel_span_context_is_valid(const otel_span_context *sc);

/**
 * The empty root context. Never freed; retain and release do nothing.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_context *otel_context_root(void);

/**
 * The current context of the calling thread (the root context if nothing is
 * attached).
 * @return a new reference; release it with otel_context_release().
 * Thread-safe (per-thread state). @since 1.0
 */
OTEL_API otel_context *otel_context_current(void);

/** Adds a reference; returns `ctx`. NULL is ignored. Thread-safe. @since 1.0 */
OTEL_API otel_context *otel_context_retain(otel_context *ctx);

/** Drops a reference; frees at zero. NULL is ignored. Thread-safe. @since 1.0 */
OTEL_API void otel_context_release(otel_context *ctx);

/**
 * Makes `ctx` the current context of the calling thread.
 * @return a token for otel_context_detach(); 0 if `ctx` is NULL or memory ran
 *   out (then nothing was attached). The thread holds its own reference on
 *   `ctx` until detached. @since 1.0
 */
OTEL_API uint64_t otel_context_attach(otel_context *ctx);

/**
 * Restores the context that was current before the attach that returned
 * `token`. Contexts must be detached in reverse order of attachment; a
 * token that is not the innermost one is still honoured (everything attached
 * after it is detached too) and reported.
 * @return OTEL_OK, OTEL_ERR_STATE (out of order or unknown token, message in
 *   otel_last_error()). Must be called on the thread that attached. @since 1.0
 */
OTEL_API otel_status otel_context_detach(uint64_t token);

/**
 * A new context equal to `ctx` (NULL: the current one) but holding `span`.
 * The context keeps a reference on the span.
 * @return a new reference, or NULL when out of memory or `span` is NULL.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_context *otel_context_with_span(otel_context *ctx, otel_span *span);

/**
 * The span held by `ctx` (NULL: the current context).
 * @return a borrowed pointer valid while the context lives, or NULL if the
 *   context holds no span. Thread-safe. @since 1.0
 */
OTEL_API otel_span *otel_context_get_span(otel_context *ctx);

/**
 * A new context equal to `ctx` (NULL: current) but holding `baggage`
 * (NULL removes it). The context keeps a reference on the baggage.
 * @return a new reference, or NULL when out of memory. @since 1.0
 */
OTEL_API otel_context *otel_context_with_baggage(otel_context *ctx, otel_baggage *baggage);

/**
 * The baggage held by `ctx` (NULL: current).
 * @return borrowed, valid while the context lives; NULL if none. @since 1.0
 */
OTEL_API otel_baggage *otel_context_get_baggage(otel_context *ctx);

/** Frees a user value when the last context holding it goes away. */
typedef void (*otel_context_value_free_fn)(void *value, void *user_data);

/**
 * Creates a context key. Keys are process-wide and never freed; two calls
 * with the same name give different keys. `name` is for debugging only.
 * @return a key > 0, or 0 when keys ran out (2^31). Thread-safe. @since 1.0
 */
OTEL_API uint32_t otel_context_key_create(const char *name);

/**
 * A new context equal to `ctx` (NULL: current) with `value` under `key`.
 * `free_fn` (may be NULL) runs with `user_data` when no context refers to
 * the value any more.
 * @return a new reference, or NULL (key 0, or out of memory; then `free_fn`
 *   was already called). Thread-safe. @since 1.0
 */
OTEL_API otel_context *otel_context_with_value(otel_context *ctx, uint32_t key, void *value,
                                               otel_context_value_free_fn free_fn,
                                               void *user_data);

/**
 * The value under `key` in `ctx` (NULL: current), or NULL. Borrowed.
 * Thread-safe. @since 1.0
 */
OTEL_API void *otel_context_get_value(otel_context *ctx, uint32_t key);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_CONTEXT_H */
