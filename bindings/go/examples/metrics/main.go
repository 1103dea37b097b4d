// Metrics with attributes: a counter, a histogram and an observable gauge
// on this SDK's MeterProvider (OTLP every OTEL_METRIC_EXPORT_INTERVAL by
// default; OTEL_METRICS_EXPORTER=console prints them).
package main

import (
	"context"
	"log"
	"runtime"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"libotel_core/otelcore"
)

func main() {
	mp := otelcore.NewMeterProvider()
	otel.SetMeterProvider(mp)
	defer mp.Shutdown(context.Background())
	m := otel.Meter("shop")

	requests, err := m.Int64Counter("http.server.requests", metric.WithUnit("{request}"))
	if err != nil {
		log.Fatal(err)
	}
	latency, _ := m.Float64Histogram("http.server.duration", metric.WithUnit("s"))
	_, err = m.Int64ObservableGauge("go.goroutines", metric.WithInt64Callback(
		func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(runtime.NumGoroutine()))
			return nil
		}))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		route := attribute.String("http.route", []string{"/cart", "/pay"}[i%2])
		requests.Add(ctx, 1, metric.WithAttributes(route, attribute.Int("http.response.status_code", 200)))
		latency.Record(ctx, float64(i%10)*0.01, metric.WithAttributes(route))
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := mp.ForceFlush(ctx); err != nil {
		log.Print(err)
	}
}
