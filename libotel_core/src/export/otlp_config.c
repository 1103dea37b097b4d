/* OTEL_EXPORTER_OTLP_* parsing: endpoints, headers, protocol, TLS files,
 * timeouts, compression, and this SDK's size and retry options. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdk/options.h"
#include "common/error.h"
#include "common/log.h"
#include "common/redact.h"
#include "common/strutil.h"
#include "export/otlp_config.h"

static const char *const signal_prefix[] = {"TRACES_", "METRICS_", "LOGS_"};

const char *otel__otlp_signal_path(int signal) {
    static const char *const p[] = {"v1/traces", "v1/metrics", "v1/logs"};
    return p[signal >= 0 && signal <= 2 ? signal : 0];
}

const char *otel__otlp_grpc_method(int signal) {
    static const char *const m[] = {
        "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
        "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
    };
    return m[signal >= 0 && signal <= 2 ? signal : 0];
}

/* ---- headers --------------------------------------------------------- */

static int is_tchar(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

void otel__otlp_headers_free(otel__otlp_header *h, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(h);
}

/* Headers the transport sets itself; a user value would break the protocol. */
static int reserved_header(const char *k, size_t n) {
    static const char *const names[] = {"content-type", "content-length", "content-encoding",
                                        "te", "grpc-timeout", "grpc-encoding", "host",
                                        "transfer-encoding", "connection", NULL};
    for (int i = 0; names[i]; i++)
        if (otel__ascii_ieq(k, n, names[i], strlen(names[i]))) return 1;
    return 0;
}

otel_status otel__otlp_parse_headers(const char *s, size_t len, const char *what,
                                     otel__otlp_header **out, size_t *n) {
    size_t i = 0, entry = 0;
    while (i <= len && s) {
        size_t j = i;
        while (j < len && s[j] != ',') j++;
        const char *e = s + i;
        size_t elen = j - i;
        i = j + 1;
        otel__trim(&e, &elen);
        if (!elen) continue;
        entry++;
        const char *eq = memchr(e, '=', elen);
        const char *k = e, *v = eq ? eq + 1 : NULL;
        size_t klen = eq ? (size_t)(eq - e) : elen, vlen = eq ? elen - klen - 1 : 0;
        otel__trim(&k, &klen);
        otel__trim(&v, &vlen);
        /* W3C baggage properties (";...") are not supported: drop them */
        if (v) {
            const char *semi = memchr(v, ';', vlen);
            if (semi) {
                vlen = (size_t)(semi - v);
                otel__trim(&v, &vlen);
            }
        }
        char *kd = malloc(klen + 1), *vd = malloc(vlen + 1);
        if (!kd || !vd) {
            free(kd);
            free(vd);
            return otel__fail(OTEL_ERR_NO_MEMORY, "otlp: out of memory parsing headers");
        }
        size_t kn = eq ? otel__percent_decode(k, klen, kd) : (size_t)-1;
        size_t vn = eq ? otel__percent_decode(v, vlen, vd) : (size_t)-1;
        int ok = kn != (size_t)-1 && vn != (size_t)-1 && kn > 0;
        for (size_t x = 0; ok && x < kn; x++) ok = is_tchar((unsigned char)kd[x]);
        for (size_t x = 0; ok && x < vn; x++)
            ok = vd[x] != '\r' && vd[x] != '\n' && vd[x] != '\0';
        if (!ok) {
            /* never print the entry: its value may be a credential */
            OTEL_LOG_W("%s: entry %zu is malformed and was skipped", what, entry);
            free(kd);
            free(vd);
            continue;
        }
        if (reserved_header(kd, kn)) {
            OTEL_LOG_W("%s: header '%.*s' is set by the exporter and was ignored", what,
                       (int)(kn > 64 ? 64 : kn), kd);
            free(kd);
            free(vd);
            continue;
        }
        kd[kn] = '\0';
        vd[vn] = '\0';
        otel__otlp_header *nh = realloc(*out, (*n + 1) * sizeof *nh);
        if (!nh) {
            free(kd);
            free(vd);
            return otel__fail(OTEL_ERR_NO_MEMORY, "otlp: out of memory parsing headers");
        }
        *out = nh;
        /* a later duplicate replaces the earlier one */
        size_t slot = *n;
        for (size_t x = 0; x < *n; x++)
            if (otel__ascii_ieq(nh[x].name, strlen(nh[x].name), kd, kn)) {
                free(nh[x].name);
                free(nh[x].value);
                slot = x;
                break;
            }
        nh[slot].name = kd;
        nh[slot].value = vd;
        if (slot == *n) (*n)++;
    }
    return OTEL_OK;
}

/* ---- URLs ------------------------------------------------------------ */

typedef struct url_parts {
    const char *scheme; size_t scheme_len;
    const char *userinfo; size_t userinfo_len; /* NULL if none */
    const char *host; size_t host_len;          /* host[:port] */
    const char *path; size_t path_len;          /* from '/' up to '?' or '#' */
    const char *rest;                           /* '?' or '#' onwards, or "" */
} url_parts;

static int parse_url(const char *u, url_parts *p) {
    memset(p, 0, sizeof *p);
    const char *sep = strstr(u, "://");
    if (!sep || sep == u) return 0;
    for (const char *c = u; c < sep; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (c > u && strchr("+-.0123456789", *c))))
            return 0;
    p->scheme = u;
    p->scheme_len = (size_t)(sep - u);
    const char *a = sep + 3;
    size_t alen = strcspn(a, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < alen; i++)
        if (a[i] == '@') at = a + i;
    if (at) {
        p->userinfo = a;
        p->userinfo_len = (size_t)(at - a);
        p->host = at + 1;
        p->host_len = alen - p->userinfo_len - 1;
    } else {
        p->host = a;
        p->host_len = alen;
    }
    if (p->host_len == 0) return 0;
    p->path = a + alen;
    p->path_len = strcspn(p->path, "?#");
    p->rest = p->path + p->path_len;
    return 1;
}

