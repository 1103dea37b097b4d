/* otel-test: internal */
/* OTLP exporter benchmarks. Prints one JSON object per line:
 *   {"name":"otlp.encode.protobuf.minimal","value":61.2,"unit":"ns/span","mb_per_s":1234.5,...}
 *
 * - otlp.encode.protobuf.{minimal,attrs10}: the production encoder (one
 *   backward pass), 512-span batches, best of several rounds.
 * - otlp.encode.json.minimal: the OTLP/JSON encoder.
 * - otlp.encode.protobuf_c.{minimal,attrs10}: the alternative the ADR
 *   (docs/adr/0002-otlp-encoding.md) measured against: protobuf-c structs
 *   that borrow the span's strings, built in a reused per-batch arena, then
 *   protobuf_c_message_pack().
 * - otlp.gzip.attrs10.level{6,1}: gzip of an encoded attrs10 batch (the
 *   exporter uses level 1).
 * - otlp.e2e.http_protobuf / otlp.e2e.grpc: spans/s from the first span end
 *   to the collector's acknowledgement of the last batch, one application
 *   thread, when OTEL_BENCH_HTTP_ENDPOINT / OTEL_BENCH_GRPC_ENDPOINT name a
 *   running collector (bench/run_extra.sh starts one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/gzip.h"
#include "export/otlp_encode.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h"
#include "otel/otel.h"
#include "../tests/unit/export/otlp_fixture.h"

#define BATCH 512
#define ROUNDS 7

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- the protobuf-c alternative ------------------------------------- */

typedef Opentelemetry__Proto__Common__V1__KeyValue KV;
typedef Opentelemetry__Proto__Common__V1__AnyValue AV;
typedef Opentelemetry__Proto__Trace__V1__Span PS;

typedef struct arena {
    char *p;
    size_t used, cap;
} arena;

static void *aalloc(arena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
    if (a->used + n > a->cap) {
        fprintf(stderr, "bench: arena too small\n");
        exit(1);
    }
    void *r = a->p + a->used;
    a->used += n;
    return r;
}

static KV **pbc_attrs(arena *ar, const otel_span_data *d, size_t *n_out) {
    size_t n = otel_span_data_attribute_count(d);
    KV **kvs = aalloc(ar, n * sizeof *kvs + 1);
    for (size_t i = 0; i < n; i++) {
        otel_attr a;
        otel_span_data_attribute(d, i, &a);
        KV *kv = aalloc(ar, sizeof *kv);
        AV *av = aalloc(ar, sizeof *av);
        opentelemetry__proto__common__v1__key_value__init(kv);
        opentelemetry__proto__common__v1__any_value__init(av);
        kv->key = (char *)a.key; /* borrowed: span strings are NUL-terminated */
        kv->value = av;
        switch (a.type) {
        case OTEL_VALUE_STRING:
            av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
            av->string_value = (char *)a.ptr;
            break;
        case OTEL_VALUE_BOOL:
            av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE;
            av->bool_value = a.bool_value;
            break;
        case OTEL_VALUE_INT64:
            av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
            av->int_value = a.int_value;
            break;
        default:
            av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE;
            av->double_value = a.double_value;
        }
        kvs[i] = kv;
    }
    *n_out = n;
    return kvs;
}

