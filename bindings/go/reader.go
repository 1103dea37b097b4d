package otelcore

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"errors"
	"runtime"
	"time"
	"unsafe"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// ManualReader collects metrics on demand (tests, pull exporters). Give it
// to NewMeterProvider with WithReader.
type ManualReader struct {
	h        *C.otel_metric_reader
	delta    bool
	provider *MeterProvider // keeps the provider (and the data's owner) alive
}

// NewManualReader makes a reader with cumulative temporality, or delta
// when delta is true.
func NewManualReader(delta bool) *ManualReader { return &ManualReader{delta: delta} }

func (r *ManualReader) attach(mp *MeterProvider) error {
	if r.h != nil {
		return errors.New("otelcore: a ManualReader belongs to one MeterProvider")
	}
	t := C.int(C.OTEL_TEMPORALITY_CUMULATIVE)
	if r.delta {
		t = C.OTEL_TEMPORALITY_DELTA
	}
	if err := callErr("manual reader", func() C.otel_status { return C.otel_metric_reader_manual_new(&r.h, t) }); err != nil {
		return err
	}
	r.provider = mp
	err := callErr("add reader", func() C.otel_status { return C.otel_meter_provider_add_reader(mp.h, r.h) })
	C.otel_metric_reader_release(r.h) // the provider holds it; it lives as long
	return err
}

// MetricKind is what a collected metric holds.
type MetricKind int

// Metric kinds (OTLP's).
const (
	KindGauge                MetricKind = C.OTEL_METRIC_GAUGE
	KindSum                  MetricKind = C.OTEL_METRIC_SUM
	KindHistogram            MetricKind = C.OTEL_METRIC_HISTOGRAM
	KindExponentialHistogram MetricKind = C.OTEL_METRIC_EXPONENTIAL_HISTOGRAM
)

// Metric is one collected metric.
type Metric struct {
	Name, Unit, Description string
	Scope                   string
	Kind                    MetricKind
	Delta                   bool
	Monotonic               bool
	Points                  []Point
}

// Point is one data point (sums and gauges: Int or Float; histograms:
// Count, Sum, Min, Max and the buckets).
type Point struct {
	Attributes   []attribute.KeyValue
	Start, Time  time.Time
	IsInt        bool
	Int          int64
	Float        float64
	Count        uint64
	Sum          float64
	Min, Max     float64
	Bounds       []float64
	BucketCounts []uint64
	Exemplars    []Exemplar
}

// Exemplar is a measurement kept with the span it was made in.
type Exemplar struct {
	Time    time.Time
	IsInt   bool
	Int     int64
	Float   float64
	TraceID trace.TraceID
	SpanID  trace.SpanID
}

// Collect runs the callbacks and snapshots every series now.
func (r *ManualReader) Collect(ctx context.Context) ([]Metric, error) {
	if r.h == nil {
		return nil, errors.New("otelcore: the ManualReader was not given to a MeterProvider")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var d *C.otel_metrics_data
	if err := callErr("collect", func() C.otel_status { return C.otel_metric_reader_collect(r.h, &d) }); err != nil {
		return nil, err
	}
	defer C.otel_metrics_data_free(d)
	defer runtime.KeepAlive(r)
	out := make([]Metric, 0, int(C.otel_metrics_data_count(d)))
	for i := C.size_t(0); i < C.otel_metrics_data_count(d); i++ {
		var name, unit, desc, scope *C.char
		var kind, temp, mono C.int
		var np C.size_t
		if C.otel_metrics_data_metric(d, i, &name, &unit, &desc, &kind, &temp, &mono, &np, &scope) != C.OTEL_OK {
			continue
		}
		m := Metric{Name: C.GoString(name), Unit: C.GoString(unit), Description: C.GoString(desc),
			Scope: C.GoString(scope), Kind: MetricKind(kind), Delta: temp == C.OTEL_TEMPORALITY_DELTA,
			Monotonic: mono != 0}
		for p := C.size_t(0); p < np; p++ {
			var start, t C.uint64_t
			var isInt C.int
			var iv C.int64_t
			var dv, sum, mn, mx C.double
			var count C.uint64_t
			if C.otel_metrics_data_point(d, i, p, &start, &t, &isInt, &iv, &dv, &count, &sum, &mn, &mx) != C.OTEL_OK {
				continue
			}
			pt := Point{Start: goTime(start), Time: goTime(t), IsInt: isInt != 0, Int: int64(iv),
				Float: float64(dv), Count: uint64(count), Sum: float64(sum), Min: float64(mn), Max: float64(mx)}
			var attrs *C.otel_attr
			var na C.size_t
			if C.otel_metrics_data_point_attrs(d, i, p, &attrs, &na) == C.OTEL_OK {
				pt.Attributes = goAttrs(attrs, na)
			}
			if m.Kind == KindHistogram {
				var bounds *C.double
				var counts *C.uint64_t
				var nb, nc C.size_t
				if C.otel_metrics_data_point_buckets(d, i, p, &bounds, &nb, &counts, &nc) == C.OTEL_OK {
					if nb > 0 {
						pt.Bounds = append([]float64(nil), unsafe.Slice((*float64)(unsafe.Pointer(bounds)), int(nb))...)
					}
					if nc > 0 {
						pt.BucketCounts = append([]uint64(nil), unsafe.Slice((*uint64)(unsafe.Pointer(counts)), int(nc))...)
					}
				}
			}
			for k := C.size_t(0); ; k++ {
				var et C.uint64_t
				var eInt C.int
				var ei C.int64_t
				var ed C.double
				var e Exemplar
				if C.otel_metrics_data_point_exemplar(d, i, p, k, &et, &eInt, &ei, &ed,
					(*C.uint8_t)(unsafe.Pointer(&e.TraceID[0])), (*C.uint8_t)(unsafe.Pointer(&e.SpanID[0]))) != C.OTEL_OK {
					break
				}
				e.Time, e.IsInt, e.Int, e.Float = goTime(et), eInt != 0, int64(ei), float64(ed)
				pt.Exemplars = append(pt.Exemplars, e)
			}
			m.Points = append(m.Points, pt)
		}
		out = append(out, m)
	}
	return out, nil
}
