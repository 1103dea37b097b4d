/* Baggage (API and W3C propagator), B3 single and multi, composite,
 * OTEL_PROPAGATORS, the global propagator, and both carrier styles. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_fixture.h"

#define TID "4bf92f3577b34da6a3ce929d0e0e4736"
#define SID "00f067aa0ba902b7"

static otel_headers *headers(const char *const *kv) {
    otel_headers *h;
    ck_assert_int_eq(otel_headers_new(&h), OTEL_OK);
    for (size_t i = 0; kv && kv[i]; i += 2) ck_assert_int_eq(otel_headers_add(h, kv[i], kv[i + 1]), OTEL_OK);
    return h;
}

/* Extracts baggage with the W3C propagator (a new reference or NULL). */
static otel_baggage *extract_baggage(const char *const *kv) {
    otel_headers *h = headers(kv);
    otel_context *ctx = otel_propagator_extract_headers(otel_propagator_baggage(), otel_context_root(), h);
    otel_baggage *b = otel_baggage_retain(otel_context_get_baggage(ctx));
    otel_context_release(ctx);
    otel_headers_free(h);
    return b;
}

START_TEST(test_baggage_api_is_immutable) {
    otel_baggage *a = NULL, *b = NULL, *c = NULL;
    ck_assert_int_eq(otel_baggage_set(NULL, "k", "v1", NULL, &a), OTEL_OK);
    ck_assert_int_eq(otel_baggage_set(a, "k", "v2", "p=1", &b), OTEL_OK);
    ck_assert_str_eq(otel_baggage_get(a, "k"), "v1");
    ck_assert_str_eq(otel_baggage_get(b, "k"), "v2");
    ck_assert_str_eq(otel_baggage_get_metadata(b, "k"), "p=1");
    ck_assert_int_eq(otel_baggage_remove(b, "k", &c), OTEL_OK);
    ck_assert_ptr_null(c); /* empty */
    ck_assert_uint_eq(otel_baggage_count(b), 1);
    ck_assert_int_eq(otel_baggage_set(NULL, "", "v", NULL, &c), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_baggage_set(NULL, "k", "\xff", NULL, &c), OTEL_ERR_INVALID_ARGUMENT);
    const char *n, *v, *m;
    ck_assert_int_eq(otel_baggage_entry(b, 0, &n, &v, &m), OTEL_OK);
    ck_assert_int_eq(otel_baggage_entry(b, 1, &n, &v, &m), OTEL_ERR_NOT_FOUND);
    otel_baggage_release(a);
    otel_baggage_release(b);
}
END_TEST

START_TEST(test_baggage_extract_decodes_and_keeps_properties) {
    otel_baggage *b = extract_baggage((const char *const[]){
        "Baggage", " userId = alice%20smith ; ttl=60;secure , serverNode=DF%2028,bad key=x",
        "baggage", "isProduction=false,empty=,dup=1,dup=2", NULL});
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(otel_baggage_get(b, "userId"), "alice smith");
    ck_assert_str_eq(otel_baggage_get_metadata(b, "userId"), "ttl=60;secure");
    ck_assert_str_eq(otel_baggage_get(b, "serverNode"), "DF 28");
    ck_assert_str_eq(otel_baggage_get(b, "isProduction"), "false");
    ck_assert_str_eq(otel_baggage_get(b, "empty"), "");
    ck_assert_str_eq(otel_baggage_get(b, "dup"), "2"); /* a later duplicate replaces */
    ck_assert_ptr_null(otel_baggage_get(b, "bad key"));
    ck_assert_uint_eq(otel_baggage_count(b), 5);
    otel_baggage_release(b);
}
END_TEST

