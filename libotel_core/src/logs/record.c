/* Log records: the record handle, its setters and getters, and the deep
 * copy of AnyValues (bodies and attributes) into the record's arena. */
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/resource.h"
#include "common/strutil.h"
#include "export/ring.h"
#include "logs/internal.h"

static size_t prefix_chars(const char *s, size_t len, size_t max_chars) {
    size_t i = 0;
    for (; i < len && max_chars; max_chars--)
        for (i++; i < len && ((unsigned char)s[i] & 0xC0) == 0x80; i++) {}
    return i;
}

/* A repaired, possibly cut copy of a string. */
static const char *copy_str(otel__arena *a, const char *s, size_t len, uint32_t max,
                            size_t *out_len, otel__stats *st) {
    const char *src = s;
    char *fixed = NULL;
    if (!otel__utf8_valid_inline(s, len)) {
        otel__stats_add(st, OTEL_STAT_INVALID_INPUT, 1);
        fixed = otel__arena_alloc(a, len * 3 + 1);
        if (!fixed) return NULL;
        len = otel__utf8_repair(s, len, fixed);
        src = fixed;
    }
    size_t n = max == UINT32_MAX || len <= max ? len : prefix_chars(src, len, max);
    if (n < len) otel__stats_add(st, OTEL_STAT_TRUNCATED_VALUES, 1);
    *out_len = n;
    if (fixed) {
        fixed[n] = '\0';
        return fixed;
    }
    return otel__arena_strndup(a, src, n);
}

int otel__log_value_copy(otel_attr *dst, const otel_attr *src, otel__arena *a, uint32_t max_len,
                         int depth, otel__stats *st) {
    otel_attr v = {NULL, 0, src->type, 0, 0, 0.0, NULL, 0};
    if (depth > OTEL_LOG_MAX_DEPTH) goto invalid;
    if (src->type == OTEL_VALUE_NONE && depth > 0) { /* an empty element of an array or map */
        *dst = v;
        return 1;
    }
    size_t n = src->len;
    if (n && !src->ptr && src->type != OTEL_VALUE_BOOL && src->type != OTEL_VALUE_INT64 &&
        src->type != OTEL_VALUE_DOUBLE)
        goto invalid;
    switch (src->type) {
    case OTEL_VALUE_STRING:
        v.ptr = copy_str(a, src->ptr ? src->ptr : "", n, max_len, &v.len, st);
        if (!v.ptr) return 0;
        break;
    case OTEL_VALUE_BOOL:
        v.bool_value = src->bool_value != 0;
        break;
    case OTEL_VALUE_INT64:
        v.int_value = src->int_value;
        break;
    case OTEL_VALUE_DOUBLE:
        v.double_value = src->double_value;
        break;
    case OTEL_VALUE_BYTES: {
        size_t k = max_len != UINT32_MAX && n > max_len ? max_len : n;
        if (k < n) otel__stats_add(st, OTEL_STAT_TRUNCATED_VALUES, 1);
        char *p = otel__arena_alloc(a, k);
        if (!p) return 0;
        if (k) memcpy(p, src->ptr, k);
        v.ptr = p, v.len = k;
        break;
    }
    case OTEL_VALUE_STRING_ARRAY: {
        const otel_str *in = src->ptr;
        otel_str *out = otel__arena_alloc(a, n * sizeof *out);
        if (!out) return 0;
        for (size_t i = 0; i < n; i++) {
            if (in[i].len && !in[i].ptr) goto invalid;
            out[i].ptr = copy_str(a, in[i].ptr ? in[i].ptr : "", in[i].len, max_len, &out[i].len, st);
            if (!out[i].ptr) return 0;
        }
        v.ptr = out, v.len = n;
        break;
    }
    case OTEL_VALUE_BOOL_ARRAY:
    case OTEL_VALUE_INT64_ARRAY:
    case OTEL_VALUE_DOUBLE_ARRAY: {
        size_t el = src->type == OTEL_VALUE_BOOL_ARRAY ? sizeof(int) : 8;
        void *p = otel__arena_alloc(a, n * el);
        if (!p) return 0;
        if (n) memcpy(p, src->ptr, n * el);
        v.ptr = p, v.len = n;
        break;
    }
    case OTEL_VALUE_ARRAY:
    case OTEL_VALUE_MAP: {
        const otel_attr *in = src->ptr;
        otel_attr *out = otel__arena_alloc(a, n * sizeof *out);
        if (!out) return 0;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            otel_attr e = {NULL, 0, 0, 0, 0, 0.0, NULL, 0};
            if (src->type == OTEL_VALUE_MAP) {
                if (!in[i].key || !in[i].key_len) {
                    otel__stats_add(st, OTEL_STAT_INVALID_INPUT, 1);
                    continue;
                }
            }
            if (!otel__log_value_copy(&e, &in[i], a, max_len, depth + 1, st)) {
                if (e.type == -1) continue; /* invalid element: skipped, counted */
                return 0;
            }
            if (src->type == OTEL_VALUE_MAP) {
                e.key = copy_str(a, in[i].key, in[i].key_len, UINT32_MAX, &e.key_len, st);
                if (!e.key) return 0;
            }
            out[k++] = e;
        }
        v.ptr = out, v.len = k;
        break;
    }
    default:
        goto invalid;
    }
    *dst = v;
    return 1;
