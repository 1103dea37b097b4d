/* Span limits: attribute count and value length (counted in characters, cut
 * on a UTF-8 boundary), events, links, attributes per event and per link,
 * and the dropped counts recorded in the span and in the stats. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_fixture.h"

static fx f;

static void open_with(const char *const *kv) { fx_open(&f, fx_opts(kv)); }

static otel_span *start(void) { return otel_tracer_start_span(f.tracer, "limited", 0, NULL); }

START_TEST(test_attribute_count_limit_drops_new_keys) {
    open_with((const char *const[]){"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "3", NULL});
    otel_attr at_start[] = {OTEL_ATTR_I64("a", 1), OTEL_ATTR_I64("b", 2)};
    otel_span *s = otel_tracer_start_span_n(f.tracer, "s", 1, 0, NULL, at_start, 2, NULL, 0, 0);
    otel_span_set_attribute_i64(s, "c", 3);
    otel_span_set_attribute_i64(s, "d", 4); /* over: dropped */
    otel_attr bulk[] = {OTEL_ATTR_I64("e", 5), OTEL_ATTR_I64("a", 10)};
    otel_span_set_attributes(s, bulk, 2); /* e dropped; a still replaceable */
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_uint_eq(otel_span_data_attribute_count(d), 3);
    ck_assert_uint_eq(otel_span_data_dropped_attributes(d), 2);
    otel_attr a;
    ck_assert(fx_attr(d, "a", &a));
    ck_assert_int_eq(a.int_value, 10);
    ck_assert(!fx_attr(d, "d", NULL) && !fx_attr(d, "e", NULL));
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_DROPPED_ATTRIBUTES), 2);
    otel_span_data_release(d);
    fx_close(&f);
}
END_TEST

START_TEST(test_zero_count_limits_keep_nothing) {
    open_with((const char *const[]){"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "0", "OTEL_SPAN_EVENT_COUNT_LIMIT",
                                    "0", "OTEL_SPAN_LINK_COUNT_LIMIT", "0", NULL});
    otel_span *s = start();
    otel_span_set_attribute_bool(s, "k", 1);
    otel_span_add_event(s, "e", NULL, 0);
    otel_span_record_exception(s, "E", "m", NULL, NULL, 0);
    otel_span_add_link(s, s, NULL, 0);
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_uint_eq(otel_span_data_attribute_count(d), 0);
    ck_assert_uint_eq(otel_span_data_event_count(d), 0);
    ck_assert_uint_eq(otel_span_data_link_count(d), 0);
    ck_assert_uint_eq(otel_span_data_dropped_attributes(d), 1);
    ck_assert_uint_eq(otel_span_data_dropped_events(d), 2);
    ck_assert_uint_eq(otel_span_data_dropped_links(d), 1);
    otel_span_data_release(d);
    fx_close(&f);
}
END_TEST

