/* AnyValues and KeyValue lists as protobuf-c structs (otlp_pb_values.h). */
#include <stdint.h>

#include "export/otlp_pb_values.h"

typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;
typedef Opentelemetry__Proto__Common__V1__ArrayValue ArrayValue;
typedef Opentelemetry__Proto__Common__V1__KeyValueList KeyValueList;

#define NEW(a, T) ((T *)otel__arena_alloc((a), sizeof(T)))

char *otel__pb_str(otel__arena *a, const char *s, size_t n) {
    return otel__arena_strndup(a, s ? s : "", s ? n : 0);
}

KeyValue **otel__pb_kvs(otel__arena *a, const otel_attr *attrs, size_t n) {
    KeyValue **out = otel__arena_alloc(a, (n ? n : 1) * sizeof *out);
    if (!out) return NULL;
    for (size_t i = 0; i < n; i++) {
        KeyValue *kv = NEW(a, KeyValue);
        if (!kv) return NULL;
        opentelemetry__proto__common__v1__key_value__init(kv);
        kv->key = otel__pb_str(a, attrs[i].key, attrs[i].key_len);
        kv->value = otel__pb_any_value(a, &attrs[i]);
        if (!kv->key || !kv->value) return NULL;
        out[i] = kv;
    }
    return out;
}

AnyValue *otel__pb_any_value(otel__arena *a, const otel_attr *v) {
    AnyValue *p = NEW(a, AnyValue);
    if (!p) return NULL;
    opentelemetry__proto__common__v1__any_value__init(p);
    switch (v->type) {
    case OTEL_VALUE_NONE: /* an empty AnyValue (an element without a value) */
        return p;
    case OTEL_VALUE_STRING:
        p->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
        p->string_value = otel__pb_str(a, v->ptr, v->len);
        return p->string_value ? p : NULL;
    case OTEL_VALUE_BOOL:
        p->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE;
        p->bool_value = v->bool_value != 0;
        return p;
    case OTEL_VALUE_INT64:
        p->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
        p->int_value = v->int_value;
        return p;
    case OTEL_VALUE_DOUBLE:
        p->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE;
        p->double_value = v->double_value;
        return p;
    case OTEL_VALUE_BYTES:
        p->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE;
        p->bytes_value.data = (uint8_t *)v->ptr;
        p->bytes_value.len = v->len;
        return p;
    case OTEL_VALUE_MAP: {
        KeyValueList *l = NEW(a, KeyValueList);
        if (!l) return NULL;
        opentelemetry__proto__common__v1__key_value_list__init(l);
        l->values = otel__pb_kvs(a, v->ptr, v->len);
        if (!l->values) return NULL;
        l->n_values = v->len;
        p->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE;
        p->kvlist_value = l;
        return p;
    }
    default: {
        ArrayValue *arr = NEW(a, ArrayValue);
        if (!arr) return NULL;
        opentelemetry__proto__common__v1__array_value__init(arr);
        arr->values = otel__arena_alloc(a, (v->len ? v->len : 1) * sizeof *arr->values);
        if (!arr->values) return NULL;
        for (size_t i = 0; i < v->len; i++) {
            otel_attr one = {NULL, 0, 0, 0, 0, 0.0, NULL, 0};
            if (v->type == OTEL_VALUE_ARRAY) {
                one = ((const otel_attr *)v->ptr)[i];
            } else if (v->type == OTEL_VALUE_STRING_ARRAY) {
                const otel_str *s = v->ptr;
                one.type = OTEL_VALUE_STRING, one.ptr = s[i].ptr, one.len = s[i].len;
            } else if (v->type == OTEL_VALUE_BOOL_ARRAY) {
                one.type = OTEL_VALUE_BOOL, one.bool_value = ((const int *)v->ptr)[i];
            } else if (v->type == OTEL_VALUE_INT64_ARRAY) {
                one.type = OTEL_VALUE_INT64, one.int_value = ((const int64_t *)v->ptr)[i];
            } else {
                one.type = OTEL_VALUE_DOUBLE, one.double_value = ((const double *)v->ptr)[i];
            }
            if (!(arr->values[i] = otel__pb_any_value(a, &one))) return NULL;
        }
        arr->n_values = v->len;
        p->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE;
        p->array_value = arr;
        return p;
    }
    }
}

