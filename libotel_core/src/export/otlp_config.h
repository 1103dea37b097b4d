/* OTLP exporter settings: every OTEL_EXPORTER_OTLP_* variable, generic and
 * per signal, read from an options handle over the environment, with the
 * specification's endpoint rules. Signal-agnostic: metrics and logs load the
 * same struct with their own signal. */
#ifndef OTEL_EXPORT_OTLP_CONFIG_H
#define OTEL_EXPORT_OTLP_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "otel/options.h"

typedef enum otel__otlp_signal {
    OTEL__OTLP_TRACES = 0,
    OTEL__OTLP_METRICS = 1,
    OTEL__OTLP_LOGS = 2
} otel__otlp_signal;

typedef enum otel__otlp_protocol {
    OTEL__OTLP_HTTP_PROTOBUF = 0,
    OTEL__OTLP_HTTP_JSON = 1,
    OTEL__OTLP_GRPC = 2
} otel__otlp_protocol;

/* Defaults of this SDK's own size and retry options. */
#define OTEL__OTLP_DEFAULT_MAX_REQUEST (64u << 20)
#define OTEL__OTLP_DEFAULT_MAX_RESPONSE (4u << 20)
#define OTEL__OTLP_DEFAULT_TIMEOUT_MS 10000
#define OTEL__OTLP_DEFAULT_RETRY_INITIAL_MS 1000
#define OTEL__OTLP_DEFAULT_RETRY_MAX_MS 30000

typedef struct otel__otlp_header {
    char *name;  /* a valid HTTP token */
    char *value; /* percent-decoded; no CR, LF or NUL */
} otel__otlp_header;

typedef struct otel__otlp_config {
    int signal;   /* otel__otlp_signal */
    int protocol; /* otel__otlp_protocol */
    int gzip;
    char *url;         /* the request URL (gRPC: origin + method path) */
    char *display_url; /* the URL without user info, query or fragment: safe to log */
    uint32_t timeout_ms; /* per export, 0: none */
    char *ca_file;       /* OTEL_EXPORTER_OTLP_CERTIFICATE */
    char *client_cert;   /* OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE */
    char *client_key;    /* OTEL_EXPORTER_OTLP_CLIENT_KEY */
    otel__otlp_header *headers;
    size_t n_headers;
    char **secrets; /* registered with common/redact.h while the config lives */
    size_t n_secrets;
    size_t max_request_bytes;
    size_t max_response_bytes;
    uint64_t retry_initial_ns;
    uint64_t retry_max_ns;
} otel__otlp_config;

/* Loads the configuration of `signal` from opts (NULL: environment only).
 * @return OTEL_OK, OTEL_ERR_PARSE (an endpoint that is not a usable URL; the
 *   message names the variable, never its value's secrets), OTEL_ERR_NO_MEMORY. */
otel_status otel__otlp_config_load(otel__otlp_config *c, const otel_options *opts, int signal);
void otel__otlp_config_free(otel__otlp_config *c);

/* Parses an OTEL_EXPORTER_OTLP_HEADERS value: `k1=v1,k2=v2`, W3C baggage
 * style, whitespace around keys and values trimmed, values percent-decoded.
 * A malformed entry is skipped with a warning that never shows its value.
 * `what` names the variable in warnings. Appends to *out / *n (free with
 * otel__otlp_headers_free). @return OTEL_OK or OTEL_ERR_NO_MEMORY. */
otel_status otel__otlp_parse_headers(const char *s, size_t len, const char *what,
                                     otel__otlp_header **out, size_t *n);
void otel__otlp_headers_free(otel__otlp_header *h, size_t n);

/* The HTTP path of a signal: "v1/traces", "v1/metrics", "v1/logs". */
const char *otel__otlp_signal_path(int signal);
/* The gRPC method path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export". */
const char *otel__otlp_grpc_method(int signal);

/* Resolves the endpoint (exposed for tests). `signal_endpoint` is the
 * per-signal variable's value (used as is, an empty path becomes "/"),
 * `generic` the generic one (the signal path is appended), either NULL.
 * For gRPC both are a URL or a scheme-less host:port (then `insecure`
 * chooses http). Returns a malloc'd URL, or NULL with *err set. */
char *otel__otlp_resolve_url(int signal, int protocol, const char *signal_endpoint,
                             const char *generic, int insecure, const char **err);

/* Copies `url` without user info, query and fragment into a new string. */
char *otel__otlp_display_url(const char *url);

#endif
