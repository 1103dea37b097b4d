/* fork(): the child gets an empty, working pipeline with its own worker and
 * its own ids; the parent loses nothing. The child reports through its exit
 * code (each check has its own) and a pipe. */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace/trace_fixture.h"

static otel_tracer_provider *tp;
static otel_tracer *tracer;

static void open_provider(otel_exporter *exp, const char *batch_size) {
    otel_options *o = fx_opts((const char *const[]){"OTEL_TRACES_SAMPLER", "always_on",
                                                    "OTEL_BSP_SCHEDULE_DELAY", "600000",
                                                    "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", batch_size, NULL});
    otel_processor *p;
    ck_assert_int_eq(otel_processor_batch_new(&p, exp, o), OTEL_OK);
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    tracer = otel_tracer_provider_get_tracer(tp, "fork-test", NULL, NULL);
}

static void end_named(const char *name, int n) {
    for (int i = 0; i < n; i++) otel_span_end(otel_tracer_start_span(tracer, name, 0, NULL));
}

/* Starts the worker and lets it go idle, then forgets what it exported. A
 * worker caught mid-startup by fork() could hold an allocator lock, which
 * ASan's allocator (unlike glibc's) does not take across fork. */
static void warm_worker(otel_exporter *mem) {
    end_named("warm-up", 1);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    otel_exporter_in_memory_reset(mem);
}

/* 1 if the in-memory exporter holds exactly `n` spans, all named `name`. */
static int holds_only(otel_exporter *mem, const char *name, size_t n) {
    if (otel_exporter_in_memory_count(mem) != n) return 0;
    for (size_t i = 0; i < n; i++) {
        const otel_span_data *d = otel_exporter_in_memory_get(mem, i);
        int ok = d && strcmp(otel_span_data_name(d, NULL), name) == 0;
        otel_span_data_release(d);
        if (!ok) return 0;
    }
    return 1;
}

static int wait_child(pid_t pid) {
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status), "the child died (status %d)", status);
    return WEXITSTATUS(status);
}

/* Child checks on the in-memory pipeline; 0 when all hold. */
static int child_checks(otel_exporter *mem) {
    uint64_t v[OTEL_STAT__COUNT];
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    if (v[OTEL_STAT_SPANS_QUEUED] != 0 || v[OTEL_STAT_QUEUE_BYTES] != 0) return 10; /* not empty */
    if (otel_exporter_in_memory_count(mem) != 0) return 11;
    uint64_t exported_before = v[OTEL_STAT_SPANS_EXPORTED];
    end_named("child", 3);
    if (otel_tracer_provider_force_flush(tp, 5000) != OTEL_OK) return 12; /* worker missing */
    if (!holds_only(mem, "child", 3)) return 13;
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    if (v[OTEL_STAT_SPANS_EXPORTED] != exported_before + 3 || v[OTEL_STAT_SPANS_QUEUED] != 0) return 14;
    if (otel_tracer_provider_shutdown(tp, 5000) != OTEL_OK) return 15;
    otel_tracer_provider_release(tp);
    return 0;
}

START_TEST(test_child_has_empty_working_pipeline_parent_loses_nothing) {
    otel_exporter *mem;
    ck_assert_int_eq(otel_exporter_in_memory_new(&mem), OTEL_OK);
    open_provider(mem, "512");
    warm_worker(mem);
    end_named("parent", 5); /* queued behind a 10-minute timer */
    ck_assert_uint_eq(fx_stat(tp, OTEL_STAT_SPANS_QUEUED), 5);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) _exit(child_checks(mem));
    ck_assert_int_eq(wait_child(pid), 0);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    ck_assert(holds_only(mem, "parent", 5));
    end_named("parent", 1); /* and the parent's pipeline still works */
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    ck_assert(holds_only(mem, "parent", 6));
    otel_tracer_provider_shutdown(tp, 5000);
    otel_tracer_provider_release(tp);
    otel_exporter_release(mem);
}
END_TEST

START_TEST(test_fork_before_the_worker_started) {
    otel_exporter *mem;
    ck_assert_int_eq(otel_exporter_in_memory_new(&mem), OTEL_OK);
    open_provider(mem, "512");
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) _exit(child_checks(mem));
    ck_assert_int_eq(wait_child(pid), 0);
    end_named("parent", 2);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    ck_assert(holds_only(mem, "parent", 2));
    otel_tracer_provider_shutdown(tp, 5000);
    otel_tracer_provider_release(tp);
    otel_exporter_release(mem);
}
END_TEST

/* An exporter that blocks in the parent only (polling an atomic: no lock
 * is held across fork). */
static pid_t parent_pid;
static atomic_int gate_closed, in_export;
static atomic_size_t exported;

static int gated_export(const otel_span_data *const *spans, size_t n, void *ud) {
    (void)spans, (void)ud;
    atomic_store(&in_export, 1);
    while (atomic_load(&gate_closed) && getpid() == parent_pid) fx_sleep_ms(1);
    atomic_fetch_add(&exported, n);
    atomic_store(&in_export, 0);
    return OTEL_EXPORT_SUCCESS;
}

