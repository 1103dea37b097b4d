/* The C functions every SWIG binding of libotel_core shares (Lua and Ruby
 * wrap them; otel_swig.h documents each). Plain C compiled with the
 * project's warnings, not %inline code that only SWIG's wrapper saw. */
#include "otel_swig.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The manual reader configure_metrics(memory) attaches, for tests. */
static otel_metric_reader *otel_swig_memory_reader;

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

void otel_swig_tracer_free(otel_swig_tracer *t) {
    if (!t) return;
    otel_tracer_provider_release(t->tp);
    free(t);
}

void otel_swig_meter_free(otel_swig_meter *m) {
    if (!m) return;
    otel_meter_provider_release(m->mp);
    free(m);
}

void otel_swig_instrument_free(otel_swig_instrument *i) {
    if (!i) return;
    otel_meter_provider_release(i->mp);
    free(i);
}

otel_span *otel_swig_span_ref(const otel_swig_span *b) {
    otel_span *s = NULL;
    if (!b) return NULL;
    if (b->s) return otel_span_retain(b->s);
    return otel_span_wrap(&s, &b->sc, NULL, 0) == OTEL_OK ? s : NULL;
}

otel_context *otel_swig_span_context(const otel_swig_span *b) {
    otel_span *s = otel_swig_span_ref(b);
    otel_context *c = s ? otel_context_with_span(NULL, s) : NULL;
    otel_span_release(s);
    return c;
}

/* ---- configuration, version, time ---- */

const char *otel_swig_version(void) { return otel_version(); }
const char *otel_swig_last_error(void) { return otel_last_error(); }
double otel_swig_now_ns(void) { return (double)otel_time_now_ns(); }

otel_options *otel_swig_options_new(void) {
    otel_options *o = NULL;
    if (otel_options_new(&o) != OTEL_OK) return NULL;
    otel_options_set_strict(o, 1);
    return o;
}
int otel_swig_options_set(otel_options *o, const char *name, const char *value) {
    return (int)otel_options_set(o, name, value);
}
const char *otel_swig_option_name(int index) {
    const otel_option_info *i = otel_option_next(NULL);
    for (int k = 0; i && k < index; k++) i = otel_option_next(i);
    return index >= 0 && i ? otel_option_info_name(i) : NULL;
}
int otel_swig_option_type(const char *name) {
    const otel_option_info *i = otel_option_by_name(name);
    return i ? otel_option_info_type(i) : -1;
}
const char *otel_swig_option_default(const char *name) {
    return otel_option_info_default(otel_option_by_name(name));
}
const char *otel_swig_option_choices(const char *name) {
    return otel_option_info_choices(otel_option_by_name(name));
}
const char *otel_swig_option_description(const char *name) {
    return otel_option_info_description(otel_option_by_name(name));
}
int otel_swig_configure(otel_options *o) {
    otel_tracer_provider *tp = NULL;
    otel_status st = otel_tracer_provider_new(&tp, o);
    if (st != OTEL_OK) return (int)st;
    otel_tracer_provider_set_global(tp);
    otel_tracer_provider_release(tp);
    return 0;
}
int otel_swig_force_flush(uint32_t timeout_ms) {
    return (int)otel_tracer_provider_force_flush(otel_tracer_provider_global_borrowed(), timeout_ms);
}
int otel_swig_shutdown(uint32_t timeout_ms) {
    return (int)otel_tracer_provider_shutdown(otel_tracer_provider_global_borrowed(), timeout_ms);
}
double otel_swig_stat(const char *name) {
    uint64_t v[64];
    size_t n = otel_tracer_provider_get_stats(otel_tracer_provider_global_borrowed(), v, 64);
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(otel_stat_name((int)i), name) == 0) return (double)v[i];
    return -1;
}

/* ---- tracers and spans ---- */

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

otel_swig_span otel_swig_start_span(otel_swig_tracer *t, const char *name, int kind,
                                    const otel_attr *attrs, size_t n_attrs,
                                    otel_context *PARENT) {
    return otel_swig_box(otel_tracer_start_span_n(t ? t->t : NULL, name, name ? strlen(name) : 0,
                                                  kind, PARENT, attrs, n_attrs, NULL, 0, 0));
}
otel_swig_span otel_swig_current_span(void) {
    otel_context *c = otel_context_current();
    otel_span *s = otel_span_retain(otel_context_get_span(c));
    otel_context_release(c);
    return otel_swig_box(s);
}
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
const char *otel_swig_trace_id(otel_swig_span *b) {
    static _Thread_local char buf[33];
    static const uint8_t zero[16];
    return otel_swig_hex(b ? b->sc.trace_id : zero, 16, buf);
}
const char *otel_swig_span_id(otel_swig_span *b) {
    static _Thread_local char buf[17];
    static const uint8_t zero[8];
    return otel_swig_hex(b ? b->sc.span_id : zero, 8, buf);
}

/* ---- contexts ---- */

otel_context *otel_swig_context_with_span(otel_swig_span *b) { return otel_swig_span_context(b); }
double otel_swig_attach(otel_context *PARENT) { return (double)otel_context_attach(PARENT); }
int otel_swig_detach(double token) {
    /* a token is a whole number >= 1; anything else (NaN, negative, huge)
     * is not one of ours, and converting it would be undefined */
    if (!(token >= 1 && token <= 9007199254740992.0) || token != (double)(uint64_t)token) return 0;
    return (int)otel_context_detach((uint64_t)token);
}

/* ---- propagation ---- */

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
    otel_metrics_data_free(d);
    return total;
}
