/* The metrics specification's edge cases where threads meet: callbacks
 * that re-enter the meter while a collection runs them, instruments
 * created while another thread collects, concurrent collections that keep
 * their observations, and histogram counts that match their buckets while
 * a thread records. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <stdatomic.h>

#include "spec_fixture.h"


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

FX_MAIN("metrics.spec_concurrency", up, down,
        test_callbacks_may_reenter_the_meter,
        test_creating_instruments_while_collecting,
        test_concurrent_collections_keep_observations,
        test_histogram_count_matches_buckets_under_recording)
