/* Metrics over OTLP: the ExportMetricsServiceRequest encoders (protobuf and
 * JSON) that the periodic reader (periodic_reader.c) sends through the OTLP
 * transport the span exporter uses, the console printout, and the reader
 * OTEL_METRICS_EXPORTER names. Metrics requests are small and rare next to
 * spans, so they are built as protobuf-c structs in an arena and packed, not
 * written in one pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/attrs.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "common/resource.h"
#include "common/strutil.h"
#include "export/otlp_config.h"
#include "export/otlp_encode.h"
#include "export/otlp_pb_values.h"
#include "metrics/internal.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h"

typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;
typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Metrics__V1__Metric Metric;
typedef Opentelemetry__Proto__Metrics__V1__NumberDataPoint NumberDataPoint;
typedef Opentelemetry__Proto__Metrics__V1__HistogramDataPoint HistogramDataPoint;
typedef Opentelemetry__Proto__Metrics__V1__ScopeMetrics ScopeMetrics;

#define NEW(a, T) ((T *)otel__arena_alloc((a), sizeof(T)))

typedef Opentelemetry__Proto__Metrics__V1__Exemplar Exemplar;

/* The point's exemplars as protobuf-c structs (NULL with none). */
static Exemplar **exemplars_of(otel__arena *a, const otel__point *p, size_t *n) {
    *n = 0;
    if (!p->n_exemplars) return NULL;
    Exemplar **out = otel__arena_alloc(a, p->n_exemplars * sizeof *out);
    if (!out) return NULL;
    for (size_t k = 0; k < p->n_exemplars; k++) {
        const otel__exemplar *e = &p->exemplars[k];
        Exemplar *x = NEW(a, Exemplar);
        uint8_t *ids = otel__arena_alloc(a, 24);
        if (!x || !ids) return NULL;
        opentelemetry__proto__metrics__v1__exemplar__init(x);
        x->time_unix_nano = e->time_ns;
        if (p->is_int && !p->buckets && !p->exph) {
            x->value_case = OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_INT;
            x->as_int = e->i;
        } else {
            x->value_case = OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_DOUBLE;
            x->as_double = e->d;
        }
        static const uint8_t zero[16];
        if (memcmp(e->trace_id, zero, 16) != 0) {
            memcpy(ids, e->trace_id, 16);
            memcpy(ids + 16, e->span_id, 8);
            x->trace_id.data = ids;
            x->trace_id.len = 16;
            x->span_id.data = ids + 16;
            x->span_id.len = 8;
        }
        if (e->n_attrs) {
            x->filtered_attributes = otel__pb_kvs(a, e->attrs, e->n_attrs);
            if (!x->filtered_attributes) return NULL;
            x->n_filtered_attributes = e->n_attrs;
        }
        out[(*n)++] = x;
    }
    return out;
}

