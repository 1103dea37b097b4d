/* The background worker every signal's pipeline runs on (the batch span
 * processor, the periodic metric reader, the batch log processor): one
 * thread, started lazily, with one protocol for waking, flushing, shutting
 * down and fork, so deadlines and fork behave the same for every signal.
 *
 * - The job says when it is next due (`next_due`, under the worker's
 *   lock); the worker sleeps until then or until woken. A job with nothing
 *   to do returns UINT64_MAX and the worker sleeps without timed wake-ups.
 * - flush(timeout) asks for one run with `flush` set and waits for it, at
 *   most timeout; it returns that run's status, or OTEL_ERR_TIMEOUT.
 * - shutdown(timeout) asks for a last run with `flush` set, then the
 *   thread exits and is joined. Past the deadline the worker is abandoned,
 *   never joined: `abandon` runs (on the caller's thread) so the job can
 *   cut its export short and count what it will not deliver; the thread
 *   finishes its step, sees it was abandoned, and frees itself.
 * - fork(): a registered WORKERS-phase handler gives each worker fresh
 *   synchronisation; the job's `fork_child` empties what the parent had
 *   queued, and the child's thread starts on the next wake (or at once,
 *   for a job that runs on a timer). */
#ifndef OTEL_EXPORT_WORKER_H
#define OTEL_EXPORT_WORKER_H

#include <stdatomic.h>
#include <stdint.h>

#include "otel/common.h"

typedef struct otel__worker otel__worker;

/* The first members of every worker, read inline on producers' hot paths. */
typedef struct otel__worker_head {
    _Atomic int state;   /* OTEL__WORKER_AWAKE or how it sleeps */
    _Atomic int started; /* the thread was created (0 again in a fork child) */
} otel__worker_head;
enum { OTEL__WORKER_AWAKE = 0, OTEL__WORKER_SLEEP_TIMED = 1, OTEL__WORKER_SLEEP_IDLE = 2 };

typedef struct otel__worker_job {
    /* On the worker thread, no lock held: do what is due. `flush`: a flush
     * or the final run of a shutdown asked for everything. The status is
     * what a flush that asked for this run returns. */
    otel_status (*run)(void *job, int flush);
    /* Under the worker's lock, on the worker thread: the CLOCK_MONOTONIC
     * time run is next due (<= now: at once), UINT64_MAX for "when woken".
     * `last_run` is when run last returned (0: never). */
    uint64_t (*next_due)(void *job, uint64_t now, uint64_t last_run);
    /* Optional. Shutdown gave up waiting (any thread, no worker lock held):
     * make the run in progress return soon and count what it will not
     * deliver. */
    void (*abandon)(void *job);
    /* Optional. In a fork child (no other thread exists): drop what the
     * parent had queued. `had_thread`: the parent's thread was running, and
     * the reference it held (hold) is the child's to drop without freeing. */
    void (*fork_child)(void *job, int had_thread);
    /* Optional. The thread keeps the job alive while it runs: hold when it
     * starts, release when it exits (the job may be freed then). */
    void (*hold)(void *job);
    void (*release)(void *job);
} otel__worker_job;

/* A worker for `job`; the thread starts at the first wake (or flush).
 * `timer_driven`: the job is due by time alone (a periodic reader), so the
 * thread starts at once and restarts at once in a fork child. NULL when out
 * of memory. */
otel__worker *otel__worker_new(const otel__worker_job *ops, void *job, int timer_driven);

/* Starts the thread if it is not running, and wakes it. Safe from any
 * thread; never blocks on I/O. */
void otel__worker_wake(otel__worker *w);

/* A producer queued work: wakes the worker only when it sleeps with no
 * timer, or sleeps on one and the work is `urgent` (a full batch, counted
 * only then). Two relaxed loads when nothing is to be done. */
static inline void otel__worker_notify(otel__worker *w, int (*urgent)(void *), void *arg) {
    otel__worker_head *h = (otel__worker_head *)w;
    if (__builtin_expect(!atomic_load_explicit(&h->started, memory_order_relaxed), 0)) {
        otel__worker_wake(w);
        return;
    }
    int s = atomic_load_explicit(&h->state, memory_order_relaxed);
    if (s == OTEL__WORKER_SLEEP_IDLE || (s == OTEL__WORKER_SLEEP_TIMED && urgent(arg))) otel__worker_wake(w);
}

otel_status otel__worker_flush(otel__worker *w, uint32_t timeout_ms);
/* Once; later calls return OTEL_OK at once. The last run's status, or
 * OTEL_ERR_TIMEOUT when the worker was abandoned. */
otel_status otel__worker_shutdown(otel__worker *w, uint32_t timeout_ms);
/* 1 while shutdown has not begun. */
int otel__worker_running(const otel__worker *w);
/* Frees the worker (after shutdown; an abandoned worker frees itself when
 * its thread finishes, and then calls job->release). */
void otel__worker_free(otel__worker *w);

#endif
