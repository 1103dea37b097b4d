/* The whole SDK from many threads at once, for ThreadSanitizer (it runs in
 * every build; the TSan build is where it proves something about races).
 *
 * 12 producer threads start and end parent/child spans with attributes,
 * events, links, status and exceptions through a batch processor, attach
 * and detach contexts with baggage, inject and extract through the global
 * propagator, take the global provider, and record a counter, a histogram
 * and a bound up-down counter; meanwhile a periodic reader (cumulative)
 * collects every 5 ms and runs an observable gauge's callback, one thread
 * force-flushes both providers, reads their stats, collects a second,
 * manual reader (delta) and re-installs the global provider, and at the
 * end three threads force-flush while the main thread shuts both down.
 *
 * The figures must add up: every span started is ended, every ended span
 * is exported or counted as dropped (the queue is small on purpose, so
 * the drop path runs concurrently too), the exporter saw exactly what the
 * stats say was exported with every attribute intact, and the last
 * cumulative collection holds every measurement. Prints "N passed, N failed" and exits non-zero on failure. */
#include <otel/otel.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { PRODUCERS = 12, ITERATIONS = 4000, SERIES = 4 };

static otel_tracer_provider *tp;
static otel_tracer *tracer;
static otel_meter_provider *mp;
static otel_instrument *requests, *latency, *inflight, *depth;
static otel_metric_reader *manual; /* delta, collected by the flusher */
static otel_propagator *propagator;
static atomic_int producers_done;
static atomic_ullong spans_seen, bad_spans, collections;
static atomic_llong max_requests_sum, delta_requests_sum, last_inflight = -1;
static atomic_ullong observations;
static int passed, failed;

static void check(int ok, const char *what) {
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (ok) passed++;
    else failed++;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Runs on the batch worker: reads what the producers wrote, and checks each
 * span holds the attributes its producer set (request 2, query 1). */
static int export_spans(const otel_span_data *const *spans, size_t n, void *ud) {
    (void)ud;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *name = otel_span_data_name(spans[i], &len);
        size_t want = !name ? 99 : !strcmp(name, "request") ? 2 : !strcmp(name, "query") ? 1 : 0;
        size_t na = otel_span_data_attribute_count(spans[i]), good = 0;
        for (size_t k = 0; k < na; k++) {
            otel_attr a;
            if (otel_span_data_attribute(spans[i], k, &a) == OTEL_OK && a.key_len) good++;
        }
        if (good != want || na != want) atomic_fetch_add(&bad_spans, 1);
    }
    atomic_fetch_add(&spans_seen, n);
    return OTEL_EXPORT_SUCCESS;
}

/* The sum of metric `name`'s int points in `d` (0 when absent). */
static long long int_sum(const otel_metrics_data *d, const char *name) {
    long long sum = 0;
    for (size_t i = 0; i < otel_metrics_data_count(d); i++) {
        const char *n;
        size_t points;
        if (otel_metrics_data_metric(d, i, &n, NULL, NULL, NULL, NULL, NULL, &points, NULL) != OTEL_OK ||
            strcmp(n, name) != 0)
            continue;
        for (size_t p = 0; p < points; p++) {
            int64_t v = 0;
            otel_metrics_data_point(d, i, p, NULL, NULL, NULL, &v, NULL, NULL, NULL, NULL, NULL);
            sum += v;
        }
    }
    return sum;
}

/* Runs on the periodic reader's thread: keeps the largest cumulative sum
 * seen and the last in-flight value. */
static otel_status export_metrics(const otel_metrics_data *d, void *ud) {
    (void)ud;
    atomic_fetch_add(&collections, 1);
    long long sum = int_sum(d, "requests");
    long long prev = atomic_load(&max_requests_sum);
    while (sum > prev && !atomic_compare_exchange_weak(&max_requests_sum, &prev, sum)) {
    }
    atomic_store(&last_inflight, int_sum(d, "inflight"));
    return OTEL_OK;
}

/* Collects the delta reader: the deltas add up to the total. */
static void collect_manual(void) {
    otel_metrics_data *d = NULL;
    if (otel_metric_reader_collect(manual, &d) == OTEL_OK && d) {
        atomic_fetch_add(&delta_requests_sum, int_sum(d, "requests"));
        otel_metrics_data_free(d);
    }
}

/* The observable gauge's callback, on whichever thread collects. */
static void observe_depth(otel_observer *o, void *ud) {
    (void)ud;
    uint64_t v[OTEL_STAT__COUNT];
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    otel_observer_observe_i64(o, depth, (int64_t)v[OTEL_STAT_SPANS_QUEUED], NULL, 0);
    atomic_fetch_add(&observations, 1);
}

