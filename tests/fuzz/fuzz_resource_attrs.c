/* OTEL_RESOURCE_ATTRIBUTES: the parser either rejects the whole value or
 * keeps entries with non-empty keys, keys and values valid UTF-8; and what
 * it keeps, percent-encoded again, parses back to the same entries. */
/* otel-test: internal */
#include "common/arena.h"
#include "common/resource.h"
#include "common/strutil.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    otel_set_log_level(OTEL_LOG_NONE);
    otel__arena a;
    otel__arena_init(&a, NULL, 0);
    otel_attr *attrs = NULL, *again = NULL;
    size_t n = 0, n2 = 0, commas = 0;
    for (size_t i = 0; i < size; i++) commas += data[i] == ',';
    if (otel__resource_parse_env((const char *)data, size, &attrs, &n, &a) == OTEL_OK) {
        FUZZ_CHECK(n <= commas + 1);
        size_t cap = 1;
        for (size_t i = 0; i < n; i++) {
            FUZZ_CHECK(attrs[i].key_len > 0 && attrs[i].type == OTEL_VALUE_STRING);
            FUZZ_CHECK(otel__utf8_valid(attrs[i].key, attrs[i].key_len));
            FUZZ_CHECK(otel__utf8_valid(attrs[i].ptr, attrs[i].len));
            cap += 3 * (attrs[i].key_len + attrs[i].len) + 2;
        }
        char *enc = malloc(cap);
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            if (i) enc[o++] = ',';
            o += fuzz_pct_encode(attrs[i].key, attrs[i].key_len, enc + o);
            enc[o++] = '=';
            o += fuzz_pct_encode(attrs[i].ptr, attrs[i].len, enc + o);
        }
        FUZZ_CHECK(otel__resource_parse_env(enc, o, &again, &n2, &a) == OTEL_OK);
        FUZZ_CHECK(n2 == n);
        for (size_t i = 0; i < n; i++) {
            FUZZ_CHECK(again[i].key_len == attrs[i].key_len && again[i].len == attrs[i].len);
            FUZZ_CHECK(memcmp(again[i].key, attrs[i].key, attrs[i].key_len) == 0);
            FUZZ_CHECK(memcmp(again[i].ptr, attrs[i].ptr, attrs[i].len) == 0);
        }
        free(enc);
    }
    otel__arena_free(&a);
    return 0;
}
