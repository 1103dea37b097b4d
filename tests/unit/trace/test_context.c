/* Contexts: attach/detach tokens, nesting, out-of-order and stale tokens,
 * the per-thread current context, spans in contexts, values and reference
 * counting (the ASan run reports any leak). */
#include <check.h>
#include <pthread.h>
#include <string.h>

#include "trace/trace_fixture.h"

static fx f;
static void setup(void) { fx_open(&f, NULL); }
static void teardown(void) { fx_close(&f); }

/* The current context, compared by identity (the reference is dropped). */
static otel_context *current(void) {
    otel_context *c = otel_context_current();
    otel_context_release(c);
    return c;
}

static otel_context *ctx_with_new_span(const char *name) {
    otel_span *s = otel_tracer_start_span(f.tracer, name, 0, otel_context_root());
    otel_context *c = otel_context_with_span(otel_context_root(), s);
    otel_span_end(s); /* the context keeps the span alive */
    return c;
}

START_TEST(test_root_is_current_until_something_is_attached) {
    ck_assert_ptr_eq(current(), otel_context_root());
    ck_assert_ptr_null(otel_context_get_span(otel_context_root()));
    ck_assert_ptr_null(otel_context_get_span(NULL));
    otel_context_release(otel_context_root()); /* never freed */
    ck_assert_ptr_eq(otel_context_retain(otel_context_root()), otel_context_root());
    ck_assert_ptr_eq(current(), otel_context_root());
}
END_TEST

START_TEST(test_attach_detach_nested) {
    otel_context *a = ctx_with_new_span("a"), *b = ctx_with_new_span("b");
    uint64_t ta = otel_context_attach(a);
    ck_assert_uint_ne(ta, 0);
    ck_assert_ptr_eq(current(), a);
    uint64_t tb = otel_context_attach(b);
    ck_assert_uint_ne(tb, ta);
    ck_assert_ptr_eq(current(), b);
    ck_assert_ptr_eq(otel_context_get_span(NULL), otel_context_get_span(b));
    ck_assert_int_eq(otel_context_detach(tb), OTEL_OK);
    ck_assert_ptr_eq(current(), a);
    ck_assert_int_eq(otel_context_detach(ta), OTEL_OK);
    ck_assert_ptr_eq(current(), otel_context_root());
    /* the same context attached twice is two entries */
    uint64_t t1 = otel_context_attach(a), t2 = otel_context_attach(a);
    ck_assert_int_eq(otel_context_detach(t2), OTEL_OK);
    ck_assert_ptr_eq(current(), a);
    ck_assert_int_eq(otel_context_detach(t1), OTEL_OK);
    otel_context_release(a);
    otel_context_release(b);
}
END_TEST

START_TEST(test_attached_context_outlives_callers_reference) {
    otel_context *a = ctx_with_new_span("a");
    otel_span *span = otel_context_get_span(a);
    uint64_t t = otel_context_attach(a);
    otel_context_release(a); /* the thread holds its own reference */
    ck_assert_ptr_eq(otel_context_get_span(NULL), span);
    otel_span_context sc;
    otel_span_get_context(span, &sc);
    ck_assert(otel_span_context_is_valid(&sc));
    ck_assert_int_eq(otel_context_detach(t), OTEL_OK);
}
END_TEST

START_TEST(test_wrong_order_detach_reports_and_unwinds) {
    otel_context *a = ctx_with_new_span("a"), *b = ctx_with_new_span("b");
    uint64_t ta = otel_context_attach(a), tb = otel_context_attach(b);
    otel_context *c = ctx_with_new_span("c");
    uint64_t tc = otel_context_attach(c);
    ck_assert_int_eq(otel_context_detach(tb), OTEL_ERR_STATE); /* c was still attached */
    ck_assert_ptr_nonnull(strstr(otel_last_error(), "order"));
    ck_assert_ptr_eq(current(), a); /* b and everything after it are gone */
    ck_assert_int_eq(otel_context_detach(tc), OTEL_ERR_STATE);
    ck_assert_ptr_eq(current(), a);
    ck_assert_int_eq(otel_context_detach(ta), OTEL_OK);
    ck_assert_ptr_eq(current(), otel_context_root());
    otel_context_release(a);
    otel_context_release(b);
    otel_context_release(c);
}
END_TEST

