/* The span API, read back through the in-memory exporter: attributes of
 * every type, events, links, exceptions, status, names, parents, times,
 * calls after end, and NULL handles everywhere. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_fixture.h"

static fx f;
static void setup(void) { fx_open(&f, NULL); }
static void teardown(void) { fx_close(&f); }

static otel_span *start(const char *name) { return otel_tracer_start_span(f.tracer, name, 0, NULL); }

static otel_attr must_attr(const otel_span_data *d, const char *key, int type) {
    otel_attr a;
    ck_assert_msg(fx_attr(d, key, &a), "attribute %s missing", key);
    ck_assert_int_eq(a.type, type);
    return a;
}

static const otel_str strs[] = {{"a", 1}, {"", 0}, {"\xc3\xbc", 2}};
static const int bools[] = {1, 0, 7};
static const int64_t ints[] = {INT64_MIN, 0, INT64_MAX};
static const double dbls[] = {-1.5, 0.0, 1e300};

/* The attributes both setter styles write, checked the same way. */
static void check_every_type(const otel_span_data *d) {
    otel_attr a = must_attr(d, "s", OTEL_VALUE_STRING);
    ck_assert_uint_eq(a.len, 5);
    ck_assert_mem_eq(a.ptr, "hello", 5);
    ck_assert_int_eq(must_attr(d, "b", OTEL_VALUE_BOOL).bool_value, 1);
    ck_assert_int_eq(must_attr(d, "i", OTEL_VALUE_INT64).int_value, INT64_MIN);
    ck_assert(must_attr(d, "f", OTEL_VALUE_DOUBLE).double_value == 2.5);
    a = must_attr(d, "sa", OTEL_VALUE_STRING_ARRAY);
    ck_assert_uint_eq(a.len, 3);
    const otel_str *sv = a.ptr;
    for (size_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(sv[i].len, strs[i].len);
        ck_assert_mem_eq(sv[i].ptr, strs[i].ptr, sv[i].len);
    }
    a = must_attr(d, "ba", OTEL_VALUE_BOOL_ARRAY);
    ck_assert_uint_eq(a.len, 3);
    const int *bv = a.ptr;
    ck_assert(bv[0] == 1 && bv[1] == 0 && bv[2] == 1); /* normalised to 0/1 */
    a = must_attr(d, "ia", OTEL_VALUE_INT64_ARRAY);
    ck_assert_uint_eq(a.len, 3);
    ck_assert_mem_eq(a.ptr, ints, sizeof ints);
    a = must_attr(d, "da", OTEL_VALUE_DOUBLE_ARRAY);
    ck_assert_uint_eq(a.len, 3);
    ck_assert_mem_eq(a.ptr, dbls, sizeof dbls);
    ck_assert_uint_eq(must_attr(d, "empty", OTEL_VALUE_INT64_ARRAY).len, 0);
    ck_assert_uint_eq(otel_span_data_attribute_count(d), 9);
    ck_assert_uint_eq(otel_span_data_dropped_attributes(d), 0);
}

START_TEST(test_set_attribute_every_type_one_at_a_time) {
    otel_span *s = start("attrs");
    otel_span_set_attribute_str(s, "s", "hello");
    otel_span_set_attribute_bool(s, "b", 42);
    otel_span_set_attribute_i64(s, "i", INT64_MIN);
    otel_span_set_attribute_f64(s, "f", 2.5);
    otel_span_set_attribute_str_array(s, "sa", strs, 3);
    otel_span_set_attribute_bool_array(s, "ba", bools, 3);
    otel_span_set_attribute_i64_array(s, "ia", ints, 3);
    otel_span_set_attribute_f64_array(s, "da", dbls, 3);
    otel_span_set_attribute_i64_array(s, "empty", NULL, 0);
    const otel_span_data *d = fx_end(&f, s);
    check_every_type(d);
    otel_span_data_release(d);
}
END_TEST

START_TEST(test_set_attributes_in_bulk_and_at_start) {
    otel_attr at_start[] = {OTEL_ATTR_STR("s", "hello"), OTEL_ATTR_BOOL("b", 1),
                            OTEL_ATTR_I64("i", INT64_MIN), OTEL_ATTR_F64("f", 2.5)};
    otel_attr later[] = {
        OTEL_ATTR_ARRAY("sa", OTEL_VALUE_STRING_ARRAY, strs, 3),
        OTEL_ATTR_ARRAY("ba", OTEL_VALUE_BOOL_ARRAY, bools, 3),
        OTEL_ATTR_ARRAY("ia", OTEL_VALUE_INT64_ARRAY, ints, 3),
        OTEL_ATTR_ARRAY("da", OTEL_VALUE_DOUBLE_ARRAY, dbls, 3),
        OTEL_ATTR_ARRAY("empty", OTEL_VALUE_INT64_ARRAY, NULL, 0),
    };
    otel_span *s = otel_tracer_start_span_n(f.tracer, "bulk", 4, 0, NULL, at_start, 4, NULL, 0, 0);
    otel_span_set_attributes(s, later, 5);
    const otel_span_data *d = fx_end(&f, s);
    check_every_type(d);
    otel_span_data_release(d);
}
END_TEST

