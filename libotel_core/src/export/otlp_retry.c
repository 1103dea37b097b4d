/* Retry classification, Retry-After, backoff with jitter, the retry loop. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "common/ids.h"
#include "common/log.h"
#include "export/otlp_retry.h"
#include "export/otlp_transport_http.h"

int otel__otlp_http_retryable(long s) { return s == 429 || s == 502 || s == 503 || s == 504; }

#define MAX_SERVER_DELAY_NS (86400ull * 1000000000ull)

int otel__otlp_parse_retry_after(const char *v, size_t len, uint64_t now_real_ns,
                                 uint64_t *delay_ns) {
    while (len && (*v == ' ' || *v == '\t')) v++, len--;
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\t')) len--;
    if (!len || len > 64) return 0;
    int digits = 1;
    for (size_t i = 0; i < len; i++) digits &= v[i] >= '0' && v[i] <= '9';
    if (digits) {
        uint64_t s = 0;
        for (size_t i = 0; i < len && s < 86400; i++) s = s * 10 + (uint64_t)(v[i] - '0');
        if (s > 86400) s = 86400;
        *delay_ns = s * 1000000000ull;
        return 1;
    }
    char tmp[65];
    memcpy(tmp, v, len);
    tmp[len] = '\0';
    time_t t = curl_getdate(tmp, NULL); /* RFC 9110 HTTP-date, and the obsolete forms */
    if (t == (time_t)-1 || t < 0) return 0;
    uint64_t at = (uint64_t)t * 1000000000ull;
    *delay_ns = at > now_real_ns ? at - now_real_ns : 0;
    if (*delay_ns > MAX_SERVER_DELAY_NS) *delay_ns = MAX_SERVER_DELAY_NS;
    return 1;
}

void otel__otlp_backoff_init(otel__otlp_backoff *b, uint64_t initial_ns, uint64_t max_ns) {
    b->initial_ns = initial_ns ? initial_ns : 1;
    b->max_ns = max_ns < b->initial_ns ? b->initial_ns : max_ns;
    b->cur_ns = b->initial_ns;
}

uint64_t otel__otlp_backoff_next(otel__otlp_backoff *b, int has_server_delay,
                                 uint64_t server_delay_ns, uint64_t rnd) {
    uint64_t d;
    if (has_server_delay) {
        if (server_delay_ns > MAX_SERVER_DELAY_NS) server_delay_ns = MAX_SERVER_DELAY_NS;
        d = server_delay_ns + (server_delay_ns / 10 ? rnd % (server_delay_ns / 10) : 0);
        /* continue exponentially from the server's delay */
        b->cur_ns = server_delay_ns * 2;
        if (b->cur_ns > b->max_ns) b->cur_ns = server_delay_ns > b->max_ns ? server_delay_ns : b->max_ns;
        if (b->cur_ns < b->initial_ns) b->cur_ns = b->initial_ns;
        return d;
    }
    uint64_t cur = b->cur_ns;
    uint64_t half = cur / 2;
    d = half + (cur - half ? rnd % (cur - half) : 0);
    b->cur_ns = cur > b->max_ns / 2 ? b->max_ns : cur * 2;
    return d;
}

void otel__otlp_send_with_retry(struct otel__otlp_transport *t, const uint8_t *body, size_t len,
                                uint64_t deadline_ns, uint64_t initial_backoff_ns,
                                uint64_t max_backoff_ns, otel__otlp_wait_fn wait, void *wait_ctx,
                                otel__stats *stats, struct otel__otlp_result *res) {
    otel__otlp_backoff b;
    otel__otlp_backoff_init(&b, initial_backoff_ns, max_backoff_ns);
    for (unsigned attempt = 1;; attempt++) {
        otel__otlp_transport_send(t, body, len, deadline_ns, res);
        if (res->outcome != OTEL__OTLP_RETRYABLE) return;
        uint64_t delay = otel__otlp_backoff_next(&b, res->has_server_delay, res->server_delay_ns,
                                                 otel__rand64());
        uint64_t now = otel__clock_mono_ns();
        if (deadline_ns != UINT64_MAX && (deadline_ns <= now || delay >= deadline_ns - now)) {
            size_t l = strlen(res->error);
            snprintf(res->error + l, sizeof res->error - l, "; gave up after %u attempt%s", attempt,
                     attempt == 1 ? "" : "s");
            return;
        }
        if (!wait(wait_ctx, 0)) { /* shutting down: no retry, and none announced */
            size_t l = strlen(res->error);
            snprintf(res->error + l, sizeof res->error - l, "; not retried (shutting down)");
            return;
        }
        /* the latest failure is visible while the retries go on */
        char next[32];
        if (delay < 1000000000ull) snprintf(next, sizeof next, "%llu ms", (unsigned long long)(delay / 1000000));
        else snprintf(next, sizeof next, "%.1f s", (double)delay / 1e9);
        otel__stats_set_error(stats, "otlp: %s; retrying (attempt %u, next in %s)", res->error,
                              attempt + 1, next);
        OTEL_LOG_I("otlp: %s; retrying (attempt %u, next in %s)", res->error, attempt + 1, next);
        if (!wait(wait_ctx, now + delay)) {
            res->outcome = OTEL__OTLP_ABORTED;
            return;
        }
        otel__stats_add(stats, OTEL_STAT_EXPORT_RETRIES, 1);
    }
}
