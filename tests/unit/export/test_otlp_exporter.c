/* otel-test: internal */
/* The OTLP exporter over http/protobuf and http/json against a scripted
 * HTTP/1.1 server on loopback (a thread in the test process): success,
 * retries with backoff and Retry-After, non-retryable failures, partial
 * success, size caps, gzip, an abort of a request the server never answers,
 * and no secret in any error. gRPC and the harder faults are in tests/faults
 * (h2); the real Collector is in tests/interop. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "common/clock.h"
#include "common/stats.h"
#include "export/exporter.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h"
#include "otel/otel.h"
#include "otlp_fixture.h"

/* ---- a scripted HTTP/1.1 server ---------------------------------------- */

typedef struct reply {
    int status;          /* 0: accept the request and never answer */
    const char *headers; /* extra header lines, each ending in \r\n */
    const void *body;
    size_t body_len;
} reply;

#define MAX_REQ 64
typedef struct request {
    char head[4096];
    uint8_t *body;
    size_t body_len;
} request;

static struct {
    int lfd, port;
    pthread_t th;
    _Atomic int stop;
    reply script[16];
    int n_script;
    request req[MAX_REQ];
    _Atomic int n_req;
} srv;

static int read_request(int fd, request *r) {
    size_t hl = 0;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        int pr = poll(&p, 1, 100);
        if (atomic_load(&srv.stop)) return -1;
        if (pr <= 0) continue;
        ssize_t n = recv(fd, r->head + hl, 1, 0);
        if (n <= 0) return -1;
        hl++;
        if (hl >= 4 && memcmp(r->head + hl - 4, "\r\n\r\n", 4) == 0) break;
        if (hl == sizeof r->head - 1) return -1;
    }
    r->head[hl] = '\0';
    const char *cl = strcasestr(r->head, "content-length:");
    size_t len = cl ? strtoul(cl + 15, NULL, 10) : 0;
    r->body = malloc(len + 1);
    r->body_len = 0;
    while (r->body_len < len) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) {
            if (atomic_load(&srv.stop)) return -1;
            continue;
        }
        ssize_t n = recv(fd, r->body + r->body_len, len - r->body_len, 0);
        if (n <= 0) return -1;
        r->body_len += (size_t)n;
    }
    return 0;
}

static void *serve(void *arg) {
    (void)arg;
    while (!atomic_load(&srv.stop)) {
        struct pollfd p = {srv.lfd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        int fd = accept(srv.lfd, NULL, NULL);
        if (fd < 0) continue;
        for (;;) {
            int i = atomic_load(&srv.n_req);
            if (i >= MAX_REQ) break;
            if (read_request(fd, &srv.req[i]) != 0) break;
            atomic_store(&srv.n_req, i + 1);
            const reply *rp = &srv.script[i < srv.n_script ? i : srv.n_script - 1];
            if (rp->status == 0) {
                while (!atomic_load(&srv.stop)) usleep(10000); /* blackhole */
                break;
            }
            char head[1024];
            int hn = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n%s\r\n",
                              rp->status, rp->body_len, rp->headers ? rp->headers : "");
            if (send(fd, head, (size_t)hn, MSG_NOSIGNAL) < 0) break;
            size_t off = 0;
            while (off < rp->body_len) {
                ssize_t w = send(fd, (const char *)rp->body + off, rp->body_len - off, MSG_NOSIGNAL);
                if (w <= 0) break;
                off += (size_t)w;
            }
        }
        close(fd);
    }
    return NULL;
}

