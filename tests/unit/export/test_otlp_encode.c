/* otel-test: internal */
/* The OTLP encoders: what the protobuf writer produces is decoded with
 * protobuf-c and compared field by field with what the spans hold; it is
 * also byte-identical to protobuf-c's own packing of the decoded message
 * (so it is canonical). The JSON encoder is checked for the specification's
 * JSON rules. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export/otlp_encode.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h"
#include "otel/otel.h"
#include "otlp_fixture.h"

typedef Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest Req;
typedef Opentelemetry__Proto__Trace__V1__Span PbSpan;
typedef Opentelemetry__Proto__Common__V1__KeyValue PbKV;
typedef Opentelemetry__Proto__Common__V1__AnyValue PbAny;
#define UNPACK(len, p) \
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(NULL, len, p)
#define FREE_REQ(r) \
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(r, NULL)

static otel_tracer_provider *tp;
static otel_exporter *mem;
static unsigned id_counter;
static const otel_span_data *spans[4096];
static size_t n_spans;

static void setup(void) {
    otel_options *o;
    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    id_counter = 0;
    fix_options(o, &id_counter);
    ck_assert_int_eq(otel_exporter_in_memory_new(&mem), OTEL_OK);
    otel_processor *p;
    ck_assert_int_eq(otel_processor_simple_new(&p, mem), OTEL_OK);
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    n_spans = 0;
}

static void collect(void) {
    n_spans = otel_exporter_in_memory_count(mem);
    ck_assert_uint_le(n_spans, sizeof spans / sizeof *spans);
    for (size_t i = 0; i < n_spans; i++) spans[i] = otel_exporter_in_memory_get(mem, i);
}

static void teardown(void) {
    for (size_t i = 0; i < n_spans; i++) otel_span_data_release(spans[i]);
    otel_tracer_provider_shutdown(tp, 1000);
    otel_tracer_provider_release(tp);
    otel_exporter_release(mem);
}

static PbSpan *find_span(Req *r, const char *name) {
    for (size_t i = 0; i < r->n_resource_spans; i++)
        for (size_t j = 0; j < r->resource_spans[i]->n_scope_spans; j++)
            for (size_t k = 0; k < r->resource_spans[i]->scope_spans[j]->n_spans; k++) {
                PbSpan *s = r->resource_spans[i]->scope_spans[j]->spans[k];
                if (strcmp(s->name, name) == 0) return s;
            }
    return NULL;
}

static PbAny *find_attr(PbKV **kv, size_t n, const char *key) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(kv[i]->key, key) == 0) return kv[i]->value;
    return NULL;
}

#define CASE(c) OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_##c

static Req *encode_and_unpack(otel__otlp_encoder *e, const uint8_t **out, size_t *len) {
    ck_assert_int_eq(otel__otlp_encode_traces_proto(e, spans, n_spans, out, len), OTEL_OK);
    Req *r = UNPACK(*len, *out);
    ck_assert_ptr_nonnull(r);
    return r;
}

START_TEST(test_proto_decodes_field_by_field) {
    fix_emit(tp);
    collect();
    ck_assert_uint_eq(n_spans, 3);
    otel__otlp_encoder e;
    otel__otlp_encoder_init(&e, 0);
    const uint8_t *out;
    size_t len;
    Req *r = encode_and_unpack(&e, &out, &len);

    ck_assert_uint_eq(r->n_resource_spans, 1);
    Opentelemetry__Proto__Trace__V1__ResourceSpans *rs = r->resource_spans[0];
    ck_assert_ptr_nonnull(rs->resource);
    PbAny *svc = find_attr(rs->resource->attributes, rs->resource->n_attributes, "service.name");
    ck_assert_ptr_nonnull(svc);
    ck_assert_str_eq(svc->string_value, "otlp-fixture");
    PbAny *env = find_attr(rs->resource->attributes, rs->resource->n_attributes,
                           "deployment.environment");
    ck_assert_ptr_nonnull(env);
    ck_assert_str_eq(env->string_value, "test");
    ck_assert_uint_eq(rs->n_scope_spans, 2);
    /* scopes in order of first appearance: the child ends first */
    Opentelemetry__Proto__Trace__V1__ScopeSpans *ss = rs->scope_spans[0];
    ck_assert_str_eq(ss->scope->name, "fixture.scope");
    ck_assert_str_eq(ss->scope->version, "1.2.3");
    ck_assert_str_eq(ss->schema_url, FIX_SCHEMA_URL);
    ck_assert_uint_eq(ss->scope->n_attributes, 1);
    ck_assert_str_eq(ss->scope->attributes[0]->key, "scope.attr");
    ck_assert_str_eq(ss->scope->attributes[0]->value->string_value, "yes");
    ck_assert_uint_eq(ss->n_spans, 2);
    ck_assert_str_eq(ss->spans[0]->name, "child-span");
    ck_assert_str_eq(ss->spans[1]->name, "full-span");
    ck_assert_str_eq(rs->scope_spans[1]->scope->name, "other.scope");
    ck_assert_str_eq(rs->scope_spans[1]->scope->version, "");
    ck_assert_str_eq(rs->scope_spans[1]->schema_url, "");

    PbSpan *s = find_span(r, "full-span");
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(s->trace_id.len, 16);
    ck_assert_mem_eq(s->trace_id.data, fix_parent_trace, 16);
    ck_assert_uint_eq(s->span_id.len, 8);
    otel_span_context sc;
    otel_span_data_context(spans[1], &sc);
    ck_assert_mem_eq(s->span_id.data, sc.span_id, 8);
    ck_assert_uint_eq(s->parent_span_id.len, 8);
    ck_assert_mem_eq(s->parent_span_id.data, fix_parent_span, 8);
    ck_assert_str_eq(s->trace_state, "rojo=00f067aa0ba902b7");
    ck_assert_uint_eq(s->flags, 0x301); /* sampled, has-is-remote, parent remote */
    ck_assert_int_eq(s->kind, 2);
    ck_assert_uint_eq(s->start_time_unix_nano, FIX_START_NS);
    ck_assert_uint_eq(s->end_time_unix_nano, FIX_START_NS + FIX_DURATION_NS);
    ck_assert_uint_eq(s->n_attributes, 16);
    ck_assert_uint_eq(s->dropped_attributes_count, 1);

    PbAny *a = find_attr(s->attributes, s->n_attributes, "str");
    ck_assert_int_eq(a->value_case, CASE(STRING_VALUE));
    ck_assert_str_eq(a->string_value, "value \"quoted\"\n");
    a = find_attr(s->attributes, s->n_attributes, "str.empty");
    ck_assert_int_eq(a->value_case, CASE(STRING_VALUE)); /* oneof: present though empty */
    ck_assert_str_eq(a->string_value, "");
    a = find_attr(s->attributes, s->n_attributes, "bool.true");
    ck_assert_int_eq(a->value_case, CASE(BOOL_VALUE));
    ck_assert_int_eq(a->bool_value, 1);
    a = find_attr(s->attributes, s->n_attributes, "bool.false");
    ck_assert_int_eq(a->value_case, CASE(BOOL_VALUE));
    ck_assert_int_eq(a->bool_value, 0);
    a = find_attr(s->attributes, s->n_attributes, "int.neg");
    ck_assert_int_eq(a->value_case, CASE(INT_VALUE));
    ck_assert_int_eq(a->int_value, -42);
    a = find_attr(s->attributes, s->n_attributes, "int.max");
    ck_assert_int_eq(a->int_value, INT64_MAX);
    a = find_attr(s->attributes, s->n_attributes, "int.zero");
    ck_assert_int_eq(a->value_case, CASE(INT_VALUE));
    ck_assert_int_eq(a->int_value, 0);
    a = find_attr(s->attributes, s->n_attributes, "double");
    ck_assert_int_eq(a->value_case, CASE(DOUBLE_VALUE));
    ck_assert(a->double_value == 3.25);
    a = find_attr(s->attributes, s->n_attributes, "double.zero");
    ck_assert_int_eq(a->value_case, CASE(DOUBLE_VALUE));
    a = find_attr(s->attributes, s->n_attributes, "arr.str");
    ck_assert_int_eq(a->value_case, CASE(ARRAY_VALUE));
    ck_assert_uint_eq(a->array_value->n_values, 3);
    ck_assert_str_eq(a->array_value->values[0]->string_value, "a");
    ck_assert_int_eq(a->array_value->values[1]->value_case, CASE(STRING_VALUE));
    ck_assert_str_eq(a->array_value->values[1]->string_value, "");
    ck_assert_str_eq(a->array_value->values[2]->string_value, "\xc3\xbc");
    a = find_attr(s->attributes, s->n_attributes, "arr.bool");
    ck_assert_uint_eq(a->array_value->n_values, 2);
    ck_assert_int_eq(a->array_value->values[0]->bool_value, 1);
    ck_assert_int_eq(a->array_value->values[1]->value_case, CASE(BOOL_VALUE));
    ck_assert_int_eq(a->array_value->values[1]->bool_value, 0);
    a = find_attr(s->attributes, s->n_attributes, "arr.int");
    ck_assert_uint_eq(a->array_value->n_values, 3);
    ck_assert_int_eq(a->array_value->values[1]->int_value, -2);
    ck_assert_int_eq(a->array_value->values[2]->int_value, INT64_MIN);
    a = find_attr(s->attributes, s->n_attributes, "arr.double");
    ck_assert(a->array_value->values[1]->double_value == -0.25);
    a = find_attr(s->attributes, s->n_attributes, "arr.empty");
    ck_assert_int_eq(a->value_case, CASE(ARRAY_VALUE));
    ck_assert_uint_eq(a->array_value->n_values, 0);
    a = find_attr(s->attributes, s->n_attributes, "unicode");
    ck_assert_str_eq(a->string_value, "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80");
    ck_assert_ptr_null(find_attr(s->attributes, s->n_attributes, "dropped.by.limit"));

    ck_assert_uint_eq(s->n_events, 3);
    ck_assert_uint_eq(s->dropped_events_count, 1);
    ck_assert_str_eq(s->events[0]->name, "ev1");
    ck_assert_uint_eq(s->events[0]->time_unix_nano, FIX_START_NS + 10);
    ck_assert_uint_eq(s->events[0]->n_attributes, 1);
    ck_assert_str_eq(s->events[0]->attributes[0]->key, "ev.k");
    ck_assert_uint_eq(s->events[0]->dropped_attributes_count, 1);
    ck_assert_str_eq(s->events[2]->name, "ev3");

    ck_assert_uint_eq(s->n_links, 1);
    ck_assert_uint_eq(s->dropped_links_count, 1);
    ck_assert_mem_eq(s->links[0]->trace_id.data, fix_link_trace, 16);
    ck_assert_mem_eq(s->links[0]->span_id.data, fix_link_span, 8);
    ck_assert_str_eq(s->links[0]->trace_state, "vendor=x");
    ck_assert_uint_eq(s->links[0]->flags, 0x301);
    ck_assert_str_eq(s->links[0]->attributes[0]->key, "link.attr");
    ck_assert_int_eq(s->links[0]->attributes[0]->value->int_value, 7);

    ck_assert_ptr_nonnull(s->status);
    ck_assert_int_eq(s->status->code, 2);
    ck_assert_str_eq(s->status->message, "boom");

    PbSpan *c = find_span(r, "child-span");
    ck_assert_int_eq(c->kind, 3);
    ck_assert_mem_eq(c->parent_span_id.data, s->span_id.data, 8);
    ck_assert_mem_eq(c->trace_id.data, fix_parent_trace, 16);
    ck_assert_uint_eq(c->flags, 0x101); /* local parent */
    ck_assert_int_eq(c->status->code, 1);
    PbSpan *o = find_span(r, "other-scope-span");
    ck_assert_uint_eq(o->parent_span_id.len, 0);
    ck_assert_uint_eq(o->flags, 0x103); /* a root: sampled + W3C random */
    ck_assert_ptr_null(o->status); /* unset status: omitted */
    ck_assert_uint_eq(o->n_attributes, 0);

    /* canonical: protobuf-c packs the decoded message to the same bytes */
    size_t plen = opentelemetry__proto__collector__trace__v1__export_trace_service_request__get_packed_size(r);
    ck_assert_uint_eq(plen, len);
    uint8_t *pk = malloc(plen);
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__pack(r, pk);
    ck_assert_mem_eq(pk, out, len);
    free(pk);
    FREE_REQ(r);
    otel__otlp_encoder_free(&e);
}
END_TEST

