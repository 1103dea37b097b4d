/* The C side of the interop and fault tests: builds a provider the way an
 * application does (from the environment: OTEL_EXPORTER_OTLP_* etc., so the
 * OTLP exporter and batch processor come from the provider's defaults),
 * emits spans, flushes, shuts down, and prints one JSON line with what
 * happened: timings, every stat, the last export error.
 *
 *   otlp_driver [fixture|minimal:N] [flush_timeout_ms] [shutdown_timeout_ms]
 *
 * flush_timeout_ms 0 skips the flush (shutdown then does the work). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "otel/otel.h"
#include "../unit/export/otlp_fixture.h"

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "fixture";
    uint32_t flush_ms = argc > 2 ? (uint32_t)atoi(argv[2]) : 10000;
    uint32_t shutdown_ms = argc > 3 ? (uint32_t)atoi(argv[3]) : 10000;

    otel_options *o;
    otel_options_new(&o);
    unsigned ids = 0;
    fix_options(o, &ids);
    /* the interop tests tell runs apart by service name */
    if (getenv("OTEL_SERVICE_NAME")) otel_options_set(o, "OTEL_SERVICE_NAME", getenv("OTEL_SERVICE_NAME"));
    otel_tracer_provider *tp;
    if (otel_tracer_provider_new(&tp, o) != OTEL_OK) {
        printf("{\"error\":\"provider: %s\"}\n", otel_last_error());
        return 2;
    }
    otel_options_free(o);
    if (strncmp(what, "minimal:", 8) == 0) {
        otel_tracer *t = otel_tracer_provider_get_tracer(tp, "driver.minimal", NULL, NULL);
        fix_emit_minimal(t, (size_t)atol(what + 8));
    } else {
        fix_emit(tp);
    }
    uint64_t t0 = now_ms();
    otel_status fs = OTEL_OK;
    if (flush_ms) fs = otel_tracer_provider_force_flush(tp, flush_ms);
    uint64_t t1 = now_ms();
    /* what a user sees while the exporter may still be retrying */
    char flush_error[512];
    otel_tracer_provider_last_error(tp, flush_error, sizeof flush_error);
    for (char *c = flush_error; *c; c++)
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) *c = '\'';
    otel_status ss = otel_tracer_provider_shutdown(tp, shutdown_ms);
    uint64_t t2 = now_ms();
    char stats[4096];
    otel_tracer_provider_stats_json(tp, stats, sizeof stats);
    printf("{\"flush\":\"%s\",\"flush_ms\":%llu,\"flush_last_error\":\"%s\",\"shutdown\":\"%s\","
           "\"shutdown_ms\":%llu,\"stats\":%s}\n",
           otel_status_str(fs), (unsigned long long)(t1 - t0), flush_error, otel_status_str(ss),
           (unsigned long long)(t2 - t1), stats);
    otel_tracer_provider_release(tp);
    return 0;
}
