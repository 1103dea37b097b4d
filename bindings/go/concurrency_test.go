package otelcore_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Thousands of goroutines, each with its own parent, hopping between OS
// threads (runtime.Gosched between start and end): every child must name
// its own goroutine's parent.
func TestGoroutinesKeepTheirOwnParents(t *testing.T) {
	exp := &memExporter{}
	tp := newSyncProvider(t, exp)
	tr := tp.Tracer("t")
	const n = 2000
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx, p := tr.Start(context.Background(), fmt.Sprintf("p%d", i), trace.WithAttributes(attribute.Int("g", i)))
			runtime.Gosched()
			for j := 0; j < 2; j++ {
				_, c := tr.Start(ctx, fmt.Sprintf("c%d", i), trace.WithAttributes(attribute.Int("g", i)))
				runtime.Gosched()
				c.End()
			}
			p.End()
		}(i)
	}
	wg.Wait()
	spans := exp.spans()
	if len(spans) != 3*n {
		t.Fatalf("%d spans exported, want %d", len(spans), 3*n)
	}
	parents := map[int]trace.SpanContext{}
	for _, s := range spans {
		if s.Name[0] == 'p' {
			parents[int(attrMap(s.Attributes)["g"].AsInt64())] = s.SpanContext
		}
	}
	for _, s := range spans {
		if s.Name[0] != 'c' {
			continue
		}
		g := int(attrMap(s.Attributes)["g"].AsInt64())
		p := parents[g]
		if s.Parent.SpanID() != p.SpanID() || s.SpanContext.TraceID() != p.TraceID() || s.Name != fmt.Sprintf("c%d", g) {
			t.Fatalf("child %s of goroutine %d has parent %v, want %v", s.Name, g, s.Parent.SpanID(), p.SpanID())
		}
	}
}

// A parent ended by one goroutine while others start children of it.
func TestParentEndsWhileChildrenStart(t *testing.T) {
	exp := &memExporter{}
	tp := newSyncProvider(t, exp)
	tr := tp.Tracer("t")
	for round := 0; round < 50; round++ {
		ctx, p := tr.Start(context.Background(), "p")
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, c := tr.Start(ctx, "c")
				c.SetAttributes(attribute.Int("x", 1))
				c.End()
				p.SetAttributes(attribute.Int("late", 1)) // may run after End: ignored
			}()
		}
		p.End()
		wg.Wait()
		for _, s := range exp.spans() {
			if s.Name == "c" && s.SpanContext.TraceID() == p.SpanContext().TraceID() && s.Parent.SpanID() != p.SpanContext().SpanID() {
				t.Fatalf("a child lost its parent")
			}
		}
	}
}
