// Package cchild is a C library called through cgo, for the tests and the
// README: its C code starts spans on the C core's global provider, as a C
// dependency of a Go program would.
package cchild

/*
#cgo pkg-config: otel_core
#include <stdlib.h>
#include <otel/otel.h>

// A child of the C core's current context (NULL parent): the thread's.
static void c_child_of_current(const char *name) {
    otel_tracer_provider *tp = otel_tracer_provider_get_global();
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "c-library", "1.0", NULL);
    otel_span *s = otel_tracer_start_span(t, name, OTEL_SPAN_KIND_INTERNAL, NULL);
    otel_span_set_attribute_str(s, "lang", "c");
    otel_span_end(s);
    otel_tracer_provider_release(tp);
}

// A child of an explicit parent context.
static void c_child_of(otel_context *parent, const char *name) {
    otel_tracer_provider *tp = otel_tracer_provider_get_global();
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "c-library", "1.0", NULL);
    otel_span *s = otel_tracer_start_span(t, name, OTEL_SPAN_KIND_INTERNAL, parent);
    otel_span_set_attribute_str(s, "lang", "c");
    otel_span_end(s);
    otel_tracer_provider_release(tp);
}
*/
import "C"

import "unsafe"

// ChildOfCurrent runs C code that starts and ends a span named name under
// the C core's current context of this thread.
func ChildOfCurrent(name string) {
	n := C.CString(name)
	C.c_child_of_current(n)
	C.free(unsafe.Pointer(n))
}

// ChildOf runs C code that starts and ends a span under parent (an
// `otel_context *` from otelcore.CContext).
func ChildOf(parent unsafe.Pointer, name string) {
	n := C.CString(name)
	C.c_child_of((*C.otel_context)(parent), n)
	C.free(unsafe.Pointer(n))
}
