/* Immutable contexts and the per-thread stack of attached contexts. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/ids.h"
#include "otel/baggage.h"
#include "trace/internal.h"

typedef struct ctx_value {
    _Atomic uint32_t refs;
    uint32_t key;
    void *value;
    otel_context_value_free_fn free_fn;
    void *user_data;
    struct ctx_value *next;
} ctx_value;

struct otel_context {
    _Atomic uint32_t refs;
    int is_root;
    otel_span *span;
    otel_baggage *baggage;
    ctx_value *values; /* persistent list shared with the contexts it came from */
};

static otel_context root_ctx = {.refs = 1, .is_root = 1};

typedef struct ctx_entry {
    otel_context *ctx;
    uint32_t serial; /* this attach's token, so a stale token never matches */
} ctx_entry;

typedef struct ctx_stack {
    ctx_entry *items;
    uint32_t depth, cap;
    uint32_t tag; /* distinguishes tokens of different threads */
    uint32_t next_serial;
} ctx_stack;

static OTEL__TLS ctx_stack tls_stack;
static pthread_key_t stack_key;
static pthread_once_t stack_once = PTHREAD_ONCE_INIT;
static _Atomic uint32_t next_tag = 1;

static void value_release(ctx_value *v) {
    while (v && atomic_fetch_sub_explicit(&v->refs, 1, memory_order_acq_rel) == 1) {
        ctx_value *next = v->next;
        if (v->free_fn) v->free_fn(v->value, v->user_data);
        free(v);
        v = next;
    }
}

OTEL_API otel_context *otel_context_root(void) { return &root_ctx; }

OTEL_API otel_context *otel_context_retain(otel_context *ctx) {
    if (ctx && !ctx->is_root) atomic_fetch_add_explicit(&ctx->refs, 1, memory_order_relaxed);
    return ctx;
}

OTEL_API void otel_context_release(otel_context *ctx) {
    if (!ctx || ctx->is_root) return;
    if (atomic_fetch_sub_explicit(&ctx->refs, 1, memory_order_acq_rel) != 1) return;
    otel_span_release(ctx->span);
    otel_baggage_release(ctx->baggage);
    value_release(ctx->values);
    free(ctx);
}

static otel_context *current_borrowed(void) {
    ctx_stack *st = &tls_stack;
    return st->depth ? st->items[st->depth - 1].ctx : &root_ctx;
}

otel_span *otel__context_current_span(void) {
    ctx_stack *st = &tls_stack;
    return st->depth ? st->items[st->depth - 1].ctx->span : NULL;
}

OTEL_API otel_context *otel_context_current(void) {
    return otel_context_retain(current_borrowed());
}

/* A copy of `base` (NULL: current) sharing its span, baggage and values. */
static otel_context *derive(otel_context *base) {
    if (!base) base = current_borrowed();
    otel_context *c = malloc(sizeof *c);
    if (!c) return NULL;
    atomic_init(&c->refs, 1);
    c->is_root = 0;
    c->span = otel_span_retain(base->span);
    c->baggage = otel_baggage_retain(base->baggage);
    c->values = base->values;
    if (c->values) atomic_fetch_add_explicit(&c->values->refs, 1, memory_order_relaxed);
    return c;
}

OTEL_API otel_context *otel_context_with_span(otel_context *ctx, otel_span *span) {
    if (!span) {
        otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_context_with_span: span is NULL");
        return NULL;
    }
    otel_context *c = derive(ctx);
    if (!c) return NULL;
    otel_span_release(c->span);
    c->span = otel_span_retain(span);
    return c;
}

OTEL_API otel_span *otel_context_get_span(otel_context *ctx) {
    return (ctx ? ctx : current_borrowed())->span;
}

OTEL_API otel_context *otel_context_with_baggage(otel_context *ctx, otel_baggage *baggage) {
    otel_context *c = derive(ctx);
    if (!c) return NULL;
    otel_baggage_release(c->baggage);
    c->baggage = otel_baggage_retain(baggage);
    return c;
}

