/* otel-test: internal */
/* The logs encoders: a batch from two loggers encoded as protobuf is
 * decoded with protobuf-c and compared field by field (every AnyValue
 * shape, severity, event name, trace ids, flags, dropped count, resource
 * and scope); the OTLP/JSON form is checked for the specification's
 * spellings; the file exporter writes one request per line, the console
 * exporter one line per record. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/otlp_buf.h"
#include "logs/internal.h"
#include "logs/logs_fixture.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb-c.h"

typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Logs__V1__LogRecord LogRecord;

static const otel_span_context SC = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
                                     {0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 1, 2}, 1, 0, {0}};

/* Two loggers, three records: a full one, a bare one, one of the other scope. */
static void emit_sample(lfx *f) {
    otel_logger *other = otel_logger_provider_get_logger(f->lp, "other", "2.0", "https://schema");
    uint8_t raw[] = {0, 0xff, 7};
    otel_str strs[] = {{"x", 1}, {"yz", 2}};
    otel_attr inner[] = {OTEL_ATTR_BOOL("ok", 1), OTEL_ATTR_F64("ratio", 0.25)};
    otel_attr arr[] = {OTEL_ATTR_I64("", 5), OTEL_ATTR_STR("", "five"), {NULL, 0, OTEL_VALUE_NONE, 0, 0, 0.0, NULL, 0}};
    otel_attr body[] = {OTEL_ATTR_STR("msg", "hello"), {"bytes", 5, OTEL_VALUE_BYTES, 0, 0, 0.0, raw, 3},
                        {"map", 3, OTEL_VALUE_MAP, 0, 0, 0.0, inner, 2},
                        {"arr", 3, OTEL_VALUE_ARRAY, 0, 0, 0.0, arr, 3},
                        OTEL_ATTR_ARRAY("strs", OTEL_VALUE_STRING_ARRAY, strs, 2)};
    otel_attr bodyv = {NULL, 0, OTEL_VALUE_MAP, 0, 0, 0.0, body, 5};
    otel_log_record *r = otel_logger_record_new(f->lg);
    otel_log_record_set_timestamp(r, 1000);
    otel_log_record_set_observed_timestamp(r, 2000);
    otel_log_record_set_severity(r, OTEL_SEVERITY_ERROR);
    otel_log_record_set_severity_text(r, "ERROR", 5);
    otel_log_record_set_event_name(r, "app.crash", 9);
    otel_log_record_set_body(r, &bodyv);
    otel_attr attrs[] = {OTEL_ATTR_STR("k", "v"), OTEL_ATTR_I64("n", 3)};
    otel_log_record_set_attrs(r, attrs, 2);
    otel_log_record_set_span_context(r, &SC);
    otel_logger_emit(f->lg, r);
    r = otel_logger_record_new(f->lg);
    otel_log_record_set_observed_timestamp(r, 3000);
    otel_logger_emit(f->lg, r);
    otel_logger_emit_str(other, OTEL_SEVERITY_INFO, "from other", NULL, 0);
}

static const otel_log_record *const *records(lfx *f, size_t *n) {
    static const otel_log_record *r[8];
    *n = otel_log_exporter_in_memory_count(f->mem);
    for (size_t i = 0; i < *n; i++) r[i] = lfx_get(f, i);
    return r;
}

