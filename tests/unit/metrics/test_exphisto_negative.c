/* otel-test: internal */
/* Base-2 exponential histograms of values that go negative (an up-down
 * counter or gauge a view aggregates that way): negative values by
 * magnitude in their own range, one scale for both ranges, known vectors,
 * and the negative buckets in protobuf and OTLP/JSON. (Recording a
 * negative value used to index the positive range with NaN: a crash.) */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/internal.h"
#include "metrics/metrics_encode_fixture.h"
#include "metrics/metrics_fixture.h"
#include "trace/trace_fixture.h"

static uint64_t total(const uint64_t *c, uint32_t n) {
    uint64_t t = 0;
    for (uint32_t i = 0; i < n; i++) t += c[i];
    return t;
}

START_TEST(test_known_vectors_both_ranges_share_the_scale) {
    otel__exph h;
    memset(&h, 0, sizeof h);
    h.scale = OTEL__EXPH_SCALE;
    /* -1, -2, -4 with max size 4: the negative range at scale 0, -1..1 */
    otel__exph_insert(&h, -1, 4);
    ck_assert_int_eq(h.neg_offset, -1);
    ck_assert_uint_eq(h.n, 0);
    otel__exph_insert(&h, -2, 4);
    otel__exph_insert(&h, -4, 4);
    ck_assert_int_eq(h.scale, 0);
    ck_assert_int_eq(h.neg_offset, -1);
    ck_assert_uint_eq(h.neg_n, 3);
    ck_assert_uint_eq(h.neg_counts[0], 1);
    ck_assert_uint_eq(h.neg_counts[1], 1);
    ck_assert_uint_eq(h.neg_counts[2], 1);
    /* a positive value lands at the shared scale */
    otel__exph_insert(&h, 3, 4);
    ck_assert_int_eq(h.scale, 0);
    ck_assert_int_eq(h.offset, 1); /* 3 in (2, 4] */
    ck_assert_uint_eq(h.n, 1);
    /* a tiny negative value forces the scale down: both ranges follow */
    otel__exph_insert(&h, -1.0 / 1024, 4);
    ck_assert_int_lt(h.scale, 0);
    ck_assert_uint_le(h.neg_n, 4);
    ck_assert_uint_eq(total(h.neg_counts, h.neg_n), 4);
    ck_assert_uint_eq(total(h.counts, h.n), 1);
    ck_assert_int_eq(h.offset, otel__exph_index(3, h.scale));
    /* and the snapshot brought to a coarser scale keeps every count */
    otel__exph c = h;
    otel__exph_to_scale(&c, h.scale - 2);
    ck_assert_uint_eq(total(c.neg_counts, c.neg_n), 4);
    ck_assert_uint_eq(total(c.counts, c.n), 1);
    ck_assert_int_eq(c.neg_offset, h.neg_offset >> 2);
}
END_TEST

static otel_meter_provider *mp;
static otel_metric_reader *cum, *del;
static otel_instrument *level;

static void setup(void) {
    mp = mx_provider(NULL, NULL);
    otel_view *v;
    ck_assert_int_eq(otel_view_new(&v, "level"), OTEL_OK);
    ck_assert_int_eq(otel_view_set_aggregation(v, OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM, NULL, 0),
                     OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_view(mp, v), OTEL_OK);
    otel_view_free(v);
    ck_assert_int_eq(otel_metric_reader_manual_new(&cum, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_metric_reader_manual_new(&del, OTEL_TEMPORALITY_DELTA), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, cum), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, del), OTEL_OK);
    level = otel_meter_up_down_counter_i64(otel_meter_provider_get_meter(mp, "neg", NULL, NULL), "level",
                                           NULL, NULL);
    static const int64_t vals[] = {-20, -10, -4, 0, 3, 12};
    for (size_t k = 0; k < 6; k++) otel_instrument_record_i64(level, vals[k], NULL, 0);
}

static void teardown(void) {
    otel_metric_reader_release(cum);
    otel_metric_reader_release(del);
    otel_meter_provider_release(mp);
}

