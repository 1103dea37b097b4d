/* OTLP protobuf encoding of spans in one backward pass.
 *
 * The request is written from its last byte to its first: each message's
 * fields in descending field-number order, each repeated field from its last
 * element to its first. When a nested message is complete its length is
 * known, so the length prefix and tag go in front of it with no size pass,
 * no memmove and no intermediate structs. The output is canonical protobuf
 * (fields in number order, proto3 defaults omitted) and byte-identical to
 * what protobuf-c packs from the same data; the unit tests decode it with
 * protobuf-c. docs/adr/0002-otlp-encoding.md has the measurements. */
#include <string.h>

#include "common/error.h"
#include "export/otlp_encode.h"
#include "otel/trace.h"

/* wire types */
#define WT_VARINT 0
#define WT_I64 1
#define WT_LEN 2
#define WT_I32 5
#define TAG(field, wt) ((uint8_t)(((field) << 3) | (wt)))

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define OTEL__LE 1
#else
#define OTEL__LE 0 /* big-endian hosts take the generic path */
#endif

/* Span flags (trace.proto SpanFlags). */
#define SPAN_FLAGS_HAS_IS_REMOTE 0x100u
#define SPAN_FLAGS_IS_REMOTE 0x200u

/* Room for a tag and a length prefix. */
#define PREFIX_ROOM 16

static inline void w_len(otel__rbuf *b, uint8_t tag, size_t mark) {
    if (!otel__rbuf_reserve(b, PREFIX_ROOM)) return;
    otel__rbuf_wvarint(b, otel__rbuf_used(b) - mark);
    otel__rbuf_wbyte(b, tag);
}

static inline void w_bytes(otel__rbuf *b, uint8_t tag, const void *p, size_t n) {
    if (!otel__rbuf_reserve(b, n + PREFIX_ROOM)) return;
    otel__rbuf_wbytes(b, p, n);
    otel__rbuf_wvarint(b, n);
    otel__rbuf_wbyte(b, tag);
}

/* proto3: an empty string is the default and is omitted */
static inline void w_str_opt(otel__rbuf *b, uint8_t tag, const char *p, size_t n) {
    if (n) w_bytes(b, tag, p, n);
}

static inline void w_varint_opt(otel__rbuf *b, uint8_t tag, uint64_t v) {
    if (!v || !otel__rbuf_reserve(b, 11)) return;
    otel__rbuf_wvarint(b, v);
    otel__rbuf_wbyte(b, tag);
}

static inline void w_fixed64(otel__rbuf *b, uint8_t tag, uint64_t v) {
    if (!otel__rbuf_reserve(b, 9)) return;
    otel__rbuf_wfixed64(b, v);
    otel__rbuf_wbyte(b, tag);
}

/* The value of an AnyValue (oneof members are written even when zero). */
static void w_scalar_any(otel__rbuf *b, int type, const otel_attr *a, size_t i) {
    switch (type) {
    case OTEL_VALUE_STRING:
        w_bytes(b, TAG(1, WT_LEN), a->ptr, a->len);
        break;
    case OTEL_VALUE_BOOL:
        if (!otel__rbuf_reserve(b, 2)) return;
        otel__rbuf_wbyte(b, a->bool_value ? 1 : 0);
        otel__rbuf_wbyte(b, TAG(2, WT_VARINT));
        break;
    case OTEL_VALUE_INT64:
        if (!otel__rbuf_reserve(b, 11)) return;
        otel__rbuf_wvarint(b, (uint64_t)a->int_value);
        otel__rbuf_wbyte(b, TAG(3, WT_VARINT));
        break;
    case OTEL_VALUE_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &a->double_value, 8);
        w_fixed64(b, TAG(4, WT_I64), bits);
        break;
    }
    case OTEL_VALUE_STRING_ARRAY: {
        const otel_str *s = (const otel_str *)a->ptr + i;
        w_bytes(b, TAG(1, WT_LEN), s->ptr, s->len);
        break;
    }
    case OTEL_VALUE_BOOL_ARRAY:
        if (!otel__rbuf_reserve(b, 2)) return;
        otel__rbuf_wbyte(b, ((const int *)a->ptr)[i] ? 1 : 0);
        otel__rbuf_wbyte(b, TAG(2, WT_VARINT));
        break;
    case OTEL_VALUE_INT64_ARRAY:
        if (!otel__rbuf_reserve(b, 11)) return;
        otel__rbuf_wvarint(b, (uint64_t)((const int64_t *)a->ptr)[i]);
        otel__rbuf_wbyte(b, TAG(3, WT_VARINT));
        break;
    case OTEL_VALUE_DOUBLE_ARRAY: {
        uint64_t bits;
        memcpy(&bits, (const double *)a->ptr + i, 8);
        w_fixed64(b, TAG(4, WT_I64), bits);
        break;
    }
    default:
        break;
    }
}

