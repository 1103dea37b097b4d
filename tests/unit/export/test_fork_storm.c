/* fork() under load (issue 11): 200 children forked while two threads end
 * spans into a full batch queue behind a slow exporter and a third records
 * metrics that a periodic reader exports every few milliseconds. Every child
 * must return from fork(), export its own spans and metrics through fresh
 * workers, and balance its own stats; the parent's stats balance too.
 * A child reports through its exit code; a watchdog kills a hung one.
 * Not built with the sanitizers (tests/CMakeLists.txt): gcc 12's ASan
 * allocator takes no lock across fork, so a child forked while any thread
 * is inside malloc can hang in ASan itself, and TSan forbids threads in the
 * child of a multi-threaded fork. */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "otel/otel.h"

#define CHILDREN 200
#define AT_ONCE 8
#define CHILD_SPANS 50

static otel_tracer_provider *tp;
static otel_tracer *tracer;
static otel_meter_provider *mp;
static otel_instrument *counter;
static _Atomic int stop_load;
static _Atomic uint64_t spans_seen;   /* by the exporter, in this process */
static _Atomic uint64_t metric_exports; /* by the metric exporter, in this process */

static int slow_export(const otel_span_data *const *spans, size_t n, void *ud) {
    (void)spans, (void)ud;
    atomic_fetch_add(&spans_seen, n);
    struct timespec ts = {0, 2000000}; /* a slow receiver: 2 ms a batch */
    nanosleep(&ts, NULL);
    return OTEL_EXPORT_SUCCESS;
}

static otel_status count_metrics(const otel_metrics_data *d, void *ud) {
    (void)d, (void)ud;
    atomic_fetch_add(&metric_exports, 1);
    return OTEL_OK;
}

static void *span_load(void *arg) {
    (void)arg;
    while (!atomic_load(&stop_load)) {
        otel_span *s = otel_tracer_start_span(tracer, "parent-load", 0, NULL);
        otel_span_set_attribute_i64(s, "n", 1);
        otel_span_end(s);
    }
    return NULL;
}

static void *metric_load(void *arg) {
    (void)arg;
    uint64_t i = 0;
    while (!atomic_load(&stop_load)) {
        char v[16];
        snprintf(v, sizeof v, "k%u", (unsigned)(i++ % 64)); /* new series keep being inserted */
        otel_attr a = OTEL_ATTR_STR("key", v);
        otel_counter_add_i64(counter, 1, &a, 1);
    }
    return NULL;
}

static uint64_t dropped_sum(const uint64_t *v) {
    return v[OTEL_STAT_DROPPED_QUEUE_FULL] + v[OTEL_STAT_DROPPED_EXPORT_FAILED] +
           v[OTEL_STAT_DROPPED_SHUTDOWN] + v[OTEL_STAT_DROPPED_TOO_LARGE] +
           v[OTEL_STAT_DROPPED_REJECTED];
}

/* What a child does; its exit code names the first check that failed
 * (20 + an otel_status for a failed flush). */
static int child_main(void) {
    uint64_t seen0 = atomic_load(&spans_seen), exports0 = atomic_load(&metric_exports);
    uint64_t v[OTEL_STAT__COUNT];
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    if (v[OTEL_STAT_SPANS_ENDED] || v[OTEL_STAT_SPANS_QUEUED] || v[OTEL_STAT_SPANS_EXPORTED])
        return 10; /* the parent's counts leaked into the child */
    for (int i = 0; i < CHILD_SPANS; i++) otel_span_end(otel_tracer_start_span(tracer, "child", 0, NULL));
    otel_attr a = OTEL_ATTR_STR("key", "child");
    otel_counter_add_i64(counter, 1, &a, 1);
    otel_status fs = otel_tracer_provider_force_flush(tp, 10000);
    if (fs != OTEL_OK) return 20 + (int)fs; /* 20 + the status */
    if (atomic_load(&spans_seen) - seen0 != CHILD_SPANS) return 12; /* its own spans, exported here */
    /* the periodic reader's thread runs again in the child */
    for (int i = 0; i < 400 && atomic_load(&metric_exports) == exports0; i++) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    if (atomic_load(&metric_exports) == exports0) return 13;
    if (otel_tracer_provider_shutdown(tp, 5000) != OTEL_OK) return 14;
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    if (v[OTEL_STAT_SPANS_ENDED] != CHILD_SPANS) return 15;
    if (v[OTEL_STAT_SPANS_EXPORTED] + dropped_sum(v) != v[OTEL_STAT_SPANS_ENDED]) return 16;
    if (v[OTEL_STAT_SPANS_EXPORTED] != CHILD_SPANS || v[OTEL_STAT_SPANS_QUEUED]) return 17;
    if (otel_meter_provider_shutdown(mp, 5000) != OTEL_OK) return 18;
    return 0;
}

