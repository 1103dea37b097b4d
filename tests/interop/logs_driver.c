/* Drives the logs SDK for tests/interop/logs_interop.py: one record per
 * body type (string, bool, int, double, bytes, array, nested map), with
 * severity, severity text, event name, attributes and timestamps, one of
 * them inside a sampled span, exported over OTLP (endpoint and protocol
 * from the environment) through the batch processor's shutdown. Prints the
 * span's ids and the provider's stats. */
#include <otel/otel.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    otel_options *opts;
    otel_options_new(&opts);
    otel_options_set(opts, "OTEL_SERVICE_NAME", "logs-interop");
    otel_options_set(opts, "OTEL_TRACES_SAMPLER", "always_on");
    otel_logger_provider *lp;
    if (otel_logger_provider_new(&lp, opts) != OTEL_OK) {
        fprintf(stderr, "driver: %s\n", otel_last_error());
        return 1;
    }
    otel_options_set(opts, "OTEL_TRACES_EXPORTER", "none");
    otel_tracer_provider *tp;
    if (otel_tracer_provider_new(&tp, opts) != OTEL_OK) {
        fprintf(stderr, "driver: %s\n", otel_last_error());
        return 1;
    }
    otel_options_free(opts);
    otel_attr scope[] = {OTEL_ATTR_STR("interop.lib", "c")};
    const char *url = "https://opentelemetry.io/schemas/1.26.0";
    otel_logger *lg = otel_logger_provider_get_logger_n(lp, "interop.logger", 14, "3.1", 3, url, strlen(url),
                                                        scope, 1);
    uint8_t raw[] = {0xde, 0xad, 0xbe, 0xef};
    otel_attr arr[] = {OTEL_ATTR_I64("", 1), OTEL_ATTR_STR("", "two"), OTEL_ATTR_BOOL("", 1)};
    otel_attr inner[] = {OTEL_ATTR_F64("ratio", 0.5)};
    otel_attr map[] = {OTEL_ATTR_STR("user", "ada"), {"nested", 6, OTEL_VALUE_MAP, 0, 0, 0.0, inner, 1}};
    otel_attr bodies[] = {
        OTEL_ATTR_STR("", "string body"),
        OTEL_ATTR_BOOL("", 1),
        OTEL_ATTR_I64("", -7),
        OTEL_ATTR_F64("", 2.25),
        {NULL, 0, OTEL_VALUE_BYTES, 0, 0, 0.0, raw, sizeof raw},
        {NULL, 0, OTEL_VALUE_ARRAY, 0, 0, 0.0, arr, 3},
        {NULL, 0, OTEL_VALUE_MAP, 0, 0, 0.0, map, 2},
    };
    const char *kinds[] = {"string", "bool", "int", "double", "bytes", "array", "map"};
    for (int i = 0; i < 7; i++) {
        otel_log_record *r = otel_logger_record_new(lg);
        otel_log_record_set_timestamp(r, 1700000000000000000ull + (uint64_t)i);
        otel_log_record_set_severity(r, OTEL_SEVERITY_INFO + i % 4);
        otel_log_record_set_severity_text(r, "INFO", 4);
        otel_log_record_set_body(r, &bodies[i]);
        otel_attr a[] = {OTEL_ATTR_STR("kind", kinds[i]), OTEL_ATTR_I64("index", i)};
        otel_log_record_set_attrs(r, a, 2);
        otel_logger_emit(lg, r);
    }
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "interop.tracer", NULL, NULL);
    otel_span *s = otel_tracer_start_span(t, "request", OTEL_SPAN_KIND_SERVER, NULL);
    otel_context *ctx = otel_context_with_span(NULL, s);
    uint64_t tok = otel_context_attach(ctx);
    otel_log_record *r = otel_logger_record_new(lg);
    otel_log_record_set_severity(r, OTEL_SEVERITY_ERROR);
    otel_log_record_set_severity_text(r, "ERROR", 5);
    otel_log_record_set_event_name(r, "interop.failure", 15);
    otel_log_record_set_body_str(r, "inside the span", 15);
    otel_logger_emit(lg, r);
    otel_context_detach(tok);
    otel_context_release(ctx);
    otel_span_context sc;
    otel_span_get_context(s, &sc);
    otel_span_end(s);
    char hex[33];
    for (int i = 0; i < 16; i++) sprintf(hex + 2 * i, "%02x", sc.trace_id[i]);
    printf("trace_id=%s ", hex);
    for (int i = 0; i < 8; i++) sprintf(hex + 2 * i, "%02x", sc.span_id[i]);
    printf("span_id=%s flags=%u ", hex, (unsigned)sc.trace_flags);
    otel_status st = otel_logger_provider_shutdown(lp, 10000);
    uint64_t v[OTEL_LOG_STAT__COUNT];
    otel_logger_provider_get_stats(lp, v, OTEL_LOG_STAT__COUNT);
    printf("shutdown=%d emitted=%llu exported=%llu export_errors=%llu\n", (int)st,
           (unsigned long long)v[OTEL_LOG_STAT_RECORDS_EMITTED], (unsigned long long)v[OTEL_LOG_STAT_RECORDS_EXPORTED],
           (unsigned long long)v[OTEL_LOG_STAT_EXPORT_ERRORS]);
    otel_logger_provider_release(lp);
    otel_tracer_provider_shutdown(tp, 1000);
    otel_tracer_provider_release(tp);
    return st == OTEL_OK ? 0 : 2;
}
