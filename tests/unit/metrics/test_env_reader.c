/* The reader OTEL_METRICS_EXPORTER names is the provider's only until code
 * adds one before the first meter (metrics.h): then it goes, and nothing is
 * sent to the collector the environment points at. */
#include <check.h>
#include <stdio.h>

#include "otel/otel.h"

static otel_meter_provider *provider_to_dead_collector(void) {
    otel_options *o;
    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "otlp");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"); /* discard: refused */
    otel_options_set(o, "OTEL_METRIC_EXPORT_TIMEOUT", "500");
    otel_meter_provider *mp;
    ck_assert_int_eq(otel_meter_provider_new(&mp, o), OTEL_OK);
    otel_options_free(o);
    return mp;
}

static void record(otel_meter_provider *mp) {
    otel_meter *m = otel_meter_provider_get_meter(mp, "env-reader", NULL, NULL);
    otel_counter_add_i64(otel_meter_counter_i64(m, "requests", NULL, NULL), 1, NULL, 0);
}

START_TEST(test_reader_added_before_the_first_meter_replaces_the_env_reader) {
    otel_meter_provider *mp = provider_to_dead_collector();
    otel_metric_reader *r;
    ck_assert_int_eq(otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, r), OTEL_OK);
    record(mp);
    /* only the manual reader is left: nothing to send, nothing fails */
    ck_assert_int_eq(otel_meter_provider_force_flush(mp, 5000), OTEL_OK);
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
    ck_assert_uint_eq(otel_metrics_data_count(d), 1);
    otel_metrics_data_free(d);
    otel_metric_reader_release(r);
    otel_meter_provider_release(mp);
}
END_TEST

START_TEST(test_env_reader_stays_when_code_adds_one_after_a_meter) {
    otel_meter_provider *mp = provider_to_dead_collector();
    record(mp);
    otel_metric_reader *r;
    ck_assert_int_eq(otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, r), OTEL_OK);
    /* the env reader still exports, to a collector that is not there */
    ck_assert_int_eq(otel_meter_provider_force_flush(mp, 5000), OTEL_ERR_EXPORT);
    otel_metric_reader_release(r);
    otel_meter_provider_shutdown(mp, 100);
    otel_meter_provider_release(mp);
}
END_TEST

int main(void) {
    Suite *s = suite_create("env_reader");
    TCase *tc = tcase_create("env_reader");
    tcase_add_test(tc, test_reader_added_before_the_first_meter_replaces_the_env_reader);
    tcase_add_test(tc, test_env_reader_stays_when_code_adds_one_after_a_meter);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
