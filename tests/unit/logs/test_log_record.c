/* The log record API: every AnyValue shape, limits, invalid UTF-8, NULL
 * handles, trace context, Enabled, scopes, the global provider, custom
 * processors that change records, and the stats. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "logs/logs_fixture.h"

static const otel_attr *body_of(lfx *f, size_t i) { return otel_log_record_body(lfx_get(f, i)); }

START_TEST(test_scalar_bodies_round_trip) {
    lfx f;
    lfx_open(&f, NULL);
    otel_attr vals[] = {OTEL_ATTR_STR("", "hello"), OTEL_ATTR_BOOL("", 1), OTEL_ATTR_I64("", -42),
                        OTEL_ATTR_F64("", 2.5)};
    for (int i = 0; i < 4; i++) {
        otel_log_record *r = otel_logger_record_new(f.lg);
        otel_log_record_set_body(r, &vals[i]);
        otel_logger_emit(f.lg, r);
    }
    uint8_t raw[] = {0, 1, 0xff, 'x'};
    otel_attr bytes = {NULL, 0, OTEL_VALUE_BYTES, 0, 0, 0.0, raw, sizeof raw};
    otel_log_record *r = otel_logger_record_new(f.lg);
    otel_log_record_set_body(r, &bytes);
    otel_logger_emit(f.lg, r);
    ck_assert_uint_eq(otel_log_exporter_in_memory_count(f.mem), 5);
    ck_assert(lfx_str_is(body_of(&f, 0), "hello"));
    ck_assert_int_eq(body_of(&f, 1)->type, OTEL_VALUE_BOOL);
    ck_assert_int_eq(body_of(&f, 1)->bool_value, 1);
    ck_assert_int_eq(body_of(&f, 2)->int_value, -42);
    ck_assert(body_of(&f, 3)->double_value == 2.5);
    const otel_attr *b = body_of(&f, 4);
    ck_assert_int_eq(b->type, OTEL_VALUE_BYTES);
    ck_assert_uint_eq(b->len, 4);
    ck_assert_int_eq(memcmp(b->ptr, raw, 4), 0);
    lfx_close(&f);
}
END_TEST

START_TEST(test_nested_maps_and_arrays_are_copied_deep) {
    lfx f;
    lfx_open(&f, NULL);
    char name[8];
    strcpy(name, "ada");
    int64_t ints[] = {1, 2, 3};
    otel_str strs[] = {{"a", 1}, {"bc", 2}};
    otel_attr inner[] = {OTEL_ATTR_STR("name", name), OTEL_ATTR_ARRAY("ids", OTEL_VALUE_INT64_ARRAY, ints, 3)};
    otel_attr mixed[] = {OTEL_ATTR_I64("", 7), OTEL_ATTR_STR("", "s"),
                         {NULL, 0, OTEL_VALUE_MAP, 0, 0, 0.0, inner, 2}};
    otel_attr top[] = {{"user", 4, OTEL_VALUE_MAP, 0, 0, 0.0, inner, 2},
                       {"mixed", 5, OTEL_VALUE_ARRAY, 0, 0, 0.0, mixed, 3},
                       OTEL_ATTR_ARRAY("tags", OTEL_VALUE_STRING_ARRAY, strs, 2)};
    otel_attr body = {NULL, 0, OTEL_VALUE_MAP, 0, 0, 0.0, top, 3};
    otel_log_record *r = otel_logger_record_new(f.lg);
    otel_log_record_set_body(r, &body);
    otel_log_record_set_attrs(r, top, 3); /* attributes take AnyValues too */
    strcpy(name, "bob");                  /* the record kept its own copy */
    ints[0] = 99;
    otel_logger_emit(f.lg, r);
    const otel_log_record *got = lfx_get(&f, 0);
    const otel_attr *m = otel_log_record_body(got);
    ck_assert_int_eq(m->type, OTEL_VALUE_MAP);
    ck_assert_uint_eq(m->len, 3);
    const otel_attr *e = m->ptr;
    ck_assert_int_eq(e[0].type, OTEL_VALUE_MAP);
    const otel_attr *u = e[0].ptr;
    ck_assert(lfx_str_is(&u[0], "ada"));
    ck_assert_int_eq(((const int64_t *)u[1].ptr)[0], 1);
    ck_assert_int_eq(e[1].type, OTEL_VALUE_ARRAY);
    ck_assert_uint_eq(e[1].len, 3);
    const otel_attr *mx = e[1].ptr;
    ck_assert_int_eq(mx[0].int_value, 7);
    ck_assert(lfx_str_is(&mx[1], "s"));
    ck_assert_int_eq(mx[2].type, OTEL_VALUE_MAP);
    ck_assert(lfx_str_is(&((const otel_attr *)mx[2].ptr)[0], "ada"));
    ck_assert_uint_eq(e[2].len, 2);
    ck_assert_uint_eq(((const otel_str *)e[2].ptr)[1].len, 2);
    const otel_attr *ua = lfx_attr(got, "user");
    ck_assert_ptr_nonnull(ua);
    ck_assert_int_eq(ua->type, OTEL_VALUE_MAP);
    lfx_close(&f);
}
END_TEST

