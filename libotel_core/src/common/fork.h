/* The library's one fork protocol. Every module that keeps state a forked
 * child must see differently registers its handlers here, in a phase; the
 * library installs a single pthread_atfork, so the order is fixed by phase,
 * never by who registered first:
 *
 *   prepare: WORKERS, STATE, LOCKS   (workers quiesce first, locks last)
 *   parent:  LOCKS, STATE, WORKERS
 *   child:   LOCKS, STATE, WORKERS   (locks are free before anything runs
 *                                     that might take one)
 *
 * A child handler may take a lock only if a LOCKS handler made it free (the
 * forklock registry takes its locks in prepare and lets them go in the
 * child). Registration is lock-free and may happen from any thread. */
#ifndef OTEL_COMMON_FORK_H
#define OTEL_COMMON_FORK_H

typedef enum otel__fork_phase {
    OTEL__FORK_LOCKS = 0,   /* mutexes: taken before fork, let go after */
    OTEL__FORK_STATE = 1,   /* process-wide state: ids, counters, epochs */
    OTEL__FORK_WORKERS = 2, /* background workers: emptied and restarted */
    OTEL__FORK__PHASES = 3
} otel__fork_phase;

typedef void (*otel__fork_fn)(void);

/* Adds handlers (any may be NULL) to `phase`; within a phase they run in
 * registration order (prepare in reverse). Call once per module, e.g. under
 * pthread_once. Returns 0 when the table is full (a bug: it is sized for
 * every module of the library). */
int otel__fork_register_handlers(otel__fork_phase phase, otel__fork_fn prepare,
                                 otel__fork_fn parent, otel__fork_fn child);

/* How many times this process is a fork child of a process that used the
 * library (0 in the original process): bumped first thing in the child. */
unsigned otel__fork_generation_now(void);

#endif