START_TEST(test_baggage_invalid_members_dropped_not_the_header) {
    otel_baggage *b = extract_baggage((const char *const[]){
        "baggage", "a=1,noequals,b=%zz,c=%e2%82%ac,d=\"quoted\",e=%ff,f=ok", NULL});
    ck_assert_str_eq(otel_baggage_get(b, "a"), "1");
    ck_assert_str_eq(otel_baggage_get(b, "c"), "\xe2\x82\xac");
    ck_assert_str_eq(otel_baggage_get(b, "e"), "\xef\xbf\xbd"); /* invalid UTF-8 -> U+FFFD */
    ck_assert_str_eq(otel_baggage_get(b, "f"), "ok");
    ck_assert_ptr_null(otel_baggage_get(b, "b"));
    ck_assert_ptr_null(otel_baggage_get(b, "d"));
    otel_baggage_release(b);
}
END_TEST

START_TEST(test_baggage_limits_64_members_8192_bytes_never_partial) {
    char big[12000] = "";
    for (int i = 0; i < 100; i++) {
        char m[32];
        snprintf(m, sizeof m, "%sk%03d=v", i ? "," : "", i);
        strcat(big, m);
    }
    otel_baggage *b = extract_baggage((const char *const[]){"baggage", big, NULL});
    ck_assert_uint_eq(otel_baggage_count(b), 64);
    otel_baggage_release(b);
    /* 8192 bytes across headers: the member that crosses it is dropped whole */
    char v1[8000], v2[400];
    memset(v1, 'a', sizeof v1 - 1);
    v1[sizeof v1 - 1] = '\0';
    memcpy(v1, "first=", 6);
    memset(v2, 'b', sizeof v2 - 1);
    v2[sizeof v2 - 1] = '\0';
    memcpy(v2, "second=", 7);
    b = extract_baggage((const char *const[]){"baggage", v1, "baggage", v2, NULL});
    ck_assert_uint_eq(otel_baggage_count(b), 1);
    ck_assert_ptr_nonnull(otel_baggage_get(b, "first"));
    otel_baggage_release(b);
}
END_TEST

START_TEST(test_baggage_round_trip_percent_encoding) {
    otel_baggage *b = NULL, *b2 = NULL;
    ck_assert_int_eq(otel_baggage_set(NULL, "k1", "a b,c;d=e%\xe2\x82\xac", NULL, &b), OTEL_OK);
    ck_assert_int_eq(otel_baggage_set(b, "k2", "plain", "prop=1", &b2), OTEL_OK);
    otel_context *ctx = otel_context_with_baggage(otel_context_root(), b2);
    otel_headers *h = headers(NULL);
    otel_propagator_inject_headers(otel_propagator_baggage(), ctx, h);
    ck_assert_str_eq(otel_headers_get(h, "baggage"), "k1=a%20b%2Cc%3Bd=e%25%E2%82%AC,k2=plain;prop=1");
    otel_context *back = otel_propagator_extract_headers(otel_propagator_baggage(), otel_context_root(), h);
    otel_baggage *got = otel_context_get_baggage(back);
    ck_assert_str_eq(otel_baggage_get(got, "k1"), "a b,c;d=e%\xe2\x82\xac");
    ck_assert_str_eq(otel_baggage_get_metadata(got, "k2"), "prop=1");
    otel_context_release(back);
    otel_context_release(ctx);
    otel_headers_free(h);
    otel_baggage_release(b);
    otel_baggage_release(b2);
}
END_TEST

START_TEST(test_baggage_inject_never_sends_unsafe_metadata) {
    otel_baggage *a = NULL, *b = NULL, *c = NULL;
    ck_assert_int_eq(otel_baggage_set(NULL, "a", "1", "x\r\nset-cookie: y", &a), OTEL_OK);
    ck_assert_int_eq(otel_baggage_set(a, "b", "2", "p,forged=1", &b), OTEL_OK);
    ck_assert_int_eq(otel_baggage_set(b, "c", "3", "ttl=60;secure", &c), OTEL_OK);
    otel_context *ctx = otel_context_with_baggage(otel_context_root(), c);
    otel_headers *h = headers(NULL);
    otel_propagator_inject_headers(otel_propagator_baggage(), ctx, h);
    /* the entries go, their unsafe metadata does not */
    ck_assert_str_eq(otel_headers_get(h, "baggage"), "a=1,b=2,c=3;ttl=60;secure");
    otel_headers_free(h);
    otel_context_release(ctx);
    otel_baggage_release(a);
    otel_baggage_release(b);
    otel_baggage_release(c);
}
END_TEST

