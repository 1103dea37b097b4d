/* otel-test: internal */
/* Base-2 exponential histograms: bucket indexes against exact values, the
 * known downscaling vectors, the zero bucket, deltas across a rescale, and
 * the OTLP encoding. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/internal.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h"
#include "otel/otel.h"

START_TEST(test_index_exact_powers_of_two_and_boundaries) {
    /* bucket i holds (base^i, base^(i+1)]: 2^e is the top of bucket (e<<s)-1 */
    ck_assert_int_eq(otel__exph_index(1, 0), -1);
    ck_assert_int_eq(otel__exph_index(2, 0), 0);
    ck_assert_int_eq(otel__exph_index(3, 0), 1);
    ck_assert_int_eq(otel__exph_index(4, 0), 1);
    ck_assert_int_eq(otel__exph_index(1, 20), -1);
    ck_assert_int_eq(otel__exph_index(2, 20), (1 << 20) - 1);
    ck_assert_int_eq(otel__exph_index(0.5, 3), -9);
    /* negative scales: base 4 at -1, 16 at -2 */
    ck_assert_int_eq(otel__exph_index(4, -1), 0);
    ck_assert_int_eq(otel__exph_index(5, -1), 1);
    ck_assert_int_eq(otel__exph_index(16, -2), 0);
    ck_assert_int_eq(otel__exph_index(17, -2), 1);
    /* a value just above a power of two is in the next bucket */
    ck_assert_int_eq(otel__exph_index(nextafter(2.0, 3.0), 20), 1 << 20);
    /* scale 1: base sqrt(2); 1.5 is in (sqrt2, 2] = bucket 1 */
    ck_assert_int_eq(otel__exph_index(1.5, 1), 1);
    ck_assert_int_eq(otel__exph_index(1.4, 1), 0);
}
END_TEST

START_TEST(test_known_downscaling_vectors) {
    otel__exph h;
    memset(&h, 0, sizeof h);
    h.scale = OTEL__EXPH_SCALE;
    /* max size 4 and the values 1, 2, 4: scale 0, buckets -1..1 */
    otel__exph_insert(&h, 1, 4);
    ck_assert_int_eq(h.scale, 20);
    ck_assert_int_eq(h.offset, -1);
    otel__exph_insert(&h, 2, 4);
    otel__exph_insert(&h, 4, 4);
    ck_assert_int_eq(h.scale, 0);
    ck_assert_int_eq(h.offset, -1);
    ck_assert_uint_eq(h.n, 3);
    ck_assert_uint_eq(h.counts[0], 1);
    ck_assert_uint_eq(h.counts[1], 1);
    ck_assert_uint_eq(h.counts[2], 1);
    /* a value far below: the window keeps max size 4 by going coarser */
    otel__exph_insert(&h, 1.0 / 1024, 4);
    ck_assert_uint_le(h.n, 4);
    ck_assert_int_lt(h.scale, 0);
    uint64_t total = 0;
    for (uint32_t i = 0; i < h.n; i++) total += h.counts[i];
    ck_assert_uint_eq(total, 4);
    /* zeros go to the zero bucket */
    otel__exph_insert(&h, 0, 4);
    ck_assert_uint_eq(h.zero_count, 1);
}
END_TEST

START_TEST(test_wide_range_fits_in_160_buckets) {
    otel__exph h;
    memset(&h, 0, sizeof h);
    h.scale = OTEL__EXPH_SCALE;
    for (int e = -100; e <= 100; e++) otel__exph_insert(&h, ldexp(1.5, e), OTEL__EXPH_MAX);
    ck_assert_uint_le(h.n, OTEL__EXPH_MAX);
    uint64_t total = 0;
    for (uint32_t i = 0; i < h.n; i++) total += h.counts[i];
    ck_assert_uint_eq(total, 201);
    /* every value lies inside its bucket's bounds at the final scale */
    for (int e = -100; e <= 100; e += 17) {
        double v = ldexp(1.5, e);
        int32_t i = otel__exph_index(v, h.scale);
        ck_assert_int_ge(i, h.offset);
        ck_assert_int_lt(i, h.offset + (int32_t)h.n);
        double base = pow(2.0, pow(2.0, -h.scale));
        ck_assert(v > pow(base, i) * (1 - 1e-12) && v <= pow(base, i + 1) * (1 + 1e-12));
    }
}
END_TEST

