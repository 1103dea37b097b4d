/* Safe memory reclamation for lock-free readers, asymmetric: a reader
 * (a thread recording a measurement) marks itself active around its
 * lock-free lookups with two plain stores and no fence; the reclaimer (a
 * collection, rarely) pays instead, with membarrier(2), which runs a full
 * barrier on every thread of the process.
 *
 * To free an object readers may still hold: unlink it, then
 * `e = otel__reclaim_advance()`; once `otel__reclaim_quiet(e)` (on this
 * call or a later one), no reader still holds it.
 *
 * Why it is safe: after the membarrier, a reader that entered before the
 * barrier has its `active` store visible to the scan (it is counted as
 * holding), and one that entered after it reads the unlinked state; one
 * that read the advanced epoch entered after the unlink. */
#ifndef OTEL_COMMON_RECLAIM_H
#define OTEL_COMMON_RECLAIM_H

#include <stdatomic.h>
#include <stdint.h>

#include "common/clock.h"

typedef struct otel__reclaim_rec {
    _Alignas(64) _Atomic uint64_t active; /* the epoch at entry; 0: outside */
    _Atomic int in_use;
    struct otel__reclaim_rec *next;
} otel__reclaim_rec;

extern _Atomic uint64_t otel__reclaim_epoch;
extern OTEL__TLS otel__reclaim_rec *otel__reclaim_self;
otel__reclaim_rec *otel__reclaim_register(void);

/* Enters a read section; returns what otel__reclaim_exit restores (so
 * sections nest). */
static inline uint64_t otel__reclaim_enter(void) {
    otel__reclaim_rec *r = otel__reclaim_self;
    if (__builtin_expect(!r, 0)) r = otel__reclaim_register();
    uint64_t outer = atomic_load_explicit(&r->active, memory_order_relaxed);
    if (!outer)
        atomic_store_explicit(&r->active, atomic_load_explicit(&otel__reclaim_epoch, memory_order_acquire),
                              memory_order_relaxed);
    /* the CPU may still run later loads first; membarrier in the
     * reclaimer covers that (see above), the compiler must not */
    atomic_signal_fence(memory_order_seq_cst);
    return outer;
}

static inline void otel__reclaim_exit(uint64_t outer) {
    atomic_signal_fence(memory_order_seq_cst);
    if (!outer) atomic_store_explicit(&otel__reclaim_self->active, 0, memory_order_release);
}

/* 1 when reclamation works in this process (membarrier is available). */
int otel__reclaim_available(void);
/* Publishes the unlinks made before it to every thread and returns the
 * epoch that objects unlinked so far wait for. */
uint64_t otel__reclaim_advance(void);
/* The oldest epoch a reader is still inside (UINT64_MAX: none): objects
 * of epoch e are free to go when e <= this. */
uint64_t otel__reclaim_oldest(void);

#endif
