/* Propagation benchmarks (JSON lines, ns per call, best of 5, one thread):
 * inject and extract with W3C Trace Context, W3C Baggage, B3 and the
 * default composite, through the header list and through callbacks, and a
 * hostile 8 KiB baggage header (64 members, every value percent-encoded). */
#include <otel/otel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 5

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

typedef struct job {
    otel_propagator *p;
    otel_context *ctx;      /* inject: what goes out */
    otel_headers *headers;  /* extract: what comes in; inject: reused */
    int callbacks;          /* inject through a setter instead of the list */
    int inject;
} job;

/* A setter that only copies into a fixed buffer: the propagator's own cost. */
static char sink[16384];
static void sink_set(void *ud, const char *key, size_t key_len, const char *value, size_t value_len) {
    (void)ud;
    (void)key;
    (void)key_len;
    memcpy(sink, value, value_len < sizeof sink ? value_len : sizeof sink);
}

static void run(const job *j, long n) {
    for (long i = 0; i < n; i++) {
        if (j->inject && j->callbacks) {
            otel_propagator_inject(j->p, j->ctx, sink_set, NULL);
        } else if (j->inject) {
            otel_propagator_inject_headers(j->p, j->ctx, j->headers);
        } else {
            otel_context *c = otel_propagator_extract_headers(j->p, otel_context_root(), j->headers);
            otel_context_release(c);
        }
    }
}

static void bench(const char *name, const job *j, long iters, size_t input_bytes) {
    run(j, iters / 10); /* warm up */
    double best = 0;
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t0 = now_ns();
        run(j, iters);
        double ns = (double)(now_ns() - t0) / (double)iters;
        if (r == 0 || ns < best) best = ns;
    }
    printf("{\"name\":\"%s\",\"value\":%.1f,\"unit\":\"ns/op\",\"threads\":1", name, best);
    if (input_bytes) printf(",\"input_bytes\":%zu,\"ns_per_byte\":%.2f", input_bytes, best / (double)input_bytes);
    printf("}\n");
}

static otel_headers *headers(const char *const *kv) {
    otel_headers *h;
    if (otel_headers_new(&h) != OTEL_OK) abort();
    for (size_t i = 0; kv[i]; i += 2) otel_headers_add(h, kv[i], kv[i + 1]);
    return h;
}

int main(void) {
    otel_span_context sc = {{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e,
                             0x0e, 0x47, 0x36},
                            {0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
                            OTEL_TRACE_FLAG_SAMPLED,
                            0,
                            {0}};
    const char *ts = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
    otel_span *span;
    if (otel_span_wrap(&span, &sc, ts, strlen(ts)) != OTEL_OK) return 1;
    otel_baggage *b = NULL, *next;
    otel_baggage_set(NULL, "user.id", "alice smith", NULL, &b);
    otel_baggage_set(b, "tenant", "acme", "ttl=60", &next);
    otel_baggage_release(b);
    otel_baggage_set(next, "region", "eu-west-1", NULL, &b);
    otel_baggage_release(next);
    otel_context *with_span = otel_context_with_span(otel_context_root(), span);
    otel_context *ctx = otel_context_with_baggage(with_span, b);
    otel_context_release(with_span);
    otel_span_release(span);
    otel_baggage_release(b);

    otel_propagator *dflt;
    if (otel_propagator_from_env(&dflt, NULL) != OTEL_OK) return 1;
    otel_headers *out;
    otel_headers_new(&out);
    long n = 200000;

    job j = {otel_propagator_tracecontext(), ctx, out, 1, 1};
    bench("propagation.inject.tracecontext.callbacks", &j, n, 0);
    j.callbacks = 0;
    bench("propagation.inject.tracecontext.headers", &j, n, 0);
    j.p = otel_propagator_baggage();
    bench("propagation.inject.baggage3.headers", &j, n, 0);
    j.p = dflt;
    bench("propagation.inject.default.headers", &j, n, 0);

    otel_headers *in = headers((const char *const[]){
        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate", ts,
        "baggage", "user.id=alice%20smith,tenant=acme;ttl=60,region=eu-west-1", "b3",
        "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", NULL});
    j = (job){otel_propagator_tracecontext(), NULL, in, 0, 0};
    bench("propagation.extract.tracecontext", &j, n, 0);
    j.p = otel_propagator_baggage();
    bench("propagation.extract.baggage3", &j, n, 0);
    j.p = otel_propagator_b3();
    bench("propagation.extract.b3", &j, n, 0);
    j.p = dflt;
    bench("propagation.extract.default", &j, n, 0);

    /* hostile: the largest baggage accepted, every value byte escaped */
    char big[8193];
    size_t o = 0;
    for (int m = 0; m < 64; m++) {
        o += (size_t)snprintf(big + o, sizeof big - o, "%sk%02d=", m ? "," : "", m);
        while (o + 3 < (size_t)(m + 1) * 8192 / 64 && o + 3 < sizeof big) {
            memcpy(big + o, "%FF", 3);
            o += 3;
        }
    }
    big[o] = '\0';
    otel_headers *hostile = headers((const char *const[]){"baggage", big, NULL});
    j = (job){otel_propagator_baggage(), NULL, hostile, 0, 0};
    bench("propagation.extract.baggage_8k_hostile", &j, n / 100, o);

    otel_headers_free(hostile);
    otel_headers_free(in);
    otel_headers_free(out);
    otel_propagator_release(dflt);
    otel_context_release(ctx);
    return 0;
}
