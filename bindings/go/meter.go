package otelcore

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"context"
	"runtime"
	"unsafe"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/embedded"
	"go.opentelemetry.io/otel/trace"
)

// meter is a metric.Meter of one instrumentation scope.
type meter struct {
	embedded.Meter
	h        *C.otel_meter
	provider *MeterProvider
}

func (m *meter) create(kind, number int, name, unit, desc string, bounds []float64) (*C.otel_instrument, error) {
	cn, cu, cd := C.CString(name), C.CString(unit), C.CString(desc)
	defer C.free(unsafe.Pointer(cn))
	defer C.free(unsafe.Pointer(cu))
	defer C.free(unsafe.Pointer(cd))
	var h *C.otel_instrument
	err := callErr("create instrument "+name, func() C.otel_status {
		return C.otel_meter_create_instrument(&h, m.h, C.int(kind), C.int(number), cn, cu, cd)
	})
	if err != nil {
		return nil, err
	}
	if len(bounds) > 0 {
		err = callErr("bucket boundaries of "+name, func() C.otel_status {
			return C.otel_instrument_set_bucket_boundaries(h, (*C.double)(unsafe.Pointer(&bounds[0])), C.size_t(len(bounds)))
		})
	}
	return h, err
}

func (m *meter) sync64(kind int, name, unit, desc string, bounds []float64) (*int64Inst, error) {
	h, err := m.create(kind, C.OTEL_NUMBER_INT64, name, unit, desc, bounds)
	return &int64Inst{h: h, meter: m, b: bindings{owner: m.provider.bound}}, err
}

func (m *meter) syncF64(kind int, name, unit, desc string, bounds []float64) (*float64Inst, error) {
	h, err := m.create(kind, C.OTEL_NUMBER_DOUBLE, name, unit, desc, bounds)
	return &float64Inst{h: h, meter: m, b: bindings{owner: m.provider.bound}}, err
}

func (m *meter) Int64Counter(name string, opts ...metric.Int64CounterOption) (metric.Int64Counter, error) {
	c := metric.NewInt64CounterConfig(opts...)
	return m.sync64(C.OTEL_INSTRUMENT_COUNTER, name, c.Unit(), c.Description(), nil)
}

func (m *meter) Int64UpDownCounter(name string, opts ...metric.Int64UpDownCounterOption) (metric.Int64UpDownCounter, error) {
	c := metric.NewInt64UpDownCounterConfig(opts...)
	return m.sync64(C.OTEL_INSTRUMENT_UP_DOWN_COUNTER, name, c.Unit(), c.Description(), nil)
}

func (m *meter) Int64Histogram(name string, opts ...metric.Int64HistogramOption) (metric.Int64Histogram, error) {
	c := metric.NewInt64HistogramConfig(opts...)
	return m.sync64(C.OTEL_INSTRUMENT_HISTOGRAM, name, c.Unit(), c.Description(), c.ExplicitBucketBoundaries())
}

func (m *meter) Int64Gauge(name string, opts ...metric.Int64GaugeOption) (metric.Int64Gauge, error) {
	c := metric.NewInt64GaugeConfig(opts...)
	return m.sync64(C.OTEL_INSTRUMENT_GAUGE, name, c.Unit(), c.Description(), nil)
}

func (m *meter) Float64Counter(name string, opts ...metric.Float64CounterOption) (metric.Float64Counter, error) {
	c := metric.NewFloat64CounterConfig(opts...)
	return m.syncF64(C.OTEL_INSTRUMENT_COUNTER, name, c.Unit(), c.Description(), nil)
}

func (m *meter) Float64UpDownCounter(name string, opts ...metric.Float64UpDownCounterOption) (metric.Float64UpDownCounter, error) {
	c := metric.NewFloat64UpDownCounterConfig(opts...)
	return m.syncF64(C.OTEL_INSTRUMENT_UP_DOWN_COUNTER, name, c.Unit(), c.Description(), nil)
}

func (m *meter) Float64Histogram(name string, opts ...metric.Float64HistogramOption) (metric.Float64Histogram, error) {
	c := metric.NewFloat64HistogramConfig(opts...)
	return m.syncF64(C.OTEL_INSTRUMENT_HISTOGRAM, name, c.Unit(), c.Description(), c.ExplicitBucketBoundaries())
}

func (m *meter) Float64Gauge(name string, opts ...metric.Float64GaugeOption) (metric.Float64Gauge, error) {
	c := metric.NewFloat64GaugeConfig(opts...)
	return m.syncF64(C.OTEL_INSTRUMENT_GAUGE, name, c.Unit(), c.Description(), nil)
}

