/* Instrumentation scope accessors. */
#include "common/error.h"
#include "trace/internal.h"

OTEL_API const char *otel_scope_name(const otel_scope *s, size_t *len) {
    if (len) *len = s ? s->name_len : 0;
    return s ? s->name : "";
}
OTEL_API const char *otel_scope_version(const otel_scope *s, size_t *len) {
    if (len) *len = s ? s->version_len : 0;
    return s ? s->version : "";
}
OTEL_API const char *otel_scope_schema_url(const otel_scope *s, size_t *len) {
    if (len) *len = s ? s->schema_url_len : 0;
    return s ? s->schema_url : "";
}
OTEL_API size_t otel_scope_attribute_count(const otel_scope *s) { return s ? s->attrs.count : 0; }
OTEL_API otel_status otel_scope_attribute(const otel_scope *s, size_t i, otel_attr *out) {
    if (!s || !out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_scope_attribute: NULL argument");
    if (i >= s->attrs.count) return otel__fail(OTEL_ERR_NOT_FOUND, "otel_scope_attribute: index out of range");
    *out = s->attrs.items[i];
    return OTEL_OK;
}
