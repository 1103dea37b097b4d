/* otel-test: internal */
/* The option table as public data (otel_option_next, otel_option_by_name and
 * the accessors), otel_options_set() accepting exactly its names, and a read
 * of a name missing from the table failing the test build. */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sdk/options.h"

#include "otel/otel.h"
#include "trace/trace_fixture.h"

START_TEST(test_walk_visits_every_entry_once_with_its_attributes) {
    size_t n = 0;
    for (const otel_option_info *i = otel_option_next(NULL); i; i = otel_option_next(i), n++) {
        const char *name = otel_option_info_name(i);
        ck_assert_ptr_nonnull(name);
        ck_assert_msg(strncmp(name, "OTEL_", 5) == 0, "%s lacks the OTEL_ prefix", name);
        ck_assert_ptr_eq(otel_option_by_name(name), i); /* unique and found again */
        const char *d = otel_option_info_description(i);
        ck_assert_msg(d && d[0] && !strchr(d, '\n'), "%s: a one-line description", name);
        int t = otel_option_info_type(i);
        ck_assert_int_ge(t, OTEL_OPTION_STRING);
        ck_assert_int_le(t, OTEL_OPTION_KEY_VALUES);
        const char *c = otel_option_info_choices(i);
        ck_assert_msg((t == OTEL_OPTION_ENUM || t == OTEL_OPTION_LIST) == (c != NULL),
                      "%s: choices exactly for enum and list options", name);
        const char *def = otel_option_info_default(i);
        if (def && c) { /* a default is one of the choices (a list: each item) */
            char *copy = strdup(def);
            for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
                size_t len = strlen(tok);
                const char *hit = strstr(c, tok);
                ck_assert_msg(hit && (hit == c || hit[-1] == ',') && (hit[len] == ',' || !hit[len]),
                              "%s: default %s not among %s", name, tok, c);
            }
            free(copy);
        }
        if (def && (t == OTEL_OPTION_INT || t == OTEL_OPTION_DURATION)) {
            char *end;
            strtoll(def, &end, 10);
            ck_assert_msg(!*end, "%s: default %s is not an integer", name, def);
        }
        if (def && t == OTEL_OPTION_BOOL)
            ck_assert_msg(!strcmp(def, "true") || !strcmp(def, "false"), "%s: default %s", name, def);
    }
    ck_assert_uint_eq(n, otel_option_count());
    ck_assert_uint_gt(n, 40);
}
END_TEST

START_TEST(test_lookup_and_bad_input) {
    const otel_option_info *i = otel_option_by_name("OTEL_BSP_SCHEDULE_DELAY");
    ck_assert_ptr_nonnull(i);
    ck_assert_int_eq(otel_option_info_type(i), OTEL_OPTION_DURATION);
    ck_assert_str_eq(otel_option_info_default(i), "5000");
    i = otel_option_by_name("OTEL_TRACES_EXPORTER");
    ck_assert_int_eq(otel_option_info_type(i), OTEL_OPTION_ENUM);
    ck_assert_str_eq(otel_option_info_choices(i), "otlp,console,none");
    ck_assert_int_eq(otel_option_info_type(otel_option_by_name("OTEL_PROPAGATORS")), OTEL_OPTION_LIST);
    ck_assert_int_eq(otel_option_info_type(otel_option_by_name("OTEL_EXPORTER_OTLP_HEADERS")),
                     OTEL_OPTION_KEY_VALUES);
    ck_assert_ptr_null(otel_option_info_default(otel_option_by_name("OTEL_SERVICE_NAME")));
    /* pointer + length: the name need not end there */
    ck_assert_ptr_eq(otel_option_by_name_n("OTEL_SERVICE_NAMEXYZ", 17), otel_option_by_name("OTEL_SERVICE_NAME"));
    ck_assert_ptr_null(otel_option_by_name_n("OTEL_SERVICE_NAME", 16));
    ck_assert_ptr_null(otel_option_by_name_n("OTEL_SDK\0DISABLED", 17)); /* an embedded NUL */
    ck_assert_ptr_null(otel_option_by_name("otel_service_name"));
    ck_assert_ptr_null(otel_option_by_name(""));
    ck_assert_ptr_null(otel_option_by_name(NULL));
    ck_assert_ptr_null(otel_option_by_name_n(NULL, 5));
    /* NULL entries and pointers from elsewhere are harmless */
    ck_assert_ptr_null(otel_option_info_name(NULL));
    ck_assert_ptr_null(otel_option_info_default(NULL));
    ck_assert_ptr_null(otel_option_info_choices(NULL));
    ck_assert_ptr_null(otel_option_info_description(NULL));
    ck_assert_int_eq(otel_option_info_type(NULL), OTEL_OPTION_STRING);
    static const char not_an_entry[64];
    ck_assert_ptr_null(otel_option_next((const otel_option_info *)not_an_entry));
    const otel_option_info *last = NULL;
    for (const otel_option_info *j = otel_option_next(NULL); j; j = otel_option_next(j)) last = j;
    ck_assert_ptr_null(otel_option_next(last));
}
END_TEST

