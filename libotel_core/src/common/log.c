/* Diagnostics: level, per-site rate limiting, and the queue that keeps every
 * write off the caller's thread.
 *
 * A message is formatted and redacted on the caller's thread into a slot of
 * a bounded lock-free ring (Vyukov's bounded queue: a sequence number per
 * slot); one diagnostics thread, started on the first message, writes the
 * slots to stderr or hands them to the user's handler. A full ring drops the
 * message and counts it; the thread reports the count once it has room. So a
 * full stderr pipe blocks only that thread, never otel_span_end().
 *
 * fork(): the child handler (STATE phase of common/fork.h, so before any
 * worker's child handler could log) takes no lock: it empties the ring and
 * forgets the thread; the child's first message starts its own. exit(): an
 * atexit handler gives the thread a bounded time to drain. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/fork.h"
#include "common/log.h"
#include "common/redact.h"
#include "common/strutil.h"

#define OTEL__LOG_BURST 5
#define OTEL__LOG_INTERVAL_NS (10ull * 1000000000ull)
#define RING 64            /* slots; a power of two */
#define SLOT_TEXT 1024     /* a message is cut (after redaction) to this */
#define EXIT_DRAIN_MS 200  /* what exit() gives the thread to drain */

typedef struct slot {
    _Atomic size_t seq;
    int level;
    size_t len;
    char text[SLOT_TEXT];
} slot;

static slot ring[RING];
static _Atomic size_t ring_head;    /* next position to claim (producers) */
static _Atomic size_t ring_done;    /* positions delivered (the thread) */
static _Atomic uint64_t dropped;    /* messages lost to a full ring, ever */
static _Atomic uint64_t dropped_reported;
/* 0: no thread in this process; 1: being started; 2: running */
static _Atomic int thread_state;
static sem_t wake;
static pthread_t diag_thread;
static _Thread_local int on_diag_thread;

/* Held by the thread while it calls the user's handler, and by
 * otel_set_log_handler(), so that once the latter returns the old handler
 * is not running and its user_data may be freed. Never held across a write
 * to stderr. */
static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static otel_log_fn sink_fn;
static void *sink_data;

/* -1: not read from OTEL_LOG_LEVEL yet. */
static _Atomic int min_level = -1;

static void ring_reset(void) {
    for (size_t i = 0; i < RING; i++) atomic_store_explicit(&ring[i].seq, i, memory_order_relaxed);
    atomic_store(&ring_head, 0);
    atomic_store(&ring_done, 0);
}

static void log_fork_child(void) {
    ring_reset();
    atomic_store(&dropped, 0);
    atomic_store(&dropped_reported, 0);
    atomic_store(&thread_state, 0);
    on_diag_thread = 0;
    /* the thread that held it (the parent's diagnostics thread) is gone */
    pthread_mutex_init(&sink_lock, NULL);
}

static void log_at_exit(void);

__attribute__((constructor)) static void log_init(void) {
    ring_reset();
    otel__fork_register_handlers(OTEL__FORK_STATE, NULL, NULL, log_fork_child);
    atexit(log_at_exit);
}

/* ---- level --------------------------------------------------------------- */

int otel__log_parse_level(const char *v, int def) {
    static const char *const names[] = {"debug", "info", "warn", "error", "none", NULL};
    if (!v) return def;
    for (int i = 0; names[i]; i++)
        if (otel__ascii_ieq(v, strlen(v), names[i], strlen(names[i]))) return i;
    if (otel__ascii_ieq(v, strlen(v), "warning", 7)) return OTEL_LOG_WARN;
    return def;
}

int otel__log_enabled(int level) {
    int m = atomic_load_explicit(&min_level, memory_order_relaxed);
    if (m < 0) {
        m = otel__log_parse_level(getenv("OTEL_LOG_LEVEL"), OTEL_LOG_INFO);
        atomic_store(&min_level, m);
    }
    return level >= m && level < OTEL_LOG_NONE;
}

OTEL_API void otel_set_log_level(int level) {
    if (level < OTEL_LOG_DEBUG) level = OTEL_LOG_DEBUG;
    if (level > OTEL_LOG_NONE) level = OTEL_LOG_NONE;
    atomic_store(&min_level, level);
}

OTEL_API void otel_set_log_handler(otel_log_fn fn, void *user_data) {
    if (on_diag_thread) { /* from inside the handler: the lock is ours */
        sink_fn = fn;
        sink_data = user_data;
        return;
    }
    pthread_mutex_lock(&sink_lock);
    sink_fn = fn;
    sink_data = user_data;
    pthread_mutex_unlock(&sink_lock);
}

uint64_t otel__log_dropped(void) { return atomic_load(&dropped); }

/* ---- the diagnostics thread ---------------------------------------------- */

/* Writes all of line[0..n) to stderr; waits on a non-blocking one. */
static void write_stderr(const char *line, size_t n) {
    int stalls = 0;
    while (n > 0) {
        ssize_t w = write(2, line, n);
        if (w > 0) {
            line += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && stalls++ < 50) {
            struct pollfd p = {.fd = 2, .events = POLLOUT};
            poll(&p, 1, 100);
            continue;
        }
        return; /* closed, or stalled for 5 s: the rest of this line is lost */
    }
}

