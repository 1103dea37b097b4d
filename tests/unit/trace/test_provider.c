/* Tracer providers and processors: the global provider, several processors
 * in order, custom processor callbacks (on_start may change the span,
 * on_ending may redact it, on_end sees it read-only), one provider per
 * processor, and flush/shutdown reaching custom processors. */
#include <check.h>
#include <string.h>

#include "trace/trace_fixture.h"

START_TEST(test_global_provider_is_noop_until_set) {
    otel_tracer_provider *g = otel_tracer_provider_global_borrowed();
    ck_assert_ptr_nonnull(g);
    otel_tracer *t = otel_tracer_provider_get_tracer(g, "lib", NULL, NULL);
    ck_assert(!otel_tracer_enabled(t));
    otel_span *s = otel_tracer_start_span(t, "nothing", 0, NULL);
    ck_assert(!otel_span_is_recording(s));
    otel_span_end(s);

    fx f;
    fx_open(&f, NULL);
    otel_tracer_provider_set_global(f.tp);
    ck_assert_ptr_eq(otel_tracer_provider_global_borrowed(), f.tp);
    t = otel_tracer_provider_get_tracer(otel_tracer_provider_global_borrowed(), "lib", NULL, NULL);
    otel_span_end(otel_tracer_start_span(t, "global", 0, NULL));
    ck_assert_uint_eq(otel_exporter_in_memory_count(f.mem), 1);
    otel_tracer_provider_set_global(NULL); /* back to the no-op; drops the global's reference */
    ck_assert_ptr_ne(otel_tracer_provider_global_borrowed(), f.tp);
    ck_assert(otel_tracer_enabled(f.tracer)); /* ours is still alive */
    fx_close(&f);
}
END_TEST

/* ---- custom processors ---- */

typedef struct trail {
    char log[256]; /* "<processor>:<callback>," in call order */
    int flushes, shutdowns, freed;
} trail;

static void note(trail *t, const char *who, const char *what) {
    size_t n = strlen(t->log);
    snprintf(t->log + n, sizeof t->log - n, "%s:%s,", who, what);
}

static trail T;

static void a_start(otel_span *span, otel_context *parent, void *ud) {
    (void)parent;
    note(&T, ud, "start");
    otel_span_set_attribute_str(span, "added.on_start", "yes"); /* may change the span */
}
static void a_ending(otel_span *span, void *ud) {
    note(&T, ud, "ending");
    otel_span_set_attribute_str(span, "password", "[redacted]"); /* replaces before export */
}
static void b_start(otel_span *span, otel_context *parent, void *ud) {
    note(&T, ud, "start");
    ck_assert_ptr_nonnull(parent);
    ck_assert(otel_span_is_recording(span));
}
static void any_end(const otel_span_data *d, void *ud) {
    note(&T, ud, "end");
    otel_attr a;
    ck_assert(fx_attr(d, "password", &a));
    ck_assert_mem_eq(a.ptr, "[redacted]", 10); /* on_end sees the redacted span */
}
static int p_flush(uint32_t timeout_ms, void *ud) {
    (void)timeout_ms, (void)ud;
    T.flushes++;
    return OTEL_OK;
}
static int p_shutdown(uint32_t timeout_ms, void *ud) {
    (void)timeout_ms, (void)ud;
    T.shutdowns++;
    return OTEL_OK;
}
static void p_free(void *ud) {
    (void)ud;
    T.freed++;
}

static otel_processor *custom(otel_processor_on_start_fn s, otel_processor_on_ending_fn e,
                              const char *name) {
    otel_processor *p;
    ck_assert_int_eq(otel_processor_custom_new(&p, s, e, any_end, (void *)name), OTEL_OK);
    ck_assert_int_eq(otel_processor_set_force_flush_fn(p, p_flush), OTEL_OK);
    ck_assert_int_eq(otel_processor_set_shutdown_fn(p, p_shutdown), OTEL_OK);
    ck_assert_int_eq(otel_processor_set_free_fn(p, p_free), OTEL_OK);
    return p;
}