/* Waits for `pid` up to 30 s; kills it past that (a hang fails the test). */
static int reap(pid_t pid) {
    for (int i = 0; i < 3000; i++) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return 99; /* hung */
}

START_TEST(test_two_hundred_forks_under_load_each_child_exports_and_balances) {
    otel_options *o;
    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    otel_options_set(o, "OTEL_TRACES_SAMPLER", "always_on");
    otel_options_set(o, "OTEL_BSP_SCHEDULE_DELAY", "5");
    otel_options_set(o, "OTEL_BSP_MAX_QUEUE_SIZE", "2048");
    otel_exporter *exp;
    ck_assert_int_eq(otel_exporter_custom_new(&exp, slow_export, NULL), OTEL_OK);
    otel_processor *p;
    ck_assert_int_eq(otel_processor_batch_new(&p, exp, o), OTEL_OK);
    otel_exporter_release(exp);
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    tracer = otel_tracer_provider_get_tracer(tp, "fork-storm", NULL, NULL);

    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "none");
    otel_options_set(o, "OTEL_METRIC_EXPORT_INTERVAL", "5");
    ck_assert_int_eq(otel_meter_provider_new(&mp, o), OTEL_OK);
    otel_metric_reader *r;
    ck_assert_int_eq(otel_metric_reader_periodic_new(&r, o, count_metrics, NULL), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, r), OTEL_OK);
    otel_metric_reader_release(r);
    otel_options_free(o);
    otel_meter *m = otel_meter_provider_get_meter(mp, "fork-storm", NULL, NULL);
    counter = otel_meter_counter_i64(m, "requests", NULL, NULL);
    ck_assert_ptr_nonnull(counter);

    pthread_t th[3];
    pthread_create(&th[0], NULL, span_load, NULL);
    pthread_create(&th[1], NULL, span_load, NULL);
    pthread_create(&th[2], NULL, metric_load, NULL);
    struct timespec warm = {0, 50000000};
    nanosleep(&warm, NULL);

    int failures[256] = {0}, hung = 0;
    uint64_t t0 = otel_time_now_ns();
    for (int done = 0; done < CHILDREN; done += AT_ONCE) {
        pid_t pids[AT_ONCE];
        for (int k = 0; k < AT_ONCE; k++) {
            pids[k] = fork();
            ck_assert_int_ge(pids[k], 0);
            if (pids[k] == 0) _exit(child_main());
        }
        for (int k = 0; k < AT_ONCE; k++) {
            int code = reap(pids[k]);
            failures[code & 255]++;
            hung += code == 99;
        }
    }
    double seconds = (double)(otel_time_now_ns() - t0) / 1e9;
    atomic_store(&stop_load, 1);
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    int failed_children = 0;
    for (int c = 1; c < 256; c++) failed_children += failures[c];
    for (int c = 1; c < 256; c++)
        ck_assert_msg(failures[c] == 0, "%d of %d children failed check %d (99: hung in or after fork)",
                      failures[c], CHILDREN, c);
    ck_assert_int_eq(hung, 0);

    /* the parent lost nothing it did not count */
    ck_assert_int_eq(otel_tracer_provider_shutdown(tp, 10000), OTEL_OK);
    uint64_t v[OTEL_STAT__COUNT];
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    ck_assert_uint_gt(v[OTEL_STAT_DROPPED_QUEUE_FULL], 0); /* the queue was full */
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_EXPORTED] + dropped_sum(v), v[OTEL_STAT_SPANS_ENDED]);
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_EXPORTED], atomic_load(&spans_seen));
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_QUEUED], 0);
    /* the scenario's figures, as the fault scenarios print theirs */
    printf("{\"name\":\"faults.fork_under_load\",\"children\":%d,\"failed\":%d,\"hung\":%d,"
           "\"seconds\":%.2f,\"parent_spans_ended\":%llu,\"parent_dropped_queue_full\":%llu}\n",
           CHILDREN, failed_children, hung, seconds, (unsigned long long)v[OTEL_STAT_SPANS_ENDED],
           (unsigned long long)v[OTEL_STAT_DROPPED_QUEUE_FULL]);
    ck_assert_int_eq(otel_meter_provider_shutdown(mp, 5000), OTEL_OK);
    ck_assert_uint_gt(atomic_load(&metric_exports), 0);
    otel_meter_provider_release(mp);
    otel_tracer_provider_release(tp);
}
END_TEST

int main(void) {
    Suite *s = suite_create("fork_storm");
    TCase *tc = tcase_create("fork");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, test_two_hundred_forks_under_load_each_child_exports_and_balances);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
