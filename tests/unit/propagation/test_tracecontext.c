/* W3C Trace Context (Level 2) and the TraceState API: versions, ids, flags,
 * casing, repeated headers, tracestate grammar, limits and truncation, and
 * the end-to-end parent chain across inject and extract. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_fixture.h"

#define TID "4bf92f3577b34da6a3ce929d0e0e4736"
#define SID "00f067aa0ba902b7"

/* Extracts with tracecontext from the given name/value pairs (NULL ends);
 * returns the remote span context (all zero when none was extracted). */
static otel_span_context extract_tc(const char *const *kv, char *ts_out, size_t ts_cap) {
    otel_headers *h;
    ck_assert_int_eq(otel_headers_new(&h), OTEL_OK);
    for (size_t i = 0; kv[i]; i += 2) ck_assert_int_eq(otel_headers_add(h, kv[i], kv[i + 1]), OTEL_OK);
    otel_context *ctx = otel_propagator_extract_headers(otel_propagator_tracecontext(), otel_context_root(), h);
    ck_assert_ptr_nonnull(ctx);
    otel_span_context sc;
    otel_span *s = otel_context_get_span(ctx);
    otel_span_get_context(s, &sc);
    if (ts_out) {
        size_t n = 0;
        const char *ts = otel_span_get_trace_state(s, &n);
        ck_assert_uint_lt(n, ts_cap);
        memcpy(ts_out, ts ? ts : "", n);
        ts_out[n] = '\0';
    }
    otel_context_release(ctx);
    otel_headers_free(h);
    return sc;
}

static int extracted(const char *traceparent) {
    otel_span_context sc = extract_tc((const char *const[]){"traceparent", traceparent, NULL}, NULL, 0);
    return otel_span_context_is_valid(&sc);
}

START_TEST(test_valid_v00_is_remote_with_ids_and_flags) {
    otel_span_context sc = extract_tc((const char *const[]){"traceparent", "00-" TID "-" SID "-01", NULL}, NULL, 0);
    ck_assert(otel_span_context_is_valid(&sc));
    ck_assert_int_eq(sc.is_remote, 1);
    ck_assert_int_eq(sc.trace_flags, OTEL_TRACE_FLAG_SAMPLED);
    ck_assert_uint_eq(sc.trace_id[0], 0x4b);
    ck_assert_uint_eq(sc.trace_id[15], 0x36);
    ck_assert_uint_eq(sc.span_id[7], 0xb7);
}
END_TEST

START_TEST(test_flags_keep_sampled_and_random_only) {
    otel_span_context sc = extract_tc((const char *const[]){"traceparent", "00-" TID "-" SID "-ff", NULL}, NULL, 0);
    ck_assert_int_eq(sc.trace_flags, OTEL_TRACE_FLAG_SAMPLED | OTEL_TRACE_FLAG_RANDOM);
    sc = extract_tc((const char *const[]){"traceparent", "00-" TID "-" SID "-00", NULL}, NULL, 0);
    ck_assert(otel_span_context_is_valid(&sc));
    ck_assert_int_eq(sc.trace_flags, 0);
}
END_TEST

