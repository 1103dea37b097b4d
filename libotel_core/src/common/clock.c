/* A fast realtime clock: the invariant TSC scaled to nanoseconds, anchored
 * to CLOCK_REALTIME per thread every 50 ms. clock_gettime() costs ~35 ns in
 * common VMs and a span needs two timestamps; rdtsc costs a third of that.
 *
 * The rate (ns per tick) is measured against CLOCK_REALTIME over windows of
 * at least one second, so it follows NTP slewing; until the first window
 * completes, and on CPUs without an invariant TSC, clock_gettime() is used.
 * Readings from one thread never go backwards within an anchor period; the
 * span code also clamps end >= start. */
#include <cpuid.h>
#include <pthread.h>
#include <stdatomic.h>

#include "common/clock.h"

#define ANCHOR_NS 50000000ull    /* re-anchor each thread every 50 ms */
#define WINDOW_NS 1000000000ull  /* measure the rate over >= 1 s */
#define FIRST_NS 2000000ull      /* a provisional rate after 2 ms */
#define PROVISIONAL_ANCHOR_NS 5000000ull

__extension__ typedef unsigned __int128 u128;
static _Atomic int g_precise;

static _Atomic uint64_t g_mult;  /* ns per tick << 32; 0 = not calibrated */
static _Atomic uint64_t g_win_tsc, g_win_ns;
/* -1 until detect() ran; read on every call from any thread, so atomic
 * (relaxed: detect() writes the same value whichever thread runs it) */
static _Atomic int g_usable = -1;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

typedef struct anchor {
    uint64_t tsc, ns, limit_tsc, mult;
} anchor;
static OTEL__TLS anchor tls_anchor;

static inline uint64_t rdtsc(void) {
#if defined(__x86_64__)
    return __builtin_ia32_rdtsc();
#else
    return 0;
#endif
}

static void detect(void) {
#if defined(__x86_64__)
    unsigned a, b, c, d;
    int usable = __get_cpuid(0x80000007, &a, &b, &c, &d) && (d & (1u << 8)) ? 1 : 0;
#else
    int usable = 0;
#endif
    atomic_store_explicit(&g_usable, usable, memory_order_relaxed);
}

/* Takes a fresh anchor and feeds the global rate measurement. */
static uint64_t reanchor(anchor *an) {
    uint64_t t0 = rdtsc();
    uint64_t ns = otel__clock_real_ns_sys();
    uint64_t t1 = rdtsc();
    uint64_t tsc = t0 + (t1 - t0) / 2;
    uint64_t wt = atomic_load_explicit(&g_win_tsc, memory_order_relaxed);
    uint64_t wn = atomic_load_explicit(&g_win_ns, memory_order_relaxed);
    if (wt == 0 || tsc < wt || ns < wn) {
        atomic_store(&g_win_tsc, tsc);
        atomic_store(&g_win_ns, ns);
    } else if (ns - wn >= WINDOW_NS && tsc > wt) {
        u128 m = ((u128)(ns - wn) << 32) / (tsc - wt);
        atomic_store(&g_mult, (uint64_t)m);
        atomic_store(&g_precise, 1);
        atomic_store(&g_win_tsc, tsc);
        atomic_store(&g_win_ns, ns);
    } else if (ns - wn >= FIRST_NS && tsc > wt && !atomic_load(&g_precise)) {
        /* rough rate for the first second; anchors are kept short meanwhile */
        u128 m = ((u128)(ns - wn) << 32) / (tsc - wt);
        atomic_store(&g_mult, (uint64_t)m);
    }
    an->mult = atomic_load_explicit(&g_mult, memory_order_relaxed);
    an->tsc = tsc;
    an->ns = ns;
    /* ticks in ANCHOR_NS: ANCHOR_NS / (mult / 2^32) */
    uint64_t period = atomic_load(&g_precise) ? ANCHOR_NS : PROVISIONAL_ANCHOR_NS;
    an->limit_tsc = an->mult ? tsc + (uint64_t)(((u128)period << 32) / an->mult)
                             : tsc + 1000000; /* uncalibrated: retry soon */
    return ns;
}

uint64_t otel__clock_real_ns(void) {
    int usable = atomic_load_explicit(&g_usable, memory_order_relaxed);
    if (__builtin_expect(usable < 0, 0)) {
        pthread_once(&g_once, detect);
        usable = atomic_load_explicit(&g_usable, memory_order_relaxed);
    }
    if (!usable) return otel__clock_real_ns_sys();
    anchor *an = &tls_anchor;
    uint64_t t = rdtsc();
    if (__builtin_expect(t >= an->limit_tsc || t < an->tsc || !an->mult, 0)) {
        return reanchor(an);
    }
    return an->ns + (uint64_t)(((u128)(t - an->tsc) * an->mult) >> 32);
}
