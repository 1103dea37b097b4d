/* Diagnostics sink, level and per-site rate limiting. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "common/strutil.h"

#define OTEL__LOG_BURST 5
#define OTEL__LOG_INTERVAL_NS (10ull * 1000000000ull)

static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static otel_log_fn sink_fn;
static void *sink_data;
/* -1: not read from OTEL_LOG_LEVEL yet. */
static _Atomic int min_level = -1;

static int level_from_env(void) {
    static const char *const names[] = {"debug", "info", "warn", "error", "none", NULL};
    const char *v = otel__opt_str(NULL, "OTEL_LOG_LEVEL");
    if (!v) return OTEL_LOG_INFO;
    for (int i = 0; names[i]; i++)
        if (otel__ascii_ieq(v, strlen(v), names[i], strlen(names[i]))) return i;
    if (otel__ascii_ieq(v, strlen(v), "warning", 7)) return OTEL_LOG_WARN;
    return OTEL_LOG_INFO;
}

int otel__log_enabled(int level) {
    int m = atomic_load_explicit(&min_level, memory_order_relaxed);
    if (m < 0) {
        m = level_from_env();
        atomic_store(&min_level, m);
    }
    return level >= m && level < OTEL_LOG_NONE;
}

OTEL_API void otel_set_log_level(int level) {
    if (level < OTEL_LOG_DEBUG) level = OTEL_LOG_DEBUG;
    if (level > OTEL_LOG_NONE) level = OTEL_LOG_NONE;
    atomic_store(&min_level, level);
}

OTEL_API void otel_set_log_handler(otel_log_fn fn, void *user_data) {
    pthread_mutex_lock(&sink_lock);
    sink_fn = fn;
    sink_data = user_data;
    pthread_mutex_unlock(&sink_lock);
}

static void emit(int level, const char *msg, size_t len) {
    static const char *const tags[] = {"debug", "info", "warn", "error"};
    pthread_mutex_lock(&sink_lock);
    if (sink_fn) {
        sink_fn(level, msg, len, sink_data);
    } else {
        char line[1200];
        int n = snprintf(line, sizeof line, "otel[%s]: %.*s\n", tags[level & 3], (int)len, msg);
        if (n > 0) {
            ssize_t w = write(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
            (void)w;
        }
    }
    pthread_mutex_unlock(&sink_lock);
}

void otel__log_at(otel__log_site *site, int level, const char *fmt, ...) {
    uint64_t now = otel__clock_mono_ns();
    uint64_t start = atomic_load_explicit(&site->window_start_ns, memory_order_relaxed);
    uint32_t suppressed = 0;
    if (start == 0 || now - start >= OTEL__LOG_INTERVAL_NS) {
        /* a new window: whoever wins the swap reports what was suppressed */
        if (atomic_compare_exchange_strong(&site->window_start_ns, &start, now)) {
            atomic_store(&site->in_window, 0);
            suppressed = atomic_exchange(&site->suppressed, 0);
        }
    }
    if (atomic_fetch_add(&site->in_window, 1) >= OTEL__LOG_BURST) {
        atomic_fetch_add(&site->suppressed, 1);
        return;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t len = (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
    if (suppressed && len + 48 < sizeof msg)
        len += (size_t)snprintf(msg + len, sizeof msg - len, " (%u similar messages suppressed)",
                                suppressed);
    emit(level, msg, len);
}
