// The README's Go quickstart: the otel API as usual, this SDK underneath.
package main

import (
	"context"
	"log"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"

	"libotel_core/otelcore"
)

func main() {
	tp := otelcore.NewTracerProvider() // OTEL_* from the environment
	otel.SetTracerProvider(tp)
	defer func() {
		if err := tp.Shutdown(context.Background()); err != nil {
			log.Print(err)
		}
	}()

	ctx, span := otel.Tracer("shop").Start(context.Background(), "checkout")
	span.SetAttributes(attribute.Int("cart.items", 3))
	_, child := otel.Tracer("shop").Start(ctx, "charge card")
	child.End()
	span.End()
}
