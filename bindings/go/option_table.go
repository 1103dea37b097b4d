package otelcore

/*
#include "shim.h"
*/
import "C"

import "strings"

// OptionInfo describes one OTEL_* option the C core honours: an entry of
// its option table (otel_option_next).
type OptionInfo struct {
	Name string
	// Type is how the value is written: "string", "bool", "int", "double",
	// "enum", "list", "duration" (milliseconds) or "key_values"
	// (k1=v1,k2=v2, values percent-encoded).
	Type string
	// Default is the value used when the option is unset, as it would be
	// written; "" when there is no fixed default (computed, or a per-signal
	// name that falls back to the generic one).
	Default string
	// Choices are the accepted values of an "enum" or "list" option; nil
	// for the other types.
	Choices     []string
	Description string
}

var optionTypes = [...]string{"string", "bool", "int", "double", "enum", "list", "duration", "key_values"}

// Options returns every option the core honours, in the table's order:
// the names WithSetting accepts (any other name makes the provider's
// constructor fail with StatusNotFound).
func Options() []OptionInfo {
	var out []OptionInfo
	for i := C.otel_option_next(nil); i != nil; i = C.otel_option_next(i) {
		info := OptionInfo{Name: C.GoString(C.otel_option_info_name(i)), Type: "string",
			Description: C.GoString(C.otel_option_info_description(i))}
		if t := int(C.otel_option_info_type(i)); t >= 0 && t < len(optionTypes) {
			info.Type = optionTypes[t]
		}
		if d := C.otel_option_info_default(i); d != nil {
			info.Default = C.GoString(d)
		}
		if c := C.otel_option_info_choices(i); c != nil {
			info.Choices = strings.Split(C.GoString(c), ",")
		}
		out = append(out, info)
	}
	return out
}
