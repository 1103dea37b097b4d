/* The collected data (otel_metrics_data): its accessors and release. */
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/error.h"
#include "metrics/internal.h"

OTEL_API void otel_metrics_data_free(otel_metrics_data *d) {
    if (!d) return;
    otel__arena_free(&d->arena);
    free(d->metrics);
    otel_meter_provider_release(d->provider);
    free(d);
}

OTEL_API size_t otel_metrics_data_count(const otel_metrics_data *d) { return d ? d->n_metrics : 0; }

OTEL_API otel_status otel_metrics_data_metric(const otel_metrics_data *d, size_t i,
                                              const char **name, const char **unit,
                                              const char **description, int *data_kind,
                                              int *temporality, int *monotonic, size_t *n_points,
                                              const char **scope_name) {
    if (!d || i >= d->n_metrics) return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no metric %zu", i);
    const otel__metric *m = &d->metrics[i];
    if (name) *name = m->inst->stream_name;
    if (unit) *unit = m->inst->unit;
    if (description) *description = m->inst->stream_description;
    if (data_kind) *data_kind = m->data_kind;
    if (temporality) *temporality = m->temporality;
    if (monotonic) *monotonic = m->monotonic;
    if (n_points) *n_points = m->n_points;
    if (scope_name) *scope_name = m->inst->meter->name;
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_scope(const otel_metrics_data *d, size_t i, const char **name,
                                             const char **version, const char **schema_url,
                                             const otel_attr **attrs, size_t *n_attrs) {
    if (!d || i >= d->n_metrics) return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no metric %zu", i);
    const otel_meter *m = d->metrics[i].inst->meter;
    if (name) *name = m->name;
    if (version) *version = m->version;
    if (schema_url) *schema_url = m->schema_url;
    if (attrs) *attrs = m->attrs.items;
    if (n_attrs) *n_attrs = m->attrs.count;
    return OTEL_OK;
}

static const otel__point *point_at(const otel_metrics_data *d, size_t i, size_t p) {
    if (!d || i >= d->n_metrics || p >= d->metrics[i].n_points) return NULL;
    return &d->metrics[i].points[p];
}

OTEL_API otel_status otel_metrics_data_point(const otel_metrics_data *d, size_t i, size_t p,
                                             uint64_t *start_ns, uint64_t *time_ns, int *is_int_out,
                                             int64_t *int_value, double *double_value,
                                             uint64_t *count, double *sum, double *min, double *max) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt) return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no point %zu of metric %zu", p, i);
    if (start_ns) *start_ns = pt->start_ns;
    if (time_ns) *time_ns = pt->time_ns;
    if (is_int_out) *is_int_out = pt->is_int;
    if (int_value) *int_value = pt->i;
    if (double_value) *double_value = pt->d;
    if (count) *count = pt->count;
    if (sum) *sum = pt->sum;
    if (min) *min = pt->min;
    if (max) *max = pt->max;
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_point_attrs(const otel_metrics_data *d, size_t i, size_t p,
                                                   const otel_attr **attrs, size_t *n_attrs) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt) return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no point %zu of metric %zu", p, i);
    if (attrs) *attrs = pt->attrs;
    if (n_attrs) *n_attrs = pt->n_attrs;
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_point_buckets(const otel_metrics_data *d, size_t i,
                                                     size_t p, const double **bounds,
                                                     size_t *n_bounds, const uint64_t **counts,
                                                     size_t *n_counts) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt || !pt->buckets)
        return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: point %zu of metric %zu has no buckets", p, i);
    const otel_instrument *inst = d->metrics[i].inst;
    if (bounds) *bounds = inst->bounds;
    if (n_bounds) *n_bounds = inst->n_bounds;
    if (counts) *counts = pt->buckets;
    if (n_counts) *n_counts = inst->n_bounds + 1;
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_point_exp_buckets(const otel_metrics_data *d, size_t i,
                                                         size_t p, int32_t *scale,
                                                         uint64_t *zero_count, int32_t *offset,
                                                         const uint64_t **counts, size_t *n_counts) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt || !pt->exph)
        return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: point %zu of metric %zu is not exponential", p, i);
    if (scale) *scale = pt->exph->scale;
    if (zero_count) *zero_count = pt->exph->zero_count;
    if (offset) *offset = pt->exph->offset;
    if (counts) *counts = pt->exph->counts;
    if (n_counts) *n_counts = pt->exph->n;
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_point_exp_negative(const otel_metrics_data *d, size_t i,
                                                          size_t p, int32_t *offset,
                                                          const uint64_t **counts, size_t *n_counts) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt || !pt->exph)
        return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no exponential histogram point");
    if (offset) *offset = pt->exph->neg_offset;
    if (counts) *counts = pt->exph->neg_counts;
    if (n_counts) *n_counts = pt->exph->neg_n;
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_point_exemplar(const otel_metrics_data *d, size_t i, size_t p,
                                                      size_t k, uint64_t *time_ns, int *is_int_out,
                                                      int64_t *int_value, double *double_value,
                                                      uint8_t *trace_id, uint8_t *span_id) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt || k >= pt->n_exemplars)
        return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no exemplar %zu", k);
    const otel__exemplar *e = &pt->exemplars[k];
    if (time_ns) *time_ns = e->time_ns;
    if (is_int_out) *is_int_out = pt->is_int;
    if (int_value) *int_value = e->i;
    if (double_value) *double_value = e->d;
    if (trace_id) memcpy(trace_id, e->trace_id, 16);
    if (span_id) memcpy(span_id, e->span_id, 8);
    return OTEL_OK;
}

OTEL_API otel_status otel_metrics_data_point_exemplar_attrs(const otel_metrics_data *d, size_t i,
                                                            size_t p, size_t k,
                                                            const otel_attr **attrs, size_t *n_attrs) {
    const otel__point *pt = point_at(d, i, p);
    if (!pt || k >= pt->n_exemplars)
        return otel__fail(OTEL_ERR_NOT_FOUND, "metrics_data: no exemplar %zu", k);
    if (attrs) *attrs = pt->exemplars[k].attrs;
    if (n_attrs) *n_attrs = pt->exemplars[k].n_attrs;
    return OTEL_OK;
}
