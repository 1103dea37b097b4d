package otelcore

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"context"
	"runtime"
	"sync"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/embedded"
)

// MeterProvider is a metric.MeterProvider backed by a C meter provider.
// Unless readers are given (WithReader), the reader OTEL_METRICS_EXPORTER
// names exports (OTLP by default, every OTEL_METRIC_EXPORT_INTERVAL).
type MeterProvider struct {
	embedded.MeterProvider
	h      *C.otel_meter_provider
	meters sync.Map // tracerKey -> *meter

	bound *boundRegistry // bound instruments and callback handles, freed with h
}

// NewMeterProvider builds a meter provider from opts and the environment;
// like NewTracerProvider it never fails (errors go to otel.Handle).
func NewMeterProvider(opts ...Option) *MeterProvider { return lenient(newMeterProvider, opts) }

// NewMeterProviderChecked is NewMeterProvider returning an *Error for a
// setting in opts that does not parse.
func NewMeterProviderChecked(opts ...Option) (*MeterProvider, error) {
	return newMeterProvider(newConfig(opts), true)
}

func newMeterProvider(c *config, strict bool) (*MeterProvider, error) {
	const op = "meter provider"
	if len(c.readers) > 0 && !c.has("OTEL_METRICS_EXPORTER") {
		// the C core makes the environment's reader even when readers are
		// added before the first meter (its header says otherwise); a
		// provider given readers wants only those unless told
		c.settings = append(c.settings, setting{"OTEL_METRICS_EXPORTER", "none"})
	}
	o, err := c.cOptions(op)
	if err != nil {
		return nil, err
	}
	defer C.otel_options_free(o)
	if !strict {
		C.otel_options_set_strict(o, 0)
	}
	var h *C.otel_meter_provider
	if err := callErr(op, func() C.otel_status { return C.otel_meter_provider_new(&h, o) }); err != nil {
		return nil, err
	}
	mp := &MeterProvider{h: h, bound: &boundRegistry{}}
	type owned struct {
		h     *C.otel_meter_provider
		bound *boundRegistry
	}
	runtime.AddCleanup(mp, func(o owned) {
		o.bound.releaseAll()
		C.otel_meter_provider_release(o.h) // no callback runs after this
		o.bound.deleteHandles()
	}, owned{h, mp.bound})
	for _, r := range c.readers {
		if err := r.attach(mp); err != nil {
			return nil, err
		}
	}
	if !c.noGlobal {
		C.otel_meter_provider_set_global(h)
	}
	return mp, nil
}

// Meter returns the meter of an instrumentation scope.
func (p *MeterProvider) Meter(name string, opts ...metric.MeterOption) metric.Meter {
	defer runtime.KeepAlive(p)
	cfg := metric.NewMeterConfig(opts...)
	set := cfg.InstrumentationAttributes()
	key := tracerKey{name, cfg.InstrumentationVersion(), cfg.SchemaURL(), set.Equivalent()}
	if m, ok := p.meters.Load(key); ok {
		return m.(*meter)
	}
	sc := getScratch(listSize(kvSet{&set}))
	arr, n := writeAttrs(sc, kvSet{&set})
	h := C.otel_meter_provider_get_meter_n(p.h, strData(key.name), C.size_t(len(key.name)),
		strData(key.version), C.size_t(len(key.version)), strData(key.schemaURL),
		C.size_t(len(key.schemaURL)), arr, n)
	sc.put()
	m, _ := p.meters.LoadOrStore(key, &meter{h: h, provider: p})
	return m.(*meter)
}

// ForceFlush collects and exports through every exporting reader, bounded
// by ctx's deadline.
func (p *MeterProvider) ForceFlush(ctx context.Context) error {
	return withDeadline(ctx, "meter force flush", func(ms C.uint32_t) C.otel_status {
		return C.otel_meter_provider_force_flush(p.h, ms)
	})
}

// Shutdown exports what is left and stops the readers, bounded by ctx's
// deadline. Idempotent.
func (p *MeterProvider) Shutdown(ctx context.Context) error {
	err := withDeadline(ctx, "meter shutdown", func(ms C.uint32_t) C.otel_status {
		return C.otel_meter_provider_shutdown(p.h, ms)
	})
	return err
}

// Dropped is the number of measurements dropped (invalid values, overflow,
// instruments used after shutdown).
func (p *MeterProvider) Dropped() uint64 { return uint64(C.otel_meter_provider_dropped(p.h)) }

// Stats reads the metrics export counters.
func (p *MeterProvider) Stats() MetricStats {
	defer runtime.KeepAlive(p)
	v, lastErr := readStats(
		func(out *C.uint64_t, n C.size_t) { C.otel_meter_provider_get_stats(p.h, out, n) },
		func(buf *C.char, n C.size_t) C.size_t { return C.otel_meter_provider_last_error(p.h, buf, n) })
	return MetricStats{
		ExportBatches:  uint64(v[C.OTEL_STAT_EXPORT_BATCHES]),
		ExportErrors:   uint64(v[C.OTEL_STAT_EXPORT_ERRORS]),
		ExportRetries:  uint64(v[C.OTEL_STAT_EXPORT_RETRIES]),
		LastExport:     goTime(v[C.OTEL_STAT_LAST_EXPORT_TIME_NS]),
		LastErrorTime:  goTime(v[C.OTEL_STAT_LAST_ERROR_TIME_NS]),
		LastError:      lastErr,
		Dropped:        uint64(C.otel_meter_provider_dropped(p.h)),
		CallbackPanics: callbackPanics.Load(),
	}
}

// MetricStats are a meter provider's export counters.
type MetricStats struct {
	ExportBatches, ExportErrors, ExportRetries uint64
	LastExport, LastErrorTime                  time.Time // zero: none yet
	LastError                                  string
	Dropped                                    uint64 // measurements dropped (invalid, after shutdown)
	CallbackPanics                             uint64 // panics recovered in Go callbacks (process-wide)
}
