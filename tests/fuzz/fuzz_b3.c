/* B3 single and multi-header extraction; a valid result re-injects to the
 * same ids. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const names[] = {"b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-flags"};
    otel_headers *h = fuzz_headers(data, size, names, 5);
    otel_propagator *props[] = {otel_propagator_b3(), otel_propagator_b3multi()};
    for (int i = 0; i < 2; i++) {
        otel_context *ctx;
        otel_span_context sc = fuzz_extract(props[i], h, &ctx);
        if (otel_span_context_is_valid(&sc)) {
            otel_headers *out;
            otel_headers_new(&out);
            otel_propagator_inject_headers(props[i], ctx, out);
            otel_span_context sc2 = fuzz_extract(props[i], out, NULL);
            FUZZ_CHECK(memcmp(sc.trace_id, sc2.trace_id, 16) == 0);
            FUZZ_CHECK(memcmp(sc.span_id, sc2.span_id, 8) == 0);
            FUZZ_CHECK((sc.trace_flags & 1) == (sc2.trace_flags & 1));
            otel_headers_free(out);
        }
        otel_context_release(ctx);
    }
    otel_headers_free(h);
    return 0;
}
