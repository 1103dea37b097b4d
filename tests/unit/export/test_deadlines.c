/* Every provider's force_flush(timeout) and shutdown(timeout) return within
 * the timeout plus a small slack against a collector that accepts the
 * connection and never answers, for every OTLP protocol (issue 14: the
 * meter provider's shutdown(1000) took 15.7 s, joining the export in
 * flight). The "collector" is a listening socket nobody accepts from: the
 * kernel completes the handshake, takes the request and never replies. */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "otel/otel.h"

/* Generous: the point is "returns near its deadline, not at the 30 s export
 * timeout"; a loaded 2-core CI host needs room. */
#define SLACK_MS 1500

static int hole_fd = -1, hole_port;

static void hole_open(void) {
    hole_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(hole_fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(hole_fd, 64), 0);
    socklen_t len = sizeof a;
    getsockname(hole_fd, (struct sockaddr *)&a, &len);
    hole_port = ntohs(a.sin_port);
}

static void hole_close(void) {
    if (hole_fd >= 0) close(hole_fd);
    hole_fd = -1;
}

static uint64_t ms_since(uint64_t t0) { return (otel_time_now_ns() - t0) / 1000000; }

static const char *const protocols[] = {"http/protobuf", "http/json", "grpc"};

static otel_options *blackhole_opts(const char *protocol) {
    otel_options *o;
    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", hole_port);
    otel_options_set(o, "OTEL_EXPORTER_OTLP_ENDPOINT", url);
    otel_options_set(o, "OTEL_EXPORTER_OTLP_PROTOCOL", protocol);
    otel_options_set(o, "OTEL_EXPORTER_OTLP_TIMEOUT", "30000");
    otel_options_set(o, "OTEL_BSP_EXPORT_TIMEOUT", "30000");
    otel_options_set(o, "OTEL_METRIC_EXPORT_TIMEOUT", "30000");
    otel_options_set(o, "OTEL_METRIC_EXPORT_INTERVAL", "60000");
    otel_options_set(o, "OTEL_BSP_SCHEDULE_DELAY", "60000");
    otel_options_set(o, "OTEL_TRACES_SAMPLER", "always_on");
    return o;
}

START_TEST(test_meter_provider_flush_and_shutdown_keep_their_deadlines) {
    hole_open();
    otel_options *o = blackhole_opts(protocols[_i]);
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "otlp");
    otel_meter_provider *mp;
    ck_assert_int_eq(otel_meter_provider_new(&mp, o), OTEL_OK);
    otel_options_free(o);
    otel_instrument *c = otel_meter_counter_i64(otel_meter_provider_get_meter(mp, "deadlines", NULL, NULL),
                                                "requests", NULL, NULL);
    otel_counter_add_i64(c, 1, NULL, 0);
    uint64_t t0 = otel_time_now_ns();
    /* the export's own timeout is the flush's: a timeout or the failed export */
    otel_status fs = otel_meter_provider_force_flush(mp, 300);
    ck_assert_msg(fs == OTEL_ERR_TIMEOUT || fs == OTEL_ERR_EXPORT, "%s: flush %d", protocols[_i], fs);
    uint64_t flush_ms = ms_since(t0);
    ck_assert_msg(flush_ms < 300 + SLACK_MS, "%s: force_flush(300) took %llu ms", protocols[_i],
                  (unsigned long long)flush_ms);
    t0 = otel_time_now_ns();
    ck_assert_int_ne(otel_meter_provider_shutdown(mp, 1000), OTEL_OK);
    uint64_t shut_ms = ms_since(t0);
    ck_assert_msg(shut_ms < 1000 + SLACK_MS, "%s: shutdown(1000) took %llu ms", protocols[_i],
                  (unsigned long long)shut_ms);
    otel_meter_provider_release(mp); /* the abandoned export lets go by itself */
    hole_close();
    struct timespec ts = {0, 200000000};
    nanosleep(&ts, NULL); /* the abandoned thread ends: no use after free (ASan) */
}
END_TEST

START_TEST(test_tracer_provider_flush_and_shutdown_keep_their_deadlines) {
    hole_open();
    otel_options *o = blackhole_opts(protocols[_i]);
    otel_options_set(o, "OTEL_TRACES_EXPORTER", "otlp"); /* ctest sets none */
    otel_tracer_provider *tp;
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    otel_tracer *t = otel_tracer_provider_get_tracer(tp, "deadlines", NULL, NULL);
    for (int i = 0; i < 10; i++) otel_span_end(otel_tracer_start_span(t, "s", 0, NULL));
    uint64_t t0 = otel_time_now_ns();
    otel_status fs = otel_tracer_provider_force_flush(tp, 300);
    ck_assert_msg(fs == OTEL_ERR_TIMEOUT || fs == OTEL_ERR_EXPORT, "%s: flush %d", protocols[_i], fs);
    ck_assert_uint_lt(ms_since(t0), 300 + SLACK_MS);
    t0 = otel_time_now_ns();
    ck_assert_int_eq(otel_tracer_provider_shutdown(tp, 1000), OTEL_ERR_TIMEOUT);
    uint64_t shut_ms = ms_since(t0);
    ck_assert_msg(shut_ms < 1000 + SLACK_MS, "%s: shutdown(1000) took %llu ms", protocols[_i],
                  (unsigned long long)shut_ms);
    /* and the stats add up the moment it returns */
    uint64_t v[OTEL_STAT__COUNT];
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_ENDED], 10);
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_EXPORTED] + v[OTEL_STAT_DROPPED_SHUTDOWN] +
                          v[OTEL_STAT_DROPPED_EXPORT_FAILED],
                      10);
    ck_assert_uint_eq(v[OTEL_STAT_SPANS_QUEUED], 0);
    otel_tracer_provider_release(tp);
    hole_close();
    struct timespec ts = {0, 200000000};
    nanosleep(&ts, NULL);
}
END_TEST

int main(void) {
    Suite *s = suite_create("deadlines");
    TCase *tc = tcase_create("blackhole");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_meter_provider_flush_and_shutdown_keep_their_deadlines, 0, 3);
    tcase_add_loop_test(tc, test_tracer_provider_flush_and_shutdown_keep_their_deadlines, 0, 3);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
