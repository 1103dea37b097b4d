/* The one OTLP sender every signal's exporter sends through: configuration
 * for its signal (OTEL_EXPORTER_OTLP_* and the per-signal variables), gzip,
 * gRPC framing, retries with backoff and Retry-After, and the libcurl
 * transport. A signal's exporter is an encoder plus a sender; the sender
 * says what became of a request (otel__otlp_result) and counts only its
 * retries, so each exporter's outcome is counted once, by its processor or
 * reader. Sends are never concurrent; last_attempts, abort and stop may come
 * from other threads and cut a send or a backoff wait short. */
#ifndef OTEL_EXPORT_OTLP_SENDER_H
#define OTEL_EXPORT_OTLP_SENDER_H

#include <stddef.h>
#include <stdint.h>

#include "export/otlp_buf.h"
#include "export/otlp_config.h"
#include "export/otlp_transport_http.h"
#include "otel/options.h"

struct otel__stats;
typedef struct otel__otlp_sender otel__otlp_sender;

/* The sender for `signal` (OTEL__OTLP_TRACES, _METRICS). Fails (with
 * otel_last_error() set) when the configuration or transport cannot be made. */
otel_status otel__otlp_sender_new(otel__otlp_sender **out, const otel_options *opts, int signal);
const otel__otlp_config *otel__otlp_sender_config(const otel__otlp_sender *s);

/* Sends one encoded request. `backward`: the body is that buffer's content
 * (the protobuf encoder writes backward), so a gRPC frame header goes in
 * front without a copy; else NULL. `timeout_ms` caps the configured
 * timeout (0: the configured one). Retries are counted in `st` (may be
 * NULL). Fills `res` (its error has no secrets); 0 when out of memory. */
int otel__otlp_sender_send(otel__otlp_sender *s, const uint8_t *body, size_t len,
                           otel__rbuf *backward, uint32_t timeout_ms, struct otel__stats *st,
                           otel__otlp_result *res);

/* Shutdown has begun: each send from now on is one attempt, no retry waits. */
void otel__otlp_sender_last_attempts(otel__otlp_sender *s);
/* A shutdown deadline passed: the send in flight returns at once, and every
 * later one fails without a request. */
void otel__otlp_sender_abort(otel__otlp_sender *s);
/* Shut down: the same, for good. */
void otel__otlp_sender_stop(otel__otlp_sender *s);
/* 1 once stopped or aborted. */
int otel__otlp_sender_given_up(const otel__otlp_sender *s);
void otel__otlp_sender_free(otel__otlp_sender *s);

#endif
