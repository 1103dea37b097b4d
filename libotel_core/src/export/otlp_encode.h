/* OTLP trace encoders: a batch of ended spans becomes one
 * ExportTraceServiceRequest, grouped by resource and scope, as protobuf
 * (otlp_encode_proto.c, a single backward pass, see docs/adr/0002) or as
 * OTLP/JSON (otlp_encode_json.c). Strings are read through the public
 * span_data accessors and written straight into the output: nothing is
 * copied into intermediate structs. One encoder belongs to one export
 * worker and keeps its buffers between batches. */
#ifndef OTEL_EXPORT_OTLP_ENCODE_H
#define OTEL_EXPORT_OTLP_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "export/otlp_buf.h"
#include "export/otlp_group.h"
#include "otel/span_data.h"

typedef struct otel__otlp_encoder {
    otel__rbuf pb;
    otel__buf json;
    otel__otlp_groups groups;
    size_t max_bytes; /* the request size cap (uncompressed) */
} otel__otlp_encoder;

/* `max_bytes` 0: no cap. */
void otel__otlp_encoder_init(otel__otlp_encoder *e, size_t max_bytes);
void otel__otlp_encoder_free(otel__otlp_encoder *e);

/* Encodes spans[0..n) as a protobuf ExportTraceServiceRequest.
 * On OTEL_OK, *out / *out_len borrow the encoder's buffer until its next
 * call. Returns OTEL_ERR_LIMIT when the request would exceed max_bytes
 * (nothing usable is produced), OTEL_ERR_NO_MEMORY. */
otel_status otel__otlp_encode_traces_proto(otel__otlp_encoder *e,
                                           const otel_span_data *const *spans, size_t n,
                                           const uint8_t **out, size_t *out_len);

/* The same request as OTLP/JSON (hex ids, integer enums, lowerCamelCase
 * keys, 64-bit integers as strings), one line without a newline. */
otel_status otel__otlp_encode_traces_json(otel__otlp_encoder *e,
                                          const otel_span_data *const *spans, size_t n,
                                          const uint8_t **out, size_t *out_len);

/* Appends one attribute value as an OTLP/JSON AnyValue object. Shared with
 * the metrics and logs encoders. */
void otel__otlp_json_any_value(otel__buf *b, const otel_attr *a);
/* Appends a JSON string literal (quoted, escaped; invalid UTF-8 becomes
 * U+FFFD). */
void otel__otlp_json_string(otel__buf *b, const char *s, size_t len);

#endif
