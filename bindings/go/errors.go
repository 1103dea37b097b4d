package otelcore

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"
)

// Status is the C core's otel_status code of a failed call.
type Status int

// The status codes (values pinned by the C ABI).
const (
	StatusOK              Status = C.OTEL_OK
	StatusInvalidArgument Status = C.OTEL_ERR_INVALID_ARGUMENT
	StatusNoMemory        Status = C.OTEL_ERR_NO_MEMORY
	StatusTimeout         Status = C.OTEL_ERR_TIMEOUT
	StatusShutdown        Status = C.OTEL_ERR_SHUTDOWN
	StatusUnsupported     Status = C.OTEL_ERR_UNSUPPORTED
	StatusParse           Status = C.OTEL_ERR_PARSE
	StatusExport          Status = C.OTEL_ERR_EXPORT
	StatusNotFound        Status = C.OTEL_ERR_NOT_FOUND
	StatusLimit           Status = C.OTEL_ERR_LIMIT
	StatusIO              Status = C.OTEL_ERR_IO
	StatusState           Status = C.OTEL_ERR_STATE
	StatusInternal        Status = C.OTEL_ERR_INTERNAL
)

// String is the C core's description of the code ("timed out", ...).
func (s Status) String() string { return C.GoString(C.otel_status_str(C.otel_status(s))) }

// Error is a failed call of the C core: the operation, its status and the
// core's message (otel_last_error(), which never holds a secret).
// errors.Is(err, otelcore.StatusTimeout) matches on the status, and a
// timeout also matches context.DeadlineExceeded.
type Error struct {
	Op      string
	Status  Status
	Message string
}

func newError(op string, st Status, msg string) *Error {
	return &Error{Op: op, Status: st, Message: msg}
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("otelcore: %s: %s", e.Op, e.Status)
	}
	return fmt.Sprintf("otelcore: %s: %s: %s", e.Op, e.Status, e.Message)
}

// Is matches a Status target with the same code.
func (e *Error) Is(target error) bool {
	if s, ok := target.(Status); ok {
		return s == e.Status
	}
	return target == context.DeadlineExceeded && e.Status == StatusTimeout
}

// Error makes a Status usable as an errors.Is target.
func (s Status) Error() string { return s.String() }

// handleErr reports an error no caller can receive to otel.Handle.
func handleErr(err error) { otel.Handle(err) }
