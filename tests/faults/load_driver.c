/* Load driver for the fault scenarios (tests/faults/load.py): N threads end
 * spans at a total rate for S seconds through the batch processor and the
 * OTLP exporter the environment configures, while the main thread samples
 * RSS; then shutdown(M ms). Prints one JSON line: span_end latency
 * (p50, p99.9, max), RSS samples, shutdown time, and the provider's stats.
 *
 *   load_driver THREADS SPANS_PER_SECOND SECONDS SHUTDOWN_MS
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "otel/otel.h"

static otel_tracer *tracer;
static int threads;
static double per_thread_rate;
static uint64_t stop_at_ns;

/* span_end latency in log2 buckets of nanoseconds, summed over threads */
#define BUCKETS 48
static _Atomic uint64_t hist[BUCKETS];
static _Atomic uint64_t max_ns, ended;

static uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *producer(void *arg) {
    (void)arg;
    uint64_t local[BUCKETS] = {0}, local_max = 0, n = 0;
    uint64_t t0 = mono_ns();
    while (mono_ns() < stop_at_ns) {
        otel_span *s = otel_tracer_start_span(tracer, "load", 0, NULL);
        otel_span_set_attribute_str(s, "http.route", "/api/items");
        otel_span_set_attribute_i64(s, "http.status_code", 200);
        uint64_t a = mono_ns();
        otel_span_end(s);
        uint64_t d = mono_ns() - a;
        int b = d ? 64 - __builtin_clzll(d) : 0;
        local[b < BUCKETS ? b : BUCKETS - 1]++;
        if (d > local_max) local_max = d;
        n++;
        /* pace to the rate: sleep until this span's slot */
        uint64_t due = t0 + (uint64_t)((double)n * 1e9 / per_thread_rate);
        uint64_t now = mono_ns();
        if (due > now + 200000) {
            struct timespec ts = {(time_t)((due - now) / 1000000000ull), (long)((due - now) % 1000000000ull)};
            nanosleep(&ts, NULL);
        }
    }
    for (int i = 0; i < BUCKETS; i++) atomic_fetch_add(&hist[i], local[i]);
    uint64_t m = atomic_load(&max_ns);
    while (local_max > m && !atomic_compare_exchange_weak(&max_ns, &m, local_max)) {}
    atomic_fetch_add(&ended, n);
    return NULL;
}

/* The upper bound of the bucket holding quantile q. */
static uint64_t quantile(double q) {
    uint64_t total = 0, seen = 0;
    for (int i = 0; i < BUCKETS; i++) total += atomic_load(&hist[i]);
    for (int i = 0; i < BUCKETS; i++) {
        seen += atomic_load(&hist[i]);
        if ((double)seen >= q * (double)total) return i ? (1ull << i) : 1;
    }
    return atomic_load(&max_ns);
}

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) v = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return v;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: load_driver THREADS SPANS_PER_SECOND SECONDS SHUTDOWN_MS\n");
        return 2;
    }
    threads = atoi(argv[1]);
    double rate = atof(argv[2]), seconds = atof(argv[3]);
    uint32_t shutdown_ms = (uint32_t)atoi(argv[4]);
    if (threads < 1 || threads > 64 || rate <= 0 || seconds <= 0) return 2;
    per_thread_rate = rate / threads;
    otel_tracer_provider *tp;
    if (otel_tracer_provider_new(&tp, NULL) != OTEL_OK) {
        printf("{\"error\":\"provider: %s\"}\n", otel_last_error());
        return 1;
    }
    tracer = otel_tracer_provider_get_tracer(tp, "load", NULL, NULL);
    stop_at_ns = mono_ns() + (uint64_t)(seconds * 1e9);
    pthread_t th[64];
    for (int i = 0; i < threads; i++) pthread_create(&th[i], NULL, producer, NULL);
    char rss[4096];
    size_t used = 0;
    rss[0] = '\0';
    while (mono_ns() < stop_at_ns) { /* RSS every 250 ms */
        struct timespec ts = {0, 250000000};
        nanosleep(&ts, NULL);
        if (used < sizeof rss - 32)
            used += (size_t)snprintf(rss + used, sizeof rss - used, "%s%ld", used ? "," : "", rss_kib());
    }
    for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
    uint64_t t0 = mono_ns();
    otel_status ss = otel_tracer_provider_shutdown(tp, shutdown_ms);
    uint64_t shut_ms = (mono_ns() - t0) / 1000000;
    static char stats[8192];
    otel_tracer_provider_stats_json(tp, stats, sizeof stats);
    printf("{\"ended\":%llu,\"span_end_p50_ns\":%llu,\"span_end_p999_ns\":%llu,\"span_end_max_ns\":%llu,"
           "\"rss_kib\":[%s],\"shutdown\":\"%s\",\"shutdown_ms\":%llu,\"stats\":%s}\n",
           (unsigned long long)atomic_load(&ended), (unsigned long long)quantile(0.5),
           (unsigned long long)quantile(0.999), (unsigned long long)atomic_load(&max_ns), rss,
           otel_status_str(ss), (unsigned long long)shut_ms, stats);
    otel_tracer_provider_release(tp);
    return 0;
}
