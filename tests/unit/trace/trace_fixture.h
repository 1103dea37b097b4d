/* Helpers shared by the tracing SDK's unit suites (public API only): a
 * provider whose spans land in the in-memory exporter, attribute lookup on
 * span data, stats, and a log handler that keeps the SDK's messages so a
 * test can check that a bad setting was reported. */
#ifndef OTEL_TEST_TRACE_FIXTURE_H
#define OTEL_TEST_TRACE_FIXTURE_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "otel/otel.h"

typedef struct fx {
    otel_tracer_provider *tp;
    otel_tracer *tracer;
    otel_exporter *mem; /* in-memory exporter behind a simple processor */
} fx;

/* Builds a provider from `o` (NULL: fresh options) plus a simple processor
 * into an in-memory exporter; the sampler is always_on unless `o` set one
 * (by name or object). Frees `o`. */
static inline void fx_open(fx *f, otel_options *o) {
    if (!o) ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    if (!otel_options_get(o, "OTEL_TRACES_SAMPLER"))
        otel_options_set(o, "OTEL_TRACES_SAMPLER", "always_on");
    ck_assert_int_eq(otel_exporter_in_memory_new(&f->mem), OTEL_OK);
    otel_processor *p;
    ck_assert_int_eq(otel_processor_simple_new(&p, f->mem), OTEL_OK);
    ck_assert_int_eq(otel_options_add_processor(o, p), OTEL_OK);
    otel_processor_release(p);
    ck_assert_int_eq(otel_tracer_provider_new(&f->tp, o), OTEL_OK);
    otel_options_free(o);
    f->tracer = otel_tracer_provider_get_tracer(f->tp, "test", "1.0", NULL);
    ck_assert_ptr_nonnull(f->tracer);
}

/* Options from NULL-terminated name, value pairs. */
static inline otel_options *fx_opts(const char *const *kv) {
    otel_options *o;
    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    for (size_t i = 0; kv && kv[i]; i += 2) ck_assert_int_eq(otel_options_set(o, kv[i], kv[i + 1]), OTEL_OK);
    return o;
}

static inline void fx_close(fx *f) {
    otel_tracer_provider_shutdown(f->tp, 5000);
    otel_tracer_provider_release(f->tp);
    otel_exporter_release(f->mem);
    memset(f, 0, sizeof *f);
}

/* Exported span `i` (a reference; release with otel_span_data_release()). */
static inline const otel_span_data *fx_get(fx *f, size_t i) {
    const otel_span_data *d = otel_exporter_in_memory_get(f->mem, i);
    ck_assert_msg(d != NULL, "no exported span #%zu (have %zu)", i, otel_exporter_in_memory_count(f->mem));
    return d;
}

/* Ends `s` and returns its exported data (a reference). */
static inline const otel_span_data *fx_end(fx *f, otel_span *s) {
    size_t before = otel_exporter_in_memory_count(f->mem);
    otel_span_end(s);
    ck_assert_uint_eq(otel_exporter_in_memory_count(f->mem), before + 1);
    return fx_get(f, before);
}

/* Finds attribute `key` of span data; 1 if present. */
static inline int fx_attr(const otel_span_data *d, const char *key, otel_attr *out) {
    size_t n = otel_span_data_attribute_count(d);
    for (size_t i = 0; i < n; i++) {
        otel_attr a;
        ck_assert_int_eq(otel_span_data_attribute(d, i, &a), OTEL_OK);
        if (a.key_len == strlen(key) && memcmp(a.key, key, a.key_len) == 0) {
            if (out) *out = a;
            return 1;
        }
    }
    return 0;
}

/* Asserts a string attribute's exact value. */
static inline void fx_assert_str(const otel_span_data *d, const char *key, const char *want,
                                 size_t want_len) {
    otel_attr a;
    ck_assert_msg(fx_attr(d, key, &a), "attribute %s missing", key);
    ck_assert_int_eq(a.type, OTEL_VALUE_STRING);
    ck_assert_uint_eq(a.len, want_len);
    ck_assert_mem_eq(a.ptr, want, want_len);
}

static inline uint64_t fx_stat(const otel_tracer_provider *tp, otel_stat which) {
    uint64_t v[OTEL_STAT__COUNT];
    ck_assert_uint_eq(otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT), OTEL_STAT__COUNT);
    return v[which];
}

/* A span context with the given ids, flags and remoteness. */
static inline otel_span_context fx_sc(uint8_t trace_byte, uint8_t span_byte, uint8_t flags,
                                      int remote) {
    otel_span_context sc;
    memset(&sc, 0, sizeof sc);
    memset(sc.trace_id, trace_byte, 16);
    memset(sc.span_id, span_byte, 8);
    sc.trace_flags = flags;
    sc.is_remote = (uint8_t)remote;
    return sc;
}

/* A context holding a non-recording span with `sc` (a new reference). */
static inline otel_context *fx_parent(const otel_span_context *sc, const char *trace_state) {
    otel_span *s;
    ck_assert_int_eq(otel_span_wrap(&s, sc, trace_state, trace_state ? strlen(trace_state) : 0), OTEL_OK);
    otel_context *c = otel_context_with_span(otel_context_root(), s);
    otel_span_release(s);
    ck_assert_ptr_nonnull(c);
    return c;
}

/* ---- the SDK's log, captured ---- */
static char fx_log_buf[8192];
static size_t fx_log_len;

static inline void fx_log_sink(int level, const char *msg, size_t len, void *ud) {
    (void)level;
    (void)ud;
    if (fx_log_len + len + 2 >= sizeof fx_log_buf) return;
    memcpy(fx_log_buf + fx_log_len, msg, len);
    fx_log_len += len;
    fx_log_buf[fx_log_len++] = '\n';
    fx_log_buf[fx_log_len] = '\0';
}

static inline void fx_log_capture(void) {
    fx_log_len = 0;
    fx_log_buf[0] = '\0';
    otel_set_log_level(OTEL_LOG_DEBUG);
    otel_set_log_handler(fx_log_sink, NULL);
}

/* Messages are delivered by the SDK's diagnostics thread: wait for them. */
static inline void fx_log_flush(void) { ck_assert_int_eq(otel_log_flush(10000), OTEL_OK); }

static inline int fx_logged(const char *needle) {
    fx_log_flush();
    return strstr(fx_log_buf, needle) != NULL;
}

/* Sleeps `ms` milliseconds (for polling loops, never for timing claims). */
static inline void fx_sleep_ms(unsigned ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Runs `tests` as one suite in Check's fork mode (each test in its own
 * process, so environment changes stay local); returns the exit code. */
static inline int fx_main(const char *name, const TTest *const *tests, size_t n, SFun setup,
                          SFun teardown) {
    Suite *s = suite_create(name);
    TCase *tc = tcase_create(name);
    if (setup || teardown) tcase_add_checked_fixture(tc, setup, teardown);
    for (size_t i = 0; i < n; i++) tcase_add_test(tc, tests[i]);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
#define FX_MAIN(name, setup, teardown, ...)                                          \
    int main(void) {                                                                 \
        const TTest *tests[] = {__VA_ARGS__};                                        \
        return fx_main(name, tests, sizeof tests / sizeof *tests, setup, teardown);  \
    }

#endif
