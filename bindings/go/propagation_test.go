package otelcore_test

import (
	"context"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"libotel_core/otelcore"
)

const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

func TestTraceContextAndBaggageRoundTrip(t *testing.T) {
	p, err := otelcore.NewPropagator(otelcore.WithPropagators("tracecontext,baggage"))
	if err != nil {
		t.Fatal(err)
	}
	in := propagation.HeaderCarrier(http.Header{})
	in.Set("traceparent", traceparent)
	in.Set("tracestate", "vendor=1,other=x")
	in.Set("baggage", "tenant=acme;prio=high,user=42")
	ctx := p.Extract(context.Background(), in)
	sc := trace.SpanContextFromContext(ctx)
	if sc.TraceID().String() != "0af7651916cd43dd8448eb211c80319c" || sc.SpanID().String() != "b7ad6b7169203331" ||
		!sc.IsSampled() || !sc.IsRemote() || sc.TraceState().Get("vendor") != "1" {
		t.Fatalf("extracted %v (state %q)", sc, sc.TraceState().String())
	}
	bag := baggage.FromContext(ctx)
	if bag.Member("tenant").Value() != "acme" || bag.Member("user").Value() != "42" ||
		len(bag.Member("tenant").Properties()) != 1 {
		t.Errorf("baggage %q", bag.String())
	}

	out := propagation.HeaderCarrier(http.Header{})
	p.Inject(ctx, out)
	if out.Get("traceparent") != traceparent {
		t.Errorf("traceparent %q", out.Get("traceparent"))
	}
	if out.Get("tracestate") != "vendor=1,other=x" {
		t.Errorf("tracestate %q", out.Get("tracestate"))
	}
	back := baggage.FromContext(p.Extract(context.Background(), out))
	if back.Member("tenant").Value() != "acme" || back.Member("user").Value() != "42" {
		t.Errorf("baggage after a round trip %q (header %q)", back.String(), out.Get("baggage"))
	}
	if f := p.Fields(); len(f) != 3 {
		t.Errorf("fields %v", f)
	}
}

func TestB3(t *testing.T) {
	in := propagation.MapCarrier{
		"x-b3-traceid": "0af7651916cd43dd8448eb211c80319c", "x-b3-spanid": "b7ad6b7169203331", "x-b3-sampled": "1",
	}
	ctx := otelcore.B3().Extract(context.Background(), in)
	sc := trace.SpanContextFromContext(ctx)
	if sc.TraceID().String() != "0af7651916cd43dd8448eb211c80319c" || !sc.IsSampled() {
		t.Fatalf("b3 multi extracted %v", sc)
	}
	out := propagation.MapCarrier{}
	otelcore.B3().Inject(ctx, out)
	if out["b3"] != "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1" {
		t.Errorf("b3 %q", out["b3"])
	}
	out = propagation.MapCarrier{}
	otelcore.B3Multi().Inject(ctx, out)
	if out["x-b3-spanid"] != "b7ad6b7169203331" {
		t.Errorf("b3 multi %v", out)
	}
}

func TestInvalidHeadersExtractNothing(t *testing.T) {
	ctx := context.Background()
	for _, h := range []string{"", "garbage", "00-00000000000000000000000000000000-b7ad6b7169203331-01", "zz-" + traceparent[3:]} {
		got := otelcore.TraceContext().Extract(ctx, propagation.MapCarrier{"traceparent": h})
		if trace.SpanContextFromContext(got).IsValid() {
			t.Errorf("%q extracted a span context", h)
		}
	}
}

func TestExtractedParentMakesChildren(t *testing.T) {
	exp := &memExporter{}
	tp := newSyncProvider(t, exp)
	ctx := otelcore.TraceContext().Extract(context.Background(), propagation.MapCarrier{"traceparent": traceparent})
	_, s := tp.Tracer("t").Start(ctx, "server")
	s.End()
	got := exp.byName(t, "server")
	if got.SpanContext.TraceID().String() != "0af7651916cd43dd8448eb211c80319c" || got.Parent.SpanID().String() != "b7ad6b7169203331" || !got.Parent.IsRemote() {
		t.Errorf("span %v parent %v", got.SpanContext, got.Parent)
	}
}

func TestOtelPropagatorsFromEnvironment(t *testing.T) {
	t.Setenv("OTEL_PROPAGATORS", "b3multi")
	p, err := otelcore.NewPropagator()
	if err != nil {
		t.Fatal(err)
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled})
	out := propagation.MapCarrier{}
	p.Inject(trace.ContextWithSpanContext(context.Background(), sc), out)
	if out["x-b3-traceid"] != sc.TraceID().String() || out["traceparent"] != "" {
		t.Errorf("OTEL_PROPAGATORS=b3multi injected %v", out)
	}
	none, err := otelcore.NewPropagator(otelcore.WithPropagators("none"))
	if err != nil {
		t.Fatal(err)
	}
	out = propagation.MapCarrier{}
	none.Inject(trace.ContextWithSpanContext(context.Background(), sc), out)
	if len(out) != 0 || len(none.Fields()) != 0 {
		t.Errorf("none injected %v", out)
	}
	if _, err := otelcore.NewPropagator(otelcore.WithPropagators("no_such")); err == nil {
		t.Error("an unknown propagator set in code is not an error")
	}
}
