/* otel-test: internal */
/* Exemplars keep the attributes a view's key filter removed from the
 * series (the specification's filtered_attributes): through the accessor,
 * in protobuf (decoded back field by field) and in OTLP/JSON. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/internal.h"
#include "metrics/metrics_encode_fixture.h"
#include "otel/otel.h"
#include "metrics/metrics_fixture.h"
#include "trace/trace_fixture.h"

static otel_meter_provider *mp;
static otel_metric_reader *r;
static otel_instrument *requests, *plain;

static void setup(void) {
    mp = mx_provider("OTEL_METRICS_EXEMPLAR_FILTER", "always_on");
    otel_view *v;
    ck_assert_int_eq(otel_view_new(&v, "requests"), OTEL_OK);
    const char *keep[] = {"route"};
    ck_assert_int_eq(otel_view_set_attribute_keys(v, keep, 1, 0), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_view(mp, v), OTEL_OK);
    otel_view_free(v);
    ck_assert_int_eq(otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, r), OTEL_OK);
    otel_meter *m = otel_meter_provider_get_meter(mp, "ex", NULL, NULL);
    requests = otel_meter_counter_i64(m, "requests", NULL, NULL);
    plain = otel_meter_counter_i64(m, "plain", NULL, NULL);
    char big[200];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    otel_attr a[] = {OTEL_ATTR_STR("route", "/pay"), OTEL_ATTR_STR("user.id", "u-42"),
                     OTEL_ATTR_STR("too.big", big), OTEL_ATTR_BOOL("retry", 1),
                     OTEL_ATTR_I64("code", 500), OTEL_ATTR_F64("ratio", 0.25)};
    otel_counter_add_i64(requests, 3, a, 6);
    otel_counter_add_i64(plain, 1, a, 6);
}

static void teardown(void) {
    otel_metric_reader_release(r);
    otel_meter_provider_release(mp);
}

static const otel_attr *attr(const otel_attr *a, size_t n, const char *key) {
    for (size_t i = 0; i < n; i++)
        if (a[i].key_len == strlen(key) && memcmp(a[i].key, key, a[i].key_len) == 0) return &a[i];
    return NULL;
}

START_TEST(test_filtered_attributes_through_the_accessor) {
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
    long i = mx_find(d, "requests", NULL);
    ck_assert_int_ge(i, 0);
    const otel_attr *pa;
    size_t pn;
    otel_metrics_data_point_attrs(d, (size_t)i, 0, &pa, &pn);
    ck_assert_uint_eq(pn, 1); /* the series: route only */
    const otel_attr *ea = NULL;
    size_t en = 0;
    ck_assert_int_eq(otel_metrics_data_point_exemplar_attrs(d, (size_t)i, 0, 0, &ea, &en), OTEL_OK);
    /* the exemplar: what the view removed, but route; too.big does not fit; 4 at most */
    ck_assert_uint_eq(en, 4);
    ck_assert_ptr_null(attr(ea, en, "route"));
    ck_assert_ptr_null(attr(ea, en, "too.big"));
    const otel_attr *u = attr(ea, en, "user.id");
    ck_assert_ptr_nonnull(u);
    ck_assert_int_eq(u->type, OTEL_VALUE_STRING);
    ck_assert_uint_eq(u->len, 4);
    ck_assert_int_eq(memcmp(u->ptr, "u-42", 4), 0);
    ck_assert_int_eq(attr(ea, en, "retry")->bool_value, 1);
    ck_assert_int_eq(attr(ea, en, "code")->int_value, 500);
    ck_assert_double_eq(attr(ea, en, "ratio")->double_value, 0.25);
    ck_assert_int_eq(otel_metrics_data_point_exemplar_attrs(d, (size_t)i, 0, 1, &ea, &en),
                     OTEL_ERR_NOT_FOUND);
    /* no view, nothing filtered: an exemplar without attributes */
    i = mx_find(d, "plain", NULL);
    ck_assert_int_eq(otel_metrics_data_point_exemplar_attrs(d, (size_t)i, 0, 0, &ea, &en), OTEL_OK);
    ck_assert_uint_eq(en, 0);
    otel_metrics_data_free(d);
}
END_TEST

START_TEST(test_filtered_attributes_in_protobuf_and_json) {
    char *json = NULL;
    mx_request *req = mx_encode(mp, r, &json);
    int seen = 0;
    Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm = req->resource_metrics[0]->scope_metrics[0];
    for (size_t m = 0; m < sm->n_metrics; m++) {
        if (strcmp(sm->metrics[m]->name, "requests") != 0) continue;
        Opentelemetry__Proto__Metrics__V1__NumberDataPoint *dp = sm->metrics[m]->sum->data_points[0];
        ck_assert_uint_eq(dp->n_attributes, 1);
        ck_assert_uint_eq(dp->n_exemplars, 1);
        Opentelemetry__Proto__Metrics__V1__Exemplar *e = dp->exemplars[0];
        ck_assert_int_eq(e->value_case, OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_INT);
        ck_assert_int_eq(e->as_int, 3);
        ck_assert_uint_eq(e->n_filtered_attributes, 4);
        for (size_t k = 0; k < e->n_filtered_attributes; k++) {
            Opentelemetry__Proto__Common__V1__KeyValue *kv = e->filtered_attributes[k];
            if (strcmp(kv->key, "user.id") == 0) {
                ck_assert_str_eq(kv->value->string_value, "u-42");
                seen++;
            } else if (strcmp(kv->key, "code") == 0) {
                ck_assert_int_eq(kv->value->int_value, 500);
                seen++;
            }
        }
    }
    ck_assert_int_eq(seen, 2);
    mx_request_free(req);
    ck_assert_ptr_nonnull(strstr(json,
                                 "\"filteredAttributes\":[{\"key\":\"user.id\",\"value\":{\"stringValue\":\"u-42\"}}"));
    free(json);
}
END_TEST

FX_MAIN("metrics.exemplar_attrs", setup, teardown, test_filtered_attributes_through_the_accessor,
        test_filtered_attributes_in_protobuf_and_json)
