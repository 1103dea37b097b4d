/* The batch log processor on the shared worker: batch size, timer, drops
 * when full, flush, shutdown with a hanging exporter (abandoned at the
 * deadline, the accounting still adding up). Fork: test_log_fork.c. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logs/logs_fixture.h"

/* A custom exporter that records batch sizes and may hang until let go. */
typedef struct probe {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int hang, hanging;
    size_t batches[256], n_batches, records;
} probe;

static probe P;

static int probe_export(const otel_log_record *const *r, size_t n, void *user_data) {
    (void)r;
    probe *p = user_data;
    pthread_mutex_lock(&p->lock);
    if (p->n_batches < 256) p->batches[p->n_batches++] = n;
    p->records += n;
    p->hanging = p->hang;
    while (p->hang) pthread_cond_wait(&p->cond, &p->lock);
    p->hanging = 0;
    pthread_mutex_unlock(&p->lock);
    return OTEL_EXPORT_SUCCESS;
}

static void probe_reset(int hang) {
    pthread_mutex_init(&P.lock, NULL);
    pthread_cond_init(&P.cond, NULL);
    P.hang = hang;
    P.hanging = 0;
    P.n_batches = P.records = 0;
}

static void probe_release(void) {
    pthread_mutex_lock(&P.lock);
    P.hang = 0;
    pthread_cond_broadcast(&P.cond);
    pthread_mutex_unlock(&P.lock);
}

static size_t probe_records(void) {
    pthread_mutex_lock(&P.lock);
    size_t n = P.records;
    pthread_mutex_unlock(&P.lock);
    return n;
}

static int probe_hanging(void) {
    pthread_mutex_lock(&P.lock);
    int h = P.hanging;
    pthread_mutex_unlock(&P.lock);
    return h;
}

static otel_logger_provider *open_batch(const char *const *kv, otel_log_exporter *exp) {
    otel_options *o = fx_opts(kv);
    otel_log_processor *p;
    ck_assert_int_eq(otel_log_processor_batch_new(&p, exp, o), OTEL_OK);
    otel_logger_provider *lp;
    ck_assert_int_eq(otel_logger_provider_new_with(&lp, o, &p, 1), OTEL_OK);
    otel_log_processor_release(p);
    otel_options_free(o);
    return lp;
}

static otel_log_exporter *probe_exporter(void) {
    otel_log_exporter *e;
    ck_assert_int_eq(otel_log_exporter_custom_new(&e, probe_export, NULL, NULL, NULL, &P), OTEL_OK);
    return e;
}

static void emit_n(otel_logger_provider *lp, int n) {
    otel_logger *lg = otel_logger_provider_get_logger(lp, "batch", NULL, NULL);
    otel_attr a[] = {OTEL_ATTR_I64("i", 0)};
    for (int i = 0; i < n; i++) {
        a[0].int_value = i;
        otel_logger_emit_str(lg, OTEL_SEVERITY_INFO, "record", a, 1);
    }
}

static int wait_for(size_t (*count)(void), size_t want, int ms) {
    for (int i = 0; i < ms / 5; i++) {
        if (count() >= want) return 1;
        fx_sleep_ms(5);
    }
    return count() >= want;
}

START_TEST(test_a_full_batch_goes_without_waiting_for_the_timer) {
    probe_reset(0);
    otel_log_exporter *e = probe_exporter();
    otel_logger_provider *lp = open_batch((const char *const[]){"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "10",
                                                               "OTEL_BLRP_SCHEDULE_DELAY", "600000", NULL},
                                          e);
    emit_n(lp, 25);
    ck_assert_msg(wait_for(probe_records, 20, 5000), "two full batches were not exported");
    fx_sleep_ms(50);
    ck_assert_uint_eq(probe_records(), 20); /* the last 5 wait for the timer or a flush */
    ck_assert_uint_eq(P.batches[0], 10);
    ck_assert_uint_eq(P.batches[1], 10);
    ck_assert_int_eq(otel_logger_provider_force_flush(lp, 5000), OTEL_OK);
    ck_assert_uint_eq(probe_records(), 25);
    ck_assert_uint_eq(P.batches[2], 5);
    ck_assert_int_eq(otel_logger_provider_shutdown(lp, 5000), OTEL_OK);
    lfx_assert_balanced(lp);
    ck_assert_uint_eq(lfx_stat(lp, OTEL_LOG_STAT_RECORDS_EXPORTED), 25);
    ck_assert_uint_eq(lfx_stat(lp, OTEL_LOG_STAT_EXPORT_BATCHES), 3);
    otel_logger_provider_release(lp);
    otel_log_exporter_release(e);
}
END_TEST