static char *str_printf(const char *fmt, ...) OTEL__PRINTF(1, 2);
static char *str_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s) return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

char *otel__otlp_display_url(const char *url) {
    url_parts p;
    if (!url || !parse_url(url, &p)) return otel__strndup("(invalid URL)", 13);
    return str_printf("%.*s://%.*s%.*s", (int)p.scheme_len, p.scheme, (int)p.host_len, p.host,
                      (int)p.path_len, p.path);
}

static int scheme_is(const url_parts *p, const char *s) {
    return otel__ascii_ieq(p->scheme, p->scheme_len, s, strlen(s));
}

char *otel__otlp_resolve_url(int signal, int protocol, const char *signal_endpoint,
                             const char *generic, int insecure, const char **err) {
    *err = NULL;
    if (protocol == OTEL__OTLP_GRPC) {
        const char *e = signal_endpoint ? signal_endpoint : generic;
        if (!e) e = "http://localhost:4317";
        url_parts p;
        char *base;
        if (strstr(e, "://")) {
            if (!parse_url(e, &p) || !(scheme_is(&p, "http") || scheme_is(&p, "https"))) {
                *err = "is not an http:// or https:// URL";
                return NULL;
            }
            base = str_printf("%.*s://%.*s%s%.*s", (int)p.scheme_len, p.scheme,
                              (int)p.userinfo_len, p.userinfo ? p.userinfo : "",
                              p.userinfo ? "@" : "", (int)p.host_len, p.host);
        } else {
            /* host:port without a scheme: INSECURE decides */
            size_t hl = strcspn(e, "/?#");
            if (!hl) {
                *err = "has no host";
                return NULL;
            }
            base = str_printf("%s://%.*s", insecure ? "http" : "https", (int)hl, e);
        }
        if (!base) return NULL;
        char *u = str_printf("%s%s", base, otel__otlp_grpc_method(signal));
        free(base);
        return u;
    }
    if (signal_endpoint) {
        url_parts p;
        if (!parse_url(signal_endpoint, &p) || !(scheme_is(&p, "http") || scheme_is(&p, "https"))) {
            *err = "is not an http:// or https:// URL";
            return NULL;
        }
        if (p.path_len == 0) {
            /* the only change allowed: an empty path becomes "/" */
            size_t head = (size_t)(p.path - signal_endpoint);
            return str_printf("%.*s/%s", (int)head, signal_endpoint, p.rest);
        }
        return otel__strndup(signal_endpoint, strlen(signal_endpoint));
    }
    const char *g = generic ? generic : "http://localhost:4318";
    url_parts p;
    if (!parse_url(g, &p) || !(scheme_is(&p, "http") || scheme_is(&p, "https"))) {
        *err = "is not an http:// or https:// URL";
        return NULL;
    }
    size_t head = (size_t)(p.path + p.path_len - g);
    int slash = p.path_len > 0 && p.path[p.path_len - 1] == '/';
    return str_printf("%.*s%s%s%s", (int)head, g, slash ? "" : "/", otel__otlp_signal_path(signal),
                      p.rest);
}

/* ---- loading --------------------------------------------------------- */

/* The per-signal value of OTEL_EXPORTER_OTLP_<SIGNAL>_<key>, else the generic
 * one. `which` tells the caller which name applied (for messages). */
