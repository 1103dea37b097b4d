/* The fork-safe lock registry (forklock.h). */
#include <stdlib.h>

#include "common/fork.h"
#include "common/forklock.h"

typedef struct entry {
    pthread_mutex_t *m;
    int reinit; /* not waited for: re-initialized in the child */
    struct entry *next; /* newest first */
} entry;

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static entry *head;

static void prepare(void) {
    pthread_mutex_lock(&registry);
    for (entry *e = head; e; e = e->next)
        if (!e->reinit) pthread_mutex_lock(e->m);
}

static void parent(void) {
    for (entry *e = head; e; e = e->next)
        if (!e->reinit) pthread_mutex_unlock(e->m);
    pthread_mutex_unlock(&registry);
}

static void child(void) {
    for (entry *e = head; e; e = e->next) {
        if (e->reinit) pthread_mutex_init(e->m, NULL);
        else pthread_mutex_unlock(e->m);
    }
    pthread_mutex_unlock(&registry);
}

static void install(void) { otel__fork_register_handlers(OTEL__FORK_LOCKS, prepare, parent, child); }

static void add(pthread_mutex_t *m, int reinit) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install);
    entry *e = malloc(sizeof *e);
    if (!e) return; /* out of memory: this lock is simply not fork-protected */
    e->m = m;
    e->reinit = reinit;
    pthread_mutex_lock(&registry);
    e->next = head;
    head = e;
    pthread_mutex_unlock(&registry);
}

void otel__forklock_add(pthread_mutex_t *m) { add(m, 0); }
void otel__forklock_add_reinit(pthread_mutex_t *m) { add(m, 1); }

void otel__forklock_remove(pthread_mutex_t *m) {
    pthread_mutex_lock(&registry);
    for (entry **p = &head; *p; p = &(*p)->next)
        if ((*p)->m == m) {
            entry *e = *p;
            *p = e->next;
            free(e);
            break;
        }
    pthread_mutex_unlock(&registry);
}
