package otelcore

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"unsafe"

	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
)

// tracer is a trace.Tracer of one instrumentation scope.
type tracer struct {
	embedded.Tracer
	h        *C.otel_tracer
	provider *TracerProvider
}

const (
	linkSize = unsafe.Sizeof(C.gotel_link{})
	scSize   = unsafe.Sizeof(C.otel_span_context{})
)

// Start starts a span as a child of the span in ctx (any trace.Span: one of
// ours, a remote span context, another SDK's span) unless trace.WithNewRoot
// is given, and returns ctx holding the new span. One C call, attributes
// and links included.
func (t *tracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	if ctx == nil {
		ctx = context.Background()
	}
	cfg := trace.NewSpanStartConfig(opts...)
	var parent trace.Span
	if !cfg.NewRoot() {
		parent = trace.SpanFromContext(ctx)
	}
	var psc trace.SpanContext
	var live *span
	if parent != nil {
		psc = parent.SpanContext()
		live, _ = parent.(*span)
	}
	attrs := cfg.Attributes()
	links := cfg.Links()
	if p := t.provider; p.neverSamples || (p.parentBased && psc.IsValid() && !psc.IsSampled()) {
		attrs, links = nil, nil // the sampler cannot record it: nothing to copy
	}
	size := attrsSize(attrs)
	for i := range links {
		size += linkSize + attrsSize(links[i].Attributes) + align8(uintptr(len(links[i].SpanContext.TraceState().String())))
	}
	// the span contexts go in the C buffer too: Go memory passed to C escapes
	sc := getScratch(size + 2*scSize)
	pcs := (*C.otel_span_context)(sc.alloc(scSize))
	out := (*C.otel_span_context)(sc.alloc(scSize))
	*pcs, *out = C.otel_span_context{}, C.otel_span_context{}
	carr, nattr := sc.attrs(attrs)
	clinks := sc.links(links)
	var ts string
	if psc.IsValid() {
		ts = psc.TraceState().String()
	}
	putSpanContext(pcs, psc)
	var start C.uint64_t
	if at := cfg.Timestamp(); !at.IsZero() {
		start = C.uint64_t(at.UnixNano())
	}
	var liveH *C.otel_span
	if live != nil {
		live.mu.RLock() // keeps the parent from ending (and its handle from going) meanwhile
		liveH = live.h.Load()
	}
	h := C.gotel_span_start(t.h, strData(name), C.size_t(len(name)), C.int(kind(cfg.SpanKind())),
		liveH, pcs, strData(ts), C.size_t(len(ts)), carr, nattr, clinks, C.size_t(len(links)), start, out)
	if live != nil {
		live.mu.RUnlock()
	}
	tid := *(*trace.TraceID)(unsafe.Pointer(&out.trace_id))
	sid := *(*trace.SpanID)(unsafe.Pointer(&out.span_id))
	flags := trace.TraceFlags(out.trace_flags)
	sc.put()
	sctx := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    tid,
		SpanID:     sid,
		TraceFlags: flags,
		TraceState: psc.TraceState(),
	})
	if h == nil {
		s := &nonRecordingSpan{sc: sctx, tracer: t}
		return trace.ContextWithSpan(ctx, s), s
	}
	s := &span{tracer: t, sc: sctx}
	s.h.Store(h)
	return trace.ContextWithSpan(ctx, s), s
}

func kind(k trace.SpanKind) int {
	if k < trace.SpanKindInternal || k > trace.SpanKindConsumer {
		return int(trace.SpanKindInternal)
	}
	return int(k) // the values equal OTLP's, as the C core's do
}

// putSpanContext fills a C span context from a Go one.
func putSpanContext(out *C.otel_span_context, sc trace.SpanContext) {
	if !sc.IsValid() {
		return
	}
	tid, sid := sc.TraceID(), sc.SpanID()
	*(*[16]byte)(unsafe.Pointer(&out.trace_id)) = tid
	*(*[8]byte)(unsafe.Pointer(&out.span_id)) = sid
	out.trace_flags = C.uint8_t(sc.TraceFlags())
	if sc.IsRemote() {
		out.is_remote = 1
	}
}

// links writes Go links into the scratch buffer.
func (s *scratch) links(ls []trace.Link) *C.gotel_link {
	if len(ls) == 0 {
		return nil
	}
	arr := unsafe.Slice((*C.gotel_link)(s.alloc(uintptr(len(ls))*linkSize)), len(ls))
	for i := range ls {
		s.link(&arr[i], ls[i])
	}
	return &arr[0]
}

func (s *scratch) link(out *C.gotel_link, l trace.Link) {
	*out = C.gotel_link{}
	putSpanContext(&out.sc, l.SpanContext)
	ts := l.SpanContext.TraceState().String()
	out.ts = s.str(ts)
	out.ts_len = C.size_t(len(ts))
	out.attrs, out.n_attrs = s.attrs(l.Attributes)
}
