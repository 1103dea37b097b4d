/* The console exporter: a readable block per span, written with write(2). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/strutil.h"
#include "export/exporter.h"

typedef struct console_exporter {
    int fd;
} console_exporter;

typedef struct tbuf {
    char *p;
    size_t len, cap;
    int oom;
} tbuf;

static void put(tbuf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 1024;
        while (ncap < b->len + n + 1) ncap *= 2;
        char *p = realloc(b->p, ncap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void putf(tbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(tbuf *b, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* The shortest of %.15g / %.17g that reads back as the same double. */
static void put_double(tbuf *b, double v) {
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.15g", v);
    if (strtod(tmp, NULL) != v) snprintf(tmp, sizeof tmp, "%.17g", v);
    put(b, tmp, strlen(tmp));
}

static void put_value(tbuf *b, const otel_attr *a) {
    switch (a->type) {
    case OTEL_VALUE_STRING:
        put(b, "\"", 1);
        put(b, a->ptr, a->len);
        put(b, "\"", 1);
        break;
    case OTEL_VALUE_BOOL: put(b, a->bool_value ? "true" : "false", a->bool_value ? 4 : 5); break;
    case OTEL_VALUE_INT64: putf(b, "%" PRId64, a->int_value); break;
    case OTEL_VALUE_DOUBLE: put_double(b, a->double_value); break;
    default: {
        put(b, "[", 1);
        for (size_t i = 0; i < a->len; i++) {
            if (i) put(b, ", ", 2);
            if (a->type == OTEL_VALUE_STRING_ARRAY) {
                const otel_str *s = (const otel_str *)a->ptr + i;
                put(b, "\"", 1);
                put(b, s->ptr, s->len);
                put(b, "\"", 1);
            } else if (a->type == OTEL_VALUE_BOOL_ARRAY) {
                int v = ((const int *)a->ptr)[i];
                put(b, v ? "true" : "false", v ? 4 : 5);
            } else if (a->type == OTEL_VALUE_INT64_ARRAY) {
                putf(b, "%" PRId64, ((const int64_t *)a->ptr)[i]);
            } else {
                put_double(b, ((const double *)a->ptr)[i]);
            }
        }
        put(b, "]", 1);
    }
    }
}

static void put_attr(tbuf *b, const char *indent, const otel_attr *a) {
    put(b, indent, strlen(indent));
    put(b, a->key, a->key_len);
    put(b, ": ", 2);
    put_value(b, a);
    put(b, "\n", 1);
}

