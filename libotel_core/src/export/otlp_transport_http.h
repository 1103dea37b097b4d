/* The OTLP transports over libcurl: http/protobuf and http/json (POST over
 * HTTP/1.1, or HTTP/2 by ALPN on https) and gRPC (one unary call per
 * request over HTTP/2: h2c with prior knowledge on http://, ALPN h2 on
 * https://). One transport belongs to one export worker: it keeps one easy
 * handle and one multi handle, so the connection is reused from batch to
 * batch. Signal-agnostic: the URL (or gRPC method) comes from the config.
 * A send is one attempt; retries are otlp_retry.c's business. */
#ifndef OTEL_EXPORT_OTLP_TRANSPORT_HTTP_H
#define OTEL_EXPORT_OTLP_TRANSPORT_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "export/otlp_config.h"
#include "export/otlp_decode.h"

/* What one attempt came to. */
enum {
    OTEL__OTLP_SENT = 0,      /* accepted (maybe partially: see partial) */
    OTEL__OTLP_RETRYABLE = 1, /* may be sent again */
    OTEL__OTLP_FAILED = 2,    /* must not be sent again */
    OTEL__OTLP_ABORTED = 3    /* shutdown or abort cut it short */
};

typedef struct otel__otlp_result {
    int outcome;
    long http_status;         /* 0: no response */
    int grpc_status;          /* -1: not gRPC, or no status */
    int has_server_delay;     /* Retry-After or RetryInfo was given */
    uint64_t server_delay_ns;
    int has_retry_info;
    otel__otlp_partial partial;
    char error[320];          /* no secrets */
} otel__otlp_result;

typedef struct otel__otlp_transport otel__otlp_transport;

/* Response headers past this many bytes (all lines of one response) fail
 * the request for good: a server that sends them would send them again.
 * Below libcurl's own limit (300 KiB), so the reason is ours to give. */
#define OTEL__OTLP_MAX_RESPONSE_HEADER_BYTES (256u * 1024u)

/* curl_global_init, once per process (thread-safe). 0 on failure. */
int otel__otlp_curl_global_init(void);

/* A transport for `cfg`, which must outlive it.
 * @return OTEL_OK, OTEL_ERR_NO_MEMORY, OTEL_ERR_INTERNAL (libcurl failed). */
otel_status otel__otlp_transport_new(otel__otlp_transport **out, const otel__otlp_config *cfg);
void otel__otlp_transport_free(otel__otlp_transport *t);

/* One attempt: POSTs body[0..len) (for gRPC, already framed) and classifies
 * the answer into *res. Returns by `deadline_ns` (CLOCK_MONOTONIC;
 * UINT64_MAX: none) or soon after otel__otlp_transport_abort(). */
void otel__otlp_transport_send(otel__otlp_transport *t, const uint8_t *body, size_t len,
                               uint64_t deadline_ns, otel__otlp_result *res);

/* Makes a send in flight on another thread return promptly with
 * OTEL__OTLP_ABORTED, and every later send too until cleared.
 * Thread-safe, async-safe with respect to the sending thread. */
void otel__otlp_transport_abort(otel__otlp_transport *t);
void otel__otlp_transport_clear_abort(otel__otlp_transport *t);
int otel__otlp_transport_aborted(const otel__otlp_transport *t);

#endif