START_TEST(test_proto_groups_by_resource_and_scope) {
    /* a second provider (another resource) interleaved with the first */
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_SERVICE_NAME", "second");
    otel_processor *p;
    otel_exporter *mem2;
    otel_exporter_in_memory_new(&mem2);
    otel_processor_simple_new(&p, mem2);
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    otel_tracer_provider *tp2;
    ck_assert_int_eq(otel_tracer_provider_new(&tp2, o), OTEL_OK);
    otel_options_free(o);
    otel_tracer *a = otel_tracer_provider_get_tracer(tp, "a", NULL, NULL);
    otel_tracer *b = otel_tracer_provider_get_tracer(tp, "b", NULL, NULL);
    otel_tracer *c = otel_tracer_provider_get_tracer(tp2, "c", NULL, NULL);
    fix_emit_minimal(a, 2);
    fix_emit_minimal(b, 1);
    fix_emit_minimal(a, 1);
    fix_emit_minimal(c, 2);
    collect();
    ck_assert_uint_eq(n_spans, 4);
    size_t n2 = otel_exporter_in_memory_count(mem2);
    ck_assert_uint_eq(n2, 2);
    /* interleave: a a c b c a */
    const otel_span_data *mix[6] = {spans[0], spans[1], otel_exporter_in_memory_get(mem2, 0),
                                    spans[2], otel_exporter_in_memory_get(mem2, 1), spans[3]};
    otel__otlp_encoder e;
    otel__otlp_encoder_init(&e, 0);
    const uint8_t *out;
    size_t len;
    ck_assert_int_eq(otel__otlp_encode_traces_proto(&e, mix, 6, &out, &len), OTEL_OK);
    Req *r = UNPACK(len, out);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->n_resource_spans, 2);
    ck_assert_uint_eq(r->resource_spans[0]->n_scope_spans, 2);
    ck_assert_str_eq(r->resource_spans[0]->scope_spans[0]->scope->name, "a");
    ck_assert_uint_eq(r->resource_spans[0]->scope_spans[0]->n_spans, 3);
    ck_assert_str_eq(r->resource_spans[0]->scope_spans[1]->scope->name, "b");
    ck_assert_uint_eq(r->resource_spans[1]->n_scope_spans, 1);
    ck_assert_uint_eq(r->resource_spans[1]->scope_spans[0]->n_spans, 2);
    /* order inside a group is batch order */
    ck_assert_uint_eq(r->resource_spans[0]->scope_spans[0]->spans[2]->start_time_unix_nano,
                      FIX_START_NS);
    FREE_REQ(r);
    /* the same encoder again: buffers are reused, the result is identical */
    const uint8_t *out2;
    size_t len2;
    ck_assert_int_eq(otel__otlp_encode_traces_proto(&e, mix, 6, &out2, &len2), OTEL_OK);
    ck_assert_uint_eq(len2, len);
    otel__otlp_encoder_free(&e);
    otel_span_data_release(mix[2]);
    otel_span_data_release(mix[4]);
    otel_tracer_provider_shutdown(tp2, 1000);
    otel_tracer_provider_release(tp2);
    otel_exporter_in_memory_reset(mem2);
    otel_exporter_release(mem2);
}
END_TEST