/* One resource, one scope (what the benchmark batches hold). */
static size_t pbc_encode(arena *ar, uint8_t **buf, size_t *cap, const otel_span_data *const *spans,
                         size_t n) {
    ar->used = 0;
    Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest req;
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__init(&req);
    Opentelemetry__Proto__Trace__V1__ResourceSpans rs;
    opentelemetry__proto__trace__v1__resource_spans__init(&rs);
    Opentelemetry__Proto__Resource__V1__Resource res;
    opentelemetry__proto__resource__v1__resource__init(&res);
    Opentelemetry__Proto__Trace__V1__ScopeSpans ss;
    opentelemetry__proto__trace__v1__scope_spans__init(&ss);
    Opentelemetry__Proto__Common__V1__InstrumentationScope scope;
    opentelemetry__proto__common__v1__instrumentation_scope__init(&scope);
    Opentelemetry__Proto__Trace__V1__ResourceSpans *rsp = &rs;
    Opentelemetry__Proto__Trace__V1__ScopeSpans *ssp = &ss;
    req.n_resource_spans = 1;
    req.resource_spans = &rsp;
    rs.resource = &res;
    rs.n_scope_spans = 1;
    rs.scope_spans = &ssp;
    ss.scope = &scope;
    const otel_resource *r = otel_span_data_resource(spans[0]);
    size_t nra = otel_resource_attribute_count(r);
    res.attributes = aalloc(ar, nra * sizeof(KV *) + 1);
    for (size_t i = 0; i < nra; i++) {
        otel_attr a;
        otel_resource_attribute(r, i, &a);
        KV *kv = aalloc(ar, sizeof *kv);
        AV *av = aalloc(ar, sizeof *av);
        opentelemetry__proto__common__v1__key_value__init(kv);
        opentelemetry__proto__common__v1__any_value__init(av);
        kv->key = (char *)a.key;
        kv->value = av;
        av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
        av->string_value = (char *)a.ptr;
        res.attributes[i] = kv;
    }
    res.n_attributes = nra;
    scope.name = (char *)otel_scope_name(otel_span_data_scope(spans[0]), NULL);
    ss.spans = aalloc(ar, n * sizeof(PS *));
    ss.n_spans = n;
    for (size_t i = 0; i < n; i++) {
        const otel_span_data *d = spans[i];
        PS *s = aalloc(ar, sizeof *s);
        opentelemetry__proto__trace__v1__span__init(s);
        otel_span_context *sc = aalloc(ar, sizeof *sc);
        otel_span_data_context(d, sc);
        s->trace_id.data = sc->trace_id;
        s->trace_id.len = 16;
        s->span_id.data = sc->span_id;
        s->span_id.len = 8;
        uint8_t *parent = aalloc(ar, 8);
        if (otel_span_data_parent_span_id(d, parent)) {
            s->parent_span_id.data = parent;
            s->parent_span_id.len = 8;
        }
        s->flags = sc->trace_flags | 0x100;
        s->name = (char *)otel_span_data_name(d, NULL);
        s->kind = otel_span_data_kind(d);
        s->start_time_unix_nano = otel_span_data_start_time(d);
        s->end_time_unix_nano = otel_span_data_end_time(d);
        s->attributes = pbc_attrs(ar, d, &s->n_attributes);
        ss.spans[i] = s;
    }
    size_t len = opentelemetry__proto__collector__trace__v1__export_trace_service_request__get_packed_size(&req);
    if (len > *cap) {
        *cap = len * 2;
        *buf = realloc(*buf, *cap);
    }
    return opentelemetry__proto__collector__trace__v1__export_trace_service_request__pack(&req, *buf);
}

/* ---- encode benchmarks ---------------------------------------------- */

typedef enum { ENC_PROTO, ENC_JSON, ENC_PBC } enc_kind;

static void bench_encode(const char *name, enc_kind k, const otel_span_data *const *spans,
                         size_t n) {
    otel__otlp_encoder e;
    otel__otlp_encoder_init(&e, 0);
    arena ar = {malloc(64u << 20), 0, 64u << 20};
    uint8_t *pbuf = NULL;
    size_t pcap = 0;
    size_t bytes = 0;
    double best = 1e30;
    long iters = 0;
    /* calibrate to ~100 ms per round */
    for (long it = 1;; it *= 2) {
        uint64_t t0 = now_ns();
        for (long i = 0; i < it; i++) {
            const uint8_t *out;
            size_t len = 0;
            if (k == ENC_PROTO) otel__otlp_encode_traces_proto(&e, spans, n, &out, &len);
            else if (k == ENC_JSON) otel__otlp_encode_traces_json(&e, spans, n, &out, &len);
            else len = pbc_encode(&ar, &pbuf, &pcap, spans, n);
            bytes = len;
        }
        if (now_ns() - t0 > 50000000ull || it > (1L << 24)) {
            iters = it * 2;
            break;
        }
    }
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t0 = now_ns();
        for (long i = 0; i < iters; i++) {
            const uint8_t *out;
            size_t len;
            if (k == ENC_PROTO) otel__otlp_encode_traces_proto(&e, spans, n, &out, &len);
            else if (k == ENC_JSON) otel__otlp_encode_traces_json(&e, spans, n, &out, &len);
            else pbc_encode(&ar, &pbuf, &pcap, spans, n);
        }
        double ns = (double)(now_ns() - t0) / (double)iters / (double)n;
        if (ns < best) best = ns;
    }
    double mbps = (double)bytes / (double)n / best * 1e9 / 1e6;
    printf("{\"name\":\"%s\",\"value\":%.1f,\"unit\":\"ns/span\",\"mb_per_s\":%.1f,"
           "\"spans_per_s\":%.0f,\"bytes_per_span\":%.1f,\"batch\":%zu}\n",
           name, best, mbps, 1e9 / best, (double)bytes / (double)n, n);
    fflush(stdout);
    otel__otlp_encoder_free(&e);
    free(ar.p);
    free(pbuf);
}

