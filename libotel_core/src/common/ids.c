/* Seeding of the per-thread id generator (the generator is in ids.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/fork.h"
#include "common/ids.h"

_Atomic uint32_t otel__fork_generation = 1;
OTEL__TLS otel__rng otel__tls_rng;

/* A child must never repeat its parent's ids: every thread reseeds on its
 * first id after fork. */
static void ids_fork_child(void) { atomic_fetch_add(&otel__fork_generation, 1); }
static void ids_register(void) { otel__fork_register_handlers(OTEL__FORK_STATE, NULL, NULL, ids_fork_child); }

void otel__rng_seed(otel__rng *r, uint32_t gen) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, ids_register);
    uint64_t s = 0;
    if (getrandom(&s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s)
        /* no entropy yet (early boot): time, pid and the state's address */
        s = otel__clock_real_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)r;
    r->state = s;
    r->generation = gen;
}

uint64_t otel__rand64(void) { return otel__rng_next(otel__get_rng()); }

void otel__trace_id(uint8_t out[16]) {
    uint64_t a, b;
    do {
        a = otel__rand64();
        b = otel__rand64();
    } while (!(a | b));
    memcpy(out, &a, 8);
    memcpy(out + 8, &b, 8);
}

void otel__span_id(uint8_t out[8]) {
    uint64_t a;
    do a = otel__rand64();
    while (!a);
    memcpy(out, &a, 8);
}
