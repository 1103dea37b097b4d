/* traceparent + tracestate extraction; what is extracted must survive
 * inject -> extract unchanged. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const names[] = {"traceparent", "tracestate"};
    otel_headers *h = fuzz_headers(data, size, names, 2);
    otel_context *ctx;
    otel_propagator *tc = otel_propagator_tracecontext();
    otel_span_context sc = fuzz_extract(tc, h, &ctx);
    if (otel_span_context_is_valid(&sc)) {
        FUZZ_CHECK(sc.is_remote == 1);
        otel_headers *out;
        otel_headers_new(&out);
        otel_propagator_inject_headers(tc, ctx, out);
        otel_context *again;
        otel_span_context sc2 = fuzz_extract(tc, out, &again);
        FUZZ_CHECK(memcmp(sc.trace_id, sc2.trace_id, 16) == 0);
        FUZZ_CHECK(memcmp(sc.span_id, sc2.span_id, 8) == 0);
        FUZZ_CHECK(sc.trace_flags == sc2.trace_flags);
        const char *ts = otel_headers_get(out, "tracestate");
        FUZZ_CHECK(!ts || strlen(ts) <= 512);
        otel_context_release(again);
        otel_headers_free(out);
    }
    otel_context_release(ctx);
    otel_headers_free(h);
    return 0;
}
