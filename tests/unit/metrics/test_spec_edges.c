/* The metrics specification's edge cases through the public API only:
 * name and unit rules, case-insensitive duplicates, start and end times of
 * both temporalities, the lowmemory preference, observable instruments
 * under delta, bound histograms, what a delta reader reports for quiet
 * series, callbacks that re-enter the meter while a collection runs them,
 * instruments created while another thread collects, histogram counts
 * that match their buckets while a thread records, a histogram view of an
 * observable instrument, and observations merged into one series. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <stdatomic.h>

#include "metrics_fixture.h"
#include "otel/otel.h"
#include "trace/trace_fixture.h"

static otel_meter_provider *prov;
static otel_metric_reader *rc, *rd; /* cumulative and delta manual readers */
static otel_meter *mtr;

static void up(void) {
    prov = mx_provider(NULL, NULL);
    ck_assert_int_eq(otel_metric_reader_manual_new(&rc, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_metric_reader_manual_new(&rd, OTEL_TEMPORALITY_DELTA), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(prov, rc), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(prov, rd), OTEL_OK);
    mtr = otel_meter_provider_get_meter(prov, "edges", "0.1", "https://example.com/schema");
}

static void down(void) {
    otel_metric_reader_release(rc);
    otel_metric_reader_release(rd);
    otel_meter_provider_release(prov);
}

/* One collected point, looked up by metric name and point index. */
typedef struct pt {
    int found, kind, temporality, is_int;
    size_t n_points;
    uint64_t start, end, count;
    int64_t i;
    double d, sum, min, max;
} pt;

static pt point_of(const otel_metrics_data *d, const char *name, size_t p) {
    pt r;
    memset(&r, 0, sizeof r);
    for (size_t m = 0; m < otel_metrics_data_count(d); m++) {
        const char *n;
        otel_metrics_data_metric(d, m, &n, NULL, NULL, &r.kind, &r.temporality, NULL, &r.n_points, NULL);
        if (strcmp(n, name) != 0) continue;
        r.found = p < r.n_points;
        if (r.found)
            otel_metrics_data_point(d, m, p, &r.start, &r.end, &r.is_int, &r.i, &r.d, &r.count, &r.sum,
                                    &r.min, &r.max);
        return r;
    }
    return r;
}

static pt collect_one(otel_metric_reader *r, const char *name) {
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
    pt p = point_of(d, name, 0);
    otel_metrics_data_free(d);
    return p;
}

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

/* A callback that unregisters itself, registers a successor, creates an
 * instrument and tries to collect: none of it may wait for the collection
 * that is running it. */
typedef struct reentry {
    otel_instrument *gauge, *made;
    uint64_t self, next;
    int calls, next_calls;
    otel_status collect_st, flush_st;
} reentry;

static void successor(otel_observer *o, void *ud) {
    reentry *r = ud;
    r->next_calls++;
    otel_observer_observe_i64(o, r->gauge, 2, NULL, 0);
}

static void reentrant(otel_observer *o, void *ud) {
    reentry *r = ud;
    r->calls++;
    otel_observer_observe_i64(o, r->gauge, 1, NULL, 0);
    otel_metrics_data *d = NULL;
    r->collect_st = otel_metric_reader_collect(rc, &d);
    r->flush_st = otel_meter_provider_force_flush(prov, 100);
    r->made = otel_meter_counter_i64(mtr, "made.in.callback", NULL, NULL);
    ck_assert_int_eq(otel_meter_unregister_callback(mtr, r->self), OTEL_OK);
    ck_assert_int_eq(otel_meter_register_callback(mtr, successor, r, &r->gauge, 1, &r->next), OTEL_OK);
}

START_TEST(test_callbacks_may_reenter_the_meter) {
    reentry r;
    memset(&r, 0, sizeof r);
    otel_meter_create_instrument(&r.gauge, mtr, OTEL_INSTRUMENT_OBSERVABLE_GAUGE, OTEL_NUMBER_INT64, "re.gauge",
                                 NULL, NULL);
    ck_assert_int_eq(otel_meter_register_callback(mtr, reentrant, &r, &r.gauge, 1, &r.self), OTEL_OK);
    pt p = collect_one(rc, "re.gauge");
    ck_assert_int_eq(r.calls, 1);
    ck_assert(p.found);
    ck_assert_int_eq(p.i, 1);
    ck_assert_int_eq(r.collect_st, OTEL_ERR_STATE);
    ck_assert_int_eq(r.flush_st, OTEL_ERR_STATE);
    ck_assert_ptr_nonnull(r.made);
    /* the next collection runs only the successor */
    p = collect_one(rd, "re.gauge");
    ck_assert_int_eq(r.calls, 1);
    ck_assert_int_eq(r.next_calls, 1);
    ck_assert_int_eq(p.i, 2);
    ck_assert_int_eq(otel_meter_unregister_callback(mtr, r.next), OTEL_OK);
    ck_assert(!collect_one(rc, "re.gauge").found);
}
END_TEST

static _Atomic int creating;

static void *create_many(void *arg) {
    otel_meter *m = arg;
    char name[32];
    for (int i = 0; i < 2000; i++) {
        snprintf(name, sizeof name, "lazy.%d", i);
        otel_counter_add_i64(otel_meter_counter_i64(m, name, NULL, NULL), 1, NULL, 0);
    }
    creating = 0;
    return NULL;
}

/* Instruments made lazily on one thread while another collects: the two
 * take the provider's and the meter's locks, never in opposite orders
 * (this test deadlocked once, and fails by its timeout if that returns). */
START_TEST(test_creating_instruments_while_collecting) {
    creating = 1;
    pthread_t t;
    pthread_create(&t, NULL, create_many, mtr);
    size_t rounds = 0;
    while (creating) {
        otel_metrics_data *d = NULL;
        ck_assert_int_eq(otel_metric_reader_collect(rounds % 2 ? rc : rd, &d), OTEL_OK);
        otel_metrics_data_free(d);
        rounds++;
    }
    pthread_join(t, NULL);
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(rc, &d), OTEL_OK);
    ck_assert_uint_eq(otel_metrics_data_count(d), 2000);
    otel_metrics_data_free(d);
    ck_assert_uint_gt(rounds, 0);
}
END_TEST