START_TEST(test_the_timer_exports_a_partial_batch) {
    probe_reset(0);
    otel_log_exporter *e = probe_exporter();
    otel_logger_provider *lp = open_batch((const char *const[]){"OTEL_BLRP_SCHEDULE_DELAY", "50", NULL}, e);
    emit_n(lp, 3);
    ck_assert_msg(wait_for(probe_records, 3, 5000), "the timer did not export");
    ck_assert_uint_eq(P.n_batches, 1);
    otel_logger_provider_release(lp);
    otel_log_exporter_release(e);
}
END_TEST

START_TEST(test_default_settings_are_the_specifications) {
    /* 1000 ms delay: a record is not exported at once, but within ~1 s */
    probe_reset(0);
    otel_log_exporter *e = probe_exporter();
    otel_logger_provider *lp = open_batch(NULL, e);
    emit_n(lp, 1);
    fx_sleep_ms(300);
    ck_assert_uint_eq(probe_records(), 0);
    ck_assert_msg(wait_for(probe_records, 1, 5000), "the default 1000 ms timer did not export");
    /* 512 per batch */
    emit_n(lp, 1100);
    ck_assert_int_eq(otel_logger_provider_force_flush(lp, 5000), OTEL_OK);
    size_t biggest = 0;
    for (size_t i = 0; i < P.n_batches; i++) biggest = P.batches[i] > biggest ? P.batches[i] : biggest;
    ck_assert_uint_eq(biggest, 512);
    otel_logger_provider_release(lp);
    otel_log_exporter_release(e);
}
END_TEST

