/* Every measurement counted exactly once while everything happens at once:
 * threads add to a counter and record into explicit and exponential
 * histograms over more attribute sets than the cardinality limit (so some
 * land in the overflow series), bind and release handles, while a delta and a cumulative reader
 * collect concurrently. The delta points summed over all collections, and
 * the last cumulative point, must equal what was recorded, and every
 * histogram point's count the total of its buckets. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "metrics_fixture.h"
#include "otel/otel.h"
#include "trace/trace_fixture.h"

#define THREADS 3
#define ROUNDS 20000
#define SETS 300 /* over the views' limit of 100 */

static otel_meter_provider *mp;
static otel_metric_reader *cum, *del;
static otel_instrument *counter, *hist, *exph;
static _Atomic int running;

static void *recorder(void *arg) {
    uint64_t x = (uint64_t)(uintptr_t)arg * 0x9e3779b97f4a7c15ull + 1;
    for (int n = 0; n < ROUNDS; n++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        otel_attr a[] = {OTEL_ATTR_I64("set", (int64_t)(x % SETS)), OTEL_ATTR_STR("t", "x")};
        otel_counter_add_i64(counter, 1, a, 2);
        otel_histogram_record_f64(hist, (double)(x % 1000), a, 2);
        otel_histogram_record_f64(exph, (double)(x % 100000) / 7, a, 2);
        if (n % 64 == 0) { /* a short-lived bound handle now and then */
            otel_bound_instrument *b = otel_instrument_bind(counter, a, 2);
            ck_assert_ptr_nonnull(b);
            otel_bound_record_i64(b, 2);
            otel_bound_instrument_free(b);
        }
    }
    return NULL;
}

/* The count of exponential histogram point p, which must equal the total
 * of its buckets (zero, positive and negative). */
static uint64_t exp_count(const otel_metrics_data *d, size_t i, size_t p) {
    uint64_t count, zero, total;
    const uint64_t *c;
    size_t nc;
    otel_metrics_data_point(d, i, p, NULL, NULL, NULL, NULL, NULL, &count, NULL, NULL, NULL);
    ck_assert_int_eq(otel_metrics_data_point_exp_buckets(d, i, p, NULL, &zero, NULL, &c, &nc), OTEL_OK);
    total = zero;
    for (size_t k = 0; k < nc; k++) total += c[k];
    ck_assert_int_eq(otel_metrics_data_point_exp_negative(d, i, p, NULL, &c, &nc), OTEL_OK);
    for (size_t k = 0; k < nc; k++) total += c[k];
    ck_assert_uint_eq(count, total);
    return count;
}

/* Sum of the int values (counter) and of the counts (histograms) in d. */
static void totals(const otel_metrics_data *d, int64_t *sum, uint64_t *count, uint64_t *ecount) {
    size_t np;
    long i = mx_find(d, "c.total", &np);
    for (size_t p = 0; i >= 0 && p < np; p++) {
        int64_t v;
        otel_metrics_data_point(d, (size_t)i, p, NULL, NULL, NULL, &v, NULL, NULL, NULL, NULL, NULL);
        *sum += v;
    }
    i = mx_find(d, "h.total", &np);
    for (size_t p = 0; i >= 0 && p < np; p++) {
        uint64_t c;
        otel_metrics_data_point(d, (size_t)i, p, NULL, NULL, NULL, NULL, NULL, &c, NULL, NULL, NULL);
        *count += c;
    }
    i = mx_find(d, "e.exp", &np);
    for (size_t p = 0; i >= 0 && p < np; p++) *ecount += exp_count(d, (size_t)i, p);
}

typedef struct seen {
    int64_t sum;
    uint64_t count, ecount;
} seen;

static void *delta_collector(void *arg) {
    seen *s = arg;
    while (atomic_load(&running)) {
        otel_metrics_data *d = NULL;
        ck_assert_int_eq(otel_metric_reader_collect(del, &d), OTEL_OK);
        totals(d, &s->sum, &s->count, &s->ecount);
        otel_metrics_data_free(d);
        otel_metrics_data *c = NULL; /* the cumulative reader in between */
        ck_assert_int_eq(otel_metric_reader_collect(cum, &c), OTEL_OK);
        seen ignored = {0, 0, 0};
        totals(c, &ignored.sum, &ignored.count, &ignored.ecount); /* counts match buckets */
        otel_metrics_data_free(c);
    }
    return NULL;
}

