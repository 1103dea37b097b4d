/* otel-test: internal */
/* Retry policy, gRPC framing and status handling, response decoding, gzip. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "export/gzip.h"
#include "export/otlp_decode.h"
#include "export/otlp_grpc_framing.h"
#include "export/otlp_retry.h"

START_TEST(test_http_retryable_statuses) {
    long yes[] = {429, 502, 503, 504};
    long no[] = {200, 400, 401, 403, 404, 408, 413, 500, 501, 505};
    for (size_t i = 0; i < 4; i++) ck_assert(otel__otlp_http_retryable(yes[i]));
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) ck_assert(!otel__otlp_http_retryable(no[i]));
}
END_TEST

START_TEST(test_grpc_retryable_codes) {
    int yes[] = {1, 4, 10, 11, 14, 15};
    int no[] = {0, 2, 3, 5, 6, 7, 9, 12, 13, 16};
    for (size_t i = 0; i < 6; i++) ck_assert(otel__grpc_code_retryable(yes[i], 0));
    for (size_t i = 0; i < 10; i++) ck_assert(!otel__grpc_code_retryable(no[i], 1));
    ck_assert(!otel__grpc_code_retryable(OTEL__GRPC_RESOURCE_EXHAUSTED, 0));
    ck_assert(otel__grpc_code_retryable(OTEL__GRPC_RESOURCE_EXHAUSTED, 1));
    ck_assert_str_eq(otel__grpc_code_name(14), "UNAVAILABLE");
    ck_assert_str_eq(otel__grpc_code_name(99), "UNKNOWN");
    ck_assert_int_eq(otel__grpc_status_from_http(503), OTEL__GRPC_UNAVAILABLE);
    ck_assert_int_eq(otel__grpc_status_from_http(404), OTEL__GRPC_UNIMPLEMENTED);
    ck_assert_int_eq(otel__grpc_status_from_http(500), OTEL__GRPC_UNKNOWN);
}
END_TEST

START_TEST(test_retry_after_seconds_and_dates) {
    uint64_t d;
    ck_assert(otel__otlp_parse_retry_after("3", 1, 0, &d));
    ck_assert_uint_eq(d, 3000000000ull);
    ck_assert(otel__otlp_parse_retry_after(" 0 ", 3, 0, &d));
    ck_assert_uint_eq(d, 0);
    /* Sun, 06 Nov 1994 08:49:37 GMT = 784111777 */
    const char *date = "Sun, 06 Nov 1994 08:49:37 GMT";
    ck_assert(otel__otlp_parse_retry_after(date, strlen(date), 784111770ull * 1000000000ull, &d));
    ck_assert_uint_eq(d, 7000000000ull);
    ck_assert(otel__otlp_parse_retry_after(date, strlen(date), 784111999ull * 1000000000ull, &d));
    ck_assert_uint_eq(d, 0); /* in the past */
    ck_assert(!otel__otlp_parse_retry_after("soon", 4, 0, &d));
    ck_assert(!otel__otlp_parse_retry_after("", 0, 0, &d));
    ck_assert(!otel__otlp_parse_retry_after("-1", 2, 0, &d));
}
END_TEST

START_TEST(test_backoff_grows_with_jitter_and_cap) {
    otel__otlp_backoff b;
    otel__otlp_backoff_init(&b, 100, 1000);
    uint64_t lo[] = {50, 100, 200, 400, 500, 500}, hi[] = {100, 200, 400, 800, 1000, 1000};
    for (int i = 0; i < 6; i++) {
        uint64_t d = otel__otlp_backoff_next(&b, 0, 0, (uint64_t)rand() * 7919u);
        ck_assert_uint_ge(d, lo[i]);
        ck_assert_uint_lt(d, hi[i]);
    }
    /* jitter: two draws differ */
    otel__otlp_backoff_init(&b, 1000000, 10000000);
    uint64_t a = otel__otlp_backoff_next(&b, 0, 0, 1);
    otel__otlp_backoff_init(&b, 1000000, 10000000);
    uint64_t c = otel__otlp_backoff_next(&b, 0, 0, 123457);
    ck_assert_uint_ne(a, c);
    /* a server delay is honoured (never shortened), then backoff continues from it */
    otel__otlp_backoff_init(&b, 100, 100000);
    uint64_t d = otel__otlp_backoff_next(&b, 1, 5000, 999);
    ck_assert_uint_ge(d, 5000);
    ck_assert_uint_lt(d, 5500);
    d = otel__otlp_backoff_next(&b, 0, 0, 0);
    ck_assert_uint_ge(d, 5000);
}
END_TEST

