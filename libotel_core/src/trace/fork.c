/* fork(): the child gets fresh ids and an empty, working pipeline. */
#include <pthread.h>

#include "common/ids.h"
#include "trace/internal.h"

void otel__batch_fork_prepare(void);
void otel__batch_fork_parent(void);
void otel__batch_fork_child(void);

static void child(void) {
    otel__ids_after_fork();
    otel__batch_fork_child();
}

static void install(void) {
    pthread_atfork(otel__batch_fork_prepare, otel__batch_fork_parent, child);
}

void otel__fork_register(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install);
}
