/* Options + environment -> each provider's pipeline (see sdk/pipeline.h).
 * Only public constructors below: the modules of each signal know nothing
 * of how their defaults are chosen. */
#include <stdlib.h>

#include "common/log.h"
#include "common/resource.h"
#include "sdk/options.h"
#include "sdk/pipeline.h"
#include "otel/export.h"
#include "otel/otlp.h"
#include "otel/sampler.h"

/* ---- diagnostics and resource ---- */

void otel__sdk_log_level(const otel_options *o) {
    /* only a value set in code: the environment's is read on first use */
    const char *v = o ? otel__opt_str(o, "OTEL_LOG_LEVEL") : NULL;
    if (v && v != getenv("OTEL_LOG_LEVEL")) otel_set_log_level(otel__log_parse_level(v, OTEL_LOG_INFO));
}

static otel_status default_resource(otel_resource **out, const otel_options *opts) {
    int malformed = 0;
    otel_status st = otel__resource_default_from(out, otel__opt_str(opts, "OTEL_RESOURCE_ATTRIBUTES"),
                                                 otel__opt_str(opts, "OTEL_SERVICE_NAME"), &malformed);
    if (malformed) {
        OTEL_LOG_W("OTEL_RESOURCE_ATTRIBUTES is malformed; the whole variable is ignored");
        otel__options_reject(opts, "OTEL_RESOURCE_ATTRIBUTES",
                             "OTEL_RESOURCE_ATTRIBUTES: malformed (key=value,key=value, "
                             "values percent-encoded)");
    }
    return st;
}

OTEL_API otel_status otel_resource_default(otel_resource **out) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_resource_default: out is NULL");
    return default_resource(out, NULL);
}

otel_status otel__sdk_resource(otel_resource **out, const otel_options *opts) {
    otel_resource *base = NULL;
    otel_status st = default_resource(&base, opts);
    if (st != OTEL_OK) return st;
    otel_resource *user = otel__options_resource(opts);
    if (!user) {
        *out = base;
        return OTEL_OK;
    }
    st = otel_resource_merge(out, base, user);
    otel_resource_release(base);
    return st;
}

/* ---- traces ---- */

otel_sampler *otel__sdk_sampler(const otel_options *opts) {
    otel_sampler *s = otel__options_sampler(opts);
    if (s) return otel_sampler_retain(s);
    static const char *const names[] = {
        "always_on", "always_off", "traceidratio", "parentbased_always_on",
        "parentbased_always_off", "parentbased_traceidratio", NULL};
    int which = otel__opt_enum(opts, "OTEL_TRACES_SAMPLER", names, 3);
    double ratio = 1.0;
    if (which == 2 || which == 5)
        ratio = otel__opt_double(opts, "OTEL_TRACES_SAMPLER_ARG", 1.0, 0.0, 1.0);
    otel_sampler *base = NULL;
    switch (which) {
    case 0: case 3: base = otel_sampler_always_on(); break;
    case 1: case 4: base = otel_sampler_always_off(); break;
    default:
        if (otel_sampler_traceidratio_new(&base, ratio) != OTEL_OK) base = NULL;
    }
    if (which < 3 || !base) return base;
    otel_sampler *pb = NULL;
    otel_sampler_parentbased_new(&pb, base, NULL, NULL, NULL, NULL);
    otel_sampler_release(base);
    return pb;
}

/* The default batch processor's exporter: the file exporter when
 * OTEL_CORE_EXPORTER_FILE_PATH is set, else OTLP. */
static otel_status span_exporter(otel_exporter **out, const otel_options *opts) {
    const char *path = otel__opt_str(opts, "OTEL_CORE_EXPORTER_FILE_PATH");
    if (path) return otel_exporter_file_new(out, path);
    return otel_exporter_otlp_new(out, opts);
}

static otel_status default_processor(otel_processor **out, const otel_options *opts) {
    static const char *const names[] = {"otlp", "console", "none", NULL};
    int which = otel__opt_enum(opts, "OTEL_TRACES_EXPORTER", names, 0);
    *out = NULL;
    otel_exporter *e = NULL;
    otel_status st = OTEL_OK;
    if (which == 2) return OTEL_OK;
    if (which == 1) {
        st = otel_exporter_console_new(&e, -1);
        if (st == OTEL_OK) st = otel_processor_simple_new(out, e);
    } else {
        st = span_exporter(&e, opts);
        if (st == OTEL_OK) st = otel_processor_batch_new(out, e, opts);
    }
    otel_exporter_release(e);
    /* strict options that failed: the provider reports it, no warning */
    if (st != OTEL_OK && !otel__options_failed(opts))
        OTEL_LOG_W("no span exporter: %s", otel_last_error());
    return st;
}

size_t otel__sdk_span_processors(otel_processor **out, size_t cap, const otel_options *opts,
                                 int disabled) {
    otel_processor *const *procs;
    size_t n = otel__options_processors(opts, &procs);
    if (n > cap) n = cap;
    for (size_t i = 0; i < n; i++) out[i] = otel_processor_retain(procs[i]);
    if (n || disabled || !cap) return n;
    otel_processor *p = NULL;
    if (default_processor(&p, opts) != OTEL_OK || !p) return 0;
    out[0] = p;
    return 1;
}

/* ---- metrics ---- */

otel_status otel__sdk_metric_reader(otel_metric_reader **out, const otel_options *opts) {
    static const char *const names[] = {"otlp", "none", "console", NULL};
    int which = otel__opt_enum(opts, "OTEL_METRICS_EXPORTER", names, 0);
    *out = NULL;
    if (which == 1) return OTEL_OK;
    if (which == 2) return otel_metric_reader_console_new(out, opts);
    return otel_metric_reader_otlp_new(out, opts);
}
