/* The low-level module every SWIG binding of libotel_core shares (Lua and
 * Ruby). Deliberately flat: handles plus functions of strings and numbers,
 * so no language needs a typemap beyond SWIG's own; the idiomatic layer of
 * each language (bindings/lua/otel_core.lua, bindings/ruby/lib/otel_core.rb)
 * turns tables and hashes into these calls.
 *
 * Ownership: every handle this module returns is a reference the host
 * object owns; the host's garbage collector releases it (the destructors
 * below), never earlier. Handles passed in are borrowed for the call, and
 * every function accepts nil/NULL handles. */

%{
#include <math.h>
#include <otel/otel.h>
#include <stdlib.h>
#include <string.h>

/* A tracer of a provider, holding a reference on it so the tracer (owned
 * by the provider) stays valid while the host object lives. */
typedef struct otel_swig_tracer {
    otel_tracer_provider *tp;
    otel_tracer *t;
} otel_swig_tracer;

/* Attributes collected one by one (strings copied), for span start,
 * events and exceptions. */
typedef struct otel_swig_attrs {
    otel_attr *items;
    size_t n, cap;
} otel_swig_attrs;

/* A meter of a meter provider, holding a reference on it. */
typedef struct otel_swig_meter {
    otel_meter_provider *mp;
    otel_meter *m;
} otel_swig_meter;

/* The manual reader configure_metrics(memory) attaches, for tests. */
static otel_metric_reader *swig_memory_reader;

static otel_attr *swig_attrs_slot(otel_swig_attrs *a, const char *key) {
    if (!a || !key) return NULL;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 8;
        otel_attr *items = (otel_attr *)realloc(a->items, cap * sizeof *items);
        if (!items) return NULL;
        a->items = items;
        a->cap = cap;
    }
    otel_attr *s = &a->items[a->n];
    memset(s, 0, sizeof *s);
    s->key_len = strlen(key);
    char *k = (char *)malloc(s->key_len + 1);
    if (!k) return NULL;
    memcpy(k, key, s->key_len + 1);
    s->key = k;
    a->n++;
    return s;
}

static void swig_attrs_clear(otel_swig_attrs *a) {
    for (size_t i = 0; i < a->n; i++) {
        free((void *)a->items[i].key);
        if (a->items[i].type == OTEL_VALUE_STRING) free((void *)a->items[i].ptr);
    }
    a->n = 0;
}
%}

%include <stdint.i>

%nodefaultctor;
%nodefaultdtor;

/* ---- handles and their destructors ---------------------------------------- */

struct otel_span {};
struct otel_context {};
struct otel_tracer_provider {};
struct otel_options {};
struct otel_headers {};
struct otel_swig_tracer {};
struct otel_swig_attrs {};
struct otel_swig_meter {};
struct otel_instrument {};
typedef struct otel_span otel_span;
typedef struct otel_context otel_context;
typedef struct otel_tracer_provider otel_tracer_provider;
typedef struct otel_options otel_options;
typedef struct otel_headers otel_headers;
typedef struct otel_swig_tracer otel_swig_tracer;
typedef struct otel_swig_attrs otel_swig_attrs;
typedef struct otel_swig_meter otel_swig_meter;
typedef struct otel_instrument otel_instrument; /* owned by its provider: no destructor */

%extend otel_span { ~otel_span() { otel_span_release($self); } }
%extend otel_context { ~otel_context() { otel_context_release($self); } }
%extend otel_tracer_provider { ~otel_tracer_provider() { otel_tracer_provider_release($self); } }
%extend otel_options { ~otel_options() { otel_options_free($self); } }
%extend otel_headers { ~otel_headers() { otel_headers_free($self); } }
%extend otel_swig_tracer {
    ~otel_swig_tracer() {
        otel_tracer_provider_release($self->tp);
        free($self);
    }
}
%extend otel_swig_meter {
    ~otel_swig_meter() {
        otel_meter_provider_release($self->mp);
        free($self);
    }
}
%extend otel_swig_attrs {
    ~otel_swig_attrs() {
        swig_attrs_clear($self);
        free($self->items);
        free($self);
    }
}

/* ---- constants ------------------------------------------------------------ */

