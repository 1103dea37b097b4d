/* The batch span processor: a bounded lock-free MPSC ring (Vyukov's bounded
 * queue design) that application threads push ended spans into, and one
 * worker thread that exports them in batches on size, timer or flush. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/config.h"
#include "common/error.h"
#include "common/fork.h"
#include "common/log.h"
#include "export/exporter.h"
#include "trace/internal.h"

int otel__exporter_claim(otel_exporter *e);

enum { AWAKE = 0, SLEEP_TIMED = 1, SLEEP_IDLE = 2 };

typedef struct cell {
    _Atomic size_t seq;
    otel_span *span;
} cell;

typedef struct batch {
    otel_exporter *exporter;
    otel_processor *self;
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
    _Atomic int worker_sleeping;
    _Atomic int worker_started;
    _Atomic int blocked;
    _Atomic int stopping; /* shutdown began: spans ending now are dropped */
    _Alignas(64) pthread_mutex_t lock;
    pthread_cond_t wake;  /* worker waits: spans, flush or stop */
    pthread_cond_t done;  /* flushers wait: flush finished or worker exited */
    pthread_cond_t space; /* blocked producers wait */
    pthread_t thread;
    uint64_t flush_requested, flush_done; /* under lock */
    otel_status flush_status;
    uint64_t export_failures; /* under lock: exports that failed, ever */
    /* the batch the worker is exporting (popped under lock): a shutdown
     * that gives up on it counts it, and a fork child releases it */
    otel_span **inflight;
    size_t n_inflight;
    int stop, exited, abandoned, joined;
    struct batch *next_all;
} batch;

/* ---- fork bookkeeping ---- */
static pthread_mutex_t all_lock = PTHREAD_MUTEX_INITIALIZER;
static batch *all_batches;

static void all_add(batch *b) {
    pthread_mutex_lock(&all_lock);
    b->next_all = all_batches;
    all_batches = b;
    pthread_mutex_unlock(&all_lock);
}

static void all_remove(batch *b) {
    pthread_mutex_lock(&all_lock);
    for (batch **p = &all_batches; *p; p = &(*p)->next_all)
        if (*p == b) {
            *p = b->next_all;
            break;
        }
    pthread_mutex_unlock(&all_lock);
}

static void batch_register_fork(void);

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

/* ---- worker ---- */

/* Takes up to one batch off the ring (under lock: a shutdown that gives up
 * may empty the ring itself, and must never race the worker for it). */
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
static size_t export_one_batch(batch *b, otel_span **buf) {
    pthread_mutex_lock(&b->lock);
    size_t n = b->abandoned ? 0 : take_batch(b, buf);
    b->inflight = buf;
    b->n_inflight = n;
    pthread_mutex_unlock(&b->lock);
    if (!n) return 0;
    otel__export_outcome o = otel__exporter_export(b->exporter, (const otel_span_data *const *)buf,
                                                   n, b->export_timeout_ms);
    pthread_mutex_lock(&b->lock);
    int abandoned = b->abandoned; /* then shutdown counted this batch */
    if (!o.ok && !abandoned) b->export_failures++;
    b->n_inflight = 0;
    pthread_mutex_unlock(&b->lock);
    if (!abandoned) otel__count_export(atomic_load(&b->stats), o, n);
    for (size_t i = 0; i < n; i++) otel_span_release(buf[i]);
    return abandoned ? 0 : n;
}