/* A scalar KeyValue with its tag and length, in one reservation and with
 * the cursor in a register: the common case. */
static int w_key_value_scalar(otel__rbuf *b, uint8_t tag, const otel_attr *a) {
    size_t vlen = a->type == OTEL_VALUE_STRING ? a->len : 0;
    if (!otel__rbuf_reserve(b, a->key_len + vlen + 48)) return 0;
    uint8_t *end = b->pos, *p = end;
    switch (a->type) {
    case OTEL_VALUE_STRING:
        p -= vlen;
        if (vlen) memcpy(p, a->ptr, vlen);
        p = otel__put_varint_before(p, vlen);
        *--p = TAG(1, WT_LEN);
        break;
    case OTEL_VALUE_BOOL:
        *--p = a->bool_value ? 1 : 0;
        *--p = TAG(2, WT_VARINT);
        break;
    case OTEL_VALUE_INT64:
        p = otel__put_varint_before(p, (uint64_t)a->int_value);
        *--p = TAG(3, WT_VARINT);
        break;
    default: { /* OTEL_VALUE_DOUBLE */
        p -= 8;
        memcpy(p, &a->double_value, 8); /* little-endian hosts only; see below */
        *--p = TAG(4, WT_I64);
    }
    }
    p = otel__put_varint_before(p, (size_t)(end - p)); /* KeyValue.value */
    *--p = TAG(2, WT_LEN);
    p -= a->key_len;
    memcpy(p, a->key, a->key_len);
    p = otel__put_varint_before(p, a->key_len);
    *--p = TAG(1, WT_LEN);
    p = otel__put_varint_before(p, (size_t)(end - p));
    *--p = tag;
    b->pos = p;
    return 1;
}

/* One KeyValue (without its own tag and length). */
static void w_key_value(otel__rbuf *b, const otel_attr *a) {
    size_t mark_value = otel__rbuf_used(b);
    switch (a->type) {
    case OTEL_VALUE_STRING_ARRAY:
    case OTEL_VALUE_BOOL_ARRAY:
    case OTEL_VALUE_INT64_ARRAY:
    case OTEL_VALUE_DOUBLE_ARRAY: {
        size_t mark_array = otel__rbuf_used(b);
        for (size_t i = a->len; i-- > 0;) {
            size_t mark = otel__rbuf_used(b);
            w_scalar_any(b, a->type, a, i);
            w_len(b, TAG(1, WT_LEN), mark); /* ArrayValue.values */
        }
        w_len(b, TAG(5, WT_LEN), mark_array); /* AnyValue.array_value */
        break;
    }
    default:
        w_scalar_any(b, a->type, a, 0);
        break;
    }
    w_len(b, TAG(2, WT_LEN), mark_value); /* KeyValue.value */
    w_bytes(b, TAG(1, WT_LEN), a->key, a->key_len);
}

/* A repeated KeyValue field from an indexed reader. */
#define W_ATTRS(b, tag, count, read_expr)                   \
    do {                                                    \
        for (size_t ai_ = (count); ai_-- > 0;) {            \
            otel_attr a_;                                   \
            if ((read_expr) != OTEL_OK) continue;           \
            if (a_.type >= OTEL_VALUE_STRING &&             \
                a_.type <= OTEL_VALUE_DOUBLE && OTEL__LE) {  \
                w_key_value_scalar((b), (tag), &a_);        \
                continue;                                   \
            }                                               \
            size_t mark_ = otel__rbuf_used(b);              \
            w_key_value((b), &a_);                          \
            w_len((b), (tag), mark_);                       \
        }                                                   \
    } while (0)

