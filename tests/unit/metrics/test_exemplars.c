/* otel-test: internal */
/* Exemplars: the trace_based filter (only inside sampled spans), always_on
 * and always_off, the reservoirs (one per sum series, one per histogram
 * bucket), trace and span ids, reset after each collection, and the
 * protobuf encoding. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/internal.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h"
#include "otel/otel.h"

static otel_meter_provider *mp;
static otel_metric_reader *r;
static otel_tracer_provider *tp;
static otel_tracer *tracer;

static void open_filter(const char *filter) {
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "none");
    otel_options_set(o, "OTEL_TRACES_EXPORTER", "none");
    if (filter) otel_options_set(o, "OTEL_METRICS_EXEMPLAR_FILTER", filter);
    ck_assert_int_eq(otel_meter_provider_new(&mp, o), OTEL_OK);
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    tracer = otel_tracer_provider_get_tracer(tp, "t", NULL, NULL);
    otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE);
    otel_meter_provider_add_reader(mp, r);
}

static void teardown(void) {
    otel_metric_reader_release(r);
    otel_meter_provider_release(mp);
    otel_tracer_provider_release(tp);
}

/* Records `v` inside a span sampled or not (or outside any span: -1). */
static void record_in(otel_instrument *inst, double v, int sampled, otel_span_context *sc_out) {
    otel_span *s = NULL;
    uint64_t token = 0;
    otel_context *ctx = NULL;
    if (sampled >= 0) {
        otel_span_context sc;
        memset(&sc, 0, sizeof sc);
        memset(sc.trace_id, 0x11, 16);
        memset(sc.span_id, 0x22, 8);
        sc.trace_flags = sampled ? OTEL_TRACE_FLAG_SAMPLED : 0;
        otel_span_wrap(&s, &sc, NULL, 0);
        ctx = otel_context_with_span(otel_context_root(), s);
        token = otel_context_attach(ctx);
        if (sc_out) *sc_out = sc;
    }
    otel_histogram_record_f64(inst, v, NULL, 0);
    if (sampled >= 0) {
        otel_context_detach(token);
        otel_context_release(ctx);
        otel_span_release(s);
    }
}

static size_t exemplars_of(otel_metrics_data *d, size_t i, size_t p) {
    size_t k = 0;
    while (otel_metrics_data_point_exemplar(d, i, p, k, NULL, NULL, NULL, NULL, NULL, NULL) == OTEL_OK) k++;
    return k;
}

START_TEST(test_trace_based_keeps_only_sampled_spans) {
    open_filter(NULL); /* the default */
    otel_instrument *h = otel_meter_histogram_f64(otel_meter_provider_get_meter(mp, "m", NULL, NULL), "h", NULL, NULL);
    record_in(h, 3, -1, NULL);  /* no span */
    record_in(h, 30, 0, NULL);  /* an unsampled span */
    otel_span_context sc;
    record_in(h, 300, 1, &sc);  /* a sampled span: bucket (250, 500] */
    otel_metrics_data *d;
    otel_metric_reader_collect(r, &d);
    ck_assert_uint_eq(exemplars_of(d, 0, 0), 1);
    uint8_t tid[16], sid[8];
    double v;
    uint64_t t;
    ck_assert_int_eq(otel_metrics_data_point_exemplar(d, 0, 0, 0, &t, NULL, NULL, &v, tid, sid), OTEL_OK);
    ck_assert_double_eq(v, 300);
    ck_assert_mem_eq(tid, sc.trace_id, 16);
    ck_assert_mem_eq(sid, sc.span_id, 8);
    ck_assert_uint_gt(t, 0);
    /* protobuf: the exemplar travels with its ids */
    uint8_t *body;
    size_t len;
    ck_assert_int_eq(otel__metrics_encode_proto(d, mp->resource, &body, &len), OTEL_OK);
    Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest *req =
        opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(NULL, len, body);
    Opentelemetry__Proto__Metrics__V1__HistogramDataPoint *dp =
        req->resource_metrics[0]->scope_metrics[0]->metrics[0]->histogram->data_points[0];
    ck_assert_uint_eq(dp->n_exemplars, 1);
    ck_assert_double_eq(dp->exemplars[0]->as_double, 300);
    ck_assert_uint_eq(dp->exemplars[0]->trace_id.len, 16);
    ck_assert_mem_eq(dp->exemplars[0]->span_id.data, sc.span_id, 8);
    opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(req, NULL);
    free(body);
    otel_metrics_data_free(d);
    /* the reservoir starts over after a collection */
    otel_metric_reader_collect(r, &d);
    ck_assert_uint_eq(exemplars_of(d, 0, 0), 0);
    otel_metrics_data_free(d);
}
END_TEST