START_TEST(test_set_attribute_again_replaces_value_and_type) {
    otel_span *s = start("replace");
    otel_span_set_attribute_str(s, "k", "first");
    otel_span_set_attribute_i64(s, "k", 2);
    otel_span_set_attribute_str_n(s, "kk", 1, "second", 6); /* key "k" again */
    otel_span_set_attribute_str_n(s, "nul", 3, "a\0b", 3);  /* counted bytes, NUL kept */
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_uint_eq(otel_span_data_attribute_count(d), 2);
    fx_assert_str(d, "k", "second", 6);
    fx_assert_str(d, "nul", "a\0b", 3);
    otel_span_data_release(d);
}
END_TEST

START_TEST(test_invalid_attributes_ignored_and_counted) {
    otel_span *s = start("invalid");
    uint64_t before = fx_stat(f.tp, OTEL_STAT_INVALID_INPUT);
    otel_span_set_attribute_str(s, NULL, "v");
    otel_span_set_attribute_str(s, "", "v");
    otel_span_set_attribute_str(s, "\xff\xfe", "v"); /* key not UTF-8 */
    otel_span_set_attribute_str(s, "null-value", NULL);
    otel_span_set_attribute_i64_array(s, "null-array", NULL, 3);
    otel_attr bad_type = {"t", 1, 99, 0, 0, 0, NULL, 0};
    otel_span_set_attributes(s, &bad_type, 1);
    otel_span_set_attributes(s, NULL, 2);
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_INVALID_INPUT) - before, 7);
    /* a value that is not UTF-8 is kept, repaired with U+FFFD */
    otel_span_set_attribute_str(s, "bad-utf8", "a\xff" "b");
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_INVALID_INPUT) - before, 8);
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_uint_eq(otel_span_data_attribute_count(d), 1);
    fx_assert_str(d, "bad-utf8", "a\xef\xbf\xbd" "b", 5);
    otel_span_data_release(d);
}
END_TEST

START_TEST(test_events_with_attributes_and_times_in_order) {
    otel_span *s = start("events");
    otel_attr ea[] = {OTEL_ATTR_STR("where", "cache"), OTEL_ATTR_I64("n", 3)};
    uint64_t t0 = otel_time_now_ns();
    otel_span_add_event(s, "first", ea, 2);
    otel_span_add_event_n(s, "secondXX", 6, NULL, 0, 1234567890ull);
    otel_span_add_event(s, "third", NULL, 0);
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_uint_eq(otel_span_data_event_count(d), 3);
    const char *name;
    size_t len, n_attrs;
    uint64_t t;
    uint32_t dropped;
    ck_assert_int_eq(otel_span_data_event(d, 0, &name, &len, &t, &n_attrs, &dropped), OTEL_OK);
    ck_assert_uint_eq(len, 5);
    ck_assert_mem_eq(name, "first", 5);
    ck_assert_uint_ge(t, t0);
    ck_assert_uint_le(t, otel_time_now_ns());
    ck_assert_uint_eq(n_attrs, 2);
    ck_assert_uint_eq(dropped, 0);
    otel_attr a;
    ck_assert_int_eq(otel_span_data_event_attribute(d, 0, 1, &a), OTEL_OK);
    ck_assert_int_eq(a.int_value, 3);
    ck_assert_int_eq(otel_span_data_event_attribute(d, 0, 2, &a), OTEL_ERR_NOT_FOUND);
    ck_assert_int_eq(otel_span_data_event(d, 1, &name, &len, &t, NULL, NULL), OTEL_OK);
    ck_assert_uint_eq(len, 6);
    ck_assert_mem_eq(name, "second", 6);
    ck_assert_uint_eq(t, 1234567890ull);
    ck_assert_int_eq(otel_span_data_event(d, 2, &name, &len, NULL, NULL, NULL), OTEL_OK);
    ck_assert_mem_eq(name, "third", 5);
    ck_assert_int_eq(otel_span_data_event(d, 3, NULL, NULL, NULL, NULL, NULL), OTEL_ERR_NOT_FOUND);
    ck_assert_uint_eq(otel_span_data_dropped_events(d), 0);
    otel_span_data_release(d);
}
END_TEST

