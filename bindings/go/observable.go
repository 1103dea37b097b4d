package otelcore

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"errors"
	"runtime/cgo"
	"sync/atomic"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/embedded"
)

// int64Obs is every observable int64 instrument. The embedded API
// interface supplies the unexported marker methods, as in the Go SDK.
type int64Obs struct {
	metric.Int64Observable
	embedded.Int64ObservableCounter
	embedded.Int64ObservableUpDownCounter
	embedded.Int64ObservableGauge
	h     *C.otel_instrument
	meter *meter // keeps the provider, which owns h, alive
}

type float64Obs struct {
	metric.Float64Observable
	embedded.Float64ObservableCounter
	embedded.Float64ObservableUpDownCounter
	embedded.Float64ObservableGauge
	h     *C.otel_instrument
	meter *meter
}

func (m *meter) obs64(kind int, name, unit, desc string, cbs []metric.Int64Callback) (*int64Obs, error) {
	h, err := m.create(kind, C.OTEL_NUMBER_INT64, name, unit, desc, nil)
	inst := &int64Obs{h: h, meter: m}
	if err != nil {
		return inst, err
	}
	for _, cb := range cbs {
		f := func(ctx context.Context, o metric.Observer) error {
			return cb(ctx, int64Observer{o: o.(*observer), inst: h})
		}
		if _, err := m.register(f, []*C.otel_instrument{h}); err != nil {
			return inst, err
		}
	}
	return inst, nil
}

func (m *meter) obsF64(kind int, name, unit, desc string, cbs []metric.Float64Callback) (*float64Obs, error) {
	h, err := m.create(kind, C.OTEL_NUMBER_DOUBLE, name, unit, desc, nil)
	inst := &float64Obs{h: h, meter: m}
	if err != nil {
		return inst, err
	}
	for _, cb := range cbs {
		f := func(ctx context.Context, o metric.Observer) error {
			return cb(ctx, float64Observer{o: o.(*observer), inst: h})
		}
		if _, err := m.register(f, []*C.otel_instrument{h}); err != nil {
			return inst, err
		}
	}
	return inst, nil
}

func (m *meter) Int64ObservableCounter(name string, opts ...metric.Int64ObservableCounterOption) (metric.Int64ObservableCounter, error) {
	c := metric.NewInt64ObservableCounterConfig(opts...)
	return m.obs64(C.OTEL_INSTRUMENT_OBSERVABLE_COUNTER, name, c.Unit(), c.Description(), c.Callbacks())
}

func (m *meter) Int64ObservableUpDownCounter(name string, opts ...metric.Int64ObservableUpDownCounterOption) (metric.Int64ObservableUpDownCounter, error) {
	c := metric.NewInt64ObservableUpDownCounterConfig(opts...)
	return m.obs64(C.OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER, name, c.Unit(), c.Description(), c.Callbacks())
}

func (m *meter) Int64ObservableGauge(name string, opts ...metric.Int64ObservableGaugeOption) (metric.Int64ObservableGauge, error) {
	c := metric.NewInt64ObservableGaugeConfig(opts...)
	return m.obs64(C.OTEL_INSTRUMENT_OBSERVABLE_GAUGE, name, c.Unit(), c.Description(), c.Callbacks())
}

func (m *meter) Float64ObservableCounter(name string, opts ...metric.Float64ObservableCounterOption) (metric.Float64ObservableCounter, error) {
	c := metric.NewFloat64ObservableCounterConfig(opts...)
	return m.obsF64(C.OTEL_INSTRUMENT_OBSERVABLE_COUNTER, name, c.Unit(), c.Description(), c.Callbacks())
}

func (m *meter) Float64ObservableUpDownCounter(name string, opts ...metric.Float64ObservableUpDownCounterOption) (metric.Float64ObservableUpDownCounter, error) {
	c := metric.NewFloat64ObservableUpDownCounterConfig(opts...)
	return m.obsF64(C.OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER, name, c.Unit(), c.Description(), c.Callbacks())
}

func (m *meter) Float64ObservableGauge(name string, opts ...metric.Float64ObservableGaugeOption) (metric.Float64ObservableGauge, error) {
	c := metric.NewFloat64ObservableGaugeConfig(opts...)
	return m.obsF64(C.OTEL_INSTRUMENT_OBSERVABLE_GAUGE, name, c.Unit(), c.Description(), c.Callbacks())
}

