/* Bounds-checked readers for OTLP responses (protobuf and JSON). */
#include <stdlib.h>
#include <string.h>

#include "common/redact.h"
#include "common/strutil.h"
#include "export/otlp_decode.h"

/* ---- protobuf ---------------------------------------------------------- */

typedef struct pb_reader {
    const uint8_t *p, *end;
} pb_reader;

static int pb_varint(pb_reader *r, uint64_t *v) {
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end) return 0;
        uint8_t c = *r->p++;
        x |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *v = x;
            return 1;
        }
    }
    return 0;
}

/* Reads one field: its number and wire type; varints land in *v, length-
 * delimited data in *data and *len; fixed fields are read into *v. */
static int pb_next(pb_reader *r, uint32_t *field, int *wt, uint64_t *v, const uint8_t **data,
                   size_t *len) {
    uint64_t key;
    if (!pb_varint(r, &key)) return 0;
    *field = (uint32_t)(key >> 3);
    *wt = (int)(key & 7);
    if (*field == 0) return 0;
    switch (*wt) {
    case 0:
        return pb_varint(r, v);
    case 1:
        if (r->end - r->p < 8) return 0;
        *v = 0;
        for (int i = 7; i >= 0; i--) *v = (*v << 8) | r->p[i];
        r->p += 8;
        return 1;
    case 2: {
        uint64_t n;
        if (!pb_varint(r, &n) || n > (uint64_t)(r->end - r->p)) return 0;
        *data = r->p;
        *len = (size_t)n;
        r->p += n;
        return 1;
    }
    case 5:
        if (r->end - r->p < 4) return 0;
        *v = (uint64_t)r->p[0] | (uint64_t)r->p[1] << 8 | (uint64_t)r->p[2] << 16 |
             (uint64_t)r->p[3] << 24;
        r->p += 4;
        return 1;
    default:
        return 0; /* groups are not used by any message read here */
    }
}

/* A server's text for the logs: printable, valid UTF-8, redacted whole and
 * only then cut to `cap` (a secret the server echoes must not survive as a
 * prefix at the cut). */
static void copy_msg(char *dst, size_t cap, const void *src, size_t len) {
    if (len > OTEL__OTLP_MAX_SERVER_TEXT) len = OTEL__OTLP_MAX_SERVER_TEXT;
    char *tmp = malloc(len + 1);
    if (!tmp) {
        dst[0] = '\0';
        return;
    }
    size_t n = otel__utf8_valid_prefix(src, len);
    memcpy(tmp, src, n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)tmp[i] < 0x20) tmp[i] = ' ';
    otel__redact(dst, cap, tmp, n);
    free(tmp);
}

int otel__otlp_decode_partial_proto(const uint8_t *p, size_t len, otel__otlp_partial *out) {
    memset(out, 0, sizeof *out);
    pb_reader r = {p, p + len};
    while (r.p < r.end) {
        uint32_t f;
        int wt;
        uint64_t v = 0;
        const uint8_t *d = NULL;
        size_t n = 0;
        if (!pb_next(&r, &f, &wt, &v, &d, &n)) return 0;
        if (f != 1 || wt != 2) continue;
        out->present = 1;
        pb_reader s = {d, d + n};
        while (s.p < s.end) {
            uint32_t f2;
            int wt2;
            uint64_t v2 = 0;
            const uint8_t *d2 = NULL;
            size_t n2 = 0;
            if (!pb_next(&s, &f2, &wt2, &v2, &d2, &n2)) return 0;
            if (f2 == 1 && wt2 == 0) out->rejected = (int64_t)v2;
            else if (f2 == 2 && wt2 == 2) copy_msg(out->message, sizeof out->message, d2, n2);
        }
    }
    return 1;
}

static int decode_retry_info(const uint8_t *p, size_t len, uint64_t *ns) {
    pb_reader r = {p, p + len};
    *ns = 0;
    while (r.p < r.end) {
        uint32_t f;
        int wt;
        uint64_t v = 0;
        const uint8_t *d = NULL;
        size_t n = 0;
        if (!pb_next(&r, &f, &wt, &v, &d, &n)) return 0;
        if (f != 1 || wt != 2) continue; /* retry_delay: google.protobuf.Duration */
        pb_reader s = {d, d + n};
        int64_t secs = 0, nanos = 0;
        while (s.p < s.end) {
            uint32_t f2;
            int wt2;
            uint64_t v2 = 0;
            const uint8_t *d2 = NULL;
            size_t n2 = 0;
            if (!pb_next(&s, &f2, &wt2, &v2, &d2, &n2)) return 0;
            if (f2 == 1 && wt2 == 0) secs = (int64_t)v2;
            else if (f2 == 2 && wt2 == 0) nanos = (int32_t)v2;
        }
        if (secs < 0 || nanos < 0) secs = nanos = 0;
        if (secs > 100000) secs = 100000; /* clamp: a day and more is "give up" anyway */
        *ns = (uint64_t)secs * 1000000000ull + (uint64_t)nanos;
    }
    return 1;
}