static int fill_metric(otel__arena *a, const otel__metric *m, Metric *pm) {
    opentelemetry__proto__metrics__v1__metric__init(pm);
    pm->name = m->inst->stream_name;
    pm->unit = m->inst->unit;
    pm->description = m->inst->stream_description;
    int temporality = m->temporality == OTEL_TEMPORALITY_DELTA
                          ? OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_DELTA
                          : OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE;
    if (m->data_kind == OTEL_METRIC_EXPONENTIAL_HISTOGRAM) {
        Opentelemetry__Proto__Metrics__V1__ExponentialHistogram *h =
            NEW(a, Opentelemetry__Proto__Metrics__V1__ExponentialHistogram);
        Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint **pts =
            otel__arena_alloc(a, m->n_points * sizeof *pts);
        if (!h || !pts) return 0;
        opentelemetry__proto__metrics__v1__exponential_histogram__init(h);
        for (size_t i = 0; i < m->n_points; i++) {
            const otel__point *p = &m->points[i];
            Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint *dp =
                NEW(a, Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint);
            Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint__Buckets *pos =
                NEW(a, Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint__Buckets);
            if (!dp || !pos) return 0;
            opentelemetry__proto__metrics__v1__exponential_histogram_data_point__init(dp);
            opentelemetry__proto__metrics__v1__exponential_histogram_data_point__buckets__init(pos);
            dp->attributes = otel__pb_kvs(a, p->attrs, p->n_attrs);
            if (!dp->attributes) return 0;
            dp->n_attributes = p->n_attrs;
            dp->start_time_unix_nano = p->start_ns;
            dp->time_unix_nano = p->time_ns;
            dp->count = p->count;
            dp->_sum_case = OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___SUM_SUM;
            dp->sum = p->sum;
            if (p->count) {
                dp->_min_case = OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___MIN_MIN;
                dp->min = p->min;
                dp->_max_case = OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___MAX_MAX;
                dp->max = p->max;
            }
            dp->scale = p->exph->scale;
            dp->zero_count = p->exph->zero_count;
            pos->offset = p->exph->offset;
            pos->n_bucket_counts = p->exph->n;
            pos->bucket_counts = p->exph->counts;
            dp->positive = pos;
            if (p->exph->neg_n) {
                Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint__Buckets *neg =
                    NEW(a, Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint__Buckets);
                if (!neg) return 0;
                opentelemetry__proto__metrics__v1__exponential_histogram_data_point__buckets__init(neg);
                neg->offset = p->exph->neg_offset;
                neg->n_bucket_counts = p->exph->neg_n;
                neg->bucket_counts = p->exph->neg_counts;
                dp->negative = neg;
            }
            dp->exemplars = exemplars_of(a, p, &dp->n_exemplars);
            pts[i] = dp;
        }
        h->data_points = pts;
        h->n_data_points = m->n_points;
        h->aggregation_temporality = temporality;
        pm->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM;
        pm->exponential_histogram = h;
        return 1;
    }
    if (m->data_kind == OTEL_METRIC_HISTOGRAM) {
        Opentelemetry__Proto__Metrics__V1__Histogram *h = NEW(a, Opentelemetry__Proto__Metrics__V1__Histogram);
        HistogramDataPoint **pts = otel__arena_alloc(a, m->n_points * sizeof *pts);
        if (!h || !pts) return 0;
        opentelemetry__proto__metrics__v1__histogram__init(h);
        for (size_t i = 0; i < m->n_points; i++) {
            const otel__point *p = &m->points[i];
            HistogramDataPoint *dp = NEW(a, HistogramDataPoint);
            if (!dp) return 0;
            opentelemetry__proto__metrics__v1__histogram_data_point__init(dp);
            dp->attributes = otel__pb_kvs(a, p->attrs, p->n_attrs);
            if (!dp->attributes) return 0;
            dp->n_attributes = p->n_attrs;
            dp->start_time_unix_nano = p->start_ns;
            dp->time_unix_nano = p->time_ns;
            dp->count = p->count;
            dp->_sum_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM;
            dp->sum = p->sum;
            if (p->count) {
                dp->_min_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MIN_MIN;
                dp->min = p->min;
                dp->_max_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MAX_MAX;
                dp->max = p->max;
            }
            dp->n_bucket_counts = m->inst->n_bounds + 1;
            dp->bucket_counts = p->buckets;
            dp->n_explicit_bounds = m->inst->n_bounds;
            dp->explicit_bounds = m->inst->bounds;
            dp->exemplars = exemplars_of(a, p, &dp->n_exemplars);
            pts[i] = dp;
        }
        h->data_points = pts;
        h->n_data_points = m->n_points;
        h->aggregation_temporality = temporality;
        pm->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM;
        pm->histogram = h;
        return 1;
    }
    NumberDataPoint **pts = otel__arena_alloc(a, m->n_points * sizeof *pts);
    if (!pts) return 0;
    for (size_t i = 0; i < m->n_points; i++) {
        const otel__point *p = &m->points[i];
        NumberDataPoint *dp = NEW(a, NumberDataPoint);
        if (!dp) return 0;
        opentelemetry__proto__metrics__v1__number_data_point__init(dp);
        dp->attributes = otel__pb_kvs(a, p->attrs, p->n_attrs);
        if (!dp->attributes) return 0;
        dp->n_attributes = p->n_attrs;
        dp->start_time_unix_nano = p->start_ns;
        dp->time_unix_nano = p->time_ns;
        if (p->is_int) {
            dp->value_case = OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT;
            dp->as_int = p->i;
        } else {
            dp->value_case = OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE;
            dp->as_double = p->d;
        }
        dp->exemplars = exemplars_of(a, p, &dp->n_exemplars);
        pts[i] = dp;
    }
    if (m->data_kind == OTEL_METRIC_GAUGE) {
        Opentelemetry__Proto__Metrics__V1__Gauge *g = NEW(a, Opentelemetry__Proto__Metrics__V1__Gauge);
        if (!g) return 0;
        opentelemetry__proto__metrics__v1__gauge__init(g);
        g->data_points = pts;
        g->n_data_points = m->n_points;
        pm->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE;
        pm->gauge = g;
    } else {
        Opentelemetry__Proto__Metrics__V1__Sum *s = NEW(a, Opentelemetry__Proto__Metrics__V1__Sum);
        if (!s) return 0;
        opentelemetry__proto__metrics__v1__sum__init(s);
        s->data_points = pts;
        s->n_data_points = m->n_points;
        s->aggregation_temporality = temporality;
        s->is_monotonic = m->monotonic != 0;
        pm->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM;
        pm->sum = s;
    }
    return 1;
}

