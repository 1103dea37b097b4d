/* Attribute lists: validation, limits, copying into an arena. */
#include <math.h>
#include <string.h>

#include "common/attrs.h"
#include "common/strutil.h"

/* One owner (span, event, resource) never holds more than this in its arena;
 * past it new attributes are dropped, so a loop re-setting a string on a
 * long-lived span cannot grow memory without bound. */
#define OTEL__OWNER_BYTES_CAP (16u << 20)

static inline int attr_valid(const otel_attr *a) {
    if (!a || !a->key || a->key_len == 0) return 0;
    switch (a->type) {
    case OTEL_VALUE_STRING:
        return a->ptr != NULL || a->len == 0;
    case OTEL_VALUE_BOOL:
    case OTEL_VALUE_INT64:
    case OTEL_VALUE_DOUBLE:
        return 1;
    case OTEL_VALUE_STRING_ARRAY:
    case OTEL_VALUE_BOOL_ARRAY:
    case OTEL_VALUE_INT64_ARRAY:
    case OTEL_VALUE_DOUBLE_ARRAY:
        return a->ptr != NULL || a->len == 0;
    default:
        return 0;
    }
}

int otel__attr_valid(const otel_attr *a) { return attr_valid(a); }

/* Bytes of the first `max_chars` characters of valid UTF-8 s[0..len): the
 * specification counts the length limit in characters, not bytes. */
static size_t utf8_prefix_chars(const char *s, size_t len, size_t max_chars) {
    size_t i = 0;
    for (; i < len && max_chars; max_chars--)
        for (i++; i < len && ((unsigned char)s[i] & 0xC0) == 0x80; i++) {}
    return i;
}

/* Copies a string, truncated to the length limit (characters) and with
 * invalid UTF-8 replaced by U+FFFD (OTLP receivers reject invalid UTF-8 and
 * would drop the whole batch). */
static const char *copy_str(otel__arena *arena, const char *s, size_t len, size_t limit,
                            size_t *out_len, otel__stats *st) {
    if (otel__utf8_valid_inline(s, len)) {
        size_t n = len <= limit ? len : utf8_prefix_chars(s, len, limit);
        if (n < len) otel__stats_add(st, OTEL_STAT_TRUNCATED_VALUES, 1);
        *out_len = n;
        return otel__arena_strndup(arena, s, n);
    }
    otel__stats_add(st, OTEL_STAT_INVALID_INPUT, 1);
    char *buf = otel__arena_alloc(arena, len * 3 + 1);
    if (!buf) return NULL;
    size_t o = otel__utf8_repair(s, len, buf);
    size_t n = utf8_prefix_chars(buf, o, limit);
    if (n < o) otel__stats_add(st, OTEL_STAT_TRUNCATED_VALUES, 1);
    buf[n] = '\0';
    *out_len = n;
    return buf;
}

/* Copies the value of `src` into `dst` (key already set). Returns 0 on OOM. */
static inline int copy_value(otel_attr *dst, const otel_attr *src, otel__arena *arena,
                             size_t limit, otel__stats *st) {
    switch (src->type) {
    case OTEL_VALUE_BOOL:
    case OTEL_VALUE_INT64:
    case OTEL_VALUE_DOUBLE:
        /* scalars: the caller's record already holds just the value */
        dst->type = src->type;
        dst->bool_value = src->type == OTEL_VALUE_BOOL ? !!src->bool_value : 0;
        dst->int_value = src->type == OTEL_VALUE_INT64 ? src->int_value : 0;
        dst->double_value = src->type == OTEL_VALUE_DOUBLE ? src->double_value : 0;
        dst->ptr = NULL;
        dst->len = 0;
        return 1;
    default:
        break;
    }
    dst->type = src->type;
    dst->bool_value = 0;
    dst->int_value = 0;
    dst->double_value = 0;
    dst->ptr = NULL;
    dst->len = 0;
    switch (src->type) {
    case OTEL_VALUE_STRING: {
        size_t n;
        const char *p = copy_str(arena, src->len ? src->ptr : "", src->len, limit, &n, st);
        if (!p) return 0;
        dst->ptr = p;
        dst->len = n;
        return 1;
    }
    case OTEL_VALUE_STRING_ARRAY: {
        const otel_str *in = src->ptr;
        otel_str *out = otel__arena_alloc(arena, sizeof *out * (src->len ? src->len : 1));
        if (!out) return 0;
        for (size_t i = 0; i < src->len; i++) {
            const char *s = in[i].ptr && in[i].len ? in[i].ptr : "";
            size_t n;
            out[i].ptr = copy_str(arena, s, in[i].ptr ? in[i].len : 0, limit, &n, st);
            if (!out[i].ptr) return 0;
            out[i].len = n;
        }
        dst->ptr = out;
        dst->len = src->len;
        return 1;
    }
    case OTEL_VALUE_BOOL_ARRAY: {
        const int *in = src->ptr;
        int *out = otel__arena_alloc(arena, sizeof *out * (src->len ? src->len : 1));
        if (!out) return 0;
        for (size_t i = 0; i < src->len; i++) out[i] = in[i] ? 1 : 0;
        dst->ptr = out;
        dst->len = src->len;
        return 1;
    }
    case OTEL_VALUE_INT64_ARRAY:
    case OTEL_VALUE_DOUBLE_ARRAY: {
        void *out = otel__arena_alloc(arena, 8 * (src->len ? src->len : 1));
        if (!out) return 0;
        if (src->len) memcpy(out, src->ptr, 8 * src->len);
        dst->ptr = out;
        dst->len = src->len;
        return 1;
    }
    default:
        return 0;
    }
}