START_TEST(test_general_attribute_count_limit_and_specific_override) {
    /* the general limit covers spans, events and links; a specific one wins */
    open_with((const char *const[]){"OTEL_ATTRIBUTE_COUNT_LIMIT", "2", "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
                                    "1", NULL});
    otel_attr three[] = {OTEL_ATTR_I64("x", 1), OTEL_ATTR_I64("y", 2), OTEL_ATTR_I64("z", 3)};
    otel_span *s = start();
    otel_span_set_attributes(s, three, 3);
    otel_span_add_event(s, "e", three, 3);
    otel_span_add_link(s, s, three, 3);
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_uint_eq(otel_span_data_attribute_count(d), 2);
    ck_assert_uint_eq(otel_span_data_dropped_attributes(d), 1);
    size_t n;
    uint32_t dropped;
    ck_assert_int_eq(otel_span_data_event(d, 0, NULL, NULL, NULL, &n, &dropped), OTEL_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(dropped, 1);
    ck_assert_int_eq(otel_span_data_link(d, 0, NULL, NULL, NULL, &n, &dropped), OTEL_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(dropped, 2);
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_DROPPED_ATTRIBUTES), 4);
    otel_span_data_release(d);
    fx_close(&f);

    open_with((const char *const[]){"OTEL_ATTRIBUTE_COUNT_LIMIT", "1", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
                                    "3", "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "3", NULL});
    s = start();
    otel_span_set_attributes(s, three, 3);
    otel_span_add_event(s, "e", three, 3);
    otel_span_add_link(s, s, three, 3);
    d = fx_end(&f, s);
    ck_assert_uint_eq(otel_span_data_attribute_count(d), 3);
    ck_assert_int_eq(otel_span_data_event(d, 0, NULL, NULL, NULL, &n, &dropped), OTEL_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(otel_span_data_link(d, 0, NULL, NULL, NULL, &n, &dropped), OTEL_OK);
    ck_assert_uint_eq(n, 1); /* links still follow the general limit */
    otel_span_data_release(d);
    fx_close(&f);
}
END_TEST

START_TEST(test_event_count_limit_keeps_the_first) {
    open_with((const char *const[]){"OTEL_SPAN_EVENT_COUNT_LIMIT", "2", NULL});
    otel_span *s = start();
    const char *names[] = {"e0", "e1", "e2", "e3"};
    for (int i = 0; i < 4; i++) otel_span_add_event(s, names[i], NULL, 0);
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_uint_eq(otel_span_data_event_count(d), 2);
    ck_assert_uint_eq(otel_span_data_dropped_events(d), 2);
    const char *name;
    ck_assert_int_eq(otel_span_data_event(d, 1, &name, NULL, NULL, NULL, NULL), OTEL_OK);
    ck_assert_str_eq(name, "e1");
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_DROPPED_EVENTS), 2);
    otel_span_data_release(d);
    fx_close(&f);
}
END_TEST

START_TEST(test_link_count_limit_counts_links_at_start) {
    open_with((const char *const[]){"OTEL_SPAN_LINK_COUNT_LIMIT", "1", NULL});
    otel_span_context sc1 = fx_sc(1, 1, 0, 1), sc2 = fx_sc(2, 2, 0, 1);
    otel_span *t1, *t2;
    otel_span_wrap(&t1, &sc1, NULL, 0);
    otel_span_wrap(&t2, &sc2, NULL, 0);
    otel_link links[] = {{t1, NULL, 0}, {t2, NULL, 0}};
    otel_span *s = otel_tracer_start_span_n(f.tracer, "s", 1, 0, NULL, NULL, 0, links, 2, 0);
    otel_span_add_link(s, t2, NULL, 0);
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_uint_eq(otel_span_data_link_count(d), 1);
    ck_assert_uint_eq(otel_span_data_dropped_links(d), 2);
    otel_span_context got;
    ck_assert_int_eq(otel_span_data_link(d, 0, &got, NULL, NULL, NULL, NULL), OTEL_OK);
    ck_assert_mem_eq(got.span_id, sc1.span_id, 8);
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_DROPPED_LINKS), 2);
    otel_span_data_release(d);
    otel_span_release(t1);
    otel_span_release(t2);
    fx_close(&f);
}
END_TEST

/* "é" and "€" are 2 and 3 bytes: the limit counts characters, and a cut
 * never splits one. */
