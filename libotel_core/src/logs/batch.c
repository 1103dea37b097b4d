/* The batch log processor: emitting threads push records into a bounded
 * lock-free ring (export/ring.h), exported in batches on size, timer or
 * flush by the shared background worker (export/worker.h), which owns the
 * thread, the flush and shutdown deadlines and fork. The accounting is the
 * batch span processor's: after shutdown, emitted = exported + dropped. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "sdk/options.h"
#include "common/error.h"
#include "common/log.h"
#include "export/ring.h"
#include "export/worker.h"
#include "logs/internal.h"

typedef struct batch {
    otel_log_exporter *exporter;
    otel_log_processor *self;
    otel__worker *worker;
    otel__stats *_Atomic stats;
    size_t batch_size;
    uint32_t delay_ms, export_timeout_ms;
    otel__ring ring;
    _Atomic int stopping; /* shutdown began: records emitted now are dropped */
    otel_log_record **buf; /* the worker thread's own */
    uint64_t batch_started;
    pthread_mutex_t lock;
    /* under lock */
    uint64_t failed_exports; /* since the last flush run */
    size_t n_inflight;       /* the batch being exported */
    int abandoned;
} batch;

static otel__stats *stats_of(batch *b) { return atomic_load_explicit(&b->stats, memory_order_relaxed); }

/* Under lock: a shutdown that gives up empties the ring itself. */
static size_t take_batch(batch *b) {
    size_t n = 0;
    otel_log_record *r;
    while (n < b->batch_size && (r = otel__ring_pop(&b->ring))) b->buf[n++] = r;
    if (n) otel__stats_sub(stats_of(b), OTEL__LOGS_QUEUED, n);
    return n;
}

static size_t export_one_batch(batch *b) {
    pthread_mutex_lock(&b->lock);
    size_t n = b->abandoned ? 0 : take_batch(b);
    b->n_inflight = n;
    pthread_mutex_unlock(&b->lock);
    if (!n) return 0;
    otel__export_outcome o = otel__log_exporter_export(b->exporter, (const otel_log_record *const *)b->buf,
                                                       n, b->export_timeout_ms);
    pthread_mutex_lock(&b->lock);
    int abandoned = b->abandoned; /* then shutdown counted this batch */
    if (!o.ok && !abandoned) b->failed_exports++;
    b->n_inflight = 0;
    pthread_mutex_unlock(&b->lock);
    if (!abandoned) otel__count_export(stats_of(b), o, n);
    for (size_t i = 0; i < n; i++) otel__log_record_release(b->buf[i]);
    return abandoned ? 0 : n;
}

static otel_status job_run(void *job, int flush) {
    batch *b = job;
    b->batch_started = 0;
    if (!flush) {
        export_one_batch(b);
        return OTEL_OK;
    }
    while (export_one_batch(b)) {}
    otel_status st = otel__log_exporter_force_flush(b->exporter, b->export_timeout_ms);
    pthread_mutex_lock(&b->lock);
    if (st == OTEL_OK && b->failed_exports) st = OTEL_ERR_EXPORT;
    b->failed_exports = 0;
    pthread_mutex_unlock(&b->lock);
    return st;
}

static uint64_t job_next_due(void *job, uint64_t now, uint64_t last_run) {
    (void)last_run;
    batch *b = job;
    size_t size = otel__ring_size(&b->ring);
    if (!size) {
        b->batch_started = 0;
        return UINT64_MAX;
    }
    if (size >= b->batch_size) return 0;
    if (!b->batch_started) b->batch_started = now;
    return b->batch_started + (uint64_t)b->delay_ms * 1000000ull;
}

/* The caller is the ring's only consumer now. Returns the records as a
 * list, to release outside the lock. */
static otel_log_record *drop_queued(batch *b) {
    otel__stats *st = stats_of(b);
    otel_log_record *list = NULL, *r;
    while ((r = otel__ring_pop(&b->ring))) {
        otel__stats_sub(st, OTEL__LOGS_QUEUED, 1);
        otel__stats_add(st, OTEL_STAT_DROPPED_SHUTDOWN, 1);
        r->queue_next = list;
        list = r;
    }
    return list;
}

