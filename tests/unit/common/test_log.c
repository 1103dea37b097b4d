/* otel-test: internal
 *
 * Diagnostics never block the application: with stderr a full pipe nobody
 * reads, span end returns and messages beyond the queue are dropped and
 * counted; the queue survives fork() (even while the parent's diagnostics
 * thread sits in the user's handler) and exit; OTEL_LOG_LEVEL set in code
 * takes effect. "Returns at all" is what is asserted: Check's timeout is the
 * watchdog, nothing here is timed. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/redact.h"
#include "common/stats.h"
#include "trace/trace_fixture.h"

/* A loopback port nothing listens on: connections are refused. */
static int dead_port(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &l), 0);
    close(s);
    return ntohs(a.sin_port);
}

/* Makes fd 2 the write end of a pipe that is full; returns the read end. */
static int stderr_full_pipe(void) {
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    int fl = fcntl(p[1], F_GETFL);
    fcntl(p[1], F_SETFL, fl | O_NONBLOCK);
    char junk[4096];
    memset(junk, 'x', sizeof junk);
    while (write(p[1], junk, sizeof junk) > 0) {}
    ck_assert_int_eq(errno, EAGAIN);
    fcntl(p[1], F_SETFL, fl); /* blocking again: any write(2) now hangs */
    ck_assert_int_eq(dup2(p[1], 2), 2);
    close(p[1]);
    return p[0];
}

/* Logs `n` messages, each from its own call site (so no rate limit applies). */
static void log_distinct(size_t n, const char *what) {
    static otel__log_site sites[512];
    static size_t used;
    for (size_t i = 0; i < n && used < 512; i++)
        otel__log_at(&sites[used++], OTEL_LOG_WARN, "%s %zu", what, i);
}

static uint64_t json_u64(const char *json, const char *key) {
    char k[64];
    snprintf(k, sizeof k, "\"%s\":", key);
    const char *p = strstr(json, k);
    ck_assert_ptr_nonnull(p);
    return strtoull(p + strlen(k), NULL, 10);
}

typedef struct pipe_reader {
    int fd;
    char buf[1 << 20];
    size_t len;
} pipe_reader;

static void *read_until_dropped_note(void *arg) {
    pipe_reader *r = arg;
    while (r->len + 1 < sizeof r->buf) {
        ssize_t n = read(r->fd, r->buf + r->len, sizeof r->buf - 1 - r->len);
        if (n <= 0) break;
        r->len += (size_t)n;
        r->buf[r->len] = '\0';
        if (strstr(r->buf, "diagnostics dropped")) break;
    }
    return NULL;
}