START_TEST(test_too_deep_a_value_is_refused_and_counted) {
    lfx f;
    lfx_open(&f, NULL);
    otel_attr levels[OTEL_LOG_MAX_DEPTH + 2];
    levels[0] = OTEL_ATTR_I64("leaf", 1);
    for (int i = 1; i < OTEL_LOG_MAX_DEPTH + 2; i++)
        levels[i] = (otel_attr){"k", 1, OTEL_VALUE_MAP, 0, 0, 0.0, &levels[i - 1], 1};
    otel_log_record *r = otel_logger_record_new(f.lg);
    otel_log_record_set_body(r, &levels[OTEL_LOG_MAX_DEPTH]); /* exactly the limit: kept */
    otel_logger_emit(f.lg, r);
    ck_assert_int_eq(body_of(&f, 0)->type, OTEL_VALUE_MAP);
    ck_assert_uint_eq(lfx_stat(f.lp, OTEL_LOG_STAT_INVALID_INPUT), 0);
    r = otel_logger_record_new(f.lg);
    otel_log_record_set_body(r, &levels[OTEL_LOG_MAX_DEPTH + 1]);
    otel_logger_emit(f.lg, r);
    /* the innermost map is dropped from its parent, the rest is kept */
    ck_assert_uint_ge(lfx_stat(f.lp, OTEL_LOG_STAT_INVALID_INPUT), 1);
    lfx_close(&f);
}
END_TEST

START_TEST(test_fields_round_trip) {
    lfx f;
    lfx_open(&f, NULL);
    otel_log_record *r = otel_logger_record_new(f.lg);
    uint64_t observed = otel_log_record_observed_timestamp(r);
    ck_assert_uint_gt(observed, 0);
    otel_log_record_set_timestamp(r, 1234);
    otel_log_record_set_observed_timestamp(r, 5678);
    otel_log_record_set_severity(r, OTEL_SEVERITY_WARN + 1);
    otel_log_record_set_severity(r, 25); /* ignored, counted */
    otel_log_record_set_severity_text(r, "WARN2", 5);
    otel_log_record_set_event_name(r, "user.login", 10);
    otel_logger_emit(f.lg, r);
    const otel_log_record *g = lfx_get(&f, 0);
    ck_assert_uint_eq(otel_log_record_timestamp(g), 1234);
    ck_assert_uint_eq(otel_log_record_observed_timestamp(g), 5678);
    ck_assert_int_eq(otel_log_record_severity(g), 14);
    ck_assert_str_eq(otel_log_record_severity_text(g).ptr, "WARN2");
    ck_assert_str_eq(otel_log_record_event_name(g).ptr, "user.login");
    ck_assert_int_eq(otel_log_record_body(g)->type, OTEL_VALUE_NONE);
    ck_assert_str_eq(otel_log_record_scope_name(g), "test");
    ck_assert_str_eq(otel_log_record_scope_version(g), "1.0");
    ck_assert_ptr_eq(otel_log_record_resource(g), otel_logger_provider_resource(f.lp));
    ck_assert_uint_eq(lfx_stat(f.lp, OTEL_LOG_STAT_INVALID_INPUT), 1);
    lfx_close(&f);
}
END_TEST