otel_status otel__metrics_encode_proto(const otel_metrics_data *d, const otel_resource *res,
                                       uint8_t **out, size_t *len) {
    otel__arena a;
    otel__arena_init(&a, NULL, 0);
    otel_status st = OTEL_ERR_NO_MEMORY;
    Opentelemetry__Proto__Resource__V1__Resource r = OPENTELEMETRY__PROTO__RESOURCE__V1__RESOURCE__INIT;
    Opentelemetry__Proto__Metrics__V1__ResourceMetrics rm =
        OPENTELEMETRY__PROTO__METRICS__V1__RESOURCE_METRICS__INIT;
    Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest req =
        OPENTELEMETRY__PROTO__COLLECTOR__METRICS__V1__EXPORT_METRICS_SERVICE_REQUEST__INIT;
    Opentelemetry__Proto__Metrics__V1__ResourceMetrics *rms[1] = {&rm};
    r.attributes = otel__pb_kvs(&a, res->attrs.items, res->attrs.count);
    if (!r.attributes) goto done;
    r.n_attributes = res->attrs.count;
    rm.resource = &r;
    if (res->schema_url_len) rm.schema_url = otel__pb_str(&a, res->schema_url, res->schema_url_len);
    /* one ScopeMetrics per meter, in the order metrics came */
    ScopeMetrics **scopes = otel__arena_alloc(&a, (d->n_metrics ? d->n_metrics : 1) * sizeof *scopes);
    if (!scopes) goto done;
    size_t n_scopes = 0;
    for (size_t i = 0; i < d->n_metrics; i++) {
        const otel_meter *m = d->metrics[i].inst->meter;
        ScopeMetrics *sm = NULL;
        for (size_t k = 0; k < n_scopes && !sm; k++)
            if (scopes[k]->scope->name == m->name) sm = scopes[k];
        if (!sm) {
            sm = NEW(&a, ScopeMetrics);
            Opentelemetry__Proto__Common__V1__InstrumentationScope *sc =
                NEW(&a, Opentelemetry__Proto__Common__V1__InstrumentationScope);
            if (!sm || !sc) goto done;
            opentelemetry__proto__metrics__v1__scope_metrics__init(sm);
            opentelemetry__proto__common__v1__instrumentation_scope__init(sc);
            sc->name = m->name;
            sc->version = m->version;
            sc->attributes = otel__pb_kvs(&a, m->attrs.items, m->attrs.count);
            if (!sc->attributes) goto done;
            sc->n_attributes = m->attrs.count;
            sm->scope = sc;
            sm->schema_url = m->schema_url;
            sm->metrics = otel__arena_alloc(&a, d->n_metrics * sizeof *sm->metrics);
            if (!sm->metrics) goto done;
            scopes[n_scopes++] = sm;
        }
        Metric *pm = NEW(&a, Metric);
        if (!pm || !fill_metric(&a, &d->metrics[i], pm)) goto done;
        sm->metrics[sm->n_metrics++] = pm;
    }
    rm.scope_metrics = scopes;
    rm.n_scope_metrics = n_scopes;
    req.resource_metrics = rms;
    req.n_resource_metrics = 1;
    size_t n = opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__get_packed_size(&req);
    *out = malloc(n ? n : 1);
    if (!*out) goto done;
    *len = opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__pack(&req, *out);
    st = OTEL_OK;
done:
    otel__arena_free(&a);
    return st == OTEL_OK ? OTEL_OK : otel__fail(st, "metrics: out of memory encoding a request");
}