START_TEST(test_baggage_inject_skips_what_does_not_fit) {
    otel_baggage *b = NULL;
    char val[5000];
    memset(val, 'x', sizeof val - 1);
    val[sizeof val - 1] = '\0';
    for (int i = 0; i < 3; i++) {
        otel_baggage *next;
        char k[8];
        snprintf(k, sizeof k, "k%d", i);
        ck_assert_int_eq(otel_baggage_set(b, k, val, NULL, &next), OTEL_OK);
        otel_baggage_release(b);
        b = next;
    }
    otel_context *ctx = otel_context_with_baggage(otel_context_root(), b);
    otel_headers *h = headers(NULL);
    otel_propagator_inject_headers(otel_propagator_baggage(), ctx, h);
    const char *out = otel_headers_get(h, "baggage");
    ck_assert_uint_le(strlen(out), 8192);
    ck_assert(strncmp(out, "k0=", 3) == 0);
    ck_assert_ptr_null(strchr(out, ','));
    otel_headers_free(h);
    otel_context_release(ctx);
    otel_baggage_release(b);
}
END_TEST

static otel_span_context extract_with(otel_propagator *p, const char *const *kv) {
    otel_headers *h = headers(kv);
    otel_context *ctx = otel_propagator_extract_headers(p, otel_context_root(), h);
    otel_span_context sc;
    otel_span_get_context(otel_context_get_span(ctx), &sc);
    otel_context_release(ctx);
    otel_headers_free(h);
    return sc;
}

START_TEST(test_b3_single_flags) {
    otel_propagator *p = otel_propagator_b3();
    otel_span_context sc = extract_with(p, (const char *const[]){"b3", TID "-" SID "-1", NULL});
    ck_assert(otel_span_context_is_valid(&sc));
    ck_assert_int_eq(sc.is_remote, 1);
    ck_assert_int_eq(sc.trace_flags, OTEL_TRACE_FLAG_SAMPLED);
    sc = extract_with(p, (const char *const[]){"B3", TID "-" SID "-d", NULL}); /* debug: sampled */
    ck_assert_int_eq(sc.trace_flags, OTEL_TRACE_FLAG_SAMPLED);
    sc = extract_with(p, (const char *const[]){"b3", TID "-" SID "-0-" SID, NULL});
    ck_assert(otel_span_context_is_valid(&sc));
    ck_assert_int_eq(sc.trace_flags, 0);
    sc = extract_with(p, (const char *const[]){"b3", TID "-" SID, NULL}); /* deferred */
    ck_assert(otel_span_context_is_valid(&sc));
    ck_assert_int_eq(sc.trace_flags, 0);
    sc = extract_with(p, (const char *const[]){"b3", "a3ce929d0e0e4736-" SID "-1", NULL}); /* 64-bit */
    ck_assert(otel_span_context_is_valid(&sc));
    ck_assert_uint_eq(sc.trace_id[0], 0);
    ck_assert_uint_eq(sc.trace_id[8], 0xa3);
    const char *bad[] = {"1", "0", TID "-" SID "-2", TID "-" SID "-1-bad", TID "-" SID "-1-" SID "-x",
                         TID, "zz-" SID "-1", TID "-0000000000000000-1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sc = extract_with(p, (const char *const[]){"b3", bad[i], NULL});
        ck_assert_msg(!otel_span_context_is_valid(&sc), "accepted b3: %s", bad[i]);
    }
}
END_TEST

