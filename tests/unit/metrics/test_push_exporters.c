/* Push metric exporters: the in-memory exporter (flush, take, temporality,
 * shutdown, the provider released with exports still kept) and a periodic
 * reader calling the caller's function on its interval, with failures
 * counted. */
#include <check.h>
#include <stdatomic.h>
#include <string.h>

#include "otel/otel.h"
#include "metrics/metrics_fixture.h"
#include "trace/trace_fixture.h"

static otel_meter_provider *provider_with(otel_metric_reader *r) {
    otel_meter_provider *mp = mx_provider(NULL, NULL);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, r), OTEL_OK);
    return mp;
}

static otel_metric_reader *memory_reader(const char *temporality) {
    otel_options *o;
    otel_options_new(&o);
    if (temporality) otel_options_set(o, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", temporality);
    otel_metric_reader *r = NULL;
    ck_assert_int_eq(otel_metric_reader_memory_new(&r, o), OTEL_OK);
    otel_options_free(o);
    return r;
}

static otel_instrument *orders(otel_meter_provider *mp) {
    return otel_meter_counter_i64(otel_meter_provider_get_meter(mp, "m", NULL, NULL), "orders", NULL,
                                  NULL);
}

/* The value and temporality of the one point of the one metric in d. */
static int64_t only_value(const otel_metrics_data *d, int *temporality) {
    ck_assert_uint_eq(otel_metrics_data_count(d), 1);
    size_t np = 0;
    otel_metrics_data_metric(d, 0, NULL, NULL, NULL, NULL, temporality, NULL, &np, NULL);
    ck_assert_uint_eq(np, 1);
    int64_t v = 0;
    otel_metrics_data_point(d, 0, 0, NULL, NULL, NULL, &v, NULL, NULL, NULL, NULL, NULL);
    return v;
}

START_TEST(test_memory_exporter_keeps_each_flush_until_taken) {
    otel_metric_reader *r = memory_reader("delta");
    otel_meter_provider *mp = provider_with(r);
    otel_instrument *c = orders(mp);
    ck_assert_ptr_null(otel_metric_reader_memory_take(r));
    otel_counter_add_i64(c, 3, NULL, 0);
    ck_assert_int_eq(otel_meter_provider_force_flush(mp, 1000), OTEL_OK);
    otel_counter_add_i64(c, 4, NULL, 0);
    ck_assert_int_eq(otel_meter_provider_force_flush(mp, 1000), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_force_flush(mp, 1000), OTEL_OK); /* nothing new: no export */

    int t = 0;
    otel_metrics_data *d = otel_metric_reader_memory_take(r);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(only_value(d, &t), 3);
    ck_assert_int_eq(t, OTEL_TEMPORALITY_DELTA);
    otel_metrics_data_free(d);
    d = otel_metric_reader_memory_take(r);
    ck_assert_int_eq(only_value(d, &t), 4); /* the second period only */
    otel_metrics_data_free(d);
    ck_assert_ptr_null(otel_metric_reader_memory_take(r));

    otel_counter_add_i64(c, 5, NULL, 0);
    ck_assert_int_eq(otel_meter_provider_shutdown(mp, 1000), OTEL_OK); /* exports what is left */
    d = otel_metric_reader_memory_take(r);
    ck_assert_int_eq(only_value(d, &t), 5);
    /* taken data outlives the provider's last reference */
    otel_meter_provider_release(mp);
    ck_assert_int_eq(only_value(d, &t), 5);
    otel_metrics_data_free(d);
    otel_metric_reader_release(r);
}
END_TEST

START_TEST(test_memory_exporter_cumulative_by_default) {
    otel_metric_reader *r = memory_reader(NULL);
    otel_meter_provider *mp = provider_with(r);
    otel_instrument *c = orders(mp);
    for (int64_t v = 3; v <= 4; v++) {
        otel_counter_add_i64(c, v, NULL, 0);
        otel_meter_provider_force_flush(mp, 1000);
    }
    int t = 0;
    otel_metrics_data *d = otel_metric_reader_memory_take(r);
    ck_assert_int_eq(only_value(d, &t), 3);
    otel_metrics_data_free(d);
    d = otel_metric_reader_memory_take(r);
    ck_assert_int_eq(only_value(d, &t), 7);
    ck_assert_int_eq(t, OTEL_TEMPORALITY_CUMULATIVE);
    otel_metrics_data_free(d);
    otel_meter_provider_release(mp);
    otel_metric_reader_release(r);
}
END_TEST

/* The provider's last release (no shutdown first) exports through its
 * readers while it is still whole; what the in-memory exporter kept goes
 * with the provider (leak-checked under ASan). */
START_TEST(test_release_without_shutdown_exports_and_frees) {
    otel_metric_reader *r = memory_reader(NULL);
    otel_meter_provider *mp = provider_with(r);
    otel_instrument *c = orders(mp);
    otel_counter_add_i64(c, 1, NULL, 0);
    otel_meter_provider_force_flush(mp, 1000); /* kept, never taken */
    otel_counter_add_i64(c, 1, NULL, 0);
    otel_meter_provider_release(mp);
    ck_assert_ptr_null(otel_metric_reader_memory_take(r)); /* its provider is gone */
    otel_metric_reader_release(r);
}
END_TEST

typedef struct calls {
    _Atomic int n;
    _Atomic int64_t last;
    otel_status answer;
} calls;

static otel_status count_export(const otel_metrics_data *d, void *ud) {
    calls *c = ud;
    atomic_store(&c->last, only_value(d, NULL));
    atomic_fetch_add(&c->n, 1);
    return c->answer;
}

START_TEST(test_periodic_reader_calls_the_exporter_on_its_interval) {
    calls seen = {0, 0, OTEL_ERR_EXPORT};
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_METRIC_EXPORT_INTERVAL", "20");
    otel_metric_reader *r = NULL;
    ck_assert_int_eq(otel_metric_reader_periodic_new(&r, o, count_export, &seen), OTEL_OK);
    otel_options_free(o);
    otel_meter_provider *mp = provider_with(r);
    otel_instrument *c = orders(mp);
    otel_counter_add_i64(c, 9, NULL, 0);
    for (int i = 0; i < 500 && atomic_load(&seen.n) < 2; i++) fx_sleep_ms(10);
    ck_assert_int_ge(atomic_load(&seen.n), 2); /* no flush asked: the timer did it */
    ck_assert_int_eq(atomic_load(&seen.last), 9);
    uint64_t stats[OTEL_STAT_EXPORT_ERRORS + 1];
    otel_meter_provider_get_stats(mp, stats, OTEL_STAT_EXPORT_ERRORS + 1);
    ck_assert_uint_ge(stats[OTEL_STAT_EXPORT_ERRORS], 2); /* the exporter's failures are counted */
    ck_assert_int_eq(otel_meter_provider_force_flush(mp, 1000), OTEL_ERR_EXPORT);
    seen.answer = OTEL_OK;
    ck_assert_int_eq(otel_meter_provider_shutdown(mp, 1000), OTEL_OK);
    int after = atomic_load(&seen.n);
    fx_sleep_ms(60);
    ck_assert_int_eq(atomic_load(&seen.n), after); /* stopped */
    otel_meter_provider_release(mp);
    otel_metric_reader_release(r);
}
END_TEST

static otel_status slow_export(const otel_metrics_data *d, void *ud) {
    (void)d;
    atomic_store((_Atomic int *)ud, 1);
    fx_sleep_ms(100); /* the provider's last reference goes meanwhile */
    return OTEL_OK;
}

/* The last release while the reader's thread is exporting: the thread must
 * not end up holding (and freeing) the provider from inside its own export. */
START_TEST(test_last_release_during_an_export) {
    _Atomic int exporting = 0;
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_METRIC_EXPORT_INTERVAL", "1");
    otel_metric_reader *r = NULL;
    ck_assert_int_eq(otel_metric_reader_periodic_new(&r, o, slow_export, &exporting), OTEL_OK);
    otel_options_free(o);
    otel_meter_provider *mp = provider_with(r);
    otel_metric_reader_release(r);
    otel_counter_add_i64(orders(mp), 1, NULL, 0);
    for (int i = 0; i < 500 && !atomic_load(&exporting); i++) fx_sleep_ms(2);
    ck_assert(atomic_load(&exporting));
    otel_meter_provider_release(mp); /* shuts down: waits for the export, then frees */
    fx_sleep_ms(300);                 /* (had the thread kept it, it would free it now) */
}
END_TEST

START_TEST(test_bad_arguments) {
    otel_metric_reader *r = NULL;
    ck_assert_int_eq(otel_metric_reader_periodic_new(&r, NULL, NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_metric_reader_periodic_new(NULL, NULL, count_export, NULL),
                     OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_metric_reader_memory_new(NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(otel_metric_reader_memory_take(NULL));
    ck_assert_int_eq(otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_ptr_null(otel_metric_reader_memory_take(r)); /* not an in-memory reader */
    otel_metric_reader_release(r);
}
END_TEST

FX_MAIN("metrics.push_exporters", NULL, NULL, test_memory_exporter_keeps_each_flush_until_taken,
        test_memory_exporter_cumulative_by_default, test_release_without_shutdown_exports_and_frees,
        test_periodic_reader_calls_the_exporter_on_its_interval, test_last_release_during_an_export,
        test_bad_arguments)
