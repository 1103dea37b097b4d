/* OTLP retries: which answers are transient, how long to wait (exponential
 * backoff with jitter, or what the server asked for through Retry-After or
 * RetryInfo), and the loop that sends again until success, a permanent
 * failure, the export deadline or an abort. Signal-agnostic. */
#ifndef OTEL_EXPORT_OTLP_RETRY_H
#define OTEL_EXPORT_OTLP_RETRY_H

#include <stddef.h>
#include <stdint.h>

#include "common/stats.h"

struct otel__otlp_transport;
struct otel__otlp_result;

/* 1 for HTTP 429, 502, 503, 504: the only statuses OTLP/HTTP retries. */
int otel__otlp_http_retryable(long status);

/* Parses a Retry-After value: delay-seconds or an HTTP-date (relative to
 * `now_real_ns`, the realtime clock). Returns 1 and the delay (a date in the
 * past gives 0), or 0 when malformed. */
int otel__otlp_parse_retry_after(const char *v, size_t len, uint64_t now_real_ns,
                                 uint64_t *delay_ns);

typedef struct otel__otlp_backoff {
    uint64_t initial_ns;
    uint64_t max_ns;
    uint64_t cur_ns; /* the next un-jittered delay */
} otel__otlp_backoff;

void otel__otlp_backoff_init(otel__otlp_backoff *b, uint64_t initial_ns, uint64_t max_ns);

/* The wait before the next attempt. Without a server delay: "equal jitter",
 * uniform in [cur/2, cur), then cur doubles up to max. With one: the server's
 * delay plus up to 10% jitter, and the backoff continues from it, as
 * RetryInfo's documentation asks. `rnd` is a random 64-bit value. */
uint64_t otel__otlp_backoff_next(otel__otlp_backoff *b, int has_server_delay,
                                 uint64_t server_delay_ns, uint64_t rnd);

/* Waits until `until_ns` (CLOCK_MONOTONIC); 0 when interrupted (shutdown,
 * abort), which ends the retries. `until_ns` 0 only asks whether a retry is
 * allowed at all, without waiting. */
typedef int (*otel__otlp_wait_fn)(void *ctx, uint64_t until_ns);

/* Sends body[0..len) through `t`, retrying transient failures with backoff
 * until it is accepted, refused for good, `deadline_ns` would pass before
 * the next attempt, or `wait` is interrupted. Each retry adds to
 * OTEL_STAT_EXPORT_RETRIES. The last attempt's result lands in *res. */
void otel__otlp_send_with_retry(struct otel__otlp_transport *t, const uint8_t *body, size_t len,
                                uint64_t deadline_ns, uint64_t initial_backoff_ns,
                                uint64_t max_backoff_ns, otel__otlp_wait_fn wait, void *wait_ctx,
                                otel__stats *stats, struct otel__otlp_result *res);

#endif