START_TEST(test_unknown_and_stale_tokens_change_nothing) {
    ck_assert_int_eq(otel_context_detach(0), OTEL_ERR_STATE);
    ck_assert_int_eq(otel_context_detach(0xdeadbeefcafeull), OTEL_ERR_STATE);
    ck_assert_uint_eq(otel_context_attach(NULL), 0);
    otel_context *a = ctx_with_new_span("a"), *b = ctx_with_new_span("b");
    uint64_t ta = otel_context_attach(a);
    ck_assert_int_eq(otel_context_detach(ta), OTEL_OK);
    ck_assert_int_eq(otel_context_detach(ta), OTEL_ERR_STATE); /* twice */
    /* a stale token must not detach a context attached later at the same depth */
    uint64_t tb = otel_context_attach(b);
    ck_assert_int_eq(otel_context_detach(ta), OTEL_ERR_STATE);
    ck_assert_ptr_eq(current(), b);
    ck_assert_int_eq(otel_context_detach(tb), OTEL_OK);
    otel_context_release(a);
    otel_context_release(b);
}
END_TEST

/* ---- per thread ---- */

typedef struct thread_view {
    otel_context *seen_at_start;
    otel_context *own;
    int own_was_current, detach_status, foreign_detach_status;
    uint64_t foreign_token;
} thread_view;

static void *thread_body(void *arg) {
    thread_view *v = arg;
    v->seen_at_start = current();
    v->foreign_detach_status = otel_context_detach(v->foreign_token);
    uint64_t t = otel_context_attach(v->own);
    v->own_was_current = current() == v->own;
    v->detach_status = otel_context_detach(t);
    /* and leave one attached: thread exit must release it */
    otel_context_attach(v->own);
    return NULL;
}

START_TEST(test_current_context_is_per_thread) {
    otel_context *mine = ctx_with_new_span("main"), *theirs = ctx_with_new_span("thread");
    uint64_t t = otel_context_attach(mine);
    thread_view v = {.own = theirs, .foreign_token = t};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, thread_body, &v), 0);
    pthread_join(th, NULL);
    ck_assert_ptr_eq(v.seen_at_start, otel_context_root());
    ck_assert_int_eq(v.foreign_detach_status, OTEL_ERR_STATE); /* another thread's token */
    ck_assert(v.own_was_current);
    ck_assert_int_eq(v.detach_status, OTEL_OK);
    ck_assert_ptr_eq(current(), mine); /* untouched by the thread */
    ck_assert_int_eq(otel_context_detach(t), OTEL_OK);
    otel_context_release(mine);
    otel_context_release(theirs);
}
END_TEST

/* ---- spans in contexts ---- */

START_TEST(test_span_in_context_is_the_parent_and_stays_alive) {
    otel_span *parent = otel_tracer_start_span(f.tracer, "parent", 0, NULL);
    otel_span_context psc;
    otel_span_get_context(parent, &psc);
    otel_context *c = otel_context_with_span(NULL, parent); /* NULL: from the current (root) */
    ck_assert_ptr_eq(otel_context_get_span(c), parent);
    otel_span_end(parent); /* our handle is gone; the context holds its own */
    ck_assert_ptr_eq(otel_context_get_span(c), parent);
    ck_assert(!otel_span_is_recording(otel_context_get_span(c)));

    uint64_t t = otel_context_attach(c);
    otel_span *child = otel_tracer_start_span(f.tracer, "child", 0, NULL);
    otel_context *c2 = otel_context_with_span(NULL, child); /* derived from the current */
    ck_assert_int_eq(otel_context_detach(t), OTEL_OK);
    otel_context_release(c);
    ck_assert_ptr_eq(otel_context_get_span(c2), child);
    const otel_span_data *d = fx_end(&f, child);
    uint8_t pid[8];
    ck_assert_int_eq(otel_span_data_parent_span_id(d, pid), 1);
    ck_assert_mem_eq(pid, psc.span_id, 8);
    otel_span_data_release(d);
    otel_context_release(c2);

    ck_assert_ptr_null(otel_context_with_span(NULL, NULL));
    ck_assert_str_ne(otel_last_error(), "");
}
END_TEST

