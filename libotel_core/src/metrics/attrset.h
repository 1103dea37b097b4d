/* Attribute sets as series keys: an order-independent hash and equality of
 * short byte strings, inline because every measurement runs them. */
#ifndef OTEL_METRICS_ATTRSET_H
#define OTEL_METRICS_ATTRSET_H

#include <stdint.h>
#include <string.h>

#include "common/attrs.h"
#include "metrics/atomic_double.h"
#include "metrics/internal.h"

static inline uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}


/* What otel__attr_valid accepts, inline: a key and a known type whose
 * pointer is set when it has elements. */
static inline int attr_ok(const otel_attr *a) {
    if (__builtin_expect(!a->key || !a->key_len, 0)) return 0;
    if (a->type >= OTEL_VALUE_BOOL && a->type <= OTEL_VALUE_DOUBLE) return 1;
    return a->type >= OTEL_VALUE_STRING && a->type <= OTEL_VALUE_DOUBLE_ARRAY && (a->ptr || !a->len);
}

static inline uint64_t load8(const uint8_t *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}
static inline uint64_t load4(const uint8_t *p) {
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* The bytes of a short string as words, the tail read overlapping (no
 * variable-length copy, no call): what hashing and comparing share. */
static inline uint64_t tail_word(const uint8_t *s, size_t n) {
    if (n >= 8) return load8(s + n - 8);
    if (n >= 4) return load4(s) | (load4(s + n - 4) << 32);
    return n ? (uint64_t)s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16 : 0;
}

/* A fast non-cryptographic hash of short byte strings (keys, values). */
static inline uint64_t hash_short(const void *p, size_t n, uint64_t h) {
    const uint8_t *s = p;
    h += n * 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        h = (h ^ load8(s + i)) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    return (h ^ tail_word(s, n)) * 0x94d049bb133111ebull;
}

/* Byte equality of two strings of the same length n. */
static inline int bytes_eq(const void *a, const void *b, size_t n) {
    const uint8_t *x = a, *y = b;
    if (n > 32) return memcmp(x, y, n) == 0;
    if (n > 16) /* four overlapping words cover 17..32 bytes; no loop */
        return ((load8(x) ^ load8(y)) | (load8(x + 8) ^ load8(y + 8)) |
                (load8(x + n - 16) ^ load8(y + n - 16)) | (load8(x + n - 8) ^ load8(y + n - 8))) == 0;
    if (n > 8) return ((load8(x) ^ load8(y)) | (load8(x + n - 8) ^ load8(y + n - 8))) == 0;
    return tail_word(x, n) == tail_word(y, n);
}

/* A summary of a short string in O(1): its length and its first and last
 * words. Hashing only has to spread series over the chains; equality is
 * checked in full, so strings sharing ends only make a chain longer. */
static inline uint64_t summary(const void *p, size_t n) {
    const uint8_t *s = p;
    uint64_t head = n >= 8 ? load8(s) : tail_word(s, n);
    return (head * 0x9E3779B97F4A7C15ull) ^ (tail_word(s, n) + n * 0xbf58476d1ce4e5b9ull);
}

static inline uint64_t hash_value(const otel_attr *a) {
    switch (a->type) {
    /* values carry the variety (ids, routes sharing their ends): hash every
     * byte, or look-alike sets pile into one chain */
    case OTEL_VALUE_STRING: return hash_short(a->ptr, a->len, 1);
    case OTEL_VALUE_BOOL: return 2 + (uint64_t)(a->bool_value != 0);
    case OTEL_VALUE_INT64: return (uint64_t)a->int_value * 0x9E3779B97F4A7C15ull + 3;
    case OTEL_VALUE_DOUBLE: return dbits(a->double_value) * 0x9E3779B97F4A7C15ull + 4;
    case OTEL_VALUE_STRING_ARRAY: {
        uint64_t h = 5;
        const otel_str *s = a->ptr;
        for (size_t i = 0; i < a->len; i++) h = mix(h + summary(s[i].ptr, s[i].len));
        return h;
    }
    default: /* numeric arrays: their bytes */
        return hash_short(a->ptr, a->len * (a->type == OTEL_VALUE_BOOL_ARRAY ? sizeof(int) : 8),
                          (uint64_t)a->type);
    }
}

/* The sum of per-attribute hashes: the order does not matter. */
static inline uint64_t hash_attrs(const otel_attr *attrs, size_t n, size_t *n_ok) {
    uint64_t h = 0;
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        if (!attr_ok(&attrs[i])) continue;
        h += mix(summary(attrs[i].key, attrs[i].key_len) ^ (hash_value(&attrs[i]) * 0xc2b2ae3d27d4eb4full));
        ok++;
    }
    *n_ok = ok;
    return h;
}

