/* A bounded lock-free multi-producer ring of pointers (Vyukov's bounded
 * queue design): what a batch processor's producers push into and its
 * worker pops from (one consumer), and the pool of free log records (any
 * number of consumers: otel__ring_pop_mc). The capacity is a power of two; `limit`
 * may hold it to fewer items. */
#ifndef OTEL_EXPORT_RING_H
#define OTEL_EXPORT_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct otel__ring_cell {
    _Atomic size_t seq;
    void *item;
} otel__ring_cell;

typedef struct otel__ring {
    otel__ring_cell *cells;
    size_t mask;
    size_t limit;
    _Alignas(64) _Atomic size_t enqueue_pos;
    _Alignas(64) _Atomic size_t dequeue_pos;
} otel__ring;

/* Room for `limit` items; 0 when out of memory. */
static inline int otel__ring_init(otel__ring *r, size_t limit) {
    size_t cap = 2;
    while (cap < limit) cap <<= 1;
    r->cells = malloc(cap * sizeof *r->cells);
    if (!r->cells) return 0;
    for (size_t i = 0; i < cap; i++) atomic_init(&r->cells[i].seq, i);
    r->mask = cap - 1;
    r->limit = limit;
    atomic_init(&r->enqueue_pos, 0);
    atomic_init(&r->dequeue_pos, 0);
    return 1;
}

static inline void otel__ring_free(otel__ring *r) { free(r->cells); }

/* Any thread. 0 when full. */
static inline int otel__ring_push(otel__ring *r, void *item) {
    size_t pos = atomic_load_explicit(&r->enqueue_pos, memory_order_relaxed);
    for (;;) {
        otel__ring_cell *c = &r->cells[pos & r->mask];
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)pos;
        if (dif == 0) {
            intptr_t used = (intptr_t)(pos - atomic_load_explicit(&r->dequeue_pos, memory_order_relaxed));
            if (used >= (intptr_t)r->limit) return 0;
            if (atomic_compare_exchange_weak_explicit(&r->enqueue_pos, &pos, pos + 1,
                                                      memory_order_relaxed, memory_order_relaxed)) {
                c->item = item;
                atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
                return 1;
            }
        } else if (dif < 0) {
            return 0;
        } else {
            pos = atomic_load_explicit(&r->enqueue_pos, memory_order_relaxed);
        }
    }
}

/* The one consumer. NULL when empty. */
static inline void *otel__ring_pop(otel__ring *r) {
    size_t pos = atomic_load_explicit(&r->dequeue_pos, memory_order_relaxed);
    otel__ring_cell *c = &r->cells[pos & r->mask];
    size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
    if ((intptr_t)seq - (intptr_t)(pos + 1) < 0) return NULL;
    void *item = c->item;
    atomic_store_explicit(&c->seq, pos + r->mask + 1, memory_order_release);
    atomic_store_explicit(&r->dequeue_pos, pos + 1, memory_order_relaxed);
    return item;
}

/* Any number of consumers (Vyukov's MPMC dequeue); NULL when empty. */
static inline void *otel__ring_pop_mc(otel__ring *r) {
    size_t pos = atomic_load_explicit(&r->dequeue_pos, memory_order_relaxed);
    for (;;) {
        otel__ring_cell *c = &r->cells[pos & r->mask];
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)(pos + 1);
        if (dif == 0) {
            if (atomic_compare_exchange_weak_explicit(&r->dequeue_pos, &pos, pos + 1,
                                                      memory_order_relaxed, memory_order_relaxed)) {
                void *item = c->item;
                atomic_store_explicit(&c->seq, pos + r->mask + 1, memory_order_release);
                return item;
            }
        } else if (dif < 0) {
            return NULL;
        } else {
            pos = atomic_load_explicit(&r->dequeue_pos, memory_order_relaxed);
        }
    }
}

static inline size_t otel__ring_size(otel__ring *r) {
    size_t e = atomic_load_explicit(&r->enqueue_pos, memory_order_relaxed);
    size_t d = atomic_load_explicit(&r->dequeue_pos, memory_order_relaxed);
    return e > d ? e - d : 0;
}

/* In a fork child (no other thread): calls `drop` on every complete item
 * and empties the ring. */
static inline void otel__ring_fork_reset(otel__ring *r, void (*drop)(void *)) {
    size_t d = atomic_load(&r->dequeue_pos), e = atomic_load(&r->enqueue_pos);
    for (size_t pos = d; pos != e; pos++) {
        otel__ring_cell *c = &r->cells[pos & r->mask];
        if (atomic_load(&c->seq) == pos + 1) drop(c->item);
    }
    for (size_t i = 0; i <= r->mask; i++) atomic_store(&r->cells[i].seq, i);
    atomic_store(&r->enqueue_pos, 0);
    atomic_store(&r->dequeue_pos, 0);
}

#endif
