/* The SDK's own diagnostics: one settable sink, a level, and a rate limit per
 * call site so a dead collector cannot flood the host's logs. A message is
 * formatted and redacted on the caller's thread and queued; a diagnostics
 * thread writes it (stderr or the user's handler), so logging never blocks
 * the caller on I/O. */
#ifndef OTEL_COMMON_LOG_H
#define OTEL_COMMON_LOG_H

#include <stdatomic.h>
#include <stdint.h>

#include "common/error.h"

/* Per call site: at most `OTEL__LOG_BURST` messages, then one per
 * `OTEL__LOG_INTERVAL_NS`, with a count of those suppressed. */
typedef struct otel__log_site {
    _Atomic uint64_t window_start_ns;
    _Atomic uint32_t in_window;
    _Atomic uint32_t suppressed;
} otel__log_site;

void otel__log_at(otel__log_site *site, int level, const char *fmt, ...) OTEL__PRINTF(3, 4);
int otel__log_enabled(int level);
/* The OTEL_LOG_LEVEL value `v` as an otel_log_level; NULL or unknown: `def`.
 * (The environment's value is read on first use; sdk/pipeline.c applies a
 * value set in code.) */
int otel__log_parse_level(const char *v, int def);
/* Messages dropped because the queue was full, since the process (or the
 * forked child) started. */
uint64_t otel__log_dropped(void);

#define OTEL__LOG(level, ...)                          \
    do {                                               \
        static otel__log_site otel__site_;             \
        if (otel__log_enabled(level))                  \
            otel__log_at(&otel__site_, level, __VA_ARGS__); \
    } while (0)
#define OTEL_LOG_D(...) OTEL__LOG(OTEL_LOG_DEBUG, __VA_ARGS__)
#define OTEL_LOG_I(...) OTEL__LOG(OTEL_LOG_INFO, __VA_ARGS__)
#define OTEL_LOG_W(...) OTEL__LOG(OTEL_LOG_WARN, __VA_ARGS__)
#define OTEL_LOG_E(...) OTEL__LOG(OTEL_LOG_ERROR, __VA_ARGS__)

#endif