START_TEST(test_invalid_traceparents_give_no_parent) {
    const char *bad[] = {
        "",
        "00-" TID "-" SID "-0",                       /* short */
        "00-" TID "-" SID "-011",                     /* v00 must be exactly 55 */
        "ff-" TID "-" SID "-01",                      /* version ff */
        "0g-" TID "-" SID "-01",                      /* version not hex */
        "00-00000000000000000000000000000000-" SID "-01", /* zero trace id */
        "00-" TID "-0000000000000000-01",             /* zero span id */
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-" SID "-01", /* uppercase */
        "00_" TID "-" SID "-01",                      /* wrong separator */
        "00-" TID "-" SID "-0x",                      /* flags not hex */
        "01-" TID "-" SID "-01x",                     /* future version: extra must follow '-' */
        "00-" TID "-00f067aa0ba902bz-01",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(!extracted(bad[i]), "accepted: '%s'", bad[i]);
}
END_TEST

START_TEST(test_future_versions_parse_the_known_fields) {
    ck_assert(extracted("cc-" TID "-" SID "-01"));
    ck_assert(extracted("cc-" TID "-" SID "-01-what-the-future-holds"));
    ck_assert(!extracted("cc-" TID "-" SID));
}
END_TEST

START_TEST(test_header_names_case_insensitive_and_ows_trimmed) {
    otel_span_context sc =
        extract_tc((const char *const[]){"TraceParent", "  00-" TID "-" SID "-01\t", NULL}, NULL, 0);
    ck_assert(otel_span_context_is_valid(&sc));
}
END_TEST

START_TEST(test_repeated_traceparent_is_invalid) {
    otel_span_context sc = extract_tc((const char *const[]){"traceparent", "00-" TID "-" SID "-01",
                                                            "traceparent", "00-" TID "-" SID "-01", NULL},
                                      NULL, 0);
    ck_assert(!otel_span_context_is_valid(&sc));
}
END_TEST

START_TEST(test_tracestate_joined_trimmed_and_deduplicated) {
    char ts[OTEL_TRACESTATE_MAX + 1];
    extract_tc((const char *const[]){"traceparent", "00-" TID "-" SID "-01",
                                     "tracestate", " congo=t61rcWkgMzE , ,rojo=00f067aa0ba902b7",
                                     "Tracestate", "congo=again,tenant@sys=v", NULL},
               ts, sizeof ts);
    ck_assert_str_eq(ts, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,tenant@sys=v");
    /* one invalid member in either header discards the joined list */
    extract_tc((const char *const[]){"traceparent", "00-" TID "-" SID "-01", "tracestate", "congo=1",
                                     "tracestate", "rojo=2,k2=a=b", NULL},
               ts, sizeof ts);
    ck_assert_str_eq(ts, "");
}
END_TEST

START_TEST(test_tracestate_without_valid_traceparent_is_dropped) {
    char ts[64] = "x";
    otel_span_context sc = extract_tc((const char *const[]){"tracestate", "a=b", NULL}, ts, sizeof ts);
    ck_assert(!otel_span_context_is_valid(&sc));
    ck_assert_str_eq(ts, "");
}
END_TEST

START_TEST(test_tracestate_over_32_members_is_discarded) {
    char in[2048] = "", out[OTEL_TRACESTATE_MAX + 1];
    for (int i = 0; i < 40; i++) {
        char m[16];
        snprintf(m, sizeof m, "%sk%d=v", i ? "," : "", i);
        strcat(in, m);
    }
    size_t len = 99;
    ck_assert_int_eq(otel_tracestate_parse(in, strlen(in), out, sizeof out, &len), OTEL_ERR_PARSE);
    ck_assert_uint_eq(len, 0);
    ck_assert_str_eq(out, "");
    ck_assert_ptr_nonnull(strstr(otel_last_error(), "more than 32 members"));
}
END_TEST

START_TEST(test_tracestate_key_and_value_grammar) {
    char out[600];
    size_t len;
    char key256[258], val256[258];
    memset(key256, 'a', 256);
    key256[256] = '\0';
    memset(val256, 'v', 256);
    val256[256] = '\0';
    ck_assert_int_eq(otel_tracestate_set("", 0, key256, val256, out, sizeof out, &len), OTEL_OK);
    ck_assert_uint_eq(len, 513);
    key256[256] = 'a';
    key256[257] = '\0';
    ck_assert_int_eq(otel_tracestate_set("", 0, key256, "v", out, sizeof out, &len), OTEL_ERR_INVALID_ARGUMENT);
    const char *bad_keys[] = {"", "Upper", "_lead", "sp ace", "a=b", "a,b"};
    for (size_t i = 0; i < sizeof bad_keys / sizeof *bad_keys; i++)
        ck_assert_int_eq(otel_tracestate_set("", 0, bad_keys[i], "v", out, sizeof out, &len),
                         OTEL_ERR_INVALID_ARGUMENT);
    const char *bad_values[] = {"", "trailing ", "a,b", "a=b", "tab\there", "\x7f"};
    for (size_t i = 0; i < sizeof bad_values / sizeof *bad_values; i++)
        ck_assert_int_eq(otel_tracestate_set("", 0, "k", bad_values[i], out, sizeof out, &len),
                         OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_tracestate_set("", 0, "0k_-*/@x", "a b!", out, sizeof out, &len), OTEL_OK);
    ck_assert_str_eq(out, "0k_-*/@x=a b!");
}
END_TEST

START_TEST(test_tracestate_api_returns_new_values) {
    const char *ts = "a=1,b=2,c=3";
    char out[64];
    size_t len;
    const char *v;
    size_t vlen;
    ck_assert_int_eq(otel_tracestate_get(ts, strlen(ts), "b", &v, &vlen), OTEL_OK);
    ck_assert_uint_eq(vlen, 1);
    ck_assert_int_eq(v[0], '2');
    ck_assert_int_eq(otel_tracestate_get(ts, strlen(ts), "z", &v, &vlen), OTEL_ERR_NOT_FOUND);
    /* an updated key moves to the left */
    ck_assert_int_eq(otel_tracestate_set(ts, strlen(ts), "b", "9", out, sizeof out, &len), OTEL_OK);
    ck_assert_str_eq(out, "b=9,a=1,c=3");
    ck_assert_int_eq(otel_tracestate_delete(ts, strlen(ts), "a", out, sizeof out, &len), OTEL_OK);
    ck_assert_str_eq(out, "b=2,c=3");
    ck_assert_str_eq(ts, "a=1,b=2,c=3"); /* the input is untouched */
    /* too small a buffer: the size needed comes back */
    ck_assert_int_eq(otel_tracestate_set(ts, strlen(ts), "b", "9", out, 4, &len), OTEL_ERR_LIMIT);
    ck_assert_uint_eq(len, 11);
}
END_TEST

START_TEST(test_tracestate_set_drops_rightmost_past_32) {
    char in[1024] = "", out[1024];
    for (int i = 0; i < 32; i++) {
        char m[16];
        snprintf(m, sizeof m, "%sk%d=v", i ? "," : "", i);
        strcat(in, m);
    }
    size_t len;
    ck_assert_int_eq(otel_tracestate_set(in, strlen(in), "new", "v", out, sizeof out, &len), OTEL_OK);
    ck_assert(strncmp(out, "new=v,k0=v", 10) == 0);
    ck_assert_ptr_null(strstr(out, "k31=v"));
    ck_assert_ptr_nonnull(strstr(out, "k30=v"));
}
END_TEST

/* A provider and a span whose context goes out through `p`. */
static fx f;
static void setup(void) { fx_open(&f, NULL); }
static void teardown(void) { fx_close(&f); }

START_TEST(test_inject_lowercase_names_and_format) {
    otel_span *s = otel_tracer_start_span(f.tracer, "client", OTEL_SPAN_KIND_CLIENT, otel_context_root());
    otel_context *ctx = otel_context_with_span(otel_context_root(), s);
    otel_headers *h;
    otel_headers_new(&h);
    otel_propagator_inject_headers(otel_propagator_tracecontext(), ctx, h);
    ck_assert_uint_eq(otel_headers_count(h), 1); /* no tracestate when empty */
    const char *name, *value;
    size_t nlen, vlen;
    ck_assert_int_eq(otel_headers_at(h, 0, &name, &nlen, &value, &vlen), OTEL_OK);
    ck_assert_str_eq(name, "traceparent");
    ck_assert_uint_eq(vlen, 55);
    otel_span_context sc;
    otel_span_get_context(s, &sc);
    char want[56];
    snprintf(want, sizeof want, "00-");
    for (int i = 0; i < 16; i++) snprintf(want + 3 + 2 * i, 3, "%02x", sc.trace_id[i]);
    want[35] = '-';
    for (int i = 0; i < 8; i++) snprintf(want + 36 + 2 * i, 3, "%02x", sc.span_id[i]);
    snprintf(want + 52, 4, "-%02x", sc.trace_flags & 3);
    ck_assert_str_eq(value, want);
    ck_assert_int_eq(value[54], '3'); /* sampled + random root */
    otel_headers_free(h);
    otel_context_release(ctx);
    otel_span_end(s);
}
END_TEST

START_TEST(test_end_to_end_server_child_has_injected_parent) {
    /* client side */
    otel_span_context remote_ts = fx_sc(0x11, 0x22, 1, 1);
    otel_context *up = fx_parent(&remote_ts, "vendor=abc");
    otel_span *client = otel_tracer_start_span(f.tracer, "client", OTEL_SPAN_KIND_CLIENT, up);
    otel_context *cctx = otel_context_with_span(up, client);
    otel_headers *wire;
    otel_headers_new(&wire);
    otel_propagator *p;
    ck_assert_int_eq(otel_propagator_from_env(&p, NULL), OTEL_OK);
    otel_propagator_inject_headers(p, cctx, wire);
    ck_assert_str_eq(otel_headers_get(wire, "tracestate"), "vendor=abc");
    /* server side, in another "process": only the headers travel */
    otel_context *sctx = otel_propagator_extract_headers(p, otel_context_root(), wire);
    otel_span *server = otel_tracer_start_span(f.tracer, "server", OTEL_SPAN_KIND_SERVER, sctx);
    const otel_span_data *d = fx_end(&f, server);
    otel_span_context csc, ssc;
    otel_span_get_context(client, &csc);
    otel_span_data_context(d, &ssc);
    ck_assert_mem_eq(ssc.trace_id, csc.trace_id, 16);
    uint8_t parent[8];
    ck_assert(otel_span_data_parent_span_id(d, parent));
    ck_assert_mem_eq(parent, csc.span_id, 8);
    ck_assert(otel_span_data_parent_is_remote(d));
    size_t tsl;
    ck_assert_str_eq(otel_span_data_trace_state(d, &tsl), "vendor=abc");
    otel_span_data_release(d);
    otel_span_end(client);
    otel_context_release(sctx);
    otel_context_release(cctx);
    otel_context_release(up);
    otel_propagator_release(p);
    otel_headers_free(wire);
}
END_TEST

START_TEST(test_inject_truncates_long_tracestate_by_the_w3c_rule) {
    char ts[OTEL_TRACESTATE_MAX + 1] = "", big[200];
    memset(big, 'x', 150);
    big[150] = '\0';
    /* one member over 128 characters and enough short ones to pass 512 */
    snprintf(ts, sizeof ts, "big=%s", big);
    for (int i = 0; i < 30; i++) {
        char m[32];
        snprintf(m, sizeof m, ",key%02d=value-%02d", i, i);
        strcat(ts, m);
    }
    otel_span_context sc = fx_sc(0x11, 0x22, 1, 1);
    otel_context *ctx = fx_parent(&sc, ts);
    otel_headers *h;
    otel_headers_new(&h);
    otel_propagator_inject_headers(otel_propagator_tracecontext(), ctx, h);
    const char *out = otel_headers_get(h, "tracestate");
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_le(strlen(out), 512);
    ck_assert_ptr_null(strstr(out, "big=")); /* the long one goes first */
    ck_assert(strncmp(out, "key00=value-00", 14) == 0);
    otel_headers_free(h);
    otel_context_release(ctx);
}
END_TEST

FX_MAIN("tracecontext", setup, teardown, test_valid_v00_is_remote_with_ids_and_flags,
        test_flags_keep_sampled_and_random_only, test_invalid_traceparents_give_no_parent,
        test_future_versions_parse_the_known_fields,
        test_header_names_case_insensitive_and_ows_trimmed, test_repeated_traceparent_is_invalid,
        test_tracestate_joined_trimmed_and_deduplicated,
        test_tracestate_without_valid_traceparent_is_dropped, test_tracestate_over_32_members_is_discarded,
        test_tracestate_key_and_value_grammar, test_tracestate_api_returns_new_values,
        test_tracestate_set_drops_rightmost_past_32, test_inject_lowercase_names_and_format,
        test_end_to_end_server_child_has_injected_parent,
        test_inject_truncates_long_tracestate_by_the_w3c_rule)
