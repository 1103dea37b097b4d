/* The TraceState API: parsing is idempotent (an invalid list comes out
 * empty), and set/delete keep a valid, bounded list. The first line is the header, the second a key, the third
 * a value. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    size_t hlen = nl ? (size_t)(nl - s) : size;
    static char a[OTEL_TRACESTATE_MAX + 1], b[OTEL_TRACESTATE_MAX + 1];
    size_t alen, blen;
    otel_status st = otel_tracestate_parse(s, hlen, a, sizeof a, &alen);
    /* an invalid list is discarded whole: "" and OTEL_ERR_PARSE */
    FUZZ_CHECK(st == OTEL_OK || (st == OTEL_ERR_PARSE && alen == 0 && a[0] == '\0'));
    FUZZ_CHECK(strlen(a) == alen);
    FUZZ_CHECK(otel_tracestate_parse(a, alen, b, sizeof b, &blen) == OTEL_OK);
    FUZZ_CHECK(alen == blen && memcmp(a, b, alen) == 0);
    if (nl) {
        char key[300] = "", value[300] = "";
        const char *rest = nl + 1, *end = s + size;
        const char *nl2 = memchr(rest, '\n', (size_t)(end - rest));
        size_t klen = (size_t)((nl2 ? nl2 : end) - rest);
        if (klen < sizeof key) {
            memcpy(key, rest, klen);
            key[klen] = '\0';
            if (nl2) {
                size_t vlen = (size_t)(end - nl2 - 1);
                if (vlen < sizeof value) {
                    memcpy(value, nl2 + 1, vlen);
                    value[vlen] = '\0';
                }
            }
            if (strlen(key) == klen && otel_tracestate_set(a, alen, key, value, b, sizeof b, &blen) == OTEL_OK) {
                const char *v;
                size_t vl;
                FUZZ_CHECK(otel_tracestate_get(b, blen, key, &v, &vl) == OTEL_OK);
                FUZZ_CHECK(vl == strlen(value) && memcmp(v, value, vl) == 0);
                FUZZ_CHECK(otel_tracestate_delete(b, blen, key, a, sizeof a, &alen) == OTEL_OK);
                FUZZ_CHECK(otel_tracestate_get(a, alen, key, &v, &vl) == OTEL_ERR_NOT_FOUND);
            }
        }
    }
    return 0;
}