START_TEST(test_attribute_limits_from_logrecord_variables) {
    lfx f;
    lfx_open(&f, fx_opts((const char *const[]){"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "2",
                                               "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "3",
                                               "OTEL_ATTRIBUTE_COUNT_LIMIT", "50", NULL}));
    otel_str arr[] = {{"abcdef", 6}};
    otel_attr a[] = {OTEL_ATTR_STR("s", "h\xc3\xa9llo"), OTEL_ATTR_ARRAY("arr", OTEL_VALUE_STRING_ARRAY, arr, 1),
                     OTEL_ATTR_I64("third", 3), OTEL_ATTR_STR("s", "xy")};
    otel_log_record *r = otel_logger_record_new(f.lg);
    otel_log_record_set_attrs(r, a, 3);
    otel_log_record_set_attrs(r, &a[3], 1); /* replacing a key is not a new one */
    otel_logger_emit(f.lg, r);
    const otel_log_record *g = lfx_get(&f, 0);
    ck_assert_uint_eq(otel_log_record_attr_count(g), 2);
    ck_assert_uint_eq(otel_log_record_dropped_attributes(g), 1);
    ck_assert(lfx_str_is(lfx_attr(g, "s"), "xy"));
    const otel_attr *ar = lfx_attr(g, "arr");
    ck_assert_uint_eq(((const otel_str *)ar->ptr)[0].len, 3);
    ck_assert_ptr_null(lfx_attr(g, "third"));
    ck_assert_uint_eq(lfx_stat(f.lp, OTEL_LOG_STAT_DROPPED_ATTRIBUTES), 1);
    ck_assert_uint_ge(lfx_stat(f.lp, OTEL_LOG_STAT_TRUNCATED_VALUES), 2);
    lfx_close(&f);
}
END_TEST

