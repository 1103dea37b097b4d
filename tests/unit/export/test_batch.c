/* The batch span processor with a real worker and a scripted custom
 * exporter: timer and size triggers, the batch size, a full queue (spans
 * and bytes), blocking producers, force_flush, shutdown with a hanging
 * exporter, idempotent shutdown, the OTEL_BSP_* settings and the stats. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_fixture.h"

/* ---- a scripted exporter ---- */
typedef struct script {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int gate_closed;      /* export blocks while set */
    int in_export;        /* the worker is inside export now */
    int fail;             /* export returns FAILURE */
    size_t batches, spans, max_batch;
    int flushes, shutdowns, freed;
} script;

static script S;
static otel_exporter *exp_;
static otel_tracer_provider *tp;
static otel_tracer *tracer;

static int script_export(const otel_span_data *const *spans, size_t n, void *ud) {
    script *s = ud;
    (void)spans;
    pthread_mutex_lock(&s->lock);
    s->in_export = 1;
    pthread_cond_broadcast(&s->cond);
    while (s->gate_closed) pthread_cond_wait(&s->cond, &s->lock);
    s->batches++;
    s->spans += n;
    if (n > s->max_batch) s->max_batch = n;
    s->in_export = 0;
    int fail = s->fail;
    pthread_mutex_unlock(&s->lock);
    return fail ? OTEL_EXPORT_FAILURE : OTEL_EXPORT_SUCCESS;
}
static int script_flush(uint32_t timeout_ms, void *ud) {
    (void)timeout_ms;
    script *s = ud;
    pthread_mutex_lock(&s->lock);
    s->flushes++;
    pthread_mutex_unlock(&s->lock);
    return OTEL_OK;
}
static int script_shutdown(uint32_t timeout_ms, void *ud) {
    (void)timeout_ms;
    script *s = ud;
    pthread_mutex_lock(&s->lock);
    s->shutdowns++;
    pthread_mutex_unlock(&s->lock);
    return OTEL_OK;
}
static void script_free(void *ud) {
    script *s = ud;
    pthread_mutex_lock(&s->lock);
    s->freed++;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

static void set_gate(int closed) {
    pthread_mutex_lock(&S.lock);
    S.gate_closed = closed;
    pthread_cond_broadcast(&S.cond);
    pthread_mutex_unlock(&S.lock);
}

static size_t read_field(const size_t *field) {
    pthread_mutex_lock(&S.lock);
    size_t v = *field;
    pthread_mutex_unlock(&S.lock);
    return v;
}

/* Waits (10 s at most) until `*field >= want`; returns the value seen. */
static size_t wait_for(const size_t *field, size_t want) {
    for (int i = 0; i < 2000 && read_field(field) < want; i++) fx_sleep_ms(5);
    return read_field(field);
}

static void wait_in_export(void) {
    pthread_mutex_lock(&S.lock);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 10;
    while (!S.in_export && pthread_cond_timedwait(&S.cond, &S.lock, &ts) == 0) {}
    int in = S.in_export;
    pthread_mutex_unlock(&S.lock);
    ck_assert_msg(in, "the worker never called export");
}

static void setup(void) {
    memset(&S, 0, sizeof S);
    pthread_mutex_init(&S.lock, NULL);
    pthread_cond_init(&S.cond, NULL);
    ck_assert_int_eq(otel_exporter_custom_new(&exp_, script_export, &S), OTEL_OK);
    otel_exporter_set_force_flush_fn(exp_, script_flush);
    otel_exporter_set_shutdown_fn(exp_, script_shutdown);
    otel_exporter_set_free_fn(exp_, script_free);
}

/* A provider with one batch processor configured by `kv` (NULL: by the
 * environment alone) in front of the scripted exporter. */
static void open_batch(const char *const *kv) {
    otel_options *o = kv ? fx_opts(kv) : NULL;
    otel_processor *p;
    ck_assert_int_eq(otel_processor_batch_new(&p, exp_, o), OTEL_OK);
    if (!o) ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    if (!otel_options_get(o, "OTEL_TRACES_SAMPLER")) otel_options_set(o, "OTEL_TRACES_SAMPLER", "always_on");
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    tracer = otel_tracer_provider_get_tracer(tp, "batch-test", NULL, NULL);
}

static void teardown(void) {
    set_gate(0);
    if (tp) {
        otel_tracer_provider_shutdown(tp, 5000);
        otel_tracer_provider_release(tp);
        tp = NULL;
    }
    otel_exporter_release(exp_);
}

static void end_spans(int n) {
    for (int i = 0; i < n; i++) otel_span_end(otel_tracer_start_span(tracer, "s", 0, NULL));
}

static uint64_t stat_(otel_stat which) { return fx_stat(tp, which); }

START_TEST(test_timer_exports_without_flush) {
    open_batch((const char *const[]){"OTEL_BSP_SCHEDULE_DELAY", "20", NULL});
    end_spans(3);
    ck_assert_uint_eq(wait_for(&S.spans, 3), 3);
    ck_assert_int_eq(S.flushes, 0); /* the timer did it */
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_EXPORTED), 3);
    end_spans(2); /* and again for the next batch */
    ck_assert_uint_eq(wait_for(&S.spans, 5), 5);
    ck_assert_int_eq(S.flushes, 0);
}
END_TEST

