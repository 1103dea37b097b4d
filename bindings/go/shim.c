/* See shim.h. */
#include "shim.h"

#include <stdlib.h>

#include "_cgo_export.h"

otel_context *gotel_parent_context(otel_span *live, const otel_span_context *sc, const char *ts,
                                   size_t ts_len) {
    otel_context *root = otel_context_root();
    otel_context *c = NULL;
    if (live) {
        c = otel_context_with_span(root, live);
    } else if (sc && otel_span_context_is_valid(sc)) {
        otel_span *w = NULL;
        if (otel_span_wrap(&w, sc, ts, ts_len) == OTEL_OK) {
            c = otel_context_with_span(root, w);
            otel_span_release(w); /* the context holds its own reference */
        }
    }
    return c ? c : root;
}

otel_span *gotel_span_start(otel_tracer *t, const char *name, size_t name_len, int kind,
                            otel_span *live_parent, const otel_span_context *parent_sc,
                            const char *ts, size_t ts_len, const otel_attr *attrs,
                            size_t n_attrs, const gotel_link *links, size_t n_links,
                            uint64_t start_ns, otel_span_context *out) {
    otel_context *parent = gotel_parent_context(live_parent, parent_sc, ts, ts_len);
    otel_link stack_links[8];
    otel_link *cl = n_links <= 8 ? stack_links : malloc(n_links * sizeof *cl);
    size_t nl = 0;
    if (cl) {
        for (size_t i = 0; i < n_links; i++) {
            otel_span *w = NULL;
            if (otel_span_wrap(&w, &links[i].sc, links[i].ts, links[i].ts_len) != OTEL_OK) continue;
            cl[nl++] = (otel_link){w, links[i].attrs, links[i].n_attrs};
        }
    }
    otel_span *s = otel_tracer_start_span_n(t, name, name_len, kind, parent, attrs, n_attrs, cl,
                                            nl, start_ns);
    for (size_t i = 0; i < nl; i++) otel_span_release((otel_span *)cl[i].span);
    if (cl != stack_links) free(cl);
    otel_context_release(parent);
    otel_span_get_context(s, out);
    if (!otel_span_is_recording(s)) {
        otel_span_release(s);
        return NULL;
    }
    return s;
}

void gotel_span_add_link(otel_span *s, const gotel_link *link) {
    otel_span *w = NULL;
    if (otel_span_wrap(&w, &link->sc, link->ts, link->ts_len) != OTEL_OK) return;
    otel_span_add_link(s, w, link->attrs, link->n_attrs);
    otel_span_release(w);
}

/* ---- trampolines into Go ---- */

static int export_trampoline(const otel_span_data *const *spans, size_t n, void *user_data) {
    return gotelExport((otel_span_data **)spans, n, (uintptr_t)user_data);
}

static int flush_trampoline(uint32_t timeout_ms, void *user_data) {
    return gotelExporterControl((uintptr_t)user_data, 0, timeout_ms);
}

static int shutdown_trampoline(uint32_t timeout_ms, void *user_data) {
    return gotelExporterControl((uintptr_t)user_data, 1, timeout_ms);
}

static void free_trampoline(void *user_data) { gotelHandleDelete((uintptr_t)user_data); }

otel_status gotel_exporter_new(otel_exporter **out, uintptr_t handle) {
    otel_status st = otel_exporter_custom_new(out, export_trampoline, (void *)handle);
    if (st != OTEL_OK) return st;
    otel_exporter_set_force_flush_fn(*out, flush_trampoline);
    otel_exporter_set_shutdown_fn(*out, shutdown_trampoline);
    otel_exporter_set_free_fn(*out, free_trampoline);
    return OTEL_OK;
}

static void observe_trampoline(otel_observer *observer, void *user_data) {
    gotelObserve(observer, (uintptr_t)user_data);
}

otel_status gotel_register_callback(otel_meter *m, uintptr_t handle, otel_instrument *const *insts,
                                    size_t n, uint64_t *id) {
    return otel_meter_register_callback(m, observe_trampoline, (void *)handle, insts, n, id);
}

/* ---- propagation ---- */

otel_context *gotel_extract(const otel_propagator *p, const otel_str *pairs, size_t n) {
    otel_headers *h = NULL;
    if (otel_headers_new(&h) != OTEL_OK) return otel_context_root();
    for (size_t i = 0; i < n; i++)
        otel_headers_add_n(h, pairs[2 * i].ptr, pairs[2 * i].len, pairs[2 * i + 1].ptr,
                           pairs[2 * i + 1].len);
    otel_context *c = otel_propagator_extract_headers(p, otel_context_root(), h);
    otel_headers_free(h);
    return c;
}

otel_headers *gotel_inject(const otel_propagator *p, const otel_span_context *sc, const char *ts,
                           size_t ts_len, const otel_str *bag, size_t n_bag) {
    otel_headers *h = NULL;
    if (otel_headers_new(&h) != OTEL_OK) return NULL;
    otel_context *c = gotel_parent_context(NULL, sc, ts, ts_len);
    if (n_bag) {
        otel_baggage *b = NULL;
        for (size_t i = 0; i < n_bag; i++) {
            otel_baggage *next = NULL;
            const otel_str *e = bag + 3 * i;
            if (otel_baggage_set_n(b, e[0].ptr, e[0].len, e[1].ptr, e[1].len, e[2].ptr, e[2].len,
                                   &next) == OTEL_OK) {
                otel_baggage_release(b);
                b = next;
            }
        }
        otel_context *cb = otel_context_with_baggage(c, b);
        otel_baggage_release(b);
        if (cb) {
            otel_context_release(c);
            c = cb;
        }
    }
    otel_propagator_inject_headers(p, c, h);
    otel_context_release(c);
    return h;
}

int gotel_context_span(otel_context *ctx, otel_span_context *out, const char **ts,
                       size_t *ts_len) {
    otel_span *s = otel_context_get_span(ctx);
    if (!s) return 0;
    otel_span_get_context(s, out);
    *ts = otel_span_get_trace_state(s, ts_len);
    return otel_span_context_is_valid(out);
}

static int discard_export(const otel_span_data *const *spans, size_t n, void *user_data) {
    (void)spans, (void)n, (void)user_data;
    return OTEL_EXPORT_SUCCESS;
}

otel_status gotel_exporter_discard_new(otel_exporter **out) {
    return otel_exporter_custom_new(out, discard_export, NULL);
}

void gotel_record_in(otel_instrument *inst, int is_int, int64_t iv, double dv,
                     const otel_attr *attrs, size_t n, otel_span *live,
                     const otel_span_context *sc, const char *ts, size_t ts_len) {
    otel_context *c = gotel_parent_context(live, sc, ts, ts_len);
    uint64_t tok = otel_context_attach(c); /* this thread, this call only */
    if (is_int) otel_instrument_record_i64(inst, iv, attrs, n);
    else otel_instrument_record_f64(inst, dv, attrs, n);
    if (tok) otel_context_detach(tok);
    otel_context_release(c);
}