static void *worker_main(void *arg) {
    batch *b = arg;
    otel_span **buf = malloc(b->batch_size * sizeof *buf);
    uint64_t next_timer = otel__clock_mono_ns() + (uint64_t)b->delay_ms * 1000000ull;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        int flushing = b->flush_requested > b->flush_done;
        size_t size = ring_size(b);
        uint64_t now = otel__clock_mono_ns();
        if (buf && (size >= b->batch_size || flushing || b->stop || (size && now >= next_timer))) {
            uint64_t target = b->flush_requested;
            int drain = flushing || b->stop;
            pthread_mutex_unlock(&b->lock);
            if (drain) {
                while (export_one_batch(b, buf)) {}
            } else {
                export_one_batch(b, buf);
            }
            pthread_mutex_lock(&b->lock);
            if (b->abandoned) break; /* shutdown gave up on us: stop at this step */
            pthread_mutex_unlock(&b->lock);
            next_timer = otel__clock_mono_ns() + (uint64_t)b->delay_ms * 1000000ull;
            otel_status fs = OTEL_OK;
            if (drain) fs = otel__exporter_force_flush(b->exporter, b->export_timeout_ms);
            pthread_mutex_lock(&b->lock);
            if (drain) {
                b->flush_status = fs;
                if (target > b->flush_done) b->flush_done = target;
                pthread_cond_broadcast(&b->done);
                if (b->stop) break;
            }
            continue;
        }
        if (!buf && b->stop) break;
        /* empty: sleep until a span arrives (no idle wake-ups); otherwise
         * until the timer, or until a full batch is waiting */
        int idle = size == 0;
        if (!idle && now >= next_timer) next_timer = now + (uint64_t)b->delay_ms * 1000000ull;
        atomic_store(&b->worker_sleeping, idle ? SLEEP_IDLE : SLEEP_TIMED);
        size_t again = ring_size(b);
        if (again >= b->batch_size || (idle && again)) {
            atomic_store(&b->worker_sleeping, 0);
            if (idle) next_timer = otel__clock_mono_ns() + (uint64_t)b->delay_ms * 1000000ull;
            continue;
        }
        if (idle) {
            pthread_cond_wait(&b->wake, &b->lock);
            /* the timer starts with the first span of a batch */
            next_timer = otel__clock_mono_ns() + (uint64_t)b->delay_ms * 1000000ull;
        } else {
            struct timespec ts = otel__timespec_of(next_timer);
            pthread_cond_timedwait(&b->wake, &b->lock, &ts);
        }
        atomic_store(&b->worker_sleeping, 0);
    }
    b->exited = 1;
    b->inflight = NULL;
    int abandoned = b->abandoned;
    pthread_cond_broadcast(&b->done);
    pthread_mutex_unlock(&b->lock);
    free(buf);
    if (abandoned) {
        /* shutdown gave up waiting on us: finish its work, then let go */
        otel__exporter_shutdown(b->exporter, 1000);
        pthread_detach(pthread_self());
    }
    otel_processor_release(b->self);
    return NULL;
}

static void start_worker(batch *b) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&b->worker_started, &expected, 1)) return;
    otel_processor_retain(b->self); /* the worker's own reference */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    if (pthread_create(&b->thread, &attr, worker_main, b) != 0) {
        otel_processor_release(b->self);
        atomic_store(&b->worker_started, 0);
        OTEL_LOG_E("batch processor: cannot start the export thread");
    }
    pthread_attr_destroy(&attr);
}

/* ---- processor callbacks ---- */

