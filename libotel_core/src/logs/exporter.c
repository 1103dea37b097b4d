/* Log exporters: the handle, custom (callback), in-memory, console and
 * file (OTLP/JSON lines) exporters, and the one OTEL_LOGS_EXPORTER names. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdk/options.h"
#include "common/error.h"
#include "common/fdio.h"
#include "common/forklock.h"
#include "common/log.h"
#include "export/otlp_buf.h"
#include "logs/internal.h"

otel_status otel__log_exporter_new(otel_log_exporter **out, const otel__log_exporter_vtable *vt,
                                   void *impl) {
    otel_log_exporter *e = calloc(1, sizeof *e);
    if (!e) return otel__fail(OTEL_ERR_NO_MEMORY, "log exporter: out of memory");
    atomic_init(&e->refs, 1);
    e->vt = vt;
    e->impl = impl;
    *out = e;
    return OTEL_OK;
}

int otel__log_exporter_claim(otel_log_exporter *e) { return !atomic_exchange(&e->attached, 1); }

otel__export_outcome otel__log_exporter_export(otel_log_exporter *e, const otel_log_record *const *r,
                                               size_t n, uint32_t timeout_ms) {
    otel__export_outcome o = {0, 0, 0};
    if (atomic_load(&e->shut_down)) return o;
    e->rejected = 0;
    int res = e->vt->export_logs(e, r, n, timeout_ms);
    o.ok = res == OTEL_EXPORT_SUCCESS;
    o.too_large = res == OTEL__EXPORT_TOO_LARGE;
    o.rejected = o.ok ? (e->rejected < n ? e->rejected : n) : 0;
    return o;
}

otel_status otel__log_exporter_force_flush(otel_log_exporter *e, uint32_t timeout_ms) {
    if (atomic_load(&e->shut_down)) return OTEL_OK;
    return e->vt->force_flush ? e->vt->force_flush(e, timeout_ms) : OTEL_OK;
}

otel_status otel__log_exporter_shutdown(otel_log_exporter *e, uint32_t timeout_ms) {
    if (atomic_exchange(&e->shut_down, 1)) return OTEL_OK;
    return e->vt->shutdown ? e->vt->shutdown(e, timeout_ms) : OTEL_OK;
}

void otel__log_exporter_abort(otel_log_exporter *e) {
    if (e->vt->abort) e->vt->abort(e);
}

void otel__log_exporter_last_attempts(otel_log_exporter *e) {
    if (e->vt->last_attempts) e->vt->last_attempts(e);
}

OTEL_API otel_log_exporter *otel_log_exporter_retain(otel_log_exporter *exp) {
    if (exp) atomic_fetch_add_explicit(&exp->refs, 1, memory_order_relaxed);
    return exp;
}

OTEL_API void otel_log_exporter_release(otel_log_exporter *exp) {
    if (!exp || atomic_fetch_sub_explicit(&exp->refs, 1, memory_order_acq_rel) != 1) return;
    if (exp->vt->destroy) exp->vt->destroy(exp);
    free(exp);
}

/* ---- custom ---- */

typedef struct custom {
    otel_log_export_fn export_fn;
    otel_log_control_fn flush, shutdown;
    otel_log_free_fn free_fn;
    void *user_data;
} custom;

static int custom_export(otel_log_exporter *self, const otel_log_record *const *r, size_t n,
                         uint32_t timeout_ms) {
    (void)timeout_ms;
    custom *c = self->impl;
    int res = c->export_fn(r, n, c->user_data);
    return res == OTEL_EXPORT_SUCCESS ? OTEL_EXPORT_SUCCESS : OTEL_EXPORT_FAILURE;
}

static otel_status custom_flush(otel_log_exporter *self, uint32_t timeout_ms) {
    custom *c = self->impl;
    return c->flush ? c->flush(timeout_ms, c->user_data) : OTEL_OK;
}

static otel_status custom_shutdown(otel_log_exporter *self, uint32_t timeout_ms) {
    custom *c = self->impl;
    return c->shutdown ? c->shutdown(timeout_ms, c->user_data) : OTEL_OK;
}

static void custom_destroy(otel_log_exporter *self) {
    custom *c = self->impl;
    if (c->free_fn) c->free_fn(c->user_data);
    free(c);
}