static void *producer(void *arg) {
    int id = (int)(intptr_t)arg;
    char series[16];
    snprintf(series, sizeof series, "s%d", id % SERIES);
    otel_attr labels[] = {OTEL_ATTR_STR("series", series)};
    otel_headers *h;
    if (otel_headers_new(&h) != OTEL_OK) return NULL;
    otel_bound_instrument *busy = otel_instrument_bind(inflight, labels, 1);
    otel_baggage *bg = NULL;
    otel_baggage_set(NULL, "tenant", series, NULL, &bg);
    for (int i = 0; i < ITERATIONS; i++) {
        otel_bound_record_i64(busy, 1);
        otel_span *parent = otel_tracer_start_span(tracer, "request", OTEL_SPAN_KIND_SERVER, otel_context_root());
        otel_span_set_attribute_i64(parent, "thread", id);
        otel_span_set_attribute_str(parent, "series", series);
        otel_context *with_bg = otel_context_with_baggage(otel_context_root(), bg);
        otel_context *c = otel_context_with_span(with_bg, parent);
        otel_context_release(with_bg);
        uint64_t token = otel_context_attach(c);

        otel_span *child = otel_tracer_start_span(tracer, "query", OTEL_SPAN_KIND_CLIENT, NULL);
        otel_span_set_attribute_i64(child, "i", i);
        otel_span_add_event(child, "sent", labels, 1);
        otel_span_add_link(child, parent, labels, 1);
        if (i % 100 == 0) otel_span_record_exception(child, "Timeout", "slow", NULL, NULL, 0);
        otel_span_set_status(child, i % 100 ? OTEL_STATUS_CODE_OK : OTEL_STATUS_CODE_ERROR, "done");
        otel_headers_clear(h);
        otel_propagator_inject_headers(propagator, NULL, h);
        otel_context *remote = otel_propagator_extract_headers(propagator, otel_context_root(), h);
        otel_span *downstream = otel_tracer_start_span(tracer, "downstream", OTEL_SPAN_KIND_SERVER, remote);
        otel_span_end(downstream);
        otel_context_release(remote);
        otel_span_end(child);

        otel_counter_add_i64(requests, 1, labels, 1);
        otel_histogram_record_f64(latency, (double)(i % 100), labels, 1);
        otel_context_detach(token);
        otel_context_release(c);
        otel_span_end(parent);
        otel_bound_record_i64(busy, -1);
        if (i % 64 == 0) otel_tracer_provider_release(otel_tracer_provider_get_global());
    }
    otel_baggage_release(bg);
    otel_bound_instrument_free(busy);
    otel_headers_free(h);
    return NULL;
}

/* Flushes both providers and reads their stats while producers run. */
static void *flusher(void *arg) {
    (void)arg;
    char json[2048];
    uint64_t v[OTEL_STAT__COUNT];
    while (atomic_load(&producers_done) < PRODUCERS) {
        otel_tracer_provider_force_flush(tp, 5000);
        otel_meter_provider_force_flush(mp, 5000);
        otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
        otel_tracer_provider_stats_json(tp, json, sizeof json);
        collect_manual();
        otel_tracer_provider_set_global(tp);
        sleep_ms(3);
    }
    return NULL;
}

/* One of the threads racing with shutdown at the end. */
static void *final_flush(void *arg) {
    (void)arg;
    otel_tracer_provider_force_flush(tp, 5000);
    otel_meter_provider_force_flush(mp, 5000);
    return NULL;
}

static int setup(void) {
    otel_options *o;
    if (otel_options_new(&o) != OTEL_OK) return -1;
    otel_options_set(o, "OTEL_SERVICE_NAME", "tsan-driver");
    otel_options_set(o, "OTEL_TRACES_SAMPLER", "always_on");
    otel_options_set(o, "OTEL_TRACES_EXPORTER", "none");  /* only the pipeline added below */
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "none"); /* only the reader added below */
    otel_options_set(o, "OTEL_BSP_MAX_QUEUE_SIZE", "4096"); /* small: the drop path runs too */
    otel_options_set(o, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "128");
    otel_options_set(o, "OTEL_BSP_SCHEDULE_DELAY", "5");
    otel_options_set(o, "OTEL_METRIC_EXPORT_INTERVAL", "5");
    otel_options_set(o, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "cumulative");
    otel_exporter *e;
    otel_processor *p;
    otel_metric_reader *r;
    if (otel_exporter_custom_new(&e, export_spans, NULL) != OTEL_OK) return -1;
    if (otel_processor_batch_new(&p, e, o) != OTEL_OK) return -1;
    otel_exporter_release(e);
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    if (otel_tracer_provider_new(&tp, o) != OTEL_OK) return -1;
    if (otel_meter_provider_new(&mp, o) != OTEL_OK) return -1;
    if (otel_metric_reader_periodic_new(&r, o, export_metrics, NULL) != OTEL_OK) return -1;
    otel_meter_provider_add_reader(mp, r);
    otel_metric_reader_release(r);
    if (otel_metric_reader_manual_new(&manual, OTEL_TEMPORALITY_DELTA) != OTEL_OK) return -1;
    otel_meter_provider_add_reader(mp, manual);
    otel_options_free(o);
    tracer = otel_tracer_provider_get_tracer(tp, "tsan-driver", "1.0", NULL);
    otel_meter *m = otel_meter_provider_get_meter(mp, "tsan-driver", "1.0", NULL);
    requests = otel_meter_counter_i64(m, "requests", "1", "requests handled");
    latency = otel_meter_histogram_f64(m, "latency", "ms", "request latency");
    inflight = otel_meter_up_down_counter_i64(m, "inflight", "1", "requests in flight");
    if (otel_meter_create_instrument(&depth, m, OTEL_INSTRUMENT_OBSERVABLE_GAUGE, OTEL_NUMBER_INT64,
                                     "queue_depth", "1", "spans queued") != OTEL_OK ||
        otel_meter_register_callback(m, observe_depth, NULL, &depth, 1, NULL) != OTEL_OK)
        return -1;
    propagator = otel_propagator_get_global(); /* tracecontext + baggage by default */
    otel_tracer_provider_set_global(tp);
    return tracer && requests && latency && inflight ? 0 : -1;
}