/* ---- values and reference counting ---- */

static int freed_values;
static void free_value(void *value, void *user_data) {
    ck_assert_ptr_eq(value, user_data);
    freed_values++;
}

START_TEST(test_values_are_shared_and_freed_once) {
    uint32_t k1 = otel_context_key_create("k1"), k2 = otel_context_key_create("k1");
    ck_assert_uint_ne(k1, 0);
    ck_assert_uint_ne(k1, k2); /* same name, different keys */
    static int v1, v2, v3;
    otel_context *a = otel_context_with_value(otel_context_root(), k1, &v1, free_value, &v1);
    otel_context *b = otel_context_with_value(a, k2, &v2, free_value, &v2);
    otel_context *c = otel_context_with_value(b, k1, &v3, free_value, &v3); /* shadows v1 */
    ck_assert_ptr_eq(otel_context_get_value(a, k1), &v1);
    ck_assert_ptr_null(otel_context_get_value(a, k2));
    ck_assert_ptr_eq(otel_context_get_value(b, k2), &v2);
    ck_assert_ptr_eq(otel_context_get_value(c, k1), &v3);
    ck_assert_ptr_eq(otel_context_get_value(c, k2), &v2);
    ck_assert_ptr_null(otel_context_get_value(NULL, k1)); /* the current context: root */
    uint64_t t = otel_context_attach(c);
    ck_assert_ptr_eq(otel_context_get_value(NULL, k1), &v3);
    otel_context_detach(t);
    otel_context_release(a);
    otel_context_release(b);
    ck_assert_int_eq(freed_values, 0); /* c still refers to all three */
    otel_context_release(c);
    ck_assert_int_eq(freed_values, 3);

    /* key 0 is invalid: NULL, and the value is freed at once */
    ck_assert_ptr_null(otel_context_with_value(NULL, 0, &v1, free_value, &v1));
    ck_assert_int_eq(freed_values, 4);
}
END_TEST

START_TEST(test_with_span_keeps_values_and_context_retain) {
    uint32_t k = otel_context_key_create("k");
    static int v;
    otel_context *a = otel_context_with_value(NULL, k, &v, free_value, &v);
    otel_context *b = ctx_with_new_span("s");
    otel_context *c = otel_context_with_span(a, otel_context_get_span(b));
    ck_assert_ptr_eq(otel_context_get_value(c, k), &v);
    ck_assert_ptr_eq(otel_context_retain(c), c);
    otel_context_release(c);
    otel_context_release(a);
    otel_context_release(b);
    ck_assert_ptr_eq(otel_context_get_value(c, k), &v); /* one reference left */
    otel_context_release(c);
    ck_assert_int_eq(freed_values, 1);
    otel_context_release(NULL);
    ck_assert_ptr_null(otel_context_retain(NULL));
}
END_TEST

FX_MAIN("context", setup, teardown,
        test_root_is_current_until_something_is_attached,
        test_attach_detach_nested,
        test_attached_context_outlives_callers_reference,
        test_wrong_order_detach_reports_and_unwinds,
        test_unknown_and_stale_tokens_change_nothing,
        test_current_context_is_per_thread,
        test_span_in_context_is_the_parent_and_stays_alive,
        test_values_are_shared_and_freed_once,
        test_with_span_keeps_values_and_context_retain)
