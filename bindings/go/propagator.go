package otelcore

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"runtime"
	"strings"
	"unsafe"

	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Propagator is a propagation.TextMapPropagator that parses and writes
// headers with the C core's propagators (W3C tracecontext and baggage, B3),
// so every language in the process reads headers the same way.
type Propagator struct {
	h      *C.otel_propagator
	fields []string // what Inject may write
	reads  []string // what Extract reads: the fields, and both B3 forms
}

var _ propagation.TextMapPropagator = (*Propagator)(nil)

func newPropagator(h *C.otel_propagator) *Propagator {
	p := &Propagator{h: h}
	for i := C.size_t(0); i < C.otel_propagator_field_count(h); i++ {
		p.fields = append(p.fields, C.GoString(C.otel_propagator_field(h, i)))
	}
	p.reads = append(p.reads, p.fields...)
	for _, f := range p.fields {
		if f == "b3" || strings.HasPrefix(f, "x-b3-") { // B3 extracts the single and multi forms
			p.reads = appendNew(p.reads, "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-flags", "x-b3-parentspanid")
			break
		}
	}
	runtime.AddCleanup(p, func(h *C.otel_propagator) { C.otel_propagator_release(h) }, h)
	return p
}

func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		found := false
		for _, l := range list {
			found = found || l == n
		}
		if !found {
			list = append(list, n)
		}
	}
	return list
}

// TraceContext is the W3C Trace Context propagator (traceparent, tracestate).
func TraceContext() *Propagator { return newPropagator(C.otel_propagator_tracecontext()) }

// Baggage is the W3C Baggage propagator.
func Baggage() *Propagator { return newPropagator(C.otel_propagator_baggage()) }

// B3 writes the single `b3` header and reads both B3 forms.
func B3() *Propagator { return newPropagator(C.otel_propagator_b3()) }

// B3Multi writes the x-b3-* headers and reads both B3 forms.
func B3Multi() *Propagator { return newPropagator(C.otel_propagator_b3multi()) }

// NewPropagator is the composite OTEL_PROPAGATORS names (WithPropagators
// overrides it; default "tracecontext,baggage"):
//
//	otel.SetTextMapPropagator(otelcore.NewPropagator())
func NewPropagator(opts ...Option) (*Propagator, error) {
	c := newConfig(opts)
	o, err := c.cOptions("propagator")
	if err != nil {
		return nil, err
	}
	defer C.otel_options_free(o)
	var h *C.otel_propagator
	if err := callErr("propagator", func() C.otel_status { return C.otel_propagator_from_env(&h, o) }); err != nil {
		return nil, err
	}
	return newPropagator(h), nil
}

// Fields are the header names Inject may write.
func (p *Propagator) Fields() []string { return append([]string(nil), p.fields...) }

// Inject writes the span context and baggage of ctx into carrier.
func (p *Propagator) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	defer runtime.KeepAlive(p) // its cleanup releases p.h
	sc := trace.SpanContextFromContext(ctx)
	bag := baggage.FromContext(ctx)
	if !sc.IsValid() && bag.Len() == 0 {
		return
	}
	members := bag.Members()
	ts := sc.TraceState().String()
	size := align8(uintptr(len(ts)))
	metas := make([]string, len(members))
	for i, m := range members {
		var b strings.Builder
		for _, pr := range m.Properties() {
			b.WriteByte(';')
			b.WriteString(pr.String())
		}
		metas[i] = b.String()
		size += 3*strSize + align8(uintptr(len(m.Key()))) + align8(uintptr(len(m.Value()))) + align8(uintptr(len(metas[i])))
	}
	s := getScratch(size)
	defer s.put()
	var arr *C.otel_str
	if len(members) > 0 {
		strs := unsafe.Slice((*C.otel_str)(s.alloc(uintptr(3*len(members))*strSize)), 3*len(members))
		for i, m := range members {
			strs[3*i] = C.otel_str{ptr: s.str(m.Key()), len: C.size_t(len(m.Key()))}
			strs[3*i+1] = C.otel_str{ptr: s.str(m.Value()), len: C.size_t(len(m.Value()))}
			strs[3*i+2] = C.otel_str{ptr: s.str(metas[i]), len: C.size_t(len(metas[i]))}
		}
		arr = &strs[0]
	}
	var csc C.otel_span_context
	putSpanContext(&csc, sc)
	hdr := C.gotel_inject(p.h, &csc, s.str(ts), C.size_t(len(ts)), arr, C.size_t(len(members)))
	if hdr == nil {
		return
	}
	defer C.otel_headers_free(hdr)
	for i := C.size_t(0); i < C.otel_headers_count(hdr); i++ {
		var name, value *C.char
		var nl, vl C.size_t
		if C.otel_headers_at(hdr, i, &name, &nl, &value, &vl) == C.OTEL_OK {
			carrier.Set(gostr(name, nl), gostr(value, vl))
		}
	}
}

// Extract returns ctx with the remote span context and the baggage the
// carrier holds (ctx itself when it holds neither).
func (p *Propagator) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	defer runtime.KeepAlive(p)
	var pairs []string
	size := uintptr(0)
	vg, multi := carrier.(propagation.ValuesGetter)
	for _, k := range p.reads {
		var vals []string
		if multi {
			vals = vg.Values(k)
		} else if v := carrier.Get(k); v != "" {
			vals = []string{v}
		}
		for _, v := range vals {
			pairs = append(pairs, k, v)
			size += 2*strSize + align8(uintptr(len(k))) + align8(uintptr(len(v)))
		}
	}
	if len(pairs) == 0 {
		return ctx
	}
	s := getScratch(size)
	strs := unsafe.Slice((*C.otel_str)(s.alloc(uintptr(len(pairs))*strSize)), len(pairs))
	for i, v := range pairs {
		strs[i] = C.otel_str{ptr: s.str(v), len: C.size_t(len(v))}
	}
	c := C.gotel_extract(p.h, &strs[0], C.size_t(len(pairs)/2))
	s.put()
	defer C.otel_context_release(c)
	var sc C.otel_span_context
	var ts *C.char
	var tl C.size_t
	if C.gotel_context_span(c, &sc, &ts, &tl) != 0 {
		ctx = trace.ContextWithRemoteSpanContext(ctx, goSpanContext(&sc, gostr(ts, tl)))
	}
	if b := C.otel_context_get_baggage(c); b != nil && C.otel_baggage_count(b) > 0 {
		var members []baggage.Member
		for i := C.size_t(0); i < C.otel_baggage_count(b); i++ {
			var name, value, meta *C.char
			if C.otel_baggage_entry(b, i, &name, &value, &meta) != C.OTEL_OK {
				continue
			}
			m, err := baggage.NewMemberRaw(C.GoString(name), C.GoString(value), goProperties(C.GoString(meta))...)
			if err == nil {
				members = append(members, m)
			}
		}
		if bag, err := baggage.New(members...); err == nil {
			ctx = baggage.ContextWithBaggage(ctx, bag)
		}
	}
	return ctx
}

// goProperties parses the core's baggage metadata (";k=v;k2").
func goProperties(meta string) []baggage.Property {
	var out []baggage.Property
	for _, part := range strings.Split(meta, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var pr baggage.Property
		var err error
		if k, v, ok := strings.Cut(part, "="); ok {
			pr, err = baggage.NewKeyValuePropertyRaw(strings.TrimSpace(k), strings.TrimSpace(v))
		} else {
			pr, err = baggage.NewKeyProperty(part)
		}
		if err == nil {
			out = append(out, pr)
		}
	}
	return out
}
