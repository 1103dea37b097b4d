/* Resources: from attributes, merge, the default resource, OTEL_SERVICE_NAME
 * and OTEL_RESOURCE_ATTRIBUTES (percent-decoding, all-or-nothing). */
#include <check.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/trace_fixture.h"

static void assert_res_str(const otel_resource *r, const char *key, const char *want) {
    otel_attr a;
    ck_assert_msg(otel_resource_find(r, key, strlen(key), &a) == OTEL_OK, "resource lacks %s", key);
    ck_assert_int_eq(a.type, OTEL_VALUE_STRING);
    ck_assert_uint_eq(a.len, strlen(want));
    ck_assert_mem_eq(a.ptr, want, a.len);
}

static int res_has(const otel_resource *r, const char *key) {
    otel_attr a;
    return otel_resource_find(r, key, strlen(key), &a) == OTEL_OK;
}

static otel_resource *res_default(void) {
    otel_resource *r = NULL;
    ck_assert_int_eq(otel_resource_default(&r), OTEL_OK);
    return r;
}

START_TEST(test_resource_from_attributes_later_duplicate_wins) {
    otel_attr a[] = {OTEL_ATTR_STR("service.name", "one"), OTEL_ATTR_I64("n", 7),
                     OTEL_ATTR_STR("service.name", "two"), OTEL_ATTR_STR("", "empty key")};
    otel_resource *r;
    ck_assert_int_eq(otel_resource_new(&r, a, 4, "https://s/1", 11), OTEL_OK);
    ck_assert_uint_eq(otel_resource_attribute_count(r), 2); /* duplicate merged, empty key skipped */
    assert_res_str(r, "service.name", "two");
    otel_attr got;
    ck_assert_int_eq(otel_resource_find(r, "n", 1, &got), OTEL_OK);
    ck_assert_int_eq(got.type, OTEL_VALUE_INT64);
    ck_assert_int_eq(got.int_value, 7);
    ck_assert_int_eq(otel_resource_attribute(r, 0, &got), OTEL_OK);
    ck_assert_int_eq(otel_resource_attribute(r, 2, &got), OTEL_ERR_NOT_FOUND);
    size_t len;
    ck_assert_str_eq(otel_resource_schema_url(r, &len), "https://s/1");
    ck_assert_uint_eq(len, 11);
    ck_assert_int_eq(otel_resource_find(r, "missing", 7, &got), OTEL_ERR_NOT_FOUND);
    otel_resource_release(r);

    ck_assert_int_eq(otel_resource_new(&r, NULL, 0, NULL, 0), OTEL_OK); /* empty */
    ck_assert_uint_eq(otel_resource_attribute_count(r), 0);
    ck_assert_str_eq(otel_resource_schema_url(r, NULL), "");
    otel_resource_release(r);
}
END_TEST