static const char *sig_opt(const otel_options *o, int signal, const char *key, char *which,
                           size_t cap, int *is_signal) {
    snprintf(which, cap, "OTEL_EXPORTER_OTLP_%s%s", signal_prefix[signal], key);
    const char *v = otel__opt_str(o, which);
    if (is_signal) *is_signal = v != NULL;
    if (v) return v;
    snprintf(which, cap, "OTEL_EXPORTER_OTLP_%s", key);
    return otel__opt_str(o, which);
}

/* Registers a secret with the one redaction point (common/redact.c) and
 * keeps it to unregister when the configuration is freed. */
static otel_status add_secret(otel__otlp_config *c, const char *s, size_t len) {
    char **ns = realloc(c->secrets, (c->n_secrets + 1) * sizeof *ns);
    if (!ns) return OTEL_ERR_NO_MEMORY;
    c->secrets = ns;
    if (!(ns[c->n_secrets] = otel__strndup(s, len))) return OTEL_ERR_NO_MEMORY;
    if (!otel__secret_add(s, len)) {
        free(ns[c->n_secrets]);
        return OTEL_ERR_NO_MEMORY;
    }
    c->n_secrets++;
    return OTEL_OK;
}

/* The user info as written, percent-decoded, its password alone, and the
 * Basic credentials libcurl makes of it (base64 of the decoded form): a
 * server may quote any of them. */
static otel_status add_userinfo_secrets(otel__otlp_config *c, const char *ui, size_t len) {
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *dec = malloc(len + 1), *enc = malloc((len + 2) / 3 * 4 + 1);
    otel_status st = dec && enc ? OTEL_OK : OTEL_ERR_NO_MEMORY;
    size_t dn = st == OTEL_OK ? otel__percent_decode(ui, len, dec) : (size_t)-1;
    if (dn == (size_t)-1) dn = 0; /* malformed escapes: the raw form is still masked */
    const char *forms[2] = {ui, dec};
    size_t lens[2] = {len, dn};
    for (int f = 0; f < 2 && st == OTEL_OK; f++) {
        if (!lens[f]) continue;
        const char *colon = memchr(forms[f], ':', lens[f]);
        st = add_secret(c, forms[f], lens[f]);
        if (st == OTEL_OK && colon)
            st = add_secret(c, colon + 1, lens[f] - (size_t)(colon + 1 - forms[f]));
    }
    if (st == OTEL_OK && dn) {
        size_t o = 0;
        for (size_t i = 0; i < dn; i += 3) {
            uint32_t v = (uint32_t)(unsigned char)dec[i] << 16;
            if (i + 1 < dn) v |= (uint32_t)(unsigned char)dec[i + 1] << 8;
            if (i + 2 < dn) v |= (unsigned char)dec[i + 2];
            enc[o++] = b64[v >> 18 & 63];
            enc[o++] = b64[v >> 12 & 63];
            enc[o++] = i + 1 < dn ? b64[v >> 6 & 63] : '=';
            enc[o++] = i + 2 < dn ? b64[v & 63] : '=';
        }
        st = add_secret(c, enc, o);
    }
    if (dec) memset(dec, 0, len + 1);
    if (enc) memset(enc, 0, (len + 2) / 3 * 4 + 1);
    free(dec);
    free(enc);
    return st;
}

static char *dup_opt(const char *v) { return v ? otel__strndup(v, strlen(v)) : NULL; }

void otel__otlp_config_free(otel__otlp_config *c) {
    free(c->url);
    free(c->display_url);
    free(c->ca_file);
    free(c->client_cert);
    free(c->client_key);
    otel__otlp_headers_free(c->headers, c->n_headers);
    for (size_t i = 0; i < c->n_secrets; i++) {
        size_t n = strlen(c->secrets[i]);
        otel__secret_remove(c->secrets[i], n);
        memset(c->secrets[i], 0, n);
        free(c->secrets[i]);
    }
    free(c->secrets);
    memset(c, 0, sizeof *c);
}