START_TEST(test_full_batch_exports_before_the_timer) {
    open_batch((const char *const[]){"OTEL_BSP_SCHEDULE_DELAY", "600000", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
                                     "4", NULL});
    end_spans(4);
    ck_assert_uint_eq(wait_for(&S.spans, 4), 4);
    ck_assert_uint_eq(read_field(&S.batches), 1);
    end_spans(3); /* less than a batch: waits for the (10 minute) timer */
    fx_sleep_ms(100);
    ck_assert_uint_eq(read_field(&S.spans), 4);
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_QUEUED), 3);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    ck_assert_uint_eq(read_field(&S.spans), 7);
}
END_TEST

START_TEST(test_max_export_batch_size_respected) {
    open_batch((const char *const[]){"OTEL_BSP_SCHEDULE_DELAY", "600000", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
                                     "7", "OTEL_BSP_MAX_QUEUE_SIZE", "100", NULL});
    set_gate(1); /* let the queue fill up behind a slow export */
    end_spans(50);
    set_gate(0);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    ck_assert_uint_eq(S.spans, 50);
    ck_assert_uint_eq(S.max_batch, 7);
    ck_assert_uint_ge(S.batches, 8);
    ck_assert_uint_eq(stat_(OTEL_STAT_EXPORT_BATCHES), S.batches);
}
END_TEST

START_TEST(test_full_queue_drops_and_counts) {
    /* 5 is not a power of two: the queue still holds exactly 5 */
    open_batch((const char *const[]){"OTEL_BSP_SCHEDULE_DELAY", "600000", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
                                     "1", "OTEL_BSP_MAX_QUEUE_SIZE", "5", NULL});
    set_gate(1);
    end_spans(1);
    wait_in_export(); /* the worker holds span 1 in a stuck export */
    end_spans(5);
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_QUEUED), 5);
    ck_assert_uint_gt(stat_(OTEL_STAT_QUEUE_BYTES), 0);
    ck_assert_uint_eq(stat_(OTEL_STAT_DROPPED_QUEUE_FULL), 0);
    end_spans(3);
    ck_assert_uint_eq(stat_(OTEL_STAT_DROPPED_QUEUE_FULL), 3);
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_QUEUED), 5);
    set_gate(0);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    ck_assert_uint_eq(S.spans, 6);
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_ENDED), 9);
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_EXPORTED), 6);
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_QUEUED), 0);
    ck_assert_uint_eq(stat_(OTEL_STAT_QUEUE_BYTES), 0);
}
END_TEST

static void end_big_spans(int n) {
    static char big[2001];
    memset(big, 'b', sizeof big - 1);
    for (int i = 0; i < n; i++) {
        otel_span *s = otel_tracer_start_span(tracer, "big", 0, NULL);
        otel_span_set_attribute_str(s, "payload", big);
        otel_span_end(s);
    }
}

START_TEST(test_queue_bounded_in_bytes) {
    /* 1 KiB (the smallest bound) cannot hold a span with a 2000-byte value */
    open_batch((const char *const[]){"OTEL_BSP_SCHEDULE_DELAY", "600000", "OTEL_CORE_BSP_MAX_QUEUE_BYTES",
                                     "1024", NULL});
    end_big_spans(3);
    ck_assert_uint_eq(stat_(OTEL_STAT_DROPPED_QUEUE_FULL), 3);
    ck_assert_uint_eq(stat_(OTEL_STAT_QUEUE_BYTES), 0);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    ck_assert_uint_eq(S.spans, 0);
}
END_TEST

