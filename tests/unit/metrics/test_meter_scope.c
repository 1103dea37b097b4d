/* otel-test: internal */
/* Meter scopes: attributes as part of a meter's identity (a set, any
 * order, invalid ones dropped), read back from collected data, and on the
 * wire: InstrumentationScope attributes and schema URLs in protobuf
 * (decoded with protobuf-c) and in OTLP/JSON. */
#include <check.h>
#include <string.h>

#include "metrics_encode_fixture.h"
#include "metrics_fixture.h"
#include "otel/otel.h"
#include "trace/trace_fixture.h"

START_TEST(test_attributes_are_part_of_the_identity) {
    otel_meter_provider *mp = mx_provider(NULL, NULL);
    otel_attr ab[] = {OTEL_ATTR_STR("lib.kind", "db"), OTEL_ATTR_I64("lib.shard", 3)};
    otel_attr ba[] = {OTEL_ATTR_I64("lib.shard", 3), OTEL_ATTR_STR("lib.kind", "db")};
    otel_attr other[] = {OTEL_ATTR_I64("lib.shard", 4), OTEL_ATTR_STR("lib.kind", "db")};
    /* an attribute without a key is dropped, so it changes nothing */
    otel_attr with_bad[] = {OTEL_ATTR_STR("lib.kind", "db"), {NULL, 0, OTEL_VALUE_INT64, 0, 1, 0, NULL, 0},
                            OTEL_ATTR_I64("lib.shard", 3)};
    otel_meter *m1 = otel_meter_provider_get_meter_n(mp, "db", 2, "1", 1, NULL, 0, ab, 2);
    ck_assert_ptr_nonnull(m1);
    ck_assert_ptr_eq(otel_meter_provider_get_meter_n(mp, "db", 2, "1", 1, NULL, 0, ba, 2), m1);
    ck_assert_ptr_eq(otel_meter_provider_get_meter_n(mp, "db", 2, "1", 1, NULL, 0, with_bad, 3), m1);
    ck_assert_ptr_ne(otel_meter_provider_get_meter_n(mp, "db", 2, "1", 1, NULL, 0, other, 2), m1);
    otel_meter *plain = otel_meter_provider_get_meter(mp, "db", "1", NULL);
    ck_assert_ptr_ne(plain, m1);
    ck_assert_ptr_eq(otel_meter_provider_get_meter_n(mp, "db", 2, "1", 1, NULL, 0, NULL, 0), plain);
    ck_assert_ptr_null(otel_meter_provider_get_meter_n(NULL, "db", 2, "1", 1, NULL, 0, ab, 2));
    /* lengths decide, not NULs: "dbx" cut to 2 is "db" */
    ck_assert_ptr_eq(otel_meter_provider_get_meter_n(mp, "dbx", 2, "1.0", 1, "", 0, ab, 2), m1);
    otel_meter_provider_release(mp);
}
END_TEST

START_TEST(test_scope_read_back_and_encoded) {
    otel_meter_provider *mp = mx_provider(NULL, NULL);
    otel_metric_reader *r;
    ck_assert_int_eq(otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, r), OTEL_OK);
    otel_attr sa[] = {OTEL_ATTR_STR("lib.kind", "db"), OTEL_ATTR_BOOL("lib.pooled", 1)};
    const char *schema = "https://opentelemetry.io/schemas/1.26.0";
    otel_meter *m = otel_meter_provider_get_meter_n(mp, "db.client", 9, "2.1", 3, schema, strlen(schema), sa, 2);
    otel_counter_add_i64(otel_meter_counter_i64(m, "db.calls", NULL, NULL), 4, NULL, 0);
    otel_counter_add_i64(otel_meter_counter_i64(otel_meter_provider_get_meter(mp, "bare", NULL, NULL),
                                                "bare.calls", NULL, NULL),
                         1, NULL, 0);

    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
    long i = mx_find(d, "db.calls", NULL);
    ck_assert_int_ge(i, 0);
    const char *name, *version, *url;
    const otel_attr *attrs;
    size_t n;
    ck_assert_int_eq(otel_metrics_data_scope(d, (size_t)i, &name, &version, &url, &attrs, &n), OTEL_OK);
    ck_assert_str_eq(name, "db.client");
    ck_assert_str_eq(version, "2.1");
    ck_assert_str_eq(url, "https://opentelemetry.io/schemas/1.26.0");
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(otel_metrics_data_scope(d, otel_metrics_data_count(d), NULL, NULL, NULL, NULL, NULL),
                     OTEL_ERR_NOT_FOUND);
    otel_metrics_data_free(d);

    char *json = NULL;
    mx_request *req = mx_encode(mp, r, &json);
    ck_assert_uint_eq(req->n_resource_metrics, 1);
    Opentelemetry__Proto__Metrics__V1__ResourceMetrics *rm = req->resource_metrics[0];
    ck_assert_uint_eq(rm->n_scope_metrics, 2);
    int seen = 0;
    for (size_t k = 0; k < rm->n_scope_metrics; k++) {
        Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm = rm->scope_metrics[k];
        if (strcmp(sm->scope->name, "bare") == 0) {
            ck_assert_uint_eq(sm->scope->n_attributes, 0);
            ck_assert_str_eq(sm->schema_url, "");
            continue;
        }
        seen = 1;
        ck_assert_str_eq(sm->scope->name, "db.client");
        ck_assert_str_eq(sm->scope->version, "2.1");
        ck_assert_str_eq(sm->schema_url, "https://opentelemetry.io/schemas/1.26.0");
        ck_assert_uint_eq(sm->scope->n_attributes, 2);
        int kind = 0, pooled = 0;
        for (size_t q = 0; q < 2; q++) {
            Opentelemetry__Proto__Common__V1__KeyValue *kv = sm->scope->attributes[q];
            if (strcmp(kv->key, "lib.kind") == 0) kind = strcmp(kv->value->string_value, "db") == 0;
            if (strcmp(kv->key, "lib.pooled") == 0) pooled = kv->value->bool_value;
        }
        ck_assert(kind && pooled);
        ck_assert_uint_eq(sm->n_metrics, 1);
        ck_assert_str_eq(sm->metrics[0]->name, "db.calls");
    }
    ck_assert(seen);
    mx_request_free(req);
    /* OTLP/JSON: the scope's attributes, and the schema URL beside it */
    ck_assert_ptr_nonnull(strstr(json, "\"scope\":{\"name\":\"db.client\",\"version\":\"2.1\",\"attributes\":["));
    ck_assert_ptr_nonnull(strstr(json, "{\"key\":\"lib.kind\",\"value\":{\"stringValue\":\"db\"}}"));
    ck_assert_ptr_nonnull(strstr(json, "{\"key\":\"lib.pooled\",\"value\":{\"boolValue\":true}}"));
    ck_assert_ptr_nonnull(strstr(json, "]},\"schemaUrl\":\"https://opentelemetry.io/schemas/1.26.0\",\"metrics\":["));
    ck_assert_ptr_nonnull(strstr(json, "\"scope\":{\"name\":\"bare\",\"version\":\"\",\"attributes\":[]},\"metrics\":["));
    free(json);
    otel_metric_reader_release(r);
    otel_meter_provider_release(mp);
}
END_TEST

FX_MAIN("metrics.meter_scope", NULL, NULL, test_attributes_are_part_of_the_identity, test_scope_read_back_and_encoded)
