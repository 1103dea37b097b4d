/* The ExportLogsServiceRequest encoders: protobuf (protobuf-c structs built
 * in an arena, then packed: log batches are small next to span batches)
 * and OTLP/JSON, grouped by resource and by scope (logger), plus the
 * console printout. Bodies and attributes are full AnyValues. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/error.h"
#include "common/resource.h"
#include "common/strutil.h"
#include "export/otlp_buf.h"
#include "export/otlp_encode.h"
#include "export/otlp_pb_values.h"
#include "logs/internal.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb-c.h"

typedef Opentelemetry__Proto__Common__V1__InstrumentationScope Scope;
typedef Opentelemetry__Proto__Resource__V1__Resource Resource;
typedef Opentelemetry__Proto__Logs__V1__LogRecord LogRecord;
typedef Opentelemetry__Proto__Logs__V1__ScopeLogs ScopeLogs;
typedef Opentelemetry__Proto__Logs__V1__ResourceLogs ResourceLogs;
typedef Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest Request;

#define NEW(a, T) ((T *)otel__arena_alloc((a), sizeof(T)))

/* The records, grouped: a list of resources, each a list of loggers, each
 * a list of record indices (in emit order). */
typedef struct group {
    const otel_logger *logger;
    const otel_resource *resource;
    size_t *idx, n;
} group;

/* Groups by logger (a logger belongs to one provider, so one resource);
 * groups of one resource are made adjacent. Returns the group count, or
 * SIZE_MAX when out of memory. */
static size_t group_records(otel__arena *a, const otel_log_record *const *r, size_t n, group **out) {
    group *g = otel__arena_alloc(a, (n ? n : 1) * sizeof *g);
    size_t *idx = otel__arena_alloc(a, (n ? n : 1) * sizeof *idx);
    if (!g || !idx) return SIZE_MAX;
    size_t ng = 0;
    /* count per logger first, then place: two passes, no reallocation */
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < ng && g[k].logger != r[i]->logger) k++;
        if (k == ng) {
            g[ng].logger = r[i]->logger;
            g[ng].resource = r[i]->logger->lp->resource;
            g[ng].n = 0;
            ng++;
        }
        g[k].n++;
    }
    /* groups of one resource adjacent, in order of first appearance */
    group *sorted = otel__arena_alloc(a, (ng ? ng : 1) * sizeof *sorted);
    if (!sorted) return SIZE_MAX;
    size_t ns = 0;
    for (size_t k = 0; k < ng; k++) {
        int seen = 0;
        for (size_t j = 0; j < ns && !seen; j++) seen = sorted[j].resource == g[k].resource;
        if (seen) continue;
        for (size_t j = k; j < ng; j++)
            if (g[j].resource == g[k].resource) sorted[ns++] = g[j];
    }
    g = sorted;
    size_t off = 0;
    for (size_t k = 0; k < ng; k++) {
        g[k].idx = idx + off;
        off += g[k].n;
        g[k].n = 0;
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (g[k].logger != r[i]->logger) k++;
        g[k].idx[g[k].n++] = i;
    }
    *out = g;
    return ng;
}

/* ---- protobuf ---- */

static LogRecord *record_of(otel__arena *a, const otel_log_record *r) {
    LogRecord *p = NEW(a, LogRecord);
    if (!p) return NULL;
    opentelemetry__proto__logs__v1__log_record__init(p);
    p->time_unix_nano = r->time_ns;
    p->observed_time_unix_nano = r->observed_ns;
    p->severity_number = (Opentelemetry__Proto__Logs__V1__SeverityNumber)r->severity;
    if (r->sev_text_len) p->severity_text = (char *)r->sev_text;
    if (r->body.type != OTEL_VALUE_NONE && !(p->body = otel__pb_any_value(a, &r->body))) return NULL;
    if (r->attrs.count) {
        if (!(p->attributes = otel__pb_kvs(a, r->attrs.items, r->attrs.count))) return NULL;
        p->n_attributes = r->attrs.count;
    }
    p->dropped_attributes_count = r->attrs.dropped;
    if (otel_span_context_is_valid(&r->sc)) {
        p->flags = r->sc.trace_flags;
        p->trace_id.data = (uint8_t *)r->sc.trace_id;
        p->trace_id.len = 16;
        p->span_id.data = (uint8_t *)r->sc.span_id;
        p->span_id.len = 8;
    }
    if (r->event_name_len) p->event_name = (char *)r->event_name;
    return p;
}

