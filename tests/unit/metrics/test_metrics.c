/* otel-test: internal */
/* The metrics SDK through a manual reader: every instrument kind, both
 * temporalities, histograms, gauges, asynchronous callbacks, invalid input,
 * the cardinality limit, bound instruments, threads, and the protobuf
 * encoding decoded back with protobuf-c. */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/internal.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h"
#include "otel/otel.h"

static otel_meter_provider *mp;
static otel_metric_reader *cum, *del;
static otel_meter *meter;

static void setup(void) {
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "none");
    otel_options_set(o, "OTEL_SERVICE_NAME", "metrics-test");
    ck_assert_int_eq(otel_meter_provider_new(&mp, o), OTEL_OK);
    otel_options_free(o);
    ck_assert_int_eq(otel_metric_reader_manual_new(&cum, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_metric_reader_manual_new(&del, OTEL_TEMPORALITY_DELTA), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, cum), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, del), OTEL_OK);
    meter = otel_meter_provider_get_meter(mp, "test.meter", "1.0", NULL);
    ck_assert_ptr_nonnull(meter);
}

static void teardown(void) {
    otel_metric_reader_release(cum);
    otel_metric_reader_release(del);
    otel_meter_provider_release(mp);
}

/* Index of the metric named `name` in d, or -1. */
static long find(const otel_metrics_data *d, const char *name) {
    for (size_t i = 0; i < otel_metrics_data_count(d); i++) {
        const char *n;
        otel_metrics_data_metric(d, i, &n, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        if (strcmp(n, name) == 0) return (long)i;
    }
    return -1;
}

static otel_metrics_data *collect(otel_metric_reader *r) {
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
    return d;
}

/* The int value of the single point of `name` (asserts there is one). */
static int64_t single_int(otel_metric_reader *r, const char *name, uint64_t *start, int *temporality) {
    otel_metrics_data *d = collect(r);
    long i = find(d, name);
    ck_assert_msg(i >= 0, "no metric %s", name);
    size_t np;
    otel_metrics_data_metric(d, (size_t)i, NULL, NULL, NULL, NULL, temporality, NULL, &np, NULL);
    ck_assert_uint_eq(np, 1);
    int64_t v;
    otel_metrics_data_point(d, (size_t)i, 0, start, NULL, NULL, &v, NULL, NULL, NULL, NULL, NULL);
    otel_metrics_data_free(d);
    return v;
}

START_TEST(test_counter_one_series_whatever_the_attribute_order) {
    otel_instrument *c = otel_meter_counter_i64(meter, "orders", "{order}", "orders placed");
    ck_assert_ptr_nonnull(c);
    otel_attr ab[] = {OTEL_ATTR_STR("a", "1"), OTEL_ATTR_I64("b", 2)};
    otel_attr ba[] = {OTEL_ATTR_I64("b", 2), OTEL_ATTR_STR("a", "1")};
    otel_counter_add_i64(c, 3, ab, 2);
    otel_counter_add_i64(c, 4, ba, 2);
    otel_metrics_data *d = collect(cum);
    long i = find(d, "orders");
    ck_assert_int_ge(i, 0);
    const char *unit, *desc, *scope;
    int kind, temp, mono;
    size_t np;
    otel_metrics_data_metric(d, (size_t)i, NULL, &unit, &desc, &kind, &temp, &mono, &np, &scope);
    ck_assert_str_eq(unit, "{order}");
    ck_assert_str_eq(desc, "orders placed");
    ck_assert_str_eq(scope, "test.meter");
    ck_assert_int_eq(kind, OTEL_METRIC_SUM);
    ck_assert_int_eq(temp, OTEL_TEMPORALITY_CUMULATIVE);
    ck_assert_int_eq(mono, 1);
    ck_assert_uint_eq(np, 1);
    const otel_attr *attrs;
    size_t na;
    otel_metrics_data_point_attrs(d, (size_t)i, 0, &attrs, &na);
    ck_assert_uint_eq(na, 2);
    ck_assert_mem_eq(attrs[0].key, "a", 1); /* sorted by key */
    int64_t v;
    int is_int;
    otel_metrics_data_point(d, (size_t)i, 0, NULL, NULL, &is_int, &v, NULL, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(is_int, 1);
    ck_assert_int_eq(v, 7);
    otel_metrics_data_free(d);
}
END_TEST

START_TEST(test_cumulative_and_delta_readers_are_independent) {
    otel_instrument *c = otel_meter_counter_i64(meter, "requests", NULL, NULL);
    otel_counter_add_i64(c, 5, NULL, 0);
    uint64_t s1, s2, s3;
    int t;
    ck_assert_int_eq(single_int(cum, "requests", &s1, &t), 5);
    ck_assert_int_eq(t, OTEL_TEMPORALITY_CUMULATIVE);
    ck_assert_int_eq(single_int(del, "requests", &s2, &t), 5);
    ck_assert_int_eq(t, OTEL_TEMPORALITY_DELTA);
    otel_counter_add_i64(c, 2, NULL, 0);
    ck_assert_int_eq(single_int(cum, "requests", &s3, NULL), 7);
    ck_assert_uint_eq(s3, s1); /* cumulative: the start stays */
    otel_metrics_data *d = collect(del);
    long i = find(d, "requests");
    int64_t v;
    uint64_t start, end;
    otel_metrics_data_point(d, (size_t)i, 0, &start, &end, NULL, &v, NULL, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(v, 2); /* delta: since the last collection */
    ck_assert_uint_gt(start, s2);
    otel_metrics_data_free(d);
    /* nothing new: a delta reader reports no point */
    d = collect(del);
    ck_assert_int_eq(find(d, "requests"), -1);
    otel_metrics_data_free(d);
}
END_TEST

START_TEST(test_up_down_counter_and_gauge_stay_cumulative_for_delta) {
    otel_instrument *u = otel_meter_up_down_counter_i64(meter, "queue.depth", NULL, NULL);
    otel_instrument *g = otel_meter_gauge_f64(meter, "temperature", "Cel", NULL);
    otel_counter_add_i64(u, 10, NULL, 0);
    otel_counter_add_i64(u, -4, NULL, 0);
    otel_instrument_record_f64(g, 20.5, NULL, 0);
    otel_instrument_record_f64(g, 21.25, NULL, 0);
    int t;
    ck_assert_int_eq(single_int(del, "queue.depth", NULL, &t), 6);
    ck_assert_int_eq(t, OTEL_TEMPORALITY_CUMULATIVE);
    otel_metrics_data *d = collect(del);
    long i = find(d, "temperature");
    int kind;
    otel_metrics_data_metric(d, (size_t)i, NULL, NULL, NULL, &kind, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(kind, OTEL_METRIC_GAUGE);
    double v;
    otel_metrics_data_point(d, (size_t)i, 0, NULL, NULL, NULL, NULL, &v, NULL, NULL, NULL, NULL);
    ck_assert_double_eq(v, 21.25);
    otel_metrics_data_free(d);
}
END_TEST

START_TEST(test_histogram_buckets_sum_count_min_max) {
    otel_instrument *h = otel_meter_histogram_f64(meter, "latency", "ms", NULL);
    double vals[] = {0, 3, 5, 7.5, 10000, 20000};
    for (size_t k = 0; k < 6; k++) otel_histogram_record_f64(h, vals[k], NULL, 0);
    otel_metrics_data *d = collect(cum);
    long i = find(d, "latency");
    uint64_t count;
    double sum, mn, mx;
    otel_metrics_data_point(d, (size_t)i, 0, NULL, NULL, NULL, NULL, NULL, &count, &sum, &mn, &mx);
    ck_assert_uint_eq(count, 6);
    ck_assert_double_eq(sum, 30015.5);
    ck_assert_double_eq(mn, 0);
    ck_assert_double_eq(mx, 20000);
    const double *bounds;
    const uint64_t *counts;
    size_t nb, nc;
    ck_assert_int_eq(otel_metrics_data_point_buckets(d, (size_t)i, 0, &bounds, &nb, &counts, &nc), OTEL_OK);
    ck_assert_uint_eq(nb, 15);
    ck_assert_uint_eq(nc, 16);
    /* (-inf,0] gets 0; (0,5] gets 3 and 5; (5,10] gets 7.5; (7500,10000] 10000; overflow 20000 */
    ck_assert_uint_eq(counts[0], 1);
    ck_assert_uint_eq(counts[1], 2);
    ck_assert_uint_eq(counts[2], 1);
    ck_assert_uint_eq(counts[14], 1);
    ck_assert_uint_eq(counts[15], 1);
    otel_metrics_data_free(d);

    otel_instrument *h2 = otel_meter_histogram_i64(meter, "sizes", "By", NULL);
    double b[] = {10, 100};
    ck_assert_int_eq(otel_instrument_set_bucket_boundaries(h2, b, 2), OTEL_OK);
    double bad[] = {5, 5};
    ck_assert_int_eq(otel_instrument_set_bucket_boundaries(h2, bad, 2), OTEL_ERR_INVALID_ARGUMENT);
    otel_histogram_record_i64(h2, 50, NULL, 0);
    ck_assert_int_eq(otel_instrument_set_bucket_boundaries(h2, b, 2), OTEL_ERR_STATE);
    d = collect(del);
    i = find(d, "sizes");
    otel_metrics_data_point_buckets(d, (size_t)i, 0, &bounds, &nb, &counts, &nc);
    ck_assert_uint_eq(nc, 3);
    ck_assert_uint_eq(counts[1], 1);
    otel_metrics_data_free(d);
}
END_TEST

typedef struct obs_state {
    otel_instrument *counter, *gauge;
    int calls;
} obs_state;

static void observe_both(otel_observer *o, void *ud) {
    obs_state *st = ud;
    st->calls++;
    otel_attr cpu[] = {OTEL_ATTR_STR("cpu", "0")};
    otel_observer_observe_i64(o, st->counter, 100 * st->calls, cpu, 1);
    otel_observer_observe_f64(o, st->gauge, 0.5 * st->calls, NULL, 0);
}

START_TEST(test_async_callbacks_one_for_two_instruments) {
    obs_state st = {0};
    otel_meter_create_instrument(&st.counter, meter, OTEL_INSTRUMENT_OBSERVABLE_COUNTER,
                                 OTEL_NUMBER_INT64, "cpu.time", "s", NULL);
    otel_meter_create_instrument(&st.gauge, meter, OTEL_INSTRUMENT_OBSERVABLE_GAUGE,
                                 OTEL_NUMBER_DOUBLE, "load", NULL, NULL);
    otel_instrument *both[] = {st.counter, st.gauge};
    uint64_t id;
    ck_assert_int_eq(otel_meter_register_callback(meter, observe_both, &st, both, 2, &id), OTEL_OK);
    ck_assert_int_eq(single_int(cum, "cpu.time", NULL, NULL), 100);
    int t;
    /* the delta reader's first view is the whole total, then the change */
    ck_assert_int_eq(single_int(del, "cpu.time", NULL, &t), 200);
    ck_assert_int_eq(t, OTEL_TEMPORALITY_DELTA);
    ck_assert_int_eq(single_int(del, "cpu.time", NULL, NULL), 100);
    ck_assert_int_eq(st.calls, 3);
    ck_assert_int_eq(otel_meter_unregister_callback(meter, id), OTEL_OK);
    ck_assert_int_eq(otel_meter_unregister_callback(meter, id), OTEL_ERR_NOT_FOUND);
    otel_metrics_data *d = collect(cum);
    ck_assert_int_eq(find(d, "cpu.time"), -1); /* not observed this time */
    otel_metrics_data_free(d);
    ck_assert_int_eq(st.calls, 3);
    /* a synchronous instrument cannot take a callback */
    otel_instrument *sync = otel_meter_counter_i64(meter, "sync", NULL, NULL);
    ck_assert_int_eq(otel_meter_register_callback(meter, observe_both, &st, &sync, 1, NULL),
                     OTEL_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(test_invalid_input_dropped_and_counted) {
    otel_instrument *c = otel_meter_counter_f64(meter, "bytes", "By", NULL);
    otel_instrument *h = otel_meter_histogram_f64(meter, "h", NULL, NULL);
    otel_counter_add_f64(c, 1.5, NULL, 0);
    otel_counter_add_f64(c, -1, NULL, 0);
    otel_counter_add_f64(c, NAN, NULL, 0);
    otel_counter_add_f64(c, INFINITY, NULL, 0);
    otel_histogram_record_f64(h, -3, NULL, 0);
    otel_counter_add_f64(c, 1, NULL, 2); /* NULL attributes with a count */
    otel_counter_add_i64(NULL, 1, NULL, 0);
    otel_bound_record_i64(NULL, 1);
    /* NULL handles belong to no provider: ignored, not counted */
    ck_assert_uint_eq(otel_meter_provider_dropped(mp), 5);
    otel_metrics_data *d = collect(cum);
    double v;
    otel_metrics_data_point(d, (size_t)find(d, "bytes"), 0, NULL, NULL, NULL, NULL, &v, NULL, NULL, NULL, NULL);
    ck_assert_double_eq(v, 1.5);
    otel_metrics_data_free(d);
    otel_instrument *i;
    ck_assert_int_eq(otel_meter_create_instrument(&i, meter, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64,
                                                  "9starts-with-digit", NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_meter_create_instrument(&i, meter, 99, OTEL_NUMBER_INT64, "x", NULL, NULL),
                     OTEL_ERR_INVALID_ARGUMENT);
    /* the same registration twice is the same instrument */
    ck_assert_ptr_eq(otel_meter_counter_f64(meter, "BYTES", "By", NULL), c);
}
END_TEST

START_TEST(test_cardinality_limit_overflow_series_conserves_the_sum) {
    otel_instrument *c = otel_meter_counter_i64(meter, "per.user", NULL, NULL);
    for (int u = 0; u < 2100; u++) {
        otel_attr a[] = {OTEL_ATTR_I64("user", u)};
        otel_counter_add_i64(c, 1, a, 1);
        otel_counter_add_i64(c, 1, a, 1);
    }
    otel_metrics_data *d = collect(cum);
    long i = find(d, "per.user");
    size_t np;
    otel_metrics_data_metric(d, (size_t)i, NULL, NULL, NULL, NULL, NULL, NULL, &np, NULL);
    ck_assert_uint_eq(np, 2000);
    int64_t total = 0, overflow = -1;
    for (size_t p = 0; p < np; p++) {
        int64_t v;
        const otel_attr *attrs;
        size_t na;
        otel_metrics_data_point(d, (size_t)i, p, NULL, NULL, NULL, &v, NULL, NULL, NULL, NULL, NULL);
        otel_metrics_data_point_attrs(d, (size_t)i, p, &attrs, &na);
        total += v;
        if (na == 1 && attrs[0].key_len == 20 && memcmp(attrs[0].key, "otel.metric.overflow", 20) == 0)
            overflow = v;
    }
    ck_assert_int_eq(total, 4200);
    ck_assert_int_eq(overflow, 2 * (2100 - 1999));
    otel_metrics_data_free(d);
}
END_TEST

typedef struct job {
    otel_instrument *c;
    otel_bound_instrument *b;
} job;

static void *adder(void *arg) {
    job *j = arg;
    otel_attr a[] = {OTEL_ATTR_STR("k", "v")};
    for (int n = 0; n < 100000; n++) {
        otel_counter_add_i64(j->c, 1, a, 1);
        otel_bound_record_i64(j->b, 2);
    }
    return NULL;
}

START_TEST(test_threads_conserve_sums_and_bound_instruments) {
    otel_instrument *c = otel_meter_counter_i64(meter, "hits", NULL, NULL);
    otel_attr a[] = {OTEL_ATTR_STR("k", "v")};
    job j = {c, otel_instrument_bind(c, a, 1)};
    ck_assert_ptr_nonnull(j.b);
    ck_assert_ptr_null(otel_instrument_bind(otel_meter_gauge_f64(meter, "g", NULL, NULL), NULL, 0));
    pthread_t th[4];
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, adder, &j);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    otel_bound_instrument_free(j.b);
    ck_assert_int_eq(single_int(cum, "hits", NULL, NULL), 4 * 100000 * 3);
}
END_TEST

START_TEST(test_protobuf_encoding_decodes_field_by_field) {
    otel_instrument *c = otel_meter_counter_i64(meter, "enc.count", "1", "d");
    otel_instrument *h = otel_meter_histogram_f64(meter, "enc.hist", "ms", NULL);
    otel_str tags[] = {{"x", 1}};
    otel_attr a[] = {OTEL_ATTR_STR("s", "v"), OTEL_ATTR_BOOL("b", 1), OTEL_ATTR_F64("f", 0.5),
                     OTEL_ATTR_ARRAY("arr", OTEL_VALUE_STRING_ARRAY, tags, 1)};
    otel_counter_add_i64(c, 42, a, 4);
    otel_histogram_record_f64(h, 7, NULL, 0);
    otel_metrics_data *d = collect(cum);
    uint8_t *body;
    size_t len;
    ck_assert_int_eq(otel__metrics_encode_proto(d, mp->resource, &body, &len), OTEL_OK);
    Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest *req =
        opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(NULL, len, body);
    ck_assert_ptr_nonnull(req);
    ck_assert_uint_eq(req->n_resource_metrics, 1);
    Opentelemetry__Proto__Metrics__V1__ResourceMetrics *rm = req->resource_metrics[0];
    int svc = 0;
    for (size_t k = 0; k < rm->resource->n_attributes; k++)
        if (!strcmp(rm->resource->attributes[k]->key, "service.name"))
            svc = !strcmp(rm->resource->attributes[k]->value->string_value, "metrics-test");
    ck_assert(svc);
    ck_assert_uint_eq(rm->n_scope_metrics, 1);
    Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm = rm->scope_metrics[0];
    ck_assert_str_eq(sm->scope->name, "test.meter");
    ck_assert_str_eq(sm->scope->version, "1.0");
    ck_assert_uint_eq(sm->n_metrics, 2);
    int seen = 0;
    for (size_t k = 0; k < sm->n_metrics; k++) {
        Opentelemetry__Proto__Metrics__V1__Metric *m = sm->metrics[k];
        if (!strcmp(m->name, "enc.count")) {
            seen++;
            ck_assert_int_eq(m->data_case, OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM);
            ck_assert(m->sum->is_monotonic);
            ck_assert_int_eq(m->sum->aggregation_temporality, 2);
            ck_assert_str_eq(m->unit, "1");
            Opentelemetry__Proto__Metrics__V1__NumberDataPoint *p = m->sum->data_points[0];
            ck_assert_int_eq(p->as_int, 42);
            ck_assert_uint_eq(p->n_attributes, 4);
            ck_assert_uint_gt(p->start_time_unix_nano, 0);
            ck_assert_uint_ge(p->time_unix_nano, p->start_time_unix_nano);
            ck_assert_str_eq(p->attributes[0]->key, "arr");
            ck_assert_str_eq(p->attributes[0]->value->array_value->values[0]->string_value, "x");
        } else {
            seen++;
            ck_assert_str_eq(m->name, "enc.hist");
            Opentelemetry__Proto__Metrics__V1__HistogramDataPoint *p = m->histogram->data_points[0];
            ck_assert_uint_eq(p->count, 1);
            ck_assert_double_eq(p->sum, 7);
            ck_assert_double_eq(p->min, 7);
            ck_assert_uint_eq(p->n_bucket_counts, 16);
            ck_assert_uint_eq(p->bucket_counts[2], 1);
            ck_assert_uint_eq(p->n_explicit_bounds, 15);
        }
    }
    ck_assert_int_eq(seen, 2);
    opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(req, NULL);
    free(body);
    otel_metrics_data_free(d);
}
END_TEST

START_TEST(test_global_and_disabled_and_null_safety) {
    ck_assert_ptr_null(otel_meter_provider_get_global());
    otel_meter_provider_set_global(mp);
    otel_meter_provider *g = otel_meter_provider_get_global();
    ck_assert_ptr_eq(g, mp);
    otel_meter_provider_release(g);
    otel_meter_provider_set_global(NULL);
    ck_assert_ptr_null(otel_meter_provider_get_meter(NULL, "x", NULL, NULL));
    ck_assert_ptr_null(otel_meter_counter_i64(NULL, "x", NULL, NULL));
    otel_metrics_data *d;
    ck_assert_int_eq(otel_metric_reader_collect(NULL, &d), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, cum), OTEL_ERR_STATE); /* already attached */
    setenv("OTEL_SDK_DISABLED", "true", 1);
    setenv("OTEL_METRICS_EXPORTER", "none", 1);
    otel_meter_provider *off;
    ck_assert_int_eq(otel_meter_provider_new(&off, NULL), OTEL_OK);
    otel_metric_reader *r;
    otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE);
    otel_meter_provider_add_reader(off, r);
    otel_instrument *c = otel_meter_counter_i64(otel_meter_provider_get_meter(off, "m", NULL, NULL), "c", NULL, NULL);
    otel_counter_add_i64(c, 1, NULL, 0);
    ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
    ck_assert_uint_eq(otel_metrics_data_count(d), 0);
    otel_metrics_data_free(d);
    otel_meter_provider_shutdown(off, 1000);
    ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_ERR_SHUTDOWN);
    otel_metric_reader_release(r);
    otel_meter_provider_release(off);
}
END_TEST

/* Every synchronous kind x both temporalities x its aggregation: the data
 * kind and temporality reported, and values over two collections. */
START_TEST(test_instrument_temporality_aggregation_matrix) {
    struct row {
        const char *name;
        int kind, number, data_kind, delta_temporality;
        double first, second_delta, second_cum; /* sum/value, or count for histograms */
    } rows[] = {
        {"m.counter", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64, OTEL_METRIC_SUM, OTEL_TEMPORALITY_DELTA, 3, 3, 6},
        {"m.updown", OTEL_INSTRUMENT_UP_DOWN_COUNTER, OTEL_NUMBER_DOUBLE, OTEL_METRIC_SUM,
         OTEL_TEMPORALITY_CUMULATIVE, 3, 6, 6},
        {"m.hist", OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_DOUBLE, OTEL_METRIC_HISTOGRAM, OTEL_TEMPORALITY_DELTA, 1, 1, 2},
        {"m.gauge", OTEL_INSTRUMENT_GAUGE, OTEL_NUMBER_DOUBLE, OTEL_METRIC_GAUGE, OTEL_TEMPORALITY_CUMULATIVE, 3, 3, 3},
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
        otel_instrument *inst;
        ck_assert_int_eq(otel_meter_create_instrument(&inst, meter, rows[k].kind, rows[k].number, rows[k].name,
                                                      NULL, NULL), OTEL_OK);
        otel_instrument_record_f64(inst, 3, NULL, 0);
    }
    for (int round = 0; round < 2; round++) {
        if (round == 1)
            for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
                otel_instrument *inst;
                otel_meter_create_instrument(&inst, meter, rows[k].kind, rows[k].number, rows[k].name, NULL, NULL);
                otel_instrument_record_f64(inst, 3, NULL, 0);
            }
        for (int delta = 0; delta < 2; delta++) {
            otel_metrics_data *d = collect(delta ? del : cum);
            for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
                long i = find(d, rows[k].name);
                ck_assert_msg(i >= 0, "%s missing", rows[k].name);
                int kind, temp;
                otel_metrics_data_metric(d, (size_t)i, NULL, NULL, NULL, &kind, &temp, NULL, NULL, NULL);
                ck_assert_int_eq(kind, rows[k].data_kind);
                ck_assert_int_eq(temp, delta ? rows[k].delta_temporality
                                             : (rows[k].data_kind == OTEL_METRIC_GAUGE ? OTEL_TEMPORALITY_CUMULATIVE
                                                                                       : OTEL_TEMPORALITY_CUMULATIVE));
                int is_int;
                int64_t iv;
                double dv, sum;
                uint64_t count;
                otel_metrics_data_point(d, (size_t)i, 0, NULL, NULL, &is_int, &iv, &dv, &count, &sum, NULL, NULL);
                double got = kind == OTEL_METRIC_HISTOGRAM ? (double)count : is_int ? (double)iv : dv;
                double want = round == 0 ? rows[k].first
                              : (delta ? rows[k].second_delta : rows[k].second_cum);
                ck_assert_msg(got == want, "%s round %d %s: %g, want %g", rows[k].name, round,
                              delta ? "delta" : "cumulative", got, want);
            }
            otel_metrics_data_free(d);
        }
    }
}
END_TEST

int main(void) {
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("metrics");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_counter_one_series_whatever_the_attribute_order);
    tcase_add_test(tc, test_cumulative_and_delta_readers_are_independent);
    tcase_add_test(tc, test_up_down_counter_and_gauge_stay_cumulative_for_delta);
    tcase_add_test(tc, test_histogram_buckets_sum_count_min_max);
    tcase_add_test(tc, test_async_callbacks_one_for_two_instruments);
    tcase_add_test(tc, test_invalid_input_dropped_and_counted);
    tcase_add_test(tc, test_cardinality_limit_overflow_series_conserves_the_sum);
    tcase_add_test(tc, test_threads_conserve_sums_and_bound_instruments);
    tcase_add_test(tc, test_protobuf_encoding_decodes_field_by_field);
    tcase_add_test(tc, test_global_and_disabled_and_null_safety);
    tcase_add_test(tc, test_instrument_temporality_aggregation_matrix);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
