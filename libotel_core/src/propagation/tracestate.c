/* W3C tracestate, Level 2 grammar: parse, get, set, delete, truncate.
 * A member is `key=value`; keys are (lcalpha/DIGIT) then up to 255 of
 * lcalpha, DIGIT, _ - * / @ (so multi-tenant `tenant@system` keys too);
 * values are 1-256 characters 0x20-0x7E except ',' and '=', not ending in
 * a space. A list holds at most 32 members; one invalid member or a 33rd
 * discards the whole list, empty members are skipped. */
#include <string.h>

#include "common/error.h"
#include "propagation/internal.h"

#define MAX_MEMBERS 32

typedef struct member {
    const char *p;      /* the whole `key=value` */
    size_t len, key_len;
} member;

static int key_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' ||
           c == '/' || c == '@';
}

static int valid_key(const char *k, size_t n) {
    if (n == 0 || n > 256) return 0;
    unsigned char c0 = (unsigned char)k[0];
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= '0' && c0 <= '9'))) return 0;
    for (size_t i = 1; i < n; i++)
        if (!key_char((unsigned char)k[i])) return 0;
    return 1;
}

static int valid_value(const char *v, size_t n) {
    if (n == 0 || n > 256 || v[n - 1] == ' ') return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c > 0x7E || c == ',' || c == '=') return 0;
    }
    return 1;
}

/* Splits `s` into its members, in order, keeping the first of a repeated
 * key; empty members (nothing or only OWS between commas, as joined
 * headers produce) are skipped. A member outside the grammar, or more than
 * 32 members, makes the whole list invalid: `*why` is set and 0 returned,
 * so the caller discards the tracestate, as the W3C test suite's strictest
 * level expects and the Go and Java SDKs do. */
static size_t split(const char *s, size_t len, member *out, const char **why) {
    size_t n = 0, seen = 0, i = 0;
    *why = NULL;
    while (i < len) {
        size_t start = i;
        while (i < len && s[i] != ',') i++;
        size_t a = start, b = i;
        i++; /* past ',' */
        while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
        if (a == b) continue;
        const char *eq = memchr(s + a, '=', b - a);
        size_t klen = eq ? (size_t)(eq - (s + a)) : 0;
        if (!eq || !valid_key(s + a, klen) || !valid_value(eq + 1, b - a - klen - 1)) {
            *why = "a member outside the W3C key=value grammar";
            return 0;
        }
        if (++seen > MAX_MEMBERS) {
            *why = "more than 32 members";
            return 0;
        }
        int dup = 0;
        for (size_t k = 0; k < n && !dup; k++)
            dup = out[k].key_len == klen && memcmp(out[k].p, s + a, klen) == 0;
        if (!dup) out[n++] = (member){s + a, b - a, klen};
    }
    return n;
}

/* split() for a tracestate this library produced or the caller passes to
 * get/set/delete: an invalid one counts as empty. */
static size_t members_of(const char *ts, size_t len, member *out) {
    const char *why;
    return split(ts ? ts : "", len, out, &why);
}

/* Joins members into out; returns OTEL_ERR_LIMIT (with *out_len the size
 * needed) when cap is too small. */
static otel_status join(const member *m, size_t n, char *out, size_t cap, size_t *out_len) {
    size_t need = 0;
    for (size_t i = 0; i < n; i++) need += m[i].len + (i ? 1 : 0);
    if (out_len) *out_len = need;
    if (!out || cap < need + 1)
        return otel__fail(OTEL_ERR_LIMIT, "tracestate: needs %zu bytes", need + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) out[o++] = ',';
        memcpy(out + o, m[i].p, m[i].len);
        o += m[i].len;
    }
    out[o] = '\0';
    return OTEL_OK;
}

