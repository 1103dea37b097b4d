/* Views: selection by name pattern, kind, unit and meter; renaming;
 * attribute allow- and deny-lists; aggregation overrides (drop, sum of a
 * histogram, explicit boundaries); a cardinality limit. */
#include <check.h>
#include <string.h>

#include "otel/otel.h"

static otel_meter_provider *mp;
static otel_metric_reader *r;

static void open_with(otel_view **views, size_t n) {
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "none");
    ck_assert_int_eq(otel_meter_provider_new(&mp, o), OTEL_OK);
    otel_options_free(o);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(otel_meter_provider_add_view(mp, views[i]), OTEL_OK);
        otel_view_free(views[i]);
    }
    otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE);
    otel_meter_provider_add_reader(mp, r);
}

static void teardown(void) {
    otel_metric_reader_release(r);
    otel_meter_provider_release(mp);
}

static long find(const otel_metrics_data *d, const char *name) {
    for (size_t i = 0; i < otel_metrics_data_count(d); i++) {
        const char *n;
        otel_metrics_data_metric(d, i, &n, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        if (strcmp(n, name) == 0) return (long)i;
    }
    return -1;
}

START_TEST(test_rename_and_description_by_pattern) {
    otel_view *v;
    ck_assert_int_eq(otel_view_new(&v, "http.*.DURATION"), OTEL_OK); /* case-insensitive */
    ck_assert_int_eq(otel_view_set_stream(v, "latency", "renamed"), OTEL_OK);
    ck_assert_int_eq(otel_view_set_stream(v, "9bad", NULL), OTEL_ERR_INVALID_ARGUMENT);
    open_with(&v, 1);
    otel_meter *m = otel_meter_provider_get_meter(mp, "m", NULL, NULL);
    otel_histogram_record_f64(otel_meter_histogram_f64(m, "http.server.duration", "ms", "orig"), 3, NULL, 0);
    otel_counter_add_i64(otel_meter_counter_i64(m, "other", NULL, NULL), 1, NULL, 0);
    otel_metrics_data *d;
    otel_metric_reader_collect(r, &d);
    long i = find(d, "latency");
    ck_assert_int_ge(i, 0);
    const char *desc;
    otel_metrics_data_metric(d, (size_t)i, NULL, NULL, &desc, NULL, NULL, NULL, NULL, NULL);
    ck_assert_str_eq(desc, "renamed");
    ck_assert_int_eq(find(d, "http.server.duration"), -1);
    ck_assert_int_ge(find(d, "other"), 0);
    otel_metrics_data_free(d);
}
END_TEST

START_TEST(test_attribute_allow_and_deny_lists_bound_cardinality) {
    otel_view *allow, *deny;
    otel_view_new(&allow, "requests");
    const char *keep[] = {"method"};
    otel_view_set_attribute_keys(allow, keep, 1, 0);
    otel_view_new(&deny, "bytes");
    const char *drop[] = {"user.id"};
    otel_view_set_attribute_keys(deny, drop, 1, 1);
    otel_view *both[] = {allow, deny};
    open_with(both, 2);
    otel_meter *m = otel_meter_provider_get_meter(mp, "m", NULL, NULL);
    otel_instrument *req = otel_meter_counter_i64(m, "requests", NULL, NULL);
    otel_instrument *bytes = otel_meter_counter_i64(m, "bytes", NULL, NULL);
    for (int u = 0; u < 50; u++) {
        otel_attr a[] = {OTEL_ATTR_STR("method", "GET"), OTEL_ATTR_I64("user.id", u)};
        otel_counter_add_i64(req, 1, a, 2);
        otel_counter_add_i64(bytes, 10, a, 2);
    }
    otel_metrics_data *d;
    otel_metric_reader_collect(r, &d);
    size_t np;
    const otel_attr *attrs;
    size_t na;
    int64_t v;
    long i = find(d, "requests");
    otel_metrics_data_metric(d, (size_t)i, NULL, NULL, NULL, NULL, NULL, NULL, &np, NULL);
    ck_assert_uint_eq(np, 1); /* 50 users, one series */
    otel_metrics_data_point_attrs(d, (size_t)i, 0, &attrs, &na);
    ck_assert_uint_eq(na, 1);
    ck_assert_mem_eq(attrs[0].key, "method", 6);
    otel_metrics_data_point(d, (size_t)i, 0, NULL, NULL, NULL, &v, NULL, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(v, 50);
    i = find(d, "bytes");
    otel_metrics_data_metric(d, (size_t)i, NULL, NULL, NULL, NULL, NULL, NULL, &np, NULL);
    ck_assert_uint_eq(np, 1);
    otel_metrics_data_point(d, (size_t)i, 0, NULL, NULL, NULL, &v, NULL, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(v, 500);
    otel_metrics_data_free(d);
}
END_TEST

START_TEST(test_aggregation_overrides_and_selection) {
    otel_view *dropv, *sumv, *bounds, *limit;
    otel_view_new(&dropv, "noisy.*");
    otel_view_set_aggregation(dropv, OTEL_AGGREGATION_DROP, NULL, 0);
    otel_view_new(&sumv, NULL);                                 /* every instrument ... */
    otel_view_select(sumv, OTEL_INSTRUMENT_HISTOGRAM, "By", NULL, NULL, NULL); /* ... that is a By histogram */
    otel_view_set_aggregation(sumv, OTEL_AGGREGATION_SUM, NULL, 0);
    otel_view_new(&bounds, "lat");
    otel_view_select(bounds, 0, NULL, "special.meter", NULL, NULL);
    double b[] = {1, 2};
    otel_view_set_aggregation(bounds, OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM, b, 2);
    otel_view_new(&limit, "users");
    otel_view_set_cardinality_limit(limit, 10);
    ck_assert_int_eq(otel_view_set_cardinality_limit(limit, 1), OTEL_ERR_INVALID_ARGUMENT);
    otel_view *all[] = {dropv, sumv, bounds, limit};
    open_with(all, 4);
    otel_meter *m = otel_meter_provider_get_meter(mp, "m", NULL, NULL);
    otel_meter *sp = otel_meter_provider_get_meter(mp, "special.meter", NULL, NULL);
    otel_counter_add_i64(otel_meter_counter_i64(m, "noisy.counter", NULL, NULL), 1, NULL, 0);
    otel_instrument *sizes = otel_meter_histogram_f64(m, "sizes", "By", NULL);
    otel_histogram_record_f64(sizes, 100, NULL, 0);
    otel_histogram_record_f64(sizes, 20, NULL, 0);
    otel_instrument *lat = otel_meter_histogram_f64(sp, "lat", "ms", NULL);
    double advice[] = {10, 20, 30};
    otel_instrument_set_bucket_boundaries(lat, advice, 3); /* the view wins */
    otel_histogram_record_f64(lat, 1.5, NULL, 0);
    otel_histogram_record_f64(otel_meter_histogram_f64(m, "lat", "ms", NULL), 1.5, NULL, 0);
    otel_instrument *users = otel_meter_counter_i64(m, "users", NULL, NULL);
    for (int u = 0; u < 30; u++) {
        otel_attr a[] = {OTEL_ATTR_I64("u", u)};
        otel_counter_add_i64(users, 1, a, 1);
    }
    otel_metrics_data *d;
    otel_metric_reader_collect(r, &d);
    ck_assert_int_eq(find(d, "noisy.counter"), -1);
    long i = find(d, "sizes");
    int kind;
    otel_metrics_data_metric(d, (size_t)i, NULL, NULL, NULL, &kind, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(kind, OTEL_METRIC_SUM);
    double dv;
    otel_metrics_data_point(d, (size_t)i, 0, NULL, NULL, NULL, NULL, &dv, NULL, NULL, NULL, NULL);
    ck_assert_double_eq(dv, 120);
    size_t nb = 0, seen = 0;
    for (size_t k = 0; k < otel_metrics_data_count(d); k++) {
        const char *n, *scope;
        otel_metrics_data_metric(d, k, &n, NULL, NULL, NULL, NULL, NULL, NULL, &scope);
        if (strcmp(n, "lat")) continue;
        const double *bd;
        const uint64_t *c;
        size_t nc;
        otel_metrics_data_point_buckets(d, k, 0, &bd, &nb, &c, &nc);
        ck_assert_uint_eq(nb, strcmp(scope, "special.meter") == 0 ? 2 : 15);
        seen++;
    }
    ck_assert_uint_eq(seen, 2);
    size_t np;
    otel_metrics_data_metric(d, (size_t)find(d, "users"), NULL, NULL, NULL, NULL, NULL, NULL, &np, NULL);
    ck_assert_uint_eq(np, 10); /* 9 sets and the overflow series */
    otel_metrics_data_free(d);
}
END_TEST

int main(void) {
    Suite *s = suite_create("views");
    TCase *tc = tcase_create("views");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_rename_and_description_by_pattern);
    tcase_add_test(tc, test_attribute_allow_and_deny_lists_bound_cardinality);
    tcase_add_test(tc, test_aggregation_overrides_and_selection);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