START_TEST(test_links_at_start_and_later_keep_order_and_state) {
    otel_span_context sc1 = fx_sc(0x01, 0x02, OTEL_TRACE_FLAG_SAMPLED, 1);
    otel_span_context sc2 = fx_sc(0x03, 0x04, 0, 0);
    otel_span *l1, *l2;
    ck_assert_int_eq(otel_span_wrap(&l1, &sc1, "a=1", 3), OTEL_OK);
    ck_assert_int_eq(otel_span_wrap(&l2, &sc2, NULL, 0), OTEL_OK);
    otel_attr la[] = {OTEL_ATTR_STR("why", "fan-in")};
    otel_link links[] = {{l1, la, 1}};
    otel_span *s = otel_tracer_start_span_n(f.tracer, "links", 5, 0, NULL, NULL, 0, links, 1, 0);
    uint64_t before = fx_stat(f.tp, OTEL_STAT_INVALID_INPUT);
    otel_span_add_link(s, NULL, NULL, 0); /* ignored and counted */
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_INVALID_INPUT) - before, 1);
    otel_span_add_link(s, l2, NULL, 0);
    otel_span_release(l1);
    otel_span_release(l2);
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_uint_eq(otel_span_data_link_count(d), 2);
    otel_span_context got;
    const char *ts;
    size_t ts_len, n_attrs;
    ck_assert_int_eq(otel_span_data_link(d, 0, &got, &ts, &ts_len, &n_attrs, NULL), OTEL_OK);
    ck_assert_mem_eq(got.trace_id, sc1.trace_id, 16);
    ck_assert_mem_eq(got.span_id, sc1.span_id, 8);
    ck_assert_int_eq(got.trace_flags, OTEL_TRACE_FLAG_SAMPLED);
    ck_assert_uint_eq(ts_len, 3);
    ck_assert_mem_eq(ts, "a=1", 3);
    ck_assert_uint_eq(n_attrs, 1);
    otel_attr a;
    ck_assert_int_eq(otel_span_data_link_attribute(d, 0, 0, &a), OTEL_OK);
    ck_assert_mem_eq(a.ptr, "fan-in", 6);
    ck_assert_int_eq(otel_span_data_link(d, 1, &got, &ts, &ts_len, &n_attrs, NULL), OTEL_OK);
    ck_assert_mem_eq(got.span_id, sc2.span_id, 8);
    ck_assert_uint_eq(ts_len, 0);
    ck_assert_int_eq(otel_span_data_link(d, 2, NULL, NULL, NULL, NULL, NULL), OTEL_ERR_NOT_FOUND);
    otel_span_data_release(d);
}
END_TEST

