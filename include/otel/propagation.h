/**
 * @file otel/propagation.h
 * @brief Context propagation: W3C Trace Context (Level 2), W3C Baggage, B3,
 * composite and global propagators, carriers, and the TraceState API.
 *
 * @code
 * // client: put the current span and baggage into outgoing headers
 * otel_headers *h;
 * otel_headers_new(&h);
 * otel_propagator *p = otel_propagator_get_global();   // tracecontext,baggage
 * otel_propagator_inject_headers(p, NULL, h);          // NULL: current context
 * // ... send otel_headers_at(h, i, ...) with the request ...
 *
 * // server: continue the trace from incoming headers
 * otel_context *ctx = otel_propagator_extract_headers(p, NULL, incoming);
 * otel_span *s = otel_tracer_start_span(tracer, "GET /", OTEL_SPAN_KIND_SERVER, ctx);
 * otel_context_release(ctx);
 * otel_propagator_release(p);
 * @endcode
 *
 * Extraction never fails the request: an invalid traceparent gives no
 * remote parent; a tracestate with an invalid member or more than 32
 * members is discarded whole (empty members are skipped); invalid baggage
 * members are dropped one by one. Work and memory are bounded by a small
 * multiple of the input. Header names are matched case-insensitively on
 * extract and written in lowercase on inject.
 */
#ifndef OTEL_PROPAGATION_H
#define OTEL_PROPAGATION_H

#include "otel/common.h"
#include "otel/context.h"
#include "otel/options.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_propagator otel_propagator;
typedef struct otel_headers otel_headers;

/* ---- carriers ------------------------------------------------------------ */

/**
 * Reads a carrier: sets `*value`/`*value_len` to the `index`-th value of the
 * header `key` (0 for the first; repeated headers have several) and returns
 * 1, or returns 0 when there is no such value. The value must stay valid
 * until the extract call returns. Propagators ask for lowercase names; a
 * carrier that matches names exactly may give a keys function too, and the
 * propagator then finds the names case-insensitively itself.
 */
typedef int (*otel_getter_fn)(void *user_data, const char *key, size_t key_len, size_t index,
                              const char **value, size_t *value_len);

/** Lists a carrier's keys: the `index`-th key, 1; past the end, 0. */
typedef int (*otel_keys_fn)(void *user_data, size_t index, const char **key, size_t *key_len);

/** Writes a header into a carrier, replacing any value it had. Strings are
 *  valid only during the call. */
typedef void (*otel_setter_fn)(void *user_data, const char *key, size_t key_len,
                               const char *value, size_t value_len);

/**
 * A new, empty header list: the carrier for bindings that prefer data to
 * callbacks. @param out receives the list; free it with otel_headers_free.
 * @return OTEL_ERR_INVALID_ARGUMENT (NULL out), OTEL_ERR_NO_MEMORY.
 * A list is not thread-safe; use one per request. @since 1.0
 */
OTEL_API otel_status otel_headers_new(otel_headers **out);

/** Frees a header list and its strings. NULL is ignored. @since 1.0 */
OTEL_API void otel_headers_free(otel_headers *headers);

/** Removes every pair. NULL is ignored. @since 1.0 */
OTEL_API void otel_headers_clear(otel_headers *headers);

/**
 * Appends a pair (a repeated name is kept as a second value). Both strings
 * are copied. @return OTEL_ERR_INVALID_ARGUMENT for NULL arguments or an
 * empty name; OTEL_ERR_LIMIT past 1024 pairs or 1 MiB in all;
 * OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_headers_add(otel_headers *headers, const char *name, const char *value);

/** As otel_headers_add, with counted strings. @since 1.0 */
OTEL_API otel_status otel_headers_add_n(otel_headers *headers, const char *name, size_t name_len,
                                        const char *value, size_t value_len);

/** Replaces every value of `name` (case-insensitive) with one. @since 1.0 */
OTEL_API otel_status otel_headers_set(otel_headers *headers, const char *name, const char *value);

