/* Decoding what an OTLP server answers: Export*ServiceResponse (protobuf or
 * JSON) for partial success, google.rpc.Status for errors, RetryInfo for
 * throttling. Signal-agnostic: the partial success message has the same
 * wire layout for traces, metrics and logs (a count in field 1, a message in
 * field 2); only its JSON key differs. Every reader is bounds-checked and
 * never reads past `len` (the fuzz targets feed them garbage). */
#ifndef OTEL_EXPORT_OTLP_DECODE_H
#define OTEL_EXPORT_OTLP_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* A server's message is read up to this many bytes, redacted, then cut to
 * the 256 bytes kept below. */
#define OTEL__OTLP_MAX_SERVER_TEXT 65536

typedef struct otel__otlp_partial {
    int present;        /* partial_success was set */
    int64_t rejected;   /* rejected_spans / _data_points / _log_records */
    char message[256];  /* error_message, truncated, NUL-terminated */
} otel__otlp_partial;

typedef struct otel__otlp_rpc_status {
    int32_t code;
    char message[256];
    int has_retry_info;
    uint64_t retry_delay_ns;
} otel__otlp_rpc_status;

/* Export*ServiceResponse in protobuf. Returns 0 when malformed. */
int otel__otlp_decode_partial_proto(const uint8_t *p, size_t len, otel__otlp_partial *out);

/* Export*ServiceResponse in JSON; `count_key` is "rejectedSpans",
 * "rejectedDataPoints" or "rejectedLogRecords". Returns 0 when malformed. */
int otel__otlp_decode_partial_json(const char *p, size_t len, const char *count_key,
                                   otel__otlp_partial *out);

/* google.rpc.Status in protobuf, including a google.rpc.RetryInfo detail.
 * Returns 0 when malformed. */
int otel__otlp_decode_status_proto(const uint8_t *p, size_t len, otel__otlp_rpc_status *out);

/* google.rpc.Status in JSON ({"code":..,"message":..}). Returns 0 when
 * malformed. RetryInfo is not read from JSON. */
int otel__otlp_decode_status_json(const char *p, size_t len, otel__otlp_rpc_status *out);

/* Decodes standard or URL-safe base64, padded or not (gRPC's -bin
 * metadata), into out (capacity >= len*3/4+3). Returns the length or
 * (size_t)-1. */
size_t otel__base64_decode(const char *in, size_t len, uint8_t *out);

#endif
