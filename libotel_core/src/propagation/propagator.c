/* Composite, no-op, environment-configured and global propagators. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sdk/options.h"
#include "common/error.h"
#include "common/log.h"
#include "common/strutil.h"
#include "propagation/internal.h"

#define MAX_CHILDREN 16

static void noop_inject(const otel_propagator *p, otel_context *ctx, const otel__carrier *c) {
    (void)p;
    (void)ctx;
    (void)c;
}

static otel_context *noop_extract(const otel_propagator *p, otel_context *ctx,
                                  const otel__carrier *c) {
    (void)p;
    (void)c;
    return otel_context_retain(ctx);
}

static otel_propagator noop = {1, 1, noop_inject, noop_extract, NULL, 0, NULL, 0};

OTEL_API otel_propagator *otel_propagator_noop(void) { return &noop; }

static void composite_inject(const otel_propagator *p, otel_context *ctx, const otel__carrier *c) {
    for (size_t i = 0; i < p->n_children; i++)
        p->children[i]->inject(p->children[i], ctx, c);
}

static otel_context *composite_extract(const otel_propagator *p, otel_context *ctx,
                                       const otel__carrier *c) {
    otel_context *cur = otel_context_retain(ctx);
    for (size_t i = 0; i < p->n_children; i++) {
        otel_context *next = p->children[i]->extract(p->children[i], cur, c);
        otel_context_release(cur);
        cur = next;
    }
    return cur;
}

OTEL_API otel_propagator *otel_propagator_retain(otel_propagator *p) {
    if (p && !p->is_static) atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
    return p;
}

OTEL_API void otel_propagator_release(otel_propagator *p) {
    if (!p || p->is_static) return;
    if (atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1) return;
    for (size_t i = 0; i < p->n_children; i++) otel_propagator_release(p->children[i]);
    free(p->children);
    free((void *)p->fields);
    free(p);
}

OTEL_API otel_status otel_propagator_composite_new(otel_propagator **out,
                                                   otel_propagator *const *list, size_t n) {
    if (!out || (!list && n) || n > MAX_CHILDREN)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT,
                          "otel_propagator_composite_new: NULL out or list, or more than %d",
                          MAX_CHILDREN);
    for (size_t i = 0; i < n; i++)
        if (!list[i])
            return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_propagator_composite_new: NULL entry %zu", i);
    otel_propagator *p = calloc(1, sizeof *p);
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) nf += list[i]->n_fields;
    const char **fields = calloc(nf ? nf : 1, sizeof *fields);
    otel_propagator **children = calloc(n ? n : 1, sizeof *children);
    if (!p || !fields || !children) {
        free(p);
        free(fields);
        free(children);
        return otel__fail(OTEL_ERR_NO_MEMORY, "otel_propagator_composite_new: out of memory");
    }
    size_t f = 0;
    for (size_t i = 0; i < n; i++) {
        children[i] = otel_propagator_retain(list[i]);
        for (size_t k = 0; k < list[i]->n_fields; k++) {
            int seen = 0;
            for (size_t j = 0; j < f && !seen; j++) seen = strcmp(fields[j], list[i]->fields[k]) == 0;
            if (!seen) fields[f++] = list[i]->fields[k];
        }
    }
    atomic_init(&p->refs, 1);
    p->inject = composite_inject;
    p->extract = composite_extract;
    p->fields = fields;
    p->n_fields = f;
    p->children = children;
    p->n_children = n;
    *out = p;
    return OTEL_OK;
}

OTEL_API otel_status otel_propagator_from_env(otel_propagator **out, const otel_options *opts) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_propagator_from_env: NULL out");
    const char *v = otel__opt_str(opts, "OTEL_PROPAGATORS");
    if (!v) v = "tracecontext,baggage";
    static const struct {
        const char *name;
        otel_propagator *(*make)(void);
    } known[] = {{"tracecontext", otel_propagator_tracecontext},
                 {"baggage", otel_propagator_baggage},
                 {"b3", otel_propagator_b3},
                 {"b3multi", otel_propagator_b3multi}};
    otel_propagator *list[MAX_CHILDREN];
    size_t n = 0;
    int none = 0;
    const char *s = v;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        const char *name = s;
        otel__trim(&name, &len);
        s += (e ? (size_t)(e - s) + 1 : strlen(s));
        if (!len) continue;
        if (otel__ascii_ieq(name, len, "none", 4)) {
            none = 1;
            continue;
        }
        otel_propagator *p = NULL;
        for (size_t i = 0; i < sizeof known / sizeof known[0] && !p; i++)
            if (otel__ascii_ieq(name, len, known[i].name, strlen(known[i].name))) p = known[i].make();
        if (!p) {
            OTEL_LOG_W("OTEL_PROPAGATORS: unknown propagator '%.*s' skipped", (int)(len > 64 ? 64 : len), name);
            otel__options_reject(opts, "OTEL_PROPAGATORS",
                                 "OTEL_PROPAGATORS: unknown propagator '%.*s' (tracecontext, baggage, "
                                 "b3, b3multi, none)", (int)(len > 64 ? 64 : len), name);
            continue;
        }
        int dup = 0;
        for (size_t i = 0; i < n && !dup; i++) dup = list[i] == p;
        if (!dup && n < MAX_CHILDREN) list[n++] = p;
    }
    if (none) n = 0; /* `none` wins over anything listed with it */
    otel_status st = otel__options_verdict(opts, "otel_propagator_from_env");
    if (st != OTEL_OK) return st;
    return otel_propagator_composite_new(out, list, n);
}

OTEL_API size_t otel_propagator_field_count(const otel_propagator *p) { return p ? p->n_fields : 0; }

OTEL_API const char *otel_propagator_field(const otel_propagator *p, size_t index) {
    return p && index < p->n_fields ? p->fields[index] : NULL;
}

/* ---- global ---- */

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static otel_propagator *global;

OTEL_API otel_propagator *otel_propagator_get_global(void) {
    pthread_mutex_lock(&global_lock);
    if (!global && otel_propagator_from_env(&global, NULL) != OTEL_OK) global = NULL;
    otel_propagator *p = global ? otel_propagator_retain(global) : otel_propagator_noop();
    pthread_mutex_unlock(&global_lock);
    return p;
}

OTEL_API void otel_propagator_set_global(otel_propagator *p) {
    otel_propagator_retain(p);
    pthread_mutex_lock(&global_lock);
    otel_propagator *old = global;
    global = p;
    pthread_mutex_unlock(&global_lock);
    otel_propagator_release(old);
}
