/* gRPC over plain HTTP/2: the 5-byte length-prefixed message framing, the
 * grpc-timeout header, status codes and which of them OTLP retries. No gRPC
 * library: libcurl carries the HTTP/2 stream (otlp_transport_http.c). */
#ifndef OTEL_EXPORT_OTLP_GRPC_FRAMING_H
#define OTEL_EXPORT_OTLP_GRPC_FRAMING_H

#include <stddef.h>
#include <stdint.h>

#define OTEL__GRPC_FRAME_HEADER 5

/* gRPC status codes (google.rpc.Code). */
enum {
    OTEL__GRPC_OK = 0,
    OTEL__GRPC_CANCELLED = 1,
    OTEL__GRPC_UNKNOWN = 2,
    OTEL__GRPC_INVALID_ARGUMENT = 3,
    OTEL__GRPC_DEADLINE_EXCEEDED = 4,
    OTEL__GRPC_NOT_FOUND = 5,
    OTEL__GRPC_ALREADY_EXISTS = 6,
    OTEL__GRPC_PERMISSION_DENIED = 7,
    OTEL__GRPC_RESOURCE_EXHAUSTED = 8,
    OTEL__GRPC_FAILED_PRECONDITION = 9,
    OTEL__GRPC_ABORTED = 10,
    OTEL__GRPC_OUT_OF_RANGE = 11,
    OTEL__GRPC_UNIMPLEMENTED = 12,
    OTEL__GRPC_INTERNAL = 13,
    OTEL__GRPC_UNAVAILABLE = 14,
    OTEL__GRPC_DATA_LOSS = 15,
    OTEL__GRPC_UNAUTHENTICATED = 16
};

/* Writes the frame header: compressed flag, then the big-endian length. */
void otel__grpc_frame_header(uint8_t out[OTEL__GRPC_FRAME_HEADER], int compressed, uint32_t len);

/* Reads the first message of a response body.
 * @return 1 and the message, 0 for an empty body (trailers only), -1 when
 *   the framing is broken (truncated, or bytes after the message). */
int otel__grpc_frame_parse(const uint8_t *p, size_t len, int *compressed, const uint8_t **msg,
                           size_t *msg_len);

/* The grpc-timeout value for `ns` ("250m", "30S"...; at most 8 digits). */
void otel__grpc_timeout_value(char out[16], uint64_t ns);

/* OTLP's table: CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE,
 * UNAVAILABLE, DATA_LOSS are retryable; RESOURCE_EXHAUSTED only with
 * RetryInfo; everything else is not. */
int otel__grpc_code_retryable(int code, int has_retry_info);

/* "UNAVAILABLE", ... ("CODE_<n>" is never returned: unknown codes give "UNKNOWN"). */
const char *otel__grpc_code_name(int code);

/* The gRPC status for an HTTP status that came without grpc-status (the
 * gRPC HTTP/2 mapping: 400 INTERNAL, 401 UNAUTHENTICATED, 403
 * PERMISSION_DENIED, 404 UNIMPLEMENTED, 429/502/503/504 UNAVAILABLE, else
 * UNKNOWN). */
int otel__grpc_status_from_http(long http_status);

/* Percent-decodes a grpc-message value into out (truncated, NUL-terminated,
 * control characters replaced by spaces). */
void otel__grpc_message_decode(const char *in, size_t len, char *out, size_t cap);

#endif
