package otelcore_test

import (
	"context"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"

	"libotel_core/otelcore"
)

// memExporter keeps what the C core exported, batch by batch.
type memExporter struct {
	mu      sync.Mutex
	batches [][]otelcore.SpanData
	panicOn string // a span name that makes ExportSpans panic
}

func (e *memExporter) ExportSpans(_ context.Context, spans []otelcore.SpanData) error {
	for _, s := range spans {
		if e.panicOn != "" && s.Name == e.panicOn {
			panic("exporter panics on " + s.Name)
		}
	}
	e.mu.Lock()
	e.batches = append(e.batches, spans)
	e.mu.Unlock()
	return nil
}

func (e *memExporter) Shutdown(context.Context) error { return nil }

func (e *memExporter) spans() []otelcore.SpanData {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []otelcore.SpanData
	for _, b := range e.batches {
		out = append(out, b...)
	}
	return out
}

func (e *memExporter) byName(t *testing.T, name string) otelcore.SpanData {
	t.Helper()
	for _, s := range e.spans() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no exported span %q (have %d spans)", name, len(e.spans()))
	return otelcore.SpanData{}
}

// newSyncProvider is a provider exporting each span as it ends to e, out
// of the C global slot so tests do not disturb each other.
func newSyncProvider(t *testing.T, e *memExporter, opts ...otelcore.Option) *otelcore.TracerProvider {
	t.Helper()
	opts = append([]otelcore.Option{otelcore.WithSyncer(e), otelcore.WithoutCGlobal(),
		otelcore.WithServiceName("go-test")}, opts...)
	tp, err := otelcore.NewTracerProviderChecked(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp
}

func attrMap(kvs []attribute.KeyValue) map[attribute.Key]attribute.Value {
	m := make(map[attribute.Key]attribute.Value, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}