START_TEST(test_fork_while_the_parent_worker_exports) {
    parent_pid = getpid();
    atomic_store(&gate_closed, 1);
    otel_exporter *exp;
    ck_assert_int_eq(otel_exporter_custom_new(&exp, gated_export, NULL), OTEL_OK);
    open_provider(exp, "1");
    end_named("parent", 1);
    for (int i = 0; i < 2000 && !atomic_load(&in_export); i++) fx_sleep_ms(5);
    ck_assert(atomic_load(&in_export)); /* the parent's worker is mid-export */
    end_named("parent", 2);               /* and two more wait in its queue */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        atomic_store(&exported, 0);
        end_named("child", 4);
        int ok = otel_tracer_provider_force_flush(tp, 5000) == OTEL_OK;
        _exit(!ok ? 20 : atomic_load(&exported) != 4 ? 21 : 0);
    }
    ck_assert_int_eq(wait_child(pid), 0);
    atomic_store(&gate_closed, 0);
    ck_assert_int_eq(otel_tracer_provider_force_flush(tp, 5000), OTEL_OK);
    ck_assert_uint_eq(atomic_load(&exported), 3);
    ck_assert_uint_eq(fx_stat(tp, OTEL_STAT_SPANS_EXPORTED), 3);
    otel_tracer_provider_shutdown(tp, 5000);
    otel_tracer_provider_release(tp);
    otel_exporter_release(exp);
}
END_TEST

START_TEST(test_child_generates_its_own_ids) {
    otel_exporter *mem;
    ck_assert_int_eq(otel_exporter_in_memory_new(&mem), OTEL_OK);
    open_provider(mem, "512");
    warm_worker(mem); /* and the parent's id generator is seeded before fork */
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    otel_span *s = otel_tracer_start_span(tracer, "after-fork", 0, otel_context_root());
    otel_span_context sc;
    otel_span_get_context(s, &sc);
    otel_span_end(s);
    if (pid == 0) {
        ssize_t w = write(fds[1], &sc, sizeof sc);
        _exit(w == (ssize_t)sizeof sc ? 0 : 30);
    }
    otel_span_context child_sc;
    ck_assert_int_eq(read(fds[0], &child_sc, sizeof child_sc), (ssize_t)sizeof child_sc);
    ck_assert_int_eq(wait_child(pid), 0);
    close(fds[0]);
    close(fds[1]);
    ck_assert(otel_span_context_is_valid(&child_sc));
    ck_assert_mem_ne(child_sc.trace_id, sc.trace_id, 16);
    ck_assert_mem_ne(child_sc.span_id, sc.span_id, 8);
    otel_tracer_provider_shutdown(tp, 5000);
    otel_tracer_provider_release(tp);
    otel_exporter_release(mem);
}
END_TEST

/* A thread exports into an in-memory exporter through a simple processor
 * (its lock held during every export) while the main thread forks: each
 * child must be able to export too, never finding that lock taken. */
static _Atomic int hammer_stop;

static void *hammer(void *arg) {
    (void)arg;
    while (!atomic_load(&hammer_stop)) otel_span_end(otel_tracer_start_span(tracer, "hammer", 0, NULL));
    return NULL;
}

START_TEST(test_fork_while_another_thread_holds_the_in_memory_exporter) {
#if defined(__SANITIZE_ADDRESS__)
    /* gcc 12's ASan allocator is not fork-safe: a fork while another thread
     * is inside malloc leaves the child's malloc locked (seen in its
     * SizeClassAllocator64). The normal build runs this test. */
    return;
#endif
    otel_exporter *mem;
    ck_assert_int_eq(otel_exporter_in_memory_new(&mem), OTEL_OK);
    otel_options *o = fx_opts((const char *const[]){"OTEL_TRACES_SAMPLER", "always_on", NULL});
    otel_processor *p;
    ck_assert_int_eq(otel_processor_simple_new(&p, mem), OTEL_OK);
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    tracer = otel_tracer_provider_get_tracer(tp, "fork-test", NULL, NULL);
    atomic_store(&hammer_stop, 0);
    pthread_t th;
    pthread_create(&th, NULL, hammer, NULL);
    for (int i = 0; i < 20; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            end_named("child", 1);
            _exit(otel_exporter_in_memory_count(mem) > 0 ? 0 : 3);
        }
        /* a child stuck on the lock would never exit: give it 10 s */
        int status = 0, waited = 0;
        while (waitpid(pid, &status, WNOHANG) == 0 && waited < 1000) {
            fx_sleep_ms(10);
            waited++;
        }
        if (waited >= 1000) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            ck_abort_msg("fork %d: the child deadlocked on the in-memory exporter", i);
        }
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork %d: status %d", i, status);
    }
    atomic_store(&hammer_stop, 1);
    pthread_join(th, NULL);
    otel_tracer_provider_shutdown(tp, 5000);
    otel_tracer_provider_release(tp);
    otel_exporter_release(mem);
}
END_TEST

FX_MAIN("fork", NULL, NULL,
        test_child_has_empty_working_pipeline_parent_loses_nothing,
        test_fork_before_the_worker_started,
        test_fork_while_the_parent_worker_exports,
        test_child_generates_its_own_ids,
        test_fork_while_another_thread_holds_the_in_memory_exporter)
