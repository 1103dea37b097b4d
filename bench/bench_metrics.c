/* Metrics hot-path benchmarks (JSON lines, ns per measurement, best of 5):
 * counter add with 0, 3 and 10 attributes, a bound counter, histogram
 * record with 3 attributes, each on 1 and 2 threads (the same series);
 * and counter add with 3 attributes cycling over 8 sets (each thread
 * alternating, as a server's requests do). */
#include <otel/otel.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS 5

typedef enum { COUNTER0, COUNTER3, COUNTER3_MIXED, COUNTER10, BOUND, HIST3 } mode;

typedef struct job {
    otel_instrument *inst;
    otel_bound_instrument *bound;
    mode m;
    long iters;
    pthread_barrier_t *barrier;
} job;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static otel_attr a10[10];

static void run(job *j) {
    otel_attr a3[] = {OTEL_ATTR_STR("http.request.method", "GET"),
                      OTEL_ATTR_I64("http.response.status_code", 200),
                      OTEL_ATTR_STR("url.scheme", "https")};
    /* one loop per mode: the loop measures the call, not a dispatch */
    otel_instrument *inst = j->inst;
    otel_bound_instrument *b = j->bound;
    long n = j->iters;
    switch (j->m) {
    case COUNTER0: for (long i = 0; i < n; i++) otel_counter_add_i64(inst, 1, NULL, 0); break;
    case COUNTER3: for (long i = 0; i < n; i++) otel_counter_add_i64(inst, 1, a3, 3); break;
    case COUNTER3_MIXED:
        for (long i = 0; i < n; i++) {
            a3[1].int_value = 200 + (i & 7);
            otel_counter_add_i64(inst, 1, a3, 3);
        }
        break;
    case COUNTER10: for (long i = 0; i < n; i++) otel_counter_add_i64(inst, 1, a10, 10); break;
    case BOUND: for (long i = 0; i < n; i++) otel_bound_record_i64(b, 1); break;
    case HIST3:
        for (long i = 0; i < n; i++) otel_histogram_record_f64(inst, (double)(i & 1023), a3, 3);
        break;
    }
}

static void *thread_main(void *arg) {
    job *j = arg;
    pthread_barrier_wait(j->barrier);
    run(j);
    return NULL;
}

static double round_ns(job proto, int threads) {
    pthread_t th[2];
    job jobs[2];
    pthread_barrier_t b;
    pthread_barrier_init(&b, NULL, (unsigned)threads + 1);
    for (int i = 0; i < threads; i++) {
        jobs[i] = proto;
        jobs[i].barrier = &b;
        pthread_create(&th[i], NULL, thread_main, &jobs[i]);
    }
    pthread_barrier_wait(&b);
    uint64_t t0 = now_ns();
    for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
    uint64_t wall = now_ns() - t0;
    pthread_barrier_destroy(&b);
    return (double)wall / (double)proto.iters;
}

static void bench(const char *name, otel_instrument *inst, mode m, long iters) {
    otel_attr a3[] = {OTEL_ATTR_STR("http.request.method", "GET"),
                      OTEL_ATTR_I64("http.response.status_code", 200),
                      OTEL_ATTR_STR("url.scheme", "https")};
    job proto = {inst, otel_instrument_bind(inst, a3, 3), m, iters, NULL};
    run(&(job){inst, proto.bound, m, iters / 10, NULL}); /* the series exist */
    double one = 0;
    for (int threads = 1; threads <= 2; threads++) {
        double best = 1e30;
        for (int r = 0; r < ROUNDS; r++) {
            double v = round_ns(proto, threads);
            if (v < best) best = v;
        }
        printf("{\"name\":\"%s\",\"value\":%.2f,\"unit\":\"ns/op\",\"threads\":%d", name, best, threads);
        if (threads == 1) one = best;
        else printf(",\"speedup\":%.2f", 2 * one / best);
        printf("}\n");
        fflush(stdout);
    }
    otel_bound_instrument_free(proto.bound);
}

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 2000000;
    static char keys[10][16];
    for (int i = 0; i < 10; i++) {
        snprintf(keys[i], sizeof keys[i], "attribute.%d", i);
        a10[i] = (otel_attr){keys[i], 11, OTEL_VALUE_INT64, 0, i, 0, NULL, 0};
    }
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "none");
    otel_meter_provider *mp;
    otel_meter_provider_new(&mp, o);
    otel_options_free(o);
    otel_metric_reader *r;
    otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE);
    otel_meter_provider_add_reader(mp, r);
    otel_meter *m = otel_meter_provider_get_meter(mp, "bench", NULL, NULL);
    otel_instrument *c = otel_meter_counter_i64(m, "bench.counter", NULL, NULL);
    otel_instrument *h = otel_meter_histogram_f64(m, "bench.histogram", "ms", NULL);
    bench("metrics.counter.add.attrs0", c, COUNTER0, iters);
    bench("metrics.counter.add.attrs3", c, COUNTER3, iters);
    bench("metrics.counter.add.attrs3.mixed8", c, COUNTER3_MIXED, iters);
    bench("metrics.counter.add.attrs10", c, COUNTER10, iters / 2);
    bench("metrics.counter.bound.add", c, BOUND, iters * 5);
    bench("metrics.histogram.record.attrs3", h, HIST3, iters);
    otel_meter_provider *mpe;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "none");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION",
                     "base2_exponential_bucket_histogram");
    otel_meter_provider_new(&mpe, o);
    otel_options_free(o);
    otel_instrument *he = otel_meter_histogram_f64(otel_meter_provider_get_meter(mpe, "bench", NULL, NULL),
                                                   "bench.histogram_exp", "ms", NULL);
    bench("metrics.histogram_exp.record.attrs3", he, HIST3, iters);
    otel_meter_provider_release(mpe);
    otel_metric_reader_release(r);
    otel_meter_provider_release(mp);
    return 0;
}