invalid:
    otel__stats_add(st, OTEL_STAT_INVALID_INPUT, 1);
    dst->type = -1; /* tells a container "skip this one" from "no memory" */
    return 0;
}

/* ---- the handle ---- */

/* Free records, shared by every provider: records are made on application
 * threads and freed on the worker's, where malloc would hand them to
 * another thread's cache; the pool makes a warm emit allocation-free. */
#define POOL_SIZE 4096
static otel__ring pool;
static int pool_ok;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static void pool_init(void) { pool_ok = otel__ring_init(&pool, POOL_SIZE); }

otel_log_record *otel__log_record_alloc(void) {
    pthread_once(&pool_once, pool_init);
    otel_log_record *r = pool_ok ? otel__ring_pop_mc(&pool) : NULL;
    return r ? r : malloc(sizeof *r);
}

otel__stats *otel__log_record_stats(const otel_log_record *r) { return &r->logger->lp->stats; }

void otel__log_record_retain(otel_log_record *r) {
    atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
}


void otel__log_record_release(otel_log_record *r) {
    if (atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) != 1) return;
    otel_logger_provider *lp = r->logger->lp;
    otel__arena_free(&r->arena);
    if (!pool_ok || !otel__ring_push(&pool, r)) free(r);
    otel__logger_provider_unref(lp);
}

OTEL_API void otel_log_record_free(otel_log_record *rec) {
    if (rec) otel__log_record_release(rec);
}

OTEL_API void otel_log_record_set_timestamp(otel_log_record *rec, uint64_t time_ns) {
    if (rec) rec->time_ns = time_ns;
}

OTEL_API void otel_log_record_set_observed_timestamp(otel_log_record *rec, uint64_t time_ns) {
    if (rec) rec->observed_ns = time_ns;
}

OTEL_API void otel_log_record_set_severity(otel_log_record *rec, int severity) {
    if (!rec) return;
    if (severity < 0 || severity > 24) {
        otel__stats_add(otel__log_record_stats(rec), OTEL_STAT_INVALID_INPUT, 1);
        return;
    }
    rec->severity = severity;
}

static void set_text(otel_log_record *rec, const char **dst, size_t *dst_len, const char *s,
                     size_t len) {
    if (!rec) return;
    if (!s && len) {
        otel__stats_add(otel__log_record_stats(rec), OTEL_STAT_INVALID_INPUT, 1);
        return;
    }
    size_t n;
    const char *p = copy_str(&rec->arena, s ? s : "", len, UINT32_MAX, &n, otel__log_record_stats(rec));
    if (p) *dst = p, *dst_len = n;
}

OTEL_API void otel_log_record_set_severity_text(otel_log_record *rec, const char *text, size_t len) {
    if (rec) set_text(rec, &rec->sev_text, &rec->sev_text_len, text, len);
}

OTEL_API void otel_log_record_set_event_name(otel_log_record *rec, const char *name, size_t len) {
    if (rec) set_text(rec, &rec->event_name, &rec->event_name_len, name, len);
}

OTEL_API void otel_log_record_set_body(otel_log_record *rec, const otel_attr *value) {
    if (!rec) return;
    otel__stats *st = otel__log_record_stats(rec);
    if (!value) {
        otel__stats_add(st, OTEL_STAT_INVALID_INPUT, 1);
        return;
    }
    otel_attr v;
    if (otel__log_value_copy(&v, value, &rec->arena, UINT32_MAX, 0, st)) rec->body = v;
}

OTEL_API void otel_log_record_set_body_str(otel_log_record *rec, const char *s, size_t len) {
    otel_attr v = {NULL, 0, OTEL_VALUE_STRING, 0, 0, 0.0, s, len};
    otel_log_record_set_body(rec, &v);
}