START_TEST(test_an_up_down_counter_as_an_exponential_histogram) {
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(cum, &d), OTEL_OK);
    uint64_t count, zero;
    double sum, mn, mx;
    ck_assert_int_eq(otel_metrics_data_point(d, 0, 0, NULL, NULL, NULL, NULL, NULL, &count, &sum, &mn, &mx),
                     OTEL_OK);
    ck_assert_uint_eq(count, 6);
    ck_assert_double_eq(sum, -19);
    ck_assert_double_eq(mn, -20);
    ck_assert_double_eq(mx, 12);
    int32_t scale, off, noff;
    const uint64_t *pc, *nc;
    size_t pn, nn;
    ck_assert_int_eq(otel_metrics_data_point_exp_buckets(d, 0, 0, &scale, &zero, &off, &pc, &pn), OTEL_OK);
    ck_assert_int_eq(otel_metrics_data_point_exp_negative(d, 0, 0, &noff, &nc, &nn), OTEL_OK);
    ck_assert_uint_eq(zero, 1);
    ck_assert_uint_eq(total(pc, (uint32_t)pn), 2);
    ck_assert_uint_eq(total(nc, (uint32_t)nn), 3);
    /* -20 lies in its bucket: (base^i, base^(i+1)] by magnitude */
    ck_assert_int_ge(otel__exph_index(20, scale), noff);
    ck_assert_int_lt(otel__exph_index(20, scale), noff + (int32_t)nn);
    otel_metrics_data_free(d);

    /* an up-down counter stays cumulative even for a delta reader */
    otel_instrument_record_i64(level, -5, NULL, 0);
    ck_assert_int_eq(otel_metric_reader_collect(del, &d), OTEL_OK);
    int temporality;
    otel_metrics_data_metric(d, 0, NULL, NULL, NULL, NULL, &temporality, NULL, NULL, NULL);
    ck_assert_int_eq(temporality, OTEL_TEMPORALITY_CUMULATIVE);
    otel_metrics_data_point(d, 0, 0, NULL, NULL, NULL, NULL, NULL, &count, &sum, &mn, &mx);
    ck_assert_uint_eq(count, 7);
    otel_metrics_data_point_exp_buckets(d, 0, 0, &scale, &zero, &off, &pc, &pn);
    otel_metrics_data_point_exp_negative(d, 0, 0, &noff, &nc, &nn);
    ck_assert_uint_eq(total(pc, (uint32_t)pn), 2);
    ck_assert_uint_eq(total(nc, (uint32_t)nn), 4);
    otel_metrics_data_free(d);
}
END_TEST

START_TEST(test_negative_buckets_in_protobuf_and_json) {
    char *json = NULL;
    mx_request *req = mx_encode(mp, cum, &json);
    Opentelemetry__Proto__Metrics__V1__Metric *m = req->resource_metrics[0]->scope_metrics[0]->metrics[0];
    ck_assert_int_eq(m->data_case, OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM);
    Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint *dp =
        m->exponential_histogram->data_points[0];
    ck_assert_ptr_nonnull(dp->negative);
    ck_assert_uint_eq(total(dp->negative->bucket_counts, (uint32_t)dp->negative->n_bucket_counts), 3);
    ck_assert_uint_eq(total(dp->positive->bucket_counts, (uint32_t)dp->positive->n_bucket_counts), 2);
    ck_assert_uint_eq(dp->zero_count, 1);
    ck_assert_double_eq(dp->min, -20);
    mx_request_free(req);
    ck_assert_ptr_nonnull(strstr(json, "\"negative\":{\"offset\":"));
    free(json);
}
END_TEST

int main(void) {
    const TTest *plain[] = {test_known_vectors_both_ranges_share_the_scale};
    const TTest *sdk[] = {test_an_up_down_counter_as_an_exponential_histogram,
                          test_negative_buckets_in_protobuf_and_json};
    return fx_main("metrics.exphisto_negative.vectors", plain, 1, NULL, NULL) |
           fx_main("metrics.exphisto_negative.sdk", sdk, 2, setup, teardown);
}