int main(void) {
    if (setup() != 0) {
        fprintf(stderr, "setup failed: %s\n", otel_last_error());
        puts("0 passed, 1 failed");
        return 1;
    }
    pthread_t th[PRODUCERS], fl, fin[3];
    pthread_create(&fl, NULL, flusher, NULL);
    for (int i = 0; i < PRODUCERS; i++) pthread_create(&th[i], NULL, producer, (void *)(intptr_t)i);
    for (int i = 0; i < PRODUCERS; i++) {
        pthread_join(th[i], NULL);
        atomic_fetch_add(&producers_done, 1);
    }
    pthread_join(fl, NULL);
    collect_manual(); /* the last delta: the deltas now hold every increment */

    for (int i = 0; i < 3; i++) pthread_create(&fin[i], NULL, final_flush, NULL);
    otel_status ts = otel_tracer_provider_shutdown(tp, 10000);
    otel_status ms = otel_meter_provider_shutdown(mp, 10000);
    for (int i = 0; i < 3; i++) pthread_join(fin[i], NULL);

    uint64_t v[OTEL_STAT__COUNT];
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    const uint64_t spans = 3ull * PRODUCERS * ITERATIONS;
    uint64_t dropped = v[OTEL_STAT_DROPPED_QUEUE_FULL] + v[OTEL_STAT_DROPPED_EXPORT_FAILED] +
                       v[OTEL_STAT_DROPPED_SHUTDOWN] + v[OTEL_STAT_DROPPED_TOO_LARGE] +
                       v[OTEL_STAT_DROPPED_REJECTED];
    check(ts == OTEL_OK, "tracer provider shutdown returned OTEL_OK");
    if (ms != OTEL_OK) fprintf(stderr, "meter shutdown: %d %s\n", (int)ms, otel_last_error());
    check(ms == OTEL_OK, "meter provider shutdown returned OTEL_OK");
    check(v[OTEL_STAT_SPANS_STARTED] == spans && v[OTEL_STAT_SPANS_ENDED] == spans,
          "every span started was ended");
    check(v[OTEL_STAT_SPANS_EXPORTED] + dropped == spans, "ended == exported + dropped");
    check(v[OTEL_STAT_SPANS_EXPORTED] > 0, "spans were exported");
    check(atomic_load(&spans_seen) == v[OTEL_STAT_SPANS_EXPORTED], "the exporter saw what the stats say");
    check(atomic_load(&bad_spans) == 0, "every exported span holds the attributes its producer set");
    check(v[OTEL_STAT_SPANS_QUEUED] == 0 && v[OTEL_STAT_QUEUE_BYTES] == 0, "the queue is empty");
    check(atomic_load(&collections) > 1, "the periodic reader collected more than once");
    check(atomic_load(&max_requests_sum) == (long long)PRODUCERS * ITERATIONS,
          "the last cumulative collection holds every counter increment");
    check(atomic_load(&delta_requests_sum) == (long long)PRODUCERS * ITERATIONS,
          "the delta collections of the manual reader add up to every increment");
    check(atomic_load(&last_inflight) == 0, "the bound up-down counter is back to 0");
    check(atomic_load(&observations) > 1, "the observable gauge's callback ran on collections");
    check(otel_meter_provider_dropped(mp) == 0, "no measurement dropped");
    printf("spans %llu exported %llu dropped %llu collections %llu\n", (unsigned long long)spans,
           (unsigned long long)v[OTEL_STAT_SPANS_EXPORTED], (unsigned long long)dropped,
           (unsigned long long)atomic_load(&collections));

    otel_propagator_release(propagator);
    otel_tracer_provider_set_global(NULL);
    otel_metric_reader_release(manual);
    otel_tracer_provider_release(tp);
    otel_meter_provider_release(mp);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