START_TEST(test_record_exception_event) {
    otel_span *s = start("exc");
    otel_attr extra[] = {OTEL_ATTR_BOOL("exception.escaped", 1)};
    otel_span_record_exception(s, "ValueError", "bad value", "at f()\nat g()", extra, 1);
    otel_span_record_exception(s, "OnlyType", NULL, "", NULL, 0); /* empty parts omitted */
    otel_span_record_exception_n(s, "T", 1, "m", 1, NULL, 0, NULL, 0, 42);
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_int_eq(otel_span_data_status_code(d), OTEL_STATUS_CODE_UNSET); /* unchanged */
    ck_assert_uint_eq(otel_span_data_event_count(d), 3);
    const char *name;
    size_t len, n;
    uint64_t t;
    ck_assert_int_eq(otel_span_data_event(d, 0, &name, &len, NULL, &n, NULL), OTEL_OK);
    ck_assert_uint_eq(len, 9);
    ck_assert_mem_eq(name, "exception", 9);
    ck_assert_uint_eq(n, 4);
    const char *want[][2] = {{"exception.type", "ValueError"},
                             {"exception.message", "bad value"},
                             {"exception.stacktrace", "at f()\nat g()"}};
    for (size_t i = 0; i < 3; i++) {
        otel_attr a;
        ck_assert_int_eq(otel_span_data_event_attribute(d, 0, i, &a), OTEL_OK);
        ck_assert_uint_eq(a.key_len, strlen(want[i][0]));
        ck_assert_mem_eq(a.key, want[i][0], a.key_len);
        ck_assert_uint_eq(a.len, strlen(want[i][1]));
        ck_assert_mem_eq(a.ptr, want[i][1], a.len);
    }
    otel_attr a;
    ck_assert_int_eq(otel_span_data_event_attribute(d, 0, 3, &a), OTEL_OK);
    ck_assert_int_eq(a.type, OTEL_VALUE_BOOL);
    ck_assert_int_eq(otel_span_data_event(d, 1, NULL, NULL, NULL, &n, NULL), OTEL_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(otel_span_data_event(d, 2, NULL, NULL, &t, &n, NULL), OTEL_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(t, 42);
    otel_span_data_release(d);
}
END_TEST

static const otel_span_data *status_after(void (*steps)(otel_span *)) {
    otel_span *s = start("status");
    steps(s);
    return fx_end(&f, s);
}

static void error_then_ok_then_error(otel_span *s) {
    otel_span_set_status(s, OTEL_STATUS_CODE_ERROR, "boom");
    otel_span_set_status(s, OTEL_STATUS_CODE_OK, "ignored description");
    otel_span_set_status(s, OTEL_STATUS_CODE_ERROR, "too late");
}
static void error_then_unset(otel_span *s) {
    otel_span_set_status_n(s, OTEL_STATUS_CODE_ERROR, "boomXX", 4);
    otel_span_set_status(s, OTEL_STATUS_CODE_UNSET, "x");
    otel_span_set_status(s, 7, "x"); /* unknown code: ignored */
}
static void error_twice(otel_span *s) {
    otel_span_set_status(s, OTEL_STATUS_CODE_ERROR, "first");
    otel_span_set_status(s, OTEL_STATUS_CODE_ERROR, NULL);
}

START_TEST(test_status_ok_is_final_and_description_only_for_error) {
    size_t len;
    const otel_span_data *d = status_after(error_then_ok_then_error);
    ck_assert_int_eq(otel_span_data_status_code(d), OTEL_STATUS_CODE_OK);
    ck_assert_str_eq(otel_span_data_status_message(d, &len), "");
    ck_assert_uint_eq(len, 0);
    otel_span_data_release(d);

    uint64_t before = fx_stat(f.tp, OTEL_STAT_INVALID_INPUT);
    d = status_after(error_then_unset);
    ck_assert_int_eq(otel_span_data_status_code(d), OTEL_STATUS_CODE_ERROR);
    ck_assert_str_eq(otel_span_data_status_message(d, &len), "boom");
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_INVALID_INPUT) - before, 1);
    otel_span_data_release(d);

    d = status_after(error_twice); /* the latest ERROR replaces the description */
    ck_assert_int_eq(otel_span_data_status_code(d), OTEL_STATUS_CODE_ERROR);
    ck_assert_str_eq(otel_span_data_status_message(d, NULL), "");
    otel_span_data_release(d);
}
END_TEST

START_TEST(test_update_name) {
    otel_span *s = start("old");
    uint64_t before = fx_stat(f.tp, OTEL_STAT_INVALID_INPUT);
    otel_span_update_name(s, "new name");
    otel_span_update_name(s, "");   /* ignored */
    otel_span_update_name(s, NULL); /* ignored */
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_INVALID_INPUT) - before, 2);
    otel_span_update_name_n(s, "final!!", 5);
    const otel_span_data *d = fx_end(&f, s);
    size_t len;
    const char *n = otel_span_data_name(d, &len);
    ck_assert_uint_eq(len, 5);
    ck_assert_mem_eq(n, "final", 5);
    otel_span_data_release(d);
}
END_TEST

START_TEST(test_kind_times_and_is_recording) {
    otel_span *s = otel_tracer_start_span_n(f.tracer, "timed", 5, OTEL_SPAN_KIND_CONSUMER, NULL,
                                            NULL, 0, NULL, 0, 1000);
    ck_assert(otel_span_is_recording(s));
    otel_span_retain(s);
    const otel_span_data *d = fx_end(&f, s);
    ck_assert(!otel_span_is_recording(s)); /* false after end */
    otel_span_release(s);
    ck_assert_int_eq(otel_span_data_kind(d), OTEL_SPAN_KIND_CONSUMER);
    ck_assert_uint_eq(otel_span_data_start_time(d), 1000);
    ck_assert_uint_ge(otel_span_data_end_time(d), 1000);
    otel_span_data_release(d);

    s = otel_tracer_start_span_n(f.tracer, "at", 2, 99, NULL, NULL, 0, NULL, 0, 5000);
    size_t n = otel_exporter_in_memory_count(f.mem);
    otel_span_end_at(s, 7000);
    d = fx_get(&f, n);
    ck_assert_int_eq(otel_span_data_kind(d), OTEL_SPAN_KIND_INTERNAL); /* unknown kind */
    ck_assert_uint_eq(otel_span_data_end_time(d), 7000);
    otel_span_data_release(d);

    s = otel_tracer_start_span_n(f.tracer, "backwards", 9, 0, NULL, NULL, 0, NULL, 0, 5000);
    otel_span_end_at(s, 10); /* before the start: clamped */
    d = fx_get(&f, n + 1);
    ck_assert_uint_eq(otel_span_data_end_time(d), 5000);
    otel_span_data_release(d);
}
END_TEST

