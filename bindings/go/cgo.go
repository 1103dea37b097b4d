// Package otelcore is an SDK for the go.opentelemetry.io/otel API backed by
// libotel_core, the C OpenTelemetry SDK: a Go service keeps its
// instrumentation and changes only its initialisation:
//
//	tp, err := otelcore.NewTracerProvider()
//	otel.SetTracerProvider(tp)
//	defer tp.Shutdown(context.Background())
//
// Spans, metrics and propagation run in the C core, which also serves any C
// code in the process (one exporter, one batch queue). The package finds the
// library through pkg-config (otel_core.pc when installed; a build
// directory's otel_core-uninstalled.pc when PKG_CONFIG_PATH names it).
//
// The C core's per-thread current context is never used from Go: goroutines
// move between threads, so the parent of every span is taken from the
// context.Context and passed to C explicitly.
package otelcore

/*
#cgo pkg-config: otel_core
#cgo CFLAGS: -Wall -Wextra
#include "shim.h"
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// callErr runs a fallible C call with the goroutine locked to its thread, so
// otel_last_error() (thread-local) is read on the thread that failed.
func callErr(op string, f func() C.otel_status) error {
	runtime.LockOSThread()
	st := f()
	var msg string
	if st != C.OTEL_OK {
		msg = C.GoString(C.otel_last_error())
	}
	runtime.UnlockOSThread()
	if st == C.OTEL_OK {
		return nil
	}
	return newError(op, Status(st), msg)
}

// cstr is a C string of s (free it with C.free).
func cstr(s string) *C.char { return C.CString(s) }

// gostr copies n bytes at p into a Go string.
func gostr(p *C.char, n C.size_t) string {
	if p == nil || n == 0 {
		return ""
	}
	return C.GoStringN(p, C.int(n))
}

// strData is a pointer to s's bytes for a C call that copies them before it
// returns (Go memory without pointers may be passed to C for the call).
func strData(s string) *C.char {
	if len(s) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
}

//export gotelHandleDelete
func gotelHandleDelete(h C.uintptr_t) { cgo.Handle(h).Delete() }