START_TEST(test_grpc_framing) {
    uint8_t h[5];
    otel__grpc_frame_header(h, 1, 0x01020304);
    ck_assert_int_eq(h[0], 1);
    ck_assert_int_eq(h[1], 1);
    ck_assert_int_eq(h[4], 4);
    uint8_t body[8] = {0, 0, 0, 0, 3, 'a', 'b', 'c'};
    int comp;
    const uint8_t *m;
    size_t ml;
    ck_assert_int_eq(otel__grpc_frame_parse(body, 8, &comp, &m, &ml), 1);
    ck_assert_uint_eq(ml, 3);
    ck_assert_int_eq(comp, 0);
    ck_assert_int_eq(otel__grpc_frame_parse(body, 0, &comp, &m, &ml), 0);
    ck_assert_int_eq(otel__grpc_frame_parse(body, 7, &comp, &m, &ml), -1);
    ck_assert_int_eq(otel__grpc_frame_parse(body, 3, &comp, &m, &ml), -1);
    body[0] = 7;
    ck_assert_int_eq(otel__grpc_frame_parse(body, 8, &comp, &m, &ml), -1);
    char v[16];
    otel__grpc_timeout_value(v, 1500000000ull);
    ck_assert_str_eq(v, "1500m");
    otel__grpc_timeout_value(v, 1);
    ck_assert_str_eq(v, "1m");
    otel__grpc_timeout_value(v, 200000000000000ull); /* 200000 s */
    ck_assert_str_eq(v, "200000S");
    char msg[32];
    otel__grpc_message_decode("bad%20thing%0Ahere", 18, msg, sizeof msg);
    ck_assert_str_eq(msg, "bad thing here");
}
END_TEST

START_TEST(test_decode_partial_success) {
    /* ExportTraceServiceResponse{partial_success{rejected_spans: 5, error_message: "nope"}} */
    const uint8_t pb[] = {0x0A, 0x08, 0x08, 0x05, 0x12, 0x04, 'n', 'o', 'p', 'e'};
    otel__otlp_partial p;
    ck_assert(otel__otlp_decode_partial_proto(pb, sizeof pb, &p));
    ck_assert(p.present);
    ck_assert_int_eq(p.rejected, 5);
    ck_assert_str_eq(p.message, "nope");
    ck_assert(otel__otlp_decode_partial_proto(pb, 0, &p));
    ck_assert(!p.present);
    ck_assert(!otel__otlp_decode_partial_proto(pb, 5, &p)); /* truncated */
    const char *js = "{\"partialSuccess\":{\"rejectedSpans\":\"12\",\"errorMessage\":\"bad \\\"x\\\"\"},"
                     "\"other\":[1,{\"a\":null}]}";
    ck_assert(otel__otlp_decode_partial_json(js, strlen(js), "rejectedSpans", &p));
    ck_assert(p.present);
    ck_assert_int_eq(p.rejected, 12);
    ck_assert_str_eq(p.message, "bad \"x\"");
    const char *js2 = "{\"partialSuccess\":{\"rejectedSpans\":3}}";
    ck_assert(otel__otlp_decode_partial_json(js2, strlen(js2), "rejectedSpans", &p));
    ck_assert_int_eq(p.rejected, 3);
    ck_assert(otel__otlp_decode_partial_json("{}", 2, "rejectedSpans", &p));
    ck_assert(!p.present);
    ck_assert(!otel__otlp_decode_partial_json("{\"partialSuccess\":{", 19, "rejectedSpans", &p));
    ck_assert(!otel__otlp_decode_partial_json("[[[[[[[[", 8, "rejectedSpans", &p));
}
END_TEST

