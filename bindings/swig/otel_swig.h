/* The C side every SWIG binding of libotel_core shares (included by the
 * wrapper SWIG generates for each language, before that language's
 * typemap helpers): the boxes the host objects own and their helpers. */
#ifndef OTEL_SWIG_H
#define OTEL_SWIG_H
#include <math.h>
#include <otel/otel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A span as the host object holds it: the handle until finish (then NULL,
 * so the core gets the span's memory back at once, not at the next GC)
 * and the ids, which stay readable and linkable after finish. */
typedef struct otel_swig_span {
    otel_span *s;
    otel_span_context sc;
} otel_swig_span;

/* A tracer or meter holding a reference on its provider, which owns it. */
typedef struct otel_swig_tracer {
    otel_tracer_provider *tp;
    otel_tracer *t;
} otel_swig_tracer;

typedef struct otel_swig_meter {
    otel_meter_provider *mp;
    otel_meter *m;
} otel_swig_meter;

/* An instrument (owned by the provider) and whether it counts integers. */
typedef struct otel_swig_instrument {
    otel_meter_provider *mp;
    otel_instrument *i;
    int is_int;
} otel_swig_instrument;

typedef struct otel_swig_number {
    int is_int;
    int64_t i;
    double d;
} otel_swig_number;

static void otel_swig_tracer_free(otel_swig_tracer *t) {
    if (!t) return;
    otel_tracer_provider_release(t->tp);
    free(t);
}

static void otel_swig_meter_free(otel_swig_meter *m) {
    if (!m) return;
    otel_meter_provider_release(m->mp);
    free(m);
}

static void otel_swig_instrument_free(otel_swig_instrument *i) {
    if (!i) return;
    otel_meter_provider_release(i->mp);
    free(i);
}

/* A new reference on the box's span; once finished, a non-recording span
 * with its ids (enough to be a parent or a link target). */
static otel_span *otel_swig_span_ref(const otel_swig_span *b) {
    otel_span *s = NULL;
    if (!b) return NULL;
    if (b->s) return otel_span_retain(b->s);
    return otel_span_wrap(&s, &b->sc, NULL, 0) == OTEL_OK ? s : NULL;
}

/* A new context: the current one with the box's span in it. */
static otel_context *otel_swig_span_context(const otel_swig_span *b) {
    otel_span *s = otel_swig_span_ref(b);
    otel_context *c = s ? otel_context_with_span(NULL, s) : NULL;
    otel_span_release(s);
    return c;
}

static otel_swig_span otel_swig_box(otel_span *s) {
    otel_swig_span b;
    b.s = s;
    otel_span_get_context(s, &b.sc);
    return b;
}

static const char *otel_swig_hex(const uint8_t *p, int n, char *buf) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < n; i++) {
        buf[2 * i] = digits[p[i] >> 4];
        buf[2 * i + 1] = digits[p[i] & 15];
    }
    buf[2 * n] = 0;
    return buf;
}

/* The manual reader configure_metrics(memory) attaches, for tests. */
static otel_metric_reader *otel_swig_memory_reader;

#endif /* OTEL_SWIG_H */
