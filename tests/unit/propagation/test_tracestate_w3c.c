/* The W3C Trace Context tracestate rules, as the W3C test suite checks them
 * at its strictest level (STRICT_LEVEL 2), through real extraction: key and
 * value grammar (multi-tenant keys too), length limits, 32 members, repeated
 * keys, OWS, empty members and headers, several headers joined in order.
 * A list with an invalid member or more than 32 members is discarded whole;
 * the traceparent is kept either way. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_fixture.h"

#define TP "00-12345678901234567890123456789012-1234567890123456-00"

static char ts[OTEL_TRACESTATE_MAX + 1];

/* Extracts from a traceparent plus `n` tracestate headers (named `name`);
 * leaves the tracestate in `ts` and checks the parent survived. */
static const char *extract_named(const char *name, const char *const *values, size_t n) {
    otel_headers *h;
    ck_assert_int_eq(otel_headers_new(&h), OTEL_OK);
    ck_assert_int_eq(otel_headers_add(h, "traceparent", TP), OTEL_OK);
    for (size_t i = 0; i < n; i++) ck_assert_int_eq(otel_headers_add(h, name, values[i]), OTEL_OK);
    otel_context *ctx = otel_propagator_extract_headers(otel_propagator_tracecontext(), otel_context_root(), h);
    otel_span *s = otel_context_get_span(ctx);
    otel_span_context sc;
    otel_span_get_context(s, &sc);
    ck_assert_msg(otel_span_context_is_valid(&sc), "the traceparent was lost");
    ck_assert_uint_eq(sc.trace_id[0], 0x12);
    size_t len = 0;
    const char *got = otel_span_get_trace_state(s, &len);
    ck_assert_uint_lt(len, sizeof ts);
    memcpy(ts, got ? got : "", len);
    ts[len] = '\0';
    otel_context_release(ctx);
    otel_headers_free(h);
    return ts;
}

static const char *extract1(const char *value) { return extract_named("tracestate", &value, 1); }

