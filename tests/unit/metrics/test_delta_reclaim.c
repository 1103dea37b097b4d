/* otel-test: internal */
/* Series that every reader reports as deltas are retired after an interval
 * without measurements and freed once no thread can hold them, so a delta
 * stream's cardinality limit applies to what is live, not to every set
 * ever seen. Checked: room made for new sets, cumulative readers and bound
 * handles keep their series, histograms of both kinds, data kept past its
 * series, and exact sums while threads churn sets against a collector
 * running every few hundred microseconds (ASan in make test). */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/reclaim.h"
#include "metrics/internal.h"
#include "metrics_fixture.h"
#include "otel/otel.h"
#include "trace/trace_fixture.h"

static otel_meter_provider *mp;
static otel_metric_reader *del, *cum;
static otel_meter *meter;

static void setup(void) {
    mp = mx_provider(NULL, NULL);
    ck_assert_int_eq(otel_metric_reader_manual_new(&del, OTEL_TEMPORALITY_DELTA), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, del), OTEL_OK);
    meter = otel_meter_provider_get_meter(mp, "reclaim", NULL, NULL);
    cum = NULL;
}

static void teardown(void) {
    otel_metric_reader_release(del);
    otel_metric_reader_release(cum);
    otel_meter_provider_release(mp);
}

static size_t limbo_len(const otel_instrument *inst) {
    size_t n = 0;
    for (const otel__series *s = inst->limbo; s; s = s->limbo_next) n++;
    return n;
}

typedef struct {
    size_t points;
    int64_t total;      /* int sums, or histogram counts */
    int overflow;       /* an otel.metric.overflow point was there */
} seen;

/* Collects `r` once and sums what metric `name` reported. */
static seen collect(otel_metric_reader *r, const char *name) {
    seen out = {0};
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
    size_t np = 0;
    long i = mx_find(d, name, &np);
    for (size_t p = 0; i >= 0 && p < np; p++) {
        int64_t v = 0;
        uint64_t count = 0;
        otel_metrics_data_point(d, (size_t)i, p, NULL, NULL, NULL, &v, NULL, &count, NULL, NULL, NULL);
        out.total += count ? (int64_t)count : v;
        const otel_attr *a;
        size_t na;
        otel_metrics_data_point_attrs(d, (size_t)i, p, &a, &na);
        if (na == 1 && strcmp(a[0].key, "otel.metric.overflow") == 0) out.overflow = 1;
    }
    out.points = i >= 0 ? np : 0;
    otel_metrics_data_free(d);
    return out;
}

static void add_sets(otel_instrument *c, const char *prefix, int n) {
    for (int k = 0; k < n; k++) {
        char v[32];
        snprintf(v, sizeof v, "%s%d", prefix, k);
        otel_attr a[] = {OTEL_ATTR_STR("user", v)};
        otel_counter_add_i64(c, 1, a, 1);
    }
}

START_TEST(test_idle_series_make_room_for_new_sets) {
    ck_assert(otel__reclaim_available()); /* membarrier works on the machines this runs on */
    otel_instrument *c = otel_meter_counter_i64(meter, "users", NULL, NULL);
    c->limit = 10; /* 9 sets and the overflow series */
    add_sets(c, "a", 9);
    seen s = collect(del, "users");
    ck_assert_uint_eq(s.points, 9);
    ck_assert(!s.overflow);
    s = collect(del, "users"); /* an interval without measurements */
    ck_assert_uint_eq(s.points, 0);
    ck_assert_uint_eq(c->n_series, 0);
    ck_assert_uint_eq(limbo_len(c), 9);
    add_sets(c, "b", 9);
    s = collect(del, "users");
    ck_assert_uint_eq(s.points, 9);
    ck_assert(!s.overflow); /* without reclamation, all 9 would be overflow */
    ck_assert_int_eq(s.total, 9);
    for (int i = 0; i < 3; i++) collect(del, "users");
    ck_assert_uint_eq(limbo_len(c), 0); /* the a* series are freed */
    ck_assert_uint_eq(c->n_series, 0);  /* and the b* ones retired since */
}
END_TEST

START_TEST(test_a_series_with_data_each_interval_stays) {
    otel_instrument *c = otel_meter_counter_i64(meter, "busy", NULL, NULL);
    otel_attr a[] = {OTEL_ATTR_STR("route", "/x")};
    otel_counter_add_i64(c, 1, a, 1);
    collect(del, "busy");
    otel__series *first = atomic_load(&c->all);
    for (int i = 0; i < 5; i++) {
        otel_counter_add_i64(c, 2, a, 1);
        ck_assert_int_eq(collect(del, "busy").total, 2);
    }
    ck_assert_ptr_eq(atomic_load(&c->all), first);
    ck_assert_ptr_null(c->limbo);
}
END_TEST

