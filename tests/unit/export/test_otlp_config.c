/* otel-test: internal */
/* OTEL_EXPORTER_OTLP_* parsing: headers, endpoint rules, per-signal
 * precedence, and that no secret survives into a message. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/redact.h"
#include "export/otlp_config.h"
#include "otel/otel.h"

static otel__otlp_header *h;
static size_t nh;

static void reset_headers(void) {
    otel__otlp_headers_free(h, nh);
    h = NULL;
    nh = 0;
}

START_TEST(test_headers_parse_baggage_format) {
    const char *v = " api-key = s3cr3t%20value , X-Tenant=acme,empty=,dup=1,Dup=2 ";
    ck_assert_int_eq(otel__otlp_parse_headers(v, strlen(v), "T", &h, &nh), OTEL_OK);
    ck_assert_uint_eq(nh, 4);
    ck_assert_str_eq(h[0].name, "api-key");
    ck_assert_str_eq(h[0].value, "s3cr3t value");
    ck_assert_str_eq(h[1].name, "X-Tenant");
    ck_assert_str_eq(h[1].value, "acme");
    ck_assert_str_eq(h[2].name, "empty");
    ck_assert_str_eq(h[2].value, "");
    ck_assert_str_eq(h[3].value, "2"); /* a later duplicate wins */
    reset_headers();
}
END_TEST

START_TEST(test_headers_skip_malformed_entries) {
    const char *v = "noequals,bad key=1,=nokey,ok=yes,inj=a%0D%0Ab,pct=%zz,Content-Type=x,k=v;prop";
    ck_assert_int_eq(otel__otlp_parse_headers(v, strlen(v), "T", &h, &nh), OTEL_OK);
    ck_assert_uint_eq(nh, 2);
    ck_assert_str_eq(h[0].name, "ok");
    ck_assert_str_eq(h[1].name, "k");
    ck_assert_str_eq(h[1].value, "v"); /* baggage properties are dropped */
    reset_headers();
    ck_assert_int_eq(otel__otlp_parse_headers("", 0, "T", &h, &nh), OTEL_OK);
    ck_assert_uint_eq(nh, 0);
}
END_TEST

static void url_is(int signal, int proto, const char *sig, const char *gen, int insecure,
                   const char *want) {
    const char *err;
    char *u = otel__otlp_resolve_url(signal, proto, sig, gen, insecure, &err);
    ck_assert_msg(u != NULL, "no URL for %s/%s: %s", sig ? sig : "-", gen ? gen : "-",
                  err ? err : "?");
    ck_assert_str_eq(u, want);
    free(u);
}