%constant int KIND_INTERNAL = OTEL_SPAN_KIND_INTERNAL;
%constant int KIND_SERVER = OTEL_SPAN_KIND_SERVER;
%constant int KIND_CLIENT = OTEL_SPAN_KIND_CLIENT;
%constant int KIND_PRODUCER = OTEL_SPAN_KIND_PRODUCER;
%constant int KIND_CONSUMER = OTEL_SPAN_KIND_CONSUMER;
%constant int STATUS_UNSET = OTEL_STATUS_CODE_UNSET;
%constant int STATUS_OK = OTEL_STATUS_CODE_OK;
%constant int STATUS_ERROR = OTEL_STATUS_CODE_ERROR;
%constant int INSTRUMENT_COUNTER = OTEL_INSTRUMENT_COUNTER;
%constant int INSTRUMENT_UP_DOWN_COUNTER = OTEL_INSTRUMENT_UP_DOWN_COUNTER;
%constant int INSTRUMENT_HISTOGRAM = OTEL_INSTRUMENT_HISTOGRAM;
%constant int INSTRUMENT_GAUGE = OTEL_INSTRUMENT_GAUGE;
%constant int NUMBER_INT64 = OTEL_NUMBER_INT64;
%constant int NUMBER_DOUBLE = OTEL_NUMBER_DOUBLE;

/* the C functions are otel_swig_<name> (no clash with libc's stat or
 * shutdown); the host languages see <name> */
%rename(tracer) otel_swig_new_tracer;
%rename(meter) otel_swig_meter_new;
%rename("%(strip:[otel_swig_])s") "";

/* functions that return a new reference the host object owns */
%newobject otel_swig_options_new;
%newobject otel_swig_new_tracer;
%newobject otel_swig_meter_new;
%newobject otel_swig_start_span;
%newobject otel_swig_attrs_new;
%newobject otel_swig_context_with_span;
%newobject otel_swig_current_context;
%newobject otel_swig_headers_new;
%newobject otel_swig_extract;

%inline %{
const char *otel_swig_version(void) { return otel_version(); }
const char *otel_swig_last_error(void) { return otel_last_error(); }

/* ---- configuration ---- */

otel_options *otel_swig_options_new(void) {
    otel_options *o = NULL;
    return otel_options_new(&o) == OTEL_OK ? o : NULL;
}
/* 0 on success, else an otel_status (the message is otel_swig_last_error()) */
int otel_swig_options_set(otel_options *o, const char *name, const char *value) {
    return (int)otel_options_set(o, name, value);
}
/* Makes a provider from `o` the process-wide one; 0 or an otel_status. */
int otel_swig_configure(otel_options *o) {
    otel_tracer_provider *tp = NULL;
    otel_status st = otel_tracer_provider_new(&tp, o);
    if (st != OTEL_OK) return (int)st;
    otel_tracer_provider_set_global(tp);
    otel_tracer_provider_release(tp);
    return 0;
}
/* (the global provider is borrowed: no release) */
int otel_swig_force_flush(uint32_t timeout_ms) {
    return (int)otel_tracer_provider_force_flush(otel_tracer_provider_global(), timeout_ms);
}
int otel_swig_shutdown(uint32_t timeout_ms) {
    return (int)otel_tracer_provider_shutdown(otel_tracer_provider_global(), timeout_ms);
}
/* A counter of the global provider's stats by name ("spans_started", ...);
 * -1 for an unknown name. */
double otel_swig_stat(const char *name) {
    uint64_t v[64];
    size_t n = otel_tracer_provider_get_stats(otel_tracer_provider_global(), v, 64);
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(otel_stat_name((int)i), name) == 0) return (double)v[i];
    return -1;
}

/* ---- tracers and spans ---- */

otel_swig_tracer *otel_swig_new_tracer(const char *name, const char *version) {
    otel_swig_tracer *t = (otel_swig_tracer *)calloc(1, sizeof *t);
    if (!t) return NULL;
    t->tp = otel_tracer_provider_get_global();
    if (!t->tp) t->tp = otel_tracer_provider_retain(otel_tracer_provider_global()); /* no-op */
    t->t = otel_tracer_provider_get_tracer(t->tp, name ? name : "", version, NULL);
    return t;
}

