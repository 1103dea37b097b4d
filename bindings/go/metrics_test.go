package otelcore_test

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"libotel_core/otelcore"
)

func newMeter(t *testing.T) (metric.Meter, *otelcore.ManualReader, *otelcore.MeterProvider) {
	t.Helper()
	r := otelcore.NewManualReader(false)
	mp, err := otelcore.NewMeterProviderChecked(otelcore.WithReader(r), otelcore.WithoutCGlobal())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	return mp.Meter("m", metric.WithInstrumentationVersion("0.1")), r, mp
}

func collect(t *testing.T, r *otelcore.ManualReader) map[string]otelcore.Metric {
	t.Helper()
	ms, err := r.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]otelcore.Metric{}
	for _, m := range ms {
		out[m.Name] = m
	}
	return out
}

func TestEverySyncInstrument(t *testing.T) {
	m, r, mp := newMeter(t)
	ctx := context.Background()
	attrs := metric.WithAttributes(attribute.String("route", "/a"), attribute.Int("code", 200), attribute.Bool("ok", true))
	ic, _ := m.Int64Counter("ic", metric.WithUnit("{req}"), metric.WithDescription("requests"))
	fc, _ := m.Float64Counter("fc")
	iu, _ := m.Int64UpDownCounter("iu")
	fu, _ := m.Float64UpDownCounter("fu")
	ih, _ := m.Int64Histogram("ih", metric.WithExplicitBucketBoundaries(1, 10))
	fh, _ := m.Float64Histogram("fh")
	ig, _ := m.Int64Gauge("ig")
	fg, _ := m.Float64Gauge("fg")
	ic.Add(ctx, 2, attrs)
	ic.Add(ctx, 3, attrs)
	fc.Add(ctx, 1.5)
	iu.Add(ctx, -4, attrs)
	fu.Add(ctx, -0.5)
	ih.Record(ctx, 5, attrs)
	ih.Record(ctx, 50, attrs)
	fh.Record(ctx, 0.25)
	ig.Record(ctx, 7)
	fg.Record(ctx, 3.25)
	if !ic.Enabled(ctx) {
		t.Error("a counter is not enabled")
	}
	ic.Add(ctx, -1, attrs) // a counter cannot go down: dropped and counted
	if d := mp.Stats().Dropped; d != 1 {
		t.Errorf("dropped %d, want 1", d)
	}
	got := collect(t, r)
	check := func(name string, kind otelcore.MetricKind, isInt bool, i int64, f float64) otelcore.Point {
		t.Helper()
		mm, ok := got[name]
		if !ok || len(mm.Points) != 1 || mm.Kind != kind {
			t.Fatalf("%s: %+v", name, mm)
		}
		p := mm.Points[0]
		if kind != otelcore.KindHistogram && (p.IsInt != isInt || p.Int != i || p.Float != f) {
			t.Errorf("%s: point %+v", name, p)
		}
		return p
	}
	p := check("ic", otelcore.KindSum, true, 5, 0)
	if a := attrMap(p.Attributes); a["route"].AsString() != "/a" || a["code"].AsInt64() != 200 || !a["ok"].AsBool() {
		t.Errorf("attributes %v", p.Attributes)
	}
	if got["ic"].Unit != "{req}" || got["ic"].Description != "requests" || !got["ic"].Monotonic || got["ic"].Scope != "m" {
		t.Errorf("ic: %+v", got["ic"])
	}
	check("fc", otelcore.KindSum, false, 0, 1.5)
	check("iu", otelcore.KindSum, true, -4, 0)
	if got["iu"].Monotonic {
		t.Error("an up-down counter is monotonic")
	}
	check("fu", otelcore.KindSum, false, 0, -0.5)
	p = check("ih", otelcore.KindHistogram, true, 0, 0)
	if p.Count != 2 || p.Sum != 55 || p.Min != 5 || p.Max != 50 || len(p.Bounds) != 2 || len(p.BucketCounts) != 3 || p.BucketCounts[1] != 1 {
		t.Errorf("ih: %+v", p)
	}
	if p := check("fh", otelcore.KindHistogram, false, 0, 0); p.Count != 1 || p.Sum != 0.25 {
		t.Errorf("fh: %+v", p)
	}
	check("ig", otelcore.KindGauge, true, 7, 0)
	check("fg", otelcore.KindGauge, false, 0, 3.25)
}

