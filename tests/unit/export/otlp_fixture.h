/* A fixed set of spans that exercises every field OTLP carries: every
 * attribute type including arrays (and empty ones), events, links, trace
 * state, a remote parent, status, dropped counts, two scopes, scope
 * attributes, schema URLs. Shared by the OTLP unit tests, the interop driver
 * (tests/interop/otlp_driver.c) and the benchmarks; tests/interop/check.py
 * holds the same expectations in Python. Public API only. */
#ifndef OTEL_TEST_OTLP_FIXTURE_H
#define OTEL_TEST_OTLP_FIXTURE_H

#include <stdint.h>
#include <string.h>

#include "otel/otel.h"

#define FIX_START_NS 1700000000123456789ull
#define FIX_DURATION_NS 1234567ull
#define FIX_SCHEMA_URL "https://opentelemetry.io/schemas/1.21.0"

/* The remote parent of the full span. */
static const uint8_t fix_parent_trace[16] = {0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03,
                                             0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c};
static const uint8_t fix_parent_span[8] = {0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74};
/* The linked context. */
static const uint8_t fix_link_trace[16] = {0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6,
                                           0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36};
static const uint8_t fix_link_span[8] = {0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7};

/* Deterministic ids: a counter in the last byte. */
static inline void fix_ids(uint8_t *out, size_t len, void *ud) {
    unsigned *n = ud;
    (*n)++;
    for (size_t i = 0; i < len; i++) out[i] = (uint8_t)(0x10 + i);
    out[len - 1] = (uint8_t)*n;
    out[0] = len == 16 ? 0xAA : 0xBB;
}

/* Options every fixture provider uses: limits low enough to drop one of
 * each kind. */
