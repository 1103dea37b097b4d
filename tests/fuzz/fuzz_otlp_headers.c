/* OTEL_EXPORTER_OTLP_HEADERS: malformed entries are skipped one by one
 * (never the variable); what is kept has a non-empty token name and a value
 * without CR, LF or NUL; and it parses back to itself once percent-encoded. */
/* otel-test: internal */
#include "export/otlp_config.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    otel_set_log_level(OTEL_LOG_NONE);
    otel__otlp_header *h = NULL, *again = NULL;
    size_t n = 0, n2 = 0, commas = 0;
    for (size_t i = 0; i < size; i++) commas += data[i] == ',';
    FUZZ_CHECK(otel__otlp_parse_headers((const char *)data, size, "OTEL_EXPORTER_OTLP_HEADERS", &h,
                                        &n) == OTEL_OK);
    FUZZ_CHECK(n <= commas + 1);
    size_t cap = 1;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(h[i].name), vl = strlen(h[i].value);
        FUZZ_CHECK(nl > 0);
        for (size_t k = 0; k < nl; k++)
            FUZZ_CHECK(h[i].name[k] > 0x20 && h[i].name[k] < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", h[i].name[k]));
        FUZZ_CHECK(!strpbrk(h[i].value, "\r\n"));
        cap += 3 * (nl + vl) + 2;
    }
    char *enc = malloc(cap);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) enc[o++] = ',';
        o += fuzz_pct_encode(h[i].name, strlen(h[i].name), enc + o);
        enc[o++] = '=';
        o += fuzz_pct_encode(h[i].value, strlen(h[i].value), enc + o);
    }
    FUZZ_CHECK(otel__otlp_parse_headers(enc, o, "fuzz", &again, &n2) == OTEL_OK);
    FUZZ_CHECK(n2 == n);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(strcmp(again[i].name, h[i].name) == 0);
        FUZZ_CHECK(strcmp(again[i].value, h[i].value) == 0);
    }
    free(enc);
    otel__otlp_headers_free(again, n2);
    otel__otlp_headers_free(h, n);
    return 0;
}