static Scope *scope_of(otel__arena *a, const otel_logger *l) {
    Scope *s = NEW(a, Scope);
    if (!s) return NULL;
    opentelemetry__proto__common__v1__instrumentation_scope__init(s);
    s->name = (char *)l->name;
    s->version = (char *)l->version;
    if (l->attrs.count && !(s->attributes = otel__pb_kvs(a, l->attrs.items, l->attrs.count))) return NULL;
    s->n_attributes = l->attrs.count;
    return s;
}

otel_status otel__logs_encode_proto(const otel_log_record *const *r, size_t n, uint8_t **out,
                                    size_t *len) {
    otel__arena a;
    otel__arena_init(&a, NULL, 0);
    otel_status st = OTEL_ERR_NO_MEMORY;
    Request req = OPENTELEMETRY__PROTO__COLLECTOR__LOGS__V1__EXPORT_LOGS_SERVICE_REQUEST__INIT;
    group *g;
    size_t ng = group_records(&a, r, n, &g);
    if (ng == SIZE_MAX) goto done;
    ResourceLogs **rls = otel__arena_alloc(&a, (ng ? ng : 1) * sizeof *rls);
    if (!rls) goto done;
    size_t nr = 0;
    for (size_t k = 0; k < ng; k++) {
        ResourceLogs *rl = nr && g[k].resource == g[k - 1].resource ? rls[nr - 1] : NULL;
        if (!rl) {
            rl = NEW(&a, ResourceLogs);
            Resource *res = NEW(&a, Resource);
            if (!rl || !res) goto done;
            opentelemetry__proto__logs__v1__resource_logs__init(rl);
            opentelemetry__proto__resource__v1__resource__init(res);
            const otel_resource *or = g[k].resource;
            if (!(res->attributes = otel__pb_kvs(&a, or->attrs.items, or->attrs.count))) goto done;
            res->n_attributes = or->attrs.count;
            rl->resource = res;
            if (or->schema_url_len) rl->schema_url = otel__pb_str(&a, or->schema_url, or->schema_url_len);
            rl->scope_logs = otel__arena_alloc(&a, ng * sizeof *rl->scope_logs);
            if (!rl->scope_logs) goto done;
            rls[nr++] = rl;
        }
        ScopeLogs *sl = NEW(&a, ScopeLogs);
        if (!sl) goto done;
        opentelemetry__proto__logs__v1__scope_logs__init(sl);
        if (!(sl->scope = scope_of(&a, g[k].logger))) goto done;
        if (g[k].logger->schema_url_len) sl->schema_url = (char *)g[k].logger->schema_url;
        sl->log_records = otel__arena_alloc(&a, g[k].n * sizeof *sl->log_records);
        if (!sl->log_records) goto done;
        for (size_t i = 0; i < g[k].n; i++)
            if (!(sl->log_records[sl->n_log_records++] = record_of(&a, r[g[k].idx[i]]))) goto done;
        rl->scope_logs[rl->n_scope_logs++] = sl;
    }
    req.resource_logs = rls;
    req.n_resource_logs = nr;
    size_t sz = opentelemetry__proto__collector__logs__v1__export_logs_service_request__get_packed_size(&req);
    *out = malloc(sz ? sz : 1);
    if (!*out) goto done;
    *len = opentelemetry__proto__collector__logs__v1__export_logs_service_request__pack(&req, *out);
    st = OTEL_OK;
done:
    otel__arena_free(&a);
    return st == OTEL_OK ? OTEL_OK : otel__fail(st, "logs: out of memory encoding a request");
}

/* ---- OTLP/JSON ---- */

static void json_u64(otel__buf *b, uint64_t v) {
    char tmp[24];
    int k = snprintf(tmp, sizeof tmp, "\"%" PRIu64 "\"", v);
    otel__buf_put(b, tmp, (size_t)k);
}

