/* Many threads at once: spans started and ended concurrently through a
 * batch processor with the sums conserved, one span written from several
 * threads, concurrent ends of one span, shutdown racing with live threads,
 * and spans handed between threads. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "trace/trace_fixture.h"

enum { THREADS = 8 };

static otel_tracer_provider *tp;
static otel_tracer *tracer;
static atomic_size_t exported_by_exporter;

static int count_export(const otel_span_data *const *spans, size_t n, void *ud) {
    (void)spans, (void)ud;
    atomic_fetch_add(&exported_by_exporter, n);
    return OTEL_EXPORT_SUCCESS;
}

/* A provider whose small batch queue drains into a counting exporter. */
static void open_counting(const char *queue) {
    otel_options *o = fx_opts((const char *const[]){"OTEL_TRACES_SAMPLER", "always_on", "OTEL_BSP_MAX_QUEUE_SIZE",
                                                    queue, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "64",
                                                    "OTEL_BSP_SCHEDULE_DELAY", "2", NULL});
    otel_exporter *e;
    ck_assert_int_eq(otel_exporter_custom_new(&e, count_export, NULL), OTEL_OK);
    otel_processor *p;
    ck_assert_int_eq(otel_processor_batch_new(&p, e, o), OTEL_OK);
    otel_exporter_release(e);
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    tracer = otel_tracer_provider_get_tracer(tp, "threads", NULL, NULL);
}

static atomic_int stop_flag;

/* Starts and ends `*(int *)arg` parent/child pairs (0: until stop_flag). */
static void *span_pairs(void *arg) {
    int n = *(int *)arg;
    for (int i = 0; n == 0 ? !atomic_load(&stop_flag) : i < n; i++) {
        otel_span *parent = otel_tracer_start_span(tracer, "parent", OTEL_SPAN_KIND_SERVER, otel_context_root());
        otel_context *c = otel_context_with_span(otel_context_root(), parent);
        uint64_t tok = otel_context_attach(c);
        otel_span *child = otel_tracer_start_span(tracer, "child", 0, NULL);
        otel_span_set_attribute_i64(child, "i", i);
        otel_span_end(child);
        otel_context_detach(tok);
        otel_context_release(c);
        otel_span_end(parent);
    }
    return NULL;
}

static void run_threads(void *(*fn)(void *), void *arg, int n) {
    pthread_t th[THREADS];
    for (int i = 0; i < n; i++) ck_assert_int_eq(pthread_create(&th[i], NULL, fn, arg), 0);
    for (int i = 0; i < n; i++) pthread_join(th[i], NULL);
}

static uint64_t dropped_total(const uint64_t *v) {
    return v[OTEL_STAT_DROPPED_QUEUE_FULL] + v[OTEL_STAT_DROPPED_EXPORT_FAILED] +
           v[OTEL_STAT_DROPPED_SHUTDOWN];
}

START_TEST(test_many_threads_conserve_span_counts) {
    open_counting("256"); /* small enough that some spans may be dropped */
    int pairs = 3000;
    run_threads(span_pairs, &pairs, THREADS);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 10000), OTEL_OK);
    uint64_t v[OTEL_STAT__COUNT];
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    const uint64_t total = 2ull * pairs * THREADS;
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_STARTED], total);
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_ENDED], total);
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_QUEUED], 0);
    ck_assert_uint_eq(v[OTEL_STAT_QUEUE_BYTES], 0);
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_EXPORTED] + dropped_total(v), total);
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_EXPORTED], atomic_load(&exported_by_exporter));
    ck_assert_uint_eq(v[OTEL_STAT_INVALID_INPUT], 0);
    otel_tracer_provider_shutdown(tp, 5000);
    otel_tracer_provider_release(tp);
}
END_TEST

