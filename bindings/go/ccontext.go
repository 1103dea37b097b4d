package otelcore

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"runtime"
	"unsafe"

	"go.opentelemetry.io/otel/trace"
)

// CContext returns an `otel_context *` (as unsafe.Pointer) holding the span
// of ctx, for C code that takes an explicit parent (otel_tracer_start_span's
// `parent`). Call release when C no longer needs it.
func CContext(ctx context.Context) (cctx unsafe.Pointer, release func()) {
	c := cContext(ctx)
	return unsafe.Pointer(c), func() { C.otel_context_release(c) }
}

func cContext(ctx context.Context) *C.otel_context {
	s := trace.SpanFromContext(ctx)
	sc := s.SpanContext()
	var csc C.otel_span_context
	putSpanContext(&csc, sc)
	ts := sc.TraceState().String()
	if live, ok := s.(*span); ok {
		if h := live.handle(); h != nil {
			c := C.gotel_parent_context(h, nil, nil, 0)
			live.mu.RUnlock()
			return c
		}
	}
	return C.gotel_parent_context(nil, &csc, strData(ts), C.size_t(len(ts)))
}

// WithCContext runs f with the span of ctx made the C core's current context
// on this goroutine's OS thread (locked for the call), so C code f calls
// through cgo that starts spans with a NULL parent makes children of it.
// Keep f synchronous: a goroutine it starts runs on other threads.
func WithCContext(ctx context.Context, f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c := cContext(ctx)
	tok := C.otel_context_attach(c)
	C.otel_context_release(c) // the thread holds its own reference while attached
	defer C.otel_context_detach(tok)
	f()
}