START_TEST(test_span_context_and_parents) {
    otel_span *root = otel_tracer_start_span(f.tracer, "root", OTEL_SPAN_KIND_SERVER, NULL);
    otel_span_context rsc;
    otel_span_get_context(root, &rsc);
    ck_assert(otel_span_context_is_valid(&rsc));
    ck_assert_int_eq(rsc.is_remote, 0);
    ck_assert_int_eq(rsc.trace_flags, OTEL_TRACE_FLAG_SAMPLED | OTEL_TRACE_FLAG_RANDOM);

    /* explicit parent */
    otel_context *ctx = otel_context_with_span(otel_context_root(), root);
    otel_span *child = otel_tracer_start_span(f.tracer, "child", 0, ctx);
    /* current parent */
    uint64_t tok = otel_context_attach(ctx);
    otel_span *implicit = otel_tracer_start_span(f.tracer, "implicit", 0, NULL);
    otel_span *fresh = otel_tracer_start_span(f.tracer, "fresh", 0, otel_context_root());
    ck_assert_int_eq(otel_context_detach(tok), OTEL_OK);
    otel_context_release(ctx);

    otel_span *spans[] = {child, implicit};
    for (size_t i = 0; i < 2; i++) {
        const otel_span_data *d = fx_end(&f, spans[i]);
        otel_span_context sc;
        otel_span_data_context(d, &sc);
        ck_assert_mem_eq(sc.trace_id, rsc.trace_id, 16);
        ck_assert_mem_ne(sc.span_id, rsc.span_id, 8);
        uint8_t pid[8];
        ck_assert_int_eq(otel_span_data_parent_span_id(d, pid), 1);
        ck_assert_mem_eq(pid, rsc.span_id, 8);
        ck_assert_int_eq(otel_span_data_parent_is_remote(d), 0);
        otel_span_data_release(d);
    }
    const otel_span_data *d = fx_end(&f, fresh);
    otel_span_context sc;
    otel_span_data_context(d, &sc);
    ck_assert_mem_ne(sc.trace_id, rsc.trace_id, 16);
    uint8_t pid[8] = {1};
    ck_assert_int_eq(otel_span_data_parent_span_id(d, pid), 0);
    ck_assert_mem_eq(pid, "\0\0\0\0\0\0\0\0", 8);
    otel_span_data_release(d);
    otel_span_end(root);
}
END_TEST

START_TEST(test_remote_parent_trace_state_and_flags) {
    otel_span_context psc = fx_sc(0x5a, 0x6b, OTEL_TRACE_FLAG_SAMPLED, 1); /* no random flag */
    otel_context *p = fx_parent(&psc, "congo=t61rcWkgMzE");
    otel_span *s = otel_tracer_start_span(f.tracer, "server", OTEL_SPAN_KIND_SERVER, p);
    otel_context_release(p);
    size_t len;
    ck_assert_str_eq(otel_span_get_trace_state(s, &len), "congo=t61rcWkgMzE");
    const otel_span_data *d = fx_end(&f, s);
    otel_span_context sc;
    otel_span_data_context(d, &sc);
    ck_assert_mem_eq(sc.trace_id, psc.trace_id, 16);
    ck_assert_int_eq(sc.trace_flags, OTEL_TRACE_FLAG_SAMPLED); /* random flag comes from the parent */
    ck_assert_int_eq(otel_span_data_parent_is_remote(d), 1);
    ck_assert_str_eq(otel_span_data_trace_state(d, NULL), "congo=t61rcWkgMzE");
    otel_span_data_release(d);
}
END_TEST