func TestObservableInstrumentsAndCallbacks(t *testing.T) {
	m, r, mp := newMeter(t)
	ioc, _ := m.Int64ObservableCounter("ioc", metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
		o.Observe(11, metric.WithAttributes(attribute.String("cpu", "0")))
		return nil
	}))
	_ = ioc
	iou, _ := m.Int64ObservableUpDownCounter("iou")
	iog, _ := m.Int64ObservableGauge("iog")
	foc, _ := m.Float64ObservableCounter("foc", metric.WithFloat64Callback(func(_ context.Context, o metric.Float64Observer) error {
		o.Observe(1.25)
		return nil
	}))
	_ = foc
	fou, _ := m.Float64ObservableUpDownCounter("fou")
	fog, _ := m.Float64ObservableGauge("fog")
	reg, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveInt64(iou, -3)
		o.ObserveInt64(iog, 9)
		o.ObserveFloat64(fou, -1.5)
		o.ObserveFloat64(fog, 0.75)
		return nil
	}, iou, iog, fou, fog)
	if err != nil {
		t.Fatal(err)
	}
	got := collect(t, r)
	want := map[string]float64{"ioc": 11, "iou": -3, "iog": 9, "foc": 1.25, "fou": -1.5, "fog": 0.75}
	for name, v := range want {
		mm := got[name]
		if len(mm.Points) != 1 {
			t.Errorf("%s: %+v", name, mm)
			continue
		}
		p := mm.Points[0]
		if (p.IsInt && float64(p.Int) != v) || (!p.IsInt && p.Float != v) {
			t.Errorf("%s: %+v, want %v", name, p, v)
		}
	}
	if err := reg.Unregister(); err != nil {
		t.Fatal(err)
	}
	got = collect(t, r)
	if g := got["iog"]; len(g.Points) != 0 {
		// cumulative observable gauges report only what this collection observed
		t.Errorf("an unregistered callback still reports: %+v", g)
	}
	if len(got["ioc"].Points) != 1 {
		t.Error("the instrument's own callback stopped")
	}

	// a panicking callback is recovered and counted; collection goes on
	tp := otelcore.NewTracerProvider(otelcore.WithoutCGlobal(), otelcore.WithSetting("OTEL_TRACES_EXPORTER", "none"))
	before := tp.Stats().CallbackPanics
	pg, _ := m.Int64ObservableGauge("panics", metric.WithInt64Callback(func(context.Context, metric.Int64Observer) error {
		panic("callback panics")
	}))
	_ = pg
	got = collect(t, r)
	if tp.Stats().CallbackPanics != before+1 {
		t.Errorf("callback panics %d, want %d", tp.Stats().CallbackPanics, before+1)
	}
	if len(got["ioc"].Points) != 1 {
		t.Error("a panicking callback stopped the collection")
	}
	_ = mp
}

// Instruments keep their provider alive: the C provider owns them.
func TestInstrumentOutlivesDroppedProvider(t *testing.T) {
	r := otelcore.NewManualReader(false)
	c := func() metric.Int64Counter {
		mp := otelcore.NewMeterProvider(otelcore.WithReader(r), otelcore.WithoutCGlobal())
		c, _ := mp.Meter("m").Int64Counter("kept")
		return c
	}()
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	c.Add(context.Background(), 5, metric.WithAttributes(attribute.Int("a", 1)))
	if got := collect(t, r)["kept"]; len(got.Points) != 1 || got.Points[0].Int != 5 {
		t.Errorf("%+v", got)
	}
}

// Goroutines recording into shared series (bound on first use) concurrently:
// every total exact.
func TestConcurrentCountersAreExact(t *testing.T) {
	m, r, _ := newMeter(t)
	c, _ := m.Int64Counter("hits")
	h, _ := m.Float64Histogram("sizes")
	var wg sync.WaitGroup
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				set := metric.WithAttributes(attribute.Int("shard", i%10), attribute.String("kind", "x"))
				c.Add(context.Background(), 1, set)
				h.Record(context.Background(), 2, set)
			}
		}(g)
	}
	wg.Wait()
	got := collect(t, r)
	if len(got["hits"].Points) != 10 {
		t.Fatalf("%d series, want 10", len(got["hits"].Points))
	}
	for _, p := range got["hits"].Points {
		if p.Int != 1000 {
			t.Errorf("series %v = %d, want 1000", p.Attributes, p.Int)
		}
	}
	for _, p := range got["sizes"].Points {
		if p.Count != 1000 || p.Sum != 2000 {
			t.Errorf("histogram %v: count %d sum %v", p.Attributes, p.Count, p.Sum)
		}
	}
}

// A measurement inside a sampled span keeps the span's ids as an exemplar
// (the default trace_based filter); the goroutine's span, not a thread's.
func TestExemplarsComeFromTheGoContext(t *testing.T) {
	m, r, _ := newMeter(t)
	c, _ := m.Int64Counter("with.exemplar")
	h, _ := m.Float64Histogram("with.exemplar.h")
	tp := newSyncProvider(t, &memExporter{})
	ctx, s := tp.Tracer("t").Start(context.Background(), "op")
	c.Add(ctx, 3, metric.WithAttributes(attribute.String("k", "v")))
	h.Record(ctx, 1.5)
	c.Add(context.Background(), 1, metric.WithAttributes(attribute.String("k", "none")))
	s.End()
	got := collect(t, r)
	for _, name := range []string{"with.exemplar", "with.exemplar.h"} {
		var found bool
		for _, p := range got[name].Points {
			for _, e := range p.Exemplars {
				found = true
				if e.TraceID != s.SpanContext().TraceID() || e.SpanID != s.SpanContext().SpanID() {
					t.Errorf("%s: exemplar %+v, want span %v", name, e, s.SpanContext())
				}
			}
			if p.Attributes != nil && attrMap(p.Attributes)["k"].AsString() == "none" && len(p.Exemplars) != 0 {
				t.Errorf("%s: an exemplar outside any span: %+v", name, p.Exemplars)
			}
		}
		if !found {
			t.Errorf("%s: no exemplar: %+v", name, got[name])
		}
	}
}