static void bench_gzip(const char *name, int level, const otel_span_data *const *spans, size_t n) {
    otel__otlp_encoder e;
    otel__otlp_encoder_init(&e, 0);
    const uint8_t *out;
    size_t len;
    otel__otlp_encode_traces_proto(&e, spans, n, &out, &len);
    otel__gzip g;
    otel__gzip_init(&g, level);
    otel__buf z;
    otel__buf_init(&z, 0);
    double best = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t0 = now_ns();
        for (int i = 0; i < 20; i++) {
            z.len = 0;
            otel__gzip_compress(&g, out, len, &z);
        }
        double ns = (double)(now_ns() - t0) / 20.0 / (double)n;
        if (ns < best) best = ns;
    }
    printf("{\"name\":\"%s\",\"value\":%.1f,\"unit\":\"ns/span\",\"mb_per_s\":%.1f,"
           "\"ratio\":%.3f}\n",
           name, best, (double)len / (double)n / best * 1e3, (double)z.len / (double)len);
    otel__buf_free(&z);
    otel__gzip_free(&g);
    otel__otlp_encoder_free(&e);
}

/* ---- end to end ------------------------------------------------------ */

static void bench_e2e(const char *name, const char *endpoint, const char *protocol, long n) {
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint);
    otel_options_set(o, "OTEL_EXPORTER_OTLP_PROTOCOL", protocol);
    otel_options_set(o, "OTEL_BSP_MAX_QUEUE_SIZE", "65536");
    otel_options_set(o, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4096");
    otel_options_set(o, "OTEL_BSP_SCHEDULE_DELAY", "50");
    otel_options_set(o, "OTEL_CORE_BSP_BLOCK_TIMEOUT", "10000"); /* measure, don't drop */
    otel_options_set(o, "OTEL_TRACES_SAMPLER", "always_on");
    otel_exporter *exp;
    if (otel_exporter_otlp_new(&exp, o) != OTEL_OK) {
        fprintf(stderr, "bench: %s: %s\n", name, otel_last_error());
        otel_options_free(o);
        return;
    }
    otel_processor *p;
    otel_processor_batch_new(&p, exp, o);
    otel_exporter_release(exp);
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    otel_tracer_provider *tp;
    otel_tracer_provider_new(&tp, o);
    otel_options_free(o);
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "bench.e2e", NULL, NULL);
    /* warm up the connection */
    fix_emit_minimal(t, 100);
    otel_tracer_provider_force_flush(tp, 10000);
    uint64_t before[OTEL_STAT__COUNT];
    otel_tracer_provider_get_stats(tp, before, OTEL_STAT__COUNT);
    uint64_t t0 = now_ns();
    otel_context *root = otel_context_root();
    for (long i = 0; i < n; i++) {
        otel_span *s = otel_tracer_start_span(t, "e2e", OTEL_SPAN_KIND_INTERNAL, root);
        otel_span_end(s);
    }
    otel_status fs = otel_tracer_provider_force_flush(tp, 60000);
    double secs = (double)(now_ns() - t0) / 1e9;
    uint64_t st[OTEL_STAT__COUNT];
    otel_tracer_provider_get_stats(tp, st, OTEL_STAT__COUNT);
    printf("{\"name\":\"%s\",\"value\":%.0f,\"unit\":\"spans/s\",\"spans\":%ld,\"exported\":%llu,"
           "\"dropped_queue_full\":%llu,\"export_errors\":%llu,\"flush\":\"%s\"}\n",
           name, (double)n / secs, n,
           (unsigned long long)(st[OTEL_STAT_SPANS_EXPORTED] - before[OTEL_STAT_SPANS_EXPORTED]),
           (unsigned long long)(st[OTEL_STAT_DROPPED_QUEUE_FULL] - before[OTEL_STAT_DROPPED_QUEUE_FULL]),
           (unsigned long long)(st[OTEL_STAT_EXPORT_ERRORS] - before[OTEL_STAT_EXPORT_ERRORS]),
           otel_status_str(fs));
    fflush(stdout);
    otel_tracer_provider_shutdown(tp, 10000);
    otel_tracer_provider_release(tp);
}