START_TEST(test_proto_over_limit_is_refused) {
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "big", NULL, NULL);
    fix_emit_attrs10(t, 200);
    collect();
    otel__otlp_encoder e;
    otel__otlp_encoder_init(&e, 4096);
    const uint8_t *out;
    size_t len;
    ck_assert_int_eq(otel__otlp_encode_traces_proto(&e, spans, n_spans, &out, &len), OTEL_ERR_LIMIT);
    ck_assert_int_eq(otel__otlp_encode_traces_json(&e, spans, n_spans, &out, &len), OTEL_ERR_LIMIT);
    /* a batch that fits still encodes with the same encoder */
    ck_assert_int_eq(otel__otlp_encode_traces_proto(&e, spans, 1, &out, &len), OTEL_OK);
    Req *r = UNPACK(len, out);
    ck_assert_ptr_nonnull(r);
    FREE_REQ(r);
    otel__otlp_encoder_free(&e);
}
END_TEST

START_TEST(test_proto_large_batch_grows_buffer) {
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "many", "9", NULL);
    fix_emit_attrs10(t, 3000);
    collect();
    otel__otlp_encoder e;
    otel__otlp_encoder_init(&e, 0);
    const uint8_t *out;
    size_t len;
    Req *r = encode_and_unpack(&e, &out, &len);
    ck_assert_uint_eq(r->resource_spans[0]->scope_spans[0]->n_spans, 3000);
    PbSpan *s = r->resource_spans[0]->scope_spans[0]->spans[2999];
    ck_assert_uint_eq(s->n_attributes, 10);
    ck_assert_str_eq(s->attributes[1]->value->string_value,
                     "https://shop.example.com/api/v1/cart/checkout?x=1");
    ck_assert_uint_eq(s->start_time_unix_nano, FIX_START_NS + 2999);
    FREE_REQ(r);
    otel__otlp_encoder_free(&e);
}
END_TEST