START_TEST(test_sums_and_counts_conserved_under_concurrent_collection) {
    mp = mx_provider(NULL, NULL);
    otel_view *v;
    otel_view_new(&v, "*.total");
    otel_view_set_cardinality_limit(v, 100);
    otel_meter_provider_add_view(mp, v);
    otel_view_free(v);
    otel_view_new(&v, "e.exp");
    otel_view_set_aggregation(v, OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM, NULL, 0);
    otel_view_set_cardinality_limit(v, 100);
    otel_meter_provider_add_view(mp, v);
    otel_view_free(v);
    otel_metric_reader_manual_new(&cum, OTEL_TEMPORALITY_CUMULATIVE);
    otel_metric_reader_manual_new(&del, OTEL_TEMPORALITY_DELTA);
    otel_meter_provider_add_reader(mp, cum);
    otel_meter_provider_add_reader(mp, del);
    otel_meter *m = otel_meter_provider_get_meter(mp, "conservation", NULL, NULL);
    counter = otel_meter_counter_i64(m, "c.total", NULL, NULL);
    hist = otel_meter_histogram_f64(m, "h.total", NULL, NULL);
    exph = otel_meter_histogram_f64(m, "e.exp", NULL, NULL);
    atomic_store(&running, 1);
    seen s = {0, 0, 0};
    pthread_t col, th[THREADS];
    pthread_create(&col, NULL, delta_collector, &s);
    for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, recorder, (void *)(uintptr_t)(t + 1));
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    atomic_store(&running, 0);
    pthread_join(col, NULL);
    /* what the last period holds */
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(del, &d), OTEL_OK);
    totals(d, &s.sum, &s.count, &s.ecount);
    otel_metrics_data_free(d);
    const int64_t want_sum = (int64_t)THREADS * (ROUNDS + 2 * ((ROUNDS + 63) / 64));
    ck_assert_int_eq(s.sum, want_sum);
    ck_assert_uint_eq(s.count, (uint64_t)THREADS * ROUNDS);
    ck_assert_uint_eq(s.ecount, (uint64_t)THREADS * ROUNDS);
    seen c = {0, 0, 0};
    ck_assert_int_eq(otel_metric_reader_collect(cum, &d), OTEL_OK);
    totals(d, &c.sum, &c.count, &c.ecount);
    size_t np;
    mx_find(d, "c.total", &np);
    ck_assert_uint_eq(np, 100); /* 99 sets and the overflow series */
    otel_metrics_data_free(d);
    ck_assert_int_eq(c.sum, want_sum);
    ck_assert_uint_eq(c.count, (uint64_t)THREADS * ROUNDS);
    ck_assert_uint_eq(c.ecount, (uint64_t)THREADS * ROUNDS);
    ck_assert_uint_eq(otel_meter_provider_dropped(mp), 0);
    otel_metric_reader_release(cum);
    otel_metric_reader_release(del);
    otel_meter_provider_release(mp);
}
END_TEST

static void observe_churn(otel_observer *o, void *ud) {
    otel_instrument *g = ud;
    otel_attr a[] = {OTEL_ATTR_STR("k", "v")};
    otel_observer_observe_i64(o, g, 1, a, 1);
}

/* Meters, instruments, callbacks and bound handles made and dropped on
 * several threads while two readers collect and a periodic in-memory
 * reader exports, on its thread and through flushes: nothing crashes,
 * deadlocks or leaks (ASan), and nothing races (TSan). */