/* parent: a context (nil: the current one of this thread) */
otel_span *otel_swig_start_span(otel_swig_tracer *t, const char *name, int kind, otel_context *parent,
                      otel_swig_attrs *attrs) {
    return otel_tracer_start_span_n(t ? t->t : NULL, name, name ? strlen(name) : 0, kind,
                                    parent, attrs ? attrs->items : NULL, attrs ? attrs->n : 0,
                                    NULL, 0, 0);
}
/* Ends the span; the host object keeps its own reference until collected. */
void otel_swig_end_span(otel_span *s) {
    if (s) otel_span_end(otel_span_retain(s));
}
int otel_swig_is_recording(otel_span *s) { return otel_span_is_recording(s); }
void otel_swig_set_str(otel_span *s, const char *key, const char *value) {
    otel_span_set_attribute_str(s, key, value);
}
void otel_swig_set_i64(otel_span *s, const char *key, int64_t value) { otel_span_set_attribute_i64(s, key, value); }
void otel_swig_set_f64(otel_span *s, const char *key, double value) { otel_span_set_attribute_f64(s, key, value); }
void otel_swig_set_bool(otel_span *s, const char *key, int value) { otel_span_set_attribute_bool(s, key, value); }
void otel_swig_add_event(otel_span *s, const char *name, otel_swig_attrs *attrs) {
    otel_span_add_event(s, name, attrs ? attrs->items : NULL, attrs ? attrs->n : 0);
}
void otel_swig_add_link(otel_span *s, otel_span *target) { otel_span_add_link(s, target, NULL, 0); }
void otel_swig_record_exception(otel_span *s, const char *type, const char *message,
                      const char *stacktrace) {
    otel_span_record_exception(s, type, message, stacktrace, NULL, 0);
}
void otel_swig_set_status(otel_span *s, int code, const char *description) {
    otel_span_set_status(s, code, description);
}
void otel_swig_update_name(otel_span *s, const char *name) { otel_span_update_name(s, name); }

/* hex ids; "" for nil */
const char *otel_swig_trace_id(otel_span *s) {
    static __thread char buf[33];
    otel_span_context sc;
    otel_span_get_context(s, &sc);
    for (int i = 0; i < 16; i++) snprintf(buf + 2 * i, 3, "%02x", sc.trace_id[i]);
    return s ? buf : "";
}
const char *otel_swig_span_id(otel_span *s) {
    static __thread char buf[17];
    otel_span_context sc;
    otel_span_get_context(s, &sc);
    for (int i = 0; i < 8; i++) snprintf(buf + 2 * i, 3, "%02x", sc.span_id[i]);
    return s ? buf : "";
}

/* ---- attributes ---- */

otel_swig_attrs *otel_swig_attrs_new(void) { return (otel_swig_attrs *)calloc(1, sizeof(otel_swig_attrs)); }
void otel_swig_attrs_str(otel_swig_attrs *a, const char *key, const char *value) {
    otel_attr *s = swig_attrs_slot(a, key);
    if (!s || !value) return;
    size_t n = strlen(value);
    char *v = (char *)malloc(n + 1);
    if (!v) return;
    memcpy(v, value, n + 1);
    s->type = OTEL_VALUE_STRING;
    s->ptr = v;
    s->len = n;
}
void otel_swig_attrs_i64(otel_swig_attrs *a, const char *key, int64_t value) {
    otel_attr *s = swig_attrs_slot(a, key);
    if (s) { s->type = OTEL_VALUE_INT64; s->int_value = value; }
}
void otel_swig_attrs_f64(otel_swig_attrs *a, const char *key, double value) {
    otel_attr *s = swig_attrs_slot(a, key);
    if (s) { s->type = OTEL_VALUE_DOUBLE; s->double_value = value; }
}
void otel_swig_attrs_bool(otel_swig_attrs *a, const char *key, int value) {
    otel_attr *s = swig_attrs_slot(a, key);
    if (s) { s->type = OTEL_VALUE_BOOL; s->bool_value = value != 0; }
}

/* ---- contexts ---- */

otel_context *otel_swig_context_with_span(otel_span *s) {
    return s ? otel_context_with_span(otel_context_root(), s) : NULL;
}
otel_context *otel_swig_current_context(void) { return otel_context_current(); }
/* Makes ctx current on this thread; returns the token for detach. */
double otel_swig_attach(otel_context *ctx) { return (double)otel_context_attach(ctx); }
int otel_swig_detach(double token) { return (int)otel_context_detach((uint64_t)token); }

/* ---- propagation (the global propagator, OTEL_PROPAGATORS) ---- */

