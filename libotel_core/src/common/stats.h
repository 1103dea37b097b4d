/* Per-provider counters behind otel_tracer_provider_get_stats(). Counters
 * are sharded by thread so that spans started on different cores never
 * contend on one cache line; a read sums the shards. The last error sits
 * under a mutex. */
#ifndef OTEL_COMMON_STATS_H
#define OTEL_COMMON_STATS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "common/clock.h"
#include "common/live_list.h"
#include "otel/trace.h"

#define OTEL__STATS_SHARDS 8

typedef struct otel__stats_shard {
    _Alignas(64) _Atomic uint64_t v[OTEL_STAT__COUNT];
} otel__stats_shard;

typedef struct otel__stats {
    otel__stats_shard shard[OTEL__STATS_SHARDS];
    pthread_mutex_t lock; /* guards last_error */
    char last_error[256];
    otel__live_node live; /* every live stats object, for fork */
} otel__stats;

/* A forked child starts every stats object at zero: what the parent counted
 * (and still has queued) is the parent's, so the child's own counts balance. */
void otel__stats_init(otel__stats *s);
void otel__stats_destroy(otel__stats *s);
/* Sums the shards (timestamps: the latest). */
uint64_t otel__stats_get(const otel__stats *s, otel_stat which);
/* Records an export error message (no secrets) and its time. NULL s is fine. */
void otel__stats_set_error(otel__stats *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Copies the last error; returns its full length. */
size_t otel__stats_last_error(const otel__stats *s, char *buf, size_t cap);

/* This thread's shard as index + 1 (0: not assigned yet). The first threads
 * each own a shard alone (OTEL__STATS_OWNED set): only they write it, so an
 * increment is a plain load and store, no locked instruction. Later threads
 * share the last shard with atomic adds. */
#define OTEL__STATS_OWNED 0x80000000u
extern OTEL__TLS unsigned otel__stats_tls_shard;
/* The same for owners, as (index + 1) * 64, the byte offset of the shard's
 * cache line past one; 0 for a thread that owns none (or not yet). */
extern OTEL__TLS unsigned otel__stats_tls_line;
unsigned otel__stats_assign_shard(void);

static inline void otel__stats_bump(otel__stats *s, otel_stat which, uint64_t n) {
    unsigned t = otel__stats_tls_shard;
    if (__builtin_expect(!t, 0)) t = otel__stats_assign_shard();
    _Atomic uint64_t *c = &s->shard[(t & ~OTEL__STATS_OWNED) - 1].v[which];
    if (t & OTEL__STATS_OWNED)
        atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                              memory_order_relaxed);
    else
        atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* Two counters of this thread's shard, for paths that bump a pair. */
static inline void otel__stats_bump2(otel__stats *s, otel_stat a, otel_stat b) {
    unsigned t = otel__stats_tls_shard;
    if (__builtin_expect(!t, 0)) t = otel__stats_assign_shard();
    otel__stats_shard *sh = &s->shard[(t & ~OTEL__STATS_OWNED) - 1];
    if (t & OTEL__STATS_OWNED) {
        atomic_store_explicit(&sh->v[a], atomic_load_explicit(&sh->v[a], memory_order_relaxed) + 1,
                              memory_order_relaxed);
        atomic_store_explicit(&sh->v[b], atomic_load_explicit(&sh->v[b], memory_order_relaxed) + 1,
                              memory_order_relaxed);
    } else {
        atomic_fetch_add_explicit(&sh->v[a], 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&sh->v[b], 1, memory_order_relaxed);
    }
}

static inline void otel__stats_add(otel__stats *s, otel_stat which, uint64_t n) {
    if (s) otel__stats_bump(s, which, n);
}
/* Gauges go up and down on any shard (unsigned wrap-around); the sum is the
 * value. */
static inline void otel__stats_sub(otel__stats *s, otel_stat which, uint64_t n) {
    if (s) otel__stats_bump(s, which, (uint64_t)0 - n);
}
/* Timestamps live in shard 0. */
static inline void otel__stats_set(otel__stats *s, otel_stat which, uint64_t n) {
    if (s) atomic_store_explicit(&s->shard[0].v[which], n, memory_order_relaxed);
}

#endif