static void *open_gate_later(void *arg) {
    (void)arg;
    fx_sleep_ms(50);
    set_gate(0);
    return NULL;
}

START_TEST(test_blocking_producer_waits_for_room) {
    open_batch((const char *const[]){"OTEL_BSP_SCHEDULE_DELAY", "600000", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
                                     "1", "OTEL_BSP_MAX_QUEUE_SIZE", "1", "OTEL_CORE_BSP_BLOCK_TIMEOUT",
                                     "20", NULL});
    set_gate(1);
    end_spans(1);
    wait_in_export();
    end_spans(1); /* fills the queue */
    end_spans(1); /* waits 20 ms for room, then drops */
    ck_assert_uint_eq(stat_(OTEL_STAT_DROPPED_QUEUE_FULL), 1);
    set_gate(0);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    otel_tracer_provider_shutdown(tp, 5000);
    otel_tracer_provider_release(tp);
    tp = NULL;
    otel_exporter_release(exp_);
    setup();

    /* with a long block timeout, room made meanwhile takes the span */
    open_batch((const char *const[]){"OTEL_BSP_SCHEDULE_DELAY", "600000", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
                                     "1", "OTEL_BSP_MAX_QUEUE_SIZE", "1", "OTEL_CORE_BSP_BLOCK_TIMEOUT",
                                     "30000", NULL});
    set_gate(1);
    end_spans(1);
    wait_in_export();
    end_spans(1);
    pthread_t th;
    pthread_create(&th, NULL, open_gate_later, NULL);
    end_spans(1); /* blocks until the export frees a slot */
    pthread_join(th, NULL);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    ck_assert_uint_eq(stat_(OTEL_STAT_DROPPED_QUEUE_FULL), 0);
    ck_assert_uint_eq(S.spans, 3);
}
END_TEST

START_TEST(test_force_flush_exports_everything) {
    open_batch((const char *const[]){"OTEL_BSP_SCHEDULE_DELAY", "600000", NULL});
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK); /* nothing yet */
    end_spans(1000);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    ck_assert_uint_eq(S.spans, 1000);
    ck_assert_uint_le(S.max_batch, 512);
    ck_assert_int_ge(S.flushes, 1); /* then the exporter's own flush */
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_QUEUED), 0);
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_EXPORTED), 1000);
    ck_assert_uint_gt(stat_(OTEL_STAT_LAST_EXPORT_TIME_NS), 0);
}
END_TEST

START_TEST(test_force_flush_returns_in_time_when_exporter_hangs) {
    open_batch((const char *const[]){"OTEL_BSP_SCHEDULE_DELAY", "600000", NULL});
    set_gate(1);
    end_spans(2);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 50), OTEL_ERR_TIMEOUT);
    ck_assert_str_ne(otel_last_error(), "");
    set_gate(0);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    ck_assert_uint_eq(S.spans, 2);
}
END_TEST

START_TEST(test_shutdown_returns_in_time_when_exporter_hangs) {
    open_batch((const char *const[]){"OTEL_BSP_SCHEDULE_DELAY", "600000", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
                                     "2", NULL});
    set_gate(1);
    end_spans(5);
    wait_in_export();
    uint64_t t0 = otel_time_now_ns();
    ck_assert_int_eq(otel_tracer_provider_shutdown(tp, 200), OTEL_ERR_TIMEOUT);
    uint64_t took_ms = (otel_time_now_ns() - t0) / 1000000;
    /* bounded by its timeout (the slack only absorbs scheduling; a hang
     * would never return) */
    ck_assert_msg(took_ms >= 150 && took_ms < 5200, "shutdown(200 ms) took %llu ms",
                  (unsigned long long)took_ms);
    ck_assert_int_eq(otel_tracer_provider_shutdown(tp, 200), OTEL_ERR_SHUTDOWN); /* at once */
    /* the stats add up the moment shutdown returns: the batch in flight and
     * the spans still queued are dropped at shutdown */
    uint64_t v[OTEL_STAT__COUNT];
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_ENDED], 5);
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_EXPORTED], 0);
    ck_assert_uint_eq(v[OTEL_STAT_DROPPED_SHUTDOWN], 5);
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_QUEUED], 0);
    ck_assert_uint_eq(v[OTEL_STAT_QUEUE_BYTES], 0);
    otel_tracer_provider_release(tp);
    tp = NULL;
    otel_exporter_release(exp_);
    exp_ = NULL;
    /* the abandoned worker finishes once the exporter returns, then lets go */
    set_gate(0);
    pthread_mutex_lock(&S.lock);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 10;
    while (!S.freed && pthread_cond_timedwait(&S.cond, &S.lock, &ts) == 0) {}
    pthread_mutex_unlock(&S.lock);
    ck_assert_int_eq(S.freed, 1);
    ck_assert_int_eq(S.shutdowns, 1);
    /* it stopped at its next step: only the batch in flight was exported */
    ck_assert_uint_eq(S.spans, 2);
}
END_TEST