static void w_span(otel__rbuf *b, const otel_span_data *d) {
    otel_span_context sc;
    otel_span_data_context(d, &sc);
    uint8_t parent[8];
    int has_parent = otel_span_data_parent_span_id(d, parent);

    /* 16 flags */
    uint32_t flags = sc.trace_flags | SPAN_FLAGS_HAS_IS_REMOTE;
    if (has_parent && otel_span_data_parent_is_remote(d)) flags |= SPAN_FLAGS_IS_REMOTE;
    if (otel__rbuf_reserve(b, 6)) {
        otel__rbuf_wfixed32(b, flags);
        otel__rbuf_wbyte(b, 0x01);
        otel__rbuf_wbyte(b, 0x85); /* field 16, wire type 5: varint 133 */
    }

    /* 15 status */
    size_t msg_len;
    const char *msg = otel_span_data_status_message(d, &msg_len);
    int code = otel_span_data_status_code(d);
    if (code || msg_len) {
        size_t mark = otel__rbuf_used(b);
        w_varint_opt(b, TAG(3, WT_VARINT), (uint64_t)code);
        w_str_opt(b, TAG(2, WT_LEN), msg, msg_len);
        w_len(b, TAG(15, WT_LEN), mark);
    }

    /* 14 dropped links, 13 links */
    w_varint_opt(b, TAG(14, WT_VARINT), otel_span_data_dropped_links(d));
    for (size_t li = otel_span_data_link_count(d); li-- > 0;) {
        otel_span_context lc;
        const char *ts;
        size_t ts_len, n_attrs;
        uint32_t dropped;
        if (otel_span_data_link(d, li, &lc, &ts, &ts_len, &n_attrs, &dropped) != OTEL_OK) continue;
        size_t mark = otel__rbuf_used(b);
        uint32_t lflags = lc.trace_flags | SPAN_FLAGS_HAS_IS_REMOTE;
        if (lc.is_remote) lflags |= SPAN_FLAGS_IS_REMOTE;
        if (otel__rbuf_reserve(b, 5)) {
            otel__rbuf_wfixed32(b, lflags);
            otel__rbuf_wbyte(b, TAG(6, WT_I32));
        }
        w_varint_opt(b, TAG(5, WT_VARINT), dropped);
        W_ATTRS(b, TAG(4, WT_LEN), n_attrs, otel_span_data_link_attribute(d, li, ai_, &a_));
        w_str_opt(b, TAG(3, WT_LEN), ts, ts_len);
        w_bytes(b, TAG(2, WT_LEN), lc.span_id, 8);
        w_bytes(b, TAG(1, WT_LEN), lc.trace_id, 16);
        w_len(b, TAG(13, WT_LEN), mark);
    }

    /* 12 dropped events, 11 events */
    w_varint_opt(b, TAG(12, WT_VARINT), otel_span_data_dropped_events(d));
    for (size_t ei = otel_span_data_event_count(d); ei-- > 0;) {
        const char *name;
        size_t name_len, n_attrs;
        uint64_t t;
        uint32_t dropped;
        if (otel_span_data_event(d, ei, &name, &name_len, &t, &n_attrs, &dropped) != OTEL_OK)
            continue;
        size_t mark = otel__rbuf_used(b);
        w_varint_opt(b, TAG(4, WT_VARINT), dropped);
        W_ATTRS(b, TAG(3, WT_LEN), n_attrs, otel_span_data_event_attribute(d, ei, ai_, &a_));
        w_str_opt(b, TAG(2, WT_LEN), name, name_len);
        if (t) w_fixed64(b, TAG(1, WT_I64), t);
        w_len(b, TAG(11, WT_LEN), mark);
    }

    /* 10 dropped attributes, 9 attributes */
    w_varint_opt(b, TAG(10, WT_VARINT), otel_span_data_dropped_attributes(d));
    W_ATTRS(b, TAG(9, WT_LEN), otel_span_data_attribute_count(d),
            otel_span_data_attribute(d, ai_, &a_));

    /* 8 end, 7 start, 6 kind */
    uint64_t end = otel_span_data_end_time(d), start = otel_span_data_start_time(d);
    if (end) w_fixed64(b, TAG(8, WT_I64), end);
    if (start) w_fixed64(b, TAG(7, WT_I64), start);
    int kind = otel_span_data_kind(d);
    if (kind > 0) w_varint_opt(b, TAG(6, WT_VARINT), (uint64_t)kind);

    /* 5 name, 4 parent, 3 trace state, 2 span id, 1 trace id */
    size_t name_len;
    const char *name = otel_span_data_name(d, &name_len);
    w_str_opt(b, TAG(5, WT_LEN), name, name_len);
    if (has_parent) w_bytes(b, TAG(4, WT_LEN), parent, 8);
    size_t ts_len;
    const char *ts = otel_span_data_trace_state(d, &ts_len);
    w_str_opt(b, TAG(3, WT_LEN), ts, ts_len);
    w_bytes(b, TAG(2, WT_LEN), sc.span_id, 8);
    w_bytes(b, TAG(1, WT_LEN), sc.trace_id, 16);
}

