/* http/protobuf, http/json and gRPC over libcurl.
 *
 * Every send goes through a multi handle with curl_multi_poll(), so another
 * thread can cut it short at once with curl_multi_wakeup() (shutdown must
 * not wait for a server that accepted the connection and never answers);
 * the transfer-info callback returns the same abort flag as a second line of
 * defence. Responses are capped after decompression: libcurl decodes
 * Content-Encoding before the write callback sees the bytes, and gRPC
 * messages are gunzipped here under the same cap. */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/redact.h"
#include "common/strutil.h"
#include "export/gzip.h"
#include "export/otlp_buf.h"
#include "export/otlp_grpc_framing.h"
#include "export/otlp_retry.h"
#include "export/otlp_transport_http.h"
#include "otel/common.h"

struct otel__otlp_transport {
    const otel__otlp_config *cfg;
    CURL *easy;
    CURLM *multi;
    struct curl_slist *headers;
    _Atomic int abort;
    otel__buf body; /* response body, capped */
    otel__buf msg;  /* decompressed gRPC message */
    int body_over;
    size_t header_bytes; /* of this response, status lines included */
    int headers_over;    /* over OTEL__OTLP_MAX_RESPONSE_HEADER_BYTES */
    int saw_status;      /* a status line arrived */
    /* what the headers (and gRPC trailers) said */
    int grpc_status;
    char grpc_message[256];
    int grpc_gzip;
    int has_retry_after;
    uint64_t retry_after_ns;
    int has_details;
    otel__otlp_rpc_status details;
    int json_response;
    /* libcurl 7.88.0-7.88.1 cannot reuse an h2c prior-knowledge connection
     * (curl issue 10634): there, once the connection is up, later requests
     * ask for plain HTTP/2, which reuses it without the bug */
    int h2c_quirk;
    int h2c_up;
    pid_t pid; /* the process whose connection the handles hold */
    char errbuf[CURL_ERROR_SIZE];
};

/* After fork() the child's copies of the handles hold the parent's
 * connection: the same socket, and for TLS the same session state. The child
 * must neither use nor close it (a close could write TLS close_notify or an
 * HTTP/2 GOAWAY onto the parent's stream), so it sets the copies aside here,
 * reachable, and makes fresh handles. */
typedef struct abandoned {
    CURL *easy;
    CURLM *multi;
    struct abandoned *next;
} abandoned;
static abandoned *abandoned_after_fork;
static pthread_mutex_t abandoned_lock = PTHREAD_MUTEX_INITIALIZER;

static int renew_after_fork(otel__otlp_transport *t) {
    CURL *easy = curl_easy_duphandle(t->easy); /* options, not connections */
    CURLM *multi = curl_multi_init();
    abandoned *a = malloc(sizeof *a);
    if (!easy || !multi || !a) {
        if (easy) curl_easy_cleanup(easy);
        if (multi) curl_multi_cleanup(multi);
        free(a);
        return 0;
    }
    a->easy = t->easy;
    a->multi = t->multi;
    pthread_mutex_lock(&abandoned_lock);
    a->next = abandoned_after_fork;
    abandoned_after_fork = a;
    pthread_mutex_unlock(&abandoned_lock);
    t->easy = easy;
    t->multi = multi;
    t->h2c_up = 0;
    t->pid = getpid();
    return 1;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ok;

static void curl_init_once(void) { curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }

int otel__otlp_curl_global_init(void) {
    pthread_once(&curl_once, curl_init_once);
    return curl_ok;
}

/* ---- callbacks ------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud) {
    otel__otlp_transport *t = ud;
    size_t n = size * nmemb;
    if (atomic_load_explicit(&t->abort, memory_order_relaxed)) return 0;
    if (n > t->body.limit - t->body.len) {
        t->body_over = 1;
        return 0; /* fails the transfer with CURLE_WRITE_ERROR */
    }
    otel__buf_put(&t->body, p, n);
    return t->body.err ? 0 : n;
}