START_TEST(test_b3_multi_flags_and_inject_both_forms) {
    otel_propagator *p = otel_propagator_b3multi();
    otel_span_context sc = extract_with(p, (const char *const[]){"X-B3-TraceId", TID, "X-B3-SpanId", SID,
                                                                 "X-B3-Sampled", "1", NULL});
    ck_assert_int_eq(sc.trace_flags, OTEL_TRACE_FLAG_SAMPLED);
    sc = extract_with(p, (const char *const[]){"x-b3-traceid", TID, "x-b3-spanid", SID, "x-b3-flags", "1", NULL});
    ck_assert_int_eq(sc.trace_flags, OTEL_TRACE_FLAG_SAMPLED); /* debug */
    sc = extract_with(p, (const char *const[]){"x-b3-traceid", TID, "x-b3-spanid", SID, NULL});
    ck_assert(otel_span_context_is_valid(&sc));
    ck_assert_int_eq(sc.trace_flags, 0); /* deferred */
    /* either propagator reads the single form too */
    sc = extract_with(p, (const char *const[]){"b3", TID "-" SID "-1", NULL});
    ck_assert(otel_span_context_is_valid(&sc));

    otel_span_context in = fx_sc(0xab, 0xcd, 1, 0);
    otel_context *ctx = fx_parent(&in, NULL);
    otel_headers *h = headers(NULL);
    otel_propagator_inject_headers(otel_propagator_b3(), ctx, h);
    ck_assert_str_eq(otel_headers_get(h, "b3"),
                     "abababababababababababababababab-cdcdcdcdcdcdcdcd-1");
    otel_headers_clear(h);
    otel_propagator_inject_headers(p, ctx, h);
    ck_assert_str_eq(otel_headers_get(h, "x-b3-traceid"), "abababababababababababababababab");
    ck_assert_str_eq(otel_headers_get(h, "x-b3-spanid"), "cdcdcdcdcdcdcdcd");
    ck_assert_str_eq(otel_headers_get(h, "x-b3-sampled"), "1");
    otel_headers_free(h);
    otel_context_release(ctx);
}
END_TEST