const otel_attr *otel__attrs_find(const otel__attrs *list, const char *key, size_t key_len) {
    for (uint32_t i = 0; i < list->count; i++) {
        const otel_attr *a = &list->items[i];
        if (a->key_len == key_len && memcmp(a->key, key, key_len) == 0) return a;
    }
    return NULL;
}

/* Stores the value of `src` into `dst` (key already set). Scalars and short
 * valid strings within the limit are handled here without a call; the rest
 * goes through copy_value. Returns 0 on OOM. */
static inline __attribute__((always_inline)) int store_value(otel_attr *dst, const otel_attr *src,
                                                            otel__arena *arena, size_t limit,
                                                            otel__stats *st) {
    switch (src->type) {
    case OTEL_VALUE_BOOL:
        *dst = (otel_attr){dst->key, dst->key_len, OTEL_VALUE_BOOL, !!src->bool_value, 0, 0, NULL, 0};
        return 1;
    case OTEL_VALUE_INT64:
        *dst = (otel_attr){dst->key, dst->key_len, OTEL_VALUE_INT64, 0, src->int_value, 0, NULL, 0};
        return 1;
    case OTEL_VALUE_DOUBLE:
        *dst = (otel_attr){dst->key, dst->key_len, OTEL_VALUE_DOUBLE, 0, 0, src->double_value, NULL, 0};
        return 1;
    case OTEL_VALUE_STRING:
        if (src->len <= limit && src->ptr && otel__utf8_valid_inline(src->ptr, src->len)) {
            char *p = otel__arena_strndup(arena, src->ptr, src->len);
            if (!p) return 0;
            *dst = (otel_attr){dst->key, dst->key_len, OTEL_VALUE_STRING, 0, 0, 0, p, src->len};
            return 1;
        }
        break;
    default:
        break;
    }
    return copy_value(dst, src, arena, limit, st);
}

int otel__attrs_set(otel__attrs *list, otel__arena *arena, const otel_attr *a,
                    const otel__limits_attr *lim, otel__stats *st) {
    if (!attr_valid(a) || !otel__utf8_valid_inline(a->key, a->key_len)) {
        otel__stats_add(st, OTEL_STAT_INVALID_INPUT, 1);
        return 0;
    }
    if (__builtin_expect(arena->total > OTEL__OWNER_BYTES_CAP, 0)) {
        list->dropped++;
        otel__stats_add(st, OTEL_STAT_DROPPED_ATTRIBUTES, 1);
        return 0;
    }
    size_t limit = lim ? lim->value_len : UINT32_MAX;
    otel_attr *slot = (otel_attr *)otel__attrs_find(list, a->key, a->key_len);
    if (slot) {
        /* replace in place; the old value's bytes stay in the arena */
        otel_attr tmp = *slot;
        if (!store_value(&tmp, a, arena, limit, st)) return 0;
        *slot = tmp;
        return 1;
    }
    if (lim && list->count >= lim->count) {
        list->dropped++;
        otel__stats_add(st, OTEL_STAT_DROPPED_ATTRIBUTES, 1);
        return 0;
    }
    if (__builtin_expect(list->count == list->cap, 0)) {
        uint32_t ncap = list->cap ? list->cap * 2 : 8;
        if (lim && ncap > lim->count) ncap = lim->count;
        otel_attr *items = otel__arena_alloc(arena, sizeof *items * ncap);
        if (!items) return 0;
        if (list->count) memcpy(items, list->items, sizeof *items * list->count);
        list->items = items;
        list->cap = ncap;
    }
    otel_attr *dst = &list->items[list->count];
    dst->key = otel__arena_strndup(arena, a->key, a->key_len);
    if (!dst->key) return 0;
    dst->key_len = a->key_len;
    if (!store_value(dst, a, arena, limit, st)) return 0;
    list->count++;
    return 1;
}

void otel__attrs_set_many(otel__attrs *list, otel__arena *arena, const otel_attr *a, size_t n,
                          const otel__limits_attr *lim, otel__stats *st) {
    if (!a && n) {
        otel__stats_add(st, OTEL_STAT_INVALID_INPUT, 1);
        return;
    }
    for (size_t i = 0; i < n; i++) otel__attrs_set(list, arena, &a[i], lim, st);
}

int otel__attr_value_eq(const otel_attr *a, const otel_attr *b) {
    if (a->type != b->type) return 0;
    switch (a->type) {
    case OTEL_VALUE_STRING:
        return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0);
    case OTEL_VALUE_BOOL:
        return !a->bool_value == !b->bool_value;
    case OTEL_VALUE_INT64:
        return a->int_value == b->int_value;
    case OTEL_VALUE_DOUBLE:
        return memcmp(&a->double_value, &b->double_value, sizeof(double)) == 0;
    case OTEL_VALUE_STRING_ARRAY: {
        if (a->len != b->len) return 0;
        const otel_str *x = a->ptr, *y = b->ptr;
        for (size_t i = 0; i < a->len; i++)
            if (x[i].len != y[i].len || (x[i].len && memcmp(x[i].ptr, y[i].ptr, x[i].len)))
                return 0;
        return 1;
    }
    case OTEL_VALUE_BOOL_ARRAY:
        return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len * sizeof(int)) == 0);
    case OTEL_VALUE_INT64_ARRAY:
    case OTEL_VALUE_DOUBLE_ARRAY:
        return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len * 8) == 0);
    default:
        return 0;
    }
}

int otel__attrs_equal(const otel__attrs *a, const otel__attrs *b) {
    if (a->count != b->count) return 0;
    for (uint32_t i = 0; i < a->count; i++) { /* keys are unique in a list */
        const otel_attr *o = otel__attrs_find(b, a->items[i].key, a->items[i].key_len);
        if (!o || !otel__attr_value_eq(o, &a->items[i])) return 0;
    }
    return 1;
}
