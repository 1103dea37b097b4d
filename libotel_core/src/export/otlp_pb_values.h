/* AnyValues and KeyValue lists as protobuf-c structs in an arena, for the
 * encoders that build a request and pack it (metrics, logs). Every
 * otel_value_type, the AnyValue-only bytes, arrays and maps included. */
#ifndef OTEL_EXPORT_OTLP_PB_VALUES_H
#define OTEL_EXPORT_OTLP_PB_VALUES_H

#include <stddef.h>

#include "common/arena.h"
#include "opentelemetry/proto/common/v1/common.pb-c.h"
#include "otel/common.h"

/* A NUL-terminated copy of s[0..n) in `a` ("" for NULL); NULL when out of memory. */
char *otel__pb_str(otel__arena *a, const char *s, size_t n);
/* The value of `v` (its key ignored); NULL when out of memory. */
Opentelemetry__Proto__Common__V1__AnyValue *otel__pb_any_value(otel__arena *a, const otel_attr *v);
/* attrs[0..n) as KeyValues (an array of n pointers); NULL when out of memory. */
Opentelemetry__Proto__Common__V1__KeyValue **otel__pb_kvs(otel__arena *a, const otel_attr *attrs, size_t n);

#endif
