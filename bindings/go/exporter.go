package otelcore

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"fmt"
	"runtime/cgo"
	"sync/atomic"
	"time"
	"unsafe"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// SpanExporter receives batches of ended spans from the C core (give it
// with WithExporter or WithSyncer). Exports are never concurrent. A panic
// in a method is recovered, counted in Stats().CallbackPanics and reported
// to otel.Handle; the batch then counts as failed.
type SpanExporter interface {
	ExportSpans(ctx context.Context, spans []SpanData) error
	Shutdown(ctx context.Context) error
}

// SpanFlusher is a SpanExporter that can also flush.
type SpanFlusher interface {
	ForceFlush(ctx context.Context) error
}

// SpanData is an ended span as exported, copied out of the C core.
type SpanData struct {
	Name              string
	SpanContext       trace.SpanContext
	Parent            trace.SpanContext // invalid for a root span
	Kind              trace.SpanKind
	StartTime         time.Time
	EndTime           time.Time
	Attributes        []attribute.KeyValue
	Events            []Event
	Links             []Link
	StatusCode        codes.Code
	StatusDescription string
	Resource          []attribute.KeyValue
	Scope             Scope
	DroppedAttributes int
	DroppedEvents     int
	DroppedLinks      int
}

// Event is a span event.
type Event struct {
	Name       string
	Time       time.Time
	Attributes []attribute.KeyValue
}

// Link is a span link.
type Link struct {
	SpanContext trace.SpanContext
	Attributes  []attribute.KeyValue
}

// Scope is an instrumentation scope.
type Scope struct {
	Name, Version, SchemaURL string
	Attributes               []attribute.KeyValue
}

// callbackPanics counts panics recovered in Go code the C core called.
var callbackPanics atomic.Uint64

// recovered reports a panic from a callback; call as `defer recovered(...)`.
func recovered(where string, failed *bool) {
	if r := recover(); r != nil {
		callbackPanics.Add(1)
		if failed != nil {
			*failed = true
		}
		otel.Handle(fmt.Errorf("otelcore: panic in %s: %v", where, r))
	}
}

// Discard is a SpanExporter that drops every span inside the C core, never
// calling into Go: for benchmarks, and for a pipeline kept only for Stats().
var Discard SpanExporter = discardExporter{}

type discardExporter struct{}

func (discardExporter) ExportSpans(context.Context, []SpanData) error { return nil }
func (discardExporter) Shutdown(context.Context) error                { return nil }

type exporterHandle struct{ exp SpanExporter }

func newProcessor(op string, spec exporterSpec, o *C.otel_options) (*C.otel_processor, error) {
	var exp *C.otel_exporter
	if _, ok := spec.exp.(discardExporter); ok {
		if err := callErr(op, func() C.otel_status { return C.gotel_exporter_discard_new(&exp) }); err != nil {
			return nil, err
		}
	} else {
		h := cgo.NewHandle(&exporterHandle{spec.exp})
		if err := callErr(op, func() C.otel_status { return C.gotel_exporter_new(&exp, C.uintptr_t(h)) }); err != nil {
			h.Delete()
			return nil, err
		}
	}
	defer C.otel_exporter_release(exp) // the processor holds its own; the free callback deletes h
	var p *C.otel_processor
	err := callErr(op, func() C.otel_status {
		if spec.batch {
			return C.otel_processor_batch_new(&p, exp, o)
		}
		return C.otel_processor_simple_new(&p, exp)
	})
	return p, err
}

//export gotelExport
func gotelExport(spans **C.otel_span_data, n C.size_t, h C.uintptr_t) (res C.int) {
	failed := false
	defer func() {
		if failed {
			res = C.OTEL_EXPORT_FAILURE
		}
	}()
	defer recovered("SpanExporter.ExportSpans", &failed)
	e := cgo.Handle(h).Value().(*exporterHandle)
	in := unsafe.Slice(spans, int(n))
	out := make([]SpanData, len(in))
	for i, d := range in {
		out[i] = goSpanData(d)
	}
	if err := e.exp.ExportSpans(context.Background(), out); err != nil {
		otel.Handle(err)
		return C.OTEL_EXPORT_FAILURE
	}
	return C.OTEL_EXPORT_SUCCESS
}

//export gotelExporterControl
func gotelExporterControl(h C.uintptr_t, shutdown C.int, timeoutMs C.uint32_t) (res C.int) {
	failed := false
	defer func() {
		if failed {
			res = C.OTEL_ERR_INTERNAL
		}
	}()
	defer recovered("SpanExporter control", &failed)
	e := cgo.Handle(h).Value().(*exporterHandle)
	ctx := context.Background()
	if timeoutMs > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(timeoutMs)*time.Millisecond)
		defer cancel()
	}
	var err error
	if shutdown != 0 {
		err = e.exp.Shutdown(ctx)
	} else if f, ok := e.exp.(SpanFlusher); ok {
		err = f.ForceFlush(ctx)
	}
	if err != nil {
		return C.OTEL_ERR_EXPORT
	}
	return C.OTEL_OK
}