START_TEST(test_custom_processors_run_in_order_and_may_change_spans) {
    memset(&T, 0, sizeof T);
    otel_processor *a = custom(a_start, a_ending, "A"), *b = custom(b_start, NULL, "B");
    otel_options *o;
    otel_options_new(&o);
    otel_options_add_processor(o, a);
    otel_options_add_processor(o, b);
    otel_processor_release(a);
    otel_processor_release(b);
    fx f;
    fx_open(&f, o); /* adds the in-memory exporter's processor third */
    otel_span *s = otel_tracer_start_span(f.tracer, "login", 0, NULL);
    otel_span_set_attribute_str(s, "password", "hunter2");
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_str_eq(T.log, "A:start,B:start,A:ending,A:end,B:end,");
    fx_assert_str(d, "added.on_start", "yes", 3);
    fx_assert_str(d, "password", "[redacted]", 10);
    otel_span_data_release(d);

    ck_assert_int_eq(otel_tracer_provider_force_flush(f.tp, 1000), OTEL_OK);
    ck_assert_int_eq(T.flushes, 2);
    fx_close(&f);
    ck_assert_int_eq(T.shutdowns, 2);
    ck_assert_int_eq(T.freed, 2);
}
END_TEST

START_TEST(test_processor_serves_one_provider) {
    memset(&T, 0, sizeof T);
    fx_log_capture();
    otel_processor *p = custom(NULL, NULL, "P");
    otel_options *o1, *o2;
    otel_options_new(&o1);
    otel_options_new(&o2);
    otel_options_add_processor(o1, p);
    otel_options_add_processor(o2, p);
    otel_processor_release(p);
    fx f1, f2;
    fx_open(&f1, o1);
    fx_open(&f2, o2);
    ck_assert(fx_logged("one provider"));
    otel_span_end(otel_tracer_start_span(f2.tracer, "second", 0, NULL));
    ck_assert_str_eq(T.log, ""); /* skipped by the second provider */
    ck_assert_uint_eq(otel_exporter_in_memory_count(f2.mem), 1);
    fx_close(&f2);
    ck_assert_int_eq(T.shutdowns, 0);
    fx_close(&f1);
    ck_assert_int_eq(T.shutdowns, 1);
    ck_assert_int_eq(T.freed, 1);
}
END_TEST

START_TEST(test_too_many_processors_rejected) {
    otel_options *o;
    otel_options_new(&o);
    otel_processor *p[17];
    for (int i = 0; i < 17; i++) {
        ck_assert_int_eq(otel_processor_custom_new(&p[i], NULL, NULL, NULL, NULL), OTEL_OK);
        otel_status st = otel_options_add_processor(o, p[i]);
        ck_assert_int_eq(st, i < 16 ? OTEL_OK : OTEL_ERR_LIMIT);
        otel_processor_release(p[i]);
    }
    otel_options_free(o);
}
END_TEST

START_TEST(test_release_without_shutdown_flushes) {
    otel_exporter *mem;
    ck_assert_int_eq(otel_exporter_in_memory_new(&mem), OTEL_OK);
    otel_processor *p;
    otel_options *o = fx_opts((const char *const[]){"OTEL_TRACES_SAMPLER", "always_on",
                                                    "OTEL_BSP_SCHEDULE_DELAY", "600000", NULL});
    ck_assert_int_eq(otel_processor_batch_new(&p, mem, o), OTEL_OK);
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    otel_tracer_provider *tp;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "t", NULL, NULL);
    otel_span *open = otel_tracer_start_span(t, "outlives", 0, NULL);
    for (int i = 0; i < 3; i++) otel_span_end(otel_tracer_start_span(t, "s", 0, NULL));
    ck_assert_ptr_eq(otel_tracer_provider_retain(tp), tp);
    otel_tracer_provider_release(tp); /* not the last reference: nothing happens */
    ck_assert_uint_eq(otel_exporter_in_memory_count(mem), 0);
    otel_tracer_provider_release(tp); /* the last: shuts down, which flushes */
    ck_assert_uint_eq(otel_exporter_in_memory_count(mem), 3);
    otel_span_set_attribute_i64(open, "late", 1); /* the span outlives its provider handle */
    otel_span_end(open);
    ck_assert_uint_eq(otel_exporter_in_memory_count(mem), 3);
    otel_exporter_release(mem);
}
END_TEST

FX_MAIN("provider", NULL, NULL,
        test_global_provider_is_noop_until_set,
        test_custom_processors_run_in_order_and_may_change_spans,
        test_processor_serves_one_provider,
        test_too_many_processors_rejected,
        test_release_without_shutdown_flushes)
