/* An intrusive list of live objects of one kind, for fork handlers that
 * must visit each (stats, exporters, readers, providers). Add and remove
 * take the list's lock; a fork handler walks it with the lock held by
 * prepare (or, in the child, with no other thread left). */
#ifndef OTEL_COMMON_LIVE_LIST_H
#define OTEL_COMMON_LIVE_LIST_H

#include <pthread.h>
#include <stddef.h>

typedef struct otel__live_node {
    struct otel__live_node *prev, *next;
    int linked;
} otel__live_node;

typedef struct otel__live_list {
    pthread_mutex_t lock;
    otel__live_node *head;
} otel__live_list;

#define OTEL__LIVE_LIST_INIT {PTHREAD_MUTEX_INITIALIZER, NULL}

/* The object holding node `n` as member `field`. */
#define OTEL__LIVE_OF(n, type, field) ((type *)((char *)(n) - offsetof(type, field)))

static inline void otel__live_add(otel__live_list *l, otel__live_node *n) {
    pthread_mutex_lock(&l->lock);
    n->prev = NULL;
    n->next = l->head;
    if (l->head) l->head->prev = n;
    l->head = n;
    n->linked = 1;
    pthread_mutex_unlock(&l->lock);
}

/* Unlinks `n`; a node never added (or removed already) is ignored. */
static inline void otel__live_remove(otel__live_list *l, otel__live_node *n) {
    pthread_mutex_lock(&l->lock);
    if (n->linked) {
        if (n->prev) n->prev->next = n->next;
        else l->head = n->next;
        if (n->next) n->next->prev = n->prev;
        n->prev = n->next = NULL;
        n->linked = 0;
    }
    pthread_mutex_unlock(&l->lock);
}

#endif
