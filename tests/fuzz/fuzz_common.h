/* Shared by the fuzz targets: a header list from the input, and a check
 * that aborts (so libFuzzer reports it) when an invariant fails. */
#ifndef OTEL_FUZZ_COMMON_H
#define OTEL_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otel/otel.h"

#define FUZZ_CHECK(cond)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond,       \
                    __FILE__, __LINE__);                                        \
            abort();                                                            \
        }                                                                       \
    } while (0)

/* Splits the input at '\n' into values of `names` in turn (cycling), so one
 * input can carry repeated and several headers. */
static inline otel_headers *fuzz_headers(const uint8_t *data, size_t size,
                                         const char *const *names, size_t n_names) {
    otel_headers *h = NULL;
    if (otel_headers_new(&h) != OTEL_OK) abort();
    size_t start = 0, k = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i == size || data[i] == '\n') {
            const char *name = names[k++ % n_names];
            otel_headers_add_n(h, name, strlen(name), (const char *)data + start, i - start);
            start = i + 1;
        }
    }
    return h;
}

/* Percent-encodes every byte but ASCII letters and digits into out
 * (capacity 3 * len); returns the length written. */
static inline size_t fuzz_pct_encode(const char *s, size_t len, char *out) {
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    return o;
}

/* The remote span context a propagator extracted from `h` (zero if none). */
static inline otel_span_context fuzz_extract(otel_propagator *p, otel_headers *h,
                                             otel_context **ctx_out) {
    otel_context *ctx = otel_propagator_extract_headers(p, otel_context_root(), h);
    FUZZ_CHECK(ctx != NULL);
    otel_span_context sc;
    otel_span_get_context(otel_context_get_span(ctx), &sc);
    if (ctx_out) *ctx_out = ctx;
    else otel_context_release(ctx);
    return sc;
}

#endif