START_TEST(test_always_on_one_per_bucket_and_always_off) {
    open_filter("always_on");
    otel_meter *m = otel_meter_provider_get_meter(mp, "m", NULL, NULL);
    otel_instrument *h = otel_meter_histogram_f64(m, "h", NULL, NULL);
    otel_instrument *c = otel_meter_counter_i64(m, "c", NULL, NULL);
    record_in(h, 3, -1, NULL);
    record_in(h, 4, -1, NULL);   /* same bucket (0, 5]: one exemplar for it */
    record_in(h, 300, -1, NULL); /* another bucket */
    for (int i = 0; i < 100; i++) otel_counter_add_i64(c, i, NULL, 0);
    otel_metrics_data *d;
    otel_metric_reader_collect(r, &d);
    for (size_t i = 0; i < otel_metrics_data_count(d); i++) {
        const char *n;
        otel_metrics_data_metric(d, i, &n, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        if (!strcmp(n, "h")) {
            ck_assert_uint_eq(exemplars_of(d, i, 0), 2);
        } else {
            ck_assert_uint_eq(exemplars_of(d, i, 0), 1); /* a sum keeps one */
            int64_t iv;
            uint8_t tid[16], zero[16] = {0};
            otel_metrics_data_point_exemplar(d, i, 0, 0, NULL, NULL, &iv, NULL, tid, NULL);
            ck_assert(iv >= 0 && iv < 100);
            ck_assert_mem_eq(tid, zero, 16); /* no span: no ids */
        }
    }
    otel_metrics_data_free(d);
    teardown();
    open_filter("always_off");
    h = otel_meter_histogram_f64(otel_meter_provider_get_meter(mp, "m", NULL, NULL), "h", NULL, NULL);
    record_in(h, 3, 1, NULL);
    otel_metric_reader_collect(r, &d);
    ck_assert_uint_eq(exemplars_of(d, 0, 0), 0);
    otel_metrics_data_free(d);
}
END_TEST

START_TEST(test_reservoir_sampling_is_uniform_enough) {
    /* one slot, 2 values offered 2000 times each, alternating: each should
     * win about half the collections (bound: 6 sigma of 400 trials) */
    open_filter("always_on");
    otel_instrument *c = otel_meter_counter_i64(otel_meter_provider_get_meter(mp, "m", NULL, NULL), "c", NULL, NULL);
    int first = 0;
    for (int trial = 0; trial < 400; trial++) {
        otel_counter_add_i64(c, 1, NULL, 0);
        otel_counter_add_i64(c, 2, NULL, 0);
        otel_metrics_data *d;
        otel_metric_reader_collect(r, &d);
        int64_t iv = 0;
        otel_metrics_data_point_exemplar(d, 0, 0, 0, NULL, NULL, &iv, NULL, NULL, NULL);
        first += iv == 1;
        otel_metrics_data_free(d);
    }
    ck_assert_int_gt(first, 200 - 60);
    ck_assert_int_lt(first, 200 + 60);
}
END_TEST

int main(void) {
    Suite *s = suite_create("exemplars");
    TCase *tc = tcase_create("exemplars");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_trace_based_keeps_only_sampled_spans);
    tcase_add_test(tc, test_always_on_one_per_bucket_and_always_off);
    tcase_add_test(tc, test_reservoir_sampling_is_uniform_enough);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
