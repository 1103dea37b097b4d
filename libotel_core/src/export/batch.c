/* The batch span processor: a bounded lock-free MPSC ring (Vyukov's bounded
 * queue design) that application threads push ended spans into, exported in
 * batches on size, timer or flush by the shared background worker
 * (export/worker.h), which owns the thread, the flush and shutdown
 * deadlines and fork. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "sdk/options.h"
#include "common/error.h"
#include "common/log.h"
#include "export/exporter.h"
#include "export/worker.h"
#include "trace/internal.h"

typedef struct cell {
    _Atomic size_t seq;
    otel_span *span;
} cell;

typedef struct batch {
    otel_exporter *exporter;
    otel_processor *self;
    otel__worker *worker;
    otel__stats *_Atomic stats;
    /* settings */
    size_t batch_size, max_spans;
    uint32_t delay_ms, export_timeout_ms, block_timeout_ms;
    uint64_t max_bytes;
    /* ring */
    cell *cells;
    size_t mask;
    _Alignas(64) _Atomic size_t enqueue_pos;
    _Alignas(64) _Atomic size_t dequeue_pos;
    _Alignas(64) _Atomic uint64_t bytes;
    _Atomic int blocked;
    _Atomic int stopping; /* shutdown began: spans ending now are dropped */
    /* the worker thread's own */
    otel_span **buf;
    uint64_t batch_started; /* when the oldest queued span was first seen (0: none) */
    _Alignas(64) pthread_mutex_t lock;
    pthread_cond_t space; /* blocked producers wait */
    /* under lock */
    uint64_t failed_exports; /* since the last flush run */
    /* the batch being exported (popped under lock): shutdown counts it when
     * it gives up, and a fork child releases it */
    size_t n_inflight;
    int abandoned;
} batch;

/* ---- ring ---- */

static int ring_push(batch *b, otel_span *s) {
    size_t pos = atomic_load_explicit(&b->enqueue_pos, memory_order_relaxed);
    for (;;) {
        cell *c = &b->cells[pos & b->mask];
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)pos;
        if (dif == 0) {
            /* the ring is a power of two; the queue holds exactly max_spans
             * (a stale dequeue_pos only makes this stricter) */
            intptr_t used = (intptr_t)(pos - atomic_load_explicit(&b->dequeue_pos, memory_order_relaxed));
            if (used >= (intptr_t)b->max_spans) return 0;
            if (atomic_compare_exchange_weak_explicit(&b->enqueue_pos, &pos, pos + 1,
                                                      memory_order_relaxed, memory_order_relaxed)) {
                c->span = s;
                atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
                return 1;
            }
        } else if (dif < 0) {
            return 0; /* full */
        } else {
            pos = atomic_load_explicit(&b->enqueue_pos, memory_order_relaxed);
        }
    }
}

/* Worker only. */
static otel_span *ring_pop(batch *b) {
    size_t pos = atomic_load_explicit(&b->dequeue_pos, memory_order_relaxed);
    cell *c = &b->cells[pos & b->mask];
    size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
    if ((intptr_t)seq - (intptr_t)(pos + 1) < 0) return NULL;
    otel_span *s = c->span;
    atomic_store_explicit(&c->seq, pos + b->mask + 1, memory_order_release);
    atomic_store_explicit(&b->dequeue_pos, pos + 1, memory_order_relaxed);
    return s;
}

static size_t ring_size(batch *b) {
    size_t e = atomic_load_explicit(&b->enqueue_pos, memory_order_relaxed);
    size_t d = atomic_load_explicit(&b->dequeue_pos, memory_order_relaxed);
    return e > d ? e - d : 0;
}

/* ---- the worker's job ---- */

/* Takes up to one batch off the ring (under lock: a shutdown that gives up
 * empties the ring itself, and must never race the worker for it). */
