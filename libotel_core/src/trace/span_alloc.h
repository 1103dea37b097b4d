/* Span allocation (span_alloc.c): per-thread caches of span objects and the
 * process-wide depot that carries them back between threads. Freeing is
 * inline here: otel_span_release runs it on every span's end. */
#ifndef OTEL_TRACE_SPAN_ALLOC_H
#define OTEL_TRACE_SPAN_ALLOC_H

#include <stdint.h>
#include <stdlib.h>

#include "common/arena.h"
#include "common/clock.h"
#include "trace/internal.h"

/* Inline arena of a recording span: room for the name, ~8 attributes with
 * short values and their records, so a typical span makes one allocation
 * (and none once the per-thread cache is warm). */
#define OTEL__SPAN_INLINE 1024
/* Sanitizer builds skip the cache so a use after end is reported, not hidden. */
#if defined(__SANITIZE_ADDRESS__)
#define OTEL__CACHE_MAX 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OTEL__CACHE_MAX 0
#endif
#endif
#ifndef OTEL__CACHE_MAX
#define OTEL__CACHE_MAX 64
#endif

/* Per-thread caches of span objects: recording (big) and non-recording. */
typedef struct otel__span_cache {
    otel_span *free[2];
    uint32_t count[2];
    int registered; /* thread-exit destructor installed */
} otel__span_cache;
extern OTEL__TLS otel__span_cache otel__span_tls_cache;

/* A span object from this thread's cache, the depot or malloc, its header
 * reset (recording fields too when `big`); NULL out of memory. */
otel_span *otel__span_alloc(int big);
/* Installs the thread-exit handler that hands the cache back (once a thread). */
void otel__span_cache_register(otel__span_cache *c);
/* Hands half of a full thread cache to the depot (or frees it). */
void otel__span_depot_give(otel__span_cache *c, int big);

/* Frees a span's contents and returns the object to this thread's cache. */
static inline void otel__span_free(otel_span *s) {
    if (s->recording) {
        otel__arena_free(&s->arena);
        otel__provider_unref(s->provider);
    } else if (s->trace_state_len) {
        free((char *)s->trace_state);
    }
#if OTEL__CACHE_MAX > 0
    otel__span_cache *c = &otel__span_tls_cache;
    int big = s->big;
    if (__builtin_expect(!c->registered, 0)) otel__span_cache_register(c);
    s->cache_next = c->free[big];
    c->free[big] = s;
    if (++c->count[big] >= OTEL__CACHE_MAX) otel__span_depot_give(c, big);
    return;
#else
    free(s);
#endif
}

#endif
