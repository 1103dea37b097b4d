/* Strict options (otel_options_set_strict): a bad value set in code makes
 * the constructor that reads it fail with a message naming the option; the
 * same value from the environment, or on a handle that is not strict,
 * keeps the specification's rule (a warning and the default). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "otel/otel.h"
#include "trace/trace_fixture.h"

static void clean_env(void) { unsetenv("OTEL_TRACES_SAMPLER"); }

static otel_options *strict_with(const char *name, const char *value) {
    otel_options *o;
    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    ck_assert_int_eq(otel_options_set_strict(o, 1), OTEL_OK);
    otel_options_set(o, "OTEL_TRACES_EXPORTER", "none");
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "none");
    if (name) ck_assert_int_eq(otel_options_set(o, name, value), OTEL_OK);
    return o;
}

/* tracer_provider_new with one bad option fails and names it. */
static void tracer_rejects(const char *name, const char *value) {
    otel_options *o = strict_with(name, value);
    otel_tracer_provider *tp = NULL;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(tp);
    const char *why = otel_last_error();
    ck_assert_msg(strstr(why, name) && strstr(why, value), "message '%s' names neither %s nor %s", why,
                  name, value);
    otel_options_free(o);
}

START_TEST(test_bad_values_in_code_fail_the_tracer_provider) {
    tracer_rejects("OTEL_TRACES_SAMPLER", "bogus");
    tracer_rejects("OTEL_SDK_DISABLED", "yes");
    tracer_rejects("OTEL_SPAN_EVENT_COUNT_LIMIT", "-5");
    tracer_rejects("OTEL_TRACES_EXPORTER", "zipkin");
    /* the ratio is read by the ratio samplers only */
    otel_options *o = strict_with("OTEL_TRACES_SAMPLER", "parentbased_traceidratio");
    otel_options_set(o, "OTEL_TRACES_SAMPLER_ARG", "abc");
    otel_tracer_provider *tp = NULL;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(otel_last_error(), "OTEL_TRACES_SAMPLER_ARG"));
    otel_options_free(o);
    /* read by the default batch processor and OTLP exporter inside */
    o = strict_with(NULL, NULL);
    otel_options_set(o, "OTEL_TRACES_EXPORTER", "otlp");
    otel_options_set(o, "OTEL_BSP_MAX_QUEUE_SIZE", "-5");
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(otel_last_error(), "OTEL_BSP_MAX_QUEUE_SIZE"));
    otel_options_set(o, "OTEL_BSP_MAX_QUEUE_SIZE", "100");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon");
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(otel_last_error(), "OTEL_EXPORTER_OTLP_PROTOCOL"));
    otel_options_free(o);
}
END_TEST

START_TEST(test_a_fixed_value_is_judged_again) {
    otel_options *o = strict_with("OTEL_TRACES_SAMPLER", "bogus");
    otel_tracer_provider *tp = NULL;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_ERR_INVALID_ARGUMENT);
    otel_options_set(o, "OTEL_TRACES_SAMPLER", "always_off");
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_tracer_provider_release(tp);
    otel_options_free(o);
}
END_TEST

START_TEST(test_environment_and_lenient_handles_keep_the_spec_rule) {
    setenv("OTEL_TRACES_SAMPLER", "bogus", 1);
    otel_options *o = strict_with(NULL, NULL);
    otel_tracer_provider *tp = NULL;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK); /* from the environment: a warning */
    otel_tracer_provider_release(tp);
    otel_options_free(o);
    unsetenv("OTEL_TRACES_SAMPLER");
    otel_options_new(&o);
    otel_options_set(o, "OTEL_TRACES_EXPORTER", "none");
    otel_options_set(o, "OTEL_TRACES_SAMPLER", "bogus");
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK); /* not strict */
    otel_tracer_provider_release(tp);
    otel_options_free(o);
    ck_assert_int_eq(otel_options_set_strict(NULL, 1), OTEL_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(test_meter_provider_propagators_and_processor) {
    otel_options *o = strict_with("OTEL_METRIC_EXPORT_INTERVAL", "soon");
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "otlp");
    otel_meter_provider *mp = NULL;
    ck_assert_int_eq(otel_meter_provider_new(&mp, o), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(otel_last_error(), "OTEL_METRIC_EXPORT_INTERVAL"));
    otel_options_free(o);
    o = strict_with("OTEL_METRICS_EXEMPLAR_FILTER", "sometimes");
    ck_assert_int_eq(otel_meter_provider_new(&mp, o), OTEL_ERR_INVALID_ARGUMENT);
    otel_options_free(o);
    o = strict_with("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "weekly");
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "otlp");
    ck_assert_int_eq(otel_meter_provider_new(&mp, o), OTEL_ERR_INVALID_ARGUMENT);
    otel_options_free(o);

    o = strict_with("OTEL_PROPAGATORS", "tracecontext,bogus");
    otel_propagator *p = NULL;
    ck_assert_int_eq(otel_propagator_from_env(&p, o), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(otel_last_error(), "bogus"));
    otel_options_set(o, "OTEL_PROPAGATORS", "tracecontext,b3");
    ck_assert_int_eq(otel_propagator_from_env(&p, o), OTEL_OK);
    otel_propagator_release(p);
    otel_options_free(o);

    o = strict_with("OTEL_BSP_SCHEDULE_DELAY", "later");
    otel_exporter *e;
    otel_exporter_in_memory_new(&e);
    otel_processor *bp = NULL;
    ck_assert_int_eq(otel_processor_batch_new(&bp, e, o), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(bp);
    otel_exporter_release(e);
    otel_options_free(o);

    o = strict_with("OTEL_RESOURCE_ATTRIBUTES", "a=b,broken");
    otel_tracer_provider *tp = NULL;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_ERR_INVALID_ARGUMENT);
    otel_options_free(o);
}
END_TEST

FX_MAIN("strict_options", clean_env, NULL,
        test_bad_values_in_code_fail_the_tracer_provider,
        test_a_fixed_value_is_judged_again,
        test_environment_and_lenient_handles_keep_the_spec_rule,
        test_meter_provider_propagators_and_processor)