static size_t take_batch(batch *b, otel_span **buf) {
    size_t n = 0;
    uint64_t bytes = 0;
    while (n < b->batch_size) {
        otel_span *s = ring_pop(b);
        if (!s) break;
        bytes += s->queued_bytes;
        buf[n++] = s;
    }
    if (!n) return 0;
    otel__stats *st = atomic_load(&b->stats);
    atomic_fetch_sub_explicit(&b->bytes, bytes, memory_order_relaxed);
    otel__stats_sub(st, OTEL_STAT_SPANS_QUEUED, n);
    otel__stats_sub(st, OTEL_STAT_QUEUE_BYTES, bytes);
    if (atomic_load_explicit(&b->blocked, memory_order_relaxed)) pthread_cond_broadcast(&b->space);
    return n;
}

/* Exports up to one batch; returns how many spans were taken (0 also when
 * shutdown has given up on this worker). */
static size_t export_one_batch(batch *b) {
    otel_span **buf = b->buf;
    pthread_mutex_lock(&b->lock);
    size_t n = b->abandoned ? 0 : take_batch(b, buf);
    b->n_inflight = n;
    pthread_mutex_unlock(&b->lock);
    if (!n) return 0;
    otel__export_outcome o = otel__exporter_export(b->exporter, (const otel_span_data *const *)buf,
                                                   n, b->export_timeout_ms);
    pthread_mutex_lock(&b->lock);
    int abandoned = b->abandoned; /* then shutdown counted this batch */
    if (!o.ok && !abandoned) b->failed_exports++;
    b->n_inflight = 0;
    pthread_mutex_unlock(&b->lock);
    if (!abandoned) otel__count_export(atomic_load(&b->stats), o, n);
    for (size_t i = 0; i < n; i++) otel_span_release(buf[i]);
    return abandoned ? 0 : n;
}

static otel_status job_run(void *job, int flush) {
    batch *b = job;
    if (!b->buf) return OTEL_ERR_NO_MEMORY;
    b->batch_started = 0; /* what is left after this run starts a new timer */
    if (!flush) {
        export_one_batch(b);
        return OTEL_OK;
    }
    while (export_one_batch(b)) {}
    otel_status st = otel__exporter_force_flush(b->exporter, b->export_timeout_ms);
    pthread_mutex_lock(&b->lock);
    /* an export that failed since the last flush carried its spans */
    if (st == OTEL_OK && b->failed_exports) st = OTEL_ERR_EXPORT;
    b->failed_exports = 0;
    pthread_mutex_unlock(&b->lock);
    return st;
}

/* Due at once with a full batch; on the timer, which starts with the first
 * span of a batch, otherwise; never while the ring is empty. */
static uint64_t job_next_due(void *job, uint64_t now, uint64_t last_run) {
    (void)last_run;
    batch *b = job;
    size_t size = ring_size(b);
    if (!size) {
        b->batch_started = 0;
        return UINT64_MAX;
    }
    if (size >= b->batch_size) return 0;
    if (!b->batch_started) b->batch_started = now;
    return b->batch_started + (uint64_t)b->delay_ms * 1000000ull;
}

/* Empties the ring into dropped_shutdown; the caller is its only consumer
 * (the worker has exited, or was abandoned under the lock). Returns the
 * spans as a list through queue_next, to release outside the lock. */
static otel_span *drop_queued(batch *b) {
    otel__stats *st = atomic_load(&b->stats);
    otel_span *list = NULL, *s;
    while ((s = ring_pop(b))) {
        atomic_fetch_sub_explicit(&b->bytes, s->queued_bytes, memory_order_relaxed);
        otel__stats_sub(st, OTEL_STAT_SPANS_QUEUED, 1);
        otel__stats_sub(st, OTEL_STAT_QUEUE_BYTES, s->queued_bytes);
        otel__stats_add(st, OTEL_STAT_DROPPED_SHUTDOWN, 1);
        s->queue_next = list;
        list = s;
    }
    return list;
}

static void release_list(otel_span *s) {
    while (s) {
        otel_span *next = s->queue_next;
        otel_span_release(s);
        s = next;
    }
}