otel_headers *otel_swig_headers_new(void) {
    otel_headers *h = NULL;
    return otel_headers_new(&h) == OTEL_OK ? h : NULL;
}
int otel_swig_headers_add(otel_headers *h, const char *name, const char *value) {
    return (int)otel_headers_add(h, name, value);
}
int otel_swig_headers_count(otel_headers *h) { return (int)otel_headers_count(h); }
const char *otel_swig_headers_name(otel_headers *h, int i) {
    const char *n = NULL;
    return otel_headers_at(h, (size_t)i, &n, NULL, NULL, NULL) == OTEL_OK ? n : NULL;
}
const char *otel_swig_headers_value(otel_headers *h, int i) {
    const char *v = NULL;
    return otel_headers_at(h, (size_t)i, NULL, NULL, &v, NULL) == OTEL_OK ? v : NULL;
}
/* ctx nil: the current context of this thread */
void otel_swig_inject(otel_context *ctx, otel_headers *h) {
    otel_propagator *p = otel_propagator_get_global();
    otel_propagator_inject_headers(p, ctx, h);
    otel_propagator_release(p);
}
otel_context *otel_swig_extract(otel_headers *h) {
    otel_propagator *p = otel_propagator_get_global();
    otel_context *c = otel_propagator_extract_headers(p, otel_context_root(), h);
    otel_propagator_release(p);
    return c;
}

/* ---- metrics ---- */

/* Makes a meter provider from `o` the process-wide one; `memory`: also a
 * manual reader that metric_value() reads (tests). 0 or an otel_status. */
int otel_swig_configure_metrics(otel_options *o, int memory) {
    otel_meter_provider *mp = NULL;
    otel_status st = otel_meter_provider_new(&mp, o);
    if (st != OTEL_OK) return (int)st;
    if (memory) {
        otel_metric_reader_release(swig_memory_reader);
        swig_memory_reader = NULL;
        otel_metric_reader_manual_new(&swig_memory_reader, OTEL_TEMPORALITY_CUMULATIVE);
        otel_meter_provider_add_reader(mp, swig_memory_reader);
    }
    otel_meter_provider_set_global(mp);
    otel_meter_provider_release(mp);
    return 0;
}

otel_swig_meter *otel_swig_meter_new(const char *name, const char *version) {
    otel_swig_meter *m = (otel_swig_meter *)calloc(1, sizeof *m);
    if (!m) return NULL;
    m->mp = otel_meter_provider_get_global();
    if (!m->mp) { /* none configured: one from the environment */
        if (otel_meter_provider_new(&m->mp, NULL) != OTEL_OK) {
            free(m);
            return NULL;
        }
        otel_meter_provider_set_global(m->mp);
    }
    m->m = otel_meter_provider_get_meter(m->mp, name, version, NULL);
    return m;
}

/* NULL on a bad name (the message is last_error()). */
otel_instrument *otel_swig_instrument(otel_swig_meter *m, int kind, int number, const char *name,
                                      const char *unit, const char *description) {
    otel_instrument *i = NULL;
    return m && otel_meter_create_instrument(&i, m->m, kind, number, name, unit, description) == OTEL_OK
               ? i : NULL;
}
void otel_swig_record_i64(otel_instrument *i, int64_t v, otel_swig_attrs *a) {
    otel_instrument_record_i64(i, v, a ? a->items : NULL, a ? a->n : 0);
}
void otel_swig_record_f64(otel_instrument *i, double v, otel_swig_attrs *a) {
    otel_instrument_record_f64(i, v, a ? a->items : NULL, a ? a->n : 0);
}
/* For tests: the sum over points of metric `name` in the memory reader
 * (histograms: the count); NaN when absent. */
double otel_swig_metric_value(const char *name) {
    otel_metrics_data *d = NULL;
    double total = NAN;
    if (!name || !swig_memory_reader || otel_metric_reader_collect(swig_memory_reader, &d) != OTEL_OK)
        return total;
    for (size_t i = 0; i < otel_metrics_data_count(d); i++) {
        const char *n;
        int kind;
        size_t np;
        otel_metrics_data_metric(d, i, &n, NULL, NULL, &kind, NULL, NULL, &np, NULL);
        if (strcmp(n, name) != 0) continue;
        total = 0;
        for (size_t p = 0; p < np; p++) {
            int is_int;
            int64_t iv;
            double dv;
            uint64_t count;
            otel_metrics_data_point(d, i, p, NULL, NULL, &is_int, &iv, &dv, &count, NULL, NULL, NULL);
            total += kind == OTEL_METRIC_HISTOGRAM ? (double)count : is_int ? (double)iv : dv;
        }
    }
    otel_metrics_data_release(d);
    return total;
}
%}
