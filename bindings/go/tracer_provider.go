package otelcore

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
)

// TracerProvider is a trace.TracerProvider backed by a C tracer provider.
// It is safe for concurrent use.
type TracerProvider struct {
	embedded.TracerProvider
	h       *C.otel_tracer_provider
	tracers sync.Map // tracerKey -> *tracer

	// What the configured sampler is known to decide without seeing the
	// span's attributes: then a span sure not to record gets none encoded.
	neverSamples bool // always_off, parentbased_always_off roots, or disabled
	parentBased  bool // a valid parent that is not sampled gives a span that is not
}

type tracerKey struct {
	name, version, schemaURL string
	attrs                    attribute.Distinct
}

// NewTracerProvider builds a provider from opts and the OTEL_* environment
// (exporter, sampler, batch settings, resource). It never fails: a setting
// in opts that does not parse is reported to otel.Handle and replaced by its
// default, as the environment's are. Use NewTracerProviderChecked to get
// that error instead.
func NewTracerProvider(opts ...Option) *TracerProvider { return lenient(newTracerProvider, opts) }

// lenient builds with strict options, else reports the error and builds
// with the environment's rule (warn, default), else a disabled provider.
func lenient[P any](build func(*config, bool) (P, error), opts []Option) P {
	p, err := build(newConfig(opts), true)
	if err == nil {
		return p
	}
	otel.Handle(err)
	if p, err = build(newConfig(opts), false); err == nil {
		return p
	}
	otel.Handle(err) // out of memory or the like: a provider that records nothing
	p, _ = build(&config{settings: []setting{{"OTEL_SDK_DISABLED", "true"}}}, false)
	return p
}

// NewTracerProviderChecked is NewTracerProvider that returns an *Error for a
// setting in opts that does not parse.
func NewTracerProviderChecked(opts ...Option) (*TracerProvider, error) {
	return newTracerProvider(newConfig(opts), true)
}

func newTracerProvider(c *config, strict bool) (*TracerProvider, error) {
	const op = "tracer provider"
	o, err := c.cOptions(op)
	if err != nil {
		return nil, err
	}
	defer C.otel_options_free(o)
	if !strict {
		C.otel_options_set_strict(o, 0)
	}
	for _, e := range c.exporters {
		p, err := newProcessor(op, e, o)
		if err != nil {
			return nil, err
		}
		err = callErr(op, func() C.otel_status { return C.otel_options_add_processor(o, p) })
		C.otel_processor_release(p)
		if err != nil {
			return nil, err
		}
	}
	var h *C.otel_tracer_provider
	if err := callErr(op, func() C.otel_status { return C.otel_tracer_provider_new(&h, o) }); err != nil {
		return nil, err
	}
	tp := &TracerProvider{h: h}
	tp.neverSamples, tp.parentBased = samplerHints(o)
	runtime.AddCleanup(tp, func(h *C.otel_tracer_provider) { C.otel_tracer_provider_release(h) }, h)
	if !c.noGlobal {
		C.otel_tracer_provider_set_global(h)
	}
	return tp, nil
}

// Tracer returns the tracer of an instrumentation scope; the same scope
// gives the same tracer.
func (p *TracerProvider) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	defer runtime.KeepAlive(p) // its cleanup releases p.h
	cfg := trace.NewTracerConfig(opts...)
	set := cfg.InstrumentationAttributes()
	key := tracerKey{name, cfg.InstrumentationVersion(), cfg.SchemaURL(), set.Equivalent()}
	if t, ok := p.tracers.Load(key); ok {
		return t.(*tracer)
	}
	kvs := set.ToSlice()
	sc := getScratch(attrsSize(kvs))
	arr, n := sc.attrs(kvs)
	h := C.otel_tracer_provider_get_tracer_n(p.h, strData(key.name), C.size_t(len(key.name)),
		strData(key.version), C.size_t(len(key.version)), strData(key.schemaURL),
		C.size_t(len(key.schemaURL)), arr, n)
	sc.put()
	t, _ := p.tracers.LoadOrStore(key, &tracer{h: h, provider: p})
	return t.(*tracer)
}

// ForceFlush exports every ended span still queued, waiting at most until
// ctx's deadline (no deadline: until done; cancelling ctx returns at once
// while the flush goes on).
func (p *TracerProvider) ForceFlush(ctx context.Context) error {
	return withDeadline(ctx, "force flush", func(ms C.uint32_t) C.otel_status {
		return C.otel_tracer_provider_force_flush(p.h, ms)
	})
}

// Shutdown flushes and stops the provider, bounded by ctx's deadline;
// spans started afterwards do not record. A second call returns an error
// with StatusShutdown.
func (p *TracerProvider) Shutdown(ctx context.Context) error {
	return withDeadline(ctx, "shutdown", func(ms C.uint32_t) C.otel_status {
		return C.otel_tracer_provider_shutdown(p.h, ms)
	})
}

// withDeadline runs a C call bounded by ctx: its deadline becomes the call's
// timeout, and a cancelled ctx returns ctx.Err() at once.
func withDeadline(ctx context.Context, op string, f func(ms C.uint32_t) C.otel_status) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ms := C.uint32_t(0)
	if d, ok := ctx.Deadline(); ok {
		left := time.Until(d)
		if left <= 0 {
			return context.DeadlineExceeded
		}
		ms = C.uint32_t((left + time.Millisecond - 1) / time.Millisecond)
	}
	done := make(chan error, 1)
	go func() { done <- callErr(op, func() C.otel_status { return f(ms) }) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// samplerHints reads the effective OTEL_TRACES_SAMPLER (code, else the
// environment; the C core's default parentbased_always_on for an unknown
// name) and OTEL_SDK_DISABLED, as the C core reads them.
func samplerHints(o *C.otel_options) (never, parentBased bool) {
	get := func(name string) string {
		cn := C.CString(name)
		defer C.free(unsafe.Pointer(cn))
		return strings.ToLower(strings.TrimSpace(C.GoString(C.otel_options_get(o, cn))))
	}
	if get("OTEL_SDK_DISABLED") == "true" {
		return true, true
	}
	switch get("OTEL_TRACES_SAMPLER") {
	case "always_on", "traceidratio":
		return false, false
	case "always_off":
		return true, false
	case "parentbased_always_off":
		return false, true // a root never samples either, but a sampled parent does
	default: // parentbased_always_on, parentbased_traceidratio, unknown
		return false, true
	}
}
