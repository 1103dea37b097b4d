/* The metrics specification's edge cases through the public API only:
 * name and unit rules, case-insensitive duplicates, start and end times of
 * both temporalities, the lowmemory preference, observable instruments
 * under delta, bound histograms, a histogram view of an observable
 * instrument, observations merged into one series, the shorthands, and
 * exemplars through bound handles. Threads: test_spec_concurrency.c; bad
 * input: test_spec_bad_input.c. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <stdatomic.h>

#include "spec_fixture.h"


START_TEST(test_name_and_unit_rules) {
    otel_instrument *i = NULL;
    char name[300];
    memset(name, 'a', sizeof name);
    name[255] = 0; /* 255 characters: the longest valid name */
    ck_assert_int_eq(otel_meter_create_instrument(&i, mtr, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64,
                                                  name, NULL, NULL), OTEL_OK);
    name[255] = 'a';
    name[256] = 0;
    ck_assert_int_eq(otel_meter_create_instrument(&i, mtr, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64,
                                                  name, NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    static const char *const bad[] = {"", "_x", "1x", "a b", "a*b", "é", "a,b", NULL};
    for (int k = 0; bad[k]; k++)
        ck_assert_msg(otel_meter_create_instrument(&i, mtr, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64,
                                                   bad[k], NULL, NULL) == OTEL_ERR_INVALID_ARGUMENT,
                      "'%s' accepted", bad[k]);
    ck_assert_int_eq(otel_meter_create_instrument(&i, mtr, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64,
                                                  NULL, NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    static const char *const good[] = {"a", "http.server.request.duration", "a_b-c/d.e", "Z9", NULL};
    for (int k = 0; good[k]; k++)
        ck_assert_msg(otel_meter_create_instrument(&i, mtr, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64,
                                                   good[k], NULL, NULL) == OTEL_OK,
                      "'%s' refused", good[k]);
    char unit[70];
    memset(unit, 'u', sizeof unit);
    unit[63] = 0;
    ck_assert_int_eq(otel_meter_create_instrument(&i, mtr, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64,
                                                  "unit.ok", unit, NULL), OTEL_OK);
    unit[63] = 'u';
    unit[64] = 0;
    ck_assert_int_eq(otel_meter_create_instrument(&i, mtr, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64,
                                                  "unit.long", unit, NULL), OTEL_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(test_duplicates_case_insensitive_and_conflicts) {
    otel_instrument *a = otel_meter_counter_i64(mtr, "Requests", "1", "all requests");
    ck_assert_ptr_nonnull(a);
    /* a case variant of an identical registration is the first instrument */
    ck_assert_ptr_eq(otel_meter_counter_i64(mtr, "requests", "1", "all requests"), a);
    ck_assert_ptr_eq(otel_meter_counter_i64(mtr, "REQUESTS", "1", "all requests"), a);
    /* a conflicting one (another kind) still works, as its own instrument */
    otel_instrument *h = otel_meter_histogram_f64(mtr, "requests", "1", "all requests");
    ck_assert_ptr_nonnull(h);
    ck_assert_ptr_ne(h, a);
    otel_counter_add_i64(a, 2, NULL, 0);
    otel_histogram_record_f64(h, 7, NULL, 0);
    /* the same name in another meter is another instrument */
    otel_meter *other = otel_meter_provider_get_meter(prov, "edges.other", NULL, NULL);
    otel_instrument *b = otel_meter_counter_i64(other, "Requests", "1", "all requests");
    ck_assert_ptr_ne(b, a);
    otel_counter_add_i64(b, 5, NULL, 0);
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(rc, &d), OTEL_OK);
    int64_t total = 0;
    size_t sums = 0, hists = 0;
    for (size_t m = 0; m < otel_metrics_data_count(d); m++) {
        const char *n, *scope;
        int kind;
        otel_metrics_data_metric(d, m, &n, NULL, NULL, &kind, NULL, NULL, NULL, &scope);
        if (strcasecmp(n, "requests") != 0) continue;
        if (kind == OTEL_METRIC_SUM) {
            int64_t v;
            otel_metrics_data_point(d, m, 0, NULL, NULL, NULL, &v, NULL, NULL, NULL, NULL, NULL);
            total += v;
            sums++;
            /* the stream keeps the first-seen spelling */
            ck_assert_str_eq(n, "Requests");
        } else if (kind == OTEL_METRIC_HISTOGRAM) {
            hists++;
        }
    }
    ck_assert_uint_eq(sums, 2);
    ck_assert_uint_eq(hists, 1);
    ck_assert_int_eq(total, 7);
    otel_metrics_data_free(d);
    /* the same meter scope gives the same meter; another version another */
    ck_assert_ptr_eq(otel_meter_provider_get_meter(prov, "edges", "0.1", "https://example.com/schema"), mtr);
    ck_assert_ptr_ne(otel_meter_provider_get_meter(prov, "edges", "0.2", "https://example.com/schema"), mtr);
}
END_TEST

START_TEST(test_start_and_end_times) {
    otel_instrument *c = otel_meter_counter_i64(mtr, "t.count", NULL, NULL);
    otel_counter_add_i64(c, 1, NULL, 0);
    pt c1 = collect_one(rc, "t.count"), d1 = collect_one(rd, "t.count");
    otel_counter_add_i64(c, 1, NULL, 0);
    pt c2 = collect_one(rc, "t.count"), d2 = collect_one(rd, "t.count");
    ck_assert(c1.found && c2.found && d1.found && d2.found);
    /* cumulative: a fixed start, before the first measurement's collection */
    ck_assert_uint_gt(c1.start, 0);
    ck_assert_uint_eq(c1.start, c2.start);
    ck_assert_uint_lt(c1.start, c1.end);
    ck_assert_uint_le(c1.end, c2.end);
    ck_assert_int_eq(c2.i, 2);
    /* delta: each period starts where the reader's last one ended */
    ck_assert_uint_le(d1.start, d1.end);
    ck_assert_uint_eq(d2.start, d1.end);
    ck_assert_uint_lt(d2.start, d2.end);
    ck_assert_int_eq(d2.i, 1);
    /* a quiet period: no delta point, and the next period still starts at
     * the last collection (no gap and no overlap) */
    pt quiet = collect_one(rd, "t.count");
    ck_assert(!quiet.found);
    otel_counter_add_i64(c, 4, NULL, 0);
    pt d3 = collect_one(rd, "t.count");
    ck_assert(d3.found);
    ck_assert_int_eq(d3.i, 4);
    ck_assert_uint_ge(d3.start, d2.end);
    ck_assert_uint_lt(d3.start, d3.end);
}
END_TEST

typedef struct obs {
    otel_instrument *counter, *updown, *gauge;
    int64_t total;
    double level;
} obs;

static void observe_all(otel_observer *o, void *ud) {
    obs *s = ud;
    otel_observer_observe_i64(o, s->counter, s->total, NULL, 0);
    otel_observer_observe_f64(o, s->updown, s->level, NULL, 0);
    otel_observer_observe_f64(o, s->gauge, s->level * 2, NULL, 0);
}

START_TEST(test_observable_instruments_under_both_temporalities) {
    obs s = {0};
    otel_meter_create_instrument(&s.counter, mtr, OTEL_INSTRUMENT_OBSERVABLE_COUNTER, OTEL_NUMBER_INT64,
                                 "o.counter", NULL, NULL);
    otel_meter_create_instrument(&s.updown, mtr, OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER,
                                 OTEL_NUMBER_DOUBLE, "o.updown", NULL, NULL);
    otel_meter_create_instrument(&s.gauge, mtr, OTEL_INSTRUMENT_OBSERVABLE_GAUGE, OTEL_NUMBER_DOUBLE,
                                 "o.gauge", NULL, NULL);
    otel_instrument *all[] = {s.counter, s.updown, s.gauge};
    ck_assert_int_eq(otel_meter_register_callback(mtr, observe_all, &s, all, 3, NULL), OTEL_OK);
    s.total = 10;
    s.level = -1.5;
    pt dc = collect_one(rd, "o.counter");
    ck_assert_int_eq(dc.i, 10);
    ck_assert_int_eq(dc.temporality, OTEL_TEMPORALITY_DELTA);
    s.total = 25;
    s.level = 3;
    dc = collect_one(rd, "o.counter");
    ck_assert_int_eq(dc.i, 15);
    pt cc = collect_one(rc, "o.counter");
    ck_assert_int_eq(cc.i, 25);
    ck_assert_int_eq(cc.temporality, OTEL_TEMPORALITY_CUMULATIVE);
    /* up-down counters report the observed level, not its change */
    pt du = collect_one(rd, "o.updown");
    ck_assert_double_eq(du.d, 3);
    ck_assert_int_eq(du.temporality, OTEL_TEMPORALITY_CUMULATIVE);
    pt g = collect_one(rd, "o.gauge");
    ck_assert_int_eq(g.kind, OTEL_METRIC_GAUGE);
    ck_assert_double_eq(g.d, 6);
    /* an observable counter going down (a restart) is not a negative delta
     * the collector would reject silently: what is reported stays exact */
    s.total = 30;
    dc = collect_one(rd, "o.counter");
    ck_assert_int_eq(dc.i, 5);
}
END_TEST

START_TEST(test_lowmemory_and_delta_preferences) {
    static const struct {
        const char *pref;
        int counter, ocounter, updown, hist;
    } rows[] = {
        {"cumulative", OTEL_TEMPORALITY_CUMULATIVE, OTEL_TEMPORALITY_CUMULATIVE, OTEL_TEMPORALITY_CUMULATIVE,
         OTEL_TEMPORALITY_CUMULATIVE},
        {"delta", OTEL_TEMPORALITY_DELTA, OTEL_TEMPORALITY_DELTA, OTEL_TEMPORALITY_CUMULATIVE, OTEL_TEMPORALITY_DELTA},
        {"lowmemory", OTEL_TEMPORALITY_DELTA, OTEL_TEMPORALITY_CUMULATIVE, OTEL_TEMPORALITY_CUMULATIVE,
         OTEL_TEMPORALITY_DELTA},
        {"LowMemory", OTEL_TEMPORALITY_DELTA, OTEL_TEMPORALITY_CUMULATIVE, OTEL_TEMPORALITY_CUMULATIVE,
         OTEL_TEMPORALITY_DELTA},
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
        otel_options *o;
        otel_options_new(&o);
        otel_options_set(o, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", rows[k].pref);
        otel_options_set(o, "OTEL_METRIC_EXPORT_INTERVAL", "3600000");
        otel_metric_reader *mem;
        ck_assert_int_eq(otel_metric_reader_memory_new(&mem, o), OTEL_OK);
        otel_options_free(o);
        otel_meter_provider *p = mx_provider(NULL, NULL);
        ck_assert_int_eq(otel_meter_provider_add_reader(p, mem), OTEL_OK);
        otel_meter *m = otel_meter_provider_get_meter(p, "pref", NULL, NULL);
        otel_counter_add_i64(otel_meter_counter_i64(m, "c", NULL, NULL), 1, NULL, 0);
        otel_counter_add_i64(otel_meter_up_down_counter_i64(m, "u", NULL, NULL), 1, NULL, 0);
        otel_histogram_record_f64(otel_meter_histogram_f64(m, "h", NULL, NULL), 1, NULL, 0);
        obs s = {0};
        s.total = 1;
        otel_meter_create_instrument(&s.counter, m, OTEL_INSTRUMENT_OBSERVABLE_COUNTER, OTEL_NUMBER_INT64,
                                     "oc", NULL, NULL);
        otel_meter_create_instrument(&s.updown, m, OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER,
                                     OTEL_NUMBER_DOUBLE, "ou", NULL, NULL);
        otel_meter_create_instrument(&s.gauge, m, OTEL_INSTRUMENT_OBSERVABLE_GAUGE, OTEL_NUMBER_DOUBLE, "og",
                                     NULL, NULL);
        otel_instrument *all[] = {s.counter, s.updown, s.gauge};
        otel_meter_register_callback(m, observe_all, &s, all, 3, NULL);
        ck_assert_int_eq(otel_meter_provider_force_flush(p, 5000), OTEL_OK);
        otel_metrics_data *d = otel_metric_reader_memory_take(mem);
        ck_assert_ptr_nonnull(d);
        ck_assert_int_eq(point_of(d, "c", 0).temporality, rows[k].counter);
        ck_assert_int_eq(point_of(d, "oc", 0).temporality, rows[k].ocounter);
        ck_assert_int_eq(point_of(d, "u", 0).temporality, rows[k].updown);
        ck_assert_int_eq(point_of(d, "ou", 0).temporality, rows[k].updown);
        ck_assert_int_eq(point_of(d, "h", 0).temporality, rows[k].hist);
        ck_assert_int_eq(point_of(d, "og", 0).kind, OTEL_METRIC_GAUGE);
        otel_metrics_data_free(d);
        otel_metric_reader_release(mem);
        otel_meter_provider_release(p);
    }
}
END_TEST

START_TEST(test_bound_histogram_and_up_down_counter) {
    otel_instrument *h = otel_meter_histogram_i64(mtr, "b.hist", "ms", NULL);
    otel_instrument *u = otel_meter_up_down_counter_i64(mtr, "b.updown", NULL, NULL);
    otel_attr a[] = {OTEL_ATTR_STR("route", "/x")};
    otel_bound_instrument *bh = otel_instrument_bind(h, a, 1), *bu = otel_instrument_bind(u, a, 1);
    ck_assert_ptr_nonnull(bh);
    ck_assert_ptr_nonnull(bu);
    otel_bound_record_i64(bh, 3);
    otel_bound_record_f64(bh, 30);
    otel_bound_record_i64(bh, -1); /* dropped: histograms take no negatives */
    otel_histogram_record_i64(h, 300, a, 1);
    otel_bound_record_i64(bu, 5);
    otel_bound_record_i64(bu, -7);
    pt ph = collect_one(rc, "b.hist");
    ck_assert_uint_eq(ph.count, 3);
    ck_assert_double_eq(ph.sum, 333);
    ck_assert_double_eq(ph.min, 3);
    ck_assert_double_eq(ph.max, 300);
    pt pu = collect_one(rc, "b.updown");
    ck_assert_int_eq(pu.i, -2);
    ck_assert_uint_eq(otel_meter_provider_dropped(prov), 1);
    otel_bound_instrument_free(bh);
    otel_bound_instrument_free(bu);
    /* the series outlives its handles */
    ck_assert_int_eq(collect_one(rc, "b.updown").i, -2);
}
END_TEST

/* A view asking for a histogram of an observable instrument is ignored
 * (with a warning) rather than half-applied: the observed value is still
 * reported, under the instrument's default aggregation. */
START_TEST(test_histogram_view_of_an_observable_is_ignored) {
    otel_view *v;
    otel_meter_provider *p = mx_provider(NULL, NULL);
    otel_metric_reader *r;
    otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE);
    otel_meter_provider_add_reader(p, r);
    ck_assert_int_eq(otel_view_new(&v, "obs.*"), OTEL_OK);
    ck_assert_int_eq(otel_view_set_aggregation(v, OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM, NULL, 0), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_view(p, v), OTEL_OK);
    otel_view_free(v);
    otel_meter *m = otel_meter_provider_get_meter(p, "views", NULL, NULL);
    otel_instrument *g;
    otel_meter_create_instrument(&g, m, OTEL_INSTRUMENT_OBSERVABLE_GAUGE, OTEL_NUMBER_DOUBLE, "obs.gauge", NULL, NULL);
    otel_meter_register_callback(m, observe_42, &g, &g, 1, NULL);
    pt got = collect_one(r, "obs.gauge");
    ck_assert(got.found);
    ck_assert_int_eq(got.kind, OTEL_METRIC_GAUGE);
    ck_assert_double_eq(got.d, 42);
    otel_metric_reader_release(r);
    otel_meter_provider_release(p);
}
END_TEST

typedef struct merged {
    otel_instrument *filtered, *limited;
} merged;

static void observe_sets(otel_observer *o, void *ud) {
    merged *m = ud;
    for (int k = 1; k <= 3; k++) {
        otel_attr a[] = {OTEL_ATTR_I64("host", 1), OTEL_ATTR_I64("cpu", k)};
        otel_observer_observe_i64(o, m->filtered, 10 * k, a, 2); /* cpu filtered out */
        otel_observer_observe_i64(o, m->limited, 10 * k, a + 1, 1);
    }
}

/* Observations that land in one series in one collection (a view dropped
 * the key that told them apart, or the cardinality limit sent them to the
 * overflow series) add up for sums, every collection afresh. */
START_TEST(test_observations_merged_into_one_series_add_up) {
    otel_meter_provider *p = mx_provider(NULL, NULL);
    otel_metric_reader *r;
    otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE);
    otel_meter_provider_add_reader(p, r);
    otel_view *v;
    const char *keep = "host";
    otel_view_new(&v, "obs.filtered");
    otel_view_set_attribute_keys(v, &keep, 1, 0);
    otel_meter_provider_add_view(p, v);
    otel_view_free(v);
    otel_view_new(&v, "obs.limited");
    otel_view_set_cardinality_limit(v, 2); /* one series and the overflow one */
    otel_meter_provider_add_view(p, v);
    otel_view_free(v);
    otel_meter *m = otel_meter_provider_get_meter(p, "merge", NULL, NULL);
    merged st;
    otel_meter_create_instrument(&st.filtered, m, OTEL_INSTRUMENT_OBSERVABLE_COUNTER, OTEL_NUMBER_INT64,
                                 "obs.filtered", NULL, NULL);
    otel_meter_create_instrument(&st.limited, m, OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER, OTEL_NUMBER_INT64,
                                 "obs.limited", NULL, NULL);
    otel_instrument *both[] = {st.filtered, st.limited};
    otel_meter_register_callback(m, observe_sets, &st, both, 2, NULL);
    for (int round = 0; round < 2; round++) {
        otel_metrics_data *d = NULL;
        ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
        size_t np;
        long i = mx_find(d, "obs.filtered", &np);
        ck_assert_int_ge(i, 0);
        ck_assert_uint_eq(np, 1);
        int64_t val;
        otel_metrics_data_point(d, (size_t)i, 0, NULL, NULL, NULL, &val, NULL, NULL, NULL, NULL, NULL);
        ck_assert_int_eq(val, 60);
        i = mx_find(d, "obs.limited", &np);
        ck_assert_int_ge(i, 0);
        ck_assert_uint_eq(np, 2);
        int64_t total = 0, overflow = -1;
        for (size_t q = 0; q < np; q++) {
            const otel_attr *at;
            size_t na;
            otel_metrics_data_point(d, (size_t)i, q, NULL, NULL, NULL, &val, NULL, NULL, NULL, NULL, NULL);
            otel_metrics_data_point_attrs(d, (size_t)i, q, &at, &na);
            total += val;
            if (na == 1 && strcmp(at[0].key, "otel.metric.overflow") == 0) overflow = val;
        }
        ck_assert_int_eq(total, 60);
        ck_assert_int_eq(overflow, 50);
        otel_metrics_data_free(d);
    }
    otel_metric_reader_release(r);
    otel_meter_provider_release(p);
}
END_TEST

/* The shorthands for every synchronous kind and number type make the
 * instrument they name, recording in its number type. */
START_TEST(test_shorthands_make_what_they_name) {
    otel_instrument *gi = otel_meter_gauge_i64(mtr, "s.gauge.i", NULL, NULL);
    otel_instrument *ud = otel_meter_up_down_counter_f64(mtr, "s.updown.d", NULL, NULL);
    ck_assert_ptr_nonnull(gi);
    ck_assert_ptr_nonnull(ud);
    otel_instrument *again;
    ck_assert_int_eq(otel_meter_create_instrument(&again, mtr, OTEL_INSTRUMENT_GAUGE, OTEL_NUMBER_INT64,
                                                  "s.gauge.i", NULL, NULL), OTEL_OK);
    ck_assert_ptr_eq(again, gi);
    ck_assert_int_eq(otel_meter_create_instrument(&again, mtr, OTEL_INSTRUMENT_UP_DOWN_COUNTER,
                                                  OTEL_NUMBER_DOUBLE, "s.updown.d", NULL, NULL), OTEL_OK);
    ck_assert_ptr_eq(again, ud);
    otel_instrument_record_i64(gi, -4, NULL, 0);
    otel_instrument_record_i64(gi, 9, NULL, 0);
    otel_instrument_record_f64(ud, 2.5, NULL, 0);
    otel_instrument_record_f64(ud, -4, NULL, 0);
    pt g = collect_one(rc, "s.gauge.i");
    ck_assert(g.is_int);
    ck_assert_int_eq(g.kind, OTEL_METRIC_GAUGE);
    ck_assert_int_eq(g.i, 9);
    pt u = collect_one(rc, "s.updown.d");
    ck_assert(!u.is_int);
    ck_assert_int_eq(u.kind, OTEL_METRIC_SUM);
    ck_assert_double_eq(u.d, -1.5);
    ck_assert_ptr_null(otel_meter_gauge_i64(NULL, "x", NULL, NULL));
    ck_assert_ptr_null(otel_meter_up_down_counter_f64(mtr, "bad name", NULL, NULL));
}
END_TEST

/* Records through bound handles inside a sampled span. */
static void bound_in_sampled_span(otel_bound_instrument *bh, otel_bound_instrument *bc, otel_span_context *sc) {
    memset(sc, 0, sizeof *sc);
    memset(sc->trace_id, 0x5a, 16);
    memset(sc->span_id, 0x6b, 8);
    sc->trace_flags = OTEL_TRACE_FLAG_SAMPLED;
    otel_span *span = NULL;
    ck_assert_int_eq(otel_span_wrap(&span, sc, NULL, 0), OTEL_OK);
    otel_context *ctx = otel_context_with_span(otel_context_root(), span);
    uint64_t token = otel_context_attach(ctx);
    otel_bound_record_f64(bh, 42);
    otel_bound_record_i64(bc, 5);
    otel_context_detach(token);
    otel_context_release(ctx);
    otel_span_release(span);
}

/* Bound handles offer exemplars too: a bound histogram inside a sampled
 * span (the default filter), and with always_on a bound int counter. */
START_TEST(test_bound_handles_offer_exemplars) {
    for (int always_on = 0; always_on < 2; always_on++) {
        otel_meter_provider *p = mx_provider("OTEL_METRICS_EXEMPLAR_FILTER", always_on ? "always_on" : "trace_based");
        otel_metric_reader *r;
        otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE);
        otel_meter_provider_add_reader(p, r);
        otel_meter *m = otel_meter_provider_get_meter(p, "ex", NULL, NULL);
        otel_attr a[] = {OTEL_ATTR_STR("route", "/a")};
        otel_bound_instrument *bh = otel_instrument_bind(otel_meter_histogram_f64(m, "ex.hist", NULL, NULL), a, 1);
        otel_bound_instrument *bc = otel_instrument_bind(otel_meter_counter_i64(m, "ex.count", NULL, NULL), a, 1);
        otel_span_context sc;
        bound_in_sampled_span(bh, bc, &sc);
        otel_metrics_data *d = NULL;
        ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
        long i = mx_find(d, "ex.hist", NULL);
        double v = 0;
        uint8_t tid[16], sid[8];
        ck_assert_int_eq(otel_metrics_data_point_exemplar(d, (size_t)i, 0, 0, NULL, NULL, NULL, &v, tid, sid), OTEL_OK);
        ck_assert_double_eq(v, 42);
        ck_assert_mem_eq(tid, sc.trace_id, 16);
        ck_assert_mem_eq(sid, sc.span_id, 8);
        if (always_on) {
            int64_t iv = 0;
            i = mx_find(d, "ex.count", NULL);
            ck_assert_int_eq(otel_metrics_data_point_exemplar(d, (size_t)i, 0, 0, NULL, NULL, &iv, NULL, NULL, NULL),
                             OTEL_OK);
            ck_assert_int_eq(iv, 5);
            int64_t total;
            otel_metrics_data_point(d, (size_t)i, 0, NULL, NULL, NULL, &total, NULL, NULL, NULL, NULL, NULL);
            ck_assert_int_eq(total, 5);
        }
        otel_metrics_data_free(d);
        otel_bound_instrument_free(bh);
        otel_bound_instrument_free(bc);
        otel_metric_reader_release(r);
        otel_meter_provider_release(p);
    }
}
END_TEST

FX_MAIN("metrics.spec_edges", up, down,
        test_name_and_unit_rules,
        test_duplicates_case_insensitive_and_conflicts,
        test_start_and_end_times,
        test_observable_instruments_under_both_temporalities,
        test_lowmemory_and_delta_preferences,
        test_bound_histogram_and_up_down_counter,
        test_histogram_view_of_an_observable_is_ignored,
        test_observations_merged_into_one_series_add_up,
        test_shorthands_make_what_they_name,
        test_bound_handles_offer_exemplars)