int otel__otlp_decode_status_proto(const uint8_t *p, size_t len, otel__otlp_rpc_status *out) {
    memset(out, 0, sizeof *out);
    pb_reader r = {p, p + len};
    while (r.p < r.end) {
        uint32_t f;
        int wt;
        uint64_t v = 0;
        const uint8_t *d = NULL;
        size_t n = 0;
        if (!pb_next(&r, &f, &wt, &v, &d, &n)) return 0;
        if (f == 1 && wt == 0) {
            out->code = (int32_t)v;
        } else if (f == 2 && wt == 2) {
            copy_msg(out->message, sizeof out->message, d, n);
        } else if (f == 3 && wt == 2) { /* details: google.protobuf.Any */
            pb_reader s = {d, d + n};
            const uint8_t *type = NULL, *val = NULL;
            size_t type_len = 0, val_len = 0;
            while (s.p < s.end) {
                uint32_t f2;
                int wt2;
                uint64_t v2 = 0;
                const uint8_t *d2 = NULL;
                size_t n2 = 0;
                if (!pb_next(&s, &f2, &wt2, &v2, &d2, &n2)) return 0;
                if (f2 == 1 && wt2 == 2) type = d2, type_len = n2;
                else if (f2 == 2 && wt2 == 2) val = d2, val_len = n2;
            }
            static const char suffix[] = "google.rpc.RetryInfo";
            size_t sl = sizeof suffix - 1;
            if (type && type_len >= sl && memcmp(type + type_len - sl, suffix, sl) == 0 &&
                (type_len == sl || type[type_len - sl - 1] == '/')) {
                uint64_t ns;
                if (decode_retry_info(val ? val : (const uint8_t *)"", val_len, &ns)) {
                    out->has_retry_info = 1;
                    out->retry_delay_ns = ns;
                }
            }
        }
    }
    return 1;
}

/* ---- JSON ---------------------------------------------------------------- */

typedef struct js {
    const char *p, *end;
    int depth;
} js;

static void js_ws(js *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

/* Reads a string; when dst is given, unescapes into it (truncated, NUL-
 * terminated). */
static int js_scan_string(js *j, char *dst, size_t cap, const char **raw, size_t *raw_len) {
    js_ws(j);
    if (j->p >= j->end || *j->p != '"') return 0;
    j->p++;
    const char *start = j->p;
    size_t o = 0;
    while (j->p < j->end && *j->p != '"') {
        char c = *j->p++;
        if (c == '\\') {
            if (j->p >= j->end) return 0;
            char e = *j->p++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u':
                if (j->end - j->p < 4) return 0;
                for (int k = 0; k < 4; k++) {
                    char h = j->p[k];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                        return 0;
                }
                j->p += 4;
                c = '?'; /* non-ASCII escapes are not needed for diagnostics */
                break;
            default: c = e;
            }
        }
        if (dst && o + 1 < cap) dst[o++] = (unsigned char)c < 0x20 ? ' ' : c;
    }
    if (j->p >= j->end) return 0;
    if (raw) *raw = start, *raw_len = (size_t)(j->p - start);
    j->p++;
    if (dst && cap) {
        dst[o] = '\0';
        size_t n = otel__utf8_valid_prefix(dst, o);
        dst[n] = '\0';
    }
    return 1;
}

/* A string value; into dst (when given) decoded whole, redacted, then cut. */
static int js_string(js *j, char *dst, size_t cap, const char **raw, size_t *raw_len) {
    if (!dst) return js_scan_string(j, NULL, 0, raw, raw_len);
    const char *at = j->p, *r;
    size_t rl;
    if (!js_scan_string(j, NULL, 0, &r, &rl)) return 0;
    if (raw) *raw = r, *raw_len = rl;
    size_t tcap = (rl > OTEL__OTLP_MAX_SERVER_TEXT ? OTEL__OTLP_MAX_SERVER_TEXT : rl) + 1;
    char *tmp = malloc(tcap);
    if (!tmp) {
        if (cap) dst[0] = '\0';
        return 1;
    }
    const char *end = j->p;
    j->p = at;
    js_scan_string(j, tmp, tcap, NULL, NULL);
    j->p = end;
    if (cap) otel__redact(dst, cap, tmp, strlen(tmp));
    free(tmp);
    return 1;
}

static int js_skip(js *j);

static int js_skip_container(js *j, char close) {
    if (++j->depth > 64) return 0;
    j->p++;
    js_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return 1;
    }
    for (;;) {
        if (close == '}') {
            if (!js_string(j, NULL, 0, NULL, NULL)) return 0;
            js_ws(j);
            if (j->p >= j->end || *j->p++ != ':') return 0;
        }
        if (!js_skip(j)) return 0;
        js_ws(j);
        if (j->p >= j->end) return 0;
        char c = *j->p++;
        if (c == close) break;
        if (c != ',') return 0;
    }
    j->depth--;
    return 1;
}

