package otelcore

/*
#include "shim.h"
*/
import "C"

import (
	"runtime/cgo"
	"sync"

	"go.opentelemetry.io/otel/attribute"
)

// maxBound caps the attribute sets an instrument keeps bound handles for;
// beyond it measurements take the encoding path (the C core's cardinality
// limit still applies either way).
const maxBound = 1024

// bindings maps an attribute set (by its Distinct, as the Go SDK keys its
// aggregators) to a C bound instrument, so a measurement with a set seen
// before is one C call with no attribute encoding: reading an attribute.Set
// element by element goes through reflection.
type bindings struct {
	mu    sync.RWMutex
	m     map[attribute.Distinct]*C.otel_bound_instrument
	owner *boundRegistry
}

// boundRegistry holds every bound handle of a provider, released just
// before the provider itself.
type boundRegistry struct {
	mu      sync.Mutex
	hs      []*C.otel_bound_instrument
	handles []cgo.Handle // callbacks' (a collection may call one after it is unregistered)
}

func (r *boundRegistry) keep(h cgo.Handle) {
	r.mu.Lock()
	r.handles = append(r.handles, h)
	r.mu.Unlock()
}

func (r *boundRegistry) deleteHandles() {
	r.mu.Lock()
	for _, h := range r.handles {
		h.Delete()
	}
	r.handles = nil
	r.mu.Unlock()
}

func (r *boundRegistry) releaseAll() {
	r.mu.Lock()
	for _, b := range r.hs {
		C.otel_bound_instrument_free(b)
	}
	r.hs = nil
	r.mu.Unlock()
}

// bound returns the bound handle for set, making it when there is room;
// nil means: record with the attributes.
func (b *bindings) bound(h *C.otel_instrument, set attribute.Set) *C.otel_bound_instrument {
	key := set.Equivalent()
	b.mu.RLock()
	bi := b.m[key]
	n := len(b.m)
	b.mu.RUnlock()
	if bi != nil || n >= maxBound || h == nil {
		return bi
	}
	heap := set // only this path lets the set escape
	sc := getScratch(listSize(kvSet{&heap}))
	arr, na := writeAttrs(sc, kvSet{&heap})
	nb := C.otel_instrument_bind(h, arr, na)
	sc.put()
	if nb == nil {
		return nil
	}
	b.mu.Lock()
	if bi = b.m[key]; bi == nil {
		if b.m == nil {
			b.m = make(map[attribute.Distinct]*C.otel_bound_instrument)
		}
		b.m[key] = nb
		bi = nb
		nb = nil
	}
	b.mu.Unlock()
	if nb != nil { // another goroutine bound it first
		C.otel_bound_instrument_free(nb)
	} else {
		b.owner.mu.Lock()
		b.owner.hs = append(b.owner.hs, bi)
		b.owner.mu.Unlock()
	}
	return bi
}
