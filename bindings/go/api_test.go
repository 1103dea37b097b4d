package otelcore_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"libotel_core/otelcore"
)

// handle is written against the otel API only: what a library does.
func handle(ctx context.Context, tr trace.Tracer) {
	ctx, parent := tr.Start(ctx, "parent", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.route", "/cart")))
	defer parent.End()
	_, child := tr.Start(ctx, "child")
	child.SetAttributes(
		attribute.String("s", "v"), attribute.Bool("b", true), attribute.Int64("i", -7),
		attribute.Int("n", 42), attribute.Float64("f", 2.5),
		attribute.StringSlice("ss", []string{"a", "bc"}), attribute.BoolSlice("bs", []bool{true, false}),
		attribute.Int64Slice("is", []int64{1, 2, 3}), attribute.Float64Slice("fs", []float64{0.5, 1.5}),
	)
	child.AddEvent("cache miss", trace.WithAttributes(attribute.String("key", "k1")),
		trace.WithTimestamp(time.Unix(1700000000, 5)))
	child.RecordError(io.ErrUnexpectedEOF, trace.WithStackTrace(true))
	child.SetStatus(codes.Error, "upstream failed")
	child.SetName("child renamed")
	child.End()
}

func TestAPIDrivesProvider(t *testing.T) {
	exp := &memExporter{}
	tp := newSyncProvider(t, exp)
	handle(context.Background(), tp.Tracer("shop", trace.WithInstrumentationVersion("1.2.0")))

	parent := exp.byName(t, "parent")
	child := exp.byName(t, "child renamed")
	if child.Parent.SpanID() != parent.SpanContext.SpanID() || child.SpanContext.TraceID() != parent.SpanContext.TraceID() {
		t.Fatalf("child %v is not a child of parent %v", child.Parent, parent.SpanContext)
	}
	if parent.Parent.IsValid() {
		t.Errorf("parent has a parent: %v", parent.Parent)
	}
	if parent.Kind != trace.SpanKindServer || child.Kind != trace.SpanKindInternal {
		t.Errorf("kinds %v %v", parent.Kind, child.Kind)
	}
	if parent.Scope.Name != "shop" || parent.Scope.Version != "1.2.0" {
		t.Errorf("scope %+v", parent.Scope)
	}
	a := attrMap(child.Attributes)
	want := map[attribute.Key]attribute.Value{
		"s": attribute.StringValue("v"), "b": attribute.BoolValue(true), "i": attribute.Int64Value(-7),
		"n": attribute.IntValue(42), "f": attribute.Float64Value(2.5),
		"ss": attribute.StringSliceValue([]string{"a", "bc"}), "bs": attribute.BoolSliceValue([]bool{true, false}),
		"is": attribute.Int64SliceValue([]int64{1, 2, 3}), "fs": attribute.Float64SliceValue([]float64{0.5, 1.5}),
	}
	for k, v := range want {
		if got, ok := a[k]; !ok || got.Emit() != v.Emit() || got.Type() != v.Type() {
			t.Errorf("attribute %s = %v (%v), want %v (%v)", k, got.Emit(), got.Type(), v.Emit(), v.Type())
		}
	}
	if len(child.Events) != 2 {
		t.Fatalf("events %+v", child.Events)
	}
	ev := child.Events[0]
	if ev.Name != "cache miss" || ev.Time.UnixNano() != 1700000000_000000005 || attrMap(ev.Attributes)["key"].AsString() != "k1" {
		t.Errorf("event %+v", ev)
	}
	ex := attrMap(child.Events[1].Attributes)
	if child.Events[1].Name != "exception" || ex["exception.type"].AsString() != "*errors.errorString" ||
		ex["exception.message"].AsString() != "unexpected EOF" ||
		!strings.Contains(ex["exception.stacktrace"].AsString(), "otelcore_test.handle") {
		t.Errorf("exception event %+v", child.Events[1])
	}
	if child.StatusCode != codes.Error || child.StatusDescription != "upstream failed" {
		t.Errorf("status %v %q", child.StatusCode, child.StatusDescription)
	}
	if v, ok := attrMap(parent.Resource)["service.name"]; !ok || v.AsString() != "go-test" {
		t.Errorf("resource %v", parent.Resource)
	}
}

func TestSpanMethods(t *testing.T) {
	exp := &memExporter{}
	tp := newSyncProvider(t, exp)
	tr := tp.Tracer("t")
	_, other := tr.Start(context.Background(), "other")
	other.End()
	ctx, s := tr.Start(context.Background(), "s",
		trace.WithLinks(trace.Link{SpanContext: other.SpanContext(), Attributes: []attribute.KeyValue{attribute.Int("at.start", 1)}}))
	if s.TracerProvider() != trace.TracerProvider(tp) {
		t.Error("TracerProvider() is not the provider")
	}
	if !s.IsRecording() || !s.SpanContext().IsSampled() {
		t.Error("a sampled span does not record")
	}
	if trace.SpanFromContext(ctx) != s {
		t.Error("the context does not carry the span")
	}
	s.AddLink(trace.Link{SpanContext: other.SpanContext(), Attributes: []attribute.KeyValue{attribute.Bool("later", true)}})
	s.SetStatus(codes.Ok, "ignored with ok")
	s.End(trace.WithTimestamp(time.Unix(1800000000, 0)))
	if s.IsRecording() {
		t.Error("an ended span records")
	}
	s.SetAttributes(attribute.String("after", "end")) // ignored, never a crash
	s.End()

	got := exp.byName(t, "s")
	if len(got.Links) != 2 || got.Links[0].SpanContext.SpanID() != other.SpanContext().SpanID() ||
		attrMap(got.Links[0].Attributes)["at.start"].AsInt64() != 1 || !attrMap(got.Links[1].Attributes)["later"].AsBool() {
		t.Errorf("links %+v", got.Links)
	}
	if got.StatusCode != codes.Ok || got.StatusDescription != "" {
		t.Errorf("status %v %q", got.StatusCode, got.StatusDescription)
	}
	if !got.EndTime.Equal(time.Unix(1800000000, 0)) {
		t.Errorf("end time %v", got.EndTime)
	}
	if _, ok := attrMap(got.Attributes)["after"]; ok {
		t.Error("an attribute set after End was kept")
	}
	if len(exp.spans()) != 2 {
		t.Errorf("%d spans exported, want 2 (a second End exports nothing)", len(exp.spans()))
	}
}

func TestParentsThroughContext(t *testing.T) {
	exp := &memExporter{}
	tp := newSyncProvider(t, exp)
	tr := tp.Tracer("t")
	ctx, p := tr.Start(context.Background(), "p")
	p.End() // a child may start after its parent ended
	_, late := tr.Start(ctx, "late child")
	late.End()
	_, root := tr.Start(ctx, "new root", trace.WithNewRoot())
	root.End()
	remote := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4, 5, 6}, TraceFlags: trace.FlagsSampled, Remote: true,
	})
	_, rc := tr.Start(trace.ContextWithRemoteSpanContext(context.Background(), remote), "remote child")
	rc.End()

	if got := exp.byName(t, "late child"); got.Parent.SpanID() != p.SpanContext().SpanID() {
		t.Errorf("late child's parent %v", got.Parent)
	}
	if got := exp.byName(t, "new root"); got.Parent.IsValid() || got.SpanContext.TraceID() == p.SpanContext().TraceID() {
		t.Errorf("WithNewRoot made %v under %v", got.SpanContext, got.Parent)
	}
	got := exp.byName(t, "remote child")
	if got.SpanContext.TraceID() != remote.TraceID() || got.Parent.SpanID() != remote.SpanID() || !got.Parent.IsRemote() {
		t.Errorf("remote child %v parent %v", got.SpanContext, got.Parent)
	}
}