static void w_scope(otel__rbuf *b, const otel_scope *s) {
    if (!s) return;
    W_ATTRS(b, TAG(3, WT_LEN), otel_scope_attribute_count(s), otel_scope_attribute(s, ai_, &a_));
    size_t len;
    const char *p = otel_scope_version(s, &len);
    w_str_opt(b, TAG(2, WT_LEN), p, len);
    p = otel_scope_name(s, &len);
    w_str_opt(b, TAG(1, WT_LEN), p, len);
}

static void w_resource(otel__rbuf *b, const otel_resource *r) {
    if (!r) return;
    W_ATTRS(b, TAG(1, WT_LEN), otel_resource_attribute_count(r),
            otel_resource_attribute(r, ai_, &a_));
}

void otel__otlp_encoder_init(otel__otlp_encoder *e, size_t max_bytes) {
    otel__rbuf_init(&e->pb, max_bytes);
    otel__buf_init(&e->json, max_bytes);
    otel__otlp_groups_init(&e->groups);
    e->max_bytes = max_bytes;
}

void otel__otlp_encoder_free(otel__otlp_encoder *e) {
    otel__rbuf_free(&e->pb);
    otel__buf_free(&e->json);
    otel__otlp_groups_free(&e->groups);
}

/* Buffers above this are released after use so one huge batch does not pin
 * its memory for the life of the worker. */
#define OTEL__ENCODER_KEEP (8u << 20)

otel_status otel__otlp_encode_traces_proto(otel__otlp_encoder *e,
                                           const otel_span_data *const *spans, size_t n,
                                           const uint8_t **out, size_t *out_len) {
    otel__rbuf *b = &e->pb;
    otel__rbuf_reset(b, OTEL__ENCODER_KEEP);
    b->limit = e->max_bytes ? e->max_bytes : SIZE_MAX;
    if (!otel__otlp_groups_build(&e->groups, spans, n))
        return otel__fail(OTEL_ERR_NO_MEMORY, "otlp: out of memory grouping spans");
    const otel__otlp_groups *gs = &e->groups;

    /* resources from last to first; a resource's groups are contiguous */
    uint32_t gi = gs->n;
    while (gi > 0) {
        uint32_t rend = gi, rbeg = gi - 1;
        while (rbeg > 0 && gs->g[rbeg - 1].resource_index == gs->g[rend - 1].resource_index) rbeg--;
        size_t mark_rs = otel__rbuf_used(b);
        const otel_resource *res = gs->g[rbeg].resource;
        size_t schema_len;
        const char *schema = otel_resource_schema_url(res, &schema_len);
        w_str_opt(b, TAG(3, WT_LEN), schema, schema_len); /* ResourceSpans.schema_url */
        for (uint32_t k = rend; k-- > rbeg;) {
            const otel__otlp_group *g = &gs->g[k];
            size_t mark_ss = otel__rbuf_used(b);
            const char *sschema = otel_scope_schema_url(g->scope, &schema_len);
            w_str_opt(b, TAG(3, WT_LEN), sschema, schema_len); /* ScopeSpans.schema_url */
            for (uint32_t j = g->count; j-- > 0;) {
                size_t mark = otel__rbuf_used(b);
                w_span(b, spans[gs->order[g->first + j]]);
                w_len(b, TAG(2, WT_LEN), mark); /* ScopeSpans.spans */
            }
            size_t mark_scope = otel__rbuf_used(b);
            w_scope(b, g->scope);
            w_len(b, TAG(1, WT_LEN), mark_scope); /* ScopeSpans.scope */
            w_len(b, TAG(2, WT_LEN), mark_ss);    /* ResourceSpans.scope_spans */
        }
        size_t mark_res = otel__rbuf_used(b);
        w_resource(b, res);
        w_len(b, TAG(1, WT_LEN), mark_res); /* ResourceSpans.resource */
        w_len(b, TAG(1, WT_LEN), mark_rs);  /* ExportTraceServiceRequest.resource_spans */
        gi = rbeg;
        if (b->err) break;
    }
    if (b->err == OTEL__BUF_LIMIT)
        return otel__fail(OTEL_ERR_LIMIT, "otlp: request larger than %zu bytes", b->limit);
    if (b->err) return otel__fail(OTEL_ERR_NO_MEMORY, "otlp: out of memory encoding spans");
    *out = b->pos;
    *out_len = otel__rbuf_used(b);
    return OTEL_OK;
}