/* Shutdown gave up on the worker: what it exports now and what is still
 * queued count as dropped at shutdown, so the stats add up the moment
 * shutdown returns; the worker stops at its next step without counting. */
static void job_abandon(void *job) {
    batch *b = job;
    pthread_mutex_lock(&b->lock);
    b->abandoned = 1;
    otel__stats_add(atomic_load(&b->stats), OTEL_STAT_DROPPED_SHUTDOWN, b->n_inflight);
    otel_span *left = drop_queued(b);
    pthread_mutex_unlock(&b->lock);
    release_list(left);
    otel__exporter_abort(b->exporter); /* the export in flight returns at once */
}

/* In a fork child, after the LOCKS phase freed the allocators' locks (the
 * span depot) and the STATE phase zeroed the stats: the parent exports
 * what it had queued, so the child releases its copies without counting. */
static void job_fork_child(void *job, int had_thread) {
    batch *b = job;
    pthread_mutex_init(&b->lock, NULL); /* a parent thread may have held it */
    otel__cond_init_mono(&b->space);
    size_t d = atomic_load(&b->dequeue_pos), e = atomic_load(&b->enqueue_pos);
    for (size_t pos = d; pos != e; pos++) {
        cell *c = &b->cells[pos & b->mask];
        if (atomic_load(&c->seq) == pos + 1) otel_span_release(c->span);
    }
    for (size_t i = 0; i < b->n_inflight; i++) otel_span_release(b->buf[i]);
    b->n_inflight = 0;
    for (size_t i = 0; i <= b->mask; i++) atomic_store(&b->cells[i].seq, i);
    atomic_store(&b->enqueue_pos, 0);
    atomic_store(&b->dequeue_pos, 0);
    atomic_store(&b->bytes, 0);
    atomic_store(&b->blocked, 0);
    b->batch_started = 0;
    b->failed_exports = 0;
    /* the parent's thread held a processor reference; it is gone here, and
     * the provider still holds one, so this never frees */
    if (had_thread) atomic_fetch_sub(&b->self->refs, 1);
}

static void job_hold(void *job) { otel_processor_retain(((batch *)job)->self); }
static void job_release(void *job) {
    batch *b = job;
    pthread_mutex_lock(&b->lock);
    int abandoned = b->abandoned;
    pthread_mutex_unlock(&b->lock);
    /* shutdown gave up waiting on the thread: it shuts the exporter down
     * on its way out, once its export has returned */
    if (abandoned) otel__exporter_shutdown(b->exporter, 1000);
    otel_processor_release(b->self);
}

static const otel__worker_job batch_job = {job_run, job_next_due, job_abandon, job_fork_child,
                                           job_hold, job_release};

/* ---- processor callbacks ---- */

static void drop(batch *b, int full) {
    otel__stats *st = atomic_load(&b->stats);
    if (full) {
        otel__stats_add(st, OTEL_STAT_DROPPED_QUEUE_FULL, 1);
        OTEL_LOG_W("batch span queue is full; spans are being dropped");
    } else {
        otel__stats_add(st, OTEL_STAT_DROPPED_SHUTDOWN, 1);
    }
}

static int try_enqueue(batch *b, otel_span *s) {
    uint64_t size = s->queued_bytes;
    if (atomic_fetch_add_explicit(&b->bytes, size, memory_order_relaxed) + size > b->max_bytes) {
        atomic_fetch_sub_explicit(&b->bytes, size, memory_order_relaxed);
        return 0;
    }
    if (!ring_push(b, s)) {
        atomic_fetch_sub_explicit(&b->bytes, size, memory_order_relaxed);
        return 0;
    }
    return 1;
}

static int batch_full(void *arg) {
    batch *b = arg;
    return ring_size(b) >= b->batch_size;
}

