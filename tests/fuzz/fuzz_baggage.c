/* W3C baggage extraction: within the limits, and what is injected back
 * extracts to the same entries. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const names[] = {"baggage"};
    otel_headers *h = fuzz_headers(data, size, names, 1);
    otel_propagator *p = otel_propagator_baggage();
    otel_context *ctx = otel_propagator_extract_headers(p, otel_context_root(), h);
    otel_baggage *b = otel_context_get_baggage(ctx);
    size_t n = otel_baggage_count(b);
    FUZZ_CHECK(n <= 64);
    otel_headers *out;
    otel_headers_new(&out);
    otel_propagator_inject_headers(p, ctx, out);
    const char *v = otel_headers_get(out, "baggage");
    FUZZ_CHECK(!v || strlen(v) <= 8192);
    otel_context *back = otel_propagator_extract_headers(p, otel_context_root(), out);
    otel_baggage *b2 = otel_context_get_baggage(back);
    if (v && strlen(v) < 8192 - 64) /* everything fit: a lossless round trip */
        for (size_t i = 0; i < otel_baggage_count(b2); i++) {
            const char *k, *val, *meta;
            FUZZ_CHECK(otel_baggage_entry(b2, i, &k, &val, &meta) == OTEL_OK);
            const char *orig = otel_baggage_get(b, k);
            FUZZ_CHECK(orig && strcmp(orig, val) == 0);
        }
    otel_context_release(back);
    otel_headers_free(out);
    otel_context_release(ctx);
    otel_headers_free(h);
    return 0;
}
