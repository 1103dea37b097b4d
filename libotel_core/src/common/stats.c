/* Provider counters and the last export error. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/fork.h"
#include "common/forklock.h"
#include "common/redact.h"
#include "common/stats.h"

OTEL__TLS unsigned otel__stats_tls_shard;
OTEL__TLS unsigned otel__stats_tls_line;

/* Bit i set: shard i is owned by a live thread. The last shard is shared. */
#define OWNABLE (OTEL__STATS_SHARDS - 1)
static _Atomic uint32_t owned_mask;
static pthread_key_t shard_key;
static pthread_once_t shard_once = PTHREAD_ONCE_INIT;

/* A thread that exits gives its shard back; the counts stay in it (they are
 * sums), so the next owner simply goes on adding. */
static void shard_release(void *p) {
    unsigned t = (unsigned)(uintptr_t)p;
    if (t & OTEL__STATS_OWNED)
        atomic_fetch_and(&owned_mask, ~(1u << ((t & ~OTEL__STATS_OWNED) - 1)));
    otel__stats_tls_shard = 0;
    otel__stats_tls_line = 0;
}

static otel__live_list live = OTEL__LIVE_LIST_INIT;

static void zero(otel__stats *s) {
    for (int k = 0; k < OTEL__STATS_SHARDS; k++)
        for (int i = 0; i < OTEL_STAT__COUNT; i++) atomic_store_explicit(&s->shard[k].v[i], 0, memory_order_relaxed);
    s->last_error[0] = '\0';
}

/* After fork only the forking thread lives: the other shard owners are
 * gone, and every counter starts again from zero. live_lock is free here
 * (a LOCKS handler let it go); a stats lock another thread held at fork
 * time is made anew. */
static void stats_fork_child(void) {
    unsigned t = otel__stats_tls_shard;
    atomic_store(&owned_mask,
                 t & OTEL__STATS_OWNED ? 1u << ((t & ~OTEL__STATS_OWNED) - 1) : 0u);
    for (otel__live_node *n = live.head; n; n = n->next) {
        otel__stats *s = OTEL__LIVE_OF(n, otel__stats, live);
        pthread_mutex_init(&s->lock, NULL);
        zero(s);
    }
}

static void stats_register_fork(void) {
    otel__forklock_add(&live.lock);
    otel__fork_register_handlers(OTEL__FORK_STATE, NULL, NULL, stats_fork_child);
}

static void shard_init(void) { pthread_key_create(&shard_key, shard_release); }

unsigned otel__stats_assign_shard(void) {
    pthread_once(&shard_once, shard_init);
    unsigned t = OTEL__STATS_SHARDS; /* the shared shard, as index + 1 */
    uint32_t m = atomic_load(&owned_mask);
    for (;;) {
        int i = 0;
        while (i < OWNABLE && (m & (1u << i))) i++;
        if (i == OWNABLE) break;
        if (atomic_compare_exchange_weak(&owned_mask, &m, m | (1u << i))) {
            t = (unsigned)(i + 1) | OTEL__STATS_OWNED;
            break;
        }
    }
    otel__stats_tls_shard = t;
    otel__stats_tls_line = t & OTEL__STATS_OWNED ? (t & ~OTEL__STATS_OWNED) * 64 : 0;
    pthread_setspecific(shard_key, (void *)(uintptr_t)t);
    return t;
}

void otel__stats_init(otel__stats *s) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, stats_register_fork);
    for (int k = 0; k < OTEL__STATS_SHARDS; k++)
        for (int i = 0; i < OTEL_STAT__COUNT; i++) atomic_init(&s->shard[k].v[i], 0);
    pthread_mutex_init(&s->lock, NULL);
    s->last_error[0] = '\0';
    s->live.linked = 0;
    otel__live_add(&live, &s->live);
}

void otel__stats_destroy(otel__stats *s) {
    otel__live_remove(&live, &s->live);
    pthread_mutex_destroy(&s->lock);
}

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
    /* the whole message, redacted, then cut to fit (never the other way) */
    char stack[1024], *msg = stack;
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(stack, sizeof stack, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n;
    if (len >= sizeof stack) {
        msg = malloc(len + 1);
        if (msg) vsnprintf(msg, len + 1, fmt, ap2);
        else msg = stack, len = sizeof stack - 1;
    }
    va_end(ap2);
    pthread_mutex_lock(&s->lock);
    otel__redact(s->last_error, sizeof s->last_error, msg, len);
    pthread_mutex_unlock(&s->lock);
    if (msg != stack) free(msg);
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