/* ---- OTLP/JSON ------------------------------------------------------------------------- */

static void json_u64(otel__buf *b, uint64_t v) { /* 64-bit integers are strings */
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "\"%llu\"", (unsigned long long)v);
    otel__buf_put(b, tmp, (size_t)n);
}

static void json_i64(otel__buf *b, int64_t v) {
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "\"%lld\"", (long long)v);
    otel__buf_put(b, tmp, (size_t)n);
}

static void json_int(otel__buf *b, long v) {
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%ld", v);
    otel__buf_put(b, tmp, (size_t)n);
}

static void json_double(otel__buf *b, double v) {
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%.17g", v);
    otel__buf_put(b, tmp, (size_t)n);
}

static void json_key(otel__buf *b, const char *k) { /* ,"k": */
    otel__buf_putc(b, '"');
    otel__buf_put(b, k, strlen(k));
    otel__buf_lit(b, "\":");
}

/* An array of KeyValue. */
static void json_kvs(otel__buf *b, const otel_attr *a, size_t n) {
    otel__buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) otel__buf_putc(b, ',');
        otel__buf_lit(b, "{\"key\":");
        otel__otlp_json_string(b, a[i].key, a[i].key_len);
        otel__buf_lit(b, ",\"value\":");
        otel__otlp_json_any_value(b, &a[i]);
        otel__buf_putc(b, '}');
    }
    otel__buf_putc(b, ']');
}

static void json_attrs(otel__buf *b, const otel_attr *a, size_t n) {
    otel__buf_lit(b, "\"attributes\":");
    json_kvs(b, a, n);
}

static void json_hex(otel__buf *b, const uint8_t *p, size_t n) {
    char tmp[33];
    otel__hex_encode(p, n, tmp);
    otel__buf_putc(b, '"');
    otel__buf_put(b, tmp, 2 * n);
    otel__buf_putc(b, '"');
}

static void json_point_common(otel__buf *b, const otel__point *p) {
    otel__buf_putc(b, '{');
    json_attrs(b, p->attrs, p->n_attrs);
    otel__buf_lit(b, ",\"startTimeUnixNano\":");
    json_u64(b, p->start_ns);
    otel__buf_lit(b, ",\"timeUnixNano\":");
    json_u64(b, p->time_ns);
    if (p->n_exemplars) {
        otel__buf_lit(b, ",\"exemplars\":[");
        static const uint8_t zero[16];
        for (size_t k = 0; k < p->n_exemplars; k++) {
            const otel__exemplar *e = &p->exemplars[k];
            if (k) otel__buf_putc(b, ',');
            otel__buf_lit(b, "{\"timeUnixNano\":");
            json_u64(b, e->time_ns);
            if (p->is_int && !p->buckets && !p->exph) {
                otel__buf_lit(b, ",\"asInt\":");
                json_i64(b, e->i);
            } else {
                otel__buf_lit(b, ",\"asDouble\":");
                json_double(b, e->d);
            }
            if (memcmp(e->trace_id, zero, 16)) {
                otel__buf_lit(b, ",\"traceId\":");
                json_hex(b, e->trace_id, 16);
                otel__buf_lit(b, ",\"spanId\":");
                json_hex(b, e->span_id, 8);
            }
            if (e->n_attrs) {
                otel__buf_lit(b, ",\"filteredAttributes\":");
                json_kvs(b, e->attrs, e->n_attrs);
            }
            otel__buf_putc(b, '}');
        }
        otel__buf_putc(b, ']');
    }
}