static void release_list(otel_log_record *r) {
    while (r) {
        otel_log_record *next = r->queue_next;
        otel__log_record_release(r);
        r = next;
    }
}

static void job_abandon(void *job) {
    batch *b = job;
    pthread_mutex_lock(&b->lock);
    b->abandoned = 1;
    otel__stats_add(stats_of(b), OTEL_STAT_DROPPED_SHUTDOWN, b->n_inflight);
    otel_log_record *left = drop_queued(b);
    pthread_mutex_unlock(&b->lock);
    release_list(left);
    otel__log_exporter_abort(b->exporter);
}

static void drop_item(void *r) { otel__log_record_release(r); }

/* In a fork child: the parent exports what it had queued; the child lets
 * its copies go without counting (its stats start at zero). */
static void job_fork_child(void *job, int had_thread) {
    batch *b = job;
    pthread_mutex_init(&b->lock, NULL);
    otel__ring_fork_reset(&b->ring, drop_item);
    for (size_t i = 0; i < b->n_inflight; i++) otel__log_record_release(b->buf[i]);
    b->n_inflight = 0;
    b->batch_started = 0;
    b->failed_exports = 0;
    if (had_thread) atomic_fetch_sub(&b->self->refs, 1);
}

static void job_hold(void *job) { otel_log_processor_retain(((batch *)job)->self); }
static void job_release(void *job) {
    batch *b = job;
    pthread_mutex_lock(&b->lock);
    int abandoned = b->abandoned;
    pthread_mutex_unlock(&b->lock);
    if (abandoned) otel__log_exporter_shutdown(b->exporter, 1000);
    otel_log_processor_release(b->self);
}

static const otel__worker_job batch_job = {job_run, job_next_due, job_abandon, job_fork_child,
                                           job_hold, job_release};

/* ---- processor callbacks ---- */

static int batch_full(void *arg) {
    batch *b = arg;
    return otel__ring_size(&b->ring) >= b->batch_size;
}

static void batch_on_emit(otel_log_processor *p, otel_log_record *r) {
    batch *b = p->impl;
    otel__stats *st = stats_of(b);
    if (__builtin_expect(atomic_load_explicit(&b->stopping, memory_order_relaxed), 0)) {
        otel__stats_add(st, OTEL_STAT_DROPPED_SHUTDOWN, 1);
        return;
    }
    otel__log_record_retain(r);
    if (!otel__ring_push(&b->ring, r)) {
        otel__stats_add(st, OTEL_STAT_DROPPED_QUEUE_FULL, 1);
        OTEL_LOG_W("batch log queue is full; log records are being dropped");
        otel__log_record_release(r);
        return;
    }
    otel__stats_add(st, OTEL__LOGS_QUEUED, 1);
    otel__worker_notify(b->worker, batch_full, b);
}

static otel_status batch_flush(otel_log_processor *p, uint32_t timeout_ms) {
    batch *b = p->impl;
    otel_status st = otel__worker_flush(b->worker, timeout_ms);
    if (st == OTEL_ERR_EXPORT)
        return otel__fail(st, "force_flush: a log export failed (the stats' last error says why)");
    if (st == OTEL_ERR_TIMEOUT)
        return otel__fail(st, "force_flush: the log export did not finish in %u ms", timeout_ms);
    return st;
}