func TestUnsampledSpansPropagateAndExportNothing(t *testing.T) {
	exp := &memExporter{}
	tp := newSyncProvider(t, exp, otelcore.WithSampler("always_off", ""))
	tr := tp.Tracer("t")
	ctx, p := tr.Start(context.Background(), "p")
	_, c := tr.Start(ctx, "c")
	if p.IsRecording() || !p.SpanContext().IsValid() || p.SpanContext().IsSampled() {
		t.Errorf("unsampled span: recording %v, context %v", p.IsRecording(), p.SpanContext())
	}
	if c.SpanContext().TraceID() != p.SpanContext().TraceID() {
		t.Error("the child of an unsampled span left its trace")
	}
	c.End()
	p.End()
	if n := len(exp.spans()); n != 0 {
		t.Errorf("%d unsampled spans exported", n)
	}
	if st := tp.Stats(); st.SpansNotSampled != 2 || st.SpansStarted != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestPanicInEndIsRecorded(t *testing.T) {
	exp := &memExporter{}
	tp := newSyncProvider(t, exp)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("the panic did not go on: %v", r)
			}
		}()
		_, s := tp.Tracer("t").Start(context.Background(), "panics")
		defer s.End(trace.WithStackTrace(true))
		panic("boom")
	}()
	got := exp.byName(t, "panics")
	if len(got.Events) != 1 || got.Events[0].Name != "exception" ||
		attrMap(got.Events[0].Attributes)["exception.message"].AsString() != "boom" ||
		attrMap(got.Events[0].Attributes)["exception.stacktrace"].AsString() == "" {
		t.Errorf("events %+v", got.Events)
	}
}

func TestExporterPanicIsRecoveredAndCounted(t *testing.T) {
	exp := &memExporter{panicOn: "bad"}
	tp := newSyncProvider(t, exp)
	before := tp.Stats().CallbackPanics
	_, s := tp.Tracer("t").Start(context.Background(), "bad")
	s.End()
	_, s = tp.Tracer("t").Start(context.Background(), "good")
	s.End()
	if tp.Stats().CallbackPanics != before+1 {
		t.Errorf("panics %d, want %d", tp.Stats().CallbackPanics, before+1)
	}
	exp.byName(t, "good")
}