START_TEST(test_resource_bad_arguments_fail_with_message) {
    otel_resource *r = NULL;
    ck_assert_int_eq(otel_resource_new(NULL, NULL, 0, NULL, 0), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_str_ne(otel_last_error(), "");
    ck_assert_int_eq(otel_resource_new(&r, NULL, 3, NULL, 0), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(otel_resource_default(NULL), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_resource_merge(NULL, NULL, NULL), OTEL_ERR_INVALID_ARGUMENT);
    otel_attr a;
    ck_assert_int_eq(otel_resource_attribute(NULL, 0, &a), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_resource_find(NULL, "k", 1, &a), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(otel_resource_attribute_count(NULL), 0);
    ck_assert_str_eq(otel_resource_schema_url(NULL, NULL), "");
    ck_assert_ptr_null(otel_resource_retain(NULL));
    otel_resource_release(NULL);
}
END_TEST

START_TEST(test_resource_merge_updating_wins) {
    otel_attr old_a[] = {OTEL_ATTR_STR("a", "old-a"), OTEL_ATTR_STR("b", "old-b")};
    otel_attr upd_a[] = {OTEL_ATTR_STR("b", "new-b"), OTEL_ATTR_BOOL("c", 1)};
    otel_resource *old, *upd, *m;
    ck_assert_int_eq(otel_resource_new(&old, old_a, 2, NULL, 0), OTEL_OK);
    ck_assert_int_eq(otel_resource_new(&upd, upd_a, 2, NULL, 0), OTEL_OK);
    ck_assert_int_eq(otel_resource_merge(&m, old, upd), OTEL_OK);
    ck_assert_uint_eq(otel_resource_attribute_count(m), 3);
    assert_res_str(m, "a", "old-a");
    assert_res_str(m, "b", "new-b");
    ck_assert(res_has(m, "c"));
    /* the inputs are unchanged: resources are immutable */
    assert_res_str(old, "b", "old-b");
    ck_assert_uint_eq(otel_resource_attribute_count(upd), 2);
    otel_resource_release(m);

    /* NULL is an empty resource on either side */
    ck_assert_int_eq(otel_resource_merge(&m, NULL, upd), OTEL_OK);
    ck_assert_uint_eq(otel_resource_attribute_count(m), 2);
    otel_resource_release(m);
    ck_assert_int_eq(otel_resource_merge(&m, old, NULL), OTEL_OK);
    assert_res_str(m, "b", "old-b");
    otel_resource_release(m);
    ck_assert_int_eq(otel_resource_merge(&m, NULL, NULL), OTEL_OK);
    ck_assert_uint_eq(otel_resource_attribute_count(m), 0);
    otel_resource_release(m);
    otel_resource_release(old);
    otel_resource_release(upd);
}
END_TEST

static otel_resource *res_schema(const char *url) {
    otel_resource *r;
    otel_attr a[] = {OTEL_ATTR_STR("k", url ? url : "none")};
    ck_assert_int_eq(otel_resource_new(&r, a, 1, url, url ? strlen(url) : 0), OTEL_OK);
    return r;
}

static void check_merge_schema(const char *old_url, const char *upd_url, const char *want) {
    otel_resource *o = res_schema(old_url), *u = res_schema(upd_url), *m;
    ck_assert_int_eq(otel_resource_merge(&m, o, u), OTEL_OK);
    ck_assert_str_eq(otel_resource_schema_url(m, NULL), want);
    otel_resource_release(m);
    otel_resource_release(o);
    otel_resource_release(u);
}

START_TEST(test_resource_merge_schema_url_rules) {
    fx_log_capture();
    check_merge_schema(NULL, NULL, "");
    check_merge_schema(NULL, "https://s/upd", "https://s/upd"); /* only one set: that one */
    check_merge_schema("https://s/old", NULL, "https://s/old");
    check_merge_schema("https://s/same", "https://s/same", "https://s/same");
    ck_assert(!fx_logged("schema"));
    /* both set and different: a merging error; the old URL is kept and reported */
    check_merge_schema("https://s/old", "https://s/new", "https://s/old");
    ck_assert(fx_logged("schema URLs differ"));
}
END_TEST

/* The executable's file name, read independently of the library. */
static const char *exe_basename(char *buf, size_t cap) {
    ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    return basename(buf);
}

START_TEST(test_resource_default_has_sdk_and_unknown_service) {
    unsetenv("OTEL_SERVICE_NAME");
    unsetenv("OTEL_RESOURCE_ATTRIBUTES");
    otel_resource *r = res_default();
    assert_res_str(r, "telemetry.sdk.name", "opentelemetry");
    assert_res_str(r, "telemetry.sdk.language", "c");
    assert_res_str(r, "telemetry.sdk.version", otel_version());
    char path[4096], want[4200];
    snprintf(want, sizeof want, "unknown_service:%s", exe_basename(path, sizeof path));
    assert_res_str(r, "service.name", want);
    ck_assert_uint_eq(otel_resource_attribute_count(r), 4);
    otel_resource_release(r);
}
END_TEST

START_TEST(test_service_name_env_beats_resource_attributes) {
    setenv("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs,team=payments", 1);
    setenv("OTEL_SERVICE_NAME", "checkout", 1);
    otel_resource *r = res_default();
    assert_res_str(r, "service.name", "checkout");
    assert_res_str(r, "team", "payments");
    otel_resource_release(r);

    unsetenv("OTEL_SERVICE_NAME");
    r = res_default();
    assert_res_str(r, "service.name", "from-attrs");
    otel_resource_release(r);

    setenv("OTEL_SERVICE_NAME", "", 1); /* empty is unset */
    r = res_default();
    assert_res_str(r, "service.name", "from-attrs");
    otel_resource_release(r);
}
END_TEST

START_TEST(test_resource_attributes_env_percent_decoded) {
    unsetenv("OTEL_SERVICE_NAME");
    setenv("OTEL_RESOURCE_ATTRIBUTES",
           "list=a%2Cb, k%3Dx = v%20w ,city=M%C3%BCnchen,empty=,,pct=100%25", 1);
    otel_resource *r = res_default();
    assert_res_str(r, "list", "a,b");
    assert_res_str(r, "k=x", "v w"); /* spaces around key and value are trimmed */
    assert_res_str(r, "city", "M\xc3\xbcnchen");
    assert_res_str(r, "empty", "");
    assert_res_str(r, "pct", "100%");
    ck_assert_uint_eq(otel_resource_attribute_count(r), 4 + 5);
    otel_resource_release(r);
}
END_TEST

static void check_discarded(const char *value) {
    fx_log_capture();
    setenv("OTEL_RESOURCE_ATTRIBUTES", value, 1);
    otel_resource *r = res_default();
    ck_assert_msg(!res_has(r, "good"), "'%s' must discard the whole variable", value);
    ck_assert_msg(fx_logged("OTEL_RESOURCE_ATTRIBUTES"), "'%s' must be reported", value);
    ck_assert(res_has(r, "telemetry.sdk.name"));
    ck_assert(res_has(r, "service.name"));
    otel_resource_release(r);
}

START_TEST(test_resource_attributes_decode_error_discards_whole_variable) {
    unsetenv("OTEL_SERVICE_NAME");
    check_discarded("good=1,bad=%zz");    /* not hex */
    check_discarded("good=1,bad=%4");     /* truncated escape */
    check_discarded("good=1,bad=%");      /* lone percent */
}
END_TEST

/* (a second test: the SDK reports one message kind at most 5 times per 10 s) */
START_TEST(test_resource_attributes_malformed_entry_discards_whole_variable) {
    unsetenv("OTEL_SERVICE_NAME");
    check_discarded("good=1,bad=%FF%FE"); /* decodes to invalid UTF-8 */
    check_discarded("good=1,novalue");    /* no '=' */
    check_discarded("good=1,=v");         /* empty key */
}
END_TEST

START_TEST(test_resource_refcounted_and_shared) {
    otel_resource *r = res_schema("https://s/1");
    ck_assert_ptr_eq(otel_resource_retain(r), r);
    otel_resource_release(r);
    ck_assert_uint_eq(otel_resource_attribute_count(r), 1); /* still alive */
    otel_resource_release(r);
}
END_TEST

START_TEST(test_provider_resource_code_wins_over_env) {
    setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=env,host.name=h1", 1);
    setenv("OTEL_SERVICE_NAME", "env-service", 1);
    otel_attr code[] = {OTEL_ATTR_STR("deployment.environment", "code")};
    otel_resource *cr;
    ck_assert_int_eq(otel_resource_new(&cr, code, 1, NULL, 0), OTEL_OK);
    otel_options *o = fx_opts((const char *const[]){"OTEL_SERVICE_NAME", "code-service", NULL});
    ck_assert_int_eq(otel_options_set_resource(o, cr), OTEL_OK);
    otel_resource_release(cr); /* the options hold their own reference */
    fx f;
    fx_open(&f, o);
    const otel_resource *r = otel_tracer_provider_resource(f.tp);
    assert_res_str(r, "deployment.environment", "code");
    assert_res_str(r, "host.name", "h1");
    assert_res_str(r, "service.name", "code-service");
    assert_res_str(r, "telemetry.sdk.language", "c");
    /* every span carries the provider's resource */
    const otel_span_data *d = fx_end(&f, otel_tracer_start_span(f.tracer, "s", 0, NULL));
    ck_assert_ptr_eq(otel_span_data_resource(d), r);
    otel_span_data_release(d);
    fx_close(&f);
}
END_TEST

FX_MAIN("resource", NULL, NULL,
        test_resource_from_attributes_later_duplicate_wins,
        test_resource_bad_arguments_fail_with_message,
        test_resource_merge_updating_wins,
        test_resource_merge_schema_url_rules,
        test_resource_default_has_sdk_and_unknown_service,
        test_service_name_env_beats_resource_attributes,
        test_resource_attributes_env_percent_decoded,
        test_resource_attributes_decode_error_discards_whole_variable,
        test_resource_attributes_malformed_entry_discards_whole_variable,
        test_resource_refcounted_and_shared,
        test_provider_resource_code_wins_over_env)