static inline void fix_options(otel_options *o, unsigned *id_counter) {
    otel_options_set(o, "OTEL_SERVICE_NAME", "otlp-fixture");
    otel_options_set(o, "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test,host.name=fixture");
    otel_options_set(o, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "16");
    otel_options_set(o, "OTEL_SPAN_EVENT_COUNT_LIMIT", "3");
    otel_options_set(o, "OTEL_SPAN_LINK_COUNT_LIMIT", "1");
    otel_options_set(o, "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "1");
    otel_options_set(o, "OTEL_TRACES_SAMPLER", "always_on");
    if (id_counter) otel_options_set_id_generator(o, fix_ids, 1, id_counter);
}

/* Emits the fixture's three spans: "full-span" (SERVER, remote parent),
 * "child-span" (CLIENT, its local child) in scope fixture.scope, and
 * "other-scope-span" (a root, INTERNAL) in scope other.scope. */
static inline void fix_emit(otel_tracer_provider *tp) {
    otel_attr scope_attrs[] = {OTEL_ATTR_STR("scope.attr", "yes")};
    otel_tracer *t = otel_tracer_provider_get_tracer_n(tp, "fixture.scope", 13, "1.2.3", 5,
                                                       FIX_SCHEMA_URL, strlen(FIX_SCHEMA_URL),
                                                       scope_attrs, 1);
    otel_tracer *t2 = otel_tracer_provider_get_tracer(tp, "other.scope", NULL, NULL);

    otel_span_context psc;
    memset(&psc, 0, sizeof psc);
    memcpy(psc.trace_id, fix_parent_trace, 16);
    memcpy(psc.span_id, fix_parent_span, 8);
    psc.trace_flags = 1;
    psc.is_remote = 1;
    otel_span *remote;
    otel_span_wrap(&remote, &psc, "rojo=00f067aa0ba902b7", 21);
    otel_context *pctx = otel_context_with_span(otel_context_root(), remote);

    otel_span_context lsc;
    memset(&lsc, 0, sizeof lsc);
    memcpy(lsc.trace_id, fix_link_trace, 16);
    memcpy(lsc.span_id, fix_link_span, 8);
    lsc.trace_flags = 1;
    lsc.is_remote = 1;
    otel_span *linked;
    otel_span_wrap(&linked, &lsc, "vendor=x", 8);

    static const otel_str strs[] = {{"a", 1}, {"", 0}, {"\xc3\xbc", 2}};
    static const int bools[] = {1, 0};
    static const int64_t ints[] = {1, -2, INT64_MIN};
    static const double dbls[] = {1.5, -0.25};
    otel_attr attrs[] = {
        OTEL_ATTR_STR("str", "value \"quoted\"\n"),
        OTEL_ATTR_STR("str.empty", ""),
        OTEL_ATTR_BOOL("bool.true", 1),
        OTEL_ATTR_BOOL("bool.false", 0),
        OTEL_ATTR_I64("int.neg", -42),
        OTEL_ATTR_I64("int.max", INT64_MAX),
        OTEL_ATTR_I64("int.zero", 0),
        OTEL_ATTR_F64("double", 3.25),
        OTEL_ATTR_F64("double.zero", 0.0),
        OTEL_ATTR_ARRAY("arr.str", OTEL_VALUE_STRING_ARRAY, strs, 3),
        OTEL_ATTR_ARRAY("arr.bool", OTEL_VALUE_BOOL_ARRAY, bools, 2),
        OTEL_ATTR_ARRAY("arr.int", OTEL_VALUE_INT64_ARRAY, ints, 3),
        OTEL_ATTR_ARRAY("arr.double", OTEL_VALUE_DOUBLE_ARRAY, dbls, 2),
        OTEL_ATTR_ARRAY("arr.empty", OTEL_VALUE_STRING_ARRAY, strs, 0),
        OTEL_ATTR_STR("unicode", "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"),
        OTEL_ATTR_STR("ctl", "tab\there\x01"),
        OTEL_ATTR_STR("dropped.by.limit", "x"), /* the 17th: dropped */
    };
    otel_attr link_attrs[] = {OTEL_ATTR_I64("link.attr", 7)};
    otel_link links[] = {{linked, link_attrs, 1}, {linked, NULL, 0}}; /* second: dropped */
    otel_span *s = otel_tracer_start_span_n(t, "full-span", 9, OTEL_SPAN_KIND_SERVER, pctx, attrs,
                                            sizeof attrs / sizeof *attrs, links, 2, FIX_START_NS);
    otel_attr ev_attrs[] = {OTEL_ATTR_STR("ev.k", "v"), OTEL_ATTR_STR("ev.dropped", "d")};
    otel_span_add_event_n(s, "ev1", 3, ev_attrs, 2, FIX_START_NS + 10);
    otel_span_add_event_n(s, "ev2", 3, NULL, 0, FIX_START_NS + 20);
    otel_span_add_event_n(s, "ev3", 3, NULL, 0, FIX_START_NS + 30);
    otel_span_add_event_n(s, "ev4.dropped", 11, NULL, 0, FIX_START_NS + 40);
    otel_span_set_status(s, OTEL_STATUS_CODE_ERROR, "boom");

    otel_context *cctx = otel_context_with_span(otel_context_root(), s);
    otel_span *c = otel_tracer_start_span_n(t, "child-span", 10, OTEL_SPAN_KIND_CLIENT, cctx, NULL,
                                            0, NULL, 0, FIX_START_NS + 100);
    otel_span_set_status(c, OTEL_STATUS_CODE_OK, NULL);
    otel_span_end_at(c, FIX_START_NS + 200);
    otel_context_release(cctx);
    otel_span_end_at(s, FIX_START_NS + FIX_DURATION_NS);

    otel_span *o = otel_tracer_start_span_n(t2, "other-scope-span", 16, OTEL_SPAN_KIND_INTERNAL,
                                            otel_context_root(), NULL, 0, NULL, 0,
                                            FIX_START_NS + 300);
    otel_span_end_at(o, FIX_START_NS + 400);

    otel_context_release(pctx);
    otel_span_release(remote);
    otel_span_release(linked);
}

/* Emits `n` minimal spans (name, kind, times; no attributes). */
static inline void fix_emit_minimal(otel_tracer *t, size_t n) {
    for (size_t i = 0; i < n; i++) {
        otel_span *s = otel_tracer_start_span_n(t, "minimal", 7, OTEL_SPAN_KIND_INTERNAL,
                                                otel_context_root(), NULL, 0, NULL, 0,
                                                FIX_START_NS + i);
        otel_span_end_at(s, FIX_START_NS + i + 1000);
    }
}

/* Emits `n` spans with ten attributes of mixed types. */
static inline void fix_emit_attrs10(otel_tracer *t, size_t n) {
    for (size_t i = 0; i < n; i++) {
        otel_attr a[] = {
            OTEL_ATTR_STR("http.request.method", "GET"),
            OTEL_ATTR_STR("url.full", "https://shop.example.com/api/v1/cart/checkout?x=1"),
            OTEL_ATTR_I64("http.response.status_code", 200),
            OTEL_ATTR_STR("server.address", "shop.example.com"),
            OTEL_ATTR_I64("server.port", 443),
            OTEL_ATTR_STR("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64)"),
            OTEL_ATTR_BOOL("cache.hit", 0),
            OTEL_ATTR_F64("queue.wait_ms", 1.25),
            OTEL_ATTR_STR("network.protocol.version", "1.1"),
            OTEL_ATTR_I64("http.response.body.size", 5120),
        };
        otel_span *s = otel_tracer_start_span_n(t, "GET /api/v1/cart", 16, OTEL_SPAN_KIND_SERVER,
                                                otel_context_root(), a, 10, NULL, 0,
                                                FIX_START_NS + i);
        otel_span_end_at(s, FIX_START_NS + i + 1000);
    }
}

#endif