// RegisterCallback runs f at each collection for the given instruments
// (made by this provider's meters).
func (m *meter) RegisterCallback(f metric.Callback, insts ...metric.Observable) (metric.Registration, error) {
	hs := make([]*C.otel_instrument, 0, len(insts))
	for _, i := range insts {
		switch o := i.(type) {
		case *int64Obs:
			hs = append(hs, o.h)
		case *float64Obs:
			hs = append(hs, o.h)
		default:
			return nil, errors.New("otelcore: RegisterCallback: an instrument not made by an otelcore meter")
		}
	}
	return m.register(f, hs)
}

// callback is what a cgo.Handle hands the observe trampoline.
type callback struct {
	f       metric.Callback
	removed atomic.Bool
}

type registration struct {
	embedded.Registration
	m    *meter
	id   C.uint64_t
	h    cgo.Handle
	cb   *callback
	done atomic.Bool
}

func (m *meter) register(f metric.Callback, hs []*C.otel_instrument) (*registration, error) {
	if len(hs) == 0 {
		return nil, errors.New("otelcore: RegisterCallback: no instruments")
	}
	cb := &callback{f: f}
	h := cgo.NewHandle(cb)
	r := &registration{m: m, h: h, cb: cb}
	// hs is Go memory holding only C pointers: it may be passed for the call
	err := callErr("register callback", func() C.otel_status {
		return C.gotel_register_callback(m.h, C.uintptr_t(h), &hs[0], C.size_t(len(hs)), &r.id)
	})
	if err != nil {
		h.Delete()
		return nil, err
	}
	m.provider.bound.keep(h)
	return r, nil
}

// Unregister stops the callback. A collection already running may still
// reach it once more (it then does nothing); its handle is deleted with the
// provider.
func (r *registration) Unregister() error {
	if r.done.Swap(true) {
		return nil
	}
	r.cb.removed.Store(true)
	err := callErr("unregister callback", func() C.otel_status {
		return C.otel_meter_unregister_callback(r.m.h, r.id)
	})
	return err
}

// observer is the metric.Observer a callback gets; valid during the call.
type observer struct {
	embedded.Observer
	h *C.otel_observer
}

//export gotelObserve
func gotelObserve(o *C.otel_observer, h C.uintptr_t) {
	cb := cgo.Handle(h).Value().(*callback)
	if cb.removed.Load() {
		return
	}
	defer recovered("metric callback", nil)
	if err := cb.f(context.Background(), &observer{h: o}); err != nil {
		handleErr(err)
	}
}

func (o *observer) ObserveInt64(obs metric.Int64Observable, v int64, opts ...metric.ObserveOption) {
	if i, ok := obs.(*int64Obs); ok {
		observeI64(o.h, i.h, v, opts)
	}
}

func (o *observer) ObserveFloat64(obs metric.Float64Observable, v float64, opts ...metric.ObserveOption) {
	if i, ok := obs.(*float64Obs); ok {
		observeF64(o.h, i.h, v, opts)
	}
}

func observeI64(o *C.otel_observer, inst *C.otel_instrument, v int64, opts []metric.ObserveOption) {
	set := metric.NewObserveConfig(opts).Attributes()
	sc := getScratch(listSize(kvSet{&set}))
	arr, n := writeAttrs(sc, kvSet{&set})
	C.otel_observer_observe_i64(o, inst, C.int64_t(v), arr, n)
	sc.put()
}

func observeF64(o *C.otel_observer, inst *C.otel_instrument, v float64, opts []metric.ObserveOption) {
	set := metric.NewObserveConfig(opts).Attributes()
	sc := getScratch(listSize(kvSet{&set}))
	arr, n := writeAttrs(sc, kvSet{&set})
	C.otel_observer_observe_f64(o, inst, C.double(v), arr, n)
	sc.put()
}

// int64Observer is the metric.Int64Observer an instrument's own callback gets.
type int64Observer struct {
	embedded.Int64Observer
	o    *observer
	inst *C.otel_instrument
}

func (o int64Observer) Observe(v int64, opts ...metric.ObserveOption) {
	observeI64(o.o.h, o.inst, v, opts)
}

type float64Observer struct {
	embedded.Float64Observer
	o    *observer
	inst *C.otel_instrument
}

func (o float64Observer) Observe(v float64, opts ...metric.ObserveOption) {
	observeF64(o.o.h, o.inst, v, opts)
}