static otel_status batch_shutdown(otel_log_processor *p, uint32_t timeout_ms) {
    batch *b = p->impl;
    uint64_t deadline = otel__deadline_ms(timeout_ms);
    atomic_store(&b->stopping, 1);
    otel__log_exporter_last_attempts(b->exporter);
    if (otel__worker_shutdown(b->worker, timeout_ms) == OTEL_ERR_TIMEOUT) {
        OTEL_LOG_W("batch log processor: shutdown timed out; the export in flight is abandoned");
        return otel__fail(OTEL_ERR_TIMEOUT, "shutdown: the log export did not finish in %u ms", timeout_ms);
    }
    pthread_mutex_lock(&b->lock);
    otel_log_record *left = drop_queued(b); /* emitted while the worker made its last pass */
    pthread_mutex_unlock(&b->lock);
    release_list(left);
    uint64_t now = otel__clock_mono_ns();
    uint32_t ms_left = deadline == UINT64_MAX ? 0
                       : now >= deadline      ? 1
                                              : (uint32_t)((deadline - now) / 1000000ull + 1);
    return otel__log_exporter_shutdown(b->exporter, ms_left);
}

static void batch_destroy(otel_log_processor *p) {
    batch *b = p->impl;
    release_list(drop_queued(b));
    otel__worker_free(b->worker);
    otel_log_exporter_release(b->exporter);
    pthread_mutex_destroy(&b->lock);
    otel__ring_free(&b->ring);
    free(b->buf);
    free(b);
}

static const otel__log_processor_vtable batch_vt = {batch_on_emit, NULL, batch_flush, batch_shutdown,
                                                    batch_destroy};

void otel__log_batch_attach(otel_log_processor *p, otel__stats *st) {
    if (p->vt != &batch_vt) return;
    batch *b = p->impl;
    atomic_store(&b->stats, st);
    atomic_store(&b->exporter->stats, st);
}

OTEL_API otel_status otel_log_processor_batch_new(otel_log_processor **out, otel_log_exporter *exp,
                                                  const otel_options *opts) {
    if (!out || !exp)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_log_processor_batch_new: out and exporter are required");
    *out = NULL;
    int64_t queue = otel__opt_int(opts, "OTEL_BLRP_MAX_QUEUE_SIZE", 2048, 1, 1 << 24);
    int64_t batch_size = otel__opt_int(opts, "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", 512, 1, 1 << 24);
    if (batch_size > queue) {
        OTEL_LOG_W("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE exceeds the queue size; using the queue size");
        batch_size = queue;
    }
    if (!otel__log_exporter_claim(exp))
        return otel__fail(OTEL_ERR_STATE, "otel_log_processor_batch_new: the exporter serves another processor");
    batch *b = calloc(1, sizeof *b);
    int ring_ok = b && otel__ring_init(&b->ring, (size_t)queue);
    if (b) {
        b->buf = malloc((size_t)batch_size * sizeof *b->buf);
        b->worker = otel__worker_new(&batch_job, b, 0);
    }
    if (!b || !ring_ok || !b->buf || !b->worker) {
        if (b) {
            otel__worker_free(b->worker);
            if (ring_ok) otel__ring_free(&b->ring);
            free(b->buf);
        }
        free(b);
        atomic_store(&exp->attached, 0);
        return otel__fail(OTEL_ERR_NO_MEMORY, "otel_log_processor_batch_new: out of memory");
    }
    b->batch_size = (size_t)batch_size;
    b->delay_ms = (uint32_t)otel__opt_int(opts, "OTEL_BLRP_SCHEDULE_DELAY", 1000, 0, UINT32_MAX);
    b->export_timeout_ms = (uint32_t)otel__opt_int(opts, "OTEL_BLRP_EXPORT_TIMEOUT", 30000, 0, UINT32_MAX);
    b->exporter = otel_log_exporter_retain(exp);
    pthread_mutex_init(&b->lock, NULL);
    otel_status st = otel__log_processor_new(out, &batch_vt, b);
    if (st != OTEL_OK) {
        batch_destroy(&(otel_log_processor){.impl = b});
        return st;
    }
    b->self = *out;
    st = otel__options_verdict(opts, "otel_log_processor_batch_new");
    if (st != OTEL_OK) {
        otel_log_processor_release(*out);
        *out = NULL;
        return otel__options_verdict(opts, "otel_log_processor_batch_new");
    }
    return OTEL_OK;
}