/* Waits up to OTEL_CORE_BSP_BLOCK_TIMEOUT for room; 1 if queued. */
static int enqueue_blocking(batch *b, otel_span *s) {
    int ok = 0;
    uint64_t deadline = otel__deadline_ms(b->block_timeout_ms);
    pthread_mutex_lock(&b->lock);
    atomic_fetch_add(&b->blocked, 1);
    pthread_mutex_unlock(&b->lock);
    otel__worker_wake(b->worker);
    pthread_mutex_lock(&b->lock);
    while (!(ok = try_enqueue(b, s)) && !atomic_load(&b->stopping) && otel__clock_mono_ns() < deadline) {
        struct timespec ts = otel__timespec_of(deadline);
        pthread_cond_timedwait(&b->space, &b->lock, &ts);
    }
    atomic_fetch_sub(&b->blocked, 1);
    pthread_mutex_unlock(&b->lock);
    return ok;
}

static void batch_on_end(otel_processor *p, otel_span *s) {
    if (!otel__span_sampled(s)) return;
    batch *b = p->impl;
    if (__builtin_expect(atomic_load_explicit(&b->stopping, memory_order_relaxed), 0)) {
        drop(b, 0); /* raced with shutdown, which has drained or will drain the ring */
        return;
    }
    s->queued_bytes = otel__span_size(s);
    otel_span_retain(s);
    if (!try_enqueue(b, s) && !(b->block_timeout_ms && enqueue_blocking(b, s))) {
        drop(b, 1);
        otel_span_release(s);
        return;
    }
    otel__stats *st = atomic_load_explicit(&b->stats, memory_order_relaxed);
    otel__stats_add(st, OTEL_STAT_SPANS_QUEUED, 1);
    otel__stats_add(st, OTEL_STAT_QUEUE_BYTES, s->queued_bytes);
    otel__worker_notify(b->worker, batch_full, b);
}

static otel_status batch_flush(otel_processor *p, uint32_t timeout_ms) {
    batch *b = p->impl;
    otel_status st = otel__worker_flush(b->worker, timeout_ms);
    if (st == OTEL_ERR_EXPORT)
        return otel__fail(st, "force_flush: an export failed (the stats' last error says why)");
    if (st == OTEL_ERR_TIMEOUT)
        return otel__fail(st, "force_flush: the export did not finish in %u ms", timeout_ms);
    return st;
}

static otel_status batch_shutdown(otel_processor *p, uint32_t timeout_ms) {
    batch *b = p->impl;
    uint64_t deadline = otel__deadline_ms(timeout_ms);
    atomic_store(&b->stopping, 1);
    pthread_mutex_lock(&b->lock);
    pthread_cond_broadcast(&b->space); /* blocked producers give up */
    pthread_mutex_unlock(&b->lock);
    /* what is queued gets one attempt per batch, no retry waits */
    otel__exporter_last_attempts(b->exporter);
    if (otel__worker_shutdown(b->worker, timeout_ms) == OTEL_ERR_TIMEOUT) {
        OTEL_LOG_W("batch processor: shutdown timed out; the export in flight is abandoned");
        /* the abandoned worker finishes its step and lets go of the exporter */
        return otel__fail(OTEL_ERR_TIMEOUT, "shutdown: the export did not finish in %u ms", timeout_ms);
    }
    pthread_mutex_lock(&b->lock);
    otel_span *left = drop_queued(b); /* ended while the worker made its last pass */
    pthread_mutex_unlock(&b->lock);
    release_list(left);
    uint64_t now = otel__clock_mono_ns();
    uint32_t ms_left = deadline == UINT64_MAX ? 0
                       : now >= deadline      ? 1
                                              : (uint32_t)((deadline - now) / 1000000ull + 1);
    return otel__exporter_shutdown(b->exporter, ms_left);
}