func TestOptionErrors(t *testing.T) {
	_, err := otelcore.NewTracerProviderChecked(otelcore.WithoutCGlobal(),
		otelcore.WithSetting("OTEL_TRACES_SAMPLER", "no_such_sampler"))
	var e *otelcore.Error
	if !errors.As(err, &e) || e.Status != otelcore.StatusInvalidArgument || !strings.Contains(err.Error(), "OTEL_TRACES_SAMPLER") {
		t.Fatalf("error %v (%#v)", err, e)
	}
	if !errors.Is(err, otelcore.StatusInvalidArgument) {
		t.Error("errors.Is does not match the status")
	}
	// the one-value constructor still gives a working provider
	tp := otelcore.NewTracerProvider(otelcore.WithoutCGlobal(), otelcore.WithSetting("OTEL_TRACES_SAMPLER", "no_such_sampler"),
		otelcore.WithSetting("OTEL_TRACES_EXPORTER", "none"))
	_, s := tp.Tracer("t").Start(context.Background(), "x")
	s.End()
	if tp.Stats().SpansStarted != 1 {
		t.Error("fallback provider does not work")
	}
}

func TestShutdownHonoursContext(t *testing.T) {
	exp := &memExporter{}
	tp := newSyncProvider(t, exp)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if err := tp.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("expired deadline: %v", err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	if err := tp.ForceFlush(ctx2); err != nil {
		t.Errorf("flush: %v", err)
	}
	if err := tp.Shutdown(ctx2); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if err := tp.Shutdown(ctx2); !errors.Is(err, otelcore.StatusShutdown) {
		t.Errorf("second shutdown: %v", err)
	}
	_, s := tp.Tracer("t").Start(context.Background(), "after")
	if s.IsRecording() {
		t.Error("a span records after shutdown")
	}
	s.End()
}

// The sampler decides with the parent's flag; attributes survive whenever
// the span records (the binding skips copying them only when it cannot).
func TestSamplerSeesUnsampledParents(t *testing.T) {
	unsampled := trace.ContextWithRemoteSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{9}, SpanID: trace.SpanID{9}, Remote: true}))
	for _, c := range []struct {
		sampler string
		records bool
	}{{"parentbased_always_on", false}, {"always_on", true}, {"parentbased_traceidratio", false}} {
		exp := &memExporter{}
		tp := newSyncProvider(t, exp, otelcore.WithSampler(c.sampler, "1"))
		_, s := tp.Tracer("t").Start(unsampled, "child", trace.WithAttributes(attribute.Int("a", 1)))
		if s.IsRecording() != c.records || s.SpanContext().TraceID() != (trace.TraceID{9}) {
			t.Errorf("%s: recording %v, context %v", c.sampler, s.IsRecording(), s.SpanContext())
		}
		s.End()
		if c.records && attrMap(exp.byName(t, "child").Attributes)["a"].AsInt64() != 1 {
			t.Errorf("%s: the attributes were lost", c.sampler)
		}
	}
}

// hangingExporter blocks in ExportSpans until released.
type hangingExporter struct{ release chan struct{} }

func (e *hangingExporter) ExportSpans(context.Context, []otelcore.SpanData) error {
	<-e.release
	return nil
}
func (e *hangingExporter) Shutdown(context.Context) error { return nil }

// A hung exporter cannot hold Shutdown past its context's deadline.
func TestShutdownDeadlineWithHungExporter(t *testing.T) {
	exp := &hangingExporter{release: make(chan struct{})}
	defer close(exp.release)
	tp, err := otelcore.NewTracerProviderChecked(otelcore.WithExporter(exp), otelcore.WithoutCGlobal())
	if err != nil {
		t.Fatal(err)
	}
	_, s := tp.Tracer("t").Start(context.Background(), "stuck")
	s.End()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = tp.Shutdown(ctx)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Shutdown took %v with a 300 ms deadline", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown: %v, want a deadline error", err)
	}
}

// Bad input is dropped and counted, never a crash.
func TestBadInputIsCountedNotFatal(t *testing.T) {
	exp := &memExporter{}
	tp := newSyncProvider(t, exp)
	//lint:ignore SA1012 a nil context is what is being tested
	_, s := tp.Tracer("").Start(nil, "\xff\xfe bad utf-8") //nolint:staticcheck
	s.SetAttributes(attribute.String("", "empty key"), attribute.String("k", "\xc3"), attribute.KeyValue{Key: "empty"})
	s.AddEvent("")
	s.RecordError(nil)
	s.SetName("")
	s.End()
	var zero otelcore.TracerProvider // not made by NewTracerProvider: a no-op
	_, z := zero.Tracer("x").Start(context.Background(), "y")
	z.End()
	if len(exp.spans()) != 1 || tp.Stats().InvalidInput == 0 {
		t.Errorf("%d spans, invalid input %d", len(exp.spans()), tp.Stats().InvalidInput)
	}
}
