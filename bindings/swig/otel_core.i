/* The low-level module every SWIG binding of libotel_core shares (Lua and
 * Ruby): handles and functions of strings, numbers and attribute tables.
 * The idiomatic layers (bindings/lua/otel_core.lua,
 * bindings/ruby/lib/otel_core.rb) add methods to the handle types.
 *
 * Each language's interface file includes this one after defining, as
 * typemaps, how its values become these C arguments:
 *   OTEL_HANDLE(name, Class, ctype, free_fn)  a handle the host object owns:
 *       `ctype *` in (nil -> NULL, another type -> a type error naming the
 *       argument), `ctype *` out (a new reference; free_fn runs when the host
 *       collects the object, never earlier);
 *   otel_swig_span *, otel_swig_span   the span box (below);
 *   otel_context *PARENT               nil, a context or a span;
 *   (const otel_attr *attrs, size_t n_attrs)   a table / Hash of attributes;
 *   const otel_attr *VALUE             one attribute value;
 *   otel_swig_number                   a number, integer or not.
 * Strings and attribute arrays are borrowed from the host for the call;
 * the core copies what it keeps. No function here keeps a host pointer. */

%{
#include "otel_swig.h"
%}

%include <stdint.i>

/* ---- handles ----------------------------------------------------------------- */

OTEL_HANDLE(context, Context, otel_context, otel_context_release)
OTEL_HANDLE(tracer, Tracer, otel_swig_tracer, otel_swig_tracer_free)
OTEL_HANDLE(meter, Meter, otel_swig_meter, otel_swig_meter_free)
OTEL_HANDLE(instrument, Instrument, otel_swig_instrument, otel_swig_instrument_free)
OTEL_HANDLE(options, Options, otel_options, otel_options_free)
OTEL_HANDLE(headers, Headers, otel_headers, otel_headers_free)

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
%rename(tracer) otel_swig_get_tracer;
%rename(meter) otel_swig_get_meter;
%rename(instrument) otel_swig_create_instrument;
%rename("%(strip:[otel_swig_])s") "";

%inline %{
const char *otel_swig_version(void) { return otel_version(); }
const char *otel_swig_last_error(void) { return otel_last_error(); }
/* Wall-clock ns since the epoch (a double: exact to the microsecond until
 * 2255), for timing in a language whose clock is coarse (Lua's os.time). */
double otel_swig_now_ns(void) { return (double)otel_time_now_ns(); }

/* ---- configuration ---- */

/* Strict: a bad value set from Lua or Ruby makes configure fail with a
 * message naming the option (the environment's stay warnings). */
otel_options *otel_swig_options_new(void) {
    otel_options *o = NULL;
    if (otel_options_new(&o) != OTEL_OK) return NULL;
    otel_options_set_strict(o, 1);
    return o;
}
/* 0 on success, else an otel_status (the message is last_error()) */
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

/* A tracer of the process-wide provider; when none was set (by configure
 * or by a host program), one from the environment becomes it. */
otel_swig_tracer *otel_swig_get_tracer(const char *name, const char *version) {
    otel_swig_tracer *t = (otel_swig_tracer *)calloc(1, sizeof *t);
    if (!t) return NULL;
    t->tp = otel_tracer_provider_get_global();
    if (!t->tp) {
        if (otel_tracer_provider_new(&t->tp, NULL) != OTEL_OK) {
            free(t);
            return NULL;
        }
        otel_tracer_provider_set_global(t->tp);
    }
    t->t = otel_tracer_provider_get_tracer(t->tp, name ? name : "", version, NULL);
    return t;
}

/* parent: nil (the current context of this thread), a context or a span */
otel_swig_span otel_swig_start_span(otel_swig_tracer *t, const char *name, int kind,
                                    const otel_attr *attrs, size_t n_attrs,
                                    otel_context *PARENT) {
    return otel_swig_box(otel_tracer_start_span_n(t ? t->t : NULL, name, name ? strlen(name) : 0,
                                                  kind, PARENT, attrs, n_attrs, NULL, 0, 0));
}
/* The span current on this thread, for code a host program calls inside
 * its own span (none: a no-op span with all-zero ids). */
otel_swig_span otel_swig_current_span(void) {
    otel_context *c = otel_context_current();
    otel_span *s = otel_span_retain(otel_context_get_span(c));
    otel_context_release(c);
    return otel_swig_box(s);
}
/* Ends the span and gives it back to the core; the box keeps the ids. */
void otel_swig_end_span(otel_swig_span *b) {
    if (!b || !b->s) return;
    otel_span *s = b->s;
    b->s = NULL;
    otel_span_end(s);
}
int otel_swig_is_recording(otel_swig_span *b) { return b && otel_span_is_recording(b->s); }
int otel_swig_is_sampled(otel_swig_span *b) { return b && (b->sc.trace_flags & 1); }
void otel_swig_set_attribute(otel_swig_span *b, const char *KEY, const otel_attr *VALUE) {
    if (!b || !KEY || !VALUE) return;
    otel_attr a = *VALUE;
    a.key = KEY;
    a.key_len = strlen(KEY);
    otel_span_set_attributes(b->s, &a, 1);
}
void otel_swig_set_attributes(otel_swig_span *b, const otel_attr *attrs, size_t n_attrs) {
    if (b) otel_span_set_attributes(b->s, attrs, n_attrs);
}
void otel_swig_add_event(otel_swig_span *b, const char *KEY, const otel_attr *attrs,
                         size_t n_attrs) {
    if (b) otel_span_add_event(b->s, KEY, attrs, n_attrs);
}
void otel_swig_add_link(otel_swig_span *b, otel_swig_span *target, const otel_attr *attrs,
                        size_t n_attrs) {
    if (!b || !b->s || !target) return;
    otel_span *t = otel_swig_span_ref(target);
    otel_span_add_link(b->s, t, attrs, n_attrs);
    otel_span_release(t);
}
void otel_swig_record_exception(otel_swig_span *b, const char *type, const char *message,
                                const char *stacktrace) {
    if (b) otel_span_record_exception(b->s, type, message, stacktrace, NULL, 0);
}
void otel_swig_set_status(otel_swig_span *b, int code, const char *description) {
    if (b) otel_span_set_status(b->s, code, description);
}
void otel_swig_update_name(otel_swig_span *b, const char *KEY) {
    if (b) otel_span_update_name(b->s, KEY);
}
/* hex ids, all zeros for a non-recording span without a parent */
const char *otel_swig_trace_id(otel_swig_span *b) {
    static __thread char buf[33];
    static const uint8_t zero[16];
    return otel_swig_hex(b ? b->sc.trace_id : zero, 16, buf);
}
const char *otel_swig_span_id(otel_swig_span *b) {
    static __thread char buf[17];
    static const uint8_t zero[8];
    return otel_swig_hex(b ? b->sc.span_id : zero, 8, buf);
}

/* ---- contexts ---- */

otel_context *otel_swig_context_with_span(otel_swig_span *b) { return otel_swig_span_context(b); }
/* Makes a context (or a span's) current on this thread; the token for
 * detach. A double: exact up to 2^53 attaches per thread. */
double otel_swig_attach(otel_context *PARENT) { return (double)otel_context_attach(PARENT); }
int otel_swig_detach(double token) {
    /* a token is a whole number >= 1; anything else (NaN, negative, huge)
     * is not one of ours, and converting it would be undefined */
    if (!(token >= 1 && token <= 9007199254740992.0) || token != (double)(uint64_t)token) return 0;
    return (int)otel_context_detach((uint64_t)token);
}

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
/* PARENT nil: the current context of this thread */
void otel_swig_inject(otel_headers *h, otel_context *PARENT) {
    otel_propagator *p = otel_propagator_get_global();
    otel_propagator_inject_headers(p, PARENT, h);
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
        otel_metric_reader_release(otel_swig_memory_reader);
        otel_swig_memory_reader = NULL;
        otel_metric_reader_manual_new(&otel_swig_memory_reader, OTEL_TEMPORALITY_CUMULATIVE);
        otel_meter_provider_add_reader(mp, otel_swig_memory_reader);
    }
    otel_meter_provider_set_global(mp);
    otel_meter_provider_release(mp);
    return 0;
}