START_TEST(test_cumulative_reader_keeps_every_series) {
    ck_assert_int_eq(otel_metric_reader_manual_new(&cum, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, cum), OTEL_OK);
    otel_instrument *c = otel_meter_counter_i64(meter, "users", NULL, NULL);
    c->limit = 10;
    add_sets(c, "a", 9);
    collect(del, "users");
    collect(cum, "users");
    collect(del, "users");
    collect(cum, "users");
    ck_assert_uint_eq(c->n_series, 9);
    ck_assert_ptr_null(c->limbo);
    add_sets(c, "b", 9);
    ck_assert(collect(del, "users").overflow);
    seen s = collect(cum, "users");
    ck_assert_int_eq(s.total, 18);
}
END_TEST

START_TEST(test_up_down_counters_stay_cumulative_and_kept) {
    otel_instrument *c = otel_meter_up_down_counter_i64(meter, "depth", NULL, NULL);
    otel_attr a[] = {OTEL_ATTR_STR("q", "x")};
    otel_instrument_record_i64(c, 5, a, 1);
    for (int i = 0; i < 4; i++) ck_assert_int_eq(collect(del, "depth").total, 5);
    ck_assert_uint_eq(c->n_series, 1);
}
END_TEST

START_TEST(test_bound_handle_keeps_its_series) {
    otel_instrument *c = otel_meter_counter_i64(meter, "bound", NULL, NULL);
    otel_attr a[] = {OTEL_ATTR_STR("route", "/b")};
    otel_bound_instrument *b = otel_instrument_bind(c, a, 1);
    ck_assert_ptr_nonnull(b);
    otel_bound_record_i64(b, 3);
    ck_assert_int_eq(collect(del, "bound").total, 3);
    for (int i = 0; i < 4; i++) ck_assert_uint_eq(collect(del, "bound").points, 0);
    ck_assert_ptr_null(c->limbo);
    otel_bound_record_i64(b, 4);
    ck_assert_int_eq(collect(del, "bound").total, 4);
    otel_bound_instrument_free(b);
    otel_counter_add_i64(c, 1, a, 1);
    ck_assert_int_eq(collect(del, "bound").total, 1);
    collect(del, "bound");
    collect(del, "bound");
    ck_assert_uint_eq(c->n_series, 0); /* released, then idle: retired */
    /* binding the set again makes a live series */
    b = otel_instrument_bind(c, a, 1);
    otel_bound_record_i64(b, 2);
    ck_assert_int_eq(collect(del, "bound").total, 2);
    otel_bound_instrument_free(b);
}
END_TEST

START_TEST(test_histograms_of_both_kinds_are_reclaimed) {
    otel_instrument *h = otel_meter_histogram_f64(meter, "lat", "ms", NULL);
    otel_view *v;
    otel_view_new(&v, "lat_exp");
    otel_view_set_aggregation(v, OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM, NULL, 0);
    otel_meter_provider_add_view(mp, v);
    otel_view_free(v);
    otel_instrument *e = otel_meter_histogram_f64(meter, "lat_exp", "ms", NULL);
    h->limit = e->limit = 4;
    for (int round = 0; round < 3; round++) {
        for (int k = 0; k < 3; k++) {
            otel_attr a[] = {OTEL_ATTR_I64("round", round), OTEL_ATTR_I64("k", k)};
            for (int j = 1; j <= 10; j++) {
                otel_histogram_record_f64(h, j * (k + 1), a, 2);
                otel_histogram_record_f64(e, j * (k + 1), a, 2);
            }
        }
        otel_metrics_data *d = NULL;
        ck_assert_int_eq(otel_metric_reader_collect(del, &d), OTEL_OK);
        for (int which = 0; which < 2; which++) {
            size_t np;
            long i = mx_find(d, which ? "lat_exp" : "lat", &np);
            ck_assert_int_ge(i, 0);
            ck_assert_uint_eq(np, 3); /* never the overflow series */
            for (size_t p = 0; p < np; p++) {
                uint64_t count;
                double sum;
                otel_metrics_data_point(d, (size_t)i, p, NULL, NULL, NULL, NULL, NULL, &count, &sum, NULL, NULL);
                ck_assert_uint_eq(count, 10);
            }
        }
        otel_metrics_data_free(d);
        ck_assert_uint_eq(collect(del, "lat").points, 0); /* idle: retired */
    }
}
END_TEST

