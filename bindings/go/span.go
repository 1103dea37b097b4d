package otelcore

/*
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
)

// span is a trace.Span. A recording span holds its C handle until End; a
// span that does not record holds none (its context is all it has), so its
// End costs no C call. The lock orders End after every call that uses the
// handle, including a child's start that names this span as its parent.
type span struct {
	embedded.Span
	mu     sync.RWMutex
	h      spanHandle // nil once ended; read unlocked only as a hint
	sc     trace.SpanContext
	tracer *tracer
}

var _ trace.Span = (*span)(nil)

// spanHandle is an atomic *C.otel_span (atomic.Pointer needs a complete
// type; the C struct is opaque). It points into C memory, which the Go
// collector ignores.
type spanHandle struct{ p atomic.Pointer[byte] }

func (h *spanHandle) Load() *C.otel_span   { return (*C.otel_span)(unsafe.Pointer(h.p.Load())) }
func (h *spanHandle) Store(s *C.otel_span) { h.p.Store((*byte)(unsafe.Pointer(s))) }
func (h *spanHandle) Swap(s *C.otel_span) *C.otel_span {
	return (*C.otel_span)(unsafe.Pointer(h.p.Swap((*byte)(unsafe.Pointer(s)))))
}

// End ends the span (an end timestamp option is honoured). Called as
// `defer span.End()` during a panic, it records the panic as an exception
// event (with a stack trace under trace.WithStackTrace(true)) and lets the
// panic go on, as the Go SDK does.
func (s *span) End(opts ...trace.SpanEndOption) {
	if s.h.Load() == nil { // not recording (or ended): nothing to do; a racing End is settled under the lock
		return
	}
	var cfg trace.SpanConfig
	if len(opts) > 0 {
		cfg = trace.NewSpanEndConfig(opts...)
	}
	if r := recover(); r != nil {
		defer panic(r)
		var stack string
		if cfg.StackTrace() {
			stack = stackTrace()
		}
		s.recordException(typeName(r), fmt.Sprint(r), stack, nil, 0)
	}
	var end C.uint64_t
	if t := cfg.Timestamp(); !t.IsZero() {
		end = C.uint64_t(t.UnixNano())
	}
	s.mu.Lock()
	h := s.h.Swap(nil)
	s.mu.Unlock()
	if h != nil {
		C.otel_span_end_at(h, end)
	}
	runtime.KeepAlive(s) // the span keeps its provider alive
}

// handle returns the live C handle with the read lock held (unlock with
// s.mu.RUnlock), or nil without it.
func (s *span) handle() *C.otel_span {
	s.mu.RLock()
	h := s.h.Load()
	if h == nil {
		s.mu.RUnlock()
	}
	return h
}

// AddEvent adds an event (attributes and a timestamp options honoured).
func (s *span) AddEvent(name string, opts ...trace.EventOption) {
	if s.h.Load() == nil {
		return
	}
	cfg := trace.NewEventConfig(opts...)
	attrs := cfg.Attributes()
	sc := getScratch(attrsSize(attrs))
	arr, n := sc.attrs(attrs)
	if h := s.handle(); h != nil {
		C.otel_span_add_event_n(h, strData(name), C.size_t(len(name)), arr, n,
			C.uint64_t(cfg.Timestamp().UnixNano()))
		s.mu.RUnlock()
	}
	sc.put()
}

// AddLink links the span to another span context.
func (s *span) AddLink(link trace.Link) {
	if s.h.Load() == nil || !link.SpanContext.IsValid() {
		return
	}
	sc := getScratch(linkSize + attrsSize(link.Attributes) + align8(uintptr(len(link.SpanContext.TraceState().String()))))
	l := (*C.gotel_link)(sc.alloc(linkSize))
	sc.link(l, link)
	if h := s.handle(); h != nil {
		C.gotel_span_add_link(h, l)
		s.mu.RUnlock()
	}
	sc.put()
}

// IsRecording is true until End for a sampled (or record-only) span.
func (s *span) IsRecording() bool {
	return s.h.Load() != nil
}

// RecordError records err as an `exception` event: exception.type (the
// error's Go type), exception.message, and exception.stacktrace with
// trace.WithStackTrace(true). It does not change the status.
func (s *span) RecordError(err error, opts ...trace.EventOption) {
	if err == nil || s.h.Load() == nil {
		return
	}
	cfg := trace.NewEventConfig(opts...)
	var stack string
	if cfg.StackTrace() {
		stack = stackTrace()
	}
	s.recordException(typeName(err), err.Error(), stack, cfg.Attributes(), C.uint64_t(cfg.Timestamp().UnixNano()))
}

func (s *span) recordException(typ, msg, stack string, attrs []attribute.KeyValue, at C.uint64_t) {
	sc := getScratch(attrsSize(attrs))
	arr, n := sc.attrs(attrs)
	if h := s.handle(); h != nil {
		C.otel_span_record_exception_n(h, strData(typ), C.size_t(len(typ)), strData(msg),
			C.size_t(len(msg)), strData(stack), C.size_t(len(stack)), arr, n, at)
		s.mu.RUnlock()
	}
	sc.put()
}

func typeName(v any) string {
	t := reflect.TypeOf(v)
	if t == nil {
		return "<nil>"
	}
	if t.PkgPath() == "" && t.Name() == "" { // pointers and other unnamed types
		return t.String()
	}
	return t.PkgPath() + "." + t.Name()
}

func stackTrace() string {
	buf := make([]byte, 4096)
	for {
		n := runtime.Stack(buf, false)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// SpanContext is the span's identity (valid even when not recording).
func (s *span) SpanContext() trace.SpanContext { return s.sc }

// SetStatus sets the status; the description is kept only with codes.Error,
// and Ok is final (the specification's rules, applied by the C core).
func (s *span) SetStatus(code codes.Code, description string) {
	if s.h.Load() == nil || code == codes.Unset {
		return
	}
	c := C.OTEL_STATUS_CODE_OK
	if code == codes.Error {
		c = C.OTEL_STATUS_CODE_ERROR
	}
	if h := s.handle(); h != nil {
		C.otel_span_set_status_n(h, C.int(c), strData(description), C.size_t(len(description)))
		s.mu.RUnlock()
	}
}

// SetName renames the span.
func (s *span) SetName(name string) {
	if h := s.handle(); h != nil {
		C.otel_span_update_name_n(h, strData(name), C.size_t(len(name)))
		s.mu.RUnlock()
	}
}

// SetAttributes sets attributes in one C call (limits and truncation are
// the C core's: OTEL_ATTRIBUTE_COUNT_LIMIT, OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT).
func (s *span) SetAttributes(kv ...attribute.KeyValue) {
	if s.h.Load() == nil || len(kv) == 0 {
		return
	}
	sc := getScratch(attrsSize(kv))
	arr, n := sc.attrs(kv)
	if h := s.handle(); h != nil {
		C.otel_span_set_attributes(h, arr, n)
		s.mu.RUnlock()
	}
	sc.put()
}

// TracerProvider is the provider that made the span.
func (s *span) TracerProvider() trace.TracerProvider { return s.tracer.provider }

// nonRecordingSpan is a span the sampler dropped (or a disabled or shut
// down provider made): only its context, which children and propagators
// use. Every method but SpanContext and TracerProvider does nothing.
type nonRecordingSpan struct {
	embedded.Span
	sc     trace.SpanContext
	tracer *tracer
}

func (s *nonRecordingSpan) End(...trace.SpanEndOption)              {}
func (s *nonRecordingSpan) AddEvent(string, ...trace.EventOption)   {}
func (s *nonRecordingSpan) AddLink(trace.Link)                      {}
func (s *nonRecordingSpan) IsRecording() bool                       { return false }
func (s *nonRecordingSpan) RecordError(error, ...trace.EventOption) {}
func (s *nonRecordingSpan) SpanContext() trace.SpanContext          { return s.sc }
func (s *nonRecordingSpan) SetStatus(codes.Code, string)            {}
func (s *nonRecordingSpan) SetName(string)                          {}
func (s *nonRecordingSpan) SetAttributes(...attribute.KeyValue)     {}
func (s *nonRecordingSpan) TracerProvider() trace.TracerProvider    { return s.tracer.provider }
