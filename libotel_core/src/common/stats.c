/* Provider counters and the last export error. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "common/stats.h"

OTEL__TLS unsigned otel__stats_tls_shard;
static _Atomic unsigned next_shard;

unsigned otel__stats_assign_shard(void) {
    unsigned i = atomic_fetch_add(&next_shard, 1) % OTEL__STATS_SHARDS;
    otel__stats_tls_shard = i + 1;
    return i;
}

void otel__stats_init(otel__stats *s) {
    for (int k = 0; k < OTEL__STATS_SHARDS; k++)
        for (int i = 0; i < OTEL_STAT__COUNT; i++) atomic_init(&s->shard[k].v[i], 0);
    pthread_mutex_init(&s->lock, NULL);
    s->last_error[0] = '\0';
}

void otel__stats_destroy(otel__stats *s) { pthread_mutex_destroy(&s->lock); }

uint64_t otel__stats_get(const otel__stats *s, otel_stat which) {
    if (which == OTEL_STAT_LAST_EXPORT_TIME_NS || which == OTEL_STAT_LAST_ERROR_TIME_NS)
        return atomic_load_explicit(&((otel__stats *)s)->shard[0].v[which], memory_order_relaxed);
    uint64_t sum = 0;
    for (int k = 0; k < OTEL__STATS_SHARDS; k++)
        sum += atomic_load_explicit(&((otel__stats *)s)->shard[k].v[which], memory_order_relaxed);
    return sum;
}

void otel__stats_set_error(otel__stats *s, const char *fmt, ...) {
    if (!s) return;
    pthread_mutex_lock(&s->lock);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->last_error, sizeof s->last_error, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&s->lock);
    otel__stats_set(s, OTEL_STAT_LAST_ERROR_TIME_NS, otel__clock_real_ns());
}

size_t otel__stats_last_error(const otel__stats *s, char *buf, size_t cap) {
    otel__stats *m = (otel__stats *)s;
    pthread_mutex_lock(&m->lock);
    size_t len = strlen(m->last_error);
    if (buf && cap) {
        size_t n = len < cap - 1 ? len : cap - 1;
        memcpy(buf, m->last_error, n);
        buf[n] = '\0';
    }
    pthread_mutex_unlock(&m->lock);
    return len;
}