static void json_value(otel__buf *b, const otel_attr *v, int depth);

static void json_kvs(otel__buf *b, const otel_attr *a, size_t n, int depth) {
    otel__buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) otel__buf_putc(b, ',');
        otel__buf_lit(b, "{\"key\":");
        otel__otlp_json_string(b, a[i].key, a[i].key_len);
        otel__buf_lit(b, ",\"value\":");
        json_value(b, &a[i], depth + 1);
        otel__buf_putc(b, '}');
    }
    otel__buf_putc(b, ']');
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void json_base64(otel__buf *b, const uint8_t *p, size_t n) {
    otel__buf_putc(b, '"');
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=',
                     i + 2 < n ? b64[v & 63] : '='};
        otel__buf_put(b, q, 4);
    }
    otel__buf_putc(b, '"');
}

static void json_value(otel__buf *b, const otel_attr *v, int depth) {
    switch (v->type) {
    case OTEL_VALUE_NONE:
        otel__buf_lit(b, "{}");
        return;
    case OTEL_VALUE_BYTES:
        otel__buf_lit(b, "{\"bytesValue\":");
        json_base64(b, v->ptr, v->len);
        otel__buf_putc(b, '}');
        return;
    case OTEL_VALUE_MAP:
        otel__buf_lit(b, "{\"kvlistValue\":{\"values\":");
        json_kvs(b, v->ptr, v->len, depth);
        otel__buf_lit(b, "}}");
        return;
    case OTEL_VALUE_ARRAY: {
        const otel_attr *e = v->ptr;
        otel__buf_lit(b, "{\"arrayValue\":{\"values\":[");
        for (size_t i = 0; i < v->len; i++) {
            if (i) otel__buf_putc(b, ',');
            json_value(b, &e[i], depth + 1);
        }
        otel__buf_lit(b, "]}}");
        return;
    }
    default:
        otel__otlp_json_any_value(b, v);
    }
}

static void json_hex(otel__buf *b, const uint8_t *p, size_t n) {
    char tmp[33];
    otel__hex_encode(p, n, tmp);
    otel__buf_putc(b, '"');
    otel__buf_put(b, tmp, 2 * n);
    otel__buf_putc(b, '"');
}

static void json_record(otel__buf *b, const otel_log_record *r) {
    char tmp[48];
    otel__buf_lit(b, "{\"timeUnixNano\":");
    json_u64(b, r->time_ns);
    otel__buf_lit(b, ",\"observedTimeUnixNano\":");
    json_u64(b, r->observed_ns);
    int k = snprintf(tmp, sizeof tmp, ",\"severityNumber\":%d", (int)r->severity);
    otel__buf_put(b, tmp, (size_t)k);
    if (r->sev_text_len) {
        otel__buf_lit(b, ",\"severityText\":");
        otel__otlp_json_string(b, r->sev_text, r->sev_text_len);
    }
    if (r->body.type != OTEL_VALUE_NONE) {
        otel__buf_lit(b, ",\"body\":");
        json_value(b, &r->body, 0);
    }
    otel__buf_lit(b, ",\"attributes\":");
    json_kvs(b, r->attrs.items, r->attrs.count, 0);
    if (r->attrs.dropped) {
        k = snprintf(tmp, sizeof tmp, ",\"droppedAttributesCount\":%u", (unsigned)r->attrs.dropped);
        otel__buf_put(b, tmp, (size_t)k);
    }
    if (otel_span_context_is_valid(&r->sc)) {
        k = snprintf(tmp, sizeof tmp, ",\"flags\":%u", (unsigned)r->sc.trace_flags);
        otel__buf_put(b, tmp, (size_t)k);
        otel__buf_lit(b, ",\"traceId\":");
        json_hex(b, r->sc.trace_id, 16);
        otel__buf_lit(b, ",\"spanId\":");
        json_hex(b, r->sc.span_id, 8);
    }
    if (r->event_name_len) {
        otel__buf_lit(b, ",\"eventName\":");
        otel__otlp_json_string(b, r->event_name, r->event_name_len);
    }
    otel__buf_putc(b, '}');
}

