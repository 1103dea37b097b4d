package otelcore

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"strconv"

	"go.opentelemetry.io/otel/attribute"
)

// Option configures a TracerProvider, a MeterProvider or a propagator. The
// settings are the specification's OTEL_* names, as for every binding of
// the C core; a setting made here wins over the environment variable of the
// same name, and names not set here are read from the environment. A value
// set here that does not parse is an error (the environment's keep the
// specification's rule: warn and use the default).
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type setting struct{ name, value string }

type config struct {
	settings  []setting
	resource  []attribute.KeyValue
	exporters []exporterSpec
	readers   []*ManualReader
	noGlobal  bool
}

type exporterSpec struct {
	exp   SpanExporter
	batch bool
}

func newConfig(opts []Option) *config {
	c := &config{}
	for _, o := range opts {
		o.apply(c)
	}
	return c
}

// has reports whether name was set in code.
func (c *config) has(name string) bool {
	for _, s := range c.settings {
		if s.name == name {
			return true
		}
	}
	return false
}

// WithSetting sets any OTEL_* option by its environment variable name
// (OTEL_BSP_SCHEDULE_DELAY, OTEL_EXPORTER_OTLP_HEADERS, ...).
func WithSetting(name, value string) Option {
	return optionFunc(func(c *config) { c.settings = append(c.settings, setting{name, value}) })
}

// WithServiceName sets OTEL_SERVICE_NAME.
func WithServiceName(name string) Option { return WithSetting("OTEL_SERVICE_NAME", name) }

// WithEndpoint sets OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://127.0.0.1:4318).
func WithEndpoint(url string) Option { return WithSetting("OTEL_EXPORTER_OTLP_ENDPOINT", url) }

// WithProtocol sets OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf, http/json or grpc.
func WithProtocol(p string) Option { return WithSetting("OTEL_EXPORTER_OTLP_PROTOCOL", p) }

// WithSampler sets OTEL_TRACES_SAMPLER and, when arg is not empty,
// OTEL_TRACES_SAMPLER_ARG ("parentbased_traceidratio", "0.25").
func WithSampler(name, arg string) Option {
	return optionFunc(func(c *config) {
		c.settings = append(c.settings, setting{"OTEL_TRACES_SAMPLER", name})
		if arg != "" {
			c.settings = append(c.settings, setting{"OTEL_TRACES_SAMPLER_ARG", arg})
		}
	})
}

// WithSamplingRatio samples that fraction of new traces and follows the
// parent's decision otherwise (parentbased_traceidratio).
func WithSamplingRatio(r float64) Option {
	return WithSampler("parentbased_traceidratio", strconv.FormatFloat(r, 'g', -1, 64))
}

// WithPropagators sets OTEL_PROPAGATORS ("tracecontext,baggage,b3").
func WithPropagators(names string) Option { return WithSetting("OTEL_PROPAGATORS", names) }

// WithResourceAttributes adds resource attributes; they win over
// OTEL_RESOURCE_ATTRIBUTES and the defaults.
func WithResourceAttributes(kvs ...attribute.KeyValue) Option {
	return optionFunc(func(c *config) { c.resource = append(c.resource, kvs...) })
}

// WithExporter sends spans to a Go SpanExporter through the C core's batch
// processor (OTEL_BSP_* apply). It replaces the exporter OTEL_TRACES_EXPORTER
// names; give it several times for several exporters.
func WithExporter(e SpanExporter) Option {
	return optionFunc(func(c *config) { c.exporters = append(c.exporters, exporterSpec{e, true}) })
}

// WithSyncer sends each span to e as it ends, in the ending goroutine
// (the simple processor: for tests and debugging).
func WithSyncer(e SpanExporter) Option {
	return optionFunc(func(c *config) { c.exporters = append(c.exporters, exporterSpec{e, false}) })
}

// WithReader adds a ManualReader to a MeterProvider; then the reader
// OTEL_METRICS_EXPORTER names is made only if that is set in code too.
func WithReader(r *ManualReader) Option {
	return optionFunc(func(c *config) { c.readers = append(c.readers, r) })
}

// WithoutCGlobal keeps a provider out of the C core's process-wide slot.
// By default a new provider also becomes the C global, so C code in the
// process (a C library called through cgo) exports through it.
func WithoutCGlobal() Option { return optionFunc(func(c *config) { c.noGlobal = true }) }

// cOptions builds the C options handle (strict: a bad value set in code is
// an error); free it with C.otel_options_free.
func (c *config) cOptions(op string) (*C.otel_options, error) {
	var o *C.otel_options
	if err := callErr(op, func() C.otel_status { return C.otel_options_new(&o) }); err != nil {
		return nil, err
	}
	C.otel_options_set_strict(o, 1)
	for _, s := range c.settings {
		err := callErr(op, func() C.otel_status {
			return C.otel_options_set_n(o, strData(s.name), C.size_t(len(s.name)), strData(s.value),
				C.size_t(len(s.value)))
		})
		if err != nil {
			C.otel_options_free(o)
			return nil, err
		}
	}
	if len(c.resource) > 0 {
		sc := getScratch(attrsSize(c.resource))
		arr, n := sc.attrs(c.resource)
		var r *C.otel_resource
		err := callErr(op, func() C.otel_status { return C.otel_resource_new(&r, arr, n, nil, 0) })
		sc.put()
		if err != nil {
			C.otel_options_free(o)
			return nil, err
		}
		C.otel_options_set_resource(o, r)
		C.otel_resource_release(r)
	}
	return o, nil
}