START_TEST(test_provider_exports_exponential_with_deltas_across_rescale) {
    setenv("OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", "base2_exponential_bucket_histogram", 1);
    setenv("OTEL_METRICS_EXPORTER", "none", 1);
    otel_meter_provider *mp;
    ck_assert_int_eq(otel_meter_provider_new(&mp, NULL), OTEL_OK);
    otel_metric_reader *del;
    otel_metric_reader_manual_new(&del, OTEL_TEMPORALITY_DELTA);
    otel_meter_provider_add_reader(mp, del);
    otel_meter *m = otel_meter_provider_get_meter(mp, "exp", NULL, NULL);
    otel_instrument *h = otel_meter_histogram_f64(m, "exp.latency", "ms", NULL);
    h->exph_max = 4;
    otel_histogram_record_f64(h, 1, NULL, 0);
    otel_histogram_record_f64(h, 2, NULL, 0);
    otel_metrics_data *d;
    ck_assert_int_eq(otel_metric_reader_collect(del, &d), OTEL_OK);
    int kind;
    otel_metrics_data_metric(d, 0, NULL, NULL, NULL, &kind, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(kind, OTEL_METRIC_EXPONENTIAL_HISTOGRAM);
    int32_t scale, offset;
    uint64_t zeros;
    const uint64_t *counts;
    size_t n;
    ck_assert_int_eq(otel_metrics_data_point_exp_buckets(d, 0, 0, &scale, &zeros, &offset, &counts, &n), OTEL_OK);
    int32_t first_scale = scale;
    otel_metrics_data_free(d);
    /* a value that forces a coarser scale, then the delta holds it alone */
    otel_histogram_record_f64(h, 4096, NULL, 0);
    otel_histogram_record_f64(h, 0, NULL, 0);
    ck_assert_int_eq(otel_metric_reader_collect(del, &d), OTEL_OK);
    otel_metrics_data_point_exp_buckets(d, 0, 0, &scale, &zeros, &offset, &counts, &n);
    ck_assert_int_lt(scale, first_scale);
    ck_assert_uint_eq(zeros, 1);
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) total += counts[i];
    ck_assert_uint_eq(total, 1); /* only 4096 is new in this period */
    uint64_t count;
    double sum;
    otel_metrics_data_point(d, 0, 0, NULL, NULL, NULL, NULL, NULL, &count, &sum, NULL, NULL);
    ck_assert_uint_eq(count, 2);
    ck_assert_double_eq(sum, 4096);
    uint8_t *body;
    size_t len;
    ck_assert_int_eq(otel__metrics_encode_proto(d, mp->resource, &body, &len), OTEL_OK);
    Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest *req =
        opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(NULL, len, body);
    ck_assert_ptr_nonnull(req);
    Opentelemetry__Proto__Metrics__V1__Metric *pm = req->resource_metrics[0]->scope_metrics[0]->metrics[0];
    ck_assert_int_eq(pm->data_case, OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM);
    Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint *dp = pm->exponential_histogram->data_points[0];
    ck_assert_int_eq(dp->scale, scale);
    ck_assert_int_eq(dp->positive->offset, offset);
    ck_assert_uint_eq(dp->positive->n_bucket_counts, n);
    ck_assert_uint_eq(dp->zero_count, 1);
    ck_assert_int_eq(pm->exponential_histogram->aggregation_temporality, 1);
    opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(req, NULL);
    free(body);
    otel_metrics_data_free(d);
    otel_metric_reader_release(del);
    otel_meter_provider_release(mp);
}
END_TEST

int main(void) {
    Suite *s = suite_create("exphisto");
    TCase *tc = tcase_create("exphisto");
    tcase_add_test(tc, test_index_exact_powers_of_two_and_boundaries);
    tcase_add_test(tc, test_known_downscaling_vectors);
    tcase_add_test(tc, test_wide_range_fits_in_160_buckets);
    tcase_add_test(tc, test_provider_exports_exponential_with_deltas_across_rescale);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