static void json_hist_stats(otel__buf *b, const otel__point *p) {
    otel__buf_lit(b, ",\"count\":");
    json_u64(b, p->count);
    otel__buf_lit(b, ",\"sum\":");
    json_double(b, p->sum);
    if (p->count) {
        otel__buf_lit(b, ",\"min\":");
        json_double(b, p->min);
        otel__buf_lit(b, ",\"max\":");
        json_double(b, p->max);
    }
}

static void json_exp_buckets(otel__buf *b, int32_t offset, const uint64_t *counts, uint32_t n) {
    otel__buf_lit(b, "{\"offset\":");
    json_int(b, offset);
    otel__buf_lit(b, ",\"bucketCounts\":[");
    for (uint32_t k = 0; k < n; k++) {
        if (k) otel__buf_putc(b, ',');
        json_u64(b, counts[k]);
    }
    otel__buf_lit(b, "]}");
}

static void json_metric(otel__buf *b, const otel__metric *m) {
    otel__buf_lit(b, "{\"name\":");
    otel__otlp_json_string(b, m->inst->stream_name, strlen(m->inst->stream_name));
    otel__buf_lit(b, ",\"unit\":");
    otel__otlp_json_string(b, m->inst->unit, strlen(m->inst->unit));
    otel__buf_lit(b, ",\"description\":");
    otel__otlp_json_string(b, m->inst->stream_description, strlen(m->inst->stream_description));
    static const char *const kinds[] = {"", "gauge", "sum", "histogram", "exponentialHistogram"};
    otel__buf_lit(b, ",");
    json_key(b, kinds[m->data_kind]);
    otel__buf_lit(b, "{\"dataPoints\":[");
    for (size_t i = 0; i < m->n_points; i++) {
        const otel__point *p = &m->points[i];
        if (i) otel__buf_putc(b, ',');
        json_point_common(b, p);
        if (m->data_kind == OTEL_METRIC_HISTOGRAM) {
            json_hist_stats(b, p);
            otel__buf_lit(b, ",\"bucketCounts\":[");
            for (size_t k = 0; k <= m->inst->n_bounds; k++) {
                if (k) otel__buf_putc(b, ',');
                json_u64(b, p->buckets[k]);
            }
            otel__buf_lit(b, "],\"explicitBounds\":[");
            for (size_t k = 0; k < m->inst->n_bounds; k++) {
                if (k) otel__buf_putc(b, ',');
                json_double(b, m->inst->bounds[k]);
            }
            otel__buf_putc(b, ']');
        } else if (m->data_kind == OTEL_METRIC_EXPONENTIAL_HISTOGRAM) {
            json_hist_stats(b, p);
            otel__buf_lit(b, ",\"scale\":");
            json_int(b, p->exph->scale);
            otel__buf_lit(b, ",\"zeroCount\":");
            json_u64(b, p->exph->zero_count);
            otel__buf_lit(b, ",\"positive\":");
            json_exp_buckets(b, p->exph->offset, p->exph->counts, p->exph->n);
            if (p->exph->neg_n) {
                otel__buf_lit(b, ",\"negative\":");
                json_exp_buckets(b, p->exph->neg_offset, p->exph->neg_counts, p->exph->neg_n);
            }
        } else if (p->is_int) {
            otel__buf_lit(b, ",\"asInt\":");
            json_i64(b, p->i);
        } else {
            otel__buf_lit(b, ",\"asDouble\":");
            json_double(b, p->d);
        }
        otel__buf_putc(b, '}');
    }
    otel__buf_putc(b, ']');
    if (m->data_kind != OTEL_METRIC_GAUGE) {
        otel__buf_lit(b, ",\"aggregationTemporality\":");
        json_int(b, m->temporality == OTEL_TEMPORALITY_DELTA ? 1 : 2);
    }
    if (m->data_kind == OTEL_METRIC_SUM) {
        otel__buf_lit(b, ",\"isMonotonic\":");
        if (m->monotonic) otel__buf_lit(b, "true");
        else otel__buf_lit(b, "false");
    }
    otel__buf_lit(b, "}}");
}

