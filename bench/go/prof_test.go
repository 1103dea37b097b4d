package main

import (
	"testing"

	"libotel_core/otelcore"
)

func BenchmarkCounter(b *testing.B) {
	mp := otelcore.NewMeterProvider(otelcore.WithReader(otelcore.NewManualReader(false)), otelcore.WithoutCGlobal())
	counter(mp.Meter("b"))(b)
}

func BenchmarkUnsampled(b *testing.B) {
	tp, _ := otelcore.NewTracerProviderChecked(otelcore.WithExporter(otelcore.Discard), otelcore.WithSampler("always_off", ""), otelcore.WithoutCGlobal())
	spans(tp.Tracer("b"), with4)(b)
}