START_TEST(test_a_full_queue_drops_and_counts) {
    probe_reset(1); /* the first export hangs: nothing leaves the queue */
    otel_log_exporter *e = probe_exporter();
    otel_logger_provider *lp = open_batch((const char *const[]){"OTEL_BLRP_MAX_QUEUE_SIZE", "8",
                                                               "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "4", NULL},
                                          e);
    emit_n(lp, 4);
    for (int i = 0; i < 1000 && !probe_hanging(); i++) fx_sleep_ms(5);
    ck_assert(probe_hanging());
    emit_n(lp, 20); /* 8 fit, 12 are dropped */
    ck_assert_uint_eq(lfx_stat(lp, OTEL_LOG_STAT_DROPPED_QUEUE_FULL), 12);
    ck_assert_uint_eq(lfx_stat(lp, OTEL_LOG_STAT_RECORDS_QUEUED), 8);
    probe_release();
    ck_assert_int_eq(otel_logger_provider_shutdown(lp, 5000), OTEL_OK);
    ck_assert_uint_eq(lfx_stat(lp, OTEL_LOG_STAT_RECORDS_EXPORTED), 12);
    ck_assert_uint_eq(lfx_stat(lp, OTEL_LOG_STAT_RECORDS_EMITTED), 24);
    lfx_assert_balanced(lp);
    otel_logger_provider_release(lp);
    otel_log_exporter_release(e);
}
END_TEST

START_TEST(test_shutdown_abandons_a_hanging_exporter_at_its_deadline) {
    probe_reset(1);
    otel_log_exporter *e = probe_exporter();
    otel_logger_provider *lp = open_batch((const char *const[]){"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "5", NULL}, e);
    emit_n(lp, 12);
    for (int i = 0; i < 1000 && !probe_hanging(); i++) fx_sleep_ms(5);
    ck_assert(probe_hanging());
    uint64_t t0 = otel_time_now_ns();
    ck_assert_int_eq(otel_logger_provider_shutdown(lp, 200), OTEL_ERR_TIMEOUT);
    uint64_t took_ms = (otel_time_now_ns() - t0) / 1000000;
    ck_assert_msg(took_ms < 3000, "shutdown took %llu ms", (unsigned long long)took_ms);
    /* the batch in flight and the queued ones count as dropped at shutdown */
    ck_assert_uint_eq(lfx_stat(lp, OTEL_LOG_STAT_DROPPED_SHUTDOWN), 12);
    lfx_assert_balanced(lp);
    probe_release(); /* the abandoned worker finishes and frees itself */
    otel_logger_provider_release(lp);
    otel_log_exporter_release(e);
    fx_sleep_ms(50);
}
END_TEST

static int failing_export(const otel_log_record *const *r, size_t n, void *u) {
    (void)r, (void)n, (void)u;
    return OTEL_EXPORT_FAILURE;
}

START_TEST(test_failed_exports_are_counted_and_flush_says_so) {
    otel_log_exporter *e;
    ck_assert_int_eq(otel_log_exporter_custom_new(&e, failing_export, NULL, NULL, NULL, NULL), OTEL_OK);
    otel_logger_provider *lp = open_batch(NULL, e);
    emit_n(lp, 7);
    ck_assert_int_eq(otel_logger_provider_force_flush(lp, 5000), OTEL_ERR_EXPORT);
    ck_assert_uint_eq(lfx_stat(lp, OTEL_LOG_STAT_DROPPED_EXPORT_FAILED), 7);
    ck_assert_uint_eq(lfx_stat(lp, OTEL_LOG_STAT_EXPORT_ERRORS), 1);
    otel_logger_provider_shutdown(lp, 5000);
    lfx_assert_balanced(lp);
    otel_logger_provider_release(lp);
    otel_log_exporter_release(e);
}
END_TEST

START_TEST(test_an_exporter_serves_one_processor) {
    otel_log_exporter *mem;
    ck_assert_int_eq(otel_log_exporter_in_memory_new(&mem), OTEL_OK);
    otel_log_processor *a, *b;
    ck_assert_int_eq(otel_log_processor_batch_new(&a, mem, NULL), OTEL_OK);
    ck_assert_int_eq(otel_log_processor_batch_new(&b, mem, NULL), OTEL_ERR_STATE);
    ck_assert_int_eq(otel_log_processor_simple_new(&b, mem), OTEL_ERR_STATE);
    otel_log_processor_release(a);
    otel_log_exporter_release(mem);
}
END_TEST

static void *emitter(void *arg) {
    emit_n(arg, 5000);
    return NULL;
}

START_TEST(test_concurrent_emitters_balance_after_shutdown) {
    otel_log_exporter *mem;
    ck_assert_int_eq(otel_log_exporter_in_memory_new(&mem), OTEL_OK);
    otel_logger_provider *lp = open_batch((const char *const[]){"OTEL_BLRP_MAX_QUEUE_SIZE", "256", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "64",
                                                               "OTEL_BLRP_SCHEDULE_DELAY", "5", NULL},
                                          mem);
    pthread_t th[4];
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, emitter, lp);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    ck_assert_int_eq(otel_logger_provider_shutdown(lp, 10000), OTEL_OK);
    ck_assert_uint_eq(lfx_stat(lp, OTEL_LOG_STAT_RECORDS_EMITTED), 20000);
    ck_assert_uint_eq(lfx_stat(lp, OTEL_LOG_STAT_RECORDS_EXPORTED), otel_log_exporter_in_memory_count(mem));
    lfx_assert_balanced(lp);
    otel_logger_provider_release(lp);
    otel_log_exporter_release(mem);
}
END_TEST

FX_MAIN("log_batch", NULL, NULL, test_a_full_batch_goes_without_waiting_for_the_timer,
        test_the_timer_exports_a_partial_batch, test_default_settings_are_the_specifications,
        test_a_full_queue_drops_and_counts, test_shutdown_abandons_a_hanging_exporter_at_its_deadline,
        test_failed_exports_are_counted_and_flush_says_so, test_an_exporter_serves_one_processor,
        test_concurrent_emitters_balance_after_shutdown)