static int header_is(const char *line, size_t len, const char *name, const char **val,
                     size_t *val_len) {
    size_t nl = strlen(name);
    if (len <= nl || line[nl] != ':' || !otel__ascii_ieq(line, nl, name, nl)) return 0;
    const char *v = line + nl + 1;
    size_t vl = len - nl - 1;
    while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n')) vl--;
    otel__trim(&v, &vl);
    *val = v;
    *val_len = vl;
    return 1;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud) {
    otel__otlp_transport *t = ud;
    size_t len = size * nmemb;
    const char *v;
    size_t vl;
    t->header_bytes += len;
    if (t->header_bytes > OTEL__OTLP_MAX_RESPONSE_HEADER_BYTES) {
        t->headers_over = 1;
        return 0; /* fails the transfer: the answer is refused, not retried */
    }
    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        t->saw_status = 1;
        /* a new response (after a 100 Continue, say): forget the last one */
        t->has_retry_after = 0;
        t->grpc_status = -1;
        t->grpc_message[0] = '\0';
        t->has_details = 0;
        t->grpc_gzip = 0;
        t->json_response = 0;
    } else if (header_is(line, len, "retry-after", &v, &vl)) {
        t->has_retry_after =
            otel__otlp_parse_retry_after(v, vl, otel__clock_real_ns(), &t->retry_after_ns);
    } else if (header_is(line, len, "grpc-status", &v, &vl)) {
        int code = 0, ok = vl > 0 && vl < 4;
        for (size_t i = 0; ok && i < vl; i++) {
            ok = v[i] >= '0' && v[i] <= '9';
            code = code * 10 + (v[i] - '0');
        }
        t->grpc_status = ok ? code : OTEL__GRPC_UNKNOWN;
    } else if (header_is(line, len, "grpc-message", &v, &vl)) {
        otel__grpc_message_decode(v, vl, t->grpc_message, sizeof t->grpc_message);
    } else if (header_is(line, len, "grpc-status-details-bin", &v, &vl)) {
        if (vl < 65536) {
            uint8_t *raw = malloc(vl * 3 / 4 + 4);
            if (raw) {
                size_t n = otel__base64_decode(v, vl, raw);
                if (n != (size_t)-1 && otel__otlp_decode_status_proto(raw, n, &t->details))
                    t->has_details = 1;
                free(raw);
            }
        }
    } else if (header_is(line, len, "grpc-encoding", &v, &vl)) {
        t->grpc_gzip = otel__ascii_ieq(v, vl, "gzip", 4);
    } else if (header_is(line, len, "content-type", &v, &vl)) {
        t->json_response = vl >= 16 && otel__ascii_ieq(v, 16, "application/json", 16);
    }
    return len;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un) {
    (void)dt, (void)dn, (void)ut, (void)un;
    otel__otlp_transport *t = ud;
    return atomic_load_explicit(&t->abort, memory_order_relaxed) ? 1 : 0;
}

/* ---- setup ----------------------------------------------------------- */

static int starts_with_ci(const char *s, const char *prefix) {
    size_t n = strlen(prefix);
    return strlen(s) >= n && otel__ascii_ieq(s, n, prefix, n);
}