static void drop(batch *b, otel_span *s, int full) {
    otel__stats *st = atomic_load(&b->stats);
    if (full) {
        otel__stats_add(st, OTEL_STAT_DROPPED_QUEUE_FULL, 1);
        OTEL_LOG_W("batch span queue is full; spans are being dropped");
    } else {
        otel__stats_add(st, OTEL_STAT_DROPPED_SHUTDOWN, 1);
    }
    (void)s;
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

static void batch_on_end(otel_processor *p, otel_span *s) {
    if (!otel__span_sampled(s)) return;
    batch *b = p->impl;
    if (__builtin_expect(atomic_load_explicit(&b->stopping, memory_order_relaxed), 0)) {
        drop(b, s, 0); /* raced with shutdown, which has drained or will drain the ring */
        return;
    }
    if (!atomic_load_explicit(&b->worker_started, memory_order_relaxed)) start_worker(b);
    s->queued_bytes = otel__span_size(s);
    otel_span_retain(s);
    if (!try_enqueue(b, s)) {
        int ok = 0;
        if (b->block_timeout_ms) {
            uint64_t deadline = otel__deadline_ms(b->block_timeout_ms);
            pthread_mutex_lock(&b->lock);
            atomic_fetch_add(&b->blocked, 1);
            pthread_cond_signal(&b->wake);
            while (!(ok = try_enqueue(b, s)) && !b->stop && otel__clock_mono_ns() < deadline) {
                struct timespec ts = otel__timespec_of(deadline);
                pthread_cond_timedwait(&b->space, &b->lock, &ts);
            }
            atomic_fetch_sub(&b->blocked, 1);
            pthread_mutex_unlock(&b->lock);
        }
        if (!ok) {
            drop(b, s, 1);
            otel_span_release(s);
            return;
        }
    }
    otel__stats *st = atomic_load_explicit(&b->stats, memory_order_relaxed);
    otel__stats_add(st, OTEL_STAT_SPANS_QUEUED, 1);
    otel__stats_add(st, OTEL_STAT_QUEUE_BYTES, s->queued_bytes);
    int sleeping = atomic_load_explicit(&b->worker_sleeping, memory_order_relaxed);
    if (sleeping == SLEEP_IDLE || (sleeping == SLEEP_TIMED && ring_size(b) >= b->batch_size)) {
        pthread_mutex_lock(&b->lock);
        pthread_cond_signal(&b->wake);
        pthread_mutex_unlock(&b->lock);
    }
}

static otel_status wait_flush(batch *b, uint64_t target, uint64_t deadline) {
    while (b->flush_done < target && !b->exited) {
        if (otel__clock_mono_ns() >= deadline) return OTEL_ERR_TIMEOUT;
        struct timespec ts = otel__timespec_of(deadline);
        pthread_cond_timedwait(&b->done, &b->lock, &ts);
    }
    return b->flush_done >= target ? b->flush_status : OTEL_OK;
}

static otel_status batch_flush(otel_processor *p, uint32_t timeout_ms) {
    batch *b = p->impl;
    if (!atomic_load(&b->worker_started)) return otel__exporter_force_flush(b->exporter, timeout_ms);
    uint64_t deadline = otel__deadline_ms(timeout_ms);
    pthread_mutex_lock(&b->lock);
    uint64_t target = ++b->flush_requested, failures = b->export_failures;
    pthread_cond_signal(&b->wake);
    otel_status st = wait_flush(b, target, deadline);
    /* an export that failed while this flush waited carried its spans */
    if (st == OTEL_OK && b->export_failures != failures) st = OTEL_ERR_EXPORT;
    pthread_mutex_unlock(&b->lock);
    if (st == OTEL_ERR_EXPORT)
        otel__fail(st, "force_flush: an export failed (the stats' last error says why)");
    return st;
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

static otel_status batch_shutdown(otel_processor *p, uint32_t timeout_ms) {
    batch *b = p->impl;
    uint64_t deadline = otel__deadline_ms(timeout_ms);
    atomic_store(&b->stopping, 1);
    /* what is queued gets one attempt per batch, no retry waits */
    otel__exporter_last_attempts(b->exporter);
    pthread_mutex_lock(&b->lock);
    b->stop = 1;
    if (!atomic_load(&b->worker_started)) {
        otel_span *left = drop_queued(b);
        pthread_mutex_unlock(&b->lock);
        release_list(left);
        return otel__exporter_shutdown(b->exporter, timeout_ms);
    }
    ++b->flush_requested;
    pthread_cond_signal(&b->wake);
    pthread_cond_broadcast(&b->space);
    while (!b->exited && otel__clock_mono_ns() < deadline) {
        struct timespec ts = otel__timespec_of(deadline);
        pthread_cond_timedwait(&b->done, &b->lock, &ts);
    }
    int exited = b->exited;
    otel_span *left = NULL;
    if (!exited) {
        /* Give up on the worker: what it exports now and what is still
         * queued count as dropped at shutdown, so the stats add up the
         * moment we return; it stops at its next step without counting. */
        b->abandoned = 1;
        otel__stats_add(atomic_load(&b->stats), OTEL_STAT_DROPPED_SHUTDOWN, b->n_inflight);
        left = drop_queued(b);
    }
    pthread_mutex_unlock(&b->lock);
    if (!exited) {
        release_list(left);
        otel__exporter_abort(b->exporter); /* the export in flight returns at once */
        OTEL_LOG_W("batch processor: shutdown timed out; the export in flight is abandoned");
        return otel__fail(OTEL_ERR_TIMEOUT, "shutdown: the export did not finish in %u ms", timeout_ms);
    }
    pthread_join(b->thread, NULL);
    b->joined = 1;
    pthread_mutex_lock(&b->lock);
    left = drop_queued(b); /* ended while the worker made its last pass */
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
    all_remove(b);
    /* Spans left here were ended while shutdown raced past the worker's last
     * drain. They still hold their provider, so its stats are alive. */
    otel__stats *st = atomic_load(&b->stats);
    otel_span *s;
    while ((s = ring_pop(b))) {
        otel__stats_sub(st, OTEL_STAT_SPANS_QUEUED, 1);
        otel__stats_sub(st, OTEL_STAT_QUEUE_BYTES, s->queued_bytes);
        otel__stats_add(st, OTEL_STAT_DROPPED_SHUTDOWN, 1);
        otel_span_release(s);
    }
    otel_exporter_release(b->exporter);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->wake);
    pthread_cond_destroy(&b->done);
    pthread_cond_destroy(&b->space);
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

static void init_sync(batch *b) {
    pthread_mutex_init(&b->lock, NULL);
    otel__cond_init_mono(&b->wake);
    otel__cond_init_mono(&b->done);
    otel__cond_init_mono(&b->space);
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
    if (b) b->cells = malloc(cap * sizeof *b->cells);
    if (!b || !b->cells) {
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
    init_sync(b);
    otel_status st = otel__processor_new(out, &batch_vt, b);
    if (st != OTEL_OK) {
        b->self = NULL;
        otel_exporter_release(b->exporter);
        free(b->cells);
        free(b);
        return st;
    }
    b->self = *out;
    static pthread_once_t fork_once = PTHREAD_ONCE_INIT;
    pthread_once(&fork_once, batch_register_fork);
    all_add(b);
    st = otel__options_verdict(opts, "otel_processor_batch_new");
    if (st != OTEL_OK) {
        otel_processor_release(*out);
        *out = NULL;
        return otel__options_verdict(opts, "otel_processor_batch_new"); /* its message, after the cleanup */
    }
    return OTEL_OK;
}

/* ---- fork ----
 * Prepare takes every batch lock, so no worker is inside one at fork. The
 * child runs after the LOCKS phase has freed the allocators' locks (the
 * span depot), so releasing the parent's spans here is safe; the stats
 * were zeroed in the STATE phase, so nothing is subtracted: the parent
 * exports what it had queued, and the child counts only its own spans. */

static void batch_fork_prepare(void) {
    pthread_mutex_lock(&all_lock);
    for (batch *b = all_batches; b; b = b->next_all) pthread_mutex_lock(&b->lock);
}

static void batch_fork_parent(void) {
    for (batch *b = all_batches; b; b = b->next_all) pthread_mutex_unlock(&b->lock);
    pthread_mutex_unlock(&all_lock);
}

/* The child starts empty; its worker restarts on the next span. */
static void batch_fork_child(void) {
    for (batch *b = all_batches; b; b = b->next_all) {
        size_t d = atomic_load(&b->dequeue_pos), e = atomic_load(&b->enqueue_pos);
        for (size_t pos = d; pos != e; pos++) {
            cell *c = &b->cells[pos & b->mask];
            if (atomic_load(&c->seq) == pos + 1) otel_span_release(c->span);
        }
        for (size_t i = 0; i < b->n_inflight; i++) otel_span_release(b->inflight[i]);
        b->n_inflight = 0;
        for (size_t i = 0; i <= b->mask; i++) atomic_store(&b->cells[i].seq, i);
        atomic_store(&b->enqueue_pos, 0);
        atomic_store(&b->dequeue_pos, 0);
        atomic_store(&b->bytes, 0);
        atomic_store(&b->worker_sleeping, 0);
        atomic_store(&b->blocked, 0);
        if (atomic_load(&b->worker_started) && !b->exited) {
            /* the parent's worker holds a processor reference; in the child
             * that thread is gone, so drop its reference on its behalf */
            atomic_fetch_sub(&b->self->refs, 1);
        }
        atomic_store(&b->worker_started, b->stop ? 1 : 0);
        b->flush_done = b->flush_requested;
        b->export_failures = 0;
        b->exited = b->stop;
        /* prepare locked it; the condition variables may name waiters
         * that are gone */
        otel__cond_init_mono(&b->wake);
        otel__cond_init_mono(&b->done);
        otel__cond_init_mono(&b->space);
        pthread_mutex_unlock(&b->lock);
    }
    pthread_mutex_unlock(&all_lock);
}

static void batch_register_fork(void) {
    otel__fork_register_handlers(OTEL__FORK_WORKERS, batch_fork_prepare, batch_fork_parent,
                                 batch_fork_child);
}
