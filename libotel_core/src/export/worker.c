/* The background worker (worker.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/fork.h"
#include "common/live_list.h"
#include "common/log.h"
#include "export/worker.h"

#define AWAKE OTEL__WORKER_AWAKE
#define SLEEP_TIMED OTEL__WORKER_SLEEP_TIMED
#define SLEEP_IDLE OTEL__WORKER_SLEEP_IDLE

struct otel__worker {
    otel__worker_head h; /* first: read inline by otel__worker_notify */
    const otel__worker_job *ops;
    void *job;
    int timer_driven;
    _Atomic int running; /* shutdown has not begun */
    pthread_mutex_t lock;
    pthread_cond_t wake; /* the thread waits: work, flush or stop */
    pthread_cond_t done; /* flushers and shutdown wait */
    pthread_t thread;
    /* under lock */
    uint64_t flush_requested, flush_done, last_run;
    otel_status flush_status;
    int stop, exited, abandoned, joined, owner_gone;
    otel__live_node live;
};

/* ---- fork ---- */
static otel__live_list live = OTEL__LIVE_LIST_INIT;

static void start_thread(otel__worker *w);

static void fork_prepare(void) {
    pthread_mutex_lock(&live.lock);
    for (otel__live_node *n = live.head; n; n = n->next)
        pthread_mutex_lock(&OTEL__LIVE_OF(n, otel__worker, live)->lock);
}

static void fork_parent(void) {
    for (otel__live_node *n = live.head; n; n = n->next)
        pthread_mutex_unlock(&OTEL__LIVE_OF(n, otel__worker, live)->lock);
    pthread_mutex_unlock(&live.lock);
}

/* The parent's threads do not exist here: each worker starts again, empty. */
static void fork_child(void) {
    for (otel__live_node *n = live.head; n; n = n->next) {
        otel__worker *w = OTEL__LIVE_OF(n, otel__worker, live);
        int had_thread = atomic_load(&w->h.started) && !w->exited;
        otel__cond_init_mono(&w->wake);
        otel__cond_init_mono(&w->done);
        atomic_store(&w->h.state, AWAKE);
        w->flush_done = w->flush_requested;
        w->last_run = 0;
        if (!w->stop) atomic_store(&w->h.started, 0);
        else w->exited = 1;
        pthread_mutex_unlock(&w->lock);
        if (w->ops->fork_child) w->ops->fork_child(w->job, had_thread);
        if (w->timer_driven && !w->stop) start_thread(w);
    }
    pthread_mutex_unlock(&live.lock);
}

static void register_fork(void) {
    otel__fork_register_handlers(OTEL__FORK_WORKERS, fork_prepare, fork_parent, fork_child);
}

/* ---- the thread ---- */

static void *worker_main(void *arg) {
    otel__worker *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        if (w->stop || w->flush_requested > w->flush_done) {
            uint64_t target = w->flush_requested;
            int last = w->stop;
            pthread_mutex_unlock(&w->lock);
            otel_status st = w->ops->run(w->job, 1);
            pthread_mutex_lock(&w->lock);
            w->last_run = otel__clock_mono_ns();
            if (w->abandoned) break;
            w->flush_status = st;
            if (target > w->flush_done) w->flush_done = target;
            pthread_cond_broadcast(&w->done);
            if (last) break;
            continue;
        }
        uint64_t now = otel__clock_mono_ns();
        uint64_t due = w->ops->next_due(w->job, now, w->last_run);
        if (due <= now) {
            pthread_mutex_unlock(&w->lock);
            w->ops->run(w->job, 0);
            pthread_mutex_lock(&w->lock);
            w->last_run = otel__clock_mono_ns();
            if (w->abandoned) break;
            continue;
        }
        /* publish how we sleep, then look again: a producer that queued
         * work before seeing the state has made it due by now */
        atomic_store(&w->h.state, due == UINT64_MAX ? SLEEP_IDLE : SLEEP_TIMED);
        if (w->ops->next_due(w->job, now, w->last_run) != due) {
            atomic_store(&w->h.state, AWAKE);
            continue;
        }
        if (due == UINT64_MAX) {
            pthread_cond_wait(&w->wake, &w->lock);
        } else {
            struct timespec ts = otel__timespec_of(due);
            pthread_cond_timedwait(&w->wake, &w->lock, &ts);
        }
        atomic_store(&w->h.state, AWAKE);
    }
    w->exited = 1;
    int abandoned = w->abandoned, free_it = abandoned && w->owner_gone;
    const otel__worker_job *ops = w->ops; /* the owner may free w once we unlock */
    void *job = w->job;
    pthread_cond_broadcast(&w->done);
    pthread_mutex_unlock(&w->lock);
    if (abandoned) pthread_detach(pthread_self()); /* nobody joins us */
    if (free_it) otel__worker_free(w); /* its owner let go while we ran */
    if (ops->release) ops->release(job);
    return NULL;
}

