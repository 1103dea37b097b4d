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
 * the core copies what it keeps. No function here keeps a host pointer.
 * The functions are plain C (otel_swig.c, declared in otel_swig.h, built
 * with the project's warnings); this file only maps them. */

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

/* the functions themselves: declared in otel_swig.h, defined in otel_swig.c */
%include "otel_swig.h"
