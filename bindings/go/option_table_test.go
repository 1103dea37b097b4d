package otelcore_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"libotel_core/otelcore"
)

func TestOptionsAreTheCoreTable(t *testing.T) {
	by := map[string]otelcore.OptionInfo{}
	for _, o := range otelcore.Options() {
		if !strings.HasPrefix(o.Name, "OTEL_") || o.Description == "" {
			t.Fatalf("bad entry %+v", o)
		}
		by[o.Name] = o
	}
	if len(by) < 40 {
		t.Fatalf("only %d options", len(by))
	}
	if o := by["OTEL_BSP_SCHEDULE_DELAY"]; o.Type != "duration" || o.Default != "5000" {
		t.Fatalf("OTEL_BSP_SCHEDULE_DELAY: %+v", o)
	}
	if o := by["OTEL_TRACES_EXPORTER"]; !reflect.DeepEqual(o.Choices, []string{"otlp", "console", "none"}) {
		t.Fatalf("OTEL_TRACES_EXPORTER: %+v", o)
	}
	if o := by["OTEL_SERVICE_NAME"]; o.Default != "" || o.Choices != nil {
		t.Fatalf("OTEL_SERVICE_NAME: %+v", o)
	}
	if _, ok := by["OTEL_EXPORTER_PROMETHEUS_PORT"]; ok {
		t.Fatal("OTEL_EXPORTER_PROMETHEUS_PORT is listed, but nothing reads it")
	}
	// a name outside the table is refused by the provider's constructor
	_, err := otelcore.NewTracerProviderChecked(otelcore.WithoutCGlobal(),
		otelcore.WithSetting("OTEL_EXPORTER_PROMETHEUS_PORT", "5"))
	if !errors.Is(err, otelcore.StatusNotFound) {
		t.Fatalf("OTEL_EXPORTER_PROMETHEUS_PORT: %v", err)
	}
}