static const char *kind_name(int k) {
    static const char *const names[] = {"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};
    return k >= 0 && k <= 5 ? names[k] : "?";
}

static void format_span(tbuf *b, const otel_span_data *d) {
    otel_span_context sc;
    otel_span_data_context(d, &sc);
    char tid[33], sid[17], pid[17];
    otel__hex_encode(sc.trace_id, 16, tid);
    otel__hex_encode(sc.span_id, 8, sid);
    tid[32] = sid[16] = '\0';
    uint8_t parent[8];
    int has_parent = otel_span_data_parent_span_id(d, parent);
    otel__hex_encode(parent, 8, pid);
    pid[16] = '\0';
    size_t nl;
    const char *name = otel_span_data_name(d, &nl);
    const otel_scope *scope = otel_span_data_scope(d);
    size_t scl;
    const char *scn = otel_scope_name(scope, &scl);
    putf(b, "span %.*s", (int)(nl > 200 ? 200 : nl), name);
    putf(b, " [%s] scope=%.*s\n", kind_name(otel_span_data_kind(d)), (int)(scl > 100 ? 100 : scl), scn);
    putf(b, "  trace_id: %s\n  span_id:  %s\n", tid, sid);
    if (has_parent) putf(b, "  parent:   %s%s\n", pid, otel_span_data_parent_is_remote(d) ? " (remote)" : "");
    uint64_t start = otel_span_data_start_time(d), end = otel_span_data_end_time(d);
    putf(b, "  start: %" PRIu64 "  duration: %.3f us\n", start, (double)(end - start) / 1000.0);
    static const char *const codes[] = {"UNSET", "OK", "ERROR"};
    int code = otel_span_data_status_code(d);
    size_t ml;
    const char *msg = otel_span_data_status_message(d, &ml);
    putf(b, "  status: %s", codes[code >= 0 && code <= 2 ? code : 0]);
    if (ml) {
        put(b, " (", 2);
        put(b, msg, ml);
        put(b, ")", 1);
    }
    put(b, "\n", 1);
    size_t na = otel_span_data_attribute_count(d);
    if (na) put(b, "  attributes:\n", 14);
    for (size_t i = 0; i < na; i++) {
        otel_attr a;
        if (otel_span_data_attribute(d, i, &a) == OTEL_OK) put_attr(b, "    ", &a);
    }
    size_t ne = otel_span_data_event_count(d);
    for (size_t i = 0; i < ne; i++) {
        const char *en;
        size_t enl, nattr;
        uint64_t t;
        otel_span_data_event(d, i, &en, &enl, &t, &nattr, NULL);
        put(b, "  event: ", 9);
        put(b, en, enl);
        putf(b, " at +%.3f us\n", (double)(t - start) / 1000.0);
        for (size_t j = 0; j < nattr; j++) {
            otel_attr a;
            if (otel_span_data_event_attribute(d, i, j, &a) == OTEL_OK) put_attr(b, "    ", &a);
        }
    }
    size_t nlk = otel_span_data_link_count(d);
    for (size_t i = 0; i < nlk; i++) {
        otel_span_context lsc;
        size_t nattr;
        otel_span_data_link(d, i, &lsc, NULL, NULL, &nattr, NULL);
        char lt[33], ls[17];
        otel__hex_encode(lsc.trace_id, 16, lt);
        otel__hex_encode(lsc.span_id, 8, ls);
        lt[32] = ls[16] = '\0';
        putf(b, "  link: %s/%s\n", lt, ls);
        for (size_t j = 0; j < nattr; j++) {
            otel_attr a;
            if (otel_span_data_link_attribute(d, i, j, &a) == OTEL_OK) put_attr(b, "    ", &a);
        }
    }
    uint32_t da = otel_span_data_dropped_attributes(d), de = otel_span_data_dropped_events(d),
             dl = otel_span_data_dropped_links(d);
    if (da || de || dl) putf(b, "  dropped: attributes=%u events=%u links=%u\n", da, de, dl);
}

static int console_export(otel_exporter *self, const otel_span_data *const *spans, size_t n,
                          uint32_t timeout_ms) {
    (void)timeout_ms;
    console_exporter *c = self->impl;
    tbuf b = {0};
    for (size_t i = 0; i < n; i++) format_span(&b, spans[i]);
    int ok = !b.oom;
    size_t off = 0;
    while (ok && off < b.len) {
        ssize_t w = write(c->fd, b.p + off, b.len - off);
        if (w <= 0) ok = 0;
        else off += (size_t)w;
    }
    free(b.p);
    return ok ? OTEL_EXPORT_SUCCESS : OTEL_EXPORT_FAILURE;
}

static void console_destroy(otel_exporter *self) { free(self->impl); }

static const otel__exporter_vtable console_vt = {console_export, NULL, NULL, console_destroy, NULL, NULL};

OTEL_API otel_status otel_exporter_console_new(otel_exporter **out, int fd) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_exporter_console_new: out is NULL");
    console_exporter *c = malloc(sizeof *c);
    if (!c) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_exporter_console_new: out of memory");
    c->fd = fd < 0 ? 1 : fd;
    otel_status st = otel__exporter_new(out, &console_vt, c);
    if (st != OTEL_OK) free(c);
    return st;
}
