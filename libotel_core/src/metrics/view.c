/* Views: which instruments a view selects (name glob, kind, unit, meter) and
 * how it shapes their streams (name, aggregation, boundaries, attribute
 * filter, cardinality limit). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "metrics/internal.h"

/* A view's attribute filter: the kept attributes into `out` (room for 64). */
int otel__metrics_view_keeps_key(const otel_instrument *inst, const otel_attr *a) {
    int listed = 0;
    for (size_t j = 0; j < inst->n_keys && !listed; j++)
        listed = a->key && strlen(inst->keys[j]) == a->key_len &&
                 memcmp(inst->keys[j], a->key, a->key_len) == 0;
    return listed != inst->exclude_keys;
}

size_t otel__metrics_view_filter(const otel_instrument *inst, const otel_attr *attrs, size_t n,
                                 otel_attr *out) {
    size_t k = 0;
    for (size_t i = 0; i < n && k < 64; i++)
        if (otel__metrics_view_keeps_key(inst, &attrs[i])) out[k++] = attrs[i];
    return k;
}

static char *dup_lower(const char *s) {
    char *d = strdup(s ? s : "*");
    for (char *p = d; d && *p; p++) *p = (char)tolower((unsigned char)*p);
    return d;
}

/* `*` any run, `?` one character; `name` compared lower-cased. */
static int glob(const char *pat, const char *name) {
    const char *star = NULL, *back = NULL;
    while (*name) {
        char c = (char)tolower((unsigned char)*name);
        if (*pat == '?' || *pat == c) {
            pat++, name++;
        } else if (*pat == '*') {
            star = pat++, back = name;
        } else if (star) {
            pat = star + 1, name = ++back;
        } else {
            return 0;
        }
    }
    while (*pat == '*') pat++;
    return !*pat;
}

OTEL_API otel_status otel_view_new(otel_view **out, const char *instrument_name) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "view_new: NULL out");
    otel_view *v = calloc(1, sizeof *v);
    if (v) v->pattern = dup_lower(instrument_name);
    if (!v || !v->pattern) {
        free(v);
        return otel__fail(OTEL_ERR_NO_MEMORY, "view_new: out of memory");
    }
    *out = v;
    return OTEL_OK;
}

OTEL_API otel_status otel_view_new_n(otel_view **out, const char *instrument_name, size_t len) {
    if (instrument_name && memchr(instrument_name, '\0', len))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "view_new_n: the name holds a NUL");
    if (!instrument_name && len) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "view_new_n: NULL name with a length");
    char *name = instrument_name ? strndup(instrument_name, len) : NULL;
    if (instrument_name && !name) return otel__fail(OTEL_ERR_NO_MEMORY, "view_new_n: out of memory");
    otel_status st = otel_view_new(out, name);
    free(name);
    return st;
}

static int set_str(char **slot, const char *s) {
    if (!s) return 1;
    char *d = strdup(s);
    if (!d) return 0;
    free(*slot);
    *slot = d;
    return 1;
}

OTEL_API otel_status otel_view_select(otel_view *v, int kind, const char *unit, const char *meter_name,
                                      const char *meter_version, const char *meter_schema_url) {
    if (!v || kind < 0 || kind > OTEL_INSTRUMENT_OBSERVABLE_GAUGE)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "view_select: bad view or kind");
    v->kind = kind;
    if (!set_str(&v->unit, unit) || !set_str(&v->meter_name, meter_name) ||
        !set_str(&v->meter_version, meter_version) || !set_str(&v->meter_schema_url, meter_schema_url))
        return otel__fail(OTEL_ERR_NO_MEMORY, "view_select: out of memory");
    return OTEL_OK;
}

OTEL_API otel_status otel_view_set_stream(otel_view *v, const char *name, const char *description) {
    if (!v) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "view_set_stream: NULL view");
    if (name && !otel__metrics_valid_name(name))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "view_set_stream: '%.64s' is not a valid name", name);
    if (!set_str(&v->name, name) || !set_str(&v->description, description))
        return otel__fail(OTEL_ERR_NO_MEMORY, "view_set_stream: out of memory");
    return OTEL_OK;
}

static void free_keys(char **keys, size_t n) {
    for (size_t i = 0; i < n; i++) free(keys[i]);
    free(keys);
}

static char **copy_keys(const char *const *keys, size_t n) {
    char **k = calloc(n ? n : 1, sizeof *k);
    for (size_t i = 0; k && i < n; i++)
        if (!(k[i] = strdup(keys[i] ? keys[i] : ""))) {
            free_keys(k, i);
            return NULL;
        }
    return k;
}

OTEL_API otel_status otel_view_set_attribute_keys(otel_view *v, const char *const *keys, size_t n,
                                                  int exclude) {
    if (!v || (!keys && n)) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "view_set_attribute_keys: NULL");
    char **k = copy_keys(keys, n);
    if (!k) return otel__fail(OTEL_ERR_NO_MEMORY, "view_set_attribute_keys: out of memory");
    free_keys(v->keys, v->n_keys);
    v->keys = k;
    v->n_keys = n;
    v->exclude_keys = exclude != 0;
    v->has_keys = 1;
    return OTEL_OK;
}