static int js_skip(js *j) {
    js_ws(j);
    if (j->p >= j->end) return 0;
    char c = *j->p;
    if (c == '{') return js_skip_container(j, '}');
    if (c == '[') return js_skip_container(j, ']');
    if (c == '"') return js_string(j, NULL, 0, NULL, NULL);
    const char *s = j->p;
    while (j->p < j->end && ((*j->p && strchr("+-.0123456789eE", *j->p)) || (*j->p >= 'a' && *j->p <= 'z')))
        j->p++;
    return j->p > s;
}

/* Reads an integer given as a number or a string. */
static int js_int(js *j, int64_t *v) {
    js_ws(j);
    if (j->p >= j->end) return 0;
    const char *s;
    size_t n;
    js save = *j;
    if (*j->p == '"') {
        if (!js_string(j, NULL, 0, &s, &n)) return 0;
    } else {
        s = j->p;
        if (!js_skip(j)) return 0;
        n = (size_t)(j->p - s);
    }
    char tmp[32];
    if (n == 0 || n >= sizeof tmp) {
        *j = save;
        return js_skip(j);
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    *v = strtoll(tmp, NULL, 10);
    return 1;
}

/* Iterates the members of an object at j->p; calls fn for each key. */
typedef int (*js_member_fn)(js *j, const char *key, size_t key_len, void *ctx);

static int js_object(js *j, js_member_fn fn, void *ctx) {
    js_ws(j);
    if (j->p >= j->end || *j->p != '{') return 0;
    if (++j->depth > 64) return 0;
    j->p++;
    js_ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        j->depth--;
        return 1;
    }
    for (;;) {
        const char *k;
        size_t kl;
        if (!js_string(j, NULL, 0, &k, &kl)) return 0;
        js_ws(j);
        if (j->p >= j->end || *j->p++ != ':') return 0;
        if (!fn(j, k, kl, ctx)) return 0;
        js_ws(j);
        if (j->p >= j->end) return 0;
        char c = *j->p++;
        if (c == '}') break;
        if (c != ',') return 0;
    }
    j->depth--;
    return 1;
}

static int key_is(const char *k, size_t kl, const char *want) {
    return strlen(want) == kl && memcmp(k, want, kl) == 0;
}

typedef struct partial_ctx {
    const char *count_key;
    otel__otlp_partial *out;
} partial_ctx;

static int partial_member(js *j, const char *k, size_t kl, void *vctx) {
    partial_ctx *c = vctx;
    if (key_is(k, kl, c->count_key)) return js_int(j, &c->out->rejected);
    if (key_is(k, kl, "errorMessage"))
        return js_string(j, c->out->message, sizeof c->out->message, NULL, NULL);
    return js_skip(j);
}

static int response_member(js *j, const char *k, size_t kl, void *vctx) {
    partial_ctx *c = vctx;
    if (key_is(k, kl, "partialSuccess")) {
        js_ws(j);
        if (j->p < j->end && *j->p == 'n') return js_skip(j); /* null */
        c->out->present = 1;
        return js_object(j, partial_member, c);
    }
    return js_skip(j);
}

int otel__otlp_decode_partial_json(const char *p, size_t len, const char *count_key,
                                   otel__otlp_partial *out) {
    memset(out, 0, sizeof *out);
    js j = {p, p + len, 0};
    js_ws(&j);
    if (j.p == j.end) return 1; /* an empty body is a full success */
    partial_ctx c = {count_key, out};
    return js_object(&j, response_member, &c);
}

static int status_member(js *j, const char *k, size_t kl, void *vctx) {
    otel__otlp_rpc_status *s = vctx;
    if (key_is(k, kl, "code")) {
        int64_t v = 0;
        if (!js_int(j, &v)) return 0;
        s->code = (int32_t)v;
        return 1;
    }
    if (key_is(k, kl, "message")) return js_string(j, s->message, sizeof s->message, NULL, NULL);
    return js_skip(j);
}

int otel__otlp_decode_status_json(const char *p, size_t len, otel__otlp_rpc_status *out) {
    memset(out, 0, sizeof *out);
    js j = {p, p + len, 0};
    return js_object(&j, status_member, out);
}

/* ---- base64 -------------------------------------------------------------- */

static int b64val(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

size_t otel__base64_decode(const char *in, size_t len, uint8_t *out) {
    while (len && (in[len - 1] == '=' || in[len - 1] == ' ' || in[len - 1] == '\r' ||
                   in[len - 1] == '\n'))
        len--;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64val((unsigned char)in[i]);
        if (v < 0) return (size_t)-1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    return o;
}
