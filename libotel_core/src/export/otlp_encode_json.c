/* OTLP/JSON encoding of spans, as the OTLP specification's JSON mapping
 * says: trace and span ids in hex, enums as integers, lowerCamelCase keys,
 * 64-bit integers (and fixed64 times) as decimal strings, proto3 defaults
 * omitted except inside AnyValue's oneof. Written forward in one pass into
 * the encoder's reusable buffer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/strutil.h"
#include "export/otlp_encode.h"
#include "otel/trace.h"

/* 1 for bytes that need an escape in a JSON string or are not ASCII */
static const uint8_t special[256] = {
    ['\0'] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1,
    [8] = 1, [9] = 1, [10] = 1, [11] = 1, [12] = 1, [13] = 1, [14] = 1, [15] = 1,
    [16] = 1, [17] = 1, [18] = 1, [19] = 1, [20] = 1, [21] = 1, [22] = 1, [23] = 1,
    [24] = 1, [25] = 1, [26] = 1, [27] = 1, [28] = 1, [29] = 1, [30] = 1, [31] = 1,
    ['"'] = 1, ['\\'] = 1,
#define HI8(x) [x] = 2, [x + 1] = 2, [x + 2] = 2, [x + 3] = 2, [x + 4] = 2, [x + 5] = 2, \
                   [x + 6] = 2, [x + 7] = 2
    HI8(0x80), HI8(0x88), HI8(0x90), HI8(0x98), HI8(0xA0), HI8(0xA8), HI8(0xB0), HI8(0xB8),
    HI8(0xC0), HI8(0xC8), HI8(0xD0), HI8(0xD8), HI8(0xE0), HI8(0xE8), HI8(0xF0), HI8(0xF8),
#undef HI8
};

void otel__otlp_json_string(otel__buf *b, const char *s, size_t len) {
    static const char hex[] = "0123456789abcdef";
    const uint8_t *p = (const uint8_t *)s;
    /* worst case: every byte becomes \u00XX or \ufffd */
    if (!otel__buf_reserve(b, len + 2)) return;
    b->p[b->len++] = '"';
    size_t i = 0;
    while (i < len) {
        size_t run = i;
        while (run < len && !special[p[run]]) run++;
        otel__buf_put(b, p + i, run - i);
        i = run;
        if (i >= len) break;
        uint8_t c = p[i];
        if (special[c] == 2) {
            /* non-ASCII: copy the valid UTF-8 run, replace what is not */
            size_t ok = otel__utf8_valid_prefix(s + i, len - i);
            /* stop the run at the next byte that needs an escape */
            size_t k = 0;
            while (k < ok && special[p[i + k]] != 1) k++;
            if (k) {
                otel__buf_put(b, p + i, k);
                i += k;
            } else {
                otel__buf_lit(b, "\\ufffd");
                i++;
            }
            continue;
        }
        char e[6];
        switch (c) {
        case '"': otel__buf_lit(b, "\\\""); break;
        case '\\': otel__buf_lit(b, "\\\\"); break;
        case '\n': otel__buf_lit(b, "\\n"); break;
        case '\r': otel__buf_lit(b, "\\r"); break;
        case '\t': otel__buf_lit(b, "\\t"); break;
        case '\b': otel__buf_lit(b, "\\b"); break;
        case '\f': otel__buf_lit(b, "\\f"); break;
        default:
            e[0] = '\\'; e[1] = 'u'; e[2] = '0'; e[3] = '0';
            e[4] = hex[c >> 4]; e[5] = hex[c & 15];
            otel__buf_put(b, e, 6);
        }
        i++;
    }
    otel__buf_putc(b, '"');
}

static void put_u64(otel__buf *b, uint64_t v) {
    char tmp[24];
    size_t n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    otel__buf_put(b, tmp + sizeof tmp - n, n);
}

static void put_i64(otel__buf *b, int64_t v) {
    if (v < 0) {
        otel__buf_putc(b, '-');
        put_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(b, (uint64_t)v);
    }
}

/* 64-bit integers are JSON strings in the proto3 mapping */
static void put_u64_str(otel__buf *b, uint64_t v) {
    otel__buf_putc(b, '"');
    put_u64(b, v);
    otel__buf_putc(b, '"');
}