/* The handle accepts every name in the table and nothing else. */
START_TEST(test_set_accepts_exactly_the_table) {
    otel_options *lenient, *strict;
    ck_assert_int_eq(otel_options_new(&lenient), OTEL_OK);
    ck_assert_int_eq(otel_options_new(&strict), OTEL_OK);
    otel_options_set_strict(strict, 1);
    for (const otel_option_info *i = otel_option_next(NULL); i; i = otel_option_next(i)) {
        const char *name = otel_option_info_name(i);
        ck_assert_msg(otel_options_set(lenient, name, "x") == OTEL_OK, "%s refused", name);
        ck_assert_msg(otel_options_set(strict, name, "x") == OTEL_OK, "%s refused (strict)", name);
        ck_assert_str_eq(otel_options_get(lenient, name), "x");
    }
    /* names of the specification nothing here reads yet (Prometheus, the
     * configuration file, resource detectors, Zipkin): both refuse them */
    static const char *const unread[] = {
        "OTEL_EXPORTER_PROMETHEUS_PORT", "OTEL_EXPORTER_PROMETHEUS_HOST", "OTEL_CONFIG_FILE",
        "OTEL_EXPERIMENTAL_CONFIG_FILE", "OTEL_RESOURCE_DETECTORS", "OTEL_EXPORTER_ZIPKIN_ENDPOINT", NULL};
    for (int k = 0; unread[k]; k++) {
        ck_assert_ptr_null(otel_option_by_name(unread[k]));
        ck_assert_int_eq(otel_options_set(lenient, unread[k], "x"), OTEL_ERR_NOT_FOUND);
        ck_assert_int_eq(otel_options_set(strict, unread[k], "x"), OTEL_ERR_NOT_FOUND);
        ck_assert_ptr_nonnull(strstr(otel_last_error(), unread[k]));
    }
    otel_options_free(lenient);
    otel_options_free(strict);
}
END_TEST

/* A value set in code for OTEL_LOG_LEVEL takes effect when a provider is
 * built (sdk/pipeline.c applies it). */
START_TEST(test_log_level_in_code_takes_effect) {
    fx_log_capture();
    otel_options *o = fx_opts((const char *const[]){"OTEL_LOG_LEVEL", "none",
                                                    "OTEL_TRACES_SAMPLER", "bogus", NULL});
    otel_tracer_provider *tp = NULL;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_tracer_provider_release(tp);
    ck_assert(!fx_logged("OTEL_TRACES_SAMPLER")); /* its warning is below "none" */
    otel_options_set(o, "OTEL_LOG_LEVEL", "warn");
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_tracer_provider_release(tp);
    ck_assert(fx_logged("OTEL_TRACES_SAMPLER"));
    otel_options_free(o);
    otel_set_log_level(OTEL_LOG_INFO);
}
END_TEST

/* A module reading a name the table lacks is a bug the tests must catch:
 * in the test build the read aborts. */
START_TEST(test_reading_an_unlisted_name_aborts_the_test_build) {
    ck_assert_ptr_null(otel__opt_str(NULL, NULL));
    setenv("OTEL_SERVICE_NAME", "svc", 1);
    ck_assert_str_eq(otel__opt_str(NULL, "OTEL_SERVICE_NAME"), "svc");
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        otel__opt_str(NULL, "OTEL_NOT_IN_THE_TABLE");
        _exit(0);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d", status);
    /* the public getter is not a module read: any name, no abort */
    setenv("OTEL_NOT_IN_THE_TABLE", "v", 1);
    ck_assert_str_eq(otel_options_get(NULL, "OTEL_NOT_IN_THE_TABLE"), "v");
}
END_TEST

FX_MAIN("option_table", NULL, NULL,
        test_reading_an_unlisted_name_aborts_the_test_build,
        test_walk_visits_every_entry_once_with_its_attributes,
        test_lookup_and_bad_input,
        test_set_accepts_exactly_the_table,
        test_log_level_in_code_takes_effect)