static void batch_destroy(otel_processor *p) {
    batch *b = p->impl;
    /* Spans left here were ended while shutdown raced past the worker's last
     * drain (or no shutdown ran). They still hold their provider, so its
     * stats are alive. */
    release_list(drop_queued(b));
    otel__worker_free(b->worker);
    otel_exporter_release(b->exporter);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->space);
    free(b->buf);
    free(b->cells);
    free(b);
}
static const otel__processor_vtable batch_vt = {NULL, NULL, batch_on_end, batch_flush,
                                                batch_shutdown, batch_destroy};

void otel__batch_attach(otel_processor *p, otel__stats *stats) {
    if (p->vt != &batch_vt) return;
    batch *b = p->impl;
    atomic_store(&b->stats, stats);
    atomic_store(&b->exporter->stats, stats);
}

OTEL_API otel_status otel_processor_batch_new(otel_processor **out, otel_exporter *exp,
                                              const otel_options *opts) {
    if (!out || !exp)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_processor_batch_new: out and exporter are required");
    int64_t queue = otel__opt_int(opts, "OTEL_BSP_MAX_QUEUE_SIZE", 2048, 1, 1 << 24);
    int64_t batch_size = otel__opt_int(opts, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, 1, 1 << 24);
    if (batch_size > queue) {
        OTEL_LOG_W("OTEL_BSP_MAX_EXPORT_BATCH_SIZE exceeds the queue size; using the queue size");
        batch_size = queue;
    }
    if (!otel__exporter_claim(exp)) return OTEL_ERR_STATE;
    batch *b = calloc(1, sizeof *b);
    size_t cap = 2; /* the ring needs two cells at least */
    while (cap < (size_t)queue) cap <<= 1;
    if (b) {
        b->cells = malloc(cap * sizeof *b->cells);
        b->buf = malloc((size_t)batch_size * sizeof *b->buf);
        b->worker = otel__worker_new(&batch_job, b, 0);
    }
    if (!b || !b->cells || !b->buf || !b->worker) {
        if (b) {
            otel__worker_free(b->worker);
            free(b->cells);
            free(b->buf);
        }
        free(b);
        atomic_store(&exp->attached, 0);
        return otel__fail(OTEL_ERR_NO_MEMORY, "otel_processor_batch_new: out of memory");
    }
    for (size_t i = 0; i < cap; i++) atomic_init(&b->cells[i].seq, i);
    b->mask = cap - 1;
    b->batch_size = (size_t)batch_size;
    b->max_spans = (size_t)queue;
    b->delay_ms = (uint32_t)otel__opt_int(opts, "OTEL_BSP_SCHEDULE_DELAY", 5000, 0, UINT32_MAX);
    b->export_timeout_ms =
        (uint32_t)otel__opt_int(opts, "OTEL_BSP_EXPORT_TIMEOUT", 30000, 0, UINT32_MAX);
    b->block_timeout_ms =
        (uint32_t)otel__opt_int(opts, "OTEL_CORE_BSP_BLOCK_TIMEOUT", 0, 0, UINT32_MAX);
    b->max_bytes = (uint64_t)otel__opt_int(opts, "OTEL_CORE_BSP_MAX_QUEUE_BYTES", 64ll << 20, 1024,
                                           INT64_MAX);
    b->exporter = otel_exporter_retain(exp);
    pthread_mutex_init(&b->lock, NULL);
    otel__cond_init_mono(&b->space);
    otel_status st = otel__processor_new(out, &batch_vt, b);
    if (st != OTEL_OK) {
        b->self = NULL;
        otel_exporter_release(b->exporter);
        otel__worker_free(b->worker);
        pthread_mutex_destroy(&b->lock);
        pthread_cond_destroy(&b->space);
        free(b->cells);
        free(b->buf);
        free(b);
        return st;
    }
    b->self = *out;
    st = otel__options_verdict(opts, "otel_processor_batch_new");
    if (st != OTEL_OK) {
        otel_processor_release(*out);
        *out = NULL;
        return otel__options_verdict(opts, "otel_processor_batch_new"); /* its message, after the cleanup */
    }
    return OTEL_OK;
}

