/* The options handle and the environment: names are the specification's
 * variable names, code wins over the environment, OTEL_SDK_DISABLED, and
 * the parsing rules (bad values warn and fall back to the default). */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/trace_fixture.h"

START_TEST(test_options_set_rejects_unknown_names_and_null) {
    otel_options *o;
    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    ck_assert_int_eq(otel_options_set(o, "OTEL_SERVICE_NAME", "x"), OTEL_OK);
    ck_assert_int_eq(otel_options_set(o, "OTEL_NOT_A_SETTING", "x"), OTEL_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(otel_last_error(), "OTEL_NOT_A_SETTING"));
    ck_assert_int_eq(otel_options_set(o, "otel_service_name", "x"), OTEL_ERR_NOT_FOUND);
    ck_assert_int_eq(otel_options_set(NULL, "OTEL_SERVICE_NAME", "x"), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_options_set(o, NULL, "x"), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_options_new(NULL), OTEL_ERR_INVALID_ARGUMENT);
    /* pointer + length: the name need not be NUL-terminated */
    ck_assert_int_eq(otel_options_set_n(o, "OTEL_SERVICE_NAMEXYZ", 17, "svcXYZ", 3), OTEL_OK);
    ck_assert_str_eq(otel_options_get(o, "OTEL_SERVICE_NAME"), "svc");
    ck_assert_int_eq(otel_options_set_resource(NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_options_set_sampler(NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_options_add_processor(o, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_options_set_id_generator(NULL, NULL, 0, NULL), OTEL_ERR_INVALID_ARGUMENT);
    otel_options_free(o);
    otel_options_free(NULL);
}
END_TEST

START_TEST(test_options_get_code_over_environment) {
    setenv("OTEL_SERVICE_NAME", "from-env", 1);
    otel_options *o;
    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    ck_assert_str_eq(otel_options_get(NULL, "OTEL_SERVICE_NAME"), "from-env");
    ck_assert_str_eq(otel_options_get(o, "OTEL_SERVICE_NAME"), "from-env");
    otel_options_set(o, "OTEL_SERVICE_NAME", "from-code");
    ck_assert_str_eq(otel_options_get(o, "OTEL_SERVICE_NAME"), "from-code");
    otel_options_set(o, "OTEL_SERVICE_NAME", "again"); /* replaces */
    ck_assert_str_eq(otel_options_get(o, "OTEL_SERVICE_NAME"), "again");
    otel_options_set(o, "OTEL_SERVICE_NAME", NULL); /* unset: the environment applies again */
    ck_assert_str_eq(otel_options_get(o, "OTEL_SERVICE_NAME"), "from-env");
    setenv("OTEL_SERVICE_NAME", "", 1); /* empty is unset */
    ck_assert_ptr_null(otel_options_get(o, "OTEL_SERVICE_NAME"));
    otel_options_free(o);
}
END_TEST

/* Whether a provider built from `o` records: SDK_DISABLED and friends. */
static int provider_records(otel_options *o) {
    fx f;
    fx_open(&f, o);
    otel_span *s = otel_tracer_start_span(f.tracer, "s", 0, otel_context_root());
    int rec = otel_span_is_recording(s);
    ck_assert_int_eq(otel_tracer_enabled(f.tracer), rec);
    otel_span_end(s);
    ck_assert_uint_eq(otel_exporter_in_memory_count(f.mem), (size_t)rec);
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_SPANS_STARTED), (uint64_t)rec);
    fx_close(&f);
    return rec;
}

START_TEST(test_sdk_disabled_from_env_unless_code_overrides) {
    unsetenv("OTEL_SDK_DISABLED");
    ck_assert(provider_records(NULL));
    setenv("OTEL_SDK_DISABLED", "true", 1);
    ck_assert(!provider_records(NULL));
    ck_assert(provider_records(fx_opts((const char *const[]){"OTEL_SDK_DISABLED", "false", NULL})));
    unsetenv("OTEL_SDK_DISABLED");
    ck_assert(!provider_records(fx_opts((const char *const[]){"OTEL_SDK_DISABLED", "TRUE", NULL})));
    ck_assert(!provider_records(fx_opts((const char *const[]){"OTEL_SDK_DISABLED", " True ", NULL})));
}
END_TEST

START_TEST(test_sdk_disabled_boolean_rules) {
    fx_log_capture();
    unsetenv("OTEL_SDK_DISABLED");
    ck_assert(provider_records(fx_opts((const char *const[]){"OTEL_SDK_DISABLED", "false", NULL})));
    ck_assert(provider_records(fx_opts((const char *const[]){"OTEL_SDK_DISABLED", "", NULL})));
    ck_assert(!fx_logged("OTEL_SDK_DISABLED"));
    /* only "true" is true; anything else is false, with a warning */
    ck_assert(provider_records(fx_opts((const char *const[]){"OTEL_SDK_DISABLED", "1", NULL})));
    ck_assert(fx_logged("OTEL_SDK_DISABLED"));
}
END_TEST

START_TEST(test_sdk_disabled_spans_still_propagate_parent) {
    otel_span_context psc = fx_sc(0x42, 0x24, OTEL_TRACE_FLAG_SAMPLED, 1);
    otel_context *parent = fx_parent(&psc, "vendor=v");
    fx f;
    fx_open(&f, fx_opts((const char *const[]){"OTEL_SDK_DISABLED", "true", NULL}));
    otel_span *s = otel_tracer_start_span(f.tracer, "child", OTEL_SPAN_KIND_SERVER, parent);
    ck_assert(!otel_span_is_recording(s));
    otel_span_context sc;
    otel_span_get_context(s, &sc);
    ck_assert_mem_eq(sc.trace_id, psc.trace_id, 16);
    ck_assert_mem_eq(sc.span_id, psc.span_id, 8);
    ck_assert_int_eq(sc.trace_flags, OTEL_TRACE_FLAG_SAMPLED);
    ck_assert_str_eq(otel_span_get_trace_state(s, NULL), "vendor=v");
    otel_span_end(s);
    ck_assert_uint_eq(otel_exporter_in_memory_count(f.mem), 0);
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_SPANS_STARTED), 0);
    fx_close(&f);
    otel_context_release(parent);
}
END_TEST