// int64Inst is every synchronous int64 instrument: Add and Record both
// record into the C instrument in one call, attributes included.
type int64Inst struct {
	embedded.Int64Counter
	embedded.Int64UpDownCounter
	embedded.Int64Histogram
	embedded.Int64Gauge
	h     *C.otel_instrument
	meter *meter // keeps the provider, which owns h, alive
	b     bindings
}

func (i *int64Inst) Add(ctx context.Context, v int64, opts ...metric.AddOption) {
	if len(opts) == 0 {
		i.record(ctx, v, attribute.Set{})
		return
	}
	i.record(ctx, v, metric.NewAddConfig(opts).Attributes())
}

func (i *int64Inst) Record(ctx context.Context, v int64, opts ...metric.RecordOption) {
	if len(opts) == 0 {
		i.record(ctx, v, attribute.Set{})
		return
	}
	i.record(ctx, v, metric.NewRecordConfig(opts).Attributes())
}

func (i *int64Inst) record(ctx context.Context, v int64, set attribute.Set) {
	defer runtime.KeepAlive(i) // its provider owns i.h
	if inSampledSpan(ctx) {
		recordInSpan(ctx, i.h, true, v, 0, set)
		return
	}
	if set.Len() == 0 {
		C.otel_instrument_record_i64(i.h, C.int64_t(v), nil, 0)
		return
	}
	if b := i.b.bound(i.h, set); b != nil {
		C.otel_bound_record_i64(b, C.int64_t(v))
		return
	}
	heap := set
	sc := getScratch(listSize(kvSet{&heap}))
	arr, n := writeAttrs(sc, kvSet{&heap})
	C.otel_instrument_record_i64(i.h, C.int64_t(v), arr, n)
	sc.put()
}

func (i *int64Inst) Enabled(context.Context) bool { return i.h != nil }

// float64Inst is every synchronous float64 instrument.
type float64Inst struct {
	embedded.Float64Counter
	embedded.Float64UpDownCounter
	embedded.Float64Histogram
	embedded.Float64Gauge
	h     *C.otel_instrument
	meter *meter // keeps the provider, which owns h, alive
	b     bindings
}

func (i *float64Inst) Add(ctx context.Context, v float64, opts ...metric.AddOption) {
	if len(opts) == 0 {
		i.record(ctx, v, attribute.Set{})
		return
	}
	i.record(ctx, v, metric.NewAddConfig(opts).Attributes())
}

func (i *float64Inst) Record(ctx context.Context, v float64, opts ...metric.RecordOption) {
	if len(opts) == 0 {
		i.record(ctx, v, attribute.Set{})
		return
	}
	i.record(ctx, v, metric.NewRecordConfig(opts).Attributes())
}

func (i *float64Inst) record(ctx context.Context, v float64, set attribute.Set) {
	defer runtime.KeepAlive(i)
	if inSampledSpan(ctx) {
		recordInSpan(ctx, i.h, false, 0, v, set)
		return
	}
	if set.Len() == 0 {
		C.otel_instrument_record_f64(i.h, C.double(v), nil, 0)
		return
	}
	if b := i.b.bound(i.h, set); b != nil {
		C.otel_bound_record_f64(b, C.double(v))
		return
	}
	heap := set
	sc := getScratch(listSize(kvSet{&heap}))
	arr, n := writeAttrs(sc, kvSet{&heap})
	C.otel_instrument_record_f64(i.h, C.double(v), arr, n)
	sc.put()
}

func (i *float64Inst) Enabled(context.Context) bool { return i.h != nil }

// inSampledSpan: a measurement that may become an exemplar (the C core's
// trace_based filter, the default, keeps those made inside sampled spans).
func inSampledSpan(ctx context.Context) bool {
	return ctx != nil && trace.SpanContextFromContext(ctx).IsSampled()
}

// recordInSpan records with the span of ctx as the C core's current context
// for that one call, so the exemplar carries its ids. It takes the unbound
// path: the C core offers exemplars only there.
func recordInSpan(ctx context.Context, h *C.otel_instrument, isInt bool, iv int64, dv float64, set attribute.Set) {
	s := trace.SpanFromContext(ctx)
	psc := s.SpanContext()
	ts := psc.TraceState().String()
	heap := set
	sc := getScratch(scSize + listSize(kvSet{&heap}))
	defer sc.put()
	csc := (*C.otel_span_context)(sc.alloc(scSize))
	*csc = C.otel_span_context{}
	putSpanContext(csc, psc)
	arr, n := writeAttrs(sc, kvSet{&heap})
	var live *C.otel_span
	if sp, ok := s.(*span); ok {
		if live = sp.handle(); live != nil {
			defer sp.mu.RUnlock()
		}
	}
	ci := C.int(0)
	if isInt {
		ci = 1
	}
	C.gotel_record_in(h, ci, C.int64_t(iv), C.double(dv), arr, n, live, csc, strData(ts), C.size_t(len(ts)))
}
