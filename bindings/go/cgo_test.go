package otelcore_test

import (
	"context"
	"testing"
	"time"

	"libotel_core/otelcore"
	"libotel_core/otelcore/internal/cchild"
)

// A Go span, C code called through cgo inside it (once with the C core's
// current context set for the call, once with an explicit parent): the C
// children have the Go parent and all three leave in one export request.
func TestCChildAndGoParentLeaveTogether(t *testing.T) {
	exp := &memExporter{}
	tp, err := otelcore.NewTracerProviderChecked(otelcore.WithExporter(exp),
		otelcore.WithSetting("OTEL_BSP_SCHEDULE_DELAY", "60000")) // the C global: C code exports through it
	if err != nil {
		t.Fatal(err)
	}
	tr := tp.Tracer("go")
	ctx, parent := tr.Start(context.Background(), "go parent")
	otelcore.WithCContext(ctx, func() { cchild.ChildOfCurrent("c child (current)") })
	cctx, release := otelcore.CContext(ctx)
	cchild.ChildOf(cctx, "c child (explicit)")
	release()
	parent.End()
	fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tp.Shutdown(fctx); err != nil {
		t.Fatal(err)
	}
	exp.mu.Lock()
	batches := exp.batches
	exp.mu.Unlock()
	if len(batches) != 1 || len(batches[0]) != 3 {
		t.Fatalf("%d export requests (%v), want one of 3 spans", len(batches), batches)
	}
	p := exp.byName(t, "go parent")
	for _, name := range []string{"c child (current)", "c child (explicit)"} {
		c := exp.byName(t, name)
		if c.Parent.SpanID() != p.SpanContext.SpanID() || c.SpanContext.TraceID() != p.SpanContext.TraceID() {
			t.Errorf("%s: parent %v, want %v", name, c.Parent, p.SpanContext)
		}
		if c.Scope.Name != "c-library" || attrMap(c.Attributes)["lang"].AsString() != "c" {
			t.Errorf("%s: %+v", name, c)
		}
	}
}