START_TEST(test_shutdown_is_idempotent_and_later_calls_are_noops) {
    open_batch((const char *const[]){"OTEL_BSP_SCHEDULE_DELAY", "600000", NULL});
    end_spans(3);
    otel_span *late = otel_tracer_start_span(tracer, "ends-after-shutdown", 0, NULL);
    ck_assert_int_eq(otel_tracer_provider_shutdown(tp, 5000), OTEL_OK);
    ck_assert_uint_eq(S.spans, 3); /* shutdown flushed */
    ck_assert_int_eq(S.shutdowns, 1);
    ck_assert_int_eq(otel_tracer_provider_shutdown(tp, 5000), OTEL_ERR_SHUTDOWN);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_ERR_SHUTDOWN);
    ck_assert_int_eq(S.shutdowns, 1);
    ck_assert(!otel_tracer_enabled(tracer));
    otel_span_end(late); /* counted, not exported */
    ck_assert_uint_eq(stat_(OTEL_STAT_DROPPED_SHUTDOWN), 1);
    otel_span *after = otel_tracer_start_span(tracer, "after", 0, NULL);
    ck_assert(!otel_span_is_recording(after));
    otel_span_end(after);
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_STARTED), 4);
    ck_assert_uint_eq(S.spans, 3);
}
END_TEST

/* Drops every span whose name starts with "drop". */
static int drop_some(otel_context *parent, const uint8_t *trace_id, const char *name,
                     size_t name_len, int kind, const otel_attr *attrs, size_t n_attrs,
                     const otel_link *links, size_t n_links, otel_sampling_result *result,
                     void *user_data) {
    (void)parent, (void)trace_id, (void)kind, (void)attrs, (void)n_attrs, (void)links;
    (void)n_links, (void)result, (void)user_data;
    return name_len >= 4 && memcmp(name, "drop", 4) == 0 ? OTEL_SAMPLING_DROP
                                                          : OTEL_SAMPLING_RECORD_AND_SAMPLE;
}

START_TEST(test_stats_account_for_every_span) {
    otel_processor *p;
    ck_assert_int_eq(otel_processor_batch_new(&p, exp_, NULL), OTEL_OK);
    otel_sampler *smp;
    ck_assert_int_eq(otel_sampler_custom_new(&smp, drop_some, "DropSome", NULL, NULL), OTEL_OK);
    otel_options *o;
    otel_options_new(&o);
    otel_options_set_sampler(o, smp);
    otel_sampler_release(smp);
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    tracer = otel_tracer_provider_get_tracer(tp, "t", NULL, NULL);

    for (int i = 0; i < 10; i++) otel_span_end(otel_tracer_start_span(tracer, "keep", 0, NULL));
    for (int i = 0; i < 4; i++) otel_span_end(otel_tracer_start_span(tracer, "drop", 0, NULL));
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    S.fail = 1;
    for (int i = 0; i < 6; i++) otel_span_end(otel_tracer_start_span(tracer, "fails", 0, NULL));
    otel_tracer_provider_force_flush(tp, 5000);

    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_STARTED), 20);
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_NOT_SAMPLED), 4);
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_ENDED), 16);
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_EXPORTED), 10);
    ck_assert_uint_eq(stat_(OTEL_STAT_DROPPED_EXPORT_FAILED), 6);
    ck_assert_uint_eq(stat_(OTEL_STAT_SPANS_QUEUED), 0);
    ck_assert_uint_eq(stat_(OTEL_STAT_EXPORT_BATCHES), S.batches);
    ck_assert_uint_ge(stat_(OTEL_STAT_EXPORT_ERRORS), 1);
    ck_assert_uint_gt(stat_(OTEL_STAT_LAST_EXPORT_TIME_NS), 0);
    ck_assert_uint_gt(stat_(OTEL_STAT_LAST_ERROR_TIME_NS), 0);
    char err[128];
    ck_assert_uint_gt(otel_tracer_provider_last_error(tp, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(err, "6 spans"));

    char json[2048];
    size_t len = otel_tracer_provider_stats_json(tp, json, sizeof json);
    ck_assert_uint_lt(len, sizeof json);
    ck_assert_ptr_nonnull(strstr(json, "\"spans_started\":20,"));
    ck_assert_ptr_nonnull(strstr(json, "\"dropped_export_failed\":6,"));
    ck_assert_ptr_nonnull(strstr(json, "\"last_error\":\""));
    char tiny[8];
    ck_assert_uint_eq(otel_tracer_provider_stats_json(tp, tiny, sizeof tiny), len); /* full length */
    ck_assert_uint_eq(strlen(tiny), sizeof tiny - 1);
    ck_assert_str_eq(otel_stat_name(OTEL_STAT_SPANS_STARTED), "spans_started");
    ck_assert_str_eq(otel_stat_name(OTEL_STAT_DROPPED_QUEUE_FULL), "dropped_queue_full");
    uint64_t few[3];
    ck_assert_uint_eq(otel_tracer_provider_get_stats(tp, few, 3), 3);
    ck_assert_uint_eq(few[OTEL_STAT_SPANS_ENDED], 16);
}
END_TEST