static void collect(otel_exporter *mem, const otel_span_data **out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = otel_exporter_in_memory_get(mem, i);
}

static void run_encode(void) {
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_SERVICE_NAME", "bench");
    otel_options_set(o, "OTEL_TRACES_SAMPLER", "always_on");
    otel_exporter *mem;
    otel_exporter_in_memory_new(&mem);
    otel_processor *p;
    otel_processor_simple_new(&p, mem);
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    otel_tracer_provider *tp;
    if (otel_tracer_provider_new(&tp, o) != OTEL_OK) {
        fprintf(stderr, "bench: %s\n", otel_last_error());
        exit(1);
    }
    otel_options_free(o);
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "bench.scope", "1.0.0", NULL);

    static const otel_span_data *minimal[BATCH], *attrs10[BATCH];
    fix_emit_minimal(t, BATCH);
    collect(mem, minimal, BATCH);
    otel_exporter_in_memory_reset(mem);
    fix_emit_attrs10(t, BATCH);
    collect(mem, attrs10, BATCH);

    bench_encode("otlp.encode.protobuf.minimal", ENC_PROTO, minimal, BATCH);
    bench_encode("otlp.encode.protobuf.attrs10", ENC_PROTO, attrs10, BATCH);
    bench_encode("otlp.encode.json.minimal", ENC_JSON, minimal, BATCH);
    bench_encode("otlp.encode.json.attrs10", ENC_JSON, attrs10, BATCH);
    bench_encode("otlp.encode.protobuf_c.minimal", ENC_PBC, minimal, BATCH);
    bench_encode("otlp.encode.protobuf_c.attrs10", ENC_PBC, attrs10, BATCH);
    bench_gzip("otlp.gzip.attrs10.level6", 6, attrs10, BATCH);
    bench_gzip("otlp.gzip.attrs10.level1", 1, attrs10, BATCH);

    for (size_t i = 0; i < BATCH; i++) {
        otel_span_data_release(minimal[i]);
        otel_span_data_release(attrs10[i]);
    }
    otel_tracer_provider_shutdown(tp, 1000);
    otel_tracer_provider_release(tp);
    otel_exporter_release(mem);
}

/* `bench_otlp`: everything (end to end only when the endpoints are set);
 * `bench_otlp e2e`: the end-to-end benchmarks only (bench/run_extra.sh). */
int main(int argc, char **argv) {
    if (!(argc > 1 && strcmp(argv[1], "e2e") == 0)) run_encode();
    long n = getenv("OTEL_BENCH_E2E_SPANS") ? atol(getenv("OTEL_BENCH_E2E_SPANS")) : 1000000;
    const char *http = getenv("OTEL_BENCH_HTTP_ENDPOINT");
    const char *grpc = getenv("OTEL_BENCH_GRPC_ENDPOINT");
    if (http) bench_e2e("otlp.e2e.http_protobuf", http, "http/protobuf", n);
    if (grpc) bench_e2e("otlp.e2e.grpc", grpc, "grpc", n);
    return 0;
}