otel_status otel__otlp_transport_new(otel__otlp_transport **out, const otel__otlp_config *cfg) {
    if (!otel__otlp_curl_global_init())
        return otel__fail(OTEL_ERR_INTERNAL, "otlp: curl_global_init failed");
    otel__otlp_transport *t = calloc(1, sizeof *t);
    if (!t) return otel__fail(OTEL_ERR_NO_MEMORY, "otlp: out of memory");
    t->cfg = cfg;
    atomic_init(&t->abort, 0);
    otel__buf_init(&t->body, cfg->max_response_bytes);
    otel__buf_init(&t->msg, cfg->max_response_bytes);
    t->easy = curl_easy_init();
    t->multi = curl_multi_init();
    t->pid = getpid();
    if (!t->easy || !t->multi) {
        otel__otlp_transport_free(t);
        return otel__fail(OTEL_ERR_INTERNAL, "otlp: could not create a curl handle");
    }
    int grpc = cfg->protocol == OTEL__OTLP_GRPC;
    int tls = starts_with_ci(cfg->url, "https://");

    /* fixed headers, built once */
    struct curl_slist *h = NULL, *n;
#define ADD(s)                                   \
    do {                                         \
        n = curl_slist_append(h, (s));           \
        if (!n) goto oom;                        \
        h = n;                                   \
    } while (0)
    if (grpc) {
        ADD("Content-Type: application/grpc");
        ADD("TE: trailers");
        if (cfg->gzip) ADD("grpc-encoding: gzip");
        ADD("grpc-accept-encoding: gzip");
    } else {
        ADD(cfg->protocol == OTEL__OTLP_HTTP_JSON ? "Content-Type: application/json"
                                                  : "Content-Type: application/x-protobuf");
        if (cfg->gzip) ADD("Content-Encoding: gzip");
    }
    ADD("Expect:"); /* no 100-continue round trip */
    for (size_t i = 0; i < cfg->n_headers; i++) {
        size_t ln = strlen(cfg->headers[i].name), lv = strlen(cfg->headers[i].value);
        char *line = malloc(ln + lv + 3);
        if (!line) goto oom;
        memcpy(line, cfg->headers[i].name, ln);
        memcpy(line + ln, ": ", 2);
        memcpy(line + ln + 2, cfg->headers[i].value, lv + 1);
        n = curl_slist_append(h, line);
        /* the line held a secret: wipe our copy (curl keeps its own) */
        memset(line, 0, ln + lv + 2);
        free(line);
        if (!n) goto oom;
        h = n;
    }
#undef ADD
    t->headers = h;

    CURL *e = t->easy;
    int ok = 1;
#define SET(opt, val) ok &= curl_easy_setopt(e, opt, val) == CURLE_OK
    SET(CURLOPT_URL, cfg->url);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_POST, 1L);
    SET(CURLOPT_HTTPHEADER, t->headers);
    SET(CURLOPT_USERAGENT, "OTel-OTLP-Exporter-C/" OTEL_VERSION_STRING);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, t);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, t);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    SET(CURLOPT_XFERINFODATA, t);
    SET(CURLOPT_NOPROGRESS, 0L);
    SET(CURLOPT_ERRORBUFFER, t->errbuf);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_TCP_KEEPALIVE, 1L);
    SET(CURLOPT_TCP_NODELAY, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
    SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    if (grpc && !tls) {
        const curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
        t->h2c_quirk = vi && vi->version_num >= 0x075800 && vi->version_num < 0x075802;
    }
    if (grpc) {
        SET(CURLOPT_HTTP_VERSION,
            tls ? (long)CURL_HTTP_VERSION_2TLS : (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
    } else {
        /* HTTP/2 where TLS offers it, falling back to 1.1; plain http: 1.1 */
        SET(CURLOPT_HTTP_VERSION, tls ? (long)CURL_HTTP_VERSION_2TLS : (long)CURL_HTTP_VERSION_1_1);
        SET(CURLOPT_ACCEPT_ENCODING, "gzip");
    }
    if (cfg->ca_file) SET(CURLOPT_CAINFO, cfg->ca_file);
    if (cfg->client_cert) SET(CURLOPT_SSLCERT, cfg->client_cert);
    if (cfg->client_key) SET(CURLOPT_SSLKEY, cfg->client_key);
#undef SET
    if (!ok) {
        otel__otlp_transport_free(t);
        return otel__fail(OTEL_ERR_INTERNAL, "otlp: libcurl refused an option (built without HTTP/2?)");
    }
    *out = t;
    return OTEL_OK;
oom:
    curl_slist_free_all(h);
    otel__otlp_transport_free(t);
    return otel__fail(OTEL_ERR_NO_MEMORY, "otlp: out of memory");
}

void otel__otlp_transport_free(otel__otlp_transport *t) {
    if (!t) return;
    if (t->pid != getpid()) { /* a forked child: the handles are the parent's */
        abandoned *a = malloc(sizeof *a);
        if (a) {
            a->easy = t->easy;
            a->multi = t->multi;
            pthread_mutex_lock(&abandoned_lock);
            a->next = abandoned_after_fork;
            abandoned_after_fork = a;
            pthread_mutex_unlock(&abandoned_lock);
        }
        t->easy = NULL;
        t->multi = NULL;
    }
    if (t->easy) curl_easy_cleanup(t->easy);
    if (t->multi) curl_multi_cleanup(t->multi);
    curl_slist_free_all(t->headers);
    otel__buf_free(&t->body);
    otel__buf_free(&t->msg);
    free(t);
}

void otel__otlp_transport_abort(otel__otlp_transport *t) {
    atomic_store(&t->abort, 1);
    curl_multi_wakeup(t->multi);
}

void otel__otlp_transport_clear_abort(otel__otlp_transport *t) { atomic_store(&t->abort, 0); }

int otel__otlp_transport_aborted(const otel__otlp_transport *t) {
    return atomic_load(&((otel__otlp_transport *)t)->abort);
}

/* ---- one attempt ----------------------------------------------------- */

static void set_error(otel__otlp_transport *t, otel__otlp_result *r, const char *fmt, ...)
    OTEL__PRINTF(3, 4);
static void set_error(otel__otlp_transport *t, otel__otlp_result *r, const char *fmt, ...) {
    (void)t;
    char full[2048]; /* the server's part is already cut (and redacted) to 256 */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(full, sizeof full, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof full ? (size_t)n : sizeof full - 1;
    otel__redact(r->error, sizeof r->error, full, len);
}

/* libcurl 7.x refuses an HTTP/2 header block over 128 KiB from inside an
 * nghttp2 callback, before ours sees a line; it reports the callback's
 * failure (NGHTTP2_ERR_CALLBACK_FAILURE, -902). libcurl 8.6 and later say
 * CURLE_TOO_LARGE. */
static int h2_headers_refused(const otel__otlp_transport *t, CURLcode cc) {
#if LIBCURL_VERSION_NUM >= 0x080600
    if (cc == CURLE_TOO_LARGE) return 1;
#endif
    return cc == CURLE_RECV_ERROR && strstr(t->errbuf, "nghttp2") && strstr(t->errbuf, "-902");
}

/* What went wrong below HTTP, in words a user can act on. */
static void describe_curl_error(otel__otlp_transport *t, CURLcode cc, otel__otlp_result *r) {
    const char *url = t->cfg->display_url;
    const char *why = t->errbuf[0] ? t->errbuf : curl_easy_strerror(cc);
    long os = 0;
    curl_easy_getinfo(t->easy, CURLINFO_OS_ERRNO, &os);
    curl_off_t connected_us = 0;
    curl_easy_getinfo(t->easy, CURLINFO_CONNECT_TIME_T, &connected_us);
    /* TLS 1.3 ends the client's handshake before the server checks the
     * client certificate: a refusal arrives as a lost connection */
    int mtls_hint = starts_with_ci(t->cfg->url, "https://") && !t->cfg->client_cert &&
                    r->http_status == 0;
    const char *lost = os == ECONNRESET ? "reset by the server"
                       : os == EPIPE    ? "closed by the server"
                                        : NULL;
    const char *hint = mtls_hint ? " (a server that requires a client certificate does this: "
                                   "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE)"
                                 : "";
    const char *tls = cc == CURLE_PEER_FAILED_VERIFICATION ? "the server's certificate is not trusted"
                      : cc == CURLE_SSL_CONNECT_ERROR      ? "handshake failed"
                      : cc == CURLE_SSL_CERTPROBLEM        ? "cannot use the client certificate"
                      : cc == CURLE_SSL_CACERT_BADFILE     ? "cannot read the CA certificate file"
                                                           : NULL;
    if (tls) {
        set_error(t, r, "TLS failure with %s: %s (%s)", url, tls, why);
        return;
    }
    switch (cc) {
    case CURLE_COULDNT_CONNECT: {
        const char *what = os == ECONNREFUSED ? "connection refused"
                           : os == ENETUNREACH ? "network unreachable"
                           : os == EHOSTUNREACH ? "host unreachable"
                           : os == ETIMEDOUT   ? "timed out"
                                               : NULL;
        if (what) set_error(t, r, "cannot connect to %s: %s", url, what);
        else set_error(t, r, "cannot connect to %s: %s", url, why);
        return;
    }
    case CURLE_COULDNT_RESOLVE_HOST:
        set_error(t, r, "cannot connect to %s: cannot resolve host", url);
        return;
    case CURLE_OPERATION_TIMEDOUT:
        if (connected_us == 0) set_error(t, r, "cannot connect to %s: timed out", url);
        else set_error(t, r, "no answer from %s in time: timed out", url);
        return;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
        set_error(t, r, "connection to %s lost: %s%s", url, lost ? lost : why, hint);
        return;
    case CURLE_GOT_NOTHING:
        set_error(t, r, "connection to %s lost: the server closed it without answering", url);
        return;
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        if (lost) set_error(t, r, "connection to %s lost: %s%s", url, lost, hint);
        else set_error(t, r, "HTTP/2 error with %s: %s", url, why);
        return;
    default:
        set_error(t, r, "cannot send to %s: %s", url, why);
        return;
    }
}

static int curl_code_retryable(CURLcode c) {
    switch (c) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_AGAIN:
        return 1;
    default:
        return 0;
    }
}

static const char *partial_key(int signal) {
    static const char *const k[] = {"rejectedSpans", "rejectedDataPoints", "rejectedLogRecords"};
    return k[signal >= 0 && signal <= 2 ? signal : 0];
}

static const char *http_reason(long s) {
    switch (s) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

static void classify_http(otel__otlp_transport *t, otel__otlp_result *r) {
    long s = r->http_status;
    const otel__otlp_config *c = t->cfg;
    if (s >= 200 && s < 300) {
        r->outcome = OTEL__OTLP_SENT;
        int ok = c->protocol == OTEL__OTLP_HTTP_JSON || t->json_response
                     ? otel__otlp_decode_partial_json((const char *)t->body.p, t->body.len,
                                                      partial_key(c->signal), &r->partial)
                     : otel__otlp_decode_partial_proto(t->body.p, t->body.len, &r->partial);
        if (!ok) memset(&r->partial, 0, sizeof r->partial); /* accepted all the same */
        return;
    }
    otel__otlp_rpc_status st;
    memset(&st, 0, sizeof st);
    if (t->body.len) {
        if (c->protocol == OTEL__OTLP_HTTP_JSON || t->json_response)
            otel__otlp_decode_status_json((const char *)t->body.p, t->body.len, &st);
        else if (!otel__otlp_decode_status_proto(t->body.p, t->body.len, &st))
            memset(&st, 0, sizeof st);
    }
    if (otel__otlp_http_retryable(s)) {
        r->outcome = OTEL__OTLP_RETRYABLE;
        if (t->has_retry_after) {
            r->has_server_delay = 1;
            r->server_delay_ns = t->retry_after_ns;
        } else if (st.has_retry_info) {
            r->has_server_delay = 1;
            r->server_delay_ns = st.retry_delay_ns;
        }
    } else {
        r->outcome = OTEL__OTLP_FAILED;
    }
    const char *reason = http_reason(s);
    set_error(t, r, "HTTP %ld%s%s from %s%s%s", s, reason[0] ? " " : "", reason, c->display_url,
              st.message[0] ? ": " : "", st.message);
}

static void classify_grpc(otel__otlp_transport *t, otel__otlp_result *r) {
    const otel__otlp_config *c = t->cfg;
    int code = t->grpc_status;
    if (code < 0) code = r->http_status == 200 ? OTEL__GRPC_INTERNAL
                                               : otel__grpc_status_from_http(r->http_status);
    r->grpc_status = code;
    if (code == OTEL__GRPC_OK) {
        int compressed;
        const uint8_t *m;
        size_t mlen;
        int fr = otel__grpc_frame_parse(t->body.p, t->body.len, &compressed, &m, &mlen);
        r->outcome = OTEL__OTLP_SENT;
        if (fr < 0) return; /* the status says OK; an odd body changes nothing */
        if (fr > 0 && compressed) {
            t->msg.len = 0;
            t->msg.err = 0;
            otel_status zs = otel__gzip_decompress(m, mlen, &t->msg);
            if (zs == OTEL_ERR_LIMIT) {
                r->outcome = OTEL__OTLP_FAILED;
                set_error(t, r, "gRPC response from %s larger than %zu bytes", c->display_url,
                          c->max_response_bytes);
                return;
            }
            if (zs != OTEL_OK) return;
            m = t->msg.p;
            mlen = t->msg.len;
        }
        if (fr > 0 && !otel__otlp_decode_partial_proto(m, mlen, &r->partial))
            memset(&r->partial, 0, sizeof r->partial);
        return;
    }
    int has_ri = t->has_details && t->details.has_retry_info;
    r->has_retry_info = has_ri;
    if (otel__grpc_code_retryable(code, has_ri)) {
        r->outcome = OTEL__OTLP_RETRYABLE;
        if (has_ri) {
            r->has_server_delay = 1;
            r->server_delay_ns = t->details.retry_delay_ns;
        }
    } else {
        r->outcome = OTEL__OTLP_FAILED;
    }
    const char *msg = t->grpc_message[0] ? t->grpc_message
                      : t->has_details   ? t->details.message
                                         : "";
    set_error(t, r, "gRPC %s from %s%s%s", otel__grpc_code_name(code), c->display_url,
              msg[0] ? ": " : "", msg);
}

void otel__otlp_transport_send(otel__otlp_transport *t, const uint8_t *body, size_t len,
                               uint64_t deadline_ns, otel__otlp_result *r) {
    memset(r, 0, sizeof *r);
    r->grpc_status = -1;
    t->body.len = 0;
    t->body.err = 0;
    t->body_over = 0;
    t->header_bytes = 0;
    t->headers_over = 0;
    t->saw_status = 0;
    t->grpc_status = -1;
    t->grpc_message[0] = '\0';
    t->grpc_gzip = 0;
    t->has_retry_after = 0;
    t->has_details = 0;
    t->json_response = 0;
    t->errbuf[0] = '\0';
    int grpc = t->cfg->protocol == OTEL__OTLP_GRPC;

    if (atomic_load(&t->abort)) {
        r->outcome = OTEL__OTLP_ABORTED;
        set_error(t, r, "export to %s aborted", t->cfg->display_url);
        return;
    }
    if (t->pid != getpid() && !renew_after_fork(t)) {
        r->outcome = OTEL__OTLP_FAILED;
        set_error(t, r, "export to %s: no connection after fork (out of memory)",
                  t->cfg->display_url);
        return;
    }
    uint64_t now = otel__clock_mono_ns();
    if (deadline_ns <= now) {
        r->outcome = OTEL__OTLP_FAILED;
        set_error(t, r, "export to %s timed out before sending", t->cfg->display_url);
        return;
    }
    long ms = deadline_ns == UINT64_MAX ? 0 : (long)((deadline_ns - now + 999999) / 1000000);
    if (deadline_ns != UINT64_MAX && ms < 1) ms = 1;

    /* gRPC: the deadline travels with the call */
    struct curl_slist *timeout_hdr = NULL, *last = NULL;
    char th[48];
    if (grpc && deadline_ns != UINT64_MAX) {
        char v[16];
        otel__grpc_timeout_value(v, deadline_ns - now);
        snprintf(th, sizeof th, "grpc-timeout: %s", v);
        timeout_hdr = curl_slist_append(NULL, th);
        if (timeout_hdr) {
            for (last = t->headers; last->next; last = last->next) {}
            last->next = timeout_hdr; /* unlinked again below */
        }
    }
    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, (const char *)body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ms);

    CURLcode cc = CURLE_OK;
    int done = 0;
    if (curl_multi_add_handle(t->multi, e) != CURLM_OK) {
        cc = CURLE_FAILED_INIT;
        done = 1;
    }
    while (!done) {
        int running = 0;
        if (curl_multi_perform(t->multi, &running) != CURLM_OK) {
            cc = CURLE_FAILED_INIT;
            break;
        }
        CURLMsg *m;
        int q;
        while ((m = curl_multi_info_read(t->multi, &q)) != NULL)
            if (m->msg == CURLMSG_DONE && m->easy_handle == e) {
                cc = m->data.result;
                done = 1;
            }
        if (done || !running) break;
        if (atomic_load(&t->abort)) {
            cc = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        /* curl's own timeouts end the transfer; the poll wakes for them, for
         * socket activity, and for curl_multi_wakeup() from abort */
        curl_multi_poll(t->multi, NULL, 0, 1000, NULL);
    }
    curl_multi_remove_handle(t->multi, e);
    int h2c_lost = 0;
    if (t->h2c_quirk) {
        int up = cc == CURLE_OK;
        long hv = 0;
        curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &hv);
        if (t->h2c_up && (!up || hv != CURL_HTTP_VERSION_2_0)) {
            /* the connection had gone, and plain HTTP/2 fell back to an
             * HTTP/1.1 Upgrade that a gRPC server refuses: try again with
             * prior knowledge */
            up = 0;
            h2c_lost = 1;
        }
        if (up != t->h2c_up)
            curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                             up ? (long)CURL_HTTP_VERSION_2_0 : (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
        t->h2c_up = up;
    }
    if (last) last->next = NULL;
    curl_slist_free_all(timeout_hdr);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->http_status);

    if (atomic_load(&t->abort)) {
        r->outcome = OTEL__OTLP_ABORTED;
        set_error(t, r, "export to %s aborted", t->cfg->display_url);
        return;
    }
    if (h2c_lost) {
        r->outcome = OTEL__OTLP_RETRYABLE;
        set_error(t, r, "the HTTP/2 connection to %s was lost", t->cfg->display_url);
        return;
    }
    /* headers no client should buffer: the same answer would come again */
    if (t->headers_over || (cc == CURLE_OUT_OF_MEMORY && t->saw_status) ||
        h2_headers_refused(t, cc)) {
        r->outcome = OTEL__OTLP_FAILED;
        set_error(t, r, "response headers from %s too large (over %u bytes); not retried",
                  t->cfg->display_url,
                  t->headers_over           ? OTEL__OTLP_MAX_RESPONSE_HEADER_BYTES
                  : cc == CURLE_OUT_OF_MEMORY ? CURL_MAX_HTTP_HEADER
                                              : 128u * 1024u);
        return;
    }
    if (t->body_over) {
        r->outcome = OTEL__OTLP_FAILED;
        set_error(t, r, "response from %s larger than %zu bytes", t->cfg->display_url,
                  t->cfg->max_response_bytes);
        return;
    }
    if (cc != CURLE_OK) {
        /* a gRPC server may close the stream right after its trailers */
        if (grpc && t->grpc_status >= 0 && r->http_status) {
            classify_grpc(t, r);
            return;
        }
        r->outcome = curl_code_retryable(cc) ? OTEL__OTLP_RETRYABLE : OTEL__OTLP_FAILED;
        describe_curl_error(t, cc, r);
        return;
    }
    if (grpc) classify_grpc(t, r);
    else classify_http(t, r);
}
