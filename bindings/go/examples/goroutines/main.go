// Goroutines with explicit context: each worker's spans are children of the
// span in the context it was given, whatever OS thread it runs on.
package main

import (
	"context"
	"fmt"
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"

	"libotel_core/otelcore"
)

func main() {
	tp := otelcore.NewTracerProvider()
	otel.SetTracerProvider(tp)
	defer tp.Shutdown(context.Background())
	tr := otel.Tracer("workers")

	ctx, batch := tr.Start(context.Background(), "batch")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(ctx context.Context, i int) { // the context goes in explicitly
			defer wg.Done()
			_, s := tr.Start(ctx, fmt.Sprintf("item %d", i))
			s.SetAttributes(attribute.Int("item", i))
			s.End()
		}(ctx, i)
	}
	wg.Wait()
	batch.End()
	fmt.Println("trace", batch.SpanContext().TraceID())
}
