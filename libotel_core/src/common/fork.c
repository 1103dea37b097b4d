/* The fork protocol (fork.h): one pthread_atfork, handlers by phase. */
#include <pthread.h>
#include <stdatomic.h>

#include "common/fork.h"

#define SLOTS 16 /* per phase; the library registers a handful */

typedef struct slot {
    otel__fork_fn prepare, parent, child;
} slot;

static slot table[OTEL__FORK__PHASES][SLOTS];
/* slots claimed, and slots filled in (readers see only those) */
static _Atomic unsigned claimed[OTEL__FORK__PHASES], ready[OTEL__FORK__PHASES];
static _Atomic unsigned generation;

static unsigned count(int phase) { return atomic_load_explicit(&ready[phase], memory_order_acquire); }

static void prepare(void) {
    for (int ph = OTEL__FORK__PHASES - 1; ph >= 0; ph--)
        for (unsigned i = count(ph); i-- > 0;)
            if (table[ph][i].prepare) table[ph][i].prepare();
}

static void parent(void) {
    for (int ph = 0; ph < OTEL__FORK__PHASES; ph++)
        for (unsigned i = 0, n = count(ph); i < n; i++)
            if (table[ph][i].parent) table[ph][i].parent();
}

static void child(void) {
    atomic_fetch_add(&generation, 1);
    for (int ph = 0; ph < OTEL__FORK__PHASES; ph++)
        for (unsigned i = 0, n = count(ph); i < n; i++)
            if (table[ph][i].child) table[ph][i].child();
}

static void install(void) { pthread_atfork(prepare, parent, child); }

int otel__fork_register_handlers(otel__fork_phase phase, otel__fork_fn prep, otel__fork_fn par,
                                 otel__fork_fn chi) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install);
    unsigned i = atomic_fetch_add(&claimed[phase], 1);
    if (i >= SLOTS) return 0;
    table[phase][i] = (slot){prep, par, chi};
    /* publish in claim order, so `ready` never covers an unfilled slot */
    unsigned expect = i;
    while (!atomic_compare_exchange_weak_explicit(&ready[phase], &expect, i + 1, memory_order_release,
                                                  memory_order_relaxed))
        expect = i;
    return 1;
}

unsigned otel__fork_generation_now(void) { return atomic_load_explicit(&generation, memory_order_relaxed); }