static inline int value_eq(const otel_attr *a, const otel_attr *b) {
    if (a->type != b->type) return 0;
    switch (a->type) {
    case OTEL_VALUE_STRING: return a->len == b->len && bytes_eq(a->ptr, b->ptr, a->len);
    case OTEL_VALUE_INT64: return a->int_value == b->int_value;
    case OTEL_VALUE_BOOL: return !a->bool_value == !b->bool_value;
    default: return otel__attr_value_eq(a, b);
    }
}

/* 1 if the valid attributes of attrs[0..n) are exactly the series' set
 * (the caller checked the counts and the hash). */
static inline int same_set(const otel__series *s, const otel_attr *attrs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const otel_attr *in = &attrs[i];
        if (!attr_ok(in)) continue;
        /* the series is sorted by key, but inputs usually come in the same
         * order they were first seen: try the same position first */
        const otel_attr *m = i < s->n_attrs ? &s->attrs[i] : NULL;
        if (!m || m->key_len != in->key_len || !bytes_eq(m->key, in->key, in->key_len)) {
            m = NULL;
            for (size_t k = 0; k < s->n_attrs && !m; k++)
                if (s->attrs[k].key_len == in->key_len &&
                    bytes_eq(s->attrs[k].key, in->key, in->key_len))
                    m = &s->attrs[k];
        }
        if (!m || !value_eq(m, in)) return 0;
    }
    return 1;
}

/* 1 if attrs[0..n) are the series' set in its own (sorted) order, which
 * is how one call site usually passes them; 0 may be a false negative
 * (another order, an invalid attribute), never a false positive. Values
 * are compared first: sets from one call site differ there. */
static inline int same_order_set(const otel__series *s, const otel_attr *attrs, size_t n) {
    if (n != s->n_attrs) return 0;
    for (size_t i = 0; i < n; i++)
        if (!attr_ok(&attrs[i]) || !value_eq(&s->attrs[i], &attrs[i])) return 0;
    for (size_t i = 0; i < n; i++)
        if (s->attrs[i].key_len != attrs[i].key_len ||
            !bytes_eq(s->attrs[i].key, attrs[i].key, attrs[i].key_len))
            return 0;
    return 1;
}

/* A cheap fingerprint of the values alone (keys rarely vary at a call
 * site): which hint slot a set uses. */
static inline uint64_t values_fp(const otel_attr *attrs, size_t n) {
    uint64_t h = n;
    for (size_t i = 0; i < n; i++) {
        const otel_attr *a = &attrs[i];
        uint64_t v;
        switch (a->type) {
        case OTEL_VALUE_STRING:
            v = a->len && a->ptr ? summary(a->ptr, a->len) : 0;
            break;
        case OTEL_VALUE_INT64: v = (uint64_t)a->int_value; break;
        case OTEL_VALUE_BOOL: v = a->bool_value != 0; break;
        case OTEL_VALUE_DOUBLE: v = dbits(a->double_value); break;
        default: v = a->len; break;
        }
        h = (h ^ v) * 0x9E3779B97F4A7C15ull;
    }
    return h >> 59;
}

#endif