/* ---- OTEL_TRACES_SAMPLER / _ARG, seen through what a provider samples ---- */

/* Trace ids whose low 56 bits start with this byte (the ratio's deciding bits). */
static uint8_t next_random_byte;
static void id_gen(uint8_t *out, size_t len, void *ud) {
    (void)ud;
    memset(out, 0x11, len);
    if (len == 16) out[9] = next_random_byte;
}

typedef struct sampled {
    int root_hi, root_lo;          /* roots with high / low random bits */
    int child_of_sampled_remote;   /* the parent-based cases */
    int child_of_unsampled_remote;
} sampled;

static int sampled_flag(otel_span *s) {
    otel_span_context sc;
    otel_span_get_context(s, &sc);
    int yes = (sc.trace_flags & OTEL_TRACE_FLAG_SAMPLED) != 0;
    ck_assert_int_eq(yes, otel_span_is_recording(s));
    otel_span_end(s);
    return yes;
}

static sampled sampling_of(otel_options *o) {
    if (!o) ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    otel_options_set_id_generator(o, id_gen, 1, NULL);
    otel_options_set(o, "OTEL_TRACES_EXPORTER", "none");
    otel_tracer_provider *tp;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "t", NULL, NULL);
    sampled r;
    next_random_byte = 0xF0;
    r.root_hi = sampled_flag(otel_tracer_start_span(t, "root", 0, otel_context_root()));
    next_random_byte = 0x01;
    r.root_lo = sampled_flag(otel_tracer_start_span(t, "root", 0, otel_context_root()));
    /* children inherit the parent's trace id, whose random bits (0xc3..)
     * are above half */
    otel_span_context yes = fx_sc(0xc3, 0x44, OTEL_TRACE_FLAG_SAMPLED, 1);
    otel_span_context no = fx_sc(0xc3, 0x44, 0, 1);
    otel_context *py = fx_parent(&yes, NULL), *pn = fx_parent(&no, NULL);
    r.child_of_sampled_remote = sampled_flag(otel_tracer_start_span(t, "c", 0, py));
    r.child_of_unsampled_remote = sampled_flag(otel_tracer_start_span(t, "c", 0, pn));
    otel_context_release(py);
    otel_context_release(pn);
    otel_tracer_provider_shutdown(tp, 1000);
    otel_tracer_provider_release(tp);
    return r;
}