START_TEST(test_calls_after_end_are_ignored) {
    otel_span *s = start("ended");
    otel_span_set_attribute_i64(s, "before", 1);
    otel_span_retain(s); /* keep the handle past its end */
    otel_span_end_at(s, 0);
    ck_assert_uint_eq(otel_exporter_in_memory_count(f.mem), 1);
    const otel_span_data *d = fx_get(&f, 0);
    uint64_t end = otel_span_data_end_time(d);
    uint64_t before = fx_stat(f.tp, OTEL_STAT_INVALID_INPUT);
    otel_span_set_attribute_i64(s, "after", 2);
    otel_attr a = OTEL_ATTR_I64("bulk", 3);
    otel_span_set_attributes(s, &a, 1);
    otel_span_add_event(s, "late", NULL, 0);
    otel_span_add_link(s, s, NULL, 0);
    otel_span_record_exception(s, "E", "m", NULL, NULL, 0);
    otel_span_set_status(s, OTEL_STATUS_CODE_ERROR, "late");
    otel_span_update_name(s, "renamed");
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_INVALID_INPUT) - before, 7);
    otel_span_end_at(s, end + 1000000); /* a second end: ignored, releases our reference */
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_INVALID_INPUT) - before, 8);
    ck_assert_uint_eq(otel_exporter_in_memory_count(f.mem), 1); /* exported once */
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_SPANS_ENDED), 1);
    ck_assert_uint_eq(otel_span_data_attribute_count(d), 1);
    ck_assert_uint_eq(otel_span_data_event_count(d), 0);
    ck_assert_uint_eq(otel_span_data_link_count(d), 0);
    ck_assert_int_eq(otel_span_data_status_code(d), OTEL_STATUS_CODE_UNSET);
    ck_assert_str_eq(otel_span_data_name(d, NULL), "ended");
    ck_assert_uint_eq(otel_span_data_end_time(d), end);
    otel_span_data_release(d);
}
END_TEST

START_TEST(test_unsampled_span_has_valid_context_and_records_nothing) {
    fx g;
    fx_open(&g, fx_opts((const char *const[]){"OTEL_TRACES_SAMPLER", "always_off", NULL}));
    otel_span *s = otel_tracer_start_span(g.tracer, "dropped", 0, NULL);
    ck_assert(!otel_span_is_recording(s));
    otel_span_context sc;
    otel_span_get_context(s, &sc);
    ck_assert(otel_span_context_is_valid(&sc));
    ck_assert_int_eq(sc.trace_flags, OTEL_TRACE_FLAG_RANDOM);
    otel_span_set_attribute_str(s, "k", "v"); /* ignored, not counted: not recording */
    otel_span_add_event(s, "e", NULL, 0);
    otel_span_end(s);
    ck_assert_uint_eq(otel_exporter_in_memory_count(g.mem), 0);
    ck_assert_uint_eq(fx_stat(g.tp, OTEL_STAT_SPANS_STARTED), 1);
    ck_assert_uint_eq(fx_stat(g.tp, OTEL_STAT_SPANS_NOT_SAMPLED), 1);
    ck_assert_uint_eq(fx_stat(g.tp, OTEL_STAT_SPANS_ENDED), 0);
    fx_close(&g);
}
END_TEST

START_TEST(test_scope_of_spans) {
    otel_attr sa[] = {OTEL_ATTR_STR("lib.kind", "db")};
    otel_tracer *t = otel_tracer_provider_get_tracer_n(f.tp, "lib", 3, "2.0", 3, "https://s/2", 11, sa, 1);
    ck_assert_ptr_eq(otel_tracer_provider_get_tracer_n(f.tp, "lib", 3, "2.0", 3, "https://s/2", 11, sa, 1), t);
    /* the scope as stored decides: a repeated key or an invalid attribute
     * does not make a new tracer on every call */
    otel_attr twice[] = {OTEL_ATTR_STR("lib.kind", "x"), OTEL_ATTR_STR("lib.kind", "db"),
                         {NULL, 0, OTEL_VALUE_INT64, 0, 1, 0, NULL, 0}};
    ck_assert_ptr_eq(otel_tracer_provider_get_tracer_n(f.tp, "lib", 3, "2.0", 3, "https://s/2", 11, twice, 3), t);
    ck_assert_ptr_ne(otel_tracer_provider_get_tracer(f.tp, "lib", "2.0", "https://s/2"), t);
    ck_assert_ptr_ne(otel_tracer_provider_get_tracer(f.tp, "lib", "3.0", NULL), t);
    ck_assert_ptr_nonnull(otel_tracer_provider_get_tracer(f.tp, NULL, NULL, NULL)); /* working, empty name */
    const otel_span_data *d = fx_end(&f, otel_tracer_start_span(t, "q", 0, NULL));
    const otel_scope *sc = otel_span_data_scope(d);
    ck_assert_str_eq(otel_scope_name(sc, NULL), "lib");
    ck_assert_str_eq(otel_scope_version(sc, NULL), "2.0");
    ck_assert_str_eq(otel_scope_schema_url(sc, NULL), "https://s/2");
    ck_assert_uint_eq(otel_scope_attribute_count(sc), 1);
    otel_attr a;
    ck_assert_int_eq(otel_scope_attribute(sc, 0, &a), OTEL_OK);
    ck_assert_mem_eq(a.ptr, "db", 2);
    otel_span_data_release(d);
}
END_TEST

