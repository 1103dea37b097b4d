/* The tracer provider the span benchmarks measure (bench_trace.c and
 * callgrind_workloads.c): a sampler by name and, with `batch`, the batch
 * processor in front of an exporter that drops everything. Exits on error. */
#ifndef OTEL_BENCH_TRACE_PROVIDER_H
#define OTEL_BENCH_TRACE_PROVIDER_H

#include <otel/otel.h>
#include <stdio.h>
#include <stdlib.h>

static int noop_export(const otel_span_data *const *spans, size_t n, void *ud) {
    (void)spans;
    (void)n;
    (void)ud;
    return OTEL_EXPORT_SUCCESS;
}

static otel_tracer_provider *provider(const char *sampler, int batch) {
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_TRACES_SAMPLER", sampler);
    otel_options_set(o, "OTEL_TRACES_EXPORTER", "none");
    if (batch) {
        otel_exporter *e;
        otel_processor *p;
        otel_exporter_custom_new(&e, noop_export, NULL);
        otel_options_set(o, "OTEL_BSP_MAX_QUEUE_SIZE", "65536");
        otel_processor_batch_new(&p, e, o);
        otel_options_add_processor(o, p);
        otel_processor_release(p);
        otel_exporter_release(e);
    }
    otel_tracer_provider *tp;
    if (otel_tracer_provider_new(&tp, o) != OTEL_OK) {
        fprintf(stderr, "bench: %s\n", otel_last_error());
        exit(1);
    }
    otel_options_free(o);
    return tp;
}

#endif
