/* The C side every SWIG binding of libotel_core shares (Lua and Ruby): the
 * functions the host languages call, defined in otel_swig.c (compiled with
 * the project's warnings), and the boxes the host objects own.
 *
 * SWIG reads this header (%include in otel_core.i) and wraps what it sees:
 * the functions below `#ifndef SWIG`'s end. The parameter names in
 * capitals (PARENT, KEY, VALUE) pick a typemap each language defines;
 * attrs/n_attrs and the otel_swig_* types do too (otel_core.i lists them).
 * Strings and attribute arrays are borrowed for the call; the core copies
 * what it keeps, and no function here keeps a host pointer. */
#ifndef OTEL_SWIG_H
#define OTEL_SWIG_H

#ifndef SWIG
#include <otel/otel.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
/* the helpers are the module's own: only SWIG's init function is exported
 * (Ruby loads extensions RTLD_GLOBAL; two modules must not interpose) */
#pragma GCC visibility push(hidden)
#endif

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

/* A measurement as the host gave it: an integer, or else a double. */
typedef struct otel_swig_number {
    int is_int;
    int64_t i;
    double d;
} otel_swig_number;

/* What the host's garbage collector calls for each box (NULL: nothing). */
void otel_swig_tracer_free(otel_swig_tracer *t);
void otel_swig_meter_free(otel_swig_meter *m);
void otel_swig_instrument_free(otel_swig_instrument *i);

/* A new reference on the box's span; once finished, a non-recording span
 * with its ids (enough to be a parent or a link target). NULL for NULL. */
otel_span *otel_swig_span_ref(const otel_swig_span *b);

/* A new context: the current one with the box's span in it (the typemaps
 * of a PARENT that is a span release it after the call). */
otel_context *otel_swig_span_context(const otel_swig_span *b);
#endif /* !SWIG */

/* ---- what the host languages call (as <name>, without otel_swig_) ---- */

const char *otel_swig_version(void);
const char *otel_swig_last_error(void);
/* Wall-clock ns since the epoch (a double: exact to the microsecond until
 * 2255), for timing in a language whose clock is coarse (Lua's os.time). */
double otel_swig_now_ns(void);

/* -- configuration */

/* Strict: a bad value set from Lua or Ruby makes configure fail with a
 * message naming the option (the environment's stay warnings). */
otel_options *otel_swig_options_new(void);
/* 0 on success, else an otel_status (the message is last_error()) */
int otel_swig_options_set(otel_options *o, const char *name, const char *value);
/* The core's option table (otel_option_next), for the idiomatic layers:
 * the name of entry `index` (from 0; NULL past the end), and by name the
 * type (an otel_option_type; -1 when the core does not honour the name),
 * default, choices ("a,b,c") and description (NULL when none). */
const char *otel_swig_option_name(int index);
int otel_swig_option_type(const char *name);
const char *otel_swig_option_default(const char *name);
const char *otel_swig_option_choices(const char *name);
const char *otel_swig_option_description(const char *name);
/* Makes a provider from `o` the process-wide one; 0 or an otel_status. */
int otel_swig_configure(otel_options *o);
/* Flush / shut down the process-wide provider; 0 or an otel_status. */
int otel_swig_force_flush(uint32_t timeout_ms);
int otel_swig_shutdown(uint32_t timeout_ms);
/* A counter of the global provider's stats by name ("spans_started", ...);
 * -1 for an unknown name. */
double otel_swig_stat(const char *name);

/* -- tracers and spans */

/* A tracer of the process-wide provider; when none was set (by configure
 * or by a host program), one from the environment becomes it. */
otel_swig_tracer *otel_swig_get_tracer(const char *name, const char *version);
/* parent: nil (the current context of this thread), a context or a span */
otel_swig_span otel_swig_start_span(otel_swig_tracer *t, const char *name, int kind,
                                    const otel_attr *attrs, size_t n_attrs,
                                    otel_context *PARENT);
/* The span current on this thread, for code a host program calls inside
 * its own span (none: a no-op span with all-zero ids). */
otel_swig_span otel_swig_current_span(void);
/* Ends the span and gives it back to the core; the box keeps the ids. */
void otel_swig_end_span(otel_swig_span *b);
int otel_swig_is_recording(otel_swig_span *b);
int otel_swig_is_sampled(otel_swig_span *b);
void otel_swig_set_attribute(otel_swig_span *b, const char *KEY, const otel_attr *VALUE);
void otel_swig_set_attributes(otel_swig_span *b, const otel_attr *attrs, size_t n_attrs);
void otel_swig_add_event(otel_swig_span *b, const char *KEY, const otel_attr *attrs,
                         size_t n_attrs);
void otel_swig_add_link(otel_swig_span *b, otel_swig_span *target, const otel_attr *attrs,
                        size_t n_attrs);
void otel_swig_record_exception(otel_swig_span *b, const char *type, const char *message,
                                const char *stacktrace);
void otel_swig_set_status(otel_swig_span *b, int code, const char *description);
void otel_swig_update_name(otel_swig_span *b, const char *KEY);
/* hex ids (a thread-local buffer, valid until the next call on the
 * thread), all zeros for a non-recording span without a parent */
const char *otel_swig_trace_id(otel_swig_span *b);
const char *otel_swig_span_id(otel_swig_span *b);

/* -- contexts */

otel_context *otel_swig_context_with_span(otel_swig_span *b);
/* Makes a context (or a span's) current on this thread; the token for
 * detach. A double: exact up to 2^53 attaches per thread. */
double otel_swig_attach(otel_context *PARENT);
/* 0, or an otel_status (a token that is not one of ours: 0, nothing done) */
int otel_swig_detach(double token);

/* -- propagation (the global propagator, OTEL_PROPAGATORS) */

otel_headers *otel_swig_headers_new(void);
int otel_swig_headers_add(otel_headers *h, const char *name, const char *value);
int otel_swig_headers_count(otel_headers *h);
/* the name / value of header i (borrowed from h), NULL out of range */
const char *otel_swig_headers_name(otel_headers *h, int i);
const char *otel_swig_headers_value(otel_headers *h, int i);
/* PARENT nil: the current context of this thread */
void otel_swig_inject(otel_headers *h, otel_context *PARENT);
otel_context *otel_swig_extract(otel_headers *h);

/* -- metrics */

/* Makes a meter provider from `o` the process-wide one; `memory`: also a
 * manual reader that metric_value() reads (tests). 0 or an otel_status. */
int otel_swig_configure_metrics(otel_options *o, int memory);
/* A meter of the process-wide meter provider (one from the environment
 * when none was set). */
otel_swig_meter *otel_swig_get_meter(const char *name, const char *version);
/* nil on a bad name (the message is last_error()). */
otel_swig_instrument *otel_swig_create_instrument(otel_swig_meter *m, int kind, int number,
                                                  const char *name, const char *unit,
                                                  const char *description);
/* An integer into an integer instrument as is; anything else as a double.
 * 0, or 1 when a finite float that is not a whole number meets an integer
 * instrument, which the core drops and counts: the layers raise for it
 * (a user's mistake, not data). The core decides everything else. */
int otel_swig_record(otel_swig_instrument *i, otel_swig_number v, const otel_attr *attrs,
                     size_t n_attrs);
/* For tests: the sum over points of metric `name` in the memory reader
 * (histograms: the count); NaN when absent. */
double otel_swig_metric_value(const char *name);

#if !defined(SWIG) && defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif /* OTEL_SWIG_H */