START_TEST(test_shutdown_racing_live_threads_loses_no_count) {
    open_counting("2048");
    atomic_store(&stop_flag, 0);
    int forever = 0;
    pthread_t th[4];
    for (int i = 0; i < 4; i++) ck_assert_int_eq(pthread_create(&th[i], NULL, span_pairs, &forever), 0);
    for (int i = 0; i < 2000 && fx_stat(tp, OTEL_STAT_SPANS_ENDED) < 1000; i++) fx_sleep_ms(5);
    otel_span *open_across = otel_tracer_start_span(tracer, "open-across-shutdown", 0, NULL);
    ck_assert_int_eq(otel_tracer_provider_shutdown(tp, 5000), OTEL_OK);
    otel_span_end(open_across); /* dropped_shutdown >= 1, whatever the threads did */
    fx_sleep_ms(10); /* the threads keep going after shutdown */
    atomic_store(&stop_flag, 1);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    uint64_t v[OTEL_STAT__COUNT];
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    ck_assert_uint_gt(v[OTEL_STAT_SPANS_EXPORTED], 0);
    ck_assert_uint_gt(v[OTEL_STAT_DROPPED_SHUTDOWN], 0);
    /* a span that slipped into the queue as shutdown finished is still counted, as queued */
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_EXPORTED] + dropped_total(v) + v[OTEL_STAT_SPANS_QUEUED],
                      v[OTEL_STAT_SPANS_ENDED]);
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_EXPORTED], atomic_load(&exported_by_exporter));
    otel_tracer_provider_release(tp);
}
END_TEST

/* ---- one span, many writers ---- */

static fx f;
static otel_span *shared;
static pthread_barrier_t barrier;

static void *write_shared(void *arg) {
    int id = *(int *)arg;
    pthread_barrier_wait(&barrier);
    char key[32];
    for (int i = 0; i < 50; i++) {
        snprintf(key, sizeof key, "t%d.k%d", id, i);
        otel_span_set_attribute_i64(shared, key, i);
    }
    for (int i = 0; i < 500; i++) otel_span_add_event(shared, "tick", NULL, 0);
    return NULL;
}

START_TEST(test_one_span_written_from_many_threads) {
    fx_open(&f, fx_opts((const char *const[]){"OTEL_SPAN_EVENT_COUNT_LIMIT", "100000",
                                              "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "100000", NULL}));
    shared = otel_tracer_start_span(f.tracer, "shared", 0, NULL);
    pthread_barrier_init(&barrier, NULL, 4);
    pthread_t th[4];
    int ids[4];
    for (int i = 0; i < 4; i++) {
        ids[i] = i;
        ck_assert_int_eq(pthread_create(&th[i], NULL, write_shared, &ids[i]), 0);
    }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&barrier);
    const otel_span_data *d = fx_end(&f, shared);
    ck_assert_uint_eq(otel_span_data_attribute_count(d), 200);
    ck_assert_uint_eq(otel_span_data_event_count(d), 2000);
    otel_span_data_release(d);
    fx_close(&f);
}
END_TEST

static void *end_shared(void *arg) {
    (void)arg;
    pthread_barrier_wait(&barrier);
    otel_span_end(shared); /* each thread ends with its own reference */
    return NULL;
}

START_TEST(test_concurrent_ends_export_once) {
    fx_open(&f, NULL);
    for (int round = 0; round < 20; round++) {
        shared = otel_tracer_start_span(f.tracer, "raced", 0, NULL);
        for (int i = 1; i < THREADS; i++) otel_span_retain(shared);
        pthread_barrier_init(&barrier, NULL, THREADS);
        run_threads(end_shared, NULL, THREADS);
        pthread_barrier_destroy(&barrier);
    }
    ck_assert_uint_eq(otel_exporter_in_memory_count(f.mem), 20);
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_SPANS_ENDED), 20);
    /* every losing end is ignored and counted */
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_INVALID_INPUT), 20 * (THREADS - 1));
    fx_close(&f);
}
END_TEST

/* ---- spans handed between threads ---- */

enum { HANDED = 500 };
static otel_span *handed[HANDED];

static void *start_many(void *arg) {
    (void)arg;
    for (int i = 0; i < HANDED; i++) handed[i] = otel_tracer_start_span(f.tracer, "handed", 0, NULL);
    return NULL;
}

static void *end_many(void *arg) {
    (void)arg;
    for (int i = 0; i < HANDED; i++) otel_span_end(handed[i]);
    return NULL;
}

START_TEST(test_spans_started_and_ended_on_different_threads) {
    fx_open(&f, NULL);
    run_threads(start_many, NULL, 1);
    run_threads(end_many, NULL, 1);
    ck_assert_uint_eq(otel_exporter_in_memory_count(f.mem), HANDED);
    fx_close(&f); /* the ASan run checks that the provider and every span are freed */
}
END_TEST

FX_MAIN("threads", NULL, NULL,
        test_many_threads_conserve_span_counts,
        test_shutdown_racing_live_threads_loses_no_count,
        test_one_span_written_from_many_threads,
        test_concurrent_ends_export_once,
        test_spans_started_and_ended_on_different_threads)