START_TEST(test_decode_status_with_retry_info) {
    /* google.rpc.Status{code 8, message "slow", details [Any{type_url ".../google.rpc.RetryInfo",
     * value RetryInfo{retry_delay{seconds 2, nanos 500}}}]} */
    const char *type = "type.googleapis.com/google.rpc.RetryInfo";
    uint8_t ri[] = {0x0A, 0x05, 0x08, 0x02, 0x10, 0xF4, 0x03};
    uint8_t any[128];
    size_t n = 0, tl = strlen(type);
    any[n++] = 0x0A;
    any[n++] = (uint8_t)tl;
    memcpy(any + n, type, tl);
    n += tl;
    any[n++] = 0x12;
    any[n++] = sizeof ri;
    memcpy(any + n, ri, sizeof ri);
    n += sizeof ri;
    uint8_t st[256];
    size_t m = 0;
    st[m++] = 0x08;
    st[m++] = 8;
    st[m++] = 0x12;
    st[m++] = 4;
    memcpy(st + m, "slow", 4);
    m += 4;
    st[m++] = 0x1A;
    st[m++] = (uint8_t)n;
    memcpy(st + m, any, n);
    m += n;
    otel__otlp_rpc_status s;
    ck_assert(otel__otlp_decode_status_proto(st, m, &s));
    ck_assert_int_eq(s.code, 8);
    ck_assert_str_eq(s.message, "slow");
    ck_assert(s.has_retry_info);
    ck_assert_uint_eq(s.retry_delay_ns, 2000000500ull);
    /* the same through base64, as grpc-status-details-bin carries it (unpadded) */
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char b64[512];
    size_t o = 0;
    for (size_t i = 0; i < m; i += 3) {
        uint32_t v = (uint32_t)st[i] << 16 | (i + 1 < m ? (uint32_t)st[i + 1] << 8 : 0) |
                     (i + 2 < m ? st[i + 2] : 0);
        b64[o++] = tbl[v >> 18 & 63];
        b64[o++] = tbl[v >> 12 & 63];
        if (i + 1 < m) b64[o++] = tbl[v >> 6 & 63];
        if (i + 2 < m) b64[o++] = tbl[v & 63];
    }
    uint8_t raw[512];
    size_t rl = otel__base64_decode(b64, o, raw);
    ck_assert_uint_eq(rl, m);
    ck_assert_mem_eq(raw, st, m);
    ck_assert_uint_eq(otel__base64_decode("a*b", 3, raw), (size_t)-1);
    /* no RetryInfo when the detail is something else */
    st[m - n + 2 + tl - 9] = 'X'; /* corrupt "RetryInfo" in the type URL */
    ck_assert(otel__otlp_decode_status_proto(st, m, &s));
    ck_assert(!s.has_retry_info);
    const char *js = "{\"code\":3,\"message\":\"bad data\",\"details\":[]}";
    ck_assert(otel__otlp_decode_status_json(js, strlen(js), &s));
    ck_assert_int_eq(s.code, 3);
    ck_assert_str_eq(s.message, "bad data");
}
END_TEST

