/**
 * @file otel/baggage.h
 * @brief Immutable W3C baggage: name/value pairs that travel with a context.
 *
 * @code
 * otel_baggage *b = NULL, *b2 = NULL;               // NULL is the empty baggage
 * otel_baggage_set(b, "tenant", "acme", NULL, &b2);
 * otel_context *ctx = otel_context_with_baggage(NULL, b2);
 * otel_baggage_release(b2);                          // the context keeps its own
 * const char *t = otel_baggage_get(otel_context_get_baggage(ctx), "tenant");
 * @endcode
 *
 * A baggage never changes once made: set and remove return a new one. NULL
 * is a valid, empty baggage everywhere. Baggages are reference-counted and
 * safe to share between threads. Entries are kept sorted by name; a name
 * appears at most once. Each entry carries its W3C properties (";k=v...")
 * as one opaque metadata string.
 */
#ifndef OTEL_BAGGAGE_H
#define OTEL_BAGGAGE_H

#include "otel/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_baggage otel_baggage;

/**
 * A new baggage equal to `baggage` with `name` set to `value` (replacing a
 * previous value) and `metadata` (NULL or "" for none).
 * @param out receives a new baggage the caller releases; unchanged on error.
 * @return OTEL_ERR_INVALID_ARGUMENT for a NULL/empty name, a NULL value, a
 *   NULL `out` or invalid UTF-8; OTEL_ERR_NO_MEMORY. Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_baggage_set(const otel_baggage *baggage, const char *name,
                                      const char *value, const char *metadata,
                                      otel_baggage **out);

/** As otel_baggage_set with counted strings (metadata may be NULL/0). @since 1.0 */
OTEL_API otel_status otel_baggage_set_n(const otel_baggage *baggage, const char *name,
                                        size_t name_len, const char *value, size_t value_len,
                                        const char *metadata, size_t metadata_len,
                                        otel_baggage **out);

/**
 * A new baggage equal to `baggage` without `name` (a copy when absent).
 * @param out receives a new baggage (NULL when the result is empty) that the
 *   caller releases. @return OTEL_ERR_INVALID_ARGUMENT for NULL name or out;
 *   OTEL_ERR_NO_MEMORY. Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_baggage_remove(const otel_baggage *baggage, const char *name,
                                         otel_baggage **out);

/**
 * The value of `name`, or NULL when absent (or on NULL arguments).
 * @return a string owned by the baggage, valid while it is referenced.
 * Thread-safe. @since 1.0
 */
OTEL_API const char *otel_baggage_get(const otel_baggage *baggage, const char *name);

/** The metadata of `name` ("" when none), or NULL when absent. @since 1.0 */
OTEL_API const char *otel_baggage_get_metadata(const otel_baggage *baggage, const char *name);

/** The number of entries (0 for NULL). Thread-safe. @since 1.0 */
OTEL_API size_t otel_baggage_count(const otel_baggage *baggage);

/**
 * Entry `index` (0 <= index < count) in name order. Any out pointer may be
 * NULL; strings are owned by the baggage and NUL-terminated.
 * @return OTEL_ERR_NOT_FOUND when index is out of range. @since 1.0
 */
OTEL_API otel_status otel_baggage_entry(const otel_baggage *baggage, size_t index,
                                        const char **name, const char **value,
                                        const char **metadata);

/** Adds a reference; returns `baggage` (NULL stays NULL). Thread-safe. @since 1.0 */
OTEL_API otel_baggage *otel_baggage_retain(otel_baggage *baggage);

/** Drops a reference; frees at the last one. NULL is ignored. Thread-safe. @since 1.0 */
OTEL_API void otel_baggage_release(otel_baggage *baggage);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_BAGGAGE_H */