START_TEST(test_http_endpoint_rules) {
    url_is(0, OTEL__OTLP_HTTP_PROTOBUF, NULL, NULL, 0, "http://localhost:4318/v1/traces");
    url_is(0, OTEL__OTLP_HTTP_PROTOBUF, NULL, "http://c:4318", 0, "http://c:4318/v1/traces");
    url_is(0, OTEL__OTLP_HTTP_PROTOBUF, NULL, "http://c:4318/", 0, "http://c:4318/v1/traces");
    url_is(1, OTEL__OTLP_HTTP_JSON, NULL, "https://c/base", 0, "https://c/base/v1/metrics");
    url_is(2, OTEL__OTLP_HTTP_PROTOBUF, NULL, "https://c/base/", 0, "https://c/base/v1/logs");
    /* per signal: as is; an empty path becomes "/" */
    url_is(0, OTEL__OTLP_HTTP_PROTOBUF, "http://c:4318/custom", NULL, 0, "http://c:4318/custom");
    url_is(0, OTEL__OTLP_HTTP_PROTOBUF, "http://c:4318", NULL, 0, "http://c:4318/");
    url_is(0, OTEL__OTLP_HTTP_PROTOBUF, "http://c:4318?x=1", NULL, 0, "http://c:4318/?x=1");
    const char *err;
    ck_assert_ptr_null(otel__otlp_resolve_url(0, OTEL__OTLP_HTTP_PROTOBUF, "localhost:4318", NULL, 0, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_null(otel__otlp_resolve_url(0, OTEL__OTLP_HTTP_PROTOBUF, NULL, "ftp://x", 0, &err));
}
END_TEST

START_TEST(test_grpc_endpoint_rules) {
    const char *m = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    char want[256];
    snprintf(want, sizeof want, "http://localhost:4317%s", m);
    url_is(0, OTEL__OTLP_GRPC, NULL, NULL, 0, want);
    snprintf(want, sizeof want, "https://c:4317%s", m);
    url_is(0, OTEL__OTLP_GRPC, NULL, "https://c:4317", 0, want);
    url_is(0, OTEL__OTLP_GRPC, "c:4317", NULL, 0, want); /* scheme-less: TLS unless insecure */
    snprintf(want, sizeof want, "http://c:4317%s", m);
    url_is(0, OTEL__OTLP_GRPC, "c:4317", NULL, 1, want);
    url_is(0, OTEL__OTLP_GRPC, NULL, "http://c:4317/", 1, want);
    url_is(1, OTEL__OTLP_GRPC, NULL, "http://c:4317", 0,
           "http://c:4317/opentelemetry.proto.collector.metrics.v1.MetricsService/Export");
}
END_TEST

START_TEST(test_config_per_signal_wins_over_generic) {
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_EXPORTER_OTLP_ENDPOINT", "http://generic:4318");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:9999/t");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "HTTP/JSON");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_TIMEOUT", "2500");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_HEADERS", "a=1");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=2222");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_CERTIFICATE", "/ca.pem");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", "/key.pem");
    otel_options_set(o, "OTEL_CORE_EXPORTER_OTLP_MAX_REQUEST_BYTES", "100000");
    otel__otlp_config c;
    ck_assert_int_eq(otel__otlp_config_load(&c, o, OTEL__OTLP_TRACES), OTEL_OK);
    ck_assert_str_eq(c.url, "http://traces:9999/t");
    ck_assert_int_eq(c.protocol, OTEL__OTLP_HTTP_JSON);
    ck_assert_int_eq(c.gzip, 1);
    ck_assert_uint_eq(c.timeout_ms, 2500);
    ck_assert_uint_eq(c.n_headers, 1);
    ck_assert_str_eq(c.headers[0].name, "b");
    ck_assert_str_eq(c.ca_file, "/ca.pem");
    ck_assert_str_eq(c.client_key, "/key.pem");
    ck_assert_ptr_null(c.client_cert);
    ck_assert_uint_eq(c.max_request_bytes, 100000);
    ck_assert_uint_eq(c.max_response_bytes, 4u << 20);
    otel__otlp_config_free(&c);
    /* metrics see the generic values */
    ck_assert_int_eq(otel__otlp_config_load(&c, o, OTEL__OTLP_METRICS), OTEL_OK);
    ck_assert_int_eq(c.protocol, OTEL__OTLP_GRPC);
    ck_assert_str_eq(c.url,
                     "http://generic:4318/opentelemetry.proto.collector.metrics.v1.MetricsService/Export");
    otel__otlp_config_free(&c);
    otel_options_free(o);
}
END_TEST

START_TEST(test_config_defaults_and_bad_values) {
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_EXPORTER_OTLP_TIMEOUT", "-5");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_COMPRESSION", "brotli");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon");
    otel__otlp_config c;
    ck_assert_int_eq(otel__otlp_config_load(&c, o, OTEL__OTLP_TRACES), OTEL_OK);
    ck_assert_int_eq(c.protocol, OTEL__OTLP_HTTP_PROTOBUF);
    ck_assert_int_eq(c.gzip, 0);
    ck_assert_uint_eq(c.timeout_ms, 10000);
    ck_assert_str_eq(c.url, "http://localhost:4318/v1/traces");
    otel__otlp_config_free(&c);
    otel_options_set(o, "OTEL_EXPORTER_OTLP_ENDPOINT", "not a url");
    ck_assert_int_eq(otel__otlp_config_load(&c, o, OTEL__OTLP_TRACES), OTEL_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(otel_last_error(), "OTEL_EXPORTER_OTLP_ENDPOINT"));
    otel_options_free(o);
}
END_TEST

START_TEST(test_secrets_never_shown) {
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_EXPORTER_OTLP_ENDPOINT", "https://user:hunter2pw@c:4318/p?token=abc");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20topsecret");
    otel__otlp_config c;
    ck_assert_int_eq(otel__otlp_config_load(&c, o, OTEL__OTLP_TRACES), OTEL_OK);
    ck_assert_str_eq(c.display_url, "https://c:4318/p/v1/traces");
    char full[256], msg[256];
    int n = snprintf(full, sizeof full, "failed: %s says Bearer topsecret and hunter2pw", c.url);
    otel__redact(msg, sizeof msg, full, (size_t)n);
    ck_assert_ptr_null(strstr(msg, "hunter2pw"));
    ck_assert_ptr_null(strstr(msg, "topsecret"));
    ck_assert_ptr_nonnull(strstr(msg, "[REDACTED]"));
    /* a tiny buffer is cut, never overflowed, and still holds no secret */
    char small[16];
    otel__redact(small, sizeof small, "xx hunter2pw yy", 15);
    ck_assert_ptr_null(strstr(small, "hunter2"));
    ck_assert_str_eq(small, "xx [REDACTED] y");
    otel__otlp_config_free(&c);
    /* freed: no longer a secret */
    otel__redact(msg, sizeof msg, "hunter2pw", 9);
    ck_assert_str_eq(msg, "hunter2pw");
    otel_options_free(o);
}
END_TEST

START_TEST(test_environment_is_the_fallback) {
    setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://fromenv:1234/x", 1);
    setenv("OTEL_EXPORTER_OTLP_INSECURE", "true", 1);
    otel__otlp_config c;
    ck_assert_int_eq(otel__otlp_config_load(&c, NULL, OTEL__OTLP_TRACES), OTEL_OK);
    ck_assert_str_eq(c.url, "http://fromenv:1234/x");
    otel__otlp_config_free(&c);
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://code:1/y");
    ck_assert_int_eq(otel__otlp_config_load(&c, o, OTEL__OTLP_TRACES), OTEL_OK);
    ck_assert_str_eq(c.url, "http://code:1/y");
    otel__otlp_config_free(&c);
    otel_options_set(o, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "c:4317");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    ck_assert_int_eq(otel__otlp_config_load(&c, o, OTEL__OTLP_TRACES), OTEL_OK);
    ck_assert_ptr_nonnull(strstr(c.url, "http://c:4317/"));
    otel__otlp_config_free(&c);
    otel_options_free(o);
}
END_TEST

int main(void) {
    Suite *s = suite_create("otlp_config");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, test_headers_parse_baggage_format);
    tcase_add_test(tc, test_headers_skip_malformed_entries);
    tcase_add_test(tc, test_http_endpoint_rules);
    tcase_add_test(tc, test_grpc_endpoint_rules);
    tcase_add_test(tc, test_config_per_signal_wins_over_generic);
    tcase_add_test(tc, test_config_defaults_and_bad_values);
    tcase_add_test(tc, test_secrets_never_shown);
    tcase_add_test(tc, test_environment_is_the_fallback);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