START_TEST(test_span_end_returns_while_stderr_is_a_full_pipe) {
    otel_set_log_level(OTEL_LOG_DEBUG);
    int rd = stderr_full_pipe();
    /* the first message sends the diagnostics thread into a write that
     * cannot finish; the queue (64) holds some of the rest, the others are
     * dropped and counted */
    log_distinct(200, "filler");
    ck_assert_uint_ge(otel__log_dropped(), 200 - 64);
    ck_assert_int_eq(otel_log_flush(50), OTEL_ERR_TIMEOUT); /* bounded, even now */

    /* a dead collector and a tiny queue: every span end past the first few
     * hits the queue-full path, which logs */
    char ep[64];
    snprintf(ep, sizeof ep, "http://127.0.0.1:%d", dead_port());
    otel_options *o = fx_opts((const char *const[]){"OTEL_EXPORTER_OTLP_ENDPOINT", ep,
                                                    "OTEL_TRACES_EXPORTER", "otlp",
                                                    "OTEL_BSP_MAX_QUEUE_SIZE", "8",
                                                    "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "8",
                                                    "OTEL_BSP_SCHEDULE_DELAY", "1", NULL});
    otel_tracer_provider *tp;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "t", NULL, NULL);
    for (int i = 0; i < 5000; i++) otel_span_end(otel_tracer_start_span(t, "s", 0, NULL));
    uint64_t dropped_before_shutdown = otel__log_dropped();
    otel_tracer_provider_shutdown(tp, 500);
    char json[4096];
    otel_tracer_provider_stats_json(tp, json, sizeof json);
    ck_assert_uint_eq(json_u64(json, "spans_ended"), 5000);
    ck_assert_uint_gt(json_u64(json, "dropped_queue_full"), 0);
    ck_assert_uint_ge(json_u64(json, "diagnostics_dropped"), dropped_before_shutdown);
    otel_tracer_provider_release(tp);

    /* someone reads the pipe at last: what was dropped is reported */
    pipe_reader *r = calloc(1, sizeof *r);
    r->fd = rd;
    pthread_t th;
    pthread_create(&th, NULL, read_until_dropped_note, r);
    log_distinct(1, "after the stall"); /* wakes the thread after its backlog */
    pthread_join(th, NULL);
    ck_assert_ptr_nonnull(strstr(r->buf, "otel[warn]: filler 0"));
    const char *note = strstr(r->buf, "diagnostics dropped (the diagnostics queue was full)");
    ck_assert_ptr_nonnull(note);
    note--; /* the space before the word */
    while (note > r->buf && note[-1] >= '0' && note[-1] <= '9') note--;
    ck_assert_uint_ge(strtoull(note, NULL, 10), 200 - 64);
    free(r);
}
END_TEST

#if !defined(__SANITIZE_THREAD__) /* TSan forbids threads in a multi-threaded fork's child */
/* A handler that blocks until released: the diagnostics thread is inside it
 * (holding the handler lock) when the test forks. */
static sem_t in_handler, release_handler;
static void blocking_sink(int level, const char *msg, size_t len, void *ud) {
    (void)level, (void)msg, (void)len, (void)ud;
    sem_post(&in_handler);
    sem_wait(&release_handler);
}

START_TEST(test_fork_while_the_handler_runs_gives_the_child_a_working_log) {
    sem_init(&in_handler, 0, 0);
    sem_init(&release_handler, 0, 0);
    otel_set_log_level(OTEL_LOG_DEBUG);
    otel_set_log_handler(blocking_sink, NULL);
    log_distinct(3, "parent");
    sem_wait(&in_handler);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* no thread, an empty queue, a free handler lock */
        int ok = otel_log_flush(0) == OTEL_OK;
        fx_log_capture();
        log_distinct(2, "child");
        ok = ok && otel_log_flush(10000) == OTEL_OK;
        ok = ok && strstr(fx_log_buf, "child 0") && strstr(fx_log_buf, "child 1");
        ok = ok && !strstr(fx_log_buf, "parent");
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    /* the parent's messages were kept */
    sem_post(&release_handler);
    sem_post(&release_handler);
    sem_post(&release_handler);
    ck_assert_int_eq(otel_log_flush(10000), OTEL_OK);
    otel_set_log_handler(NULL, NULL);
}
END_TEST
#endif

