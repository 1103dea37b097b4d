/* The hot-path workloads of bench_trace.c and bench_metrics.c, one per run,
 * for callgrind: `callgrind_workloads NAME N` warms up (the series exist,
 * the span caches are full), then makes N calls inside measured(), the only
 * function bench/callgrind.sh collects, so instructions / N is the cost of
 * one call. Instruction counts do not depend on the machine's load, which
 * wall-clock figures here do. */
#include <otel/otel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_provider.h"

static const char *workload;
static otel_tracer *tracer;
static otel_instrument *inst;
static otel_bound_instrument *bound;

static int is(const char *name) { return strcmp(workload, name) == 0; }

static __attribute__((noinline)) void work(long n) {
    otel_context *root = otel_context_root();
    otel_attr a3[] = {OTEL_ATTR_STR("http.request.method", "GET"),
                      OTEL_ATTR_I64("http.response.status_code", 200),
                      OTEL_ATTR_STR("url.scheme", "https")};
    if (tracer) {
        int attrs4 = strstr(workload, "attrs4") != NULL;
        for (long i = 0; i < n; i++) {
            otel_span *s = otel_tracer_start_span(tracer, "bench", OTEL_SPAN_KIND_INTERNAL, root);
            if (attrs4) {
                otel_span_set_attribute_str(s, "http.request.method", "GET");
                otel_span_set_attribute_i64(s, "http.response.status_code", 200);
                otel_span_set_attribute_f64(s, "db.duration", 1.5);
                otel_span_set_attribute_bool(s, "cache.hit", 1);
            }
            otel_span_end(s);
        }
    } else if (is("metrics.counter.add.attrs0")) {
        for (long i = 0; i < n; i++) otel_counter_add_i64(inst, 1, NULL, 0);
    } else if (is("metrics.counter.add.attrs3")) {
        for (long i = 0; i < n; i++) otel_counter_add_i64(inst, 1, a3, 3);
    } else if (is("metrics.counter.add.attrs3.mixed8")) {
        for (long i = 0; i < n; i++) {
            a3[1].int_value = 200 + (i & 7);
            otel_counter_add_i64(inst, 1, a3, 3);
        }
    } else if (is("metrics.counter.bound.add")) {
        for (long i = 0; i < n; i++) otel_bound_record_i64(bound, 1);
    } else {
        for (long i = 0; i < n; i++) otel_histogram_record_f64(inst, (double)(i & 1023), a3, 3);
    }
}

/* What callgrind collects (--toggle-collect=measured). */
__attribute__((noinline)) void measured(long n) { work(n); }

static const char *const names[] = {
    "span.start_end.sampled.attrs0",     "span.start_end.sampled.attrs4",
    "span.start_end.unsampled",          "span.start_end.batch.attrs4",
    "metrics.counter.add.attrs0",        "metrics.counter.add.attrs3",
    "metrics.counter.add.attrs3.mixed8", "metrics.counter.bound.add",
    "metrics.histogram.record.attrs3",   "metrics.histogram_exp.record.attrs3",
    NULL};

int main(int argc, char **argv) {
    int known = 0;
    for (int i = 0; argc == 3 && names[i]; i++) known |= strcmp(argv[1], names[i]) == 0;
    if (!known || atol(argv[2]) <= 0) {
        fprintf(stderr, "usage: callgrind_workloads NAME N (N > 0); NAME one of:\n");
        for (int i = 0; names[i]; i++) fprintf(stderr, "  %s\n", names[i]);
        return 2;
    }
    workload = argv[1];
    long n = atol(argv[2]);
    otel_tracer_provider *tp = NULL;
    otel_meter_provider *mp = NULL;
    if (strncmp(workload, "span.", 5) == 0) {
        tp = provider(is("span.start_end.unsampled") ? "always_off" : "always_on",
                             is("span.start_end.batch.attrs4"));
        tracer = otel_tracer_provider_get_tracer(tp, "bench", NULL, NULL);
    } else { /* as bench_metrics.c's main() */
        otel_options *o;
        otel_options_new(&o);
        otel_options_set(o, "OTEL_METRICS_EXPORTER", "none");
        if (is("metrics.histogram_exp.record.attrs3"))
            otel_options_set(o, "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION",
                             "base2_exponential_bucket_histogram");
        if (otel_meter_provider_new(&mp, o) != OTEL_OK) {
            fprintf(stderr, "callgrind_workloads: %s\n", otel_last_error());
            return 1;
        }
        otel_options_free(o);
        otel_metric_reader *r;
        otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE);
        otel_meter_provider_add_reader(mp, r);
        otel_metric_reader_release(r);
        otel_meter *m = otel_meter_provider_get_meter(mp, "bench", NULL, NULL);
        inst = strstr(workload, "histogram") ? otel_meter_histogram_f64(m, "bench.histogram", "ms", NULL)
                                             : otel_meter_counter_i64(m, "bench.counter", NULL, NULL);
        otel_attr a3[] = {OTEL_ATTR_STR("http.request.method", "GET"),
                          OTEL_ATTR_I64("http.response.status_code", 200),
                          OTEL_ATTR_STR("url.scheme", "https")};
        bound = otel_instrument_bind(inst, a3, 3);
    }
    work(n / 10 + 100); /* warm-up, not collected */
    measured(n);
    otel_bound_instrument_free(bound);
    if (tp) {
        otel_tracer_provider_shutdown(tp, 10000);
        otel_tracer_provider_release(tp);
    }
    otel_meter_provider_release(mp);
    return 0;
}