START_TEST(test_empty_batch_encodes_empty_request) {
    otel__otlp_encoder e;
    otel__otlp_encoder_init(&e, 0);
    const uint8_t *out;
    size_t len;
    ck_assert_int_eq(otel__otlp_encode_traces_proto(&e, spans, 0, &out, &len), OTEL_OK);
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(otel__otlp_encode_traces_json(&e, spans, 0, &out, &len), OTEL_OK);
    ck_assert_int_eq(memcmp(out, "{\"resourceSpans\":[]}", len), 0);
    otel__otlp_encoder_free(&e);
}
END_TEST

static int contains(const uint8_t *p, size_t len, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(p + i, needle, n) == 0) return 1;
    return 0;
}

START_TEST(test_json_follows_otlp_rules) {
    fix_emit(tp);
    collect();
    otel__otlp_encoder e;
    otel__otlp_encoder_init(&e, 0);
    const uint8_t *out;
    size_t len;
    ck_assert_int_eq(otel__otlp_encode_traces_json(&e, spans, n_spans, &out, &len), OTEL_OK);
    /* hex ids, lowercase */
    ck_assert(contains(out, len, "\"traceId\":\"5b8efff798038103d269b633813fc60c\""));
    ck_assert(contains(out, len, "\"parentSpanId\":\"eee19b7ec3c1b174\""));
    /* integer enums, 64-bit integers as strings, lowerCamelCase */
    ck_assert(contains(out, len, "\"kind\":2"));
    ck_assert(contains(out, len, "\"startTimeUnixNano\":\"1700000000123456789\""));
    ck_assert(contains(out, len, "{\"key\":\"int.neg\",\"value\":{\"intValue\":\"-42\"}}"));
    ck_assert(contains(out, len, "{\"intValue\":\"-9223372036854775808\"}"));
    ck_assert(contains(out, len, "{\"key\":\"double\",\"value\":{\"doubleValue\":3.25}}"));
    ck_assert(contains(out, len, "{\"key\":\"bool.false\",\"value\":{\"boolValue\":false}}"));
    ck_assert(contains(out, len, "{\"key\":\"str.empty\",\"value\":{\"stringValue\":\"\"}}"));
    ck_assert(contains(out, len, "{\"key\":\"arr.empty\",\"value\":{\"arrayValue\":{}}}"));
    ck_assert(contains(out, len, "\"droppedAttributesCount\":1"));
    ck_assert(contains(out, len, "\"droppedEventsCount\":1"));
    ck_assert(contains(out, len, "\"droppedLinksCount\":1"));
    ck_assert(contains(out, len, "\"status\":{\"message\":\"boom\",\"code\":2}"));
    ck_assert(contains(out, len, "\"flags\":769"));
    /* escapes */
    ck_assert(contains(out, len, "value \\\"quoted\\\"\\n"));
    ck_assert(contains(out, len, "tab\\there\\u0001"));
    ck_assert(contains(out, len, "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"));
    ck_assert(contains(out, len, "\"schemaUrl\":\"" FIX_SCHEMA_URL "\""));
    /* no snake_case key anywhere */
    ck_assert(!contains(out, len, "_"  "unix_nano"));
    ck_assert(!contains(out, len, "\n"));
    otel__otlp_encoder_free(&e);
}
END_TEST