static void put_double(otel__buf *b, double v) {
    if (isnan(v)) {
        otel__buf_lit(b, "\"NaN\"");
        return;
    }
    if (isinf(v)) {
        if (v > 0) otel__buf_lit(b, "\"Infinity\"");
        else otel__buf_lit(b, "\"-Infinity\"");
        return;
    }
    char tmp[40];
    /* the shortest of %.15g / %.17g that reads back exactly */
    int n = snprintf(tmp, sizeof tmp, "%.15g", v);
    if (strtod(tmp, NULL) != v) n = snprintf(tmp, sizeof tmp, "%.17g", v);
    if (n <= 0 || (size_t)n >= sizeof tmp) {
        otel__buf_putc(b, '0');
        return;
    }
    /* a locale with a decimal comma must not break the JSON */
    for (int i = 0; i < n; i++)
        if (tmp[i] == ',') tmp[i] = '.';
    otel__buf_put(b, tmp, (size_t)n);
}

static void put_hex(otel__buf *b, const uint8_t *id, size_t n) {
    if (!otel__buf_reserve(b, 2 * n + 2)) return;
    b->p[b->len++] = '"';
    otel__hex_encode(id, n, (char *)b->p + b->len);
    b->len += 2 * n;
    b->p[b->len++] = '"';
}

static void put_scalar(otel__buf *b, int type, const otel_attr *a, size_t i) {
    switch (type) {
    case OTEL_VALUE_STRING:
        otel__buf_lit(b, "{\"stringValue\":");
        otel__otlp_json_string(b, a->ptr, a->len);
        break;
    case OTEL_VALUE_BOOL:
        if (a->bool_value) otel__buf_lit(b, "{\"boolValue\":true");
        else otel__buf_lit(b, "{\"boolValue\":false");
        break;
    case OTEL_VALUE_INT64:
        otel__buf_lit(b, "{\"intValue\":\"");
        put_i64(b, a->int_value);
        otel__buf_putc(b, '"');
        break;
    case OTEL_VALUE_DOUBLE:
        otel__buf_lit(b, "{\"doubleValue\":");
        put_double(b, a->double_value);
        break;
    case OTEL_VALUE_STRING_ARRAY: {
        const otel_str *s = (const otel_str *)a->ptr + i;
        otel__buf_lit(b, "{\"stringValue\":");
        otel__otlp_json_string(b, s->ptr, s->len);
        break;
    }
    case OTEL_VALUE_BOOL_ARRAY:
        if (((const int *)a->ptr)[i]) otel__buf_lit(b, "{\"boolValue\":true");
        else otel__buf_lit(b, "{\"boolValue\":false");
        break;
    case OTEL_VALUE_INT64_ARRAY:
        otel__buf_lit(b, "{\"intValue\":\"");
        put_i64(b, ((const int64_t *)a->ptr)[i]);
        otel__buf_putc(b, '"');
        break;
    case OTEL_VALUE_DOUBLE_ARRAY:
        otel__buf_lit(b, "{\"doubleValue\":");
        put_double(b, ((const double *)a->ptr)[i]);
        break;
    default:
        otel__buf_putc(b, '{');
        break;
    }
    otel__buf_putc(b, '}');
}

void otel__otlp_json_any_value(otel__buf *b, const otel_attr *a) {
    switch (a->type) {
    case OTEL_VALUE_STRING_ARRAY:
    case OTEL_VALUE_BOOL_ARRAY:
    case OTEL_VALUE_INT64_ARRAY:
    case OTEL_VALUE_DOUBLE_ARRAY:
        if (a->len == 0) {
            otel__buf_lit(b, "{\"arrayValue\":{}}");
            return;
        }
        otel__buf_lit(b, "{\"arrayValue\":{\"values\":[");
        for (size_t i = 0; i < a->len; i++) {
            if (i) otel__buf_putc(b, ',');
            put_scalar(b, a->type, a, i);
        }
        otel__buf_lit(b, "]}}");
        return;
    default:
        put_scalar(b, a->type, a, 0);
    }
}

static void put_kv(otel__buf *b, const otel_attr *a) {
    otel__buf_lit(b, "{\"key\":");
    otel__otlp_json_string(b, a->key, a->key_len);
    otel__buf_lit(b, ",\"value\":");
    otel__otlp_json_any_value(b, a);
    otel__buf_putc(b, '}');
}

/* ,"<key>":[ KeyValue... ] when count > 0 */
#define PUT_ATTRS(b, key_lit, count, read_expr)             \
    do {                                                    \
        size_t n_ = (count);                                \
        int first_ = 1;                                     \
        for (size_t ai_ = 0; ai_ < n_; ai_++) {             \
            otel_attr a_;                                   \
            if ((read_expr) != OTEL_OK) continue;           \
            if (first_) otel__buf_lit((b), key_lit ":[");   \
            else otel__buf_putc((b), ',');                  \
            first_ = 0;                                     \
            put_kv((b), &a_);                               \
        }                                                   \
        if (!first_) otel__buf_putc((b), ']');              \
    } while (0)

