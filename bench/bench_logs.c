/* Log emit benchmarks. Prints one JSON object per line:
 *   {"name":"logs.emit.attrs3","value":120.0,"unit":"ns/op",...}
 * logs.emit.attrs3: a record with a string body and three attributes
 * through the batch processor into an exporter that does nothing (what is
 * measured is the emitting thread's cost; exported and dropped say whether
 * the worker kept up). logs.emit.disabled: the same call with no SDK
 * installed (the global no-op provider). Best of several rounds. */
#include <otel/otel.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS 7

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int noop_export(const otel_log_record *const *r, size_t n, void *u) {
    (void)r, (void)n, (void)u;
    return OTEL_EXPORT_SUCCESS;
}

static void emit(otel_logger *lg, long iters) {
    otel_attr a[] = {OTEL_ATTR_STR("http.method", "GET"), OTEL_ATTR_I64("http.status_code", 200),
                     OTEL_ATTR_STR("user.id", "u-12345")};
    for (long i = 0; i < iters; i++) otel_logger_emit_str(lg, OTEL_SEVERITY_INFO, "request served", a, 3);
}

static double best_of(otel_logger_provider *lp, otel_logger *lg, long iters) {
    double best = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t0 = now_ns();
        emit(lg, iters);
        double ns = (double)(now_ns() - t0) / (double)iters;
        if (ns < best) best = ns;
        if (lp) otel_logger_provider_force_flush(lp, 10000);
    }
    return best;
}

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 200000;
    otel_log_exporter *e;
    otel_log_exporter_custom_new(&e, noop_export, NULL, NULL, NULL, NULL);
    otel_log_processor *p;
    otel_log_processor_batch_new(&p, e, NULL);
    otel_log_exporter_release(e);
    otel_logger_provider *lp;
    if (otel_logger_provider_new_with(&lp, NULL, &p, 1) != OTEL_OK) {
        fprintf(stderr, "bench_logs: %s\n", otel_last_error());
        return 1;
    }
    otel_log_processor_release(p);
    otel_logger *lg = otel_logger_provider_get_logger(lp, "bench", NULL, NULL);
    emit(lg, iters / 10); /* warm the allocator and the worker */
    otel_logger_provider_force_flush(lp, 10000);
    double ns = best_of(lp, lg, iters);
    otel_logger_provider_shutdown(lp, 10000);
    uint64_t st[OTEL_LOG_STAT__COUNT];
    otel_logger_provider_get_stats(lp, st, OTEL_LOG_STAT__COUNT);
    printf("{\"name\":\"logs.emit.attrs3\",\"value\":%.1f,\"unit\":\"ns/op\",\"threads\":1,"
           "\"target\":150,\"exported\":%llu,\"dropped_queue_full\":%llu}\n",
           ns, (unsigned long long)st[OTEL_LOG_STAT_RECORDS_EXPORTED],
           (unsigned long long)st[OTEL_LOG_STAT_DROPPED_QUEUE_FULL]);
    otel_logger_provider_release(lp);

    otel_logger *off = otel_logger_provider_get_logger(otel_logger_provider_global(), "bench", NULL, NULL);
    ns = best_of(NULL, off, iters * 10);
    printf("{\"name\":\"logs.emit.disabled\",\"value\":%.2f,\"unit\":\"ns/op\",\"threads\":1}\n", ns);
    return 0;
}
