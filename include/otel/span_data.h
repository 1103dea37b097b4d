/**
 * @file otel/span_data.h
 * @brief Read-only views of ended spans, as exporters and processors see
 * them.
 *
 * @code
 * static int export(const otel_span_data *const *spans, size_t n, void *ud) {
 *     for (size_t i = 0; i < n; i++) {
 *         size_t len;
 *         const char *name = otel_span_data_name(spans[i], &len);
 *         printf("%.*s took %llu ns\n", (int)len, name,
 *                (unsigned long long)(otel_span_data_end_time(spans[i]) -
 *                                     otel_span_data_start_time(spans[i])));
 *     }
 *     return OTEL_EXPORT_SUCCESS;
 * }
 * @endcode
 *
 * A span data pointer handed to a callback is valid during that call only,
 * unless retained. Every pointer an accessor returns is borrowed from the
 * span data and valid as long as it is. Reading is thread-safe: the data
 * never changes once the span has ended.
 */
#ifndef OTEL_SPAN_DATA_H
#define OTEL_SPAN_DATA_H

#include "otel/common.h"
#include "otel/context.h"
#include "otel/resource.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_span_data otel_span_data;
typedef struct otel_scope otel_scope;

/** Keeps span data alive past a callback. @return `d`. @since 1.0 */
OTEL_API const otel_span_data *otel_span_data_retain(const otel_span_data *d);
/** Drops a reference taken with otel_span_data_retain(). NULL is fine. @since 1.0 */
OTEL_API void otel_span_data_release(const otel_span_data *d);

/** The span's name; `len` may be NULL. @since 1.0 */
OTEL_API const char *otel_span_data_name(const otel_span_data *d, size_t *len);
/** The span's own context (trace id, span id, flags; is_remote is 0). @since 1.0 */
OTEL_API void otel_span_data_context(const otel_span_data *d, otel_span_context *out);
/**
 * The parent's span id into `out` (8 bytes).
 * @return 1 when the span has a parent, 0 for a root (then `out` is zeroed).
 * @since 1.0
 */
OTEL_API int otel_span_data_parent_span_id(const otel_span_data *d, uint8_t *out);
/** 1 when the parent came from another process, 0 otherwise. @since 1.0 */
OTEL_API int otel_span_data_parent_is_remote(const otel_span_data *d);
/** The W3C trace state ("" if none); `len` may be NULL. @since 1.0 */
OTEL_API const char *otel_span_data_trace_state(const otel_span_data *d, size_t *len);
/** The otel_span_kind. @since 1.0 */
OTEL_API int otel_span_data_kind(const otel_span_data *d);
/** Start time, ns since the epoch. @since 1.0 */
OTEL_API uint64_t otel_span_data_start_time(const otel_span_data *d);
/** End time, ns since the epoch. @since 1.0 */
OTEL_API uint64_t otel_span_data_end_time(const otel_span_data *d);
/** The otel_status_code. @since 1.0 */
OTEL_API int otel_span_data_status_code(const otel_span_data *d);
/** The status description ("" if none); `len` may be NULL. @since 1.0 */
OTEL_API const char *otel_span_data_status_message(const otel_span_data *d, size_t *len);

/** Number of attributes kept. @since 1.0 */
OTEL_API size_t otel_span_data_attribute_count(const otel_span_data *d);
/**
 * Reads attribute `index` into `out` (borrowed pointers).
 * @return OTEL_OK, OTEL_ERR_NOT_FOUND (out of range), OTEL_ERR_INVALID_ARGUMENT.
 * @since 1.0
 */
OTEL_API otel_status otel_span_data_attribute(const otel_span_data *d, size_t index,
                                              otel_attr *out);
/** Attributes dropped by the count limit. @since 1.0 */
OTEL_API uint32_t otel_span_data_dropped_attributes(const otel_span_data *d);

/** Number of events kept. @since 1.0 */
OTEL_API size_t otel_span_data_event_count(const otel_span_data *d);
/**
 * Reads event `index`: name, time, attribute count and attributes dropped.
 * Any output pointer may be NULL.
 * @return OTEL_OK, OTEL_ERR_NOT_FOUND, OTEL_ERR_INVALID_ARGUMENT. @since 1.0
 */
OTEL_API otel_status otel_span_data_event(const otel_span_data *d, size_t index,
                                          const char **name, size_t *name_len, uint64_t *time_ns,
                                          size_t *n_attrs, uint32_t *dropped_attrs);
/** Reads attribute `attr_index` of event `index`. @since 1.0 */
OTEL_API otel_status otel_span_data_event_attribute(const otel_span_data *d, size_t index,
                                                    size_t attr_index, otel_attr *out);
/** Events dropped by the count limit. @since 1.0 */
OTEL_API uint32_t otel_span_data_dropped_events(const otel_span_data *d);

/** Number of links kept. @since 1.0 */
OTEL_API size_t otel_span_data_link_count(const otel_span_data *d);
/**
 * Reads link `index`: the linked context, its trace state, attribute count
 * and attributes dropped. Any output pointer may be NULL.
 * @return OTEL_OK, OTEL_ERR_NOT_FOUND, OTEL_ERR_INVALID_ARGUMENT. @since 1.0
 */
OTEL_API otel_status otel_span_data_link(const otel_span_data *d, size_t index,
                                         otel_span_context *sc, const char **trace_state,
                                         size_t *trace_state_len, size_t *n_attrs,
                                         uint32_t *dropped_attrs);
/** Reads attribute `attr_index` of link `index`. @since 1.0 */
OTEL_API otel_status otel_span_data_link_attribute(const otel_span_data *d, size_t index,
                                                   size_t attr_index, otel_attr *out);
/** Links dropped by the count limit. @since 1.0 */
OTEL_API uint32_t otel_span_data_dropped_links(const otel_span_data *d);

/** The provider's resource (borrowed). @since 1.0 */
OTEL_API const otel_resource *otel_span_data_resource(const otel_span_data *d);
/** The instrumentation scope of the tracer that made the span. @since 1.0 */
OTEL_API const otel_scope *otel_span_data_scope(const otel_span_data *d);

/** The scope's name; `len` may be NULL. @since 1.0 */
OTEL_API const char *otel_scope_name(const otel_scope *scope, size_t *len);
/** The scope's version ("" if none). @since 1.0 */
OTEL_API const char *otel_scope_version(const otel_scope *scope, size_t *len);
/** The scope's schema URL ("" if none). @since 1.0 */
OTEL_API const char *otel_scope_schema_url(const otel_scope *scope, size_t *len);
/** Number of scope attributes. @since 1.0 */
OTEL_API size_t otel_scope_attribute_count(const otel_scope *scope);
/** Reads scope attribute `index`. @since 1.0 */
OTEL_API otel_status otel_scope_attribute(const otel_scope *scope, size_t index, otel_attr *out);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_SPAN_DATA_H */
