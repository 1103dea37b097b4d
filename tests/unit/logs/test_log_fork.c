/* fork() with the batch log processor: the child gets an empty, working
 * pipeline with its own worker; the parent loses nothing. (Not under TSan:
 * a child forked from a multi-threaded process may not start threads
 * there, and this child must start a fresh worker.) */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "logs/logs_fixture.h"

static otel_logger_provider *open_batch(otel_log_exporter *exp) {
    otel_options *o = fx_opts((const char *const[]){"OTEL_BLRP_SCHEDULE_DELAY", "600000", NULL});
    otel_log_processor *p;
    ck_assert_int_eq(otel_log_processor_batch_new(&p, exp, o), OTEL_OK);
    otel_logger_provider *lp;
    ck_assert_int_eq(otel_logger_provider_new_with(&lp, o, &p, 1), OTEL_OK);
    otel_log_processor_release(p);
    otel_options_free(o);
    return lp;
}

static void emit_n(otel_logger_provider *lp, int n) {
    otel_logger *lg = otel_logger_provider_get_logger(lp, "fork", NULL, NULL);
    for (int i = 0; i < n; i++) otel_logger_emit_str(lg, OTEL_SEVERITY_INFO, "record", NULL, 0);
}

START_TEST(test_fork_child_has_an_empty_working_pipeline) {
    otel_log_exporter *mem;
    ck_assert_int_eq(otel_log_exporter_in_memory_new(&mem), OTEL_OK);
    otel_logger_provider *lp = open_batch(mem);
    emit_n(lp, 1); /* start the worker, let it go idle */
    ck_assert_int_eq(otel_logger_provider_force_flush(lp, 5000), OTEL_OK);
    otel_log_exporter_in_memory_reset(mem);
    emit_n(lp, 5); /* queued in the parent at fork time */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (lfx_stat(lp, OTEL_LOG_STAT_RECORDS_QUEUED) != 0) _exit(2);
        emit_n(lp, 2);
        if (otel_logger_provider_force_flush(lp, 5000) != OTEL_OK) _exit(3);
        if (otel_log_exporter_in_memory_count(mem) != 2) _exit(4);
        if (lfx_stat(lp, OTEL_LOG_STAT_RECORDS_EXPORTED) != 2) _exit(5);
        otel_logger_provider_release(lp);
        _exit(0);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    ck_assert_int_eq(otel_logger_provider_force_flush(lp, 5000), OTEL_OK);
    ck_assert_uint_eq(otel_log_exporter_in_memory_count(mem), 5); /* the parent lost nothing */
    otel_logger_provider_shutdown(lp, 5000);
    lfx_assert_balanced(lp);
    otel_logger_provider_release(lp);
    otel_log_exporter_release(mem);
}
END_TEST

FX_MAIN("log_fork", NULL, NULL, test_fork_child_has_an_empty_working_pipeline)