otel_status otel__otlp_config_load(otel__otlp_config *c, const otel_options *o, int signal) {
    memset(c, 0, sizeof *c);
    if (signal < 0 || signal > 2) signal = OTEL__OTLP_TRACES;
    c->signal = signal;
    char name[96];
    int is_sig;

    static const char *const protocols[] = {"http/protobuf", "http/json", "grpc", NULL};
    sig_opt(o, signal, "PROTOCOL", name, sizeof name, NULL);
    c->protocol = otel__opt_enum(o, name, protocols, OTEL__OTLP_HTTP_PROTOBUF);

    static const char *const compressions[] = {"none", "gzip", NULL};
    sig_opt(o, signal, "COMPRESSION", name, sizeof name, NULL);
    c->gzip = otel__opt_enum(o, name, compressions, 0) == 1;

    sig_opt(o, signal, "TIMEOUT", name, sizeof name, NULL);
    c->timeout_ms = (uint32_t)otel__opt_int(o, name, OTEL__OTLP_DEFAULT_TIMEOUT_MS, 0, INT32_MAX);

    /* INSECURE: per signal, the obsolete SPAN/METRIC forms, then generic */
    int insecure;
    snprintf(name, sizeof name, "OTEL_EXPORTER_OTLP_%sINSECURE", signal_prefix[signal]);
    if (otel__opt_str(o, name)) insecure = otel__opt_bool(o, name, 0);
    else if (signal == OTEL__OTLP_TRACES && otel__opt_str(o, "OTEL_EXPORTER_OTLP_SPAN_INSECURE"))
        insecure = otel__opt_bool(o, "OTEL_EXPORTER_OTLP_SPAN_INSECURE", 0);
    else if (signal == OTEL__OTLP_METRICS && otel__opt_str(o, "OTEL_EXPORTER_OTLP_METRIC_INSECURE"))
        insecure = otel__opt_bool(o, "OTEL_EXPORTER_OTLP_METRIC_INSECURE", 0);
    else insecure = otel__opt_bool(o, "OTEL_EXPORTER_OTLP_INSECURE", 0);

    const char *ep = sig_opt(o, signal, "ENDPOINT", name, sizeof name, &is_sig);
    const char *err = NULL;
    c->url = otel__otlp_resolve_url(signal, c->protocol, is_sig ? ep : NULL, is_sig ? NULL : ep,
                                    insecure, &err);
    if (!c->url) {
        otel_status st = err ? otel__fail(OTEL_ERR_PARSE, "otlp: %s %s", name, err)
                             : otel__fail(OTEL_ERR_NO_MEMORY, "otlp: out of memory");
        otel__otlp_config_free(c);
        return st;
    }
    c->display_url = otel__otlp_display_url(c->url);
    url_parts p;
    if (parse_url(c->url, &p) && p.userinfo && add_userinfo_secrets(c, p.userinfo, p.userinfo_len) != OTEL_OK)
        goto oom;

    const char *h = sig_opt(o, signal, "HEADERS", name, sizeof name, NULL);
    if (h && otel__otlp_parse_headers(h, strlen(h), name, &c->headers, &c->n_headers) != OTEL_OK)
        goto oom;
    for (size_t i = 0; i < c->n_headers; i++)
        if (add_secret(c, c->headers[i].value, strlen(c->headers[i].value)) != OTEL_OK) goto oom;

    c->ca_file = dup_opt(sig_opt(o, signal, "CERTIFICATE", name, sizeof name, NULL));
    c->client_cert = dup_opt(sig_opt(o, signal, "CLIENT_CERTIFICATE", name, sizeof name, NULL));
    c->client_key = dup_opt(sig_opt(o, signal, "CLIENT_KEY", name, sizeof name, NULL));

    c->max_request_bytes = (size_t)otel__opt_int(o, "OTEL_CORE_EXPORTER_OTLP_MAX_REQUEST_BYTES",
                                                 OTEL__OTLP_DEFAULT_MAX_REQUEST, 1024, INT64_MAX);
    c->max_response_bytes = (size_t)otel__opt_int(o, "OTEL_CORE_EXPORTER_OTLP_MAX_RESPONSE_BYTES",
                                                  OTEL__OTLP_DEFAULT_MAX_RESPONSE, 1024, INT64_MAX);
    c->retry_initial_ns =
        (uint64_t)otel__opt_int(o, "OTEL_CORE_EXPORTER_OTLP_RETRY_INITIAL_BACKOFF",
                                OTEL__OTLP_DEFAULT_RETRY_INITIAL_MS, 1, 3600000) * 1000000ull;
    c->retry_max_ns = (uint64_t)otel__opt_int(o, "OTEL_CORE_EXPORTER_OTLP_RETRY_MAX_BACKOFF",
                                              OTEL__OTLP_DEFAULT_RETRY_MAX_MS, 1, 3600000) *
                      1000000ull;
    if (c->retry_max_ns < c->retry_initial_ns) c->retry_max_ns = c->retry_initial_ns;
    /* a gRPC message length is 32 bits */
    if (c->protocol == OTEL__OTLP_GRPC && c->max_request_bytes > UINT32_MAX - 64)
        c->max_request_bytes = UINT32_MAX - 64;
    if (!c->display_url) goto oom;
    return OTEL_OK;
oom:
    otel__otlp_config_free(c);
    return otel__fail(OTEL_ERR_NO_MEMORY, "otlp: out of memory loading the configuration");
}
