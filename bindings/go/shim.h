/* The C side of the Go binding. Two kinds of helpers live here:
 * - calls that do in one cgo crossing what would otherwise take several
 *   (a span start builds its explicit parent context, wraps its links and
 *   reads back its span context);
 * - trampolines that the C core calls, forwarding to exported Go functions
 *   with the cgo.Handle that `user_data` carries.
 * Every public C name the binding uses goes through this file or the Go
 * files' few direct calls, so a rename in the core is a small change here. */
#ifndef GOTEL_SHIM_H
#define GOTEL_SHIM_H

#include <stdint.h>
#include <otel/otel.h>

/* A link as Go knows it: a span context, not a C span handle. */
typedef struct gotel_link {
    otel_span_context sc;
    const char *ts;
    size_t ts_len;
    const otel_attr *attrs;
    size_t n_attrs;
} gotel_link;

/* An explicit parent: a live span of this SDK, else a span context (a remote
 * parent, another SDK's span, or one of ours that has ended), else none. */
otel_context *gotel_parent_context(otel_span *live, const otel_span_context *sc, const char *ts,
                                   size_t ts_len);

/* Starts a span under an explicit parent (never the thread's current
 * context). Writes its span context to `out`. A span that does not record is
 * released at once and NULL returned: its context is all Go keeps. */
otel_span *gotel_span_start(otel_tracer *t, const char *name, size_t name_len, int kind,
                            otel_span *live_parent, const otel_span_context *parent_sc,
                            const char *ts, size_t ts_len, const otel_attr *attrs,
                            size_t n_attrs, const gotel_link *links, size_t n_links,
                            uint64_t start_ns, otel_span_context *out);

void gotel_span_add_link(otel_span *s, const gotel_link *link);

/* A custom exporter calling back into Go (handle: a cgo.Handle). */
otel_status gotel_exporter_new(otel_exporter **out, uintptr_t handle);

/* An exporter that drops every span without leaving C. */
otel_status gotel_exporter_discard_new(otel_exporter **out);

/* Registers a Go callback (handle: a cgo.Handle) for `insts`. */
otel_status gotel_register_callback(otel_meter *m, uintptr_t handle, otel_instrument *const *insts,
                                    size_t n, uint64_t *id);

/* Records a measurement with the span of an explicit parent made the C
 * core's current context for the call, so the exemplar filter sees it. */
void gotel_record_in(otel_instrument *inst, int is_int, int64_t iv, double dv,
                     const otel_attr *attrs, size_t n, otel_span *live,
                     const otel_span_context *sc, const char *ts, size_t ts_len);

/* Extracts from `n` name/value pairs (2n strings) into a new context from
 * the root; release it. */
otel_context *gotel_extract(const otel_propagator *p, const otel_str *pairs, size_t n);

/* Injects a span context and baggage (`n_bag` triples name, value,
 * metadata) into a new header list; free it with otel_headers_free(). */
otel_headers *gotel_inject(const otel_propagator *p, const otel_span_context *sc, const char *ts,
                           size_t ts_len, const otel_str *bag, size_t n_bag);

/* The span context and trace state a context holds; 0 when none. */
int gotel_context_span(otel_context *ctx, otel_span_context *out, const char **ts, size_t *ts_len);

#endif
