/* The in-memory exporter: keeps exported spans for tests to read back. */
#include <pthread.h>
#include <stdlib.h>

#include "common/error.h"
#include "common/forklock.h"
#include "export/exporter.h"

typedef struct memory_exporter {
    pthread_mutex_t lock;
    const otel_span_data **spans;
    size_t n, cap;
} memory_exporter;

static int mem_export(otel_exporter *self, const otel_span_data *const *spans, size_t n,
                      uint32_t timeout_ms) {
    (void)timeout_ms;
    memory_exporter *m = self->impl;
    pthread_mutex_lock(&m->lock);
    if (m->n + n > m->cap) {
        size_t ncap = m->cap ? m->cap : 64;
        while (ncap < m->n + n) ncap *= 2;
        const otel_span_data **p = realloc(m->spans, ncap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&m->lock);
            return OTEL_EXPORT_FAILURE;
        }
        m->spans = p;
        m->cap = ncap;
    }
    for (size_t i = 0; i < n; i++) m->spans[m->n++] = otel_span_data_retain(spans[i]);
    pthread_mutex_unlock(&m->lock);
    return OTEL_EXPORT_SUCCESS;
}

/* The spans are released after the lock: a release may take the span
 * allocator's locks, and holding this fork-registered lock meanwhile made
 * a lock-order cycle with fork's prepare handler (found by TSan). */
static void mem_reset(memory_exporter *m) {
    pthread_mutex_lock(&m->lock);
    const otel_span_data **spans = m->spans;
    size_t n = m->n;
    m->spans = NULL;
    m->n = m->cap = 0;
    pthread_mutex_unlock(&m->lock);
    for (size_t i = 0; i < n; i++) otel_span_data_release(spans[i]);
    free(spans);
}

static void mem_destroy(otel_exporter *self) {
    memory_exporter *m = self->impl;
    otel__forklock_remove(&m->lock);
    mem_reset(m);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static const otel__exporter_vtable mem_vt = {mem_export, NULL, NULL, mem_destroy, NULL, NULL};

OTEL_API otel_status otel_exporter_in_memory_new(otel_exporter **out) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_exporter_in_memory_new: out is NULL");
    memory_exporter *m = calloc(1, sizeof *m);
    if (!m) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_exporter_in_memory_new: out of memory");
    pthread_mutex_init(&m->lock, NULL);
    otel_status st = otel__exporter_new(out, &mem_vt, m);
    if (st != OTEL_OK) {
        pthread_mutex_destroy(&m->lock);
        free(m);
        return st;
    }
    otel__forklock_add(&m->lock); /* a worker inside mem_export may be caught by fork() */
    return st;
}

static memory_exporter *as_mem(otel_exporter *e) { return e && e->vt == &mem_vt ? e->impl : NULL; }

OTEL_API size_t otel_exporter_in_memory_count(otel_exporter *e) {
    memory_exporter *m = as_mem(e);
    if (!m) return 0;
    pthread_mutex_lock(&m->lock);
    size_t n = m->n;
    pthread_mutex_unlock(&m->lock);
    return n;
}

OTEL_API const otel_span_data *otel_exporter_in_memory_get(otel_exporter *e, size_t index) {
    memory_exporter *m = as_mem(e);
    if (!m) return NULL;
    pthread_mutex_lock(&m->lock);
    const otel_span_data *d = index < m->n ? otel_span_data_retain(m->spans[index]) : NULL;
    pthread_mutex_unlock(&m->lock);
    return d;
}

OTEL_API void otel_exporter_in_memory_reset(otel_exporter *e) {
    memory_exporter *m = as_mem(e);
    if (m) mem_reset(m);
}