START_TEST(test_protobuf_decodes_field_by_field) {
    lfx f;
    lfx_open(&f, fx_opts((const char *const[]){"OTEL_SERVICE_NAME", "enc-svc",
                                               "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "2", NULL}));
    emit_sample(&f);
    size_t n;
    const otel_log_record *const *r = records(&f, &n);
    ck_assert_uint_eq(n, 3);
    /* a third attribute over the limit of 2: dropped, counted on the wire */
    otel_attr extra = OTEL_ATTR_I64("extra", 1);
    otel_log_record_set_attrs((otel_log_record *)r[0], &extra, 1);
    uint8_t *buf;
    size_t len;
    ck_assert_int_eq(otel__logs_encode_proto(r, n, &buf, &len), OTEL_OK);
    Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest *req =
        opentelemetry__proto__collector__logs__v1__export_logs_service_request__unpack(NULL, len, buf);
    ck_assert_ptr_nonnull(req);
    ck_assert_uint_eq(req->n_resource_logs, 1);
    Opentelemetry__Proto__Logs__V1__ResourceLogs *rl = req->resource_logs[0];
    int found_service = 0;
    for (size_t i = 0; i < rl->resource->n_attributes; i++)
        if (!strcmp(rl->resource->attributes[i]->key, "service.name"))
            found_service = !strcmp(rl->resource->attributes[i]->value->string_value, "enc-svc");
    ck_assert(found_service);
    ck_assert_uint_eq(rl->n_scope_logs, 2);
    Opentelemetry__Proto__Logs__V1__ScopeLogs *s0 = rl->scope_logs[0], *s1 = rl->scope_logs[1];
    ck_assert_str_eq(s0->scope->name, "test");
    ck_assert_str_eq(s0->scope->version, "1.0");
    ck_assert_uint_eq(s0->n_log_records, 2);
    ck_assert_str_eq(s1->scope->name, "other");
    ck_assert_str_eq(s1->schema_url, "https://schema");
    ck_assert_uint_eq(s1->n_log_records, 1);
    ck_assert_str_eq(s1->log_records[0]->body->string_value, "from other");

    LogRecord *lr = s0->log_records[0];
    ck_assert_uint_eq(lr->time_unix_nano, 1000);
    ck_assert_uint_eq(lr->observed_time_unix_nano, 2000);
    ck_assert_int_eq(lr->severity_number, 17);
    ck_assert_str_eq(lr->severity_text, "ERROR");
    ck_assert_str_eq(lr->event_name, "app.crash");
    ck_assert_uint_eq(lr->trace_id.len, 16);
    ck_assert_int_eq(memcmp(lr->trace_id.data, SC.trace_id, 16), 0);
    ck_assert_uint_eq(lr->span_id.len, 8);
    ck_assert_int_eq(memcmp(lr->span_id.data, SC.span_id, 8), 0);
    ck_assert_uint_eq(lr->flags, 1);
    ck_assert_uint_eq(lr->n_attributes, 2);
    ck_assert_uint_eq(lr->dropped_attributes_count, 1);
    ck_assert_str_eq(lr->attributes[0]->key, "k");
    ck_assert_int_eq(lr->attributes[1]->value->int_value, 3);
    AnyValue *b = lr->body;
    ck_assert_int_eq(b->value_case, OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE);
    ck_assert_uint_eq(b->kvlist_value->n_values, 5);
    Opentelemetry__Proto__Common__V1__KeyValue **kv = b->kvlist_value->values;
    ck_assert_str_eq(kv[0]->value->string_value, "hello");
    ck_assert_int_eq(kv[1]->value->value_case, OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE);
    ck_assert_uint_eq(kv[1]->value->bytes_value.len, 3);
    ck_assert_int_eq(kv[1]->value->bytes_value.data[1], 0xff);
    ck_assert_int_eq(kv[2]->value->kvlist_value->values[0]->value->bool_value, 1);
    ck_assert(kv[2]->value->kvlist_value->values[1]->value->double_value == 0.25);
    ck_assert_uint_eq(kv[3]->value->array_value->n_values, 3);
    ck_assert_int_eq(kv[3]->value->array_value->values[2]->value_case,
                     OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE__NOT_SET);
    ck_assert_int_eq(kv[3]->value->array_value->values[0]->int_value, 5);
    ck_assert_str_eq(kv[3]->value->array_value->values[1]->string_value, "five");
    ck_assert_str_eq(kv[4]->value->array_value->values[1]->string_value, "yz");

    LogRecord *bare = s0->log_records[1];
    ck_assert_ptr_null(bare->body);
    ck_assert_uint_eq(bare->time_unix_nano, 0);
    ck_assert_uint_eq(bare->observed_time_unix_nano, 3000);
    ck_assert_uint_eq(bare->trace_id.len, 0); /* no span: no ids */
    ck_assert_uint_eq(bare->flags, 0);
    opentelemetry__proto__collector__logs__v1__export_logs_service_request__free_unpacked(req, NULL);
    free(buf);
    lfx_close(&f);
}
END_TEST

START_TEST(test_json_uses_the_specification_spellings) {
    lfx f;
    lfx_open(&f, NULL);
    emit_sample(&f);
    size_t n;
    const otel_log_record *const *r = records(&f, &n);
    otel__buf b;
    otel__buf_init(&b, SIZE_MAX);
    ck_assert_int_eq(otel__logs_encode_json(r, n, &b), OTEL_OK);
    otel__buf_putc(&b, '\0');
    const char *j = (const char *)b.p;
    const char *want[] = {"{\"resourceLogs\":[{\"resource\":{\"attributes\":[",
                          "\"scopeLogs\":[{\"scope\":{\"name\":\"test\",\"version\":\"1.0\"",
                          "\"timeUnixNano\":\"1000\"", "\"observedTimeUnixNano\":\"2000\"",
                          "\"severityNumber\":17", "\"severityText\":\"ERROR\"",
                          "\"eventName\":\"app.crash\"", "\"traceId\":\"0102030405060708090a0b0c0d0e0f10\"",
                          "\"spanId\":\"0a0b0c0d0e0f0102\"", "\"flags\":1",
                          "{\"key\":\"bytes\",\"value\":{\"bytesValue\":\"AP8H\"}}",
                          "{\"key\":\"map\",\"value\":{\"kvlistValue\":{\"values\":[{\"key\":\"ok\",\"value\":{\"boolValue\":true}}",
                          "{\"arrayValue\":{\"values\":[{\"intValue\":\"5\"},{\"stringValue\":\"five\"},{}]}}",
                          "\"schemaUrl\":\"https://schema\"", "\"body\":{\"stringValue\":\"from other\"}",
                          NULL};
    for (int i = 0; want[i]; i++) ck_assert_msg(strstr(j, want[i]), "missing %s in %s", want[i], j);
    otel__buf_free(&b);
    lfx_close(&f);
}
END_TEST

START_TEST(test_file_exporter_writes_one_request_per_line) {
    char path[] = "/tmp/otel-logs-file-XXXXXX"; /* mkstemp's template */
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    otel_log_exporter *e;
    ck_assert_int_eq(otel_log_exporter_file_new(&e, path), OTEL_OK);
    otel_log_processor *p;
    ck_assert_int_eq(otel_log_processor_simple_new(&p, e), OTEL_OK);
    otel_logger_provider *lp;
    ck_assert_int_eq(otel_logger_provider_new_with(&lp, NULL, &p, 1), OTEL_OK);
    otel_log_processor_release(p);
    otel_logger *lg = otel_logger_provider_get_logger(lp, "file", NULL, NULL);
    otel_logger_emit_str(lg, 9, "one", NULL, 0);
    otel_logger_emit_str(lg, 9, "two", NULL, 0);
    otel_logger_provider_release(lp);
    otel_log_exporter_release(e);
    FILE *f = fopen(path, "r");
    char line[4096];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        ck_assert_ptr_nonnull(strstr(line, "{\"resourceLogs\":["));
        ck_assert_ptr_nonnull(strstr(line, lines ? "\"two\"" : "\"one\""));
        ck_assert_int_eq(line[strlen(line) - 1], '\n');
        lines++;
    }
    fclose(f);
    unlink(path);
    ck_assert_int_eq(lines, 2);
    ck_assert_int_eq(otel_log_exporter_file_new(&e, "/nonexistent-dir/x"), OTEL_ERR_IO);
}
END_TEST

START_TEST(test_console_exporter_prints_a_line_per_record) {
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    otel_log_exporter *e;
    ck_assert_int_eq(otel_log_exporter_console_new(&e, fds[1]), OTEL_OK);
    otel_log_processor *p;
    ck_assert_int_eq(otel_log_processor_simple_new(&p, e), OTEL_OK);
    otel_logger_provider *lp;
    ck_assert_int_eq(otel_logger_provider_new_with(&lp, NULL, &p, 1), OTEL_OK);
    otel_log_processor_release(p);
    otel_attr a[] = {OTEL_ATTR_STR("k", "v")};
    otel_logger_emit_str(otel_logger_provider_get_logger(lp, "console", NULL, NULL), OTEL_SEVERITY_WARN,
                         "careful", a, 1);
    otel_logger_provider_release(lp);
    otel_log_exporter_release(e);
    close(fds[1]);
    char out[1024] = "";
    ssize_t k = read(fds[0], out, sizeof out - 1);
    close(fds[0]);
    ck_assert_int_gt(k, 0);
    ck_assert_ptr_nonnull(strstr(out, "WARN [console]"));
    ck_assert_ptr_nonnull(strstr(out, "body={\"stringValue\":\"careful\"}"));
    ck_assert_ptr_nonnull(strstr(out, "attrs=1"));
}
END_TEST

FX_MAIN("log_encode", NULL, NULL, test_protobuf_decodes_field_by_field, test_json_uses_the_specification_spellings,
        test_file_exporter_writes_one_request_per_line, test_console_exporter_prints_a_line_per_record)
