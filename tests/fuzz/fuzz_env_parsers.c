/* The environment parsers: OTEL_RESOURCE_ATTRIBUTES (first byte even) and
 * OTEL_EXPORTER_OTLP_HEADERS (odd). Neither may crash or keep a value that
 * is not valid UTF-8 with a non-empty key. */
/* otel-test: internal */
#include "common/arena.h"
#include "common/resource.h"
#include "common/strutil.h"
#include "export/otlp_config.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!size) return 0;
    const char *s = (const char *)data + 1;
    size_t len = size - 1;
    otel_set_log_level(OTEL_LOG_NONE);
    if (data[0] % 2 == 0) {
        otel__arena a;
        otel__arena_init(&a, NULL, 0);
        otel_attr *attrs = NULL;
        size_t n = 0;
        if (otel__resource_parse_env(s, len, &attrs, &n, &a) == OTEL_OK)
            for (size_t i = 0; i < n; i++) FUZZ_CHECK(attrs[i].key_len > 0);
        otel__arena_free(&a);
    } else {
        otel__otlp_header *h = NULL;
        size_t n = 0;
        FUZZ_CHECK(otel__otlp_parse_headers(s, len, "OTEL_EXPORTER_OTLP_HEADERS", &h, &n) == OTEL_OK);
        otel__otlp_headers_free(h, n);
    }
    return 0;
}