static void *churn(void *arg) {
    otel_meter_provider *p = arg;
    char name[32];
    for (int n = 0; n < 300; n++) {
        snprintf(name, sizeof name, "churn.%d", n % 7);
        otel_meter *m = otel_meter_provider_get_meter(p, name, NULL, NULL);
        ck_assert_ptr_nonnull(m);
        snprintf(name, sizeof name, "churn.i%d", n % 13);
        otel_instrument *c = otel_meter_counter_i64(m, name, NULL, NULL);
        otel_instrument *g;
        snprintf(name, sizeof name, "churn.g%d", n % 5);
        ck_assert_int_eq(otel_meter_create_instrument(&g, m, OTEL_INSTRUMENT_OBSERVABLE_GAUGE, OTEL_NUMBER_INT64,
                                                      name, NULL, NULL), OTEL_OK);
        uint64_t id;
        ck_assert_int_eq(otel_meter_register_callback(m, observe_churn, g, &g, 1, &id), OTEL_OK);
        otel_attr a[] = {OTEL_ATTR_I64("n", n % 50)};
        otel_bound_instrument *b = otel_instrument_bind(c, a, 1);
        otel_bound_record_i64(b, 1);
        otel_counter_add_i64(c, 1, a, 1);
        otel_bound_instrument_free(b);
        ck_assert_int_eq(otel_meter_unregister_callback(m, id), OTEL_OK);
    }
    return NULL;
}

static void *collect_until_done(void *arg) {
    otel_metric_reader *r = arg;
    while (atomic_load(&running)) {
        otel_metrics_data *d = NULL;
        ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
        otel_metrics_data_free(d);
    }
    return NULL;
}

/* Flushes (an export on this thread) against the periodic reader's own
 * exports: they must take turns. */
static void *flush_until_done(void *arg) {
    while (atomic_load(&running)) ck_assert_int_eq(otel_meter_provider_force_flush(arg, 5000), OTEL_OK);
    return NULL;
}

START_TEST(test_lifecycle_churn_while_collecting) {
    otel_meter_provider *p = mx_provider(NULL, NULL);
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_METRIC_EXPORT_INTERVAL", "1");
    otel_metric_reader *c, *dl, *mem;
    otel_metric_reader_manual_new(&c, OTEL_TEMPORALITY_CUMULATIVE);
    otel_metric_reader_manual_new(&dl, OTEL_TEMPORALITY_DELTA);
    ck_assert_int_eq(otel_metric_reader_memory_new(&mem, o), OTEL_OK);
    otel_options_free(o);
    otel_meter_provider_add_reader(p, c);
    otel_meter_provider_add_reader(p, dl);
    otel_meter_provider_add_reader(p, mem);
    atomic_store(&running, 1);
    pthread_t cc, cd, fl, th[THREADS];
    pthread_create(&cc, NULL, collect_until_done, c);
    pthread_create(&cd, NULL, collect_until_done, dl);
    pthread_create(&fl, NULL, flush_until_done, p);
    for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, churn, p);
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    atomic_store(&running, 0);
    pthread_join(cc, NULL);
    pthread_join(cd, NULL);
    pthread_join(fl, NULL);
    ck_assert_int_eq(otel_meter_provider_force_flush(p, 5000), OTEL_OK);
    otel_metrics_data *d;
    while ((d = otel_metric_reader_memory_take(mem))) otel_metrics_data_free(d);
    /* the counters' totals: 2 per iteration (bound + unbound) */
    ck_assert_int_eq(otel_metric_reader_collect(c, &d), OTEL_OK);
    int64_t total = 0;
    for (size_t i = 0; i < otel_metrics_data_count(d); i++) {
        const char *n;
        size_t np;
        otel_metrics_data_metric(d, i, &n, NULL, NULL, NULL, NULL, NULL, &np, NULL);
        if (strncmp(n, "churn.i", 7) != 0) continue;
        for (size_t q = 0; q < np; q++) {
            int64_t v;
            otel_metrics_data_point(d, i, q, NULL, NULL, NULL, &v, NULL, NULL, NULL, NULL, NULL);
            total += v;
        }
    }
    otel_metrics_data_free(d);
    ck_assert_int_eq(total, THREADS * 300 * 2);
    otel_metric_reader_release(c);
    otel_metric_reader_release(dl);
    otel_metric_reader_release(mem);
    otel_meter_provider_release(p);
}
END_TEST

FX_MAIN("metrics.conservation", NULL, NULL, test_sums_and_counts_conserved_under_concurrent_collection,
        test_lifecycle_churn_while_collecting)