static void deliver(int level, const char *msg, size_t len) {
    static const char *const tags[] = {"debug", "info", "warn", "error"};
    pthread_mutex_lock(&sink_lock);
    if (sink_fn) {
        sink_fn(level, msg, len, sink_data);
        pthread_mutex_unlock(&sink_lock);
        return;
    }
    pthread_mutex_unlock(&sink_lock);
    char line[SLOT_TEXT + 32];
    int n = snprintf(line, sizeof line, "otel[%s]: %.*s\n", tags[level & 3], (int)len, msg);
    if (n > 0) write_stderr(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void report_dropped(void) {
    uint64_t d = atomic_load(&dropped), r = atomic_load(&dropped_reported);
    if (d == r) return;
    atomic_store(&dropped_reported, d);
    char msg[96];
    int n = snprintf(msg, sizeof msg, "%llu diagnostics dropped (the diagnostics queue was full)",
                     (unsigned long long)(d - r));
    deliver(OTEL_LOG_WARN, msg, (size_t)n);
}

/* Delivers every published slot, in order; returns how many. */
static size_t drain(void) {
    size_t got = 0;
    for (;;) {
        size_t pos = atomic_load(&ring_done);
        slot *s = &ring[pos & (RING - 1)];
        if (atomic_load_explicit(&s->seq, memory_order_acquire) != pos + 1) break;
        deliver(s->level, s->text, s->len);
        atomic_store_explicit(&s->seq, pos + RING, memory_order_release);
        atomic_store(&ring_done, pos + 1);
        got++;
    }
    return got;
}

static void *diag_main(void *arg) {
    (void)arg;
    on_diag_thread = 1;
    for (;;) {
        drain();
        report_dropped();
        while (sem_wait(&wake) != 0 && errno == EINTR) {}
    }
    return NULL;
}

static void start_thread(void) {
    int expect = 0;
    if (!atomic_compare_exchange_strong(&thread_state, &expect, 1)) return;
    sem_init(&wake, 0, 0);
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    /* the host's signals are not for this thread; a closed stderr gives
     * EPIPE here instead of SIGPIPE */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&diag_thread, &a, diag_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&a);
    if (rc != 0) {
        atomic_store(&thread_state, 0); /* messages wait in the ring; the next one tries again */
        return;
    }
    atomic_store(&thread_state, 2);
    sem_post(&wake); /* for a message queued while the state was 1 */
}

static void enqueue(int level, const char *msg, size_t len) {
    size_t pos = atomic_load_explicit(&ring_head, memory_order_relaxed);
    slot *s;
    for (;;) {
        s = &ring[pos & (RING - 1)];
        size_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)pos;
        if (dif == 0) {
            if (atomic_compare_exchange_weak_explicit(&ring_head, &pos, pos + 1,
                                                      memory_order_relaxed, memory_order_relaxed))
                break;
        } else if (dif < 0) {
            atomic_fetch_add(&dropped, 1); /* full */
            return;
        } else {
            pos = atomic_load_explicit(&ring_head, memory_order_relaxed);
        }
    }
    s->level = level;
    s->len = otel__redact(s->text, sizeof s->text, msg, len);
    atomic_store_explicit(&s->seq, pos + 1, memory_order_release);
    int st = atomic_load(&thread_state);
    if (st == 2) sem_post(&wake);
    else if (st == 0) start_thread();
}

/* Waits until every message queued before the call is delivered, or until
 * `deadline_ns` (monotonic). 1 when delivered. */
static int wait_delivered(uint64_t deadline_ns) {
    if (on_diag_thread) return 1; /* it cannot wait for itself */
    size_t target = atomic_load(&ring_head);
    while (atomic_load(&ring_done) < target) {
        if (atomic_load(&thread_state) == 0) start_thread();
        if (otel__clock_mono_ns() >= deadline_ns) return 0;
        struct timespec ts = {0, 1000000}; /* 1 ms */
        nanosleep(&ts, NULL);
    }
    return 1;
}

OTEL_API otel_status otel_log_flush(uint32_t timeout_ms) {
    if (wait_delivered(otel__clock_mono_ns() + (uint64_t)timeout_ms * 1000000ull)) return OTEL_OK;
    return otel__fail(OTEL_ERR_TIMEOUT, "otel_log_flush: diagnostics not delivered within %u ms",
                      (unsigned)timeout_ms);
}

static void log_at_exit(void) {
    if (atomic_load(&thread_state) != 2) return;
    wait_delivered(otel__clock_mono_ns() + EXIT_DRAIN_MS * 1000000ull);
}

/* ---- the producers' side ------------------------------------------------- */

void otel__log_at(otel__log_site *site, int level, const char *fmt, ...) {
    uint64_t now = otel__clock_mono_ns();
    uint64_t start = atomic_load_explicit(&site->window_start_ns, memory_order_relaxed);
    uint32_t suppressed = 0;
    if (start == 0 || now - start >= OTEL__LOG_INTERVAL_NS) {
        /* a new window: whoever wins the swap reports what was suppressed */
        if (atomic_compare_exchange_strong(&site->window_start_ns, &start, now)) {
            atomic_store(&site->in_window, 0);
            suppressed = atomic_exchange(&site->suppressed, 0);
        }
    }
    if (atomic_fetch_add(&site->in_window, 1) >= OTEL__LOG_BURST) {
        atomic_fetch_add(&site->suppressed, 1);
        return;
    }
    /* the whole message first (redaction needs all of it), cut afterwards */
    char stack[2048], *msg = stack;
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(stack, sizeof stack, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    size_t len = (size_t)n;
    if (len + 64 >= sizeof stack) {
        msg = malloc(len + 64);
        if (msg) vsnprintf(msg, len + 1, fmt, ap2);
        else msg = stack, len = sizeof stack - 64;
    }
    va_end(ap2);
    if (suppressed)
        len += (size_t)snprintf(msg + len, 64, " (%u similar messages suppressed)", suppressed);
    enqueue(level, msg, len);
    if (msg != stack) free(msg);
}
