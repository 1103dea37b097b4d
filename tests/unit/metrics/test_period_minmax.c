/* Histogram min and max per reader: a delta reader reports the min and max
 * of its own period, a cumulative reader those since the start, whether
 * the histogram has explicit or exponential buckets. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "otel/otel.h"
#include "metrics/metrics_fixture.h"
#include "trace/trace_fixture.h"

static otel_meter_provider *mp;
static otel_metric_reader *cum, *del, *del2;
static otel_meter *meter;

static void setup(void) {
    mp = mx_provider(NULL, NULL);
    ck_assert_int_eq(otel_metric_reader_manual_new(&cum, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_metric_reader_manual_new(&del, OTEL_TEMPORALITY_DELTA), OTEL_OK);
    ck_assert_int_eq(otel_metric_reader_manual_new(&del2, OTEL_TEMPORALITY_DELTA), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, cum), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, del), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, del2), OTEL_OK);
    meter = otel_meter_provider_get_meter(mp, "minmax", NULL, NULL);
}

static void teardown(void) {
    otel_metric_reader_release(cum);
    otel_metric_reader_release(del);
    otel_metric_reader_release(del2);
    otel_meter_provider_release(mp);
}

/* count, min and max of the one point of the only metric; 0 if none. */
static int point(otel_metric_reader *r, uint64_t *count, double *mn, double *mx) {
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
    int found = otel_metrics_data_count(d) == 1;
    if (found)
        ck_assert_int_eq(otel_metrics_data_point(d, 0, 0, NULL, NULL, NULL, NULL, NULL, count,
                                                 NULL, mn, mx),
                         OTEL_OK);
    otel_metrics_data_free(d);
    return found;
}

static void check_periods(otel_instrument *h) {
    uint64_t n;
    double mn, mx;
    otel_histogram_record_f64(h, 1, NULL, 0);
    otel_histogram_record_f64(h, 100, NULL, 0);
    ck_assert(point(del, &n, &mn, &mx));
    ck_assert_uint_eq(n, 2);
    ck_assert_double_eq(mn, 1);
    ck_assert_double_eq(mx, 100);

    otel_histogram_record_f64(h, 10, NULL, 0);
    otel_histogram_record_f64(h, 20, NULL, 0);
    ck_assert(point(del, &n, &mn, &mx)); /* the second period only */
    ck_assert_uint_eq(n, 2);
    ck_assert_double_eq(mn, 10);
    ck_assert_double_eq(mx, 20);

    ck_assert(point(cum, &n, &mn, &mx)); /* everything */
    ck_assert_uint_eq(n, 4);
    ck_assert_double_eq(mn, 1);
    ck_assert_double_eq(mx, 100);

    ck_assert(point(del2, &n, &mn, &mx)); /* a second delta reader: its own period */
    ck_assert_uint_eq(n, 4);
    ck_assert_double_eq(mn, 1);
    ck_assert_double_eq(mx, 100);

    ck_assert(!point(del, &n, &mn, &mx)); /* nothing new: no point */
    otel_histogram_record_f64(h, 15, NULL, 0);
    ck_assert(point(del, &n, &mn, &mx));
    ck_assert_uint_eq(n, 1);
    ck_assert_double_eq(mn, 15);
    ck_assert_double_eq(mx, 15);
    ck_assert(point(del2, &n, &mn, &mx));
    ck_assert_uint_eq(n, 1);
    ck_assert_double_eq(mn, 15);
    ck_assert_double_eq(mx, 15);
}

START_TEST(test_explicit_histogram_delta_min_max_are_the_periods) {
    check_periods(otel_meter_histogram_f64(meter, "explicit", "ms", NULL));
}
END_TEST

START_TEST(test_exponential_histogram_delta_min_max_are_the_periods) {
    otel_view *v;
    ck_assert_int_eq(otel_view_new(&v, "exp*"), OTEL_OK);
    ck_assert_int_eq(otel_view_set_aggregation(v, OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM, NULL, 0),
                     OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_view(mp, v), OTEL_OK);
    otel_view_free(v);
    check_periods(otel_meter_histogram_f64(meter, "exponential", "ms", NULL));
}
END_TEST

FX_MAIN("metrics.period_minmax", setup, teardown, test_explicit_histogram_delta_min_max_are_the_periods,
        test_exponential_histogram_delta_min_max_are_the_periods)
