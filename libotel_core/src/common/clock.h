/* Clocks: realtime for timestamps, monotonic for deadlines. */
#ifndef OTEL_COMMON_CLOCK_H
#define OTEL_COMMON_CLOCK_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* Hot thread-locals use the initial-exec model: a plain %fs-relative load
 * instead of a __tls_get_addr call per access (the library's few hot TLS
 * bytes fit the static TLS surplus glibc keeps for dlopen()). */
#if defined(__GNUC__)
#define OTEL__TLS _Thread_local __attribute__((tls_model("initial-exec")))
#else
#define OTEL__TLS _Thread_local
#endif

/* CLOCK_REALTIME straight from the system. */
static inline uint64_t otel__clock_real_ns_sys(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Realtime nanoseconds from the calibrated TSC (clock.c); falls back to
 * CLOCK_REALTIME where the TSC is not invariant. */
uint64_t otel__clock_real_ns(void);

static inline uint64_t otel__clock_mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* An absolute CLOCK_MONOTONIC deadline `ms` from now (0 ms: none, UINT64_MAX). */
static inline uint64_t otel__deadline_ms(uint32_t ms) {
    return ms == 0 ? UINT64_MAX : otel__clock_mono_ns() + (uint64_t)ms * 1000000ull;
}

/* Fills a timespec for pthread_cond_timedwait on a CLOCK_MONOTONIC condvar. */
static inline struct timespec otel__timespec_of(uint64_t mono_ns) {
    struct timespec ts;
    ts.tv_sec = (time_t)(mono_ns / 1000000000ull);
    ts.tv_nsec = (long)(mono_ns % 1000000000ull);
    return ts;
}

/* A condition variable whose timed waits take CLOCK_MONOTONIC deadlines,
 * so a wall-clock step never stretches or cuts a wait. */
static inline void otel__cond_init_mono(pthread_cond_t *c) {
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(c, &ca);
    pthread_condattr_destroy(&ca);
}

#endif