static sampled sampling_named(const char *name, const char *arg) {
    otel_options *o = fx_opts((const char *const[]){"OTEL_TRACES_SAMPLER", name, NULL});
    if (arg) otel_options_set(o, "OTEL_TRACES_SAMPLER_ARG", arg);
    return sampling_of(o);
}

static void assert_sampled(sampled r, int hi, int lo, int cs, int cn) {
    ck_assert_int_eq(r.root_hi, hi);
    ck_assert_int_eq(r.root_lo, lo);
    ck_assert_int_eq(r.child_of_sampled_remote, cs);
    ck_assert_int_eq(r.child_of_unsampled_remote, cn);
}

START_TEST(test_traces_sampler_every_name) {
    assert_sampled(sampling_named("always_on", NULL), 1, 1, 1, 1);
    assert_sampled(sampling_named("always_off", NULL), 0, 0, 0, 0);
    /* the ratio ignores the parent's flag */
    assert_sampled(sampling_named("traceidratio", "0.5"), 0, 1, 0, 0);
    assert_sampled(sampling_named("parentbased_always_on", NULL), 1, 1, 1, 0);
    assert_sampled(sampling_named("parentbased_always_off", NULL), 0, 0, 1, 0);
    assert_sampled(sampling_named("parentbased_traceidratio", "0.5"), 0, 1, 1, 0);
    assert_sampled(sampling_named("ALWAYS_OFF", NULL), 0, 0, 0, 0); /* case-insensitive */
}
END_TEST

START_TEST(test_traces_sampler_default_is_parentbased_always_on) {
    unsetenv("OTEL_TRACES_SAMPLER");
    assert_sampled(sampling_of(NULL), 1, 1, 1, 0);
}
END_TEST

START_TEST(test_traces_sampler_from_env_unless_code_overrides) {
    setenv("OTEL_TRACES_SAMPLER", "traceidratio", 1);
    setenv("OTEL_TRACES_SAMPLER_ARG", "0", 1);
    otel_options *o;
    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    assert_sampled(sampling_of(o), 0, 0, 0, 0);
    assert_sampled(sampling_named("traceidratio", "1"), 1, 1, 1, 1); /* code's ARG wins */
    /* a sampler object wins over both */
    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    otel_sampler *on = otel_sampler_always_on();
    otel_options_set_sampler(o, on);
    otel_sampler_release(on);
    assert_sampled(sampling_of(o), 1, 1, 1, 1);
}
END_TEST

START_TEST(test_invalid_sampler_settings_fall_back_with_message) {
    fx_log_capture();
    assert_sampled(sampling_named("no_such_sampler", NULL), 1, 1, 1, 0);
    ck_assert(fx_logged("OTEL_TRACES_SAMPLER"));
    fx_log_len = 0;
    /* an invalid ratio acts as unset: 1.0 */
    assert_sampled(sampling_named("traceidratio", "1.5"), 1, 1, 1, 1);
    ck_assert(fx_logged("OTEL_TRACES_SAMPLER_ARG"));
    assert_sampled(sampling_named("traceidratio", "half"), 1, 1, 1, 1);
    assert_sampled(sampling_named("traceidratio", "-0.1"), 1, 1, 1, 1);
    assert_sampled(sampling_named("traceidratio", "nan"), 1, 1, 1, 1);
}
END_TEST

/* ---- numbers: span limits as the example ---- */

static size_t events_kept(otel_options *o, size_t n_events) {
    fx f;
    fx_open(&f, o);
    otel_span *s = otel_tracer_start_span(f.tracer, "s", 0, NULL);
    for (size_t i = 0; i < n_events; i++) otel_span_add_event(s, "e", NULL, 0);
    const otel_span_data *d = fx_end(&f, s);
    size_t kept = otel_span_data_event_count(d);
    ck_assert_uint_eq(kept + otel_span_data_dropped_events(d), n_events);
    otel_span_data_release(d);
    fx_close(&f);
    return kept;
}

static size_t events_kept_with(const char *value) {
    return events_kept(fx_opts((const char *const[]){"OTEL_SPAN_EVENT_COUNT_LIMIT", value, NULL}), 140);
}