/** The number of pairs (0 for NULL). @since 1.0 */
OTEL_API size_t otel_headers_count(const otel_headers *headers);

/**
 * Pair `index` in insertion order. Out pointers may be NULL; strings are
 * owned by the list, NUL-terminated, valid until it changes.
 * @return OTEL_ERR_NOT_FOUND past the end. @since 1.0
 */
OTEL_API otel_status otel_headers_at(const otel_headers *headers, size_t index, const char **name,
                                     size_t *name_len, const char **value, size_t *value_len);

/**
 * The first value of `name`, matched case-insensitively, or NULL.
 * @return a string owned by the list. @since 1.0
 */
OTEL_API const char *otel_headers_get(const otel_headers *headers, const char *name);

/**
 * Every value of `name` (matched case-insensitively) in insertion order, for
 * repeated headers: stores at most `cap` pointers in `values` (which may be
 * NULL when `cap` is 0) and returns how many there are, so a call with
 * `cap` 0 sizes the array. Strings are owned by the list, valid until it
 * changes. Returns 0 for NULL `headers` or `name`. @since 1.0
 */
OTEL_API size_t otel_headers_get_all(const otel_headers *headers, const char *name,
                                     const char **values, size_t cap);

/* ---- propagators ----------------------------------------------------------- */

/** W3C Trace Context: `traceparent` and `tracestate`. Never NULL; a static
 *  object that retain/release leave alone. @since 1.0 */
OTEL_API otel_propagator *otel_propagator_tracecontext(void);
/** W3C Baggage: `baggage` (64 members, 8192 bytes). @since 1.0 */
OTEL_API otel_propagator *otel_propagator_baggage(void);
/** B3 single header `b3`; extracts the single and the multi-header forms. @since 1.0 */
OTEL_API otel_propagator *otel_propagator_b3(void);
/** B3 multi-header (`x-b3-traceid`, `x-b3-spanid`, `x-b3-sampled`,
 *  `x-b3-flags`); extracts both forms. @since 1.0 */
OTEL_API otel_propagator *otel_propagator_b3multi(void);
/** Injects and extracts nothing (`OTEL_PROPAGATORS=none`). @since 1.0 */
OTEL_API otel_propagator *otel_propagator_noop(void);

/**
 * A propagator running `list` in order: inject calls each; extract feeds
 * each the context the previous one returned. Keeps a reference on each.
 * @return OTEL_ERR_INVALID_ARGUMENT (NULL out, NULL list with n > 0, a NULL
 *   entry, n > 16), OTEL_ERR_NO_MEMORY. Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_propagator_composite_new(otel_propagator **out,
                                                   otel_propagator *const *list, size_t n);

/**
 * The composite named by `OTEL_PROPAGATORS` in `opts` or the environment
 * (default `tracecontext,baggage`; `none`; names deduplicated; an unknown
 * name is warned about and skipped). `opts` may be NULL.
 * @return OTEL_ERR_INVALID_ARGUMENT (NULL out), OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_propagator_from_env(otel_propagator **out, const otel_options *opts);

/** Adds a reference; returns `p`. Thread-safe. @since 1.0 */
OTEL_API otel_propagator *otel_propagator_retain(otel_propagator *p);
/** Drops a reference. NULL is ignored. Thread-safe. @since 1.0 */
OTEL_API void otel_propagator_release(otel_propagator *p);

/** The number of header names `p` may write (its fields()). @since 1.0 */
OTEL_API size_t otel_propagator_field_count(const otel_propagator *p);
/** Field `index` as a static lowercase string, or NULL past the end. @since 1.0 */
OTEL_API const char *otel_propagator_field(const otel_propagator *p, size_t index);

/**
 * The process-wide propagator: the one last set, else (first call) the one
 * `OTEL_PROPAGATORS` names. @return a new reference, never NULL.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_propagator *otel_propagator_get_global(void);

/** Makes `p` the process-wide propagator (NULL: back to the environment's).
 *  Keeps a reference. Thread-safe. @since 1.0 */
OTEL_API void otel_propagator_set_global(otel_propagator *p);