OTEL_API otel_status otel_view_set_aggregation(otel_view *v, int aggregation, const double *bounds,
                                               size_t n) {
    if (!v || aggregation < OTEL_AGGREGATION_DEFAULT ||
        aggregation > OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM || (!bounds && n))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "view_set_aggregation: bad argument");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(bounds[i]) || (i && bounds[i] <= bounds[i - 1]))
            return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "view_set_aggregation: bounds must increase");
    double *b = NULL;
    if (n) {
        b = malloc(n * sizeof *b);
        if (!b) return otel__fail(OTEL_ERR_NO_MEMORY, "view_set_aggregation: out of memory");
        memcpy(b, bounds, n * sizeof *b);
    }
    free(v->bounds);
    v->bounds = b;
    v->n_bounds = n;
    v->has_bounds = n > 0;
    v->aggregation = aggregation;
    return OTEL_OK;
}

OTEL_API otel_status otel_view_set_cardinality_limit(otel_view *v, size_t limit) {
    if (!v || limit < 2) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "view_set_cardinality_limit: at least 2");
    v->limit = limit;
    return OTEL_OK;
}

OTEL_API void otel_view_free(otel_view *v) {
    if (!v) return;
    free(v->pattern), free(v->unit), free(v->meter_name), free(v->meter_version);
    free(v->meter_schema_url), free(v->name), free(v->description), free(v->bounds);
    free_keys(v->keys, v->n_keys);
    free(v);
}

static otel_view *view_copy(const otel_view *v) {
    otel_view *c = NULL;
    if (otel_view_new(&c, v->pattern) != OTEL_OK) return NULL;
    int ok = otel_view_select(c, v->kind, v->unit, v->meter_name, v->meter_version,
                              v->meter_schema_url) == OTEL_OK &&
             set_str(&c->name, v->name) && set_str(&c->description, v->description) &&
             otel_view_set_aggregation(c, v->aggregation, v->bounds, v->n_bounds) == OTEL_OK &&
             (!v->has_keys ||
              otel_view_set_attribute_keys(c, (const char *const *)v->keys, v->n_keys, v->exclude_keys) == OTEL_OK);
    c->limit = v->limit;
    if (!ok) {
        otel_view_free(c);
        return NULL;
    }
    return c;
}

OTEL_API otel_status otel_meter_provider_add_view(otel_meter_provider *mp, const otel_view *v) {
    if (!mp || !v) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "add_view: NULL argument");
    otel_view *c = view_copy(v);
    if (!c) return otel__fail(OTEL_ERR_NO_MEMORY, "add_view: out of memory");
    pthread_mutex_lock(&mp->lock);
    int full = mp->n_views >= sizeof mp->views / sizeof *mp->views;
    if (!full) mp->views[mp->n_views++] = c;
    pthread_mutex_unlock(&mp->lock);
    if (full) {
        otel_view_free(c);
        return otel__fail(OTEL_ERR_LIMIT, "add_view: at most 64 views");
    }
    return OTEL_OK;
}

int otel__metrics_view_selects(const otel_view *v, const otel_meter *m, const char *name, int kind,
                               const char *unit) {
    return glob(v->pattern, name) && (!v->kind || v->kind == kind) &&
           (!v->unit || strcmp(v->unit, unit ? unit : "") == 0) &&
           (!v->meter_name || strcmp(v->meter_name, m->name) == 0) &&
           (!v->meter_version || strcmp(v->meter_version, m->version) == 0) &&
           (!v->meter_schema_url || strcmp(v->meter_schema_url, m->schema_url) == 0);
}

/* Shapes an instrument's stream by view `v` (NULL: the instrument's own). */
otel_status otel__metrics_view_apply(otel_instrument *inst, const otel_view *v) {
    inst->stream_name = strdup(v && v->name ? v->name : inst->name);
    inst->stream_description = strdup(v && v->description ? v->description : inst->description);
    if (!inst->stream_name || !inst->stream_description) return OTEL_ERR_NO_MEMORY;
    if (!v) return OTEL_OK;
    int histogram = v->aggregation == OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM ||
                    v->aggregation == OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM;
    if (histogram && inst->kind >= OTEL_INSTRUMENT_OBSERVABLE_COUNTER) {
        /* an observation is a current value, not a measurement to count */
        OTEL_LOG_W("metrics: a view asks for a histogram of observable instrument '%s'; its default "
                   "aggregation is kept", inst->name);
    } else if (v->aggregation != OTEL_AGGREGATION_DEFAULT) {
        inst->agg = v->aggregation;
        inst->view_aggregation = 1;
    }
    if (v->has_bounds) {
        double *b = malloc(v->n_bounds * sizeof *b);
        if (!b) return OTEL_ERR_NO_MEMORY;
        memcpy(b, v->bounds, v->n_bounds * sizeof *b);
        free(inst->bounds);
        inst->bounds = b;
        inst->n_bounds = v->n_bounds;
        inst->view_bounds = 1;
    }
    if (v->has_keys) {
        inst->keys = copy_keys((const char *const *)v->keys, v->n_keys);
        if (!inst->keys) return OTEL_ERR_NO_MEMORY;
        inst->n_keys = v->n_keys;
        inst->exclude_keys = v->exclude_keys;
        inst->has_keys = 1;
    }
    if (v->limit) inst->limit = v->limit;
    return OTEL_OK;
}
