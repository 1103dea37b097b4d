/* W3C Baggage propagator: header `baggage`, at most 64 members and 8192
 * bytes across all baggage headers; a member that would pass a limit is
 * dropped whole, never cut. Values are percent-encoded; properties travel
 * as the entry's opaque metadata. */
#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "otel/baggage.h"
#include "propagation/internal.h"

#define MAX_MEMBERS 64
#define MAX_BYTES 8192

static int tchar(unsigned char c) { /* RFC 7230 token */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_token(const char *s, size_t n) {
    if (!n) return 0;
    for (size_t i = 0; i < n; i++)
        if (!tchar((unsigned char)s[i])) return 0;
    return 1;
}

/* Properties travel verbatim: printable ASCII, and no ',' (it would start
 * another member). */
static int props_ok(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7E || p[i] == ',') return 0;
    return 1;
}

static int baggage_octet(unsigned char c) {
    return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
           (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

static int hexv(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes a value into out (capacity >= 3 * len); invalid UTF-8 in
 * the result becomes U+FFFD. Returns the length, or (size_t)-1 when the
 * value has a character outside the grammar or a bad escape. */
static size_t decode_value(const char *s, size_t len, char *out, char *tmp) {
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int h = i + 2 < len ? hexv(s[i + 1]) : -1, l = i + 2 < len ? hexv(s[i + 2]) : -1;
            if (h < 0 || l < 0) return (size_t)-1;
            tmp[o++] = (char)(h << 4 | l);
            i += 2;
        } else if (baggage_octet(c)) {
            tmp[o++] = (char)c;
        } else {
            return (size_t)-1;
        }
    }
    return otel__utf8_repair(tmp, o, out);
}

/* Parses one `key=value;props` member into *kv, its value decoded into
 * `out` (capacity 3 * len) through `tmp` (capacity len); 0 if invalid. */
static int parse_member(const char *m, size_t len, otel__baggage_kv *kv, char *out, char *tmp) {
    const char *semi = memchr(m, ';', len);
    size_t kv_len = semi ? (size_t)(semi - m) : len;
    const char *eq = memchr(m, '=', kv_len);
    if (!eq) return 0;
    const char *k = m, *v = eq + 1;
    size_t klen = (size_t)(eq - m), vlen = kv_len - klen - 1;
    otel__trim(&k, &klen);
    otel__trim(&v, &vlen);
    if (!is_token(k, klen)) return 0;
    size_t dlen = decode_value(v, vlen, out, tmp);
    if (dlen == (size_t)-1) return 0;
    const char *props = semi ? semi + 1 : "";
    size_t plen = semi ? len - kv_len - 1 : 0;
    otel__trim(&props, &plen);
    if (!props_ok(props, plen)) return 0;
    *kv = (otel__baggage_kv){k, out, props, klen, dlen, plen};
    return 1;
}

static otel_context *bg_extract(const otel_propagator *p, otel_context *ctx,
                                const otel__carrier *c) {
    (void)p;
    const char *vals[OTEL__CARRIER_MAX_VALUES];
    size_t lens[OTEL__CARRIER_MAX_VALUES];
    size_t n = otel__carrier_get(c, "baggage", vals, lens, OTEL__CARRIER_MAX_VALUES);
    if (!n) return otel_context_retain(ctx); /* no header: no work, no allocation */
    otel__baggage_kv kv[MAX_MEMBERS];
    size_t bytes = 0, members = 0, used = 0;
    /* the members read are at most MAX_BYTES in all: percent-decoding never
     * grows a value and the U+FFFD repair at most triples it, so the decoded
     * values (3 * MAX_BYTES) and one scratch value (MAX_BYTES) fit */
    char *buf = malloc(4 * MAX_BYTES);
    if (!buf) return otel_context_retain(ctx);
    char *tmp = buf + 3 * MAX_BYTES;
    for (size_t h = 0; h < n && members < MAX_MEMBERS; h++) {
        const char *s = vals[h];
        size_t len = lens[h], i = 0;
        while (i < len && members < MAX_MEMBERS) {
            size_t start = i;
            while (i < len && s[i] != ',') i++;
            size_t mlen = i - start;
            i++;
            /* the limits count what was received, separators included */
            if (bytes + mlen + (bytes ? 1 : 0) > MAX_BYTES) goto done;
            bytes += mlen + (bytes ? 1 : 0);
            const char *m = s + start;
            otel__trim(&m, &mlen);
            if (!mlen) continue;
            if (parse_member(m, mlen, &kv[members], buf + used, tmp)) used += kv[members++].value_len;
        }
    }
done:;
    /* one allocation for the whole baggage, whatever the member count */
    otel_baggage *b = otel__baggage_from(kv, members);
    free(buf);
    if (!b) return otel_context_retain(ctx);
    otel_context *out = otel_context_with_baggage(ctx, b);
    otel_baggage_release(b);
    return out ? out : otel_context_retain(ctx);
}

static void bg_inject(const otel_propagator *p, otel_context *ctx, const otel__carrier *c) {
    (void)p;
    otel_baggage *b = otel_context_get_baggage(ctx);
    size_t n = otel_baggage_count(b);
    if (!n) return;
    char out[MAX_BYTES + 1], member[MAX_BYTES + 1];
    size_t o = 0, members = 0;
    for (size_t i = 0; i < n && members < MAX_MEMBERS; i++) {
        const char *k, *v, *meta;
        if (otel_baggage_entry(b, i, &k, &v, &meta) != OTEL_OK) continue;
        size_t klen = strlen(k), m = 0;
        if (!is_token(k, klen) || klen >= MAX_BYTES) continue;
        memcpy(member, k, klen);
        m = klen;
        member[m++] = '=';
        int fits = 1;
        for (const unsigned char *q = (const unsigned char *)v; *q && fits; q++) {
            if (m + 3 > MAX_BYTES) fits = 0;
            else if (baggage_octet(*q) && *q != '%') member[m++] = (char)*q;
            else {
                static const char hex[] = "0123456789ABCDEF";
                member[m++] = '%';
                member[m++] = hex[*q >> 4];
                member[m++] = hex[*q & 15];
            }
        }
        /* metadata set through the API may hold anything: sending CR, LF or
         * ',' would forge headers or members, so such metadata stays home */
        size_t mlen = strlen(meta);
        if (fits && mlen && props_ok(meta, mlen)) {
            if (m + 1 + mlen > MAX_BYTES) fits = 0;
            else {
                member[m++] = ';';
                memcpy(member + m, meta, mlen);
                m += mlen;
            }
        }
        /* a member that does not fit is left out whole */
        if (!fits || o + (o ? 1 : 0) + m > MAX_BYTES) continue;
        if (o) out[o++] = ',';
        memcpy(out + o, member, m);
        o += m;
        members++;
    }
    if (o) otel__carrier_set(c, "baggage", out, o);
}

static const char *const bg_fields[] = {"baggage"};
static otel_propagator bg = {1, 1, bg_inject, bg_extract, bg_fields, 1, NULL, 0};

OTEL_API otel_propagator *otel_propagator_baggage(void) { return &bg; }
