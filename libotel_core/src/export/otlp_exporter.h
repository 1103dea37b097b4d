/* The OTLP trace exporter behind otel_exporter_otlp_new(), and how a
 * provider builds one from the environment. */
#ifndef OTEL_EXPORT_OTLP_EXPORTER_H
#define OTEL_EXPORT_OTLP_EXPORTER_H

#include "otel/export.h"
#include "otel/options.h"

/* The exporter a provider uses when OTEL_TRACES_EXPORTER is `otlp` (the
 * default) and no processor was added in code: the OTLP exporter configured
 * by OTEL_EXPORTER_OTLP_* from `opts` over the environment, or, when
 * OTEL_CORE_EXPORTER_FILE_PATH is set, the OTLP/JSON file exporter writing
 * to that path instead of the network.
 * @return as otel_exporter_otlp_new() / otel_exporter_file_new(). */
otel_status otel__otlp_exporter_from_env(otel_exporter **out, const otel_options *opts);

/* The OTLP transport (config, gzip, gRPC framing, retries) for signals
 * other than traces: the metrics reader sends its encoded requests here. */
typedef struct otel__otlp_sender otel__otlp_sender;
/* NULL when the configuration or transport cannot be made (logged). */
otel__otlp_sender *otel__otlp_sender_new(const otel_options *opts, int signal);
/* The protocol (OTEL__OTLP_HTTP_PROTOBUF, _HTTP_JSON, _GRPC). */
int otel__otlp_sender_protocol(const otel__otlp_sender *s);
/* Sends one encoded request; 1 when the receiver took it, else 0 with the
 * reason (no secrets) in error. Retries and errors are counted in `st`
 * (may be NULL). */
struct otel__stats;
int otel__otlp_sender_send(otel__otlp_sender *s, const uint8_t *body, size_t len,
                           uint32_t timeout_ms, struct otel__stats *st, char *error, size_t cap);
/* Cuts a send or backoff short for good (shutdown). */
void otel__otlp_sender_stop(otel__otlp_sender *s);
/* Shutdown has begun: each send from now on is one attempt, no retry waits. */
void otel__otlp_sender_last_attempts(otel__otlp_sender *s);
void otel__otlp_sender_free(otel__otlp_sender *s);

#endif
