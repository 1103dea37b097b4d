/* Several views selecting one instrument: each makes its own stream (name,
 * aggregation, attribute filter), and every way of recording reaches all
 * of them: add, bound handles, observations, advisory boundaries. */
#include <check.h>
#include <string.h>

#include "otel/otel.h"
#include "metrics/metrics_fixture.h"
#include "trace/trace_fixture.h"

static otel_meter_provider *mp;
static otel_metric_reader *reader;
static otel_meter *meter;

static void add_view(const char *pattern, const char *rename, int aggregation, const char *keep_key) {
    otel_view *v;
    ck_assert_int_eq(otel_view_new(&v, pattern), OTEL_OK);
    ck_assert_int_eq(otel_view_set_stream(v, rename, NULL), OTEL_OK);
    if (aggregation) ck_assert_int_eq(otel_view_set_aggregation(v, aggregation, NULL, 0), OTEL_OK);
    if (keep_key) ck_assert_int_eq(otel_view_set_attribute_keys(v, &keep_key, 1, 0), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_view(mp, v), OTEL_OK);
    otel_view_free(v);
}

static void setup(void) {
    mp = mx_provider(NULL, NULL);
    ck_assert_int_eq(otel_metric_reader_manual_new(&reader, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, reader), OTEL_OK);
    /* requests: all attributes; requests.by_route: route only; both sums */
    add_view("requests", NULL, 0, NULL);
    add_view("requests", "requests.by_route", 0, "route");
    /* latency: dropped as itself, kept as a renamed histogram */
    add_view("latency", NULL, OTEL_AGGREGATION_DROP, NULL);
    add_view("lat*", "latency.kept", 0, NULL);
    /* queue: a gauge twice */
    add_view("queue", NULL, 0, NULL);
    add_view("queue", "queue.copy", 0, NULL);
    meter = otel_meter_provider_get_meter(mp, "streams", NULL, NULL);
}

static void teardown(void) {
    otel_metric_reader_release(reader);
    otel_meter_provider_release(mp);
}

/* The sum of the int values of every point of `name`. */
static int64_t total(const otel_metrics_data *d, const char *name, size_t *np) {
    long i = mx_find(d, name, np);
    ck_assert_msg(i >= 0, "no stream %s", name);
    int64_t sum = 0;
    for (size_t p = 0; p < *np; p++) {
        int64_t v;
        otel_metrics_data_point(d, (size_t)i, p, NULL, NULL, NULL, &v, NULL, NULL, NULL, NULL, NULL);
        sum += v;
    }
    return sum;
}

START_TEST(test_two_views_two_streams_for_add_and_bound) {
    otel_instrument *c = otel_meter_counter_i64(meter, "requests", NULL, NULL);
    otel_attr a1[] = {OTEL_ATTR_STR("route", "/a"), OTEL_ATTR_I64("code", 200)};
    otel_attr a2[] = {OTEL_ATTR_STR("route", "/a"), OTEL_ATTR_I64("code", 500)};
    otel_counter_add_i64(c, 1, a1, 2);
    otel_counter_add_i64(c, 2, a2, 2);
    otel_bound_instrument *b = otel_instrument_bind(c, a1, 2);
    ck_assert_ptr_nonnull(b);
    otel_bound_record_i64(b, 4);
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(reader, &d), OTEL_OK);
    size_t np = 0;
    ck_assert_int_eq(total(d, "requests", &np), 7);
    ck_assert_uint_eq(np, 2); /* by route and code */
    ck_assert_int_eq(total(d, "requests.by_route", &np), 7);
    ck_assert_uint_eq(np, 1); /* by route only */
    otel_metrics_data_free(d);
    otel_bound_instrument_free(b);
    /* the same instrument again: the same streams, no third one */
    ck_assert_ptr_eq(otel_meter_counter_i64(meter, "requests", NULL, NULL), c);
    ck_assert_int_eq(otel_metric_reader_collect(reader, &d), OTEL_OK);
    ck_assert_int_eq(total(d, "requests.by_route", &np), 7); /* nothing lost on release */
    ck_assert_uint_eq(otel_metrics_data_count(d), 2);
    otel_metrics_data_free(d);
}
END_TEST

START_TEST(test_a_dropped_stream_and_a_kept_one) {
    otel_instrument *h = otel_meter_histogram_f64(meter, "latency", "ms", NULL);
    double bounds[] = {1, 10};
    ck_assert_int_eq(otel_instrument_set_bucket_boundaries(h, bounds, 2), OTEL_OK);
    otel_histogram_record_f64(h, 5, NULL, 0);
    otel_bound_instrument *b = otel_instrument_bind(h, NULL, 0);
    ck_assert_ptr_nonnull(b); /* binds the stream that is kept */
    otel_bound_record_f64(b, 50);
    otel_bound_instrument_free(b);
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(reader, &d), OTEL_OK);
    size_t np = 0;
    ck_assert_int_lt(mx_find(d, "latency", &np), 0);
    long i = mx_find(d, "latency.kept", &np);
    ck_assert_int_ge(i, 0);
    uint64_t count;
    otel_metrics_data_point(d, (size_t)i, 0, NULL, NULL, NULL, NULL, NULL, &count, NULL, NULL, NULL);
    ck_assert_uint_eq(count, 2);
    const double *bb;
    const uint64_t *counts;
    size_t nb, nc;
    ck_assert_int_eq(otel_metrics_data_point_buckets(d, (size_t)i, 0, &bb, &nb, &counts, &nc), OTEL_OK);
    ck_assert_uint_eq(nb, 2); /* the advice reached the second stream */
    ck_assert_uint_eq(counts[1], 1);
    ck_assert_uint_eq(counts[2], 1);
    otel_metrics_data_free(d);
}
END_TEST

static void observe_queue(otel_observer *o, void *ud) {
    otel_observer_observe_i64(o, ud, 42, NULL, 0);
}

START_TEST(test_observations_reach_every_stream) {
    otel_instrument *q = NULL;
    ck_assert_int_eq(otel_meter_create_instrument(&q, meter, OTEL_INSTRUMENT_OBSERVABLE_GAUGE,
                                                  OTEL_NUMBER_INT64, "queue", NULL, NULL),
                     OTEL_OK);
    ck_assert_int_eq(otel_meter_register_callback(meter, observe_queue, q, &q, 1, NULL), OTEL_OK);
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(reader, &d), OTEL_OK);
    size_t np = 0;
    ck_assert_int_eq(total(d, "queue", &np), 42);
    ck_assert_int_eq(total(d, "queue.copy", &np), 42);
    otel_metrics_data_free(d);
}
END_TEST

FX_MAIN("metrics.view_streams", setup, teardown, test_two_views_two_streams_for_add_and_bound,
        test_a_dropped_stream_and_a_kept_one, test_observations_reach_every_stream)
