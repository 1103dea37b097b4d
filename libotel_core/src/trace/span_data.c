/* The read-only view of a span: the getters of a live span (otel/trace.h)
 * and the otel_span_data_* accessors exporters and processors read ended
 * spans with (otel/span_data.h). */
#include <stdint.h>
#include <string.h>

#include "common/error.h"
#include "trace/internal.h"

OTEL_API int otel_span_is_recording(const otel_span *s) {
    if (!s || !s->recording) return 0;
    otel_span *m = (otel_span *)s;
    otel__span_lock(m);
    int ended = m->ended;
    otel__span_unlock(m);
    return !ended;
}

OTEL_API void otel_span_get_context(const otel_span *s, otel_span_context *out) {
    if (!out) return;
    if (!s) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = s->sc;
}

OTEL_API const char *otel_span_get_trace_state(const otel_span *s, size_t *len) {
    if (len) *len = s ? s->trace_state_len : 0;
    return s && s->trace_state ? s->trace_state : "";
}

#define SD(d) ((const otel_span *)(d))

OTEL_API const char *otel_span_data_name(const otel_span_data *d, size_t *len) {
    if (len) *len = d ? SD(d)->name_len : 0;
    return d && SD(d)->name ? SD(d)->name : "";
}
OTEL_API void otel_span_data_context(const otel_span_data *d, otel_span_context *out) {
    otel_span_get_context(SD(d), out);
}
OTEL_API int otel_span_data_parent_span_id(const otel_span_data *d, uint8_t *out) {
    if (!d || !SD(d)->has_parent) {
        if (out) memset(out, 0, 8);
        return 0;
    }
    if (out) memcpy(out, SD(d)->parent_span_id, 8);
    return 1;
}
OTEL_API int otel_span_data_parent_is_remote(const otel_span_data *d) {
    return d && SD(d)->has_parent && SD(d)->parent_remote;
}
OTEL_API const char *otel_span_data_trace_state(const otel_span_data *d, size_t *len) {
    return otel_span_get_trace_state(SD(d), len);
}
OTEL_API int otel_span_data_kind(const otel_span_data *d) {
    return d && SD(d)->kind ? SD(d)->kind : OTEL_SPAN_KIND_INTERNAL;
}
OTEL_API uint64_t otel_span_data_start_time(const otel_span_data *d) { return d ? SD(d)->start_ns : 0; }
OTEL_API uint64_t otel_span_data_end_time(const otel_span_data *d) { return d ? SD(d)->end_ns : 0; }
OTEL_API int otel_span_data_status_code(const otel_span_data *d) { return d ? SD(d)->status_code : 0; }
OTEL_API const char *otel_span_data_status_message(const otel_span_data *d, size_t *len) {
    if (len) *len = d ? SD(d)->status_len : 0;
    return d && SD(d)->status_msg ? SD(d)->status_msg : "";
}
OTEL_API size_t otel_span_data_attribute_count(const otel_span_data *d) {
    return d ? SD(d)->attrs.count : 0;
}

static otel_status read_attr(const otel__attrs *list, size_t i, otel_attr *out) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "attribute: out is NULL");
    if (i >= list->count) return otel__fail(OTEL_ERR_NOT_FOUND, "attribute: index out of range");
    *out = list->items[i];
    return OTEL_OK;
}

OTEL_API otel_status otel_span_data_attribute(const otel_span_data *d, size_t i, otel_attr *out) {
    if (!d) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_span_data_attribute: NULL span");
    return read_attr(&SD(d)->attrs, i, out);
}
OTEL_API uint32_t otel_span_data_dropped_attributes(const otel_span_data *d) {
    return d ? SD(d)->attrs.dropped : 0;
}
OTEL_API size_t otel_span_data_event_count(const otel_span_data *d) { return d ? SD(d)->n_events : 0; }
OTEL_API otel_status otel_span_data_event(const otel_span_data *d, size_t i, const char **name,
                                          size_t *name_len, uint64_t *time_ns, size_t *n_attrs,
                                          uint32_t *dropped) {
    if (!d) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_span_data_event: NULL span");
    if (i >= SD(d)->n_events) return otel__fail(OTEL_ERR_NOT_FOUND, "otel_span_data_event: index out of range");
    const otel__event *e = &SD(d)->events[i];
    if (name) *name = e->name;
    if (name_len) *name_len = e->name_len;
    if (time_ns) *time_ns = e->time_ns;
    if (n_attrs) *n_attrs = e->attrs.count;
    if (dropped) *dropped = e->attrs.dropped;
    return OTEL_OK;
}
OTEL_API otel_status otel_span_data_event_attribute(const otel_span_data *d, size_t i, size_t j,
                                                    otel_attr *out) {
    if (!d) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_span_data_event_attribute: NULL span");
    if (i >= SD(d)->n_events) return otel__fail(OTEL_ERR_NOT_FOUND, "event index out of range");
    return read_attr(&SD(d)->events[i].attrs, j, out);
}
OTEL_API uint32_t otel_span_data_dropped_events(const otel_span_data *d) {
    return d ? SD(d)->dropped_events : 0;
}
OTEL_API size_t otel_span_data_link_count(const otel_span_data *d) { return d ? SD(d)->n_links : 0; }
OTEL_API otel_status otel_span_data_link(const otel_span_data *d, size_t i, otel_span_context *sc,
                                         const char **ts, size_t *ts_len, size_t *n_attrs,
                                         uint32_t *dropped) {
    if (!d) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_span_data_link: NULL span");
    if (i >= SD(d)->n_links) return otel__fail(OTEL_ERR_NOT_FOUND, "otel_span_data_link: index out of range");
    const otel__link *l = &SD(d)->links[i];
    if (sc) *sc = l->sc;
    if (ts) *ts = l->trace_state;
    if (ts_len) *ts_len = l->trace_state_len;
    if (n_attrs) *n_attrs = l->attrs.count;
    if (dropped) *dropped = l->attrs.dropped;
    return OTEL_OK;
}
OTEL_API otel_status otel_span_data_link_attribute(const otel_span_data *d, size_t i, size_t j,
                                                   otel_attr *out) {
    if (!d) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_span_data_link_attribute: NULL span");
    if (i >= SD(d)->n_links) return otel__fail(OTEL_ERR_NOT_FOUND, "link index out of range");
    return read_attr(&SD(d)->links[i].attrs, j, out);
}
OTEL_API uint32_t otel_span_data_dropped_links(const otel_span_data *d) {
    return d ? SD(d)->dropped_links : 0;
}
OTEL_API const otel_resource *otel_span_data_resource(const otel_span_data *d) {
    return d && SD(d)->provider ? SD(d)->provider->resource : NULL;
}
OTEL_API const otel_scope *otel_span_data_scope(const otel_span_data *d) {
    return d && SD(d)->tracer ? &SD(d)->tracer->scope : NULL;
}