START_TEST(test_composite_and_env_and_fields) {
    otel_propagator *p;
    ck_assert_int_eq(otel_propagator_from_env(&p, NULL), OTEL_OK); /* default */
    ck_assert_uint_eq(otel_propagator_field_count(p), 3);
    ck_assert_str_eq(otel_propagator_field(p, 0), "traceparent");
    ck_assert_str_eq(otel_propagator_field(p, 2), "baggage");
    ck_assert_ptr_null(otel_propagator_field(p, 3));
    otel_propagator_release(p);

    setenv("OTEL_PROPAGATORS", " b3multi , tracecontext,b3multi,nonsense ", 1);
    fx_log_capture();
    ck_assert_int_eq(otel_propagator_from_env(&p, NULL), OTEL_OK);
    ck_assert(fx_logged("nonsense"));
    ck_assert_uint_eq(otel_propagator_field_count(p), 6);
    ck_assert_str_eq(otel_propagator_field(p, 0), "x-b3-traceid");
    otel_propagator_release(p);

    otel_options *o = fx_opts((const char *const[]){"OTEL_PROPAGATORS", "none", NULL});
    ck_assert_int_eq(otel_propagator_from_env(&p, o), OTEL_OK); /* code wins over env */
    ck_assert_uint_eq(otel_propagator_field_count(p), 0);
    otel_span_context sc = extract_with(p, (const char *const[]){"traceparent", "00-" TID "-" SID "-01", NULL});
    ck_assert(!otel_span_context_is_valid(&sc));
    otel_propagator_release(p);
    otel_options_free(o);

    /* a composite feeds each extractor the previous one's context */
    otel_propagator *list[] = {otel_propagator_tracecontext(), otel_propagator_baggage()};
    ck_assert_int_eq(otel_propagator_composite_new(&p, list, 2), OTEL_OK);
    otel_headers *h = headers((const char *const[]){"traceparent", "00-" TID "-" SID "-01", "baggage", "k=v", NULL});
    otel_context *ctx = otel_propagator_extract_headers(p, otel_context_root(), h);
    otel_span_get_context(otel_context_get_span(ctx), &sc);
    ck_assert(otel_span_context_is_valid(&sc));
    ck_assert_str_eq(otel_baggage_get(otel_context_get_baggage(ctx), "k"), "v");
    otel_context_release(ctx);
    otel_headers_free(h);
    otel_propagator_release(p);
    ck_assert_int_eq(otel_propagator_composite_new(&p, (otel_propagator *[]){NULL}, 1), OTEL_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(test_global_propagator) {
    setenv("OTEL_PROPAGATORS", "b3", 1);
    otel_propagator *g = otel_propagator_get_global();
    ck_assert_str_eq(otel_propagator_field(g, 0), "b3");
    otel_propagator_release(g);
    otel_propagator_set_global(otel_propagator_tracecontext());
    g = otel_propagator_get_global();
    ck_assert_ptr_eq(g, otel_propagator_tracecontext());
    otel_propagator_release(g);
    otel_propagator_set_global(NULL); /* back to the environment's */
    g = otel_propagator_get_global();
    ck_assert_str_eq(otel_propagator_field(g, 0), "b3");
    otel_propagator_release(g);
}
END_TEST

/* A carrier that matches names exactly (like a plain dict), with keys. */
typedef struct dict {
    const char *k[8], *v[8];
    size_t n;
    char set_k[4][32], set_v[4][128];
    size_t n_set;
} dict;

static int dict_get(void *ud, const char *key, size_t key_len, size_t index, const char **value,
                    size_t *value_len) {
    dict *d = ud;
    for (size_t i = 0; i < d->n; i++)
        if (strlen(d->k[i]) == key_len && memcmp(d->k[i], key, key_len) == 0 && index-- == 0) {
            *value = d->v[i];
            *value_len = strlen(d->v[i]);
            return 1;
        }
    return 0;
}

static int dict_keys(void *ud, size_t index, const char **key, size_t *key_len) {
    dict *d = ud;
    if (index >= d->n) return 0;
    *key = d->k[index];
    *key_len = strlen(d->k[index]);
    return 1;
}

static void dict_set(void *ud, const char *key, size_t key_len, const char *value, size_t value_len) {
    dict *d = ud;
    ck_assert_uint_lt(d->n_set, 4);
    snprintf(d->set_k[d->n_set], 32, "%.*s", (int)key_len, key);
    snprintf(d->set_v[d->n_set], 128, "%.*s", (int)value_len, value);
    d->n_set++;
}

START_TEST(test_callback_carriers_with_keys_for_case) {
    dict d = {{"TRACEPARENT"}, {"00-" TID "-" SID "-01"}, 1, {{0}}, {{0}}, 0};
    otel_context *ctx = otel_propagator_extract(otel_propagator_tracecontext(), otel_context_root(),
                                                dict_get, NULL, &d);
    otel_span_context sc;
    otel_span_get_context(otel_context_get_span(ctx), &sc);
    ck_assert(!otel_span_context_is_valid(&sc)); /* exact-match carrier, no keys: not found */
    otel_context_release(ctx);
    ctx = otel_propagator_extract(otel_propagator_tracecontext(), otel_context_root(), dict_get,
                                  dict_keys, &d);
    otel_span_get_context(otel_context_get_span(ctx), &sc);
    ck_assert(otel_span_context_is_valid(&sc));
    otel_propagator_inject(otel_propagator_tracecontext(), ctx, dict_set, &d);
    ck_assert_uint_eq(d.n_set, 1);
    ck_assert_str_eq(d.set_k[0], "traceparent");
    ck_assert_str_eq(d.set_v[0], "00-" TID "-" SID "-01");
    otel_context_release(ctx);
    /* NULL everywhere: no crash, the base context comes back */
    otel_propagator_inject(NULL, NULL, dict_set, &d);
    otel_propagator_inject(otel_propagator_tracecontext(), NULL, NULL, NULL);
    ctx = otel_propagator_extract(NULL, otel_context_root(), dict_get, NULL, &d);
    ck_assert_ptr_eq(ctx, otel_context_root());
    otel_context_release(ctx);
    ctx = otel_propagator_extract_headers(otel_propagator_tracecontext(), otel_context_root(), NULL);
    ck_assert_ptr_eq(ctx, otel_context_root());
}
END_TEST

START_TEST(test_header_list) {
    otel_headers *h = headers(NULL);
    ck_assert_int_eq(otel_headers_add(h, "A", "1"), OTEL_OK);
    ck_assert_int_eq(otel_headers_add(h, "a", "2"), OTEL_OK);
    ck_assert_int_eq(otel_headers_add(h, "", "x"), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_headers_add(NULL, "a", "x"), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_str_eq(otel_headers_get(h, "a"), "1");
    ck_assert_uint_eq(otel_headers_count(h), 2);
    ck_assert_int_eq(otel_headers_set(h, "A", "3"), OTEL_OK);
    ck_assert_uint_eq(otel_headers_count(h), 1);
    ck_assert_str_eq(otel_headers_get(h, "a"), "3");
    ck_assert_int_eq(otel_headers_at(h, 5, NULL, NULL, NULL, NULL), OTEL_ERR_NOT_FOUND);
    /* repeated headers come back in order, whatever their case */
    ck_assert_int_eq(otel_headers_add(h, "Other", "o"), OTEL_OK);
    ck_assert_int_eq(otel_headers_add(h, "a", "4"), OTEL_OK);
    const char *vals[4] = {NULL};
    ck_assert_uint_eq(otel_headers_get_all(h, "A", NULL, 0), 2);
    ck_assert_uint_eq(otel_headers_get_all(h, "A", vals, 1), 2); /* sized, capped */
    ck_assert_str_eq(vals[0], "3");
    ck_assert_ptr_null(vals[1]);
    ck_assert_uint_eq(otel_headers_get_all(h, "a", vals, 4), 2);
    ck_assert_str_eq(vals[1], "4");
    ck_assert_uint_eq(otel_headers_get_all(h, "missing", vals, 4), 0);
    ck_assert_uint_eq(otel_headers_get_all(NULL, "a", vals, 4), 0);
    const char *name, *value;
    size_t name_len, value_len;
    ck_assert_int_eq(otel_headers_at(h, 1, &name, &name_len, &value, &value_len), OTEL_OK);
    ck_assert_str_eq(name, "Other"); /* names are kept as given */
    ck_assert_uint_eq(name_len, 5);
    ck_assert_str_eq(value, "o");
    otel_headers_clear(h);
    ck_assert_uint_eq(otel_headers_count(h), 0);
    for (int i = 0; i < 1024; i++) ck_assert_int_eq(otel_headers_add(h, "x", "y"), OTEL_OK);
    ck_assert_int_eq(otel_headers_add(h, "x", "y"), OTEL_ERR_LIMIT);
    otel_headers_free(h);
    otel_headers_free(NULL);
}
END_TEST

START_TEST(test_hostile_inputs_never_crash) {
    /* long and odd inputs through every extractor */
    size_t n = 1 << 20;
    char *junk = malloc(n + 1);
    for (size_t i = 0; i < n; i++) junk[i] = "a=,;% -\t0f"[i % 10];
    junk[n] = '\0';
    otel_propagator *all[] = {otel_propagator_tracecontext(), otel_propagator_baggage(),
                              otel_propagator_b3(), otel_propagator_b3multi()};
    const char *names[] = {"traceparent", "tracestate", "baggage", "b3", "x-b3-traceid", "x-b3-spanid"};
    for (size_t p = 0; p < 4; p++)
        for (size_t k = 0; k < 6; k++) {
            otel_headers *h = headers(NULL);
            otel_headers_add_n(h, names[k], strlen(names[k]), junk, n - 1);
            otel_context *ctx = otel_propagator_extract_headers(all[p], otel_context_root(), h);
            ck_assert_ptr_nonnull(ctx);
            otel_context_release(ctx);
            otel_headers_free(h);
        }
    free(junk);
}
END_TEST

FX_MAIN("propagators", NULL, NULL, test_baggage_api_is_immutable,
        test_baggage_extract_decodes_and_keeps_properties,
        test_baggage_invalid_members_dropped_not_the_header,
        test_baggage_limits_64_members_8192_bytes_never_partial,
        test_baggage_round_trip_percent_encoding, test_baggage_inject_never_sends_unsafe_metadata,
        test_baggage_inject_skips_what_does_not_fit,
        test_b3_single_flags, test_b3_multi_flags_and_inject_both_forms,
        test_composite_and_env_and_fields, test_global_propagator,
        test_callback_carriers_with_keys_for_case, test_header_list, test_hostile_inputs_never_crash)