START_TEST(test_gzip_roundtrip_and_cap) {
    otel__gzip g;
    otel__gzip_init(&g, -1);
    size_t n = 200000;
    uint8_t *in = malloc(n);
    for (size_t i = 0; i < n; i++) in[i] = (uint8_t)("abcabcabd"[i % 9]);
    otel__buf z, out;
    otel__buf_init(&z, 0);
    otel__buf_init(&out, 0);
    for (int round = 0; round < 2; round++) { /* the deflate state is reused */
        z.len = 0;
        ck_assert_int_eq(otel__gzip_compress(&g, in, n, &z), OTEL_OK);
        ck_assert_uint_lt(z.len, n / 10);
        ck_assert_int_eq(z.p[0], 0x1f);
        ck_assert_int_eq(z.p[1], 0x8b);
        out.len = 0;
        ck_assert_int_eq(otel__gzip_decompress(z.p, z.len, &out), OTEL_OK);
        ck_assert_uint_eq(out.len, n);
        ck_assert_mem_eq(out.p, in, n);
    }
    otel__buf capped;
    otel__buf_init(&capped, 1000);
    ck_assert_int_eq(otel__gzip_decompress(z.p, z.len, &capped), OTEL_ERR_LIMIT);
    ck_assert_uint_le(capped.cap, 1000);
    otel__buf bad;
    otel__buf_init(&bad, 0);
    ck_assert_int_eq(otel__gzip_decompress(z.p, z.len / 2, &bad), OTEL_ERR_PARSE);
    uint8_t junk[] = {1, 2, 3, 4, 5};
    bad.len = 0;
    ck_assert_int_eq(otel__gzip_decompress(junk, 5, &bad), OTEL_ERR_PARSE);
    free(in);
    otel__buf_free(&z);
    otel__buf_free(&out);
    otel__buf_free(&capped);
    otel__buf_free(&bad);
    otel__gzip_free(&g);
}
END_TEST

START_TEST(test_decoders_survive_garbage) {
    /* random and mutated inputs: no crash, no read past the end (ASan) */
    static const uint8_t seed_pb[] = {0x0A, 0x08, 0x08, 0x05, 0x12, 0x04, 'n', 'o', 'p', 'e'};
    static const char seed_js[] = "{\"partialSuccess\":{\"rejectedSpans\":\"12\",\"errorMessage\":\"x\"}}";
    srand(12345);
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(rand() % 64);
        uint8_t *buf = malloc(n ? n : 1);
        int mode = rand() % 3;
        for (size_t i = 0; i < n; i++) {
            if (mode == 0) buf[i] = (uint8_t)rand();
            else if (mode == 1) buf[i] = i < sizeof seed_pb ? seed_pb[i] ^ (rand() % 7 == 0 ? (uint8_t)rand() : 0) : (uint8_t)rand();
            else buf[i] = (uint8_t)(i < sizeof seed_js - 1 ? seed_js[i] ^ (rand() % 9 == 0 ? (uint8_t)rand() : 0) : '}');
        }
        otel__otlp_partial p;
        otel__otlp_rpc_status st;
        otel__otlp_decode_partial_proto(buf, n, &p);
        otel__otlp_decode_status_proto(buf, n, &st);
        otel__otlp_decode_partial_json((const char *)buf, n, "rejectedSpans", &p);
        otel__otlp_decode_status_json((const char *)buf, n, &st);
        int comp;
        const uint8_t *m;
        size_t ml;
        otel__grpc_frame_parse(buf, n, &comp, &m, &ml);
        uint8_t out[64];
        otel__base64_decode((const char *)buf, n, out);
        char msg[16];
        otel__grpc_message_decode((const char *)buf, n, msg, sizeof msg);
        uint64_t d;
        otel__otlp_parse_retry_after((const char *)buf, n, 0, &d);
        free(buf);
    }
}
END_TEST

int main(void) {
    Suite *s = suite_create("otlp_retry");
    TCase *tc = tcase_create("retry");
    tcase_add_test(tc, test_http_retryable_statuses);
    tcase_add_test(tc, test_grpc_retryable_codes);
    tcase_add_test(tc, test_retry_after_seconds_and_dates);
    tcase_add_test(tc, test_backoff_grows_with_jitter_and_cap);
    tcase_add_test(tc, test_grpc_framing);
    tcase_add_test(tc, test_decode_partial_success);
    tcase_add_test(tc, test_decode_status_with_retry_info);
    tcase_add_test(tc, test_gzip_roundtrip_and_cap);
    tcase_add_test(tc, test_decoders_survive_garbage);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