START_TEST(test_json_string_escapes_and_repairs) {
    otel__buf b;
    otel__buf_init(&b, 0);
    otel__otlp_json_string(&b, "a\"b\\c\x1f\xff" "d\xc3", 9);
    ck_assert_uint_eq(b.len, strlen("\"a\\\"b\\\\c\\u001f\\ufffdd\\ufffd\""));
    ck_assert_int_eq(memcmp(b.p, "\"a\\\"b\\\\c\\u001f\\ufffdd\\ufffd\"", b.len), 0);
    b.len = 0;
    otel_attr nan = OTEL_ATTR_F64("x", NAN);
    otel__otlp_json_any_value(&b, &nan);
    ck_assert_int_eq(memcmp(b.p, "{\"doubleValue\":\"NaN\"}", b.len), 0);
    b.len = 0;
    otel_attr inf = OTEL_ATTR_F64("x", -INFINITY);
    otel__otlp_json_any_value(&b, &inf);
    ck_assert_int_eq(memcmp(b.p, "{\"doubleValue\":\"-Infinity\"}", b.len), 0);
    b.len = 0;
    otel_attr tenth = OTEL_ATTR_F64("x", 0.1);
    otel__otlp_json_any_value(&b, &tenth);
    ck_assert_int_eq(memcmp(b.p, "{\"doubleValue\":0.1}", b.len), 0);
    otel__buf_free(&b);
}
END_TEST

int main(void) {
    Suite *s = suite_create("otlp_encode");
    TCase *tc = tcase_create("encode");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_proto_decodes_field_by_field);
    tcase_add_test(tc, test_proto_groups_by_resource_and_scope);
    tcase_add_test(tc, test_proto_over_limit_is_refused);
    tcase_add_test(tc, test_proto_large_batch_grows_buffer);
    tcase_add_test(tc, test_empty_batch_encodes_empty_request);
    tcase_add_test(tc, test_json_follows_otlp_rules);
    tcase_add_test(tc, test_json_string_escapes_and_repairs);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