static void put_dropped(otel__buf *b, const char *key_lit, size_t key_len, uint32_t v) {
    if (!v) return;
    otel__buf_put(b, key_lit, key_len);
    put_u64(b, v);
}
#define PUT_DROPPED(b, lit, v) put_dropped((b), lit, sizeof(lit) - 1, (v))

static void put_span(otel__buf *b, const otel_span_data *d) {
    otel_span_context sc;
    otel_span_data_context(d, &sc);
    uint8_t parent[8];
    int has_parent = otel_span_data_parent_span_id(d, parent);

    otel__buf_lit(b, "{\"traceId\":");
    put_hex(b, sc.trace_id, 16);
    otel__buf_lit(b, ",\"spanId\":");
    put_hex(b, sc.span_id, 8);
    size_t len;
    const char *s = otel_span_data_trace_state(d, &len);
    if (len) {
        otel__buf_lit(b, ",\"traceState\":");
        otel__otlp_json_string(b, s, len);
    }
    if (has_parent) {
        otel__buf_lit(b, ",\"parentSpanId\":");
        put_hex(b, parent, 8);
    }
    uint32_t flags = sc.trace_flags | 0x100u;
    if (has_parent && otel_span_data_parent_is_remote(d)) flags |= 0x200u;
    otel__buf_lit(b, ",\"flags\":");
    put_u64(b, flags);
    s = otel_span_data_name(d, &len);
    if (len) {
        otel__buf_lit(b, ",\"name\":");
        otel__otlp_json_string(b, s, len);
    }
    int kind = otel_span_data_kind(d);
    if (kind > 0) {
        otel__buf_lit(b, ",\"kind\":");
        put_u64(b, (uint64_t)kind);
    }
    otel__buf_lit(b, ",\"startTimeUnixNano\":");
    put_u64_str(b, otel_span_data_start_time(d));
    otel__buf_lit(b, ",\"endTimeUnixNano\":");
    put_u64_str(b, otel_span_data_end_time(d));
    PUT_ATTRS(b, ",\"attributes\"", otel_span_data_attribute_count(d),
              otel_span_data_attribute(d, ai_, &a_));
    PUT_DROPPED(b, ",\"droppedAttributesCount\":", otel_span_data_dropped_attributes(d));

    size_t n_events = otel_span_data_event_count(d);
    int first = 1;
    for (size_t ei = 0; ei < n_events; ei++) {
        const char *name;
        size_t name_len, n_attrs;
        uint64_t t;
        uint32_t dropped;
        if (otel_span_data_event(d, ei, &name, &name_len, &t, &n_attrs, &dropped) != OTEL_OK)
            continue;
        if (first) otel__buf_lit(b, ",\"events\":[{");
        else otel__buf_lit(b, ",{");
        first = 0;
        otel__buf_lit(b, "\"timeUnixNano\":");
        put_u64_str(b, t);
        if (name_len) {
            otel__buf_lit(b, ",\"name\":");
            otel__otlp_json_string(b, name, name_len);
        }
        PUT_ATTRS(b, ",\"attributes\"", n_attrs, otel_span_data_event_attribute(d, ei, ai_, &a_));
        PUT_DROPPED(b, ",\"droppedAttributesCount\":", dropped);
        otel__buf_putc(b, '}');
    }
    if (!first) otel__buf_putc(b, ']');
    PUT_DROPPED(b, ",\"droppedEventsCount\":", otel_span_data_dropped_events(d));

    size_t n_links = otel_span_data_link_count(d);
    first = 1;
    for (size_t li = 0; li < n_links; li++) {
        otel_span_context lc;
        const char *ts;
        size_t ts_len, n_attrs;
        uint32_t dropped;
        if (otel_span_data_link(d, li, &lc, &ts, &ts_len, &n_attrs, &dropped) != OTEL_OK) continue;
        if (first) otel__buf_lit(b, ",\"links\":[{");
        else otel__buf_lit(b, ",{");
        first = 0;
        otel__buf_lit(b, "\"traceId\":");
        put_hex(b, lc.trace_id, 16);
        otel__buf_lit(b, ",\"spanId\":");
        put_hex(b, lc.span_id, 8);
        if (ts_len) {
            otel__buf_lit(b, ",\"traceState\":");
            otel__otlp_json_string(b, ts, ts_len);
        }
        PUT_ATTRS(b, ",\"attributes\"", n_attrs, otel_span_data_link_attribute(d, li, ai_, &a_));
        PUT_DROPPED(b, ",\"droppedAttributesCount\":", dropped);
        uint32_t lflags = lc.trace_flags | 0x100u | (lc.is_remote ? 0x200u : 0);
        otel__buf_lit(b, ",\"flags\":");
        put_u64(b, lflags);
        otel__buf_putc(b, '}');
    }
    if (!first) otel__buf_putc(b, ']');
    PUT_DROPPED(b, ",\"droppedLinksCount\":", otel_span_data_dropped_links(d));

    int code = otel_span_data_status_code(d);
    s = otel_span_data_status_message(d, &len);
    otel__buf_lit(b, ",\"status\":{");
    if (len) {
        otel__buf_lit(b, "\"message\":");
        otel__otlp_json_string(b, s, len);
    }
    if (code) {
        if (len) otel__buf_putc(b, ',');
        otel__buf_lit(b, "\"code\":");
        put_u64(b, (uint64_t)code);
    }
    otel__buf_lit(b, "}}");
}