OTEL_API otel_baggage *otel_context_get_baggage(otel_context *ctx) {
    return (ctx ? ctx : current_borrowed())->baggage;
}

static _Atomic uint32_t next_key = 1;

OTEL_API uint32_t otel_context_key_create(const char *name) {
    (void)name;
    uint32_t k = atomic_fetch_add(&next_key, 1);
    return k < 0x80000000u ? k : 0;
}

OTEL_API otel_context *otel_context_with_value(otel_context *ctx, uint32_t key, void *value,
                                               otel_context_value_free_fn free_fn,
                                               void *user_data) {
    ctx_value *v = key ? malloc(sizeof *v) : NULL;
    otel_context *c = v ? derive(ctx) : NULL;
    if (!c) {
        free(v);
        if (free_fn) free_fn(value, user_data);
        otel__fail(key ? OTEL_ERR_NO_MEMORY : OTEL_ERR_INVALID_ARGUMENT,
                   "otel_context_with_value: %s", key ? "out of memory" : "key is 0");
        return NULL;
    }
    atomic_init(&v->refs, 1);
    v->key = key;
    v->value = value;
    v->free_fn = free_fn;
    v->user_data = user_data;
    v->next = c->values; /* the reference derive() took moves to v */
    c->values = v;
    return c;
}

OTEL_API void *otel_context_get_value(otel_context *ctx, uint32_t key) {
    for (ctx_value *v = (ctx ? ctx : current_borrowed())->values; v; v = v->next)
        if (v->key == key) return v->value;
    return NULL;
}

OTEL_API int otel_span_context_is_valid(const otel_span_context *sc) {
    if (!sc) return 0;
    uint64_t t0, t1, s;
    memcpy(&t0, sc->trace_id, 8);
    memcpy(&t1, sc->trace_id + 8, 8);
    memcpy(&s, sc->span_id, 8);
    return (t0 | t1) && s;
}

/* Releases what a thread left attached when it exits. */
static void stack_destroy(void *p) {
    ctx_stack *st = p;
    while (st->depth) otel_context_release(st->items[--st->depth].ctx);
    free(st->items);
    st->items = NULL;
    st->cap = 0;
}

static void make_key(void) { pthread_key_create(&stack_key, stack_destroy); }

OTEL_API uint64_t otel_context_attach(otel_context *ctx) {
    if (!ctx) {
        otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_context_attach: ctx is NULL");
        return 0;
    }
    ctx_stack *st = &tls_stack;
    if (st->depth == st->cap) {
        if (!st->tag) {
            st->tag = atomic_fetch_add(&next_tag, 1);
            pthread_once(&stack_once, make_key);
            pthread_setspecific(stack_key, st);
        }
        uint32_t ncap = st->cap ? st->cap * 2 : 16;
        ctx_entry *items = realloc(st->items, ncap * sizeof *items);
        if (!items) {
            otel__fail(OTEL_ERR_NO_MEMORY, "otel_context_attach: out of memory");
            return 0;
        }
        st->items = items;
        st->cap = ncap;
    }
    if (++st->next_serial == 0) st->next_serial = 1;
    st->items[st->depth].ctx = otel_context_retain(ctx);
    st->items[st->depth].serial = st->next_serial;
    st->depth++;
    return ((uint64_t)st->tag << 32) | st->next_serial;
}

OTEL_API otel_status otel_context_detach(uint64_t token) {
    ctx_stack *st = &tls_stack;
    uint32_t serial = (uint32_t)token, depth = st->depth;
    if (token && serial && (uint32_t)(token >> 32) == st->tag)
        while (depth && st->items[depth - 1].serial != serial) depth--;
    else
        depth = 0;
    if (!depth)
        return otel__fail(OTEL_ERR_STATE, "otel_context_detach: unknown token (not attached on this thread, or already detached)");
    int in_order = depth == st->depth;
    while (st->depth >= depth) otel_context_release(st->items[--st->depth].ctx);
    if (!in_order)
        return otel__fail(OTEL_ERR_STATE, "otel_context_detach: out of order; contexts attached later were detached too");
    return OTEL_OK;
}
