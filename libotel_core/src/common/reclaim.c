/* Reader records and the reclaimer's side of common/reclaim.h. */
#include "common/fork.h"
#include "common/reclaim.h"

#include <linux/membarrier.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

_Atomic uint64_t otel__reclaim_epoch = 1;
OTEL__TLS otel__reclaim_rec *otel__reclaim_self;

/* Every record ever made, newest first; records are reused, never freed
 * (there are at most as many as threads that ever overlapped). */
static otel__reclaim_rec *_Atomic records;
static pthread_key_t rec_key;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int barrier_cmd; /* 0: reclamation off */
/* Out of memory for a record: threads share `spare` and nothing is ever
 * reclaimed again (a shared record cannot say who is inside). */
static otel__reclaim_rec spare;
static _Atomic int crippled;
static pthread_mutex_t advance_lock = PTHREAD_MUTEX_INITIALIZER;

static void rec_release(void *p) {
    otel__reclaim_rec *r = p;
    atomic_store_explicit(&r->active, 0, memory_order_release);
    atomic_store(&r->in_use, 0);
    otel__reclaim_self = NULL;
}

/* After fork only the forking thread lives; the others' records are free
 * (one caught inside a section would otherwise block reclamation forever). */
static void fork_child(void) {
    for (otel__reclaim_rec *r = atomic_load(&records); r; r = r->next) {
        if (r == otel__reclaim_self) continue;
        atomic_store(&r->active, 0);
        atomic_store(&r->in_use, 0);
    }
}

static long membarrier(int cmd) { return syscall(__NR_membarrier, cmd, 0, 0); }

static void init(void) {
    pthread_key_create(&rec_key, rec_release);
    otel__fork_register_handlers(OTEL__FORK_STATE, NULL, NULL, fork_child);
    long cmds = membarrier(MEMBARRIER_CMD_QUERY);
    if (cmds < 0) return; /* no membarrier (old kernel, some sandboxes, valgrind) */
    if ((cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
        membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
        barrier_cmd = MEMBARRIER_CMD_PRIVATE_EXPEDITED;
    else if (cmds & MEMBARRIER_CMD_GLOBAL)
        barrier_cmd = MEMBARRIER_CMD_GLOBAL;
}

otel__reclaim_rec *otel__reclaim_register(void) {
    pthread_once(&once, init);
    otel__reclaim_rec *r;
    for (r = atomic_load(&records); r; r = r->next) {
        int free_rec = 0;
        if (atomic_compare_exchange_strong(&r->in_use, &free_rec, 1)) break;
    }
    if (!r) {
        r = aligned_alloc(64, sizeof *r);
        if (!r) {
            atomic_store(&crippled, 1);
            otel__reclaim_self = &spare;
            return &spare;
        }
        atomic_init(&r->active, 0);
        atomic_init(&r->in_use, 1);
        r->next = atomic_load(&records);
        while (!atomic_compare_exchange_weak(&records, &r->next, r)) {
        }
    }
    otel__reclaim_self = r;
    pthread_setspecific(rec_key, r);
    return r;
}

int otel__reclaim_available(void) {
    pthread_once(&once, init);
    return barrier_cmd != 0;
}

uint64_t otel__reclaim_advance(void) {
    pthread_once(&once, init);
    /* one advance at a time: each caller's barrier follows its own unlinks */
    pthread_mutex_lock(&advance_lock);
    uint64_t e = atomic_fetch_add(&otel__reclaim_epoch, 1) + 1;
    if (barrier_cmd) membarrier(barrier_cmd);
    pthread_mutex_unlock(&advance_lock);
    return e;
}

uint64_t otel__reclaim_oldest(void) {
    if (atomic_load(&crippled)) return 0;
    uint64_t oldest = UINT64_MAX;
    for (otel__reclaim_rec *r = atomic_load(&records); r; r = r->next) {
        uint64_t a = atomic_load_explicit(&r->active, memory_order_acquire);
        if (a && a < oldest) oldest = a;
    }
    return oldest;
}