static void start_thread(otel__worker *w) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&w->h.started, &expected, 1)) return;
    if (w->ops->hold) w->ops->hold(w->job);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    if (pthread_create(&w->thread, &attr, worker_main, w) != 0) {
        atomic_store(&w->h.started, 0);
        if (w->ops->release) w->ops->release(w->job);
        OTEL_LOG_E("cannot start an export thread");
    }
    pthread_attr_destroy(&attr);
}

/* ---- the API ---- */

otel__worker *otel__worker_new(const otel__worker_job *ops, void *job, int timer_driven) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_fork);
    otel__worker *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->ops = ops;
    w->job = job;
    w->timer_driven = timer_driven;
    atomic_init(&w->running, 1);
    pthread_mutex_init(&w->lock, NULL);
    otel__cond_init_mono(&w->wake);
    otel__cond_init_mono(&w->done);
    otel__live_add(&live, &w->live);
    if (timer_driven) start_thread(w);
    return w;
}

void otel__worker_wake(otel__worker *w) {
    if (!atomic_load(&w->h.started)) start_thread(w);
    pthread_mutex_lock(&w->lock);
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

int otel__worker_running(const otel__worker *w) { return atomic_load(&((otel__worker *)w)->running); }

otel_status otel__worker_flush(otel__worker *w, uint32_t timeout_ms) {
    uint64_t deadline = otel__deadline_ms(timeout_ms);
    if (!atomic_load(&w->h.started)) start_thread(w);
    pthread_mutex_lock(&w->lock);
    uint64_t target = ++w->flush_requested;
    pthread_cond_signal(&w->wake);
    otel_status st = OTEL_OK;
    while (w->flush_done < target && !w->exited) {
        if (otel__clock_mono_ns() >= deadline || !atomic_load(&w->h.started)) {
            st = OTEL_ERR_TIMEOUT;
            break;
        }
        struct timespec ts = otel__timespec_of(deadline);
        pthread_cond_timedwait(&w->done, &w->lock, &ts);
    }
    if (st == OTEL_OK && w->flush_done >= target) st = w->flush_status;
    pthread_mutex_unlock(&w->lock);
    return st;
}

otel_status otel__worker_shutdown(otel__worker *w, uint32_t timeout_ms) {
    uint64_t deadline = otel__deadline_ms(timeout_ms);
    if (!atomic_exchange(&w->running, 0)) return OTEL_OK; /* not the first call */
    if (!atomic_load(&w->h.started)) start_thread(w); /* its last run exports what is queued */
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_signal(&w->wake);
    if (!atomic_load(&w->h.started)) { /* no thread could start: run here */
        pthread_mutex_unlock(&w->lock);
        otel_status st = w->ops->run(w->job, 1);
        pthread_mutex_lock(&w->lock);
        w->flush_status = st;
        w->exited = 1;
    }
    while (!w->exited && otel__clock_mono_ns() < deadline) {
        struct timespec ts = otel__timespec_of(deadline);
        pthread_cond_timedwait(&w->done, &w->lock, &ts);
    }
    int exited = w->exited;
    if (!exited) w->abandoned = 1;
    pthread_mutex_unlock(&w->lock);
    if (!exited) {
        if (w->ops->abandon) w->ops->abandon(w->job);
        return OTEL_ERR_TIMEOUT;
    }
    if (atomic_load(&w->h.started)) {
        pthread_join(w->thread, NULL);
        w->joined = 1;
    }
    return w->flush_status; /* the last run's */
}

/* Exactly one of the owner and an abandoned thread frees the worker: the
 * one that comes last (owner_gone and exited decide, under the lock). */
void otel__worker_free(otel__worker *w) {
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    int still_running = w->abandoned && !w->exited && !w->owner_gone;
    w->owner_gone = 1;
    pthread_mutex_unlock(&w->lock);
    if (still_running) return; /* the thread frees it when it ends */
    otel__live_remove(&live, &w->live);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    pthread_cond_destroy(&w->done);
    free(w);
}