OTEL_API void otel_log_record_set_attrs(otel_log_record *rec, const otel_attr *attrs, size_t n) {
    if (!rec) return;
    otel__stats *st = otel__log_record_stats(rec);
    if (!attrs && n) {
        otel__stats_add(st, OTEL_STAT_INVALID_INPUT, 1);
        return;
    }
    const otel__limits_attr *lim = &rec->logger->lp->limits;
    for (size_t i = 0; i < n; i++) {
        const otel_attr *a = &attrs[i];
        if (!a->key || !a->key_len || !otel__utf8_valid(a->key, a->key_len)) {
            otel__stats_add(st, OTEL_STAT_INVALID_INPUT, 1);
            continue;
        }
        otel_attr v = {NULL, 0, 0, 0, 0, 0.0, NULL, 0};
        if (!otel__log_value_copy(&v, a, &rec->arena, lim->value_len, 0, st)) continue;
        otel__attrs *l = &rec->attrs;
        uint32_t k = 0;
        while (k < l->count && !(l->items[k].key_len == a->key_len &&
                                 memcmp(l->items[k].key, a->key, a->key_len) == 0))
            k++;
        if (k == l->count) {
            if (l->count >= lim->count) {
                l->dropped++;
                otel__stats_add(st, OTEL_STAT_DROPPED_ATTRIBUTES, 1);
                continue;
            }
            if (l->count == l->cap) {
                /* room for this call's attributes at once (within the
                 * limit), so a small record stays in its inline block */
                size_t want = l->count + (n - i);
                if (want > lim->count) want = lim->count;
                uint32_t cap = l->cap ? l->cap * 2 : 4;
                if (cap < want) cap = (uint32_t)want;
                otel_attr *items = otel__arena_alloc(&rec->arena, cap * sizeof *items);
                if (!items) return;
                if (l->count) memcpy(items, l->items, l->count * sizeof *items);
                l->items = items, l->cap = cap;
            }
            v.key = otel__arena_strndup(&rec->arena, a->key, a->key_len);
            if (!v.key) return;
            v.key_len = a->key_len;
            l->items[l->count++] = v;
        } else {
            v.key = l->items[k].key, v.key_len = l->items[k].key_len;
            l->items[k] = v;
        }
    }
}

OTEL_API void otel_log_record_set_span_context(otel_log_record *rec, const otel_span_context *sc) {
    if (!rec) return;
    rec->ctx_set = 1;
    if (sc) rec->sc = *sc;
    else memset(&rec->sc, 0, sizeof rec->sc);
}

OTEL_API void otel_log_record_set_context(otel_log_record *rec, otel_context *ctx) {
    if (!rec) return;
    otel_span_context sc;
    memset(&sc, 0, sizeof sc);
    otel_span *s = otel_context_get_span(ctx);
    if (s) otel_span_get_context(s, &sc);
    if (!otel_span_context_is_valid(&sc)) memset(&sc, 0, sizeof sc);
    otel_log_record_set_span_context(rec, &sc);
}

/* ---- getters ---- */

static const otel_attr none_value = {NULL, 0, OTEL_VALUE_NONE, 0, 0, 0.0, NULL, 0};

OTEL_API uint64_t otel_log_record_timestamp(const otel_log_record *r) { return r ? r->time_ns : 0; }
OTEL_API uint64_t otel_log_record_observed_timestamp(const otel_log_record *r) {
    return r ? r->observed_ns : 0;
}
OTEL_API int otel_log_record_severity(const otel_log_record *r) { return r ? r->severity : 0; }
OTEL_API otel_str otel_log_record_severity_text(const otel_log_record *r) {
    otel_str s = {"", 0};
    if (r && r->sev_text) s.ptr = r->sev_text, s.len = r->sev_text_len;
    return s;
}
OTEL_API const otel_attr *otel_log_record_body(const otel_log_record *r) {
    return r ? &r->body : &none_value;
}
OTEL_API otel_str otel_log_record_event_name(const otel_log_record *r) {
    otel_str s = {"", 0};
    if (r && r->event_name) s.ptr = r->event_name, s.len = r->event_name_len;
    return s;
}
OTEL_API size_t otel_log_record_attr_count(const otel_log_record *r) { return r ? r->attrs.count : 0; }
OTEL_API const otel_attr *otel_log_record_attr(const otel_log_record *r, size_t i) {
    return r && i < r->attrs.count ? &r->attrs.items[i] : NULL;
}
OTEL_API uint32_t otel_log_record_dropped_attributes(const otel_log_record *r) {
    return r ? r->attrs.dropped : 0;
}
OTEL_API void otel_log_record_span_context(const otel_log_record *r, otel_span_context *out) {
    if (!out) return;
    if (r) *out = r->sc;
    else memset(out, 0, sizeof *out);
}
OTEL_API const char *otel_log_record_scope_name(const otel_log_record *r) { return r ? r->logger->name : ""; }
OTEL_API const char *otel_log_record_scope_version(const otel_log_record *r) {
    return r ? r->logger->version : "";
}
OTEL_API const char *otel_log_record_scope_schema_url(const otel_log_record *r) {
    return r ? r->logger->schema_url : "";
}
OTEL_API const otel_resource *otel_log_record_resource(const otel_log_record *r) {
    return r ? r->logger->lp->resource : NULL;
}