otel_status otel__metrics_encode_json(const otel_metrics_data *d, const otel_resource *res,
                                      otel__buf *b) {
    otel__buf_lit(b, "{\"resourceMetrics\":[{\"resource\":{");
    json_attrs(b, res->attrs.items, res->attrs.count);
    otel__buf_lit(b, "},");
    if (res->schema_url_len) {
        otel__buf_lit(b, "\"schemaUrl\":");
        otel__otlp_json_string(b, res->schema_url, res->schema_url_len);
        otel__buf_putc(b, ',');
    }
    otel__buf_lit(b, "\"scopeMetrics\":[");
    /* metrics come grouped by meter (collection walks meter by meter) */
    const otel_meter *cur = NULL;
    for (size_t i = 0; i < d->n_metrics; i++) {
        const otel_meter *m = d->metrics[i].inst->meter;
        if (m != cur) {
            if (cur) otel__buf_lit(b, "]},");
            otel__buf_lit(b, "{\"scope\":{\"name\":");
            otel__otlp_json_string(b, m->name, strlen(m->name));
            otel__buf_lit(b, ",\"version\":");
            otel__otlp_json_string(b, m->version, strlen(m->version));
            otel__buf_putc(b, ',');
            json_attrs(b, m->attrs.items, m->attrs.count);
            otel__buf_lit(b, "},");
            if (*m->schema_url) {
                otel__buf_lit(b, "\"schemaUrl\":");
                otel__otlp_json_string(b, m->schema_url, strlen(m->schema_url));
                otel__buf_putc(b, ',');
            }
            otel__buf_lit(b, "\"metrics\":[");
            cur = m;
        } else {
            otel__buf_putc(b, ',');
        }
        json_metric(b, &d->metrics[i]);
    }
    if (cur) otel__buf_lit(b, "]}");
    otel__buf_lit(b, "]}]}");
    return b->err ? otel__fail(OTEL_ERR_NO_MEMORY, "metrics: out of memory encoding JSON") : OTEL_OK;
}

/* ---- console --------------------------------------------------------------------------- */

void otel__metrics_print(FILE *f, const otel_metrics_data *d) {
    for (size_t i = 0; i < d->n_metrics; i++) {
        const otel__metric *m = &d->metrics[i];
        fprintf(f, "metric %s [%s] scope=%s%s%s\n", m->inst->stream_name,
                m->data_kind == OTEL_METRIC_SUM ? (m->monotonic ? "SUM monotonic" : "SUM")
                : m->data_kind == OTEL_METRIC_GAUGE ? "GAUGE"
                : m->data_kind == OTEL_METRIC_HISTOGRAM ? "HISTOGRAM" : "EXPONENTIAL_HISTOGRAM",
                m->inst->meter->name, m->inst->unit[0] ? " unit=" : "", m->inst->unit);
        for (size_t p = 0; p < m->n_points; p++) {
            const otel__point *pt = &m->points[p];
            fprintf(f, "  {");
            for (size_t k = 0; k < pt->n_attrs; k++) {
                const otel_attr *a = &pt->attrs[k];
                fprintf(f, "%s%.*s=", k ? ", " : "", (int)a->key_len, a->key);
                if (a->type == OTEL_VALUE_STRING) fprintf(f, "\"%.*s\"", (int)a->len, (const char *)a->ptr);
                else if (a->type == OTEL_VALUE_INT64) fprintf(f, "%lld", (long long)a->int_value);
                else if (a->type == OTEL_VALUE_DOUBLE) fprintf(f, "%g", a->double_value);
                else if (a->type == OTEL_VALUE_BOOL) fprintf(f, "%s", a->bool_value ? "true" : "false");
                else fprintf(f, "[...]");
            }
            if (pt->buckets || pt->exph)
                fprintf(f, "} count=%llu sum=%g min=%g max=%g\n", (unsigned long long)pt->count, pt->sum,
                        pt->min, pt->max);
            else if (pt->is_int)
                fprintf(f, "} %lld\n", (long long)pt->i);
            else
                fprintf(f, "} %g\n", pt->d);
        }
    }
    fflush(f);
}

