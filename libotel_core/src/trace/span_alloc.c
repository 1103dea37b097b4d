/* Span allocation: per-thread caches of span objects (recording and
 * non-recording), the depot that moves them back from the threads that free
 * them, and the size a span holds. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "common/clock.h"
#include "common/forklock.h"
#include "trace/internal.h"
#include "trace/span_alloc.h"

OTEL__TLS otel__span_cache otel__span_tls_cache;

/* Zeroes what a recording span keeps beyond the header. */
static inline void init_recording_fields(otel_span *s) {
    s->tracer = NULL;
    s->provider = NULL;
    s->name = "";
    s->name_len = 0;
    s->start_ns = s->end_ns = 0;
    s->status_code = 0;
    s->status_msg = NULL;
    s->status_len = 0;
    s->attrs.items = NULL;
    s->attrs.count = s->attrs.cap = s->attrs.dropped = 0;
    s->events = NULL;
    s->n_events = s->cap_events = s->dropped_events = 0;
    s->links = NULL;
    s->n_links = s->cap_links = s->dropped_links = 0;
    s->queued_bytes = 0;
    s->queue_next = NULL;
}

#if OTEL__CACHE_MAX > 0
/* Spans often end on one thread and are freed on another (the batch
 * worker). A process-wide depot moves them back in chunks, one lock per
 * chunk, so producers reuse them instead of calling malloc. */
#define DEPOT_CHUNK 32
#define DEPOT_MAX 4096
static pthread_mutex_t depot_lock = PTHREAD_MUTEX_INITIALIZER;
static otel_span *depot[2]; /* under depot_lock */
/* Written under depot_lock; span_alloc reads it without the lock as a hint
 * (is there anything to take?), hence atomic. */
static _Atomic uint32_t depot_count[2];

static inline uint32_t depot_avail(int big) {
    return atomic_load_explicit(&depot_count[big], memory_order_relaxed);
}
static inline void depot_count_add(int big, int32_t d) {
    atomic_store_explicit(&depot_count[big], depot_avail(big) + (uint32_t)d, memory_order_relaxed);
}

static otel_span *depot_take(int big, uint32_t *n) {
    pthread_mutex_lock(&depot_lock);
    otel_span *head = depot[big], *s = head;
    uint32_t k = 0;
    otel_span *last = NULL;
    while (s && k < DEPOT_CHUNK) {
        last = s;
        s = s->cache_next;
        k++;
    }
    if (last) last->cache_next = NULL;
    depot[big] = s;
    depot_count_add(big, -(int32_t)k);
    pthread_mutex_unlock(&depot_lock);
    *n = k;
    return head;
}

void otel__span_depot_give(otel__span_cache *c, int big) {
    otel_span *head = c->free[big], *s = head, *last = NULL;
    for (uint32_t k = 0; k < DEPOT_CHUNK && s; k++) {
        last = s;
        s = s->cache_next;
    }
    c->free[big] = s;
    c->count[big] -= DEPOT_CHUNK;
    pthread_mutex_lock(&depot_lock);
    int keep = depot_avail(big) < DEPOT_MAX;
    if (keep) {
        last->cache_next = depot[big];
        depot[big] = head;
        depot_count_add(big, DEPOT_CHUNK);
    }
    pthread_mutex_unlock(&depot_lock);
    if (!keep) {
        last->cache_next = NULL;
        while (head) {
            otel_span *next = head->cache_next;
            free(head);
            head = next;
        }
    }
}

/* A thread that exits hands its cache back: to the depot while it has room,
 * else to free(). */
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_thread_exit(void *p) {
    otel__span_cache *c = p;
    for (int big = 0; big < 2; big++) {
        while (c->count[big] >= DEPOT_CHUNK) otel__span_depot_give(c, big);
        otel_span *s = c->free[big];
        while (s) {
            otel_span *next = s->cache_next;
            free(s);
            s = next;
        }
        c->free[big] = NULL;
        c->count[big] = 0;
    }
}

static void cache_make_key(void) {
    pthread_key_create(&cache_key, cache_thread_exit);
    /* a thread moving spans to or from the depot must not leave a child
     * with it locked */
    otel__forklock_add(&depot_lock);
}

void otel__span_cache_register(otel__span_cache *c) {
    pthread_once(&cache_once, cache_make_key);
    pthread_setspecific(cache_key, c);
    c->registered = 1;
}

#endif

/* Non-recording spans use only the fields before `tracer`. */
#define SMALL_SPAN_SIZE offsetof(otel_span, tracer)

otel_span *otel__span_alloc(int big) {
    otel__span_cache *c = &otel__span_tls_cache;
    otel_span *s = c->free[big];
#if OTEL__CACHE_MAX > 0
    if (!s && depot_avail(big)) {
        uint32_t n;
        s = depot_take(big, &n);
        c->count[big] = n;
    }
#endif
    if (s) {
        c->free[big] = s->cache_next;
        c->count[big]--;
    } else {
        s = malloc(big ? sizeof *s + OTEL__SPAN_INLINE : SMALL_SPAN_SIZE);
        if (!s) return NULL;
    }
    /* field by field: a memset of the header compiles to `rep stos`, whose
     * start-up cost dominated span allocation */
    atomic_init(&s->refs, 1);
    s->recording = 0;
    s->kind = 0;
    s->has_parent = 0;
    s->parent_remote = 0;
    s->ended = 0;
    s->big = (uint8_t)big;
    atomic_flag_clear(&s->lock);
    s->trace_state = "";
    s->trace_state_len = 0;
    s->cache_next = NULL;
    if (big) init_recording_fields(s);
    return s;
}

size_t otel__span_size(const otel_span *s) {
    return sizeof *s + (s->big ? OTEL__SPAN_INLINE : 0) +
           (s->arena.total > OTEL__SPAN_INLINE ? s->arena.total - OTEL__SPAN_INLINE : 0);
}
