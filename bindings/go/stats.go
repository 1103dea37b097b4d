package otelcore

/*
#include "shim.h"
*/
import "C"

import (
	"runtime"
	"time"
	"unsafe"
)

// Stats are a tracer provider's counters (the C core's otel_stat), read in
// one call: what a health check or a metrics endpoint reports.
type Stats struct {
	SpansStarted        uint64
	SpansNotSampled     uint64
	SpansEnded          uint64
	SpansQueued         uint64 // now, not monotonic
	QueueBytes          uint64 // now, not monotonic
	SpansExported       uint64
	DroppedQueueFull    uint64
	DroppedExportFailed uint64
	DroppedShutdown     uint64
	DroppedTooLarge     uint64
	DroppedRejected     uint64
	DroppedAttributes   uint64
	DroppedEvents       uint64
	DroppedLinks        uint64
	TruncatedValues     uint64
	InvalidInput        uint64
	ExportBatches       uint64
	ExportErrors        uint64
	ExportRetries       uint64
	LastExport          time.Time // zero: none yet
	LastErrorTime       time.Time // zero: none yet
	LastError           string    // the last export error (no secrets)
	CallbackPanics      uint64    // panics recovered in Go callbacks (process-wide)
}

// Stats reads the provider's counters.
func (p *TracerProvider) Stats() Stats {
	defer runtime.KeepAlive(p)
	v, lastErr := readStats(
		func(out *C.uint64_t, n C.size_t) { C.otel_tracer_provider_get_stats(p.h, out, n) },
		func(buf *C.char, n C.size_t) C.size_t { return C.otel_tracer_provider_last_error(p.h, buf, n) })
	return Stats{
		SpansStarted:        uint64(v[C.OTEL_STAT_SPANS_STARTED]),
		SpansNotSampled:     uint64(v[C.OTEL_STAT_SPANS_NOT_SAMPLED]),
		SpansEnded:          uint64(v[C.OTEL_STAT_SPANS_ENDED]),
		SpansQueued:         uint64(v[C.OTEL_STAT_SPANS_QUEUED]),
		QueueBytes:          uint64(v[C.OTEL_STAT_QUEUE_BYTES]),
		SpansExported:       uint64(v[C.OTEL_STAT_SPANS_EXPORTED]),
		DroppedQueueFull:    uint64(v[C.OTEL_STAT_DROPPED_QUEUE_FULL]),
		DroppedExportFailed: uint64(v[C.OTEL_STAT_DROPPED_EXPORT_FAILED]),
		DroppedShutdown:     uint64(v[C.OTEL_STAT_DROPPED_SHUTDOWN]),
		DroppedTooLarge:     uint64(v[C.OTEL_STAT_DROPPED_TOO_LARGE]),
		DroppedRejected:     uint64(v[C.OTEL_STAT_DROPPED_REJECTED]),
		DroppedAttributes:   uint64(v[C.OTEL_STAT_DROPPED_ATTRIBUTES]),
		DroppedEvents:       uint64(v[C.OTEL_STAT_DROPPED_EVENTS]),
		DroppedLinks:        uint64(v[C.OTEL_STAT_DROPPED_LINKS]),
		TruncatedValues:     uint64(v[C.OTEL_STAT_TRUNCATED_VALUES]),
		InvalidInput:        uint64(v[C.OTEL_STAT_INVALID_INPUT]),
		ExportBatches:       uint64(v[C.OTEL_STAT_EXPORT_BATCHES]),
		ExportErrors:        uint64(v[C.OTEL_STAT_EXPORT_ERRORS]),
		ExportRetries:       uint64(v[C.OTEL_STAT_EXPORT_RETRIES]),
		LastExport:          goTime(v[C.OTEL_STAT_LAST_EXPORT_TIME_NS]),
		LastErrorTime:       goTime(v[C.OTEL_STAT_LAST_ERROR_TIME_NS]),
		LastError:           lastErr,
		CallbackPanics:      callbackPanics.Load(),
	}
}

type statsArray = [C.OTEL_STAT__COUNT]C.uint64_t

// readStats reads a provider's stats and last error (both C calls are
// lock-free reads of one provider).
func readStats(get func(*C.uint64_t, C.size_t), lastError func(*C.char, C.size_t) C.size_t) (statsArray, string) {
	var v statsArray
	get(&v[0], C.size_t(len(v)))
	var buf [512]byte
	n := int(lastError((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf))))
	if n >= len(buf) {
		n = len(buf) - 1
	}
	return v, string(buf[:n])
}

// Dropped is the number of spans lost for any reason.
func (s Stats) Dropped() uint64 {
	return s.DroppedQueueFull + s.DroppedExportFailed + s.DroppedShutdown + s.DroppedTooLarge + s.DroppedRejected
}