START_TEST(test_collected_data_outlives_its_series) {
    otel_instrument *c = otel_meter_counter_i64(meter, "kept", NULL, NULL);
    otel_attr a[] = {OTEL_ATTR_STR("tenant", "a-rather-long-tenant-name-0123456789")};
    otel_counter_add_i64(c, 7, a, 1);
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(del, &d), OTEL_OK);
    for (int i = 0; i < 5; i++) collect(del, "kept"); /* retired and freed */
    ck_assert_ptr_null(c->limbo);
    ck_assert_uint_eq(c->n_series, 0);
    size_t np;
    long i = mx_find(d, "kept", &np);
    const otel_attr *pa;
    size_t na;
    otel_metrics_data_point_attrs(d, (size_t)i, 0, &pa, &na);
    ck_assert_uint_eq(na, 1);
    ck_assert_str_eq(pa[0].key, "tenant");
    ck_assert_int_eq(memcmp(pa[0].ptr, "a-rather-long-tenant-name-0123456789", pa[0].len), 0);
    otel_metrics_data_free(d);
}
END_TEST

/* Threads record into sets that come and go (each thread moves to new
 * sets every few hundred adds and pauses now and then, so series go idle,
 * are retired and freed under it) while the main thread collects deltas. */
enum { THREADS = 4, ADDS = 60000 };
static otel_instrument *churn_c, *churn_h;
static _Atomic int churn_done;

static void *churner(void *arg) {
    long t = (long)arg;
    for (int i = 0; i < ADDS; i++) {
        otel_attr a[] = {OTEL_ATTR_I64("thread", t), OTEL_ATTR_I64("set", (i / 300) * 8 + i % 8)};
        otel_counter_add_i64(churn_c, 1, a, 2);
        otel_histogram_record_f64(churn_h, (double)(i % 100), a, 2);
        if (i % 5000 == 4999) {
            struct timespec ts = {0, 2000000};
            nanosleep(&ts, NULL);
        }
    }
    atomic_fetch_add(&churn_done, 1);
    return NULL;
}

START_TEST(test_sums_exact_while_series_churn) {
    churn_c = otel_meter_counter_i64(meter, "churn", NULL, NULL);
    churn_h = otel_meter_histogram_f64(meter, "churn.h", NULL, NULL);
    churn_c->limit = churn_h->limit = 64; /* overflow in play as well */
    atomic_store(&churn_done, 0);
    pthread_t th[THREADS];
    for (long t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, churner, (void *)t);
    int64_t total = 0, counted = 0;
    size_t collections = 0;
    while (atomic_load(&churn_done) < THREADS) {
        otel_metrics_data *d = NULL;
        ck_assert_int_eq(otel_metric_reader_collect(del, &d), OTEL_OK);
        size_t np;
        long i = mx_find(d, "churn", &np);
        for (size_t p = 0; i >= 0 && p < np; p++) {
            int64_t v;
            otel_metrics_data_point(d, (size_t)i, p, NULL, NULL, NULL, &v, NULL, NULL, NULL, NULL, NULL);
            total += v;
        }
        i = mx_find(d, "churn.h", &np);
        for (size_t p = 0; i >= 0 && p < np; p++) {
            uint64_t count;
            otel_metrics_data_point(d, (size_t)i, p, NULL, NULL, NULL, NULL, NULL, &count, NULL, NULL, NULL);
            counted += (int64_t)count;
        }
        otel_metrics_data_free(d);
        collections++;
        struct timespec ts = {0, 300000};
        nanosleep(&ts, NULL);
    }
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    /* late measurements folded into live series show up in later ones */
    for (int k = 0; k < 6; k++) {
        seen s = collect(del, "churn");
        total += s.total;
        counted += collect(del, "churn.h").total;
    }
    ck_assert_int_eq(total, (int64_t)THREADS * ADDS);
    ck_assert_int_eq(counted, (int64_t)THREADS * ADDS);
    ck_assert_uint_gt(collections, 10);
    ck_assert_ptr_null(churn_c->limbo);
    ck_assert_uint_eq(churn_c->n_series, 0);
}
END_TEST

FX_MAIN("delta_reclaim", setup, teardown,
        test_idle_series_make_room_for_new_sets,
        test_a_series_with_data_each_interval_stays,
        test_cumulative_reader_keeps_every_series,
        test_up_down_counters_stay_cumulative_and_kept,
        test_bound_handle_keeps_its_series,
        test_histograms_of_both_kinds_are_reclaimed,
        test_collected_data_outlives_its_series,
        test_sums_exact_while_series_churn)
