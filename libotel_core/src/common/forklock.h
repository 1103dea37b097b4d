/* Mutexes that fork() must not catch held: each registered lock is taken
 * before fork and let go on both sides, so a child never inherits a lock
 * another thread of its parent held (the thread is gone in the child). */
#ifndef OTEL_COMMON_FORKLOCK_H
#define OTEL_COMMON_FORKLOCK_H

#include <pthread.h>

/* Registers `m` (the caller keeps it alive until forklock_remove). Locks
 * are taken newest first: an object made later usually wraps one made
 * earlier (a processor around its exporter), so its lock is the outer one. */
void otel__forklock_add(pthread_mutex_t *m);
/* For locks held across slow work (an export over the network): fork does
 * not wait for them; the child re-initializes them instead (whatever they
 * guarded must cope with the child starting afresh, as the exporters do). */
void otel__forklock_add_reinit(pthread_mutex_t *m);
void otel__forklock_remove(pthread_mutex_t *m);

#endif