/**
 * Writes the span and baggage of `ctx` (NULL: current) through `set`.
 * A NULL propagator or setter does nothing. Thread-safe. @since 1.0
 */
OTEL_API void otel_propagator_inject(const otel_propagator *p, otel_context *ctx,
                                     otel_setter_fn set, void *user_data);

/**
 * A context equal to `ctx` (NULL: current) plus what the carrier holds: a
 * non-recording remote span (so the next span started with it as parent is
 * its child) and baggage. `keys` may be NULL.
 * @return a new reference, never NULL: with nothing valid to extract (or a
 *   NULL propagator or getter) it is `ctx` itself, retained. @since 1.0
 */
OTEL_API otel_context *otel_propagator_extract(const otel_propagator *p, otel_context *ctx,
                                               otel_getter_fn get, otel_keys_fn keys,
                                               void *user_data);

/** otel_propagator_inject into a header list (existing names replaced). @since 1.0 */
OTEL_API void otel_propagator_inject_headers(const otel_propagator *p, otel_context *ctx,
                                             otel_headers *headers);

/** otel_propagator_extract from a header list. Same return rules. @since 1.0 */
OTEL_API otel_context *otel_propagator_extract_headers(const otel_propagator *p,
                                                       otel_context *ctx,
                                                       const otel_headers *headers);

/* ---- TraceState (W3C Level 2) ------------------------------------------------- */

/** The longest tracestate value these functions produce (32 members of a
 *  256-byte key and a 256-byte value, with separators). */
#define OTEL_TRACESTATE_MAX 16447

/**
 * Parses a tracestate header value (or several joined by ','): keeps the
 * members in order without their surrounding spaces and tabs, skips empty
 * members, and keeps the first of a repeated key. A member outside the
 * Level 2 grammar (key: lcalpha or DIGIT, then up to 255 of lcalpha DIGIT
 * _ - * / @; value: 1-256 of 0x20-0x7E but ',' and '=', not ending in a
 * space) or more than 32 members makes the whole value invalid.
 * Thread-safe (no state).
 * @param out buffer of `cap` bytes; receives the normalized value and a NUL
 *   ("" when invalid).
 * @param out_len receives its length (also when `cap` is too small; 0 when
 *   invalid).
 * @return OTEL_ERR_PARSE for an invalid value (otel_last_error() says
 *   why; extraction then carries no tracestate); OTEL_ERR_LIMIT when `cap`
 *   is too small (OTEL_TRACESTATE_MAX + 1 always suffices);
 *   OTEL_ERR_INVALID_ARGUMENT for NULL. @since 1.0
 */
OTEL_API otel_status otel_tracestate_parse(const char *header, size_t header_len, char *out,
                                           size_t cap, size_t *out_len);

/**
 * The value of `key` in the (normalized) tracestate `ts`. Here and in
 * _set and _delete an invalid `ts` counts as empty.
 * @param value receives a pointer into `ts`, @param value_len its length.
 * @return OTEL_ERR_NOT_FOUND when absent; OTEL_ERR_INVALID_ARGUMENT. @since 1.0
 */
OTEL_API otel_status otel_tracestate_get(const char *ts, size_t ts_len, const char *key,
                                         const char **value, size_t *value_len);

/**
 * A new tracestate: `key=value` first, then the members of `ts` without
 * `key`; past 32 members the rightmost goes. Output as for _parse.
 * @return OTEL_ERR_INVALID_ARGUMENT for a key or value outside the W3C
 *   grammar (nothing written); OTEL_ERR_LIMIT when `cap` is too small. @since 1.0
 */
OTEL_API otel_status otel_tracestate_set(const char *ts, size_t ts_len, const char *key,
                                         const char *value, char *out, size_t cap,
                                         size_t *out_len);

/** A new tracestate without `key`. Output and errors as for _set. @since 1.0 */
OTEL_API otel_status otel_tracestate_delete(const char *ts, size_t ts_len, const char *key,
                                            char *out, size_t cap, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_PROPAGATION_H */