static const otel__log_exporter_vtable custom_vt = {custom_export, custom_flush, custom_shutdown,
                                                    custom_destroy, NULL, NULL};

OTEL_API otel_status otel_log_exporter_custom_new(otel_log_exporter **out, otel_log_export_fn export_fn,
                                                  otel_log_control_fn flush_fn,
                                                  otel_log_control_fn shutdown_fn,
                                                  otel_log_free_fn free_fn, void *user_data) {
    if (!out || !export_fn) {
        if (free_fn) free_fn(user_data);
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_log_exporter_custom_new: out and export_fn are required");
    }
    *out = NULL;
    custom *c = malloc(sizeof *c);
    if (!c) {
        if (free_fn) free_fn(user_data);
        return otel__fail(OTEL_ERR_NO_MEMORY, "otel_log_exporter_custom_new: out of memory");
    }
    *c = (custom){export_fn, flush_fn, shutdown_fn, free_fn, user_data};
    otel_status st = otel__log_exporter_new(out, &custom_vt, c);
    if (st != OTEL_OK) custom_destroy(&(otel_log_exporter){.impl = c});
    return st;
}

/* ---- in-memory ---- */

typedef struct memory {
    pthread_mutex_t lock;
    otel_log_record **recs;
    size_t n, cap;
} memory;

static int mem_export(otel_log_exporter *self, const otel_log_record *const *r, size_t n,
                      uint32_t timeout_ms) {
    (void)timeout_ms;
    memory *m = self->impl;
    pthread_mutex_lock(&m->lock);
    if (m->n + n > m->cap) {
        size_t ncap = m->cap ? m->cap : 64;
        while (ncap < m->n + n) ncap *= 2;
        otel_log_record **p = realloc(m->recs, ncap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&m->lock);
            return OTEL_EXPORT_FAILURE;
        }
        m->recs = p, m->cap = ncap;
    }
    for (size_t i = 0; i < n; i++) {
        otel__log_record_retain((otel_log_record *)r[i]);
        m->recs[m->n++] = (otel_log_record *)r[i];
    }
    pthread_mutex_unlock(&m->lock);
    return OTEL_EXPORT_SUCCESS;
}

static void mem_reset(memory *m) {
    pthread_mutex_lock(&m->lock);
    otel_log_record **recs = m->recs;
    size_t n = m->n;
    m->recs = NULL;
    m->n = m->cap = 0;
    pthread_mutex_unlock(&m->lock);
    for (size_t i = 0; i < n; i++) otel__log_record_release(recs[i]);
    free(recs);
}

static void mem_destroy(otel_log_exporter *self) {
    memory *m = self->impl;
    mem_reset(m);
    otel__forklock_remove(&m->lock);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static const otel__log_exporter_vtable memory_vt = {mem_export, NULL, NULL, mem_destroy, NULL, NULL};

OTEL_API otel_status otel_log_exporter_in_memory_new(otel_log_exporter **out) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_log_exporter_in_memory_new: out is NULL");
    memory *m = calloc(1, sizeof *m);
    if (!m) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_log_exporter_in_memory_new: out of memory");
    pthread_mutex_init(&m->lock, NULL);
    otel__forklock_add(&m->lock); /* a worker inside mem_export may be caught by fork() */
    otel_status st = otel__log_exporter_new(out, &memory_vt, m);
    if (st != OTEL_OK) mem_destroy(&(otel_log_exporter){.impl = m});
    return st;
}

static memory *mem_of(otel_log_exporter *e) { return e && e->vt == &memory_vt ? e->impl : NULL; }

OTEL_API size_t otel_log_exporter_in_memory_count(otel_log_exporter *exp) {
    memory *m = mem_of(exp);
    if (!m) return 0;
    pthread_mutex_lock(&m->lock);
    size_t n = m->n;
    pthread_mutex_unlock(&m->lock);
    return n;
}

OTEL_API const otel_log_record *otel_log_exporter_in_memory_get(otel_log_exporter *exp, size_t i) {
    memory *m = mem_of(exp);
    if (!m) return NULL;
    pthread_mutex_lock(&m->lock);
    const otel_log_record *r = i < m->n ? m->recs[i] : NULL;
    pthread_mutex_unlock(&m->lock);
    return r;
}