static void observe_one(otel_observer *o, void *ud) {
    otel_observer_observe_i64(o, *(otel_instrument **)ud, 1, NULL, 0);
}

static void *collect_loop(void *arg) {
    long lost = 0;
    for (int i = 0; i < 300; i++) {
        otel_metrics_data *d = NULL;
        ck_assert_int_eq(otel_metric_reader_collect(arg, &d), OTEL_OK);
        if (mx_find(d, "cc.gauge", NULL) < 0) lost++;
        otel_metrics_data_free(d);
    }
    return (void *)lost;
}

/* Two readers collecting at once: each sees every observation its own
 * callbacks made (the other's run never re-stamps them away). */
START_TEST(test_concurrent_collections_keep_observations) {
    otel_instrument *g;
    otel_meter_create_instrument(&g, mtr, OTEL_INSTRUMENT_OBSERVABLE_GAUGE, OTEL_NUMBER_INT64, "cc.gauge", NULL,
                                 NULL);
    ck_assert_int_eq(otel_meter_register_callback(mtr, observe_one, &g, &g, 1, NULL), OTEL_OK);
    /* a newer meter is scanned first: its many series keep one collection
     * busy while the other runs the callbacks */
    otel_meter *busy = otel_meter_provider_get_meter(prov, "cc.busy", NULL, NULL);
    otel_instrument *c = otel_meter_counter_i64(busy, "cc.busy", NULL, NULL);
    for (int k = 0; k < 1500; k++) {
        otel_attr a[] = {OTEL_ATTR_I64("k", k)};
        otel_counter_add_i64(c, 1, a, 1);
    }
    pthread_t a, b;
    void *la, *lb;
    pthread_create(&a, NULL, collect_loop, rc);
    pthread_create(&b, NULL, collect_loop, rd);
    pthread_join(a, &la);
    pthread_join(b, &lb);
    ck_assert_int_eq((long)la, 0);
    ck_assert_int_eq((long)lb, 0);
}
END_TEST

static _Atomic int recording;

static void *record_loop(void *arg) {
    for (long i = 0; recording; i++) otel_histogram_record_f64(arg, (double)(i % 2000), NULL, 0);
    return NULL;
}

/* A histogram point's count is the sum of its buckets even while another
 * thread records during the collection (OTLP requires it; a backend that
 * converts buckets rejects points where they differ). */