OTEL_API otel_status otel_tracestate_parse(const char *header, size_t header_len, char *out,
                                           size_t cap, size_t *out_len) {
    if (!header && header_len) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "tracestate_parse: NULL");
    member m[MAX_MEMBERS];
    const char *why;
    size_t n = split(header ? header : "", header_len, m, &why);
    if (why) {
        if (out_len) *out_len = 0;
        if (out && cap) out[0] = '\0';
        return otel__fail(OTEL_ERR_PARSE, "tracestate_parse: %s; the whole tracestate is discarded", why);
    }
    return join(m, n, out, cap, out_len);
}

OTEL_API otel_status otel_tracestate_get(const char *ts, size_t ts_len, const char *key,
                                         const char **value, size_t *value_len) {
    if ((!ts && ts_len) || !key || !value || !value_len)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "tracestate_get: NULL argument");
    member m[MAX_MEMBERS];
    size_t n = members_of(ts, ts_len, m), klen = strlen(key);
    for (size_t i = 0; i < n; i++)
        if (m[i].key_len == klen && memcmp(m[i].p, key, klen) == 0) {
            *value = m[i].p + klen + 1;
            *value_len = m[i].len - klen - 1;
            return OTEL_OK;
        }
    return otel__fail(OTEL_ERR_NOT_FOUND, "tracestate_get: no such key");
}

/* Members of ts without `key`, after `first` slots already filled. */
static size_t others(const char *ts, size_t ts_len, const char *key, size_t klen, member *m,
                     size_t first) {
    member all[MAX_MEMBERS];
    size_t n = members_of(ts, ts_len, all), o = first;
    for (size_t i = 0; i < n && o < MAX_MEMBERS; i++)
        if (!(all[i].key_len == klen && memcmp(all[i].p, key, klen) == 0)) m[o++] = all[i];
    return o;
}

OTEL_API otel_status otel_tracestate_set(const char *ts, size_t ts_len, const char *key,
                                         const char *value, char *out, size_t cap,
                                         size_t *out_len) {
    if ((!ts && ts_len) || !key || !value)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "tracestate_set: NULL argument");
    size_t klen = strlen(key), vlen = strlen(value);
    if (!valid_key(key, klen) || !valid_value(value, vlen))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT,
                          "tracestate_set: key or value outside the W3C tracestate grammar");
    char first[520];
    memcpy(first, key, klen);
    first[klen] = '=';
    memcpy(first + klen + 1, value, vlen);
    member m[MAX_MEMBERS];
    m[0] = (member){first, klen + 1 + vlen, klen};
    /* the new member goes left; past 32 the rightmost falls off */
    return join(m, others(ts, ts_len, key, klen, m, 1), out, cap, out_len);
}

OTEL_API otel_status otel_tracestate_delete(const char *ts, size_t ts_len, const char *key,
                                            char *out, size_t cap, size_t *out_len) {
    if ((!ts && ts_len) || !key)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "tracestate_delete: NULL argument");
    member m[MAX_MEMBERS];
    return join(m, others(ts, ts_len, key, strlen(key), m, 0), out, cap, out_len);
}

size_t otel__tracestate_truncate(const char *ts, size_t len, size_t limit, char *out, size_t cap) {
    member m[MAX_MEMBERS];
    size_t n = members_of(ts, len, m), total = 0;
    for (size_t i = 0; i < n; i++) total += m[i].len + (i ? 1 : 0);
    /* W3C: drop members over 128 characters first, then from the right */
    for (size_t i = n; i-- > 0 && total > limit;)
        if (m[i].len > 128) {
            total -= m[i].len + (n > 1 ? 1 : 0);
            memmove(&m[i], &m[i + 1], (n - i - 1) * sizeof *m);
            n--;
        }
    while (n && total > limit) {
        total -= m[n - 1].len + (n > 1 ? 1 : 0);
        n--;
    }
    size_t got = 0;
    if (join(m, n, out, cap, &got) != OTEL_OK) {
        if (cap) out[0] = '\0';
        return 0;
    }
    return got;
}