OTEL_API void otel_log_exporter_in_memory_reset(otel_log_exporter *exp) {
    memory *m = mem_of(exp);
    if (m) mem_reset(m);
}

/* ---- console and file ---- */

typedef struct fd_exporter {
    int fd, owns_fd, json;
    char *path;
    otel__buf buf;
} fd_exporter;

static int fd_export(otel_log_exporter *self, const otel_log_record *const *r, size_t n,
                     uint32_t timeout_ms) {
    (void)timeout_ms;
    fd_exporter *x = self->impl;
    otel__stats *st = atomic_load(&self->stats);
    if (!n) return OTEL_EXPORT_SUCCESS;
    otel__buf_reset(&x->buf, 1u << 20);
    if (x->json) {
        if (otel__logs_encode_json(r, n, &x->buf) != OTEL_OK) {
            otel__stats_set_error(st, "file log exporter: out of memory");
            return OTEL_EXPORT_FAILURE;
        }
        otel__buf_putc(&x->buf, '\n');
    } else {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        if (!f) return OTEL_EXPORT_FAILURE;
        otel__logs_print(f, r, n);
        fclose(f);
        otel__buf_put(&x->buf, text, len);
        free(text);
    }
    if (x->buf.err) return OTEL_EXPORT_FAILURE;
    if (otel__write_all(x->fd, x->buf.p, x->buf.len) != 0) {
        otel__stats_set_error(st, "log exporter: writing %s failed: %s", x->path ? x->path : "fd",
                              strerror(errno));
        return OTEL_EXPORT_FAILURE;
    }
    return OTEL_EXPORT_SUCCESS;
}

static void fd_destroy(otel_log_exporter *self) {
    fd_exporter *x = self->impl;
    if (x->owns_fd && x->fd >= 0) close(x->fd);
    otel__buf_free(&x->buf);
    free(x->path);
    free(x);
}

static const otel__log_exporter_vtable fd_vt = {fd_export, NULL, NULL, fd_destroy, NULL, NULL};

static otel_status fd_new(otel_log_exporter **out, int fd, int owns, int json, char *path) {
    fd_exporter *x = calloc(1, sizeof *x);
    if (!x) {
        if (owns) close(fd);
        free(path);
        return otel__fail(OTEL_ERR_NO_MEMORY, "log exporter: out of memory");
    }
    x->fd = fd, x->owns_fd = owns, x->json = json, x->path = path;
    otel__buf_init(&x->buf, SIZE_MAX);
    otel_status st = otel__log_exporter_new(out, &fd_vt, x);
    if (st != OTEL_OK) fd_destroy(&(otel_log_exporter){.impl = x});
    return st;
}

OTEL_API otel_status otel_log_exporter_console_new(otel_log_exporter **out, int fd) {
    if (!out || fd < 0) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_log_exporter_console_new: bad argument");
    *out = NULL;
    return fd_new(out, fd, 0, 0, NULL);
}

OTEL_API otel_status otel_log_exporter_file_new(otel_log_exporter **out, const char *path) {
    if (!out || !path || !*path)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_log_exporter_file_new: bad argument");
    *out = NULL;
    char *p = strdup(path);
    if (!p) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_log_exporter_file_new: out of memory");
    if (strcmp(p, "-") == 0) return fd_new(out, STDOUT_FILENO, 0, 1, p);
    int fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        int err = errno;
        otel_status s = otel__fail(OTEL_ERR_IO, "otel_log_exporter_file_new: cannot open %.200s: %s", p,
                                   strerror(err));
        free(p);
        return s;
    }
    return fd_new(out, fd, 1, 1, p);
}

/* ---- OTEL_LOGS_EXPORTER ---- */

otel_status otel__log_exporter_from_env(otel_log_exporter **out, const otel_options *opts) {
    *out = NULL;
    static const char *const names[] = {"otlp", "console", "none", NULL};
    int which = otel__opt_enum(opts, "OTEL_LOGS_EXPORTER", names, 0);
    if (which == 2) return OTEL_OK;
    if (which == 1) return otel_log_exporter_console_new(out, STDOUT_FILENO);
    return otel_log_exporter_otlp_new(out, opts);
}