START_TEST(test_length_limit_counts_characters_not_bytes) {
    lfx f;
    lfx_open(&f, fx_opts((const char *const[]){"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "3", NULL}));
    otel_attr a[] = {OTEL_ATTR_STR("s", "h\xc3\xa9llo")};
    otel_log_record *r = otel_logger_record_new(f.lg);
    otel_log_record_set_attrs(r, a, 1);
    otel_log_record_set_body_str(r, "a long body is not cut", 22);
    otel_logger_emit(f.lg, r);
    const otel_log_record *g = lfx_get(&f, 0);
    ck_assert(lfx_str_is(lfx_attr(g, "s"), "h\xc3\xa9l"));
    ck_assert_uint_eq(otel_log_record_body(g)->len, 22);
    lfx_close(&f);
}
END_TEST

START_TEST(test_general_count_limit_applies_without_the_logrecord_one) {
    lfx f;
    lfx_open(&f, fx_opts((const char *const[]){"OTEL_ATTRIBUTE_COUNT_LIMIT", "1", NULL}));
    otel_attr a[] = {OTEL_ATTR_I64("a", 1), OTEL_ATTR_I64("b", 2)};
    otel_log_record *r = otel_logger_record_new(f.lg);
    otel_log_record_set_attrs(r, a, 2);
    otel_logger_emit(f.lg, r);
    ck_assert_uint_eq(otel_log_record_attr_count(lfx_get(&f, 0)), 1);
    ck_assert_uint_eq(otel_log_record_dropped_attributes(lfx_get(&f, 0)), 1);
    lfx_close(&f);
}
END_TEST

START_TEST(test_invalid_utf8_is_repaired_and_counted) {
    lfx f;
    lfx_open(&f, NULL);
    otel_attr a[] = {OTEL_ATTR_STR("k", "ok\xff"), {"bad\xfe", 4, OTEL_VALUE_INT64, 0, 1, 0.0, NULL, 0}};
    otel_log_record *r = otel_logger_record_new(f.lg);
    otel_log_record_set_body_str(r, "a\xc3", 2);
    otel_log_record_set_attrs(r, a, 2);
    otel_logger_emit(f.lg, r);
    const otel_log_record *g = lfx_get(&f, 0);
    ck_assert(lfx_str_is(otel_log_record_body(g), "a\xef\xbf\xbd"));
    ck_assert(lfx_str_is(lfx_attr(g, "k"), "ok\xef\xbf\xbd"));
    ck_assert_uint_eq(otel_log_record_attr_count(g), 1); /* a bad key drops the attribute */
    ck_assert_uint_eq(lfx_stat(f.lp, OTEL_LOG_STAT_INVALID_INPUT), 3);
    lfx_close(&f);
}
END_TEST

START_TEST(test_bad_values_are_ignored_and_counted) {
    lfx f;
    lfx_open(&f, NULL);
    otel_attr bad[] = {{"t", 1, 99, 0, 0, 0.0, NULL, 0},                  /* unknown type */
                       {"n", 1, OTEL_VALUE_STRING, 0, 0, 0.0, NULL, 5},   /* NULL with a length */
                       {NULL, 0, OTEL_VALUE_INT64, 0, 1, 0.0, NULL, 0},   /* no key */
                       {"m", 1, OTEL_VALUE_MAP, 0, 0, 0.0, NULL, 2}};     /* NULL entries */
    otel_log_record *r = otel_logger_record_new(f.lg);
    otel_log_record_set_attrs(r, bad, 4);
    otel_log_record_set_attrs(r, NULL, 3);
    otel_log_record_set_body(r, NULL);
    otel_log_record_set_body(r, &bad[0]);
    otel_logger_emit(f.lg, r);
    const otel_log_record *g = lfx_get(&f, 0);
    ck_assert_uint_eq(otel_log_record_attr_count(g), 0);
    ck_assert_int_eq(otel_log_record_body(g)->type, OTEL_VALUE_NONE);
    ck_assert_uint_eq(lfx_stat(f.lp, OTEL_LOG_STAT_INVALID_INPUT), 7);
    lfx_close(&f);
}
END_TEST

START_TEST(test_null_handles_never_crash) {
    otel_logger_emit(NULL, NULL);
    otel_logger_emit_str(NULL, 9, "x", NULL, 0);
    ck_assert_ptr_null(otel_logger_record_new(NULL));
    ck_assert_int_eq(otel_logger_enabled(NULL, 9, NULL, 0), 0);
    otel_log_record_set_body_str(NULL, "x", 1);
    otel_log_record_set_attrs(NULL, NULL, 0);
    otel_log_record_set_severity(NULL, 9);
    otel_log_record_set_context(NULL, NULL);
    otel_log_record_free(NULL);
    ck_assert_int_eq(otel_log_record_severity(NULL), 0);
    ck_assert_int_eq(otel_log_record_body(NULL)->type, OTEL_VALUE_NONE);
    ck_assert_ptr_null(otel_log_record_attr(NULL, 0));
    ck_assert_ptr_null(otel_logger_provider_get_logger(NULL, "x", NULL, NULL));
    ck_assert_int_eq(otel_logger_provider_shutdown(NULL, 0), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_logger_provider_force_flush(NULL, 0), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_logger_provider_new(NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_log_processor_simple_new(NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_log_processor_batch_new(NULL, NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(otel_logger_provider_get_stats(NULL, NULL, 3), 0);
    ck_assert_uint_eq(otel_log_exporter_in_memory_count(NULL), 0);
    otel_logger_provider_release(NULL);
    otel_log_processor_release(NULL);
    otel_log_exporter_release(NULL);
    char buf[512];
    ck_assert_uint_gt(otel_logger_provider_stats_json(NULL, buf, sizeof buf), 0);
    ck_assert_ptr_null(otel_log_stat_name(-1));
    ck_assert_ptr_null(otel_log_stat_name(OTEL_LOG_STAT__COUNT));
}
END_TEST

START_TEST(test_record_of_another_provider_is_dropped) {
    lfx a, b;
    lfx_open(&a, NULL);
    lfx_open(&b, NULL);
    otel_log_record *r = otel_logger_record_new(a.lg);
    otel_logger_emit(b.lg, r);
    ck_assert_uint_eq(otel_log_exporter_in_memory_count(a.mem), 0);
    ck_assert_uint_eq(otel_log_exporter_in_memory_count(b.mem), 0);
    ck_assert_uint_eq(lfx_stat(a.lp, OTEL_LOG_STAT_INVALID_INPUT), 1);
    lfx_close(&a);
    lfx_close(&b);
}
END_TEST

START_TEST(test_trace_context_from_current_and_explicit_context) {
    lfx f;
    lfx_open(&f, NULL);
    fx t;
    fx_open(&t, NULL);
    otel_span *s = otel_tracer_start_span(t.tracer, "op", OTEL_SPAN_KIND_INTERNAL, NULL);
    otel_span_context sc;
    otel_span_get_context(s, &sc);
    otel_logger_emit_str(f.lg, 9, "outside", NULL, 0);
    otel_context *ctx = otel_context_with_span(NULL, s);
    uint64_t tok = otel_context_attach(ctx);
    otel_logger_emit_str(f.lg, 9, "inside", NULL, 0);
    otel_context_detach(tok);
    otel_log_record *r = otel_logger_record_new(f.lg);
    otel_log_record_set_context(r, ctx); /* explicit, not current */
    otel_logger_emit(f.lg, r);
    otel_context_release(ctx);
    otel_span_end(s);

    otel_span_context got;
    otel_log_record_span_context(lfx_get(&f, 0), &got);
    ck_assert(!otel_span_context_is_valid(&got));
    for (int i = 1; i <= 2; i++) {
        otel_log_record_span_context(lfx_get(&f, i), &got);
        ck_assert_int_eq(memcmp(got.trace_id, sc.trace_id, 16), 0);
        ck_assert_int_eq(memcmp(got.span_id, sc.span_id, 8), 0);
        ck_assert_int_eq(got.trace_flags, sc.trace_flags);
    }
    lfx_close(&f);
    fx_close(&t);
}
END_TEST

static int warn_and_up(int severity, const char *ev, size_t ev_len, void *user_data) {
    (void)user_data;
    if (ev_len == 5 && memcmp(ev, "audit", 5) == 0) return 1;
    return severity >= OTEL_SEVERITY_WARN;
}

START_TEST(test_enabled_as_the_specification_defines_it) {
    otel_logger_provider *lp;
    ck_assert_int_eq(otel_logger_provider_new_with(&lp, NULL, NULL, 0), OTEL_OK);
    otel_logger *lg = otel_logger_provider_get_logger(lp, "x", NULL, NULL);
    ck_assert_int_eq(otel_logger_enabled(lg, 9, NULL, 0), 0); /* no processor */
    ck_assert_ptr_null(otel_logger_record_new(lg));
    otel_logger_provider_release(lp);

    otel_log_processor *p;
    ck_assert_int_eq(otel_log_processor_custom_new(&p, NULL, warn_and_up, NULL, NULL, NULL, NULL), OTEL_OK);
    ck_assert_int_eq(otel_logger_provider_new_with(&lp, NULL, &p, 1), OTEL_OK);
    otel_log_processor_release(p);
    lg = otel_logger_provider_get_logger(lp, "x", NULL, NULL);
    ck_assert_int_eq(otel_logger_enabled(lg, OTEL_SEVERITY_INFO, NULL, 0), 0);
    ck_assert_int_eq(otel_logger_enabled(lg, OTEL_SEVERITY_ERROR, NULL, 0), 1);
    ck_assert_int_eq(otel_logger_enabled(lg, OTEL_SEVERITY_DEBUG, "audit", 5), 1);
    otel_logger_provider_shutdown(lp, 1000);
    ck_assert_int_eq(otel_logger_enabled(lg, OTEL_SEVERITY_ERROR, NULL, 0), 0);
    otel_logger_provider_release(lp);

    lfx f;
    lfx_open(&f, fx_opts((const char *const[]){"OTEL_SDK_DISABLED", "true", NULL}));
    ck_assert_int_eq(otel_logger_enabled(f.lg, OTEL_SEVERITY_FATAL, NULL, 0), 0);
    otel_logger_emit_str(f.lg, 9, "x", NULL, 0);
    ck_assert_uint_eq(otel_log_exporter_in_memory_count(f.mem), 0);
    lfx_close(&f);
}
END_TEST

START_TEST(test_loggers_per_scope) {
    lfx f;
    lfx_open(&f, NULL);
    otel_attr sa[] = {OTEL_ATTR_STR("team", "core")};
    otel_logger *a = otel_logger_provider_get_logger(f.lp, "lib", "1", "https://s");
    ck_assert_ptr_eq(a, otel_logger_provider_get_logger(f.lp, "lib", "1", "https://s"));
    ck_assert_ptr_ne(a, otel_logger_provider_get_logger(f.lp, "lib", "2", "https://s"));
    otel_logger *c = otel_logger_provider_get_logger_n(f.lp, "lib", 3, "1", 1, "https://s", 9, sa, 1);
    ck_assert_ptr_ne(a, c);
    ck_assert_ptr_eq(c, otel_logger_provider_get_logger_n(f.lp, "lib", 3, "1", 1, "https://s", 9, sa, 1));
    otel_logger_emit_str(c, 9, "x", NULL, 0);
    const otel_log_record *g = lfx_get(&f, 0);
    ck_assert_str_eq(otel_log_record_scope_name(g), "lib");
    ck_assert_str_eq(otel_log_record_scope_schema_url(g), "https://s");
    ck_assert_ptr_nonnull(otel_logger_provider_get_logger(f.lp, NULL, NULL, NULL));
    lfx_close(&f);
}
END_TEST

static void redact(otel_log_record *r, void *user_data) {
    (void)user_data;
    if (lfx_attr(r, "password")) {
        otel_attr masked = OTEL_ATTR_STR("password", "***");
        otel_log_record_set_attrs(r, &masked, 1);
    }
}

START_TEST(test_custom_on_emit_changes_the_record_for_later_processors) {
    otel_log_exporter *mem;
    ck_assert_int_eq(otel_log_exporter_in_memory_new(&mem), OTEL_OK);
    otel_log_processor *ps[2];
    ck_assert_int_eq(otel_log_processor_custom_new(&ps[0], redact, NULL, NULL, NULL, NULL, NULL), OTEL_OK);
    ck_assert_int_eq(otel_log_processor_simple_new(&ps[1], mem), OTEL_OK);
    otel_logger_provider *lp;
    ck_assert_int_eq(otel_logger_provider_new_with(&lp, NULL, ps, 2), OTEL_OK);
    otel_log_processor_release(ps[0]);
    otel_log_processor_release(ps[1]);
    otel_attr a[] = {OTEL_ATTR_STR("user", "ada"), OTEL_ATTR_STR("password", "hunter2")};
    otel_logger_emit_str(otel_logger_provider_get_logger(lp, "x", NULL, NULL), 9, "login", a, 2);
    const otel_log_record *g = otel_log_exporter_in_memory_get(mem, 0);
    ck_assert_ptr_nonnull(g);
    ck_assert(lfx_str_is(lfx_attr(g, "password"), "***"));
    ck_assert(lfx_str_is(lfx_attr(g, "user"), "ada"));
    otel_logger_provider_release(lp);
    otel_log_exporter_release(mem);
}
END_TEST

START_TEST(test_global_provider_is_a_noop_until_set) {
    otel_logger_provider *g = otel_logger_provider_global();
    ck_assert_ptr_nonnull(g);
    otel_logger *lg = otel_logger_provider_get_logger(g, "x", NULL, NULL);
    ck_assert_int_eq(otel_logger_enabled(lg, 9, NULL, 0), 0);
    ck_assert_ptr_null(otel_logger_record_new(lg));
    otel_logger_emit_str(lg, 9, "nothing", NULL, 0);
    lfx f;
    lfx_open(&f, NULL);
    otel_logger_provider_set_global(f.lp);
    ck_assert_ptr_eq(otel_logger_provider_global(), f.lp);
    otel_logger_emit_str(otel_logger_provider_get_logger(otel_logger_provider_global(), "g", NULL, NULL), 9,
                         "hi", NULL, 0);
    ck_assert_uint_eq(otel_log_exporter_in_memory_count(f.mem), 1);
    otel_logger_provider_set_global(NULL);
    ck_assert_ptr_ne(otel_logger_provider_global(), f.lp);
    lfx_close(&f);
}
END_TEST

START_TEST(test_after_shutdown_records_are_dropped_and_counted) {
    lfx f;
    lfx_open(&f, NULL);
    otel_log_record *r = otel_logger_record_new(f.lg); /* made before, emitted after */
    otel_logger_emit_str(f.lg, 9, "before", NULL, 0);
    ck_assert_int_eq(otel_logger_provider_shutdown(f.lp, 1000), OTEL_OK);
    ck_assert_int_eq(otel_logger_provider_shutdown(f.lp, 1000), OTEL_ERR_SHUTDOWN);
    ck_assert_int_eq(otel_logger_provider_force_flush(f.lp, 1000), OTEL_ERR_SHUTDOWN);
    otel_logger_emit(f.lg, r);
    otel_logger_emit_str(f.lg, 9, "after", NULL, 0);
    ck_assert_uint_eq(otel_log_exporter_in_memory_count(f.mem), 1);
    ck_assert_uint_eq(lfx_stat(f.lp, OTEL_LOG_STAT_RECORDS_EMITTED), 3);
    ck_assert_uint_eq(lfx_stat(f.lp, OTEL_LOG_STAT_DROPPED_SHUTDOWN), 2);
    lfx_assert_balanced(f.lp);
    char json[1024];
    size_t n = otel_logger_provider_stats_json(f.lp, json, sizeof json);
    ck_assert_uint_lt(n, sizeof json);
    ck_assert_ptr_nonnull(strstr(json, "\"records_emitted\":3"));
    ck_assert_ptr_nonnull(strstr(json, "\"dropped_shutdown\":2"));
    ck_assert_str_eq(otel_log_stat_name(OTEL_LOG_STAT_RECORDS_EXPORTED), "records_exported");
    lfx_close(&f);
}
END_TEST

START_TEST(test_logs_exporter_from_the_environment) {
    otel_logger_provider *lp;
    otel_options *o = fx_opts((const char *const[]){"OTEL_LOGS_EXPORTER", "none", NULL});
    ck_assert_int_eq(otel_logger_provider_new(&lp, o), OTEL_OK);
    otel_options_free(o);
    ck_assert_int_eq(otel_logger_enabled(otel_logger_provider_get_logger(lp, "x", NULL, NULL), 9, NULL, 0), 0);
    otel_logger_provider_release(lp);
    o = fx_opts((const char *const[]){"OTEL_LOGS_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
                                      "http://127.0.0.1:1/v1/logs", NULL});
    ck_assert_int_eq(otel_logger_provider_new(&lp, o), OTEL_OK);
    otel_options_free(o);
    ck_assert_int_eq(otel_logger_enabled(otel_logger_provider_get_logger(lp, "x", NULL, NULL), 9, NULL, 0), 1);
    otel_logger_provider_release(lp);
    o = fx_opts((const char *const[]){"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "::not a url::", NULL});
    ck_assert_int_ne(otel_logger_provider_new(&lp, o), OTEL_OK);
    otel_options_free(o);
}
END_TEST

FX_MAIN("log_record", NULL, NULL, test_scalar_bodies_round_trip, test_nested_maps_and_arrays_are_copied_deep,
        test_too_deep_a_value_is_refused_and_counted, test_fields_round_trip,
        test_attribute_limits_from_logrecord_variables, test_length_limit_counts_characters_not_bytes,
        test_general_count_limit_applies_without_the_logrecord_one, test_invalid_utf8_is_repaired_and_counted,
        test_bad_values_are_ignored_and_counted, test_null_handles_never_crash,
        test_record_of_another_provider_is_dropped, test_trace_context_from_current_and_explicit_context,
        test_enabled_as_the_specification_defines_it, test_loggers_per_scope,
        test_custom_on_emit_changes_the_record_for_later_processors,
        test_global_provider_is_a_noop_until_set, test_after_shutdown_records_are_dropped_and_counted,
        test_logs_exporter_from_the_environment)