/* A meter of the process-wide meter provider (one from the environment
 * when none was set). */
otel_swig_meter *otel_swig_get_meter(const char *name, const char *version) {
    otel_swig_meter *m = (otel_swig_meter *)calloc(1, sizeof *m);
    if (!m) return NULL;
    m->mp = otel_meter_provider_get_global();
    if (!m->mp) {
        if (otel_meter_provider_new(&m->mp, NULL) != OTEL_OK) {
            free(m);
            return NULL;
        }
        otel_meter_provider_set_global(m->mp);
    }
    m->m = otel_meter_provider_get_meter(m->mp, name, version, NULL);
    return m;
}

/* nil on a bad name (the message is last_error()). */
otel_swig_instrument *otel_swig_create_instrument(otel_swig_meter *m, int kind, int number,
                                           const char *name, const char *unit,
                                           const char *description) {
    otel_instrument *inst = NULL;
    if (!m || otel_meter_create_instrument(&inst, m->m, kind, number, name, unit, description) != OTEL_OK)
        return NULL;
    otel_swig_instrument *i = (otel_swig_instrument *)calloc(1, sizeof *i);
    if (!i) return NULL;
    i->mp = otel_meter_provider_retain(m->mp);
    i->i = inst;
    i->is_int = number == OTEL_NUMBER_INT64;
    return i;
}
/* An integer into an integer instrument as is; anything else as a double. */
/* 0, or 1 when a finite float that is not a whole number meets an integer
 * instrument, which the core drops and counts: the layers raise for it
 * (a user's mistake, not data). The core decides everything else. */
int otel_swig_record(otel_swig_instrument *i, otel_swig_number v, const otel_attr *attrs,
                     size_t n_attrs) {
    if (!i) return 0;
    if (v.is_int) {
        otel_instrument_record_i64(i->i, v.i, attrs, n_attrs);
        return 0;
    }
    otel_instrument_record_f64(i->i, v.d, attrs, n_attrs);
    return i->is_int && isfinite(v.d) && v.d != trunc(v.d);
}
/* For tests: the sum over points of metric `name` in the memory reader
 * (histograms: the count); NaN when absent. */
double otel_swig_metric_value(const char *name) {
    otel_metrics_data *d = NULL;
    double total = NAN;
    if (!name || !otel_swig_memory_reader ||
        otel_metric_reader_collect(otel_swig_memory_reader, &d) != OTEL_OK)
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
