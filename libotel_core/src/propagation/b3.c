/* B3 propagation (openzipkin/b3-propagation): the single `b3` header
 * `{traceid}-{spanid}[-{sampled}[-{parentspanid}]]` and the multi-header
 * form. Both extract both forms, single first. Debug (`d`, x-b3-flags: 1)
 * means sampled; a missing decision (deferred) extracts as not sampled and
 * lets the local sampler's parent rules decide. */
#include <string.h>

#include "common/strutil.h"
#include "otel/trace.h"
#include "propagation/internal.h"

static int hex_ids(const char *s, size_t n, uint8_t *out, size_t out_len) {
    if (n != 2 * out_len) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return 0;
    }
    return otel__hex_decode(s, out_len, out) == 0;
}

/* A 64- or 128-bit trace id (64-bit ids are left-padded with zeros). */
static int trace_id(const char *s, size_t n, uint8_t out[16]) {
    memset(out, 0, 16);
    if (n == 16) return hex_ids(s, 16, out + 8, 8);
    return hex_ids(s, n, out, 16);
}

static int nonzero(const uint8_t *b, size_t n) {
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= b[i];
    return acc != 0;
}

/* -1: absent (deferred), 0 / 1: the decision, -2: invalid. */
static int sampled_of(const char *s, size_t n) {
    if (n == 1 && (s[0] == '1' || s[0] == 'd')) return 1;
    if (n == 1 && s[0] == '0') return 0;
    if (otel__ascii_ieq(s, n, "true", 4)) return 1;
    if (otel__ascii_ieq(s, n, "false", 5)) return 0;
    return -2;
}

static int parse_single(const char *s, size_t len, otel_span_context *sc) {
    otel__trim(&s, &len);
    const char *parts[4];
    size_t lens[4], np = 0, i = 0;
    while (np < 4) {
        size_t start = i;
        while (i < len && s[i] != '-') i++;
        parts[np] = s + start;
        lens[np++] = i - start;
        if (i >= len) break;
        i++;
    }
    if (i < len || np < 2) return 0; /* too many fields, or only a decision */
    if (!trace_id(parts[0], lens[0], sc->trace_id) || !hex_ids(parts[1], lens[1], sc->span_id, 8))
        return 0;
    int sampled = np >= 3 ? sampled_of(parts[2], lens[2]) : -1;
    if (sampled == -2 || (np >= 3 && lens[2] > 1)) return 0;
    if (np == 4) {
        uint8_t parent[8];
        if (!hex_ids(parts[3], lens[3], parent, 8)) return 0;
    }
    sc->trace_flags = sampled == 1 ? OTEL_TRACE_FLAG_SAMPLED : 0;
    return 1;
}

static int first(const otel__carrier *c, const char *name, const char **v, size_t *n) {
    const char *vals[1];
    size_t lens[1];
    if (otel__carrier_get(c, name, vals, lens, 1) != 1) return 0;
    *v = vals[0];
    *n = lens[0];
    otel__trim(v, n);
    return 1;
}

static int parse_multi(const otel__carrier *c, otel_span_context *sc) {
    const char *t, *s, *f;
    size_t tn, sn, fn;
    if (!first(c, "x-b3-traceid", &t, &tn) || !first(c, "x-b3-spanid", &s, &sn)) return 0;
    if (!trace_id(t, tn, sc->trace_id) || !hex_ids(s, sn, sc->span_id, 8)) return 0;
    int sampled = -1;
    if (first(c, "x-b3-sampled", &f, &fn)) sampled = sampled_of(f, fn);
    if (first(c, "x-b3-flags", &f, &fn) && fn == 1 && f[0] == '1') sampled = 1; /* debug */
    sc->trace_flags = sampled == 1 ? OTEL_TRACE_FLAG_SAMPLED : 0;
    return 1;
}

static otel_context *b3_extract(const otel_propagator *p, otel_context *ctx,
                                const otel__carrier *c) {
    (void)p;
    otel_span_context sc;
    memset(&sc, 0, sizeof sc);
    const char *v;
    size_t n;
    int ok = first(c, "b3", &v, &n) && parse_single(v, n, &sc);
    if (!ok) {
        memset(&sc, 0, sizeof sc);
        ok = parse_multi(c, &sc);
    }
    if (!ok || !nonzero(sc.trace_id, 16) || !nonzero(sc.span_id, 8))
        return otel_context_retain(ctx);
    sc.is_remote = 1;
    otel_span *remote = NULL;
    if (otel_span_wrap(&remote, &sc, NULL, 0) != OTEL_OK) return otel_context_retain(ctx);
    otel_context *out = otel_context_with_span(ctx, remote);
    otel_span_release(remote);
    return out ? out : otel_context_retain(ctx);
}

static int context_of(otel_context *ctx, otel_span_context *sc) {
    otel_span_get_context(otel_context_get_span(ctx), sc);
    return otel_span_context_is_valid(sc);
}

static void b3_inject_single(const otel_propagator *p, otel_context *ctx, const otel__carrier *c) {
    (void)p;
    otel_span_context sc;
    if (!context_of(ctx, &sc)) return;
    char v[32 + 1 + 16 + 2];
    otel__hex_encode(sc.trace_id, 16, v);
    v[32] = '-';
    otel__hex_encode(sc.span_id, 8, v + 33);
    v[49] = '-';
    v[50] = (sc.trace_flags & OTEL_TRACE_FLAG_SAMPLED) ? '1' : '0';
    otel__carrier_set(c, "b3", v, 51);
}

static void b3_inject_multi(const otel_propagator *p, otel_context *ctx, const otel__carrier *c) {
    (void)p;
    otel_span_context sc;
    if (!context_of(ctx, &sc)) return;
    char t[32], s[16];
    otel__hex_encode(sc.trace_id, 16, t);
    otel__hex_encode(sc.span_id, 8, s);
    otel__carrier_set(c, "x-b3-traceid", t, 32);
    otel__carrier_set(c, "x-b3-spanid", s, 16);
    otel__carrier_set(c, "x-b3-sampled", (sc.trace_flags & OTEL_TRACE_FLAG_SAMPLED) ? "1" : "0", 1);
}

static const char *const single_fields[] = {"b3"};
static const char *const multi_fields[] = {"x-b3-traceid", "x-b3-spanid", "x-b3-sampled",
                                           "x-b3-flags"};
static otel_propagator b3_single = {1, 1, b3_inject_single, b3_extract, single_fields, 1, NULL, 0};
static otel_propagator b3_multi = {1, 1, b3_inject_multi, b3_extract, multi_fields, 4, NULL, 0};

OTEL_API otel_propagator *otel_propagator_b3(void) { return &b3_single; }
OTEL_API otel_propagator *otel_propagator_b3multi(void) { return &b3_multi; }