#define EXTRACT(...)                                                                          \
    extract_named("tracestate", (const char *const[]){__VA_ARGS__},                           \
                  sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

/* `member` next to a valid one: kept (both are), or the list discarded. */
static void assert_member_kept(const char *member) {
    char in[1100], want[1100];
    snprintf(in, sizeof in, "ok=1,%s", member);
    snprintf(want, sizeof want, "ok=1,%s", member);
    ck_assert_msg(strcmp(extract1(in), want) == 0, "'%s' gave '%s'", member, ts);
}
static void assert_list_discarded(const char *member) {
    char in[1100];
    snprintf(in, sizeof in, "ok=1,%s,after=2", member);
    ck_assert_msg(strcmp(extract1(in), "") == 0, "'%s' kept: '%s'", member, ts);
}

START_TEST(test_key_grammar_simple_and_multi_tenant) {
    assert_member_kept("abcdefghijklmnopqrstuvwxyz0123456789_-*/=1");
    assert_member_kept("0digit-first=1");
    assert_member_kept("tenant@system=1");
    assert_member_kept("7tenant@vendor-x=1");
    /* Level 2: '@' is a key character after the first */
    assert_member_kept("foo@=1");
    assert_member_kept("foo@@bar=1");
    assert_member_kept("foo@bar@baz=1");
    const char *bad[] = {"FOO=1", "fOo=1", "foo.bar=1", "foo =1", "@foo=1", "_foo=1", "-foo=1",
                         "*foo=1", "/foo=1", "=1", "caf\xc3\xa9=1", "foo\tbar=1", "foo!=1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_list_discarded(bad[i]);
}
END_TEST

START_TEST(test_key_length_limit_256) {
    char m[600], want[700];
    memset(m, 'z', 256);
    strcpy(m + 256, "=1");
    snprintf(want, sizeof want, "foo=1,%s", m);
    ck_assert_str_eq(EXTRACT("foo=1", m), want);
    memset(m, 'z', 257);
    strcpy(m + 257, "=1");
    ck_assert_str_eq(EXTRACT("foo=1", m), "");
    /* tenant@system within 256: Level 2 no longer splits 241 + 14 */
    memset(m, 't', 241);
    m[241] = '@';
    memset(m + 242, 'v', 14);
    strcpy(m + 256, "=1");
    assert_member_kept(m);
    memset(m, 't', 242);
    strcpy(m + 242, "@v=1");
    assert_member_kept(m);
    strcpy(m, "t@");
    memset(m + 2, 'v', 15);
    strcpy(m + 17, "=1");
    assert_member_kept(m);
}
END_TEST

START_TEST(test_value_grammar_and_length_limit) {
    char all[200], m[600];
    size_t n = 0;
    for (int c = 0x20; c <= 0x7e; c++)
        if (c != ',' && c != '=') all[n++] = (char)c;
    all[n] = '\0';
    snprintf(m, sizeof m, "key=%s", all);
    assert_member_kept(m);
    ck_assert_str_eq(extract1("foo= 1"), "foo= 1"); /* leading spaces belong to the value */
    memset(m, 0, sizeof m);
    strcpy(m, "k=");
    memset(m + 2, 'v', 256);
    assert_member_kept(m);
    m[2 + 256] = 'v';
    assert_list_discarded(m);
    const char *bad[] = {"foo=bar=baz", "foo=", "foo", "foo=a\tb", "foo=\x7f", "foo=caf\xc3\xa9",
                         "foo=\x01"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_list_discarded(bad[i]);
    ck_assert_str_eq(extract1("foo=,bar=3"), "");
}
END_TEST

static void members(char *out, int from, int to) {
    out[0] = '\0';
    for (int i = from; i <= to; i++) sprintf(out + strlen(out), "%sbar%02d=%02d", i > from ? "," : "", i, i);
}

START_TEST(test_32_members_kept_33_discarded) {
    char a[200], b[200], c[200], d[200];
    members(a, 1, 10);
    members(b, 11, 20);
    members(c, 21, 30);
    members(d, 31, 32);
    const char *got = EXTRACT(a, b, c, d);
    int commas = 0;
    for (const char *p = got; *p; p++) commas += *p == ',';
    ck_assert_int_eq(commas, 31);
    ck_assert(strncmp(got, "bar01=01,", 9) == 0);
    ck_assert_ptr_nonnull(strstr(got, "bar32=32"));
    members(d, 31, 33);
    ck_assert_str_eq(EXTRACT(a, b, c, d), "");
    /* empty members are not members: 32 with empty ones between still pass */
    members(d, 31, 32);
    strcat(d, ",, ,");
    ck_assert_ptr_nonnull(strstr(EXTRACT(a, ",,", b, c, d), "bar32=32"));
}
END_TEST

START_TEST(test_repeated_keys_keep_the_first) {
    ck_assert_str_eq(extract1("foo=1,foo=1"), "foo=1");
    ck_assert_str_eq(extract1("foo=1,foo=2"), "foo=1");
    ck_assert_str_eq(extract1("foo=1,bar=2,foo=3"), "foo=1,bar=2");
    ck_assert_str_eq(EXTRACT("foo=1", "foo=2"), "foo=1");
}
END_TEST

START_TEST(test_ows_around_members_is_dropped) {
    ck_assert_str_eq(extract1("foo=1 \t , \t bar=2, \t baz=3"), "foo=1,bar=2,baz=3");
    ck_assert_str_eq(extract1("foo=1\t \t,\t \tbar=2,\t \tbaz=3"), "foo=1,bar=2,baz=3");
    const char *one[] = {" foo=1", "\tfoo=1", "foo=1 ", "foo=1\t", "\t foo=1 \t"};
    for (size_t i = 0; i < sizeof one / sizeof *one; i++)
        ck_assert_msg(strcmp(extract1(one[i]), "foo=1") == 0, "'%s' gave '%s'", one[i], ts);
}
END_TEST

START_TEST(test_empty_members_and_headers_are_skipped) {
    ck_assert_str_eq(extract1("a=1,,b=2"), "a=1,b=2");
    ck_assert_str_eq(extract1(",a=1,"), "a=1");
    ck_assert_str_eq(extract1(" , ,\t,"), "");
    ck_assert_str_eq(extract1(""), "");
    ck_assert_str_eq(EXTRACT("foo=1", ""), "foo=1");
    ck_assert_str_eq(EXTRACT("", "foo=1"), "foo=1");
    char out[64];
    size_t len = 9;
    ck_assert_int_eq(otel_tracestate_parse(" , ", 3, out, sizeof out, &len), OTEL_OK);
    ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(test_several_headers_join_in_order) {
    ck_assert_str_eq(EXTRACT("foo=1,bar=2", "rojo=1,congo=2", "baz=3"), "foo=1,bar=2,rojo=1,congo=2,baz=3");
    /* an invalid member in any one of them discards the joined list */
    char big[300];
    memset(big, 'z', 257);
    strcpy(big + 257, "=1");
    ck_assert_str_eq(EXTRACT("foo=1", big), "");
    ck_assert_str_eq(EXTRACT("FOO=1", "foo=1"), "");
}
END_TEST

START_TEST(test_header_name_any_case_other_names_ignored) {
    const char *v = "foo=1";
    ck_assert_str_eq(extract_named("TrAcEsTaTe", &v, 1), "foo=1");
    ck_assert_str_eq(extract_named("TRACESTATE", &v, 1), "foo=1");
    ck_assert_str_eq(extract_named("trace-state", &v, 1), "");
    ck_assert_str_eq(extract_named("trace.state", &v, 1), "");
}
END_TEST

START_TEST(test_discarded_list_is_not_propagated) {
    otel_headers *in, *out;
    ck_assert_int_eq(otel_headers_new(&in), OTEL_OK);
    ck_assert_int_eq(otel_headers_new(&out), OTEL_OK);
    otel_headers_add(in, "traceparent", TP);
    otel_headers_add(in, "tracestate", "good=1,Bad=2");
    otel_propagator *tc = otel_propagator_tracecontext();
    otel_context *ctx = otel_propagator_extract_headers(tc, otel_context_root(), in);
    otel_propagator_inject_headers(tc, ctx, out);
    ck_assert_str_eq(otel_headers_get(out, "traceparent"), TP);
    ck_assert_ptr_null(otel_headers_get(out, "tracestate"));
    otel_context_release(ctx);
    otel_headers_free(in);
    otel_headers_free(out);
}
END_TEST

START_TEST(test_parse_api_says_why_and_editing_treats_invalid_as_empty) {
    char out[128];
    size_t len = 7;
    ck_assert_int_eq(otel_tracestate_parse("a=1,B=2", 7, out, sizeof out, &len), OTEL_ERR_PARSE);
    ck_assert_uint_eq(len, 0);
    ck_assert_str_eq(out, "");
    ck_assert_ptr_nonnull(strstr(otel_last_error(), "grammar"));
    const char *v;
    size_t vl;
    ck_assert_int_eq(otel_tracestate_get("a=1,B=2", 7, "a", &v, &vl), OTEL_ERR_NOT_FOUND);
    ck_assert_int_eq(otel_tracestate_set("a=1,B=2", 7, "k", "v", out, sizeof out, &len), OTEL_OK);
    ck_assert_str_eq(out, "k=v");
    ck_assert_int_eq(otel_tracestate_parse("a=1,b=2", 7, out, sizeof out, &len), OTEL_OK);
    ck_assert_str_eq(out, "a=1,b=2");
}
END_TEST

FX_MAIN("tracestate_w3c", NULL, NULL, test_key_grammar_simple_and_multi_tenant, test_key_length_limit_256,
        test_value_grammar_and_length_limit, test_32_members_kept_33_discarded,
        test_repeated_keys_keep_the_first, test_ows_around_members_is_dropped,
        test_empty_members_and_headers_are_skipped, test_several_headers_join_in_order,
        test_header_name_any_case_other_names_ignored, test_discarded_list_is_not_propagated,
        test_parse_api_says_why_and_editing_treats_invalid_as_empty)