static size_t max_batch_with(otel_options *o, int n) {
    otel_processor *p;
    ck_assert_int_eq(otel_processor_batch_new(&p, exp_, o), OTEL_OK);
    otel_options_free(o);
    otel_options *po = fx_opts((const char *const[]){"OTEL_TRACES_SAMPLER", "always_on", NULL});
    otel_options_add_processor(po, p);
    otel_processor_release(p);
    ck_assert_int_eq(otel_tracer_provider_new(&tp, po), OTEL_OK);
    otel_options_free(po);
    tracer = otel_tracer_provider_get_tracer(tp, "t", NULL, NULL);
    set_gate(1); /* queue everything first */
    end_spans(n);
    set_gate(0);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    ck_assert_uint_eq(S.spans, (size_t)n);
    size_t m = S.max_batch;
    teardown();
    setup();
    return m;
}

START_TEST(test_bsp_settings_from_env_unless_options_override) {
    fx_log_capture();
    setenv("OTEL_BSP_SCHEDULE_DELAY", "600000", 1);
    setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "2", 1);
    ck_assert_uint_eq(max_batch_with(NULL, 10), 2);
    ck_assert_uint_eq(max_batch_with(fx_opts((const char *const[]){"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "3", NULL}), 10), 3);
    ck_assert(!fx_logged("OTEL_BSP"));
    /* invalid: the default (512), with a message */
    ck_assert_uint_eq(max_batch_with(fx_opts((const char *const[]){"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "0", NULL}), 10), 10);
    ck_assert(fx_logged("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"));
    /* larger than the queue: the queue size, with a message */
    fx_log_len = 0;
    ck_assert_uint_eq(max_batch_with(fx_opts((const char *const[]){"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "8",
                                                                   "OTEL_BSP_MAX_QUEUE_SIZE", "4", NULL}),
                                     4),
                      4);
    ck_assert(fx_logged("exceeds the queue size"));
}
END_TEST

START_TEST(test_exporter_and_processor_have_one_owner) {
    otel_processor *p, *q;
    ck_assert_int_eq(otel_processor_batch_new(&p, exp_, NULL), OTEL_OK);
    ck_assert_int_eq(otel_processor_batch_new(&q, exp_, NULL), OTEL_ERR_STATE);
    ck_assert_int_eq(otel_processor_simple_new(&q, exp_), OTEL_ERR_STATE);
    otel_processor_release(p); /* never started: no worker to stop */
}
END_TEST

FX_MAIN("batch", setup, teardown,
        test_timer_exports_without_flush,
        test_full_batch_exports_before_the_timer,
        test_max_export_batch_size_respected,
        test_full_queue_drops_and_counts,
        test_queue_bounded_in_bytes,
        test_blocking_producer_waits_for_room,
        test_force_flush_exports_everything,
        test_force_flush_returns_in_time_when_exporter_hangs,
        test_shutdown_returns_in_time_when_exporter_hangs,
        test_shutdown_is_idempotent_and_later_calls_are_noops,
        test_stats_account_for_every_span,
        test_bsp_settings_from_env_unless_options_override,
        test_exporter_and_processor_have_one_owner)