START_TEST(test_invalid_numbers_fall_back_to_default_with_message) {
    fx_log_capture();
    ck_assert_uint_eq(events_kept_with("5"), 5);
    ck_assert_uint_eq(events_kept_with(" 6 "), 6);
    ck_assert(!fx_logged("OTEL_SPAN_EVENT_COUNT_LIMIT"));
    ck_assert_uint_eq(events_kept_with("abc"), 128);
    ck_assert(fx_logged("OTEL_SPAN_EVENT_COUNT_LIMIT"));
    ck_assert_uint_eq(events_kept_with("-1"), 128);
    ck_assert_uint_eq(events_kept_with("12x"), 128);
    ck_assert_uint_eq(events_kept_with("99999999999999999999"), 128);
}
END_TEST

START_TEST(test_limit_from_env_unless_code_overrides) {
    setenv("OTEL_SPAN_EVENT_COUNT_LIMIT", "2", 1);
    ck_assert_uint_eq(events_kept(NULL, 10), 2);
    ck_assert_uint_eq(events_kept_with("3"), 3);
    setenv("OTEL_SPAN_EVENT_COUNT_LIMIT", "", 1); /* empty: unset */
    ck_assert_uint_eq(events_kept(NULL, 140), 128);
}
END_TEST

/* ---- OTEL_TRACES_EXPORTER, when no processor is given ---- */

START_TEST(test_traces_exporter_console_prints_spans) {
    char path[] = "/tmp/otel-console-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    fflush(stdout);
    int saved = dup(1);
    dup2(fd, 1);
    setenv("OTEL_TRACES_EXPORTER", "console", 1);
    otel_options *o = fx_opts((const char *const[]){"OTEL_TRACES_SAMPLER", "always_on", NULL});
    otel_tracer_provider *tp;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "t", NULL, NULL);
    otel_span_end(otel_tracer_start_span(t, "printed-by-console", 0, NULL));
    otel_tracer_provider_shutdown(tp, 1000);
    ck_assert_uint_eq(fx_stat(tp, OTEL_STAT_SPANS_EXPORTED), 1);
    otel_tracer_provider_release(tp);
    dup2(saved, 1);
    close(saved);
    char buf[4096];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    ck_assert_ptr_nonnull(strstr(buf, "printed-by-console"));
}
END_TEST

START_TEST(test_traces_exporter_none_exports_nothing) {
    setenv("OTEL_TRACES_EXPORTER", "none", 1);
    otel_options *o = fx_opts((const char *const[]){"OTEL_TRACES_SAMPLER", "always_on", NULL});
    otel_tracer_provider *tp;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "t", NULL, NULL);
    otel_span_end(otel_tracer_start_span(t, "s", 0, NULL));
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 1000), OTEL_OK);
    ck_assert_uint_eq(fx_stat(tp, OTEL_STAT_SPANS_ENDED), 1);
    ck_assert_uint_eq(fx_stat(tp, OTEL_STAT_SPANS_EXPORTED), 0);
    ck_assert_uint_eq(fx_stat(tp, OTEL_STAT_EXPORT_BATCHES), 0);
    otel_tracer_provider_release(tp);
}
END_TEST

START_TEST(test_log_level_env_filters_messages) {
    setenv("OTEL_LOG_LEVEL", "error", 1);
    otel_set_log_handler(fx_log_sink, NULL); /* level left to the environment */
    fx_log_len = 0;
    fx_log_buf[0] = '\0';
    ck_assert_uint_eq(events_kept_with("abc"), 128); /* a warning, filtered out */
    fx_log_flush();
    ck_assert_uint_eq(fx_log_len, 0);
    otel_set_log_level(OTEL_LOG_WARN); /* code overrides the environment */
    ck_assert_uint_eq(events_kept_with("abc"), 128);
    ck_assert(fx_logged("OTEL_SPAN_EVENT_COUNT_LIMIT"));
    otel_set_log_handler(NULL, NULL);
}
END_TEST

FX_MAIN("options", NULL, NULL,
        test_options_set_rejects_unknown_names_and_null,
        test_options_get_code_over_environment,
        test_sdk_disabled_from_env_unless_code_overrides,
        test_sdk_disabled_boolean_rules,
        test_sdk_disabled_spans_still_propagate_parent,
        test_traces_sampler_every_name,
        test_traces_sampler_default_is_parentbased_always_on,
        test_traces_sampler_from_env_unless_code_overrides,
        test_invalid_sampler_settings_fall_back_with_message,
        test_invalid_numbers_fall_back_to_default_with_message,
        test_limit_from_env_unless_code_overrides,
        test_traces_exporter_console_prints_spans,
        test_traces_exporter_none_exports_nothing,
        test_log_level_env_filters_messages)