START_TEST(test_pending_messages_are_written_at_exit) {
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], 2);
        otel_set_log_level(OTEL_LOG_DEBUG);
        log_distinct(20, "before exit");
        exit(0); /* no flush: the atexit handler drains */
    }
    close(p[1]);
    char buf[8192];
    size_t len = 0;
    ssize_t n;
    while (len + 1 < sizeof buf && (n = read(p[0], buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    int status;
    waitpid(pid, &status, 0);
    ck_assert_ptr_nonnull(strstr(buf, "before exit 0"));
    ck_assert_ptr_nonnull(strstr(buf, "before exit 19"));
}
END_TEST

START_TEST(test_exit_does_not_hang_on_a_full_pipe) {
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        stderr_full_pipe();
        otel_set_log_level(OTEL_LOG_DEBUG);
        log_distinct(10, "stuck");
        exit(0); /* the drain at exit is bounded */
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
}
END_TEST

START_TEST(test_log_level_set_in_code_takes_effect) {
    unsetenv("OTEL_LOG_LEVEL");
    fx_log_capture(); /* debug */
    otel_options *o = fx_opts((const char *const[]){"OTEL_LOG_LEVEL", "error",
                                                    "OTEL_TRACES_EXPORTER", "none",
                                                    "OTEL_TRACES_SAMPLER", "no_such_sampler", NULL});
    otel_tracer_provider *tp;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_tracer_provider_release(tp);
    otel_options_free(o);
    ck_assert(!otel__log_enabled(OTEL_LOG_WARN));
    ck_assert(!fx_logged("OTEL_TRACES_SAMPLER"));
    o = fx_opts((const char *const[]){"OTEL_LOG_LEVEL", "warn", "OTEL_TRACES_EXPORTER", "none",
                                      "OTEL_TRACES_SAMPLER", "no_such_sampler", NULL});
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_tracer_provider_release(tp);
    otel_options_free(o);
    ck_assert(fx_logged("OTEL_TRACES_SAMPLER"));
    otel_set_log_handler(NULL, NULL);
}
END_TEST

START_TEST(test_redaction_of_tokens_and_cut_prefixes) {
    ck_assert(otel__secret_add("Bearer tok-1234567890", 21));
    char out[64];
    /* the token alone, quoted by a server */
    otel__redact(out, sizeof out, "invalid token tok-1234567890!", 29);
    ck_assert_str_eq(out, "invalid token [REDACTED]!");
    /* the scheme's name is not a secret */
    otel__redact(out, sizeof out, "Bearer auth failed", 18);
    ck_assert_str_eq(out, "Bearer auth failed");
    /* a text cut upstream that ends in the start of the secret */
    otel__redact(out, sizeof out, "got tok-12", 10);
    ck_assert_str_eq(out, "got [REDACTED]");
    /* a cut that falls inside the secret: the mask goes, never a prefix */
    for (size_t cap = 1; cap <= 40; cap++) {
        char small[64];
        otel__redact(small, cap, "abc tok-1234567890 xyz", 22);
        ck_assert_uint_lt(strlen(small), cap);
        ck_assert_ptr_null(strstr(small, "tok-"));
    }
    /* the sinks: a provider's last_error (256) and the thread's last error,
     * whatever the length before the secret */
    otel__stats st;
    otel__stats_init(&st);
    for (int pad = 230; pad < 260; pad++) {
        otel__stats_set_error(&st, "%*s tok-1234567890 end", pad, "x");
        char e[512];
        otel__stats_last_error(&st, e, sizeof e);
        ck_assert_ptr_null(strstr(e, "tok-"));
        otel__fail(OTEL_ERR_EXPORT, "%*s tok-1234567890 end", pad, "x");
        ck_assert_ptr_null(strstr(otel_last_error(), "tok-"));
        ck_assert_ptr_nonnull(strstr(otel_last_error(), "[REDACTED]"));
    }
    otel__stats_destroy(&st);
    otel__secret_remove("Bearer tok-1234567890", 21);
    otel__redact(out, sizeof out, "tok-1234567890", 14);
    ck_assert_str_eq(out, "tok-1234567890");
}
END_TEST

/* TSan does not let a child forked from a multi-threaded process start
 * threads, which is what the fork test checks; the other builds run it. */
#if defined(__SANITIZE_THREAD__)
#define FORK_TEST
#else
#define FORK_TEST test_fork_while_the_handler_runs_gives_the_child_a_working_log,
#endif

FX_MAIN("log", NULL, NULL,
        test_span_end_returns_while_stderr_is_a_full_pipe,
        FORK_TEST
        test_pending_messages_are_written_at_exit,
        test_exit_does_not_hang_on_a_full_pipe,
        test_log_level_set_in_code_takes_effect,
        test_redaction_of_tokens_and_cut_prefixes)
