/* fork() and the metrics SDK: no lock of a meter provider may be caught
 * held by a thread that does not exist in the child. The LOCKS-phase
 * prepare handler takes them all, in the order the SDK nests them (a
 * reader's collection lock, the provider's collection lock, the provider,
 * each meter, each instrument), so it waits for a collection or a series
 * insert in progress and never deadlocks against one; both sides let them
 * go after fork. Series spinlocks are held for a few instructions and are
 * not taken. The periodic reader restarts its own thread (otlp_reader.c). */
#include <pthread.h>

#include "common/fork.h"
#include "metrics/internal.h"

static otel__live_list providers = OTEL__LIVE_LIST_INIT;

#define EACH_PROVIDER(mp)                                                                    \
    for (otel__live_node *n_ = providers.head; n_; n_ = n_->next)                           \
        for (otel_meter_provider *mp = OTEL__LIVE_OF(n_, otel_meter_provider, live); mp; mp = NULL)

static void lock_provider(otel_meter_provider *mp) {
    /* readers come and go under mp->lock, taken only after theirs: remember
     * how many were locked */
    size_t n = mp->n_readers;
    for (size_t i = 0; i < n; i++) pthread_mutex_lock(&mp->readers[i]->collect_lock);
    mp->fork_readers_locked = n;
    pthread_mutex_lock(&mp->collect_lock);
    pthread_mutex_lock(&mp->lock);
    for (otel_meter *m = mp->meters; m; m = m->next) {
        pthread_mutex_lock(&m->lock);
        for (otel_instrument *inst = m->instruments; inst; inst = inst->next)
            pthread_mutex_lock(&inst->lock);
    }
}

static void unlock_provider(otel_meter_provider *mp) {
    for (otel_meter *m = mp->meters; m; m = m->next) {
        for (otel_instrument *inst = m->instruments; inst; inst = inst->next)
            pthread_mutex_unlock(&inst->lock);
        pthread_mutex_unlock(&m->lock);
    }
    pthread_mutex_unlock(&mp->lock);
    pthread_mutex_unlock(&mp->collect_lock);
    for (size_t i = 0; i < mp->fork_readers_locked; i++) pthread_mutex_unlock(&mp->readers[i]->collect_lock);
}

static void prepare(void) {
    pthread_mutex_lock(&providers.lock);
    EACH_PROVIDER(mp) lock_provider(mp);
}

/* The same in the parent and the child: the forking thread holds them all. */
static void release(void) {
    EACH_PROVIDER(mp) unlock_provider(mp);
    pthread_mutex_unlock(&providers.lock);
}

static void register_handlers(void) {
    otel__fork_register_handlers(OTEL__FORK_LOCKS, prepare, release, release);
}

void otel__metrics_fork_track(otel_meter_provider *mp) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_handlers);
    otel__live_add(&providers, &mp->live);
}

void otel__metrics_fork_untrack(otel_meter_provider *mp) { otel__live_remove(&providers, &mp->live); }
