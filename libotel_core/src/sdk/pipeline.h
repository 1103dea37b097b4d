/* The one place that turns options and the environment into each
 * provider's pipeline: resource, log level, sampler, span processors and
 * exporters, metric readers. Providers call these as they are built.
 * Everything here is built through the public constructors only, so sdk/
 * includes no header of trace/, export/ or metrics/ (the layering test,
 * tests/layering/check_layers.py, holds it to that). */
#ifndef OTEL_SDK_PIPELINE_H
#define OTEL_SDK_PIPELINE_H

#include <stddef.h>

#include "otel/metrics.h"
#include "otel/options.h"

/* Applies OTEL_LOG_LEVEL when `opts` sets it in code (the environment's
 * value is read on first use). NULL is fine. */
void otel__sdk_log_level(const otel_options *opts);

/* The default resource (SDK attributes, OTEL_RESOURCE_ATTRIBUTES,
 * OTEL_SERVICE_NAME) with the resource set in code merged over it. */
otel_status otel__sdk_resource(otel_resource **out, const otel_options *opts);

/* A new reference to the sampler: the one set in code, else the one
 * OTEL_TRACES_SAMPLER names. NULL only when out of memory. */
otel_sampler *otel__sdk_sampler(const otel_options *opts);

/* The span processors of a tracer provider, each a new reference the caller
 * releases: those added in code, else (unless `disabled`) the one
 * OTEL_TRACES_EXPORTER names (otlp: batch + OTLP or file exporter; console:
 * simple + console; none: nothing). Returns how many were written, at most
 * `cap`. */
size_t otel__sdk_span_processors(otel_processor **out, size_t cap, const otel_options *opts,
                                 int disabled);

/* The reader OTEL_METRICS_EXPORTER names (otlp, console) or *out = NULL
 * (none), with OTEL_OK. */
otel_status otel__sdk_metric_reader(otel_metric_reader **out, const otel_options *opts);

#endif
