/* W3C Trace Context, Level 2: `traceparent` and `tracestate`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "propagation/internal.h"
#include "otel/trace.h"

/* What is sent: W3C asks vendors to propagate at least 512 characters. */
#define TRACESTATE_SEND_LIMIT 512

static int lower_hex(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return 0;
    }
    return 1;
}

static int all_zero(const uint8_t *b, size_t n) {
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= b[i];
    return acc == 0;
}

/* Parses one traceparent value; 0 when it must be ignored. */
static int parse_traceparent(const char *s, size_t len, otel_span_context *sc) {
    otel__trim(&s, &len);
    if (len < 55 || !lower_hex(s, 2) || s[2] != '-' || s[35] != '-' || s[52] != '-') return 0;
    if (s[0] == 'f' && s[1] == 'f') return 0;          /* version ff is invalid */
    int v00 = s[0] == '0' && s[1] == '0';
    if (v00 ? len != 55 : (len > 55 && s[55] != '-')) return 0; /* future versions may append */
    if (!lower_hex(s + 3, 32) || !lower_hex(s + 36, 16) || !lower_hex(s + 53, 2)) return 0;
    memset(sc, 0, sizeof *sc);
    uint8_t flags;
    if (otel__hex_decode(s + 3, 16, sc->trace_id) || otel__hex_decode(s + 36, 8, sc->span_id) ||
        otel__hex_decode(s + 53, 1, &flags))
        return 0;
    if (all_zero(sc->trace_id, 16) || all_zero(sc->span_id, 8)) return 0;
    /* known flags only: sampled, random (Level 2) */
    sc->trace_flags = flags & (OTEL_TRACE_FLAG_SAMPLED | OTEL_TRACE_FLAG_RANDOM);
    sc->is_remote = 1;
    return 1;
}

static otel_context *tc_extract(const otel_propagator *p, otel_context *ctx,
                                const otel__carrier *c) {
    (void)p;
    const char *vals[OTEL__CARRIER_MAX_VALUES];
    size_t lens[OTEL__CARRIER_MAX_VALUES];
    otel_span_context sc;
    /* two traceparent headers are as invalid as a malformed one */
    if (otel__carrier_get(c, "traceparent", vals, lens, 2) != 1 ||
        !parse_traceparent(vals[0], lens[0], &sc))
        return otel_context_retain(ctx);

    /* repeated tracestate headers form one list; parse them as one (the
     * common single header is parsed in place, without an allocation). An
     * invalid member in any of them, or a 33rd member, discards the list:
     * the span keeps its parent and carries no tracestate. */
    size_t n = otel__carrier_get(c, "tracestate", vals, lens, OTEL__CARRIER_MAX_VALUES);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += lens[i] + 1;
    char *joined = n > 1 ? malloc(total) : NULL;
    char ts[OTEL_TRACESTATE_MAX + 1];
    size_t ts_len = 0;
    if (n == 1 && otel_tracestate_parse(vals[0], lens[0], ts, sizeof ts, &ts_len) != OTEL_OK)
        ts_len = 0;
    if (joined) {
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            if (i) joined[o++] = ',';
            memcpy(joined + o, vals[i], lens[i]);
            o += lens[i];
        }
        if (otel_tracestate_parse(joined, o, ts, sizeof ts, &ts_len) != OTEL_OK) ts_len = 0;
        free(joined);
    }
    otel_span *remote = NULL;
    if (otel_span_wrap(&remote, &sc, ts, ts_len) != OTEL_OK) return otel_context_retain(ctx);
    otel_context *out = otel_context_with_span(ctx, remote);
    otel_span_release(remote);
    return out ? out : otel_context_retain(ctx);
}

static void tc_inject(const otel_propagator *p, otel_context *ctx, const otel__carrier *c) {
    (void)p;
    otel_span *span = otel_context_get_span(ctx);
    otel_span_context sc;
    otel_span_get_context(span, &sc);
    if (!otel_span_context_is_valid(&sc)) return;
    char tp[56];
    memcpy(tp, "00-", 3);
    otel__hex_encode(sc.trace_id, 16, tp + 3);
    tp[35] = '-';
    otel__hex_encode(sc.span_id, 8, tp + 36);
    tp[52] = '-';
    uint8_t flags = sc.trace_flags & (OTEL_TRACE_FLAG_SAMPLED | OTEL_TRACE_FLAG_RANDOM);
    otel__hex_encode(&flags, 1, tp + 53);
    otel__carrier_set(c, "traceparent", tp, 55);
    size_t ts_len = 0;
    const char *ts = otel_span_get_trace_state(span, &ts_len);
    if (!ts_len) return;
    char out[TRACESTATE_SEND_LIMIT + 1];
    size_t n = otel__tracestate_truncate(ts, ts_len, TRACESTATE_SEND_LIMIT, out, sizeof out);
    if (n) otel__carrier_set(c, "tracestate", out, n);
}

static const char *const tc_fields[] = {"traceparent", "tracestate"};
static otel_propagator tc = {1, 1, tc_inject, tc_extract, tc_fields, 2, NULL, 0};

OTEL_API otel_propagator *otel_propagator_tracecontext(void) { return &tc; }