START_TEST(test_histogram_count_matches_buckets_under_recording) {
    otel_instrument *h = otel_meter_histogram_f64(mtr, "busy.hist", NULL, NULL);
    recording = 1;
    pthread_t t;
    pthread_create(&t, NULL, record_loop, h);
    size_t checked = 0;
    for (long round = 0; checked < 300 && round < 10000000; round++) {
        otel_metrics_data *d = NULL;
        ck_assert_int_eq(otel_metric_reader_collect(round % 2 ? rc : rd, &d), OTEL_OK);
        long i = mx_find(d, "busy.hist", NULL);
        if (i >= 0) {
            uint64_t count, total = 0;
            const uint64_t *counts;
            size_t nc;
            otel_metrics_data_point(d, (size_t)i, 0, NULL, NULL, NULL, NULL, NULL, &count, NULL, NULL, NULL);
            otel_metrics_data_point_buckets(d, (size_t)i, 0, NULL, NULL, &counts, &nc);
            for (size_t k = 0; k < nc; k++) total += counts[k];
            ck_assert_uint_eq(count, total);
            checked++;
        }
        otel_metrics_data_free(d);
    }
    recording = 0;
    pthread_join(t, NULL);
    ck_assert_uint_eq(checked, 300);
}
END_TEST

static void observe_42(otel_observer *o, void *ud) {
    otel_observer_observe_f64(o, *(otel_instrument **)ud, 42, NULL, 0);
}

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

/* Every public metrics function given NULL handles and out-of-range
 * indexes: an error status or nothing, never a crash. */