static void put_scope(otel__buf *b, const otel_scope *s) {
    otel__buf_lit(b, "\"scope\":{");
    size_t len;
    const char *p = otel_scope_name(s, &len);
    otel__buf_lit(b, "\"name\":");
    otel__otlp_json_string(b, p, len);
    p = otel_scope_version(s, &len);
    if (len) {
        otel__buf_lit(b, ",\"version\":");
        otel__otlp_json_string(b, p, len);
    }
    PUT_ATTRS(b, ",\"attributes\"", otel_scope_attribute_count(s), otel_scope_attribute(s, ai_, &a_));
    otel__buf_putc(b, '}');
}

otel_status otel__otlp_encode_traces_json(otel__otlp_encoder *e,
                                          const otel_span_data *const *spans, size_t n,
                                          const uint8_t **out, size_t *out_len) {
    otel__buf *b = &e->json;
    otel__buf_reset(b, 8u << 20);
    b->limit = e->max_bytes ? e->max_bytes : SIZE_MAX;
    if (!otel__otlp_groups_build(&e->groups, spans, n))
        return otel__fail(OTEL_ERR_NO_MEMORY, "otlp: out of memory grouping spans");
    const otel__otlp_groups *gs = &e->groups;

    otel__buf_lit(b, "{\"resourceSpans\":[");
    uint32_t gi = 0;
    while (gi < gs->n && !b->err) {
        uint32_t rbeg = gi, rend = gi + 1;
        while (rend < gs->n && gs->g[rend].resource_index == gs->g[rbeg].resource_index) rend++;
        const otel_resource *res = gs->g[rbeg].resource;
        if (rbeg) otel__buf_putc(b, ',');
        otel__buf_lit(b, "{\"resource\":{");
        size_t n_attrs = otel_resource_attribute_count(res);
        int first = 1;
        for (size_t ai = 0; ai < n_attrs; ai++) {
            otel_attr a;
            if (otel_resource_attribute(res, ai, &a) != OTEL_OK) continue;
            if (first) otel__buf_lit(b, "\"attributes\":[");
            else otel__buf_putc(b, ',');
            first = 0;
            put_kv(b, &a);
        }
        if (!first) otel__buf_putc(b, ']');
        otel__buf_lit(b, "},\"scopeSpans\":[");
        for (uint32_t k = rbeg; k < rend; k++) {
            const otel__otlp_group *g = &gs->g[k];
            if (k > rbeg) otel__buf_putc(b, ',');
            otel__buf_putc(b, '{');
            put_scope(b, g->scope);
            otel__buf_lit(b, ",\"spans\":[");
            for (uint32_t j = 0; j < g->count; j++) {
                if (j) otel__buf_putc(b, ',');
                put_span(b, spans[gs->order[g->first + j]]);
            }
            otel__buf_putc(b, ']');
            size_t len;
            const char *schema = otel_scope_schema_url(g->scope, &len);
            if (len) {
                otel__buf_lit(b, ",\"schemaUrl\":");
                otel__otlp_json_string(b, schema, len);
            }
            otel__buf_putc(b, '}');
        }
        otel__buf_putc(b, ']');
        size_t len;
        const char *schema = otel_resource_schema_url(res, &len);
        if (len) {
            otel__buf_lit(b, ",\"schemaUrl\":");
            otel__otlp_json_string(b, schema, len);
        }
        otel__buf_putc(b, '}');
        gi = rend;
    }
    otel__buf_lit(b, "]}");
    if (b->err == OTEL__BUF_LIMIT)
        return otel__fail(OTEL_ERR_LIMIT, "otlp: request larger than %zu bytes", b->limit);
    if (b->err) return otel__fail(OTEL_ERR_NO_MEMORY, "otlp: out of memory encoding spans");
    *out = b->p;
    *out_len = b->len;
    return OTEL_OK;
}