START_TEST(test_invalid_utf8_and_empty_span_names) {
    uint64_t before = fx_stat(f.tp, OTEL_STAT_INVALID_INPUT);
    const otel_span_data *d = fx_end(&f, otel_tracer_start_span(f.tracer, "ok\xff" "rest", 0, NULL));
    ck_assert_str_eq(otel_span_data_name(d, NULL), "ok"); /* cut before the bad byte */
    otel_span_data_release(d);
    d = fx_end(&f, otel_tracer_start_span(f.tracer, "", 0, NULL));
    ck_assert_str_eq(otel_span_data_name(d, NULL), "");
    otel_span_data_release(d);
    d = fx_end(&f, otel_tracer_start_span(f.tracer, NULL, 0, NULL));
    otel_span_data_release(d);
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_INVALID_INPUT) - before, 2);
}
END_TEST

START_TEST(test_null_handles_never_crash) {
    otel_span_context sc;
    memset(&sc, 0xff, sizeof sc);
    otel_span_get_context(NULL, &sc);
    ck_assert(!otel_span_context_is_valid(&sc));
    ck_assert(!otel_span_context_is_valid(NULL));
    otel_span_get_context(NULL, NULL);
    otel_span_set_attribute_str(NULL, "k", "v");
    otel_span_set_attribute_str_n(NULL, "k", 1, "v", 1);
    otel_span_set_attribute_bool(NULL, "k", 1);
    otel_span_set_attribute_i64(NULL, "k", 1);
    otel_span_set_attribute_f64(NULL, "k", 1);
    otel_span_set_attribute_str_array(NULL, "k", strs, 3);
    otel_span_set_attribute_bool_array(NULL, "k", bools, 3);
    otel_span_set_attribute_i64_array(NULL, "k", ints, 3);
    otel_span_set_attribute_f64_array(NULL, "k", dbls, 3);
    otel_span_set_attributes(NULL, NULL, 3);
    otel_span_add_event(NULL, "e", NULL, 0);
    otel_span_add_event_n(NULL, "e", 1, NULL, 0, 0);
    otel_span_add_link(NULL, NULL, NULL, 0);
    otel_span_record_exception(NULL, "t", "m", "s", NULL, 0);
    otel_span_record_exception_n(NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0, 0);
    otel_span_set_status(NULL, OTEL_STATUS_CODE_ERROR, "x");
    otel_span_set_status_n(NULL, OTEL_STATUS_CODE_OK, NULL, 0);
    otel_span_update_name(NULL, "n");
    otel_span_update_name_n(NULL, NULL, 0);
    ck_assert(!otel_span_is_recording(NULL));
    ck_assert_str_eq(otel_span_get_trace_state(NULL, NULL), "");
    ck_assert_ptr_null(otel_span_retain(NULL));
    otel_span_release(NULL);
    otel_span_end(NULL);
    otel_span_end_at(NULL, 5);
    ck_assert_int_eq(otel_span_wrap(NULL, &sc, NULL, 0), OTEL_ERR_INVALID_ARGUMENT);
    otel_span *w = NULL;
    ck_assert_int_eq(otel_span_wrap(&w, NULL, NULL, 0), OTEL_ERR_INVALID_ARGUMENT);

    /* a NULL tracer gives a working no-op span */
    otel_span *s = otel_tracer_start_span(NULL, "x", 0, NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert(!otel_span_is_recording(s));
    otel_span_set_attribute_str(s, "k", "v");
    otel_span_add_event(s, "e", NULL, 0);
    otel_span_end(s);
    s = otel_tracer_start_span_n(NULL, NULL, 5, 0, NULL, NULL, 3, NULL, 2, 0);
    otel_span_end_at(s, 0);
    ck_assert(!otel_tracer_enabled(NULL));

    /* span data accessors */
    ck_assert_str_eq(otel_span_data_name(NULL, NULL), "");
    otel_span_data_context(NULL, &sc);
    ck_assert_int_eq(otel_span_data_parent_span_id(NULL, NULL), 0);
    ck_assert_int_eq(otel_span_data_parent_is_remote(NULL), 0);
    ck_assert_str_eq(otel_span_data_trace_state(NULL, NULL), "");
    ck_assert_uint_eq(otel_span_data_start_time(NULL) + otel_span_data_end_time(NULL), 0);
    ck_assert_int_eq(otel_span_data_status_code(NULL), 0);
    ck_assert_str_eq(otel_span_data_status_message(NULL, NULL), "");
    ck_assert_uint_eq(otel_span_data_attribute_count(NULL), 0);
    otel_attr a;
    ck_assert_int_eq(otel_span_data_attribute(NULL, 0, &a), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_span_data_event(NULL, 0, NULL, NULL, NULL, NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_span_data_event_attribute(NULL, 0, 0, &a), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_span_data_link(NULL, 0, NULL, NULL, NULL, NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_span_data_link_attribute(NULL, 0, 0, &a), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(otel_span_data_dropped_attributes(NULL) + otel_span_data_dropped_events(NULL) +
                          otel_span_data_dropped_links(NULL),
                      0);
    ck_assert_uint_eq(otel_span_data_event_count(NULL) + otel_span_data_link_count(NULL), 0);
    ck_assert_ptr_null(otel_span_data_resource(NULL));
    ck_assert_ptr_null(otel_span_data_scope(NULL));
    ck_assert_ptr_null(otel_span_data_retain(NULL));
    otel_span_data_release(NULL);

    /* provider, tracer, exporter, processor, sampler */
    ck_assert_int_eq(otel_tracer_provider_new(NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(otel_tracer_provider_get_tracer(NULL, "t", NULL, NULL));
    ck_assert_int_eq(otel_tracer_provider_force_flush(NULL, 10), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_tracer_provider_shutdown(NULL, 10), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(otel_tracer_provider_retain(NULL));
    otel_tracer_provider_release(NULL);
    ck_assert_ptr_null(otel_tracer_provider_resource(NULL));
    uint64_t v[4];
    ck_assert_uint_eq(otel_tracer_provider_get_stats(NULL, v, 4), 0);
    char buf[8] = "x";
    ck_assert_uint_eq(otel_tracer_provider_last_error(NULL, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "");
    ck_assert_ptr_null(otel_stat_name(-1));
    ck_assert_ptr_null(otel_stat_name(OTEL_STAT__COUNT));
    ck_assert_int_eq(otel_exporter_custom_new(NULL, NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_exporter_set_force_flush_fn(NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_exporter_set_shutdown_fn(f.mem, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(otel_exporter_in_memory_count(NULL), 0);
    ck_assert_ptr_null(otel_exporter_in_memory_get(NULL, 0));
    ck_assert_ptr_null(otel_exporter_in_memory_get(f.mem, 99));
    otel_exporter_in_memory_reset(NULL);
    otel_exporter_release(NULL);
    ck_assert_int_eq(otel_processor_simple_new(NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_processor_batch_new(NULL, NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_processor_set_free_fn(NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    otel_processor_release(NULL);
    ck_assert_int_eq(otel_sampler_should_sample(NULL, NULL, NULL, "n", 0), OTEL_SAMPLING_DROP);
    ck_assert_str_eq(otel_sampler_description(NULL), "");
    otel_sampler_release(NULL);
}
END_TEST

START_TEST(test_in_memory_exporter_reset) {
    otel_span_end(start("one"));
    otel_span_end(start("two"));
    ck_assert_uint_eq(otel_exporter_in_memory_count(f.mem), 2);
    const otel_span_data *kept = fx_get(&f, 1);
    otel_exporter_in_memory_reset(f.mem);
    ck_assert_uint_eq(otel_exporter_in_memory_count(f.mem), 0);
    ck_assert_str_eq(otel_span_data_name(kept, NULL), "two"); /* our reference outlives the reset */
    otel_span_data_release(kept);
}
END_TEST

FX_MAIN("span", setup, teardown,
        test_set_attribute_every_type_one_at_a_time,
        test_set_attributes_in_bulk_and_at_start,
        test_set_attribute_again_replaces_value_and_type,
        test_invalid_attributes_ignored_and_counted,
        test_events_with_attributes_and_times_in_order,
        test_links_at_start_and_later_keep_order_and_state,
        test_record_exception_event,
        test_status_ok_is_final_and_description_only_for_error,
        test_update_name,
        test_kind_times_and_is_recording,
        test_span_context_and_parents,
        test_remote_parent_trace_state_and_flags,
        test_calls_after_end_are_ignored,
        test_unsampled_span_has_valid_context_and_records_nothing,
        test_scope_of_spans,
        test_invalid_utf8_and_empty_span_names,
        test_null_handles_never_crash,
        test_in_memory_exporter_reset)
