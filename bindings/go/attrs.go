package otelcore

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"

	"go.opentelemetry.io/otel/attribute"
)

// scratch is a reusable C buffer that one call's attributes, links and
// strings are copied into, so the C core gets arrays of otel_attr that hold
// no Go pointer (cgo's rule; checked with GOEXPERIMENT=cgocheck2) and the
// attributes cross in the call itself, never one C call per attribute.
// Writing into C memory from Go costs no cgo call.
type scratch struct {
	base    unsafe.Pointer
	cap     uintptr
	off     uintptr
	cleanup runtime.Cleanup
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch(size uintptr) *scratch {
	s := scratchPool.Get().(*scratch)
	s.off = 0
	if size > s.cap {
		s.grow(size)
	}
	return s
}

func (s *scratch) put() { scratchPool.Put(s) }

func (s *scratch) grow(size uintptr) {
	if s.base != nil {
		s.cleanup.Stop()
		C.free(s.base)
	}
	c := uintptr(1024)
	for c < size {
		c *= 2
	}
	s.base = C.malloc(C.size_t(c))
	if s.base == nil {
		panic("otelcore: out of memory")
	}
	s.cap = c
	// a buffer the pool drops goes back to C when the collector frees it
	s.cleanup = runtime.AddCleanup(s, func(p unsafe.Pointer) { C.free(p) }, s.base)
}

func align8(n uintptr) uintptr { return (n + 7) &^ 7 }

// alloc returns n bytes of the buffer (8-aligned), sized beforehand.
func (s *scratch) alloc(n uintptr) unsafe.Pointer {
	p := unsafe.Add(s.base, s.off)
	s.off += align8(n)
	return p
}

// str copies v into the buffer and returns its C pointer.
func (s *scratch) str(v string) *C.char {
	if len(v) == 0 {
		return nil
	}
	p := s.alloc(uintptr(len(v)))
	copy(unsafe.Slice((*byte)(p), len(v)), v)
	return (*C.char)(p)
}

const attrSize = unsafe.Sizeof(C.otel_attr{})
const strSize = unsafe.Sizeof(C.otel_str{})

// kvList is a slice of attributes or an attribute.Set, read without copying.
type kvList interface {
	Len() int
	At(i int) attribute.KeyValue
}

type kvSlice []attribute.KeyValue

func (l kvSlice) Len() int                    { return len(l) }
func (l kvSlice) At(i int) attribute.KeyValue { return l[i] }

type kvSet struct{ s *attribute.Set }

func (l kvSet) Len() int { return l.s.Len() }
func (l kvSet) At(i int) attribute.KeyValue {
	kv, _ := l.s.Get(i)
	return kv
}

// attrsSize is the buffer space attrs need.
func attrsSize(kvs []attribute.KeyValue) uintptr { return listSize(kvSlice(kvs)) }

// attrs writes kvs as otel_attr records; the result lives until put().
func (s *scratch) attrs(kvs []attribute.KeyValue) (*C.otel_attr, C.size_t) {
	return writeAttrs(s, kvSlice(kvs))
}

func listSize[L kvList](l L) uintptr {
	n := uintptr(l.Len()) * attrSize
	for i := 0; i < l.Len(); i++ {
		kv := l.At(i)
		n += align8(uintptr(len(kv.Key)))
		v := kv.Value
		switch v.Type() {
		case attribute.STRING:
			n += align8(uintptr(len(v.AsString())))
		case attribute.BOOLSLICE:
			n += align8(uintptr(len(v.AsBoolSlice())) * 4)
		case attribute.INT64SLICE:
			n += uintptr(len(v.AsInt64Slice())) * 8
		case attribute.FLOAT64SLICE:
			n += uintptr(len(v.AsFloat64Slice())) * 8
		case attribute.STRINGSLICE:
			for _, e := range v.AsStringSlice() {
				n += strSize + align8(uintptr(len(e)))
			}
		case attribute.BYTESLICE, attribute.SLICE, attribute.MAP:
			n += align8(uintptr(len(v.Emit())))
		}
	}
	return n
}

// writeAttrs writes l as otel_attr records into s, sized by listSize.
// Types the C core has no form for (bytes, heterogeneous slices, maps) go
// as their string rendering; EMPTY values are dropped by the core.
func writeAttrs[L kvList](s *scratch, l L) (*C.otel_attr, C.size_t) {
	if l.Len() == 0 {
		return nil, 0
	}
	arr := unsafe.Slice((*C.otel_attr)(s.alloc(uintptr(l.Len())*attrSize)), l.Len())
	for i := range arr {
		kv := l.At(i)
		a := &arr[i]
		k := string(kv.Key)
		*a = C.otel_attr{}
		a.key = s.str(k)
		a.key_len = C.size_t(len(k))
		v := kv.Value
		switch v.Type() {
		case attribute.BOOL:
			a._type = C.OTEL_VALUE_BOOL
			if v.AsBool() {
				a.bool_value = 1
			}
		case attribute.INT64:
			a._type = C.OTEL_VALUE_INT64
			a.int_value = C.int64_t(v.AsInt64())
		case attribute.FLOAT64:
			a._type = C.OTEL_VALUE_DOUBLE
			a.double_value = C.double(v.AsFloat64())
		case attribute.STRING:
			sv := v.AsString()
			a._type = C.OTEL_VALUE_STRING
			a.ptr = unsafe.Pointer(s.str(sv))
			a.len = C.size_t(len(sv))
		case attribute.BOOLSLICE:
			bs := v.AsBoolSlice()
			p := s.alloc(uintptr(len(bs)) * 4)
			out := unsafe.Slice((*C.int)(p), len(bs))
			for j, b := range bs {
				out[j] = 0
				if b {
					out[j] = 1
				}
			}
			a._type, a.ptr, a.len = C.OTEL_VALUE_BOOL_ARRAY, p, C.size_t(len(bs))
		case attribute.INT64SLICE:
			is := v.AsInt64Slice()
			p := s.alloc(uintptr(len(is)) * 8)
			copy(unsafe.Slice((*int64)(p), len(is)), is)
			a._type, a.ptr, a.len = C.OTEL_VALUE_INT64_ARRAY, p, C.size_t(len(is))
		case attribute.FLOAT64SLICE:
			fs := v.AsFloat64Slice()
			p := s.alloc(uintptr(len(fs)) * 8)
			copy(unsafe.Slice((*float64)(p), len(fs)), fs)
			a._type, a.ptr, a.len = C.OTEL_VALUE_DOUBLE_ARRAY, p, C.size_t(len(fs))
		case attribute.STRINGSLICE:
			ss := v.AsStringSlice()
			p := s.alloc(uintptr(len(ss)) * strSize)
			out := unsafe.Slice((*C.otel_str)(p), len(ss))
			for j, e := range ss {
				out[j] = C.otel_str{ptr: s.str(e), len: C.size_t(len(e))}
			}
			a._type, a.ptr, a.len = C.OTEL_VALUE_STRING_ARRAY, p, C.size_t(len(ss))
		case attribute.BYTESLICE, attribute.SLICE, attribute.MAP:
			sv := v.Emit()
			a._type = C.OTEL_VALUE_STRING
			a.ptr = unsafe.Pointer(s.str(sv))
			a.len = C.size_t(len(sv))
		default:
			a._type = C.OTEL_VALUE_NONE
		}
	}
	return &arr[0], C.size_t(len(arr))
}

// goAttr reads an otel_attr the core owns back into Go.
func goAttr(a *C.otel_attr) attribute.KeyValue {
	k := attribute.Key(gostr(a.key, a.key_len))
	n := int(a.len)
	switch a._type {
	case C.OTEL_VALUE_STRING:
		return k.String(gostr((*C.char)(a.ptr), a.len))
	case C.OTEL_VALUE_BOOL:
		return k.Bool(a.bool_value != 0)
	case C.OTEL_VALUE_INT64:
		return k.Int64(int64(a.int_value))
	case C.OTEL_VALUE_DOUBLE:
		return k.Float64(float64(a.double_value))
	case C.OTEL_VALUE_STRING_ARRAY:
		in := unsafe.Slice((*C.otel_str)(a.ptr), n)
		out := make([]string, n)
		for i := range in {
			out[i] = gostr(in[i].ptr, in[i].len)
		}
		return k.StringSlice(out)
	case C.OTEL_VALUE_BOOL_ARRAY:
		in := unsafe.Slice((*C.int)(a.ptr), n)
		out := make([]bool, n)
		for i := range in {
			out[i] = in[i] != 0
		}
		return k.BoolSlice(out)
	case C.OTEL_VALUE_INT64_ARRAY:
		return k.Int64Slice(append([]int64(nil), unsafe.Slice((*int64)(a.ptr), n)...))
	case C.OTEL_VALUE_DOUBLE_ARRAY:
		return k.Float64Slice(append([]float64(nil), unsafe.Slice((*float64)(a.ptr), n)...))
	}
	return attribute.KeyValue{Key: k}
}

// goAttrs reads n otel_attr records the core owns.
func goAttrs(p *C.otel_attr, n C.size_t) []attribute.KeyValue {
	if p == nil || n == 0 {
		return nil
	}
	in := unsafe.Slice(p, int(n))
	out := make([]attribute.KeyValue, len(in))
	for i := range in {
		out[i] = goAttr(&in[i])
	}
	return out
}