static void server_start(const reply *script, int n) {
    memset(&srv, 0, sizeof srv);
    memcpy(srv.script, script, sizeof *script * (size_t)n);
    srv.n_script = n;
    srv.lfd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(srv.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(srv.lfd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t al = sizeof a;
    getsockname(srv.lfd, (struct sockaddr *)&a, &al);
    srv.port = ntohs(a.sin_port);
    listen(srv.lfd, 8);
    pthread_create(&srv.th, NULL, serve, NULL);
}

static void server_stop(void) {
    atomic_store(&srv.stop, 1);
    pthread_join(srv.th, NULL);
    close(srv.lfd);
    for (int i = 0; i < atomic_load(&srv.n_req); i++) free(srv.req[i].body);
}

/* ---- fixture --------------------------------------------------------- */

static otel_tracer_provider *tp;
static otel_exporter *mem;
static const otel_span_data *spans[512];
static size_t n_spans;
static otel__stats stats;
static otel_options *eo; /* exporter options */

static void setup(void) {
    otel_options *o;
    otel_options_new(&o);
    fix_options(o, NULL);
    otel_exporter_in_memory_new(&mem);
    otel_processor *p;
    otel_processor_simple_new(&p, mem);
    otel_options_add_processor(o, p);
    otel_processor_release(p);
    ck_assert_int_eq(otel_tracer_provider_new(&tp, o), OTEL_OK);
    otel_options_free(o);
    fix_emit(tp);
    n_spans = otel_exporter_in_memory_count(mem);
    for (size_t i = 0; i < n_spans; i++) spans[i] = otel_exporter_in_memory_get(mem, i);
    otel__stats_init(&stats);
    otel_options_new(&eo);
    otel_options_set(eo, "OTEL_CORE_EXPORTER_OTLP_RETRY_INITIAL_BACKOFF", "50");
    otel_options_set(eo, "OTEL_CORE_EXPORTER_OTLP_RETRY_MAX_BACKOFF", "200");
}

static void teardown(void) {
    for (size_t i = 0; i < n_spans; i++) otel_span_data_release(spans[i]);
    otel_tracer_provider_shutdown(tp, 1000);
    otel_tracer_provider_release(tp);
    otel_exporter_release(mem);
    otel_options_free(eo);
    otel__stats_destroy(&stats);
}

static otel_exporter *make_exporter(const char *path) {
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", srv.port, path ? path : "/v1/traces");
    otel_options_set(eo, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", url);
    otel_exporter *e;
    ck_assert_int_eq(otel_exporter_otlp_new(&e, eo), OTEL_OK);
    atomic_store(&e->stats, &stats);
    return e;
}

/* Exports and counts the outcome, as a processor does. */
static int export_all(otel_exporter *e, uint32_t timeout_ms) {
    otel__export_outcome o = otel__exporter_export(e, spans, n_spans, timeout_ms);
    otel__count_export(&stats, o, n_spans);
    return o.ok ? OTEL_EXPORT_SUCCESS : OTEL_EXPORT_FAILURE;
}

static uint64_t stat(otel_stat s) { return otel__stats_get(&stats, s); }

static char last_error[256];
static const char *err(void) {
    otel__stats_last_error(&stats, last_error, sizeof last_error);
    return last_error;
}

typedef Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest Req;

static size_t spans_in(const uint8_t *p, size_t len) {
    Req *r = opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(NULL, len, p);
    ck_assert_ptr_nonnull(r);
    size_t n = 0;
    for (size_t i = 0; i < r->n_resource_spans; i++)
        for (size_t j = 0; j < r->resource_spans[i]->n_scope_spans; j++)
            n += r->resource_spans[i]->scope_spans[j]->n_spans;
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(r, NULL);
    return n;
}

/* ---- tests ------------------------------------------------------------- */

START_TEST(test_http_protobuf_success) {
    reply ok = {200, "Content-Type: application/x-protobuf\r\n", "", 0};
    server_start(&ok, 1);
    otel_options_set(eo, "OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=acme,api-key=s3cr3t%21");
    otel_exporter *e = make_exporter(NULL);
    ck_assert_int_eq(export_all(e, 5000), OTEL_EXPORT_SUCCESS);
    ck_assert_int_eq(export_all(e, 5000), OTEL_EXPORT_SUCCESS); /* same connection */
    ck_assert_int_eq(atomic_load(&srv.n_req), 2);
    request *r = &srv.req[0];
    ck_assert_ptr_nonnull(strstr(r->head, "POST /v1/traces HTTP/1.1"));
    ck_assert_ptr_nonnull(strcasestr(r->head, "content-type: application/x-protobuf"));
    ck_assert_ptr_nonnull(strcasestr(r->head, "user-agent: OTel-OTLP-Exporter-C/" OTEL_VERSION_STRING));
    ck_assert_ptr_nonnull(strcasestr(r->head, "x-tenant: acme"));
    ck_assert_ptr_nonnull(strcasestr(r->head, "api-key: s3cr3t!"));
    ck_assert_uint_eq(spans_in(r->body, r->body_len), 3);
    ck_assert_uint_eq(stat(OTEL_STAT_EXPORT_RETRIES), 0);
    otel_exporter_release(e);
    server_stop();
}
END_TEST

START_TEST(test_http_json_and_gzip) {
    reply ok = {200, "Content-Type: application/json\r\n", "{}", 2};
    server_start(&ok, 1);
    otel_options_set(eo, "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
    otel_options_set(eo, "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip");
    otel_exporter *e = make_exporter(NULL);
    ck_assert_int_eq(export_all(e, 5000), OTEL_EXPORT_SUCCESS);
    request *r = &srv.req[0];
    ck_assert_ptr_nonnull(strcasestr(r->head, "content-type: application/json"));
    ck_assert_ptr_nonnull(strcasestr(r->head, "content-encoding: gzip"));
    uint8_t out[1 << 16];
    uLongf ol = sizeof out;
    z_stream zs = {0};
    inflateInit2(&zs, 15 + 16);
    zs.next_in = r->body;
    zs.avail_in = (uInt)r->body_len;
    zs.next_out = out;
    zs.avail_out = (uInt)ol;
    ck_assert_int_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
    ol = zs.total_out;
    inflateEnd(&zs);
    ck_assert_int_eq(memcmp(out, "{\"resourceSpans\":[", 18), 0);
    ck_assert_int_eq(out[ol - 1], '}');
    otel_exporter_release(e);
    server_stop();
}
END_TEST

START_TEST(test_retryable_then_success) {
    reply script[] = {{503, NULL, "", 0}, {502, NULL, "", 0}, {200, NULL, "", 0}};
    server_start(script, 3);
    otel_exporter *e = make_exporter(NULL);
    ck_assert_int_eq(export_all(e, 10000), OTEL_EXPORT_SUCCESS);
    ck_assert_int_eq(atomic_load(&srv.n_req), 3);
    ck_assert_uint_eq(stat(OTEL_STAT_EXPORT_RETRIES), 2);
    /* the same bytes every time */
    ck_assert_uint_eq(srv.req[0].body_len, srv.req[2].body_len);
    ck_assert_mem_eq(srv.req[0].body, srv.req[2].body, srv.req[0].body_len);
    otel_exporter_release(e);
    server_stop();
}
END_TEST

START_TEST(test_retry_after_is_honoured) {
    reply script[] = {{429, "Retry-After: 1\r\n", "", 0}, {200, NULL, "", 0}};
    server_start(script, 2);
    otel_exporter *e = make_exporter(NULL);
    uint64_t t0 = otel__clock_mono_ns();
    ck_assert_int_eq(export_all(e, 10000), OTEL_EXPORT_SUCCESS);
    uint64_t ms = (otel__clock_mono_ns() - t0) / 1000000;
    ck_assert_uint_ge(ms, 1000);
    ck_assert_uint_lt(ms, 3000);
    ck_assert_uint_eq(stat(OTEL_STAT_EXPORT_RETRIES), 1);
    otel_exporter_release(e);
    server_stop();
}
END_TEST

START_TEST(test_retry_after_beyond_timeout_gives_up) {
    reply script[] = {{503, "Retry-After: 30\r\n", "", 0}, {200, NULL, "", 0}};
    server_start(script, 2);
    otel_exporter *e = make_exporter(NULL);
    uint64_t t0 = otel__clock_mono_ns();
    ck_assert_int_eq(export_all(e, 2000), OTEL_EXPORT_FAILURE);
    ck_assert_uint_lt((otel__clock_mono_ns() - t0) / 1000000, 1000);
    ck_assert_int_eq(atomic_load(&srv.n_req), 1);
    ck_assert_ptr_nonnull(strstr(err(), "HTTP 503"));
    otel_exporter_release(e);
    server_stop();
}
END_TEST

START_TEST(test_non_retryable_is_dropped_with_message) {
    /* google.rpc.Status{code: 3, message: "bad span"} */
    static const uint8_t st[] = {0x08, 0x03, 0x12, 0x08, 'b', 'a', 'd', ' ', 's', 'p', 'a', 'n'};
    reply script[] = {{400, "Content-Type: application/x-protobuf\r\n", st, sizeof st}};
    server_start(script, 1);
    otel_options_set(eo, "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20hunter2hunter2");
    otel_exporter *e = make_exporter(NULL);
    ck_assert_int_eq(export_all(e, 5000), OTEL_EXPORT_FAILURE);
    ck_assert_int_eq(atomic_load(&srv.n_req), 1);
    ck_assert_uint_eq(stat(OTEL_STAT_EXPORT_RETRIES), 0);
    ck_assert_ptr_nonnull(strstr(err(), "HTTP 400"));
    ck_assert_ptr_nonnull(strstr(err(), "bad span"));
    ck_assert_ptr_null(strstr(err(), "hunter2"));
    otel_exporter_release(e);
    server_stop();
}
END_TEST

START_TEST(test_partial_success_counted_not_retried) {
    static const uint8_t ps[] = {0x0A, 0x0A, 0x08, 0x02, 0x12, 0x06, 't', 'o', 'o', 'o', 'l', 'd'}; /* "tooold" */
    reply script[] = {{200, "Content-Type: application/x-protobuf\r\n", ps, sizeof ps}};
    server_start(script, 1);
    otel_exporter *e = make_exporter(NULL);
    ck_assert_int_eq(export_all(e, 5000), OTEL_EXPORT_SUCCESS);
    ck_assert_int_eq(atomic_load(&srv.n_req), 1);
    ck_assert_uint_eq(stat(OTEL_STAT_DROPPED_REJECTED), 2);
    ck_assert_ptr_nonnull(strstr(err(), "tooold"));
    otel_exporter_release(e);
    server_stop();
}
END_TEST

START_TEST(test_response_over_cap_is_not_retried) {
    static char big[10000];
    memset(big, 'x', sizeof big);
    reply script[] = {{200, NULL, big, sizeof big}};
    server_start(script, 1);
    otel_options_set(eo, "OTEL_CORE_EXPORTER_OTLP_MAX_RESPONSE_BYTES", "2048");
    otel_exporter *e = make_exporter(NULL);
    ck_assert_int_eq(export_all(e, 5000), OTEL_EXPORT_FAILURE);
    ck_assert_int_eq(atomic_load(&srv.n_req), 1);
    ck_assert_ptr_nonnull(strstr(err(), "larger than 2048 bytes"));
    otel_exporter_release(e);
    server_stop();
}
END_TEST

START_TEST(test_request_over_cap_is_not_sent) {
    reply ok = {200, NULL, "", 0};
    server_start(&ok, 1);
    otel_options_set(eo, "OTEL_CORE_EXPORTER_OTLP_MAX_REQUEST_BYTES", "1024");
    otel_exporter *e = make_exporter(NULL);
    ck_assert_int_eq(export_all(e, 5000), OTEL_EXPORT_FAILURE);
    ck_assert_int_eq(atomic_load(&srv.n_req), 0);
    ck_assert_uint_eq(stat(OTEL_STAT_DROPPED_TOO_LARGE), n_spans);
    otel_exporter_release(e);
    server_stop();
}
END_TEST

typedef struct killer {
    otel_exporter *e;
    int ms;
    int use_abort;
} killer;

static void *kill_later(void *arg) {
    killer *k = arg;
    usleep((useconds_t)k->ms * 1000);
    if (k->use_abort) otel__exporter_abort(k->e);
    else otel__exporter_shutdown(k->e, 100);
    return NULL;
}

START_TEST(test_shutdown_cuts_a_blackhole_short) {
    reply hole = {0, NULL, NULL, 0};
    server_start(&hole, 1);
    otel_exporter *e = make_exporter(NULL);
    killer k = {e, 300, 0};
    pthread_t th;
    pthread_create(&th, NULL, kill_later, &k);
    uint64_t t0 = otel__clock_mono_ns();
    ck_assert_int_eq(export_all(e, 30000), OTEL_EXPORT_FAILURE);
    uint64_t ms = (otel__clock_mono_ns() - t0) / 1000000;
    pthread_join(th, NULL);
    ck_assert_uint_ge(ms, 250);
    ck_assert_uint_lt(ms, 1200);
    ck_assert_ptr_nonnull(strstr(err(), "aborted"));
    /* after shutdown, exports fail at once */
    ck_assert_int_eq(export_all(e, 30000), OTEL_EXPORT_FAILURE);
    otel_exporter_release(e);
    server_stop();
}
END_TEST

START_TEST(test_abort_cuts_a_backoff_wait_short_and_stays) {
    reply script[] = {{503, "Retry-After: 20\r\n", "", 0}, {200, NULL, "", 0}};
    server_start(script, 2);
    otel_exporter *e = make_exporter(NULL);
    killer k = {e, 300, 1};
    pthread_t th;
    pthread_create(&th, NULL, kill_later, &k);
    uint64_t t0 = otel__clock_mono_ns();
    ck_assert_int_eq(export_all(e, 60000), OTEL_EXPORT_FAILURE);
    ck_assert_uint_lt((otel__clock_mono_ns() - t0) / 1000000, 1200);
    pthread_join(th, NULL);
    /* abort comes at a shutdown deadline: an abandoned worker's next
     * export gives up at once, without a request */
    uint64_t t1 = otel__clock_mono_ns();
    ck_assert_int_eq(export_all(e, 5000), OTEL_EXPORT_FAILURE);
    ck_assert_uint_lt((otel__clock_mono_ns() - t1) / 1000000, 100);
    otel_exporter_release(e);
    server_stop();
}
END_TEST

START_TEST(test_connection_refused_retries_until_timeout) {
    reply ok = {200, NULL, "", 0};
    server_start(&ok, 1);
    int port = srv.port;
    server_stop(); /* nothing listens there now */
    char url[64];
    snprintf(url, sizeof url, "http://user:pa55word@127.0.0.1:%d/v1/traces", port);
    otel_options_set(eo, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", url);
    otel_exporter *e;
    ck_assert_int_eq(otel_exporter_otlp_new(&e, eo), OTEL_OK);
    atomic_store(&e->stats, &stats);
    uint64_t t0 = otel__clock_mono_ns();
    ck_assert_int_eq(export_all(e, 1000), OTEL_EXPORT_FAILURE);
    uint64_t ms = (otel__clock_mono_ns() - t0) / 1000000;
    ck_assert_uint_lt(ms, 1500);
    ck_assert_uint_ge(stat(OTEL_STAT_EXPORT_RETRIES), 2);
    ck_assert_ptr_null(strstr(err(), "pa55word"));
    ck_assert_ptr_null(strstr(err(), "user:"));
    ck_assert_ptr_nonnull(strstr(err(), "127.0.0.1"));
    otel_exporter_release(e);
}
END_TEST

START_TEST(test_file_exporter_writes_json_lines) {
    char path[] = "/tmp/otel-file-exporter-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    otel_exporter *e;
    ck_assert_int_eq(otel_exporter_file_new(&e, path), OTEL_OK);
    ck_assert(otel__exporter_export(e, spans, n_spans, 0).ok);
    ck_assert(otel__exporter_export(e, spans, 1, 0).ok);
    otel_exporter_release(e);
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int lines = 0;
    while (getline(&line, &cap, f) > 0) {
        lines++;
        ck_assert_int_eq(strncmp(line, "{\"resourceSpans\":[", 18), 0);
        ck_assert_int_eq(line[strlen(line) - 1], '\n');
    }
    free(line);
    fclose(f);
    unlink(path);
    ck_assert_int_eq(lines, 2);
    ck_assert_int_eq(otel_exporter_file_new(&e, "/nonexistent-dir/x.jsonl"), OTEL_ERR_IO);
    ck_assert_int_eq(otel_exporter_file_new(&e, ""), OTEL_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(test_bad_endpoint_is_refused) {
    otel_options_set(eo, "OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318");
    otel_exporter *e = NULL;
    ck_assert_int_eq(otel_exporter_otlp_new(&e, eo), OTEL_ERR_PARSE);
    ck_assert_ptr_null(e);
    ck_assert_int_eq(otel_exporter_otlp_new(NULL, eo), OTEL_ERR_INVALID_ARGUMENT);
}
END_TEST

int main(void) {
    Suite *s = suite_create("otlp_exporter");
    TCase *tc = tcase_create("http");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_http_protobuf_success);
    tcase_add_test(tc, test_http_json_and_gzip);
    tcase_add_test(tc, test_retryable_then_success);
    tcase_add_test(tc, test_retry_after_is_honoured);
    tcase_add_test(tc, test_retry_after_beyond_timeout_gives_up);
    tcase_add_test(tc, test_non_retryable_is_dropped_with_message);
    tcase_add_test(tc, test_partial_success_counted_not_retried);
    tcase_add_test(tc, test_response_over_cap_is_not_retried);
    tcase_add_test(tc, test_request_over_cap_is_not_sent);
    tcase_add_test(tc, test_shutdown_cuts_a_blackhole_short);
    tcase_add_test(tc, test_abort_cuts_a_backoff_wait_short_and_stays);
    tcase_add_test(tc, test_connection_refused_retries_until_timeout);
    tcase_add_test(tc, test_file_exporter_writes_json_lines);
    tcase_add_test(tc, test_bad_endpoint_is_refused);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