START_TEST(test_every_call_survives_null_and_bad_indexes) {
    otel_view *v = NULL;
    ck_assert_int_eq(otel_view_new(NULL, "x"), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_ne(otel_view_select(NULL, 0, NULL, NULL, NULL, NULL), OTEL_OK);
    ck_assert_int_ne(otel_view_set_stream(NULL, "x", NULL), OTEL_OK);
    ck_assert_int_ne(otel_view_set_attribute_keys(NULL, NULL, 0, 0), OTEL_OK);
    ck_assert_int_ne(otel_view_set_aggregation(NULL, OTEL_AGGREGATION_SUM, NULL, 0), OTEL_OK);
    ck_assert_int_ne(otel_view_set_cardinality_limit(NULL, 10), OTEL_OK);
    otel_view_free(NULL);
    ck_assert_int_eq(otel_view_new(&v, "x"), OTEL_OK);
    ck_assert_int_ne(otel_view_set_attribute_keys(v, NULL, 3, 0), OTEL_OK);
    ck_assert_int_ne(otel_view_set_aggregation(v, OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM, NULL, 3), OTEL_OK);
    ck_assert_int_ne(otel_meter_provider_add_view(NULL, v), OTEL_OK);
    ck_assert_int_ne(otel_meter_provider_add_view(prov, NULL), OTEL_OK);
    otel_view_free(v);
    otel_metric_reader *r = NULL;
    ck_assert_int_ne(otel_metric_reader_manual_new(NULL, OTEL_TEMPORALITY_DELTA), OTEL_OK);
    ck_assert_int_ne(otel_metric_reader_manual_new(&r, 7), OTEL_OK);
    ck_assert_int_ne(otel_metric_reader_otlp_new(NULL, NULL), OTEL_OK);
    ck_assert_int_ne(otel_metric_reader_console_new(NULL, NULL), OTEL_OK);
    ck_assert_int_ne(otel_metric_reader_periodic_new(&r, NULL, NULL, NULL), OTEL_OK);
    ck_assert_int_ne(otel_metric_reader_memory_new(NULL, NULL), OTEL_OK);
    ck_assert_ptr_null(otel_metric_reader_memory_take(NULL));
    ck_assert_ptr_null(otel_metric_reader_memory_take(rc)); /* not an in-memory reader */
    ck_assert_int_ne(otel_metric_reader_collect(rc, NULL), OTEL_OK);
    ck_assert_ptr_null(otel_metric_reader_retain(NULL));
    otel_metric_reader_release(NULL);
    ck_assert_int_ne(otel_meter_provider_new(NULL, NULL), OTEL_OK);
    ck_assert_int_ne(otel_meter_provider_add_reader(NULL, rc), OTEL_OK);
    ck_assert_int_ne(otel_meter_provider_add_reader(prov, NULL), OTEL_OK);
    ck_assert_ptr_null(otel_meter_provider_get_meter_n(NULL, "x", 1, NULL, 0, NULL, 0, NULL, 0));
    ck_assert_int_ne(otel_meter_provider_force_flush(NULL, 10), OTEL_OK);
    ck_assert_int_ne(otel_meter_provider_shutdown(NULL, 10), OTEL_OK);
    uint64_t stats[4];
    ck_assert_uint_eq(otel_meter_provider_get_stats(NULL, stats, 4), 0);
    ck_assert_uint_eq(otel_meter_provider_get_stats(prov, NULL, 4), 0);
    char buf[8];
    ck_assert_uint_eq(otel_meter_provider_last_error(NULL, buf, sizeof buf), 0);
    ck_assert_ptr_null(otel_meter_provider_retain(NULL));
    otel_meter_provider_release(NULL);
    ck_assert_uint_eq(otel_meter_provider_dropped(NULL), 0);
    otel_instrument *i = NULL;
    ck_assert_int_ne(otel_meter_create_instrument(NULL, mtr, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64, "x", NULL,
                                                  NULL), OTEL_OK);
    ck_assert_int_ne(otel_meter_create_instrument(&i, NULL, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64, "x", NULL,
                                                  NULL), OTEL_OK);
    ck_assert_int_ne(otel_meter_create_instrument(&i, mtr, OTEL_INSTRUMENT_COUNTER, 9, "x", NULL, NULL), OTEL_OK);
    ck_assert_int_ne(otel_instrument_set_bucket_boundaries(NULL, NULL, 0), OTEL_OK);
    otel_instrument *c = otel_meter_counter_i64(mtr, "n.c", NULL, NULL);
    double nan_bound[] = {1, NAN};
    ck_assert_int_ne(otel_instrument_set_bucket_boundaries(c, nan_bound, 2), OTEL_OK); /* not a histogram */
    ck_assert_int_ne(otel_instrument_set_bucket_boundaries(otel_meter_histogram_f64(mtr, "n.h", NULL, NULL),
                                                           nan_bound, 2), OTEL_OK);
    otel_instrument_record_i64(NULL, 1, NULL, 0);
    otel_instrument_record_f64(NULL, 1, NULL, 0);
    otel_counter_add_i64(NULL, 1, NULL, 0);
    otel_counter_add_f64(NULL, 1, NULL, 0);
    otel_histogram_record_f64(NULL, 1, NULL, 0);
    otel_histogram_record_i64(NULL, 1, NULL, 0);
    ck_assert_ptr_null(otel_instrument_bind(NULL, NULL, 0));
    ck_assert_ptr_null(otel_instrument_bind(c, NULL, 2));
    otel_bound_record_i64(NULL, 1);
    otel_bound_record_f64(NULL, 1);
    otel_bound_instrument_free(NULL);
    ck_assert_int_ne(otel_meter_register_callback(NULL, observe_42, NULL, &c, 1, NULL), OTEL_OK);
    ck_assert_int_ne(otel_meter_register_callback(mtr, NULL, NULL, &c, 1, NULL), OTEL_OK);
    ck_assert_int_ne(otel_meter_register_callback(mtr, observe_42, NULL, NULL, 1, NULL), OTEL_OK);
    ck_assert_int_ne(otel_meter_unregister_callback(NULL, 1), OTEL_OK);
    ck_assert_int_ne(otel_meter_unregister_callback(mtr, 999999), OTEL_OK);
    otel_observer_observe_i64(NULL, c, 1, NULL, 0);
    otel_observer_observe_f64(NULL, NULL, 1, NULL, 0);
    /* collected data: NULL and every index past the end */
    otel_metrics_data_free(NULL);
    ck_assert_uint_eq(otel_metrics_data_count(NULL), 0);
    otel_counter_add_i64(c, 1, NULL, 0);
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(rc, &d), OTEL_OK);
    size_t nm = otel_metrics_data_count(d);
    const otel_attr *at;
    size_t na;
    const double *b;
    const uint64_t *cnt;
    size_t nb, nc;
    int32_t sc, off;
    uint64_t z;
    for (int k = 0; k < 2; k++) {
        const otel_metrics_data *x = k ? d : NULL;
        ck_assert_int_ne(otel_metrics_data_metric(x, nm, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_scope(x, nm, NULL, NULL, NULL, NULL, NULL), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_point(x, 0, 99, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_point_attrs(x, nm, 0, &at, &na), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_point_buckets(x, 0, 0, &b, &nb, &cnt, &nc), OTEL_OK); /* a sum */
        ck_assert_int_ne(otel_metrics_data_point_exp_buckets(x, 0, 0, &sc, &z, &off, &cnt, &nc), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_point_exp_negative(x, 0, 0, &off, &cnt, &nc), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_point_exemplar(x, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_point_exemplar_attrs(x, 0, 0, 5, &at, &na), OTEL_OK);
    }
    otel_metrics_data_free(d);
}
END_TEST

static void observe_halves(otel_observer *o, void *ud) {
    otel_observer_observe_f64(o, *(otel_instrument **)ud, 2.5, NULL, 0); /* dropped */
    otel_observer_observe_f64(o, *(otel_instrument **)ud, 4.0, NULL, 0);
}

/* An int64 instrument takes a double only when it is a whole number in
 * range: 1.5 is not truncated to 1, 1e300 (undefined to convert) is not
 * recorded at all; both are dropped and counted. */
START_TEST(test_doubles_into_int_instruments_are_whole_or_dropped) {
    otel_instrument *c = otel_meter_counter_i64(mtr, "whole", NULL, NULL);
    uint64_t dropped = otel_meter_provider_dropped(prov);
    otel_counter_add_f64(c, 2.0, NULL, 0);
    otel_counter_add_f64(c, 1.5, NULL, 0);
    otel_counter_add_f64(c, 1e300, NULL, 0);
    otel_counter_add_f64(c, 9223372036854775808.0, NULL, 0); /* 2^63: just past int64 */
    otel_attr a[] = {OTEL_ATTR_STR("k", "v")};
    otel_bound_instrument *b = otel_instrument_bind(c, a, 1);
    otel_bound_record_f64(b, 0.5);
    otel_bound_record_f64(b, 3.0);
    otel_bound_instrument_free(b);
    otel_instrument *g = otel_meter_gauge_i64(mtr, "whole.gauge", NULL, NULL);
    otel_instrument_record_f64(g, 7.0, NULL, 0);
    otel_instrument_record_f64(g, 7.25, NULL, 0);
    otel_instrument *oc;
    ck_assert_int_eq(otel_meter_create_instrument(&oc, mtr, OTEL_INSTRUMENT_OBSERVABLE_COUNTER,
                                                  OTEL_NUMBER_INT64, "whole.observed", NULL, NULL),
                     OTEL_OK);
    ck_assert_int_eq(otel_meter_register_callback(mtr, observe_halves, &oc, &oc, 1, NULL), OTEL_OK);
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(rc, &d), OTEL_OK);
    ck_assert_int_eq(point_of(d, "whole", 0).i + point_of(d, "whole", 1).i, 5); /* 2, and 3 bound */
    ck_assert_int_eq(point_of(d, "whole.gauge", 0).i, 7);
    ck_assert_int_eq(point_of(d, "whole.observed", 0).i, 4);
    otel_metrics_data_free(d);
    ck_assert_uint_eq(otel_meter_provider_dropped(prov), dropped + 6);
}
END_TEST

FX_MAIN("metrics.spec_edges", up, down,
        test_name_and_unit_rules,
        test_duplicates_case_insensitive_and_conflicts,
        test_start_and_end_times,
        test_observable_instruments_under_both_temporalities,
        test_lowmemory_and_delta_preferences,
        test_bound_histogram_and_up_down_counter,
        test_callbacks_may_reenter_the_meter,
        test_creating_instruments_while_collecting,
        test_concurrent_collections_keep_observations,
        test_histogram_count_matches_buckets_under_recording,
        test_histogram_view_of_an_observable_is_ignored,
        test_observations_merged_into_one_series_add_up,
        test_shorthands_make_what_they_name,
        test_bound_handles_offer_exemplars,
        test_every_call_survives_null_and_bad_indexes,
        test_doubles_into_int_instruments_are_whole_or_dropped)