func goSpanContext(c *C.otel_span_context, ts string) trace.SpanContext {
	state, _ := trace.ParseTraceState(ts)
	return trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    *(*trace.TraceID)(unsafe.Pointer(&c.trace_id)),
		SpanID:     *(*trace.SpanID)(unsafe.Pointer(&c.span_id)),
		TraceFlags: trace.TraceFlags(c.trace_flags),
		TraceState: state,
		Remote:     c.is_remote != 0,
	})
}

func goTime(ns C.uint64_t) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(ns))
}

// goSpanData copies a span out of the C core.
func goSpanData(d *C.otel_span_data) SpanData {
	var sd SpanData
	var n C.size_t
	p := C.otel_span_data_name(d, &n)
	sd.Name = gostr(p, n)
	var sc C.otel_span_context
	C.otel_span_data_context(d, &sc)
	p = C.otel_span_data_trace_state(d, &n)
	sd.SpanContext = goSpanContext(&sc, gostr(p, n))
	var parent [8]byte
	if C.otel_span_data_parent_span_id(d, (*C.uint8_t)(unsafe.Pointer(&parent[0]))) != 0 {
		sd.Parent = trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: sd.SpanContext.TraceID(), SpanID: parent,
			Remote: C.otel_span_data_parent_is_remote(d) != 0,
		})
	}
	sd.Kind = trace.SpanKind(C.otel_span_data_kind(d))
	sd.StartTime = goTime(C.otel_span_data_start_time(d))
	sd.EndTime = goTime(C.otel_span_data_end_time(d))
	switch C.otel_span_data_status_code(d) {
	case C.OTEL_STATUS_CODE_OK:
		sd.StatusCode = codes.Ok
	case C.OTEL_STATUS_CODE_ERROR:
		sd.StatusCode = codes.Error
	}
	p = C.otel_span_data_status_message(d, &n)
	sd.StatusDescription = gostr(p, n)
	var a C.otel_attr
	for i := C.size_t(0); i < C.otel_span_data_attribute_count(d); i++ {
		if C.otel_span_data_attribute(d, i, &a) == C.OTEL_OK {
			sd.Attributes = append(sd.Attributes, goAttr(&a))
		}
	}
	sd.DroppedAttributes = int(C.otel_span_data_dropped_attributes(d))
	for i := C.size_t(0); i < C.otel_span_data_event_count(d); i++ {
		var name *C.char
		var nl, na C.size_t
		var t C.uint64_t
		var dropped C.uint32_t
		if C.otel_span_data_event(d, i, &name, &nl, &t, &na, &dropped) != C.OTEL_OK {
			continue
		}
		ev := Event{Name: gostr(name, nl), Time: goTime(t)}
		for j := C.size_t(0); j < na; j++ {
			if C.otel_span_data_event_attribute(d, i, j, &a) == C.OTEL_OK {
				ev.Attributes = append(ev.Attributes, goAttr(&a))
			}
		}
		sd.Events = append(sd.Events, ev)
	}
	sd.DroppedEvents = int(C.otel_span_data_dropped_events(d))
	for i := C.size_t(0); i < C.otel_span_data_link_count(d); i++ {
		var lsc C.otel_span_context
		var ts *C.char
		var tl, na C.size_t
		var dropped C.uint32_t
		if C.otel_span_data_link(d, i, &lsc, &ts, &tl, &na, &dropped) != C.OTEL_OK {
			continue
		}
		l := Link{SpanContext: goSpanContext(&lsc, gostr(ts, tl))}
		for j := C.size_t(0); j < na; j++ {
			if C.otel_span_data_link_attribute(d, i, j, &a) == C.OTEL_OK {
				l.Attributes = append(l.Attributes, goAttr(&a))
			}
		}
		sd.Links = append(sd.Links, l)
	}
	sd.DroppedLinks = int(C.otel_span_data_dropped_links(d))
	if r := C.otel_span_data_resource(d); r != nil {
		for i := C.size_t(0); i < C.otel_resource_attribute_count(r); i++ {
			if C.otel_resource_attribute(r, i, &a) == C.OTEL_OK {
				sd.Resource = append(sd.Resource, goAttr(&a))
			}
		}
	}
	if s := C.otel_span_data_scope(d); s != nil {
		p = C.otel_scope_name(s, &n)
		sd.Scope.Name = gostr(p, n)
		p = C.otel_scope_version(s, &n)
		sd.Scope.Version = gostr(p, n)
		p = C.otel_scope_schema_url(s, &n)
		sd.Scope.SchemaURL = gostr(p, n)
		for i := C.size_t(0); i < C.otel_scope_attribute_count(s); i++ {
			if C.otel_scope_attribute(s, i, &a) == C.OTEL_OK {
				sd.Scope.Attributes = append(sd.Scope.Attributes, goAttr(&a))
			}
		}
	}
	return sd
}