START_TEST(test_value_length_limit_counts_characters) {
    open_with((const char *const[]){"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "3", NULL});
    otel_span *s = start();
    otel_span_set_attribute_str(s, "ascii", "abcdef");
    otel_span_set_attribute_str(s, "short", "ab");
    otel_span_set_attribute_str(s, "exact", "\xc3\xa9\xc3\xa9\xc3\xa9"); /* 3 chars, 6 bytes: kept */
    otel_span_set_attribute_str(s, "mixed", "a\xc3\xa9\xe2\x82\xac" "bc");  /* a é € b c */
    otel_span_set_attribute_str(s, "bad", "\xff\xff\xff\xff");          /* 4 x U+FFFD */
    otel_str arr[] = {{"xyzw", 4}, {"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 12}};
    otel_span_set_attribute_str_array(s, "arr", arr, 2);
    otel_span_set_attribute_i64(s, "num", 123456789); /* not a string: untouched */
    otel_attr ea = OTEL_ATTR_STR("detail", "truncated too");
    otel_span_add_event(s, "e", &ea, 1);
    otel_span_add_link(s, s, &ea, 1);
    const otel_span_data *d = fx_end(&f, s);
    fx_assert_str(d, "ascii", "abc", 3);
    fx_assert_str(d, "short", "ab", 2);
    fx_assert_str(d, "exact", "\xc3\xa9\xc3\xa9\xc3\xa9", 6);
    fx_assert_str(d, "mixed", "a\xc3\xa9\xe2\x82\xac", 6);
    fx_assert_str(d, "bad", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 9);
    otel_attr a;
    ck_assert(fx_attr(d, "arr", &a));
    const otel_str *v = a.ptr;
    ck_assert_uint_eq(v[0].len, 3);
    ck_assert_mem_eq(v[0].ptr, "xyz", 3);
    ck_assert_uint_eq(v[1].len, 9);
    ck_assert(fx_attr(d, "num", &a) && a.int_value == 123456789);
    ck_assert_int_eq(otel_span_data_event_attribute(d, 0, 0, &a), OTEL_OK);
    ck_assert_uint_eq(a.len, 3);
    ck_assert_int_eq(otel_span_data_link_attribute(d, 0, 0, &a), OTEL_OK);
    ck_assert_uint_eq(a.len, 3);
    /* ascii, mixed, bad, both array elements, event and link values */
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_TRUNCATED_VALUES), 7);
    otel_span_data_release(d);
    fx_close(&f);
}
END_TEST

START_TEST(test_span_value_length_limit_overrides_general) {
    open_with((const char *const[]){"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "2",
                                    "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "4", NULL});
    otel_span *s = start();
    otel_span_set_attribute_str(s, "k", "abcdefgh");
    const otel_span_data *d = fx_end(&f, s);
    fx_assert_str(d, "k", "abcd", 4);
    otel_span_data_release(d);
    fx_close(&f);

    open_with((const char *const[]){"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "0", NULL});
    s = start();
    otel_span_set_attribute_str(s, "k", "abc");
    d = fx_end(&f, s);
    fx_assert_str(d, "k", "", 0);
    otel_span_data_release(d);
    fx_close(&f);
}
END_TEST

START_TEST(test_default_limits) {
    unsetenv("OTEL_ATTRIBUTE_COUNT_LIMIT");
    unsetenv("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT");
    fx_open(&f, NULL);
    otel_span *s = start();
    char key[16];
    for (int i = 0; i < 130; i++) {
        snprintf(key, sizeof key, "k%d", i);
        otel_span_set_attribute_i64(s, key, i);
    }
    for (int i = 0; i < 130; i++) otel_span_add_event(s, "e", NULL, 0);
    for (int i = 0; i < 130; i++) otel_span_add_link(s, s, NULL, 0);
    static char big[100000];
    memset(big, 'x', sizeof big - 1);
    otel_span_set_attribute_str(s, "big", big); /* no length limit by default */
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_uint_eq(otel_span_data_attribute_count(d), 128);
    ck_assert_uint_eq(otel_span_data_dropped_attributes(d), 3);
    ck_assert_uint_eq(otel_span_data_event_count(d), 128);
    ck_assert_uint_eq(otel_span_data_link_count(d), 128);
    otel_span_data_release(d);

    s = start();
    otel_span_set_attribute_str(s, "big", big);
    d = fx_end(&f, s);
    otel_attr a;
    ck_assert(fx_attr(d, "big", &a));
    ck_assert_uint_eq(a.len, sizeof big - 1);
    otel_span_data_release(d);
    fx_close(&f);
}
END_TEST

FX_MAIN("limits", NULL, NULL,
        test_attribute_count_limit_drops_new_keys,
        test_zero_count_limits_keep_nothing,
        test_general_attribute_count_limit_and_specific_override,
        test_event_count_limit_keeps_the_first,
        test_link_count_limit_counts_links_at_start,
        test_value_length_limit_counts_characters,
        test_span_value_length_limit_overrides_general,
        test_default_limits)