otel_status otel__logs_encode_json(const otel_log_record *const *r, size_t n, otel__buf *b) {
    otel__arena a;
    otel__arena_init(&a, NULL, 0);
    group *g;
    size_t ng = group_records(&a, r, n, &g);
    if (ng == SIZE_MAX) {
        otel__arena_free(&a);
        return otel__fail(OTEL_ERR_NO_MEMORY, "logs: out of memory encoding JSON");
    }
    otel__buf_lit(b, "{\"resourceLogs\":[");
    for (size_t k = 0; k < ng; k++) {
        const otel_logger *l = g[k].logger;
        int new_res = !k || g[k].resource != g[k - 1].resource;
        if (new_res) {
            const otel_resource *res = g[k].resource;
            if (k) otel__buf_lit(b, "]},");
            otel__buf_lit(b, "{\"resource\":{\"attributes\":");
            json_kvs(b, res->attrs.items, res->attrs.count, 0);
            otel__buf_lit(b, "},");
            if (res->schema_url_len) {
                otel__buf_lit(b, "\"schemaUrl\":");
                otel__otlp_json_string(b, res->schema_url, res->schema_url_len);
                otel__buf_putc(b, ',');
            }
            otel__buf_lit(b, "\"scopeLogs\":[");
        } else {
            otel__buf_putc(b, ',');
        }
        otel__buf_lit(b, "{\"scope\":{\"name\":");
        otel__otlp_json_string(b, l->name, l->name_len);
        otel__buf_lit(b, ",\"version\":");
        otel__otlp_json_string(b, l->version, l->version_len);
        otel__buf_lit(b, ",\"attributes\":");
        json_kvs(b, l->attrs.items, l->attrs.count, 0);
        otel__buf_lit(b, "},");
        if (l->schema_url_len) {
            otel__buf_lit(b, "\"schemaUrl\":");
            otel__otlp_json_string(b, l->schema_url, l->schema_url_len);
            otel__buf_putc(b, ',');
        }
        otel__buf_lit(b, "\"logRecords\":[");
        for (size_t i = 0; i < g[k].n; i++) {
            if (i) otel__buf_putc(b, ',');
            json_record(b, r[g[k].idx[i]]);
        }
        otel__buf_lit(b, "]}");
    }
    if (ng) otel__buf_lit(b, "]}");
    otel__buf_lit(b, "]}");
    otel__arena_free(&a);
    if (b->err == OTEL__BUF_LIMIT) return otel__fail(OTEL_ERR_LIMIT, "logs: the request is over the size cap");
    return b->err ? otel__fail(OTEL_ERR_NO_MEMORY, "logs: out of memory encoding JSON") : OTEL_OK;
}

/* ---- console ---- */

static const char *const sev_names[] = {"UNSPECIFIED", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

void otel__logs_print(FILE *f, const otel_log_record *const *r, size_t n) {
    otel__buf b;
    otel__buf_init(&b, SIZE_MAX);
    for (size_t i = 0; i < n; i++) {
        const otel_log_record *x = r[i];
        otel__buf_reset(&b, 1u << 16);
        if (x->body.type != OTEL_VALUE_NONE) json_value(&b, &x->body, 0);
        otel__buf_putc(&b, '\0');
        const char *sev = x->sev_text_len ? x->sev_text : sev_names[(x->severity + 3) / 4];
        char tid[33] = "", sid[17] = "";
        if (otel_span_context_is_valid(&x->sc)) {
            otel__hex_encode(x->sc.trace_id, 16, tid);
            otel__hex_encode(x->sc.span_id, 8, sid);
            tid[32] = sid[16] = '\0';
        }
        fprintf(f, "%" PRIu64 " %s [%s] %s%s%sbody=%s attrs=%u trace_id=%s span_id=%s\n",
                x->time_ns ? x->time_ns : x->observed_ns, sev, x->logger->name,
                x->event_name_len ? "event=" : "", x->event_name_len ? x->event_name : "",
                x->event_name_len ? " " : "", b.err ? "?" : (const char *)b.p,
                (unsigned)x->attrs.count, tid, sid);
    }
    otel__buf_free(&b);
}
