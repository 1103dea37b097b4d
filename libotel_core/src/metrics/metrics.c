/* The metrics SDK: provider, meters, instruments, lock-free recording into
 * per-attribute-set series, asynchronous callbacks, collection for readers
 * with their own temporality, and the collected data's accessors. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/attrs.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/error.h"
#include "common/log.h"
#include "common/resource.h"
#include "common/stats.h"
#include "common/ids.h"
#include "common/reclaim.h"
#include "metrics/internal.h"
#include "otel/context.h"
#include "otel/trace.h"
#include "trace/internal.h"
#include "metrics/atomic_double.h"
#include "metrics/attrset.h"
#include "metrics/record.h"
#include "metrics/series.h"

static const double default_bounds[] = {0,   5,    10,   25,   50,   75,   100, 250,
                                        500, 750, 1000, 2500, 5000, 7500, 10000};

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

int otel__metrics_valid_name(const char *n) {
    if (!n || !isalpha((unsigned char)n[0])) return 0;
    size_t len = strlen(n);
    if (len > 255) return 0;
    for (size_t i = 1; i < len; i++) {
        unsigned char c = (unsigned char)n[i];
        if (!isalnum(c) && c != '_' && c != '.' && c != '-' && c != '/') return 0;
    }
    return 1;
}

static int eq_or_null(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

/* An instrument with its defaults, before any view; NULL out of memory. */
static otel_instrument *instrument_alloc(otel_meter *m, int kind, int number, const char *name,
                                         const char *unit, const char *description) {
    /* aligned: each shard's hint has a cache line of its own */
    otel_instrument *inst = aligned_alloc(64, (sizeof *inst + 63) & ~(size_t)63);
    if (!inst) return NULL;
    memset(inst, 0, sizeof *inst);
    inst->meter = m;
    inst->kind = kind;
    inst->number = number;
    pthread_mutex_init(&inst->lock, NULL);
    inst->name = strdup(name);
    inst->unit = dup_or_empty(unit);
    inst->description = dup_or_empty(description);
    inst->limit = OTEL__CARDINALITY_LIMIT;
    inst->exph_max = OTEL__EXPH_MAX;
    inst->agg = kind == OTEL_INSTRUMENT_HISTOGRAM
                    ? (m->provider->exponential_histograms ? OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM
                                                          : OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM)
                : kind == OTEL_INSTRUMENT_GAUGE || kind == OTEL_INSTRUMENT_OBSERVABLE_GAUGE
                    ? OTEL_AGGREGATION_LAST_VALUE
                    : OTEL_AGGREGATION_SUM;
    inst->n_bounds = sizeof default_bounds / sizeof *default_bounds;
    inst->bounds = malloc(sizeof default_bounds);
    if (inst->bounds) memcpy(inst->bounds, default_bounds, sizeof default_bounds);
    if (!inst->name || !inst->unit || !inst->description || !inst->bounds) {
        otel__metrics_instrument_free(inst);
        return NULL;
    }
    return inst;
}

OTEL_API otel_status otel_meter_create_instrument(otel_instrument **out, otel_meter *m, int kind,
                                                  int number, const char *name, const char *unit,
                                                  const char *description) {
    if (!out || !m) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "create_instrument: NULL argument");
    if (kind < OTEL_INSTRUMENT_COUNTER || kind > OTEL_INSTRUMENT_OBSERVABLE_GAUGE ||
        (number != OTEL_NUMBER_INT64 && number != OTEL_NUMBER_DOUBLE))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "create_instrument: bad kind or number type");
    if (!otel__metrics_valid_name(name))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT,
                          "create_instrument: '%.64s' is not a valid instrument name", name ? name : "");
    if (unit && (strlen(unit) > 63))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "create_instrument: unit longer than 63");
    /* one stream per matching view (none: the instrument's own). Views are
     * gathered before the meter's lock is taken: collection takes the
     * provider's lock then the meter's, so this must never nest the other
     * way. A view is never freed before the provider. */
    const otel_view *views[64];
    size_t nv = 0;
    pthread_mutex_lock(&m->provider->lock);
    for (size_t i = 0; i < m->provider->n_views; i++)
        if (otel__metrics_view_selects(m->provider->views[i], m, name, kind, unit))
            views[nv++] = m->provider->views[i];
    pthread_mutex_unlock(&m->provider->lock);
    pthread_mutex_lock(&m->lock);
    for (otel_instrument *i = m->instruments; i; i = i->next) {
        if (i->shadow || strcasecmp(i->name, name) != 0) continue;
        if (i->kind == kind && i->number == number && eq_or_null(i->unit, unit) &&
            eq_or_null(i->description, description)) {
            pthread_mutex_unlock(&m->lock);
            *out = i;
            return OTEL_OK;
        }
        OTEL_LOG_W("metrics: instrument '%s' registered again with a different kind, unit or "
                   "description; both are kept", name);
    }
    otel_instrument *inst = NULL, *last = NULL;
    int ok = 1;
    for (size_t k = 0; k < (nv ? nv : 1) && ok; k++) {
        otel_instrument *s = instrument_alloc(m, kind, number, name, unit, description);
        ok = s && otel__metrics_view_apply(s, nv ? views[k] : NULL) == OTEL_OK;
        if (!s) break;
        if (last) {
            s->shadow = 1;
            last->also = s;
        } else {
            inst = s;
        }
        last = s;
    }
    if (!ok) {
        while (inst) {
            otel_instrument *n = inst->also;
            otel__metrics_instrument_free(inst);
            inst = n;
        }
        pthread_mutex_unlock(&m->lock);
        return otel__fail(OTEL_ERR_NO_MEMORY, "create_instrument: out of memory");
    }
    for (otel_instrument *s = inst; s; s = s->also) { /* collection walks the meter's list */
        s->next = m->instruments;
        m->instruments = s;
    }
    pthread_mutex_unlock(&m->lock);
    *out = inst;
    return OTEL_OK;
}

/* Advisory boundaries for one stream, unless a view chose its own. */
static otel_status advise_bounds(otel_instrument *inst, const double *bounds, size_t n) {
    if (inst->view_bounds) return OTEL_OK; /* the advice yields */
    pthread_mutex_lock(&inst->lock);
    if (atomic_load(&inst->all)) {
        pthread_mutex_unlock(&inst->lock);
        return otel__fail(OTEL_ERR_STATE, "set_bucket_boundaries: the histogram already has data");
    }
    double *b = malloc((n ? n : 1) * sizeof *b);
    if (!b) {
        pthread_mutex_unlock(&inst->lock);
        return otel__fail(OTEL_ERR_NO_MEMORY, "set_bucket_boundaries: out of memory");
    }
    if (n) memcpy(b, bounds, n * sizeof *b);
    if (!inst->view_aggregation) /* advisory boundaries ask for explicit buckets */
        inst->agg = OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM;
    free(inst->bounds);
    inst->bounds = b;
    inst->n_bounds = n;
    pthread_mutex_unlock(&inst->lock);
    return OTEL_OK;
}

OTEL_API otel_status otel_instrument_set_bucket_boundaries(otel_instrument *inst,
                                                           const double *bounds, size_t n) {
    if (!inst || (!bounds && n) || inst->kind != OTEL_INSTRUMENT_HISTOGRAM)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "set_bucket_boundaries: not a histogram");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(bounds[i]) || (i && bounds[i] <= bounds[i - 1]))
            return otel__fail(OTEL_ERR_INVALID_ARGUMENT,
                              "set_bucket_boundaries: bounds must be finite and increasing");
    otel_status worst = OTEL_OK;
    for (; inst; inst = inst->also) { /* every stream views make of it */
        otel_status st = advise_bounds(inst, bounds, n);
        if (st != OTEL_OK) worst = st;
    }
    return worst;
}

#define SHORTHAND(fn, kind, number)                                                          \
    OTEL_API otel_instrument *fn(otel_meter *m, const char *name, const char *unit,          \
                                 const char *description) {                                  \
        otel_instrument *i = NULL;                                                           \
        return otel_meter_create_instrument(&i, m, kind, number, name, unit, description) == \
                       OTEL_OK                                                               \
                   ? i                                                                       \
                   : NULL;                                                                   \
    }
SHORTHAND(otel_meter_counter_i64, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64)
SHORTHAND(otel_meter_counter_f64, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_DOUBLE)
SHORTHAND(otel_meter_up_down_counter_i64, OTEL_INSTRUMENT_UP_DOWN_COUNTER, OTEL_NUMBER_INT64)
SHORTHAND(otel_meter_histogram_f64, OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_DOUBLE)
SHORTHAND(otel_meter_histogram_i64, OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_INT64)
SHORTHAND(otel_meter_gauge_f64, OTEL_INSTRUMENT_GAUGE, OTEL_NUMBER_DOUBLE)
SHORTHAND(otel_meter_gauge_i64, OTEL_INSTRUMENT_GAUGE, OTEL_NUMBER_INT64)
SHORTHAND(otel_meter_up_down_counter_f64, OTEL_INSTRUMENT_UP_DOWN_COUNTER, OTEL_NUMBER_DOUBLE)

void otel__metrics_instrument_free(otel_instrument *inst) {
    for (otel__series *s = atomic_load(&inst->all), *next; s; s = next) {
        next = s->all_next;
        otel__metrics_series_destroy(s);
    }
    for (otel__series *s = inst->limbo, *next; s; s = next) {
        next = s->limbo_next;
        otel__metrics_series_destroy(s);
    }
    pthread_mutex_destroy(&inst->lock);
    free(inst->name), free(inst->unit), free(inst->description), free(inst->bounds);
    free(inst->stream_name), free(inst->stream_description);
    for (size_t k = 0; k < inst->n_keys; k++) free(inst->keys[k]);
    free(inst->keys);
    free(inst);
}

/* Set on a thread while it runs callbacks: a callback that collects,
 * flushes or shuts down would wait for itself. */
static _Thread_local int in_callbacks;

int otel__metrics_reentered(const char *what) {
    if (!in_callbacks) return 0;
    otel__fail(OTEL_ERR_STATE, "%s: called from an observable instrument's callback", what);
    return 1;
}

OTEL_API otel_status otel_meter_register_callback(otel_meter *m, otel_observe_fn fn,
                                                  void *user_data, otel_instrument *const *insts,
                                                  size_t n, uint64_t *id) {
    if (!m || !fn || !insts || !n)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "register_callback: NULL argument");
    for (size_t i = 0; i < n; i++)
        if (!insts[i] || insts[i]->kind < OTEL_INSTRUMENT_OBSERVABLE_COUNTER)
            return otel__fail(OTEL_ERR_INVALID_ARGUMENT,
                              "register_callback: instrument %zu is not observable", i);
    otel__callback *cb = calloc(1, sizeof *cb);
    otel_instrument **copy = malloc(n * sizeof *copy);
    if (!cb || !copy) {
        free(cb), free(copy);
        return otel__fail(OTEL_ERR_NO_MEMORY, "register_callback: out of memory");
    }
    memcpy(copy, insts, n * sizeof *copy);
    atomic_init(&cb->refs, 1);
    cb->fn = fn;
    cb->user_data = user_data;
    cb->insts = copy;
    cb->n = n;
    cb->id = atomic_fetch_add(&m->provider->callback_ids, 1) + 1;
    pthread_mutex_lock(&m->lock);
    cb->next = m->callbacks;
    m->callbacks = cb;
    pthread_mutex_unlock(&m->lock);
    if (id) *id = cb->id;
    return OTEL_OK;
}

void otel__metrics_callback_release(otel__callback *cb) {
    if (atomic_fetch_sub(&cb->refs, 1) != 1) return;
    free(cb->insts);
    free(cb);
}

OTEL_API otel_status otel_meter_unregister_callback(otel_meter *m, uint64_t id) {
    if (!m) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "unregister_callback: NULL meter");
    pthread_mutex_lock(&m->lock);
    for (otel__callback **p = &m->callbacks; *p; p = &(*p)->next)
        if ((*p)->id == id) {
            otel__callback *cb = *p;
            *p = cb->next;
            atomic_store(&cb->removed, 1); /* a running collection skips it */
            pthread_mutex_unlock(&m->lock);
            otel__metrics_callback_release(cb);
            return OTEL_OK;
        }
    pthread_mutex_unlock(&m->lock);
    return otel__fail(OTEL_ERR_NOT_FOUND, "unregister_callback: no callback %llu", (unsigned long long)id);
}

static void observe(otel_observer *o, otel_instrument *inst, int64_t iv, double dv, int from_int,
                    const otel_attr *attrs, size_t n) {
    if (!o || !inst) {
        drop(inst);
        return;
    }
    int mine = 0;
    for (size_t i = 0; i < o->cb->n && !mine; i++) mine = o->cb->insts[i] == inst;
    double v = from_int ? (double)iv : dv;
    if (!mine || isnan(v) || (!attrs && n) || (!from_int && is_int(inst) && !whole_i64(dv))) {
        drop(inst);
        return;
    }
    for (; inst; inst = inst->also) { /* each stream views make of it */
        if (inst->agg == OTEL_AGGREGATION_DROP) continue;
        const otel_attr *a = attrs;
        size_t na = n;
        FILTERED(inst, a, na)
        /* callbacks run in the collection, which is the only reclaimer of
         * this provider: no section needed */
        otel__series *s = otel__metrics_series_for(inst, a, na);
        if (!s) continue;
        /* several observations reaching one series in a collection (sets a
         * view's filter merged, or the overflow series): a sum adds them,
         * a gauge keeps the last. Collections run one at a time. */
        int again = atomic_load(&s->observed_epoch) == o->epoch && inst->agg == OTEL_AGGREGATION_SUM;
        if (is_int(inst)) {
            int64_t x = from_int ? iv : (int64_t)dv;
            atomic_store(&s->i, again ? atomic_load(&s->i) + x : x);
        } else {
            atomic_store(&s->d, dbits(again ? bitsd(atomic_load(&s->d)) + v : v));
        }
        atomic_store(&s->observed_epoch, o->epoch);
    }
}

OTEL_API void otel_observer_observe_i64(otel_observer *o, otel_instrument *inst, int64_t value,
                                        const otel_attr *attrs, size_t n_attrs) {
    observe(o, inst, value, 0, 1, attrs, n_attrs);
}

OTEL_API void otel_observer_observe_f64(otel_observer *o, otel_instrument *inst, double value,
                                        const otel_attr *attrs, size_t n_attrs) {
    observe(o, inst, 0, value, 0, attrs, n_attrs);
}

void otel__metrics_meter_free(otel_meter *m) {
    pthread_mutex_destroy(&m->lock);
    free(m->name), free(m->version), free(m->schema_url);
    otel__arena_free(&m->arena);
    free(m);
}

static int str_is(const char *stored, const char *s, size_t n) {
    return strlen(stored) == n && (!n || memcmp(stored, s, n) == 0);
}

/* The meter of a scope, if made already (under the provider's lock).
 * `attrs` is the scope's list as stored (invalid and repeated keys gone). */
static otel_meter *find_meter(otel_meter_provider *mp, const char *n, size_t nl, const char *v, size_t vl,
                              const char *u, size_t ul, const otel__attrs *attrs) {
    for (otel_meter *m = mp->meters; m; m = m->next)
        if (str_is(m->name, n, nl) && str_is(m->version, v, vl) && str_is(m->schema_url, u, ul) &&
            otel__attrs_equal(&m->attrs, attrs))
            return m;
    return NULL;
}

OTEL_API otel_meter *otel_meter_provider_get_meter_n(otel_meter_provider *mp, const char *name,
                                                     size_t name_len, const char *version,
                                                     size_t version_len, const char *schema_url,
                                                     size_t schema_url_len, const otel_attr *attrs,
                                                     size_t n_attrs) {
    if (!mp) return NULL;
    if (!name) name_len = 0;
    if (!version) version_len = 0;
    if (!schema_url) schema_url_len = 0;
    if (!attrs) n_attrs = 0;
    if (!name_len) OTEL_LOG_W("metrics: a meter was asked for without a name");
    if (!n_attrs) { /* the common case: found without building a scope */
        static const otel__attrs none;
        pthread_mutex_lock(&mp->lock);
        otel_meter *m = find_meter(mp, name, name_len, version, version_len, schema_url, schema_url_len, &none);
        pthread_mutex_unlock(&mp->lock);
        if (m) return m;
    }
    otel_meter *fresh = calloc(1, sizeof *fresh);
    if (!fresh) return NULL;
    otel__arena_init(&fresh->arena, NULL, 0);
    pthread_mutex_init(&fresh->lock, NULL);
    fresh->provider = mp;
    fresh->name = strndup(name_len ? name : "", name_len);
    fresh->version = strndup(version_len ? version : "", version_len);
    fresh->schema_url = strndup(schema_url_len ? schema_url : "", schema_url_len);
    otel__attrs_set_many(&fresh->attrs, &fresh->arena, attrs, n_attrs, NULL, NULL);
    if (!fresh->name || !fresh->version || !fresh->schema_url) {
        otel__metrics_meter_free(fresh);
        return NULL;
    }
    pthread_mutex_lock(&mp->lock);
    otel_meter *m = find_meter(mp, name, name_len, version, version_len, schema_url, schema_url_len,
                               &fresh->attrs);
    if (!m) {
        fresh->next = mp->meters;
        mp->meters = fresh;
    }
    pthread_mutex_unlock(&mp->lock);
    if (!m) return fresh;
    otel__metrics_meter_free(fresh);
    return m;
}

OTEL_API otel_meter *otel_meter_provider_get_meter(otel_meter_provider *mp, const char *name,
                                                   const char *version, const char *schema_url) {
    return otel_meter_provider_get_meter_n(mp, name, name ? strlen(name) : 0, version,
                                           version ? strlen(version) : 0, schema_url,
                                           schema_url ? strlen(schema_url) : 0, NULL, 0);
}

OTEL_API otel_status otel_meter_provider_new(otel_meter_provider **out, const otel_options *opts) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "meter_provider_new: NULL out");
    otel__log_configure(opts);
    otel_meter_provider *mp = calloc(1, sizeof *mp);
    if (!mp) return otel__fail(OTEL_ERR_NO_MEMORY, "meter_provider_new: out of memory");
    atomic_init(&mp->refs, 1);
    pthread_mutex_init(&mp->lock, NULL);
    pthread_mutex_init(&mp->collect_lock, NULL);
    otel__stats_init(&mp->stats);
    mp->disabled = otel__opt_bool(opts, "OTEL_SDK_DISABLED", 0);
    mp->start_ns = otel__clock_real_ns();
    static const char *const aggs[] = {"explicit_bucket_histogram",
                                       "base2_exponential_bucket_histogram", NULL};
    mp->exponential_histograms =
        otel__opt_enum(opts, "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", aggs, 0) == 1;
    static const char *const filters[] = {"always_off", "always_on", "trace_based", NULL};
    mp->exemplar_filter = otel__opt_enum(opts, "OTEL_METRICS_EXEMPLAR_FILTER", filters, 2);
    otel_resource *base = NULL;
    otel_status st = otel__resource_default_opts(&base, opts);
    if (st != OTEL_OK) {
        otel__stats_destroy(&mp->stats);
        free(mp);
        return st;
    }
    otel_resource *user = otel__options_resource(opts);
    if (user) {
        st = otel_resource_merge(&mp->resource, base, user);
        otel_resource_release(base);
    } else {
        mp->resource = base;
    }
    if (st != OTEL_OK) {
        otel__stats_destroy(&mp->stats);
        free(mp);
        return st;
    }
    otel__metrics_fork_track(mp);
    /* the environment's reader, unless the exporter is `none` */
    otel_metric_reader *r = NULL;
    if (!mp->disabled && otel__metric_reader_from_env(&r, opts) == OTEL_OK && r) {
        otel_meter_provider_add_reader(mp, r);
        otel_metric_reader_release(r);
        mp->readers_from_env = 1;
    }
    st = otel__options_verdict(opts, "otel_meter_provider_new");
    if (st != OTEL_OK) {
        otel_meter_provider_shutdown(mp, 0);
        otel_meter_provider_release(mp);
        return otel__options_verdict(opts, "otel_meter_provider_new"); /* its message, after the cleanup */
    }
    *out = mp;
    return OTEL_OK;
}

OTEL_API otel_status otel_meter_provider_add_reader(otel_meter_provider *mp, otel_metric_reader *r) {
    if (!mp || !r) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "add_reader: NULL argument");
    pthread_mutex_lock(&mp->lock);
    otel_status st = OTEL_OK;
    if (r->provider || atomic_load(&mp->shut_down)) st = OTEL_ERR_STATE;
    else if (mp->n_readers >= OTEL__MAX_READERS) st = OTEL_ERR_LIMIT;
    if (st == OTEL_OK) {
        r->provider = mp;
        r->index = (int)mp->n_readers;
        if (r->temporality_pref != OTEL_TEMPORALITY_CUMULATIVE)
            atomic_fetch_or(&mp->delta_readers, 1u << r->index);
        mp->readers[mp->n_readers++] = otel_metric_reader_retain(r);
    }
    pthread_mutex_unlock(&mp->lock);
    if (st != OTEL_OK)
        return otel__fail(st, st == OTEL_ERR_LIMIT ? "add_reader: at most %d readers"
                                                   : "add_reader: the reader has a provider, or "
                                                     "the provider is shut down (%d)",
                          OTEL__MAX_READERS);
    if (r->vt && r->vt->start) r->vt->start(r);
    return OTEL_OK;
}

OTEL_API otel_status otel_meter_provider_force_flush(otel_meter_provider *mp, uint32_t timeout_ms) {
    if (!mp) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "force_flush: NULL provider");
    if (otel__metrics_reentered("force_flush")) return OTEL_ERR_STATE;
    otel_status worst = OTEL_OK;
    for (size_t i = 0; i < mp->n_readers; i++) {
        otel_metric_reader *r = mp->readers[i];
        if (r->vt && r->vt->flush) {
            otel_status st = r->vt->flush(r, timeout_ms);
            if (st != OTEL_OK) worst = st;
        }
    }
    return worst;
}

OTEL_API otel_status otel_meter_provider_shutdown(otel_meter_provider *mp, uint32_t timeout_ms) {
    if (!mp) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "shutdown: NULL provider");
    if (otel__metrics_reentered("shutdown")) return OTEL_ERR_STATE;
    if (atomic_exchange(&mp->shut_down, 1)) return OTEL_OK;
    otel_status worst = OTEL_OK;
    for (size_t i = 0; i < mp->n_readers; i++) {
        otel_metric_reader *r = mp->readers[i];
        if (r->vt && r->vt->shutdown) {
            otel_status st = r->vt->shutdown(r, timeout_ms);
            if (st != OTEL_OK) worst = st;
        }
    }
    return worst;
}

OTEL_API otel_meter_provider *otel_meter_provider_retain(otel_meter_provider *mp) {
    if (mp) atomic_fetch_add(&mp->refs, 1);
    return mp;
}

static void provider_free(otel_meter_provider *mp) {
    otel__metrics_fork_untrack(mp);
    for (size_t i = 0; i < mp->n_readers; i++) {
        mp->readers[i]->provider = NULL;
        otel_metric_reader_release(mp->readers[i]);
    }
    otel_meter *m = mp->meters;
    while (m) {
        otel_meter *next = m->next;
        otel_instrument *inst = m->instruments;
        while (inst) {
            otel_instrument *n = inst->next;
            otel__metrics_instrument_free(inst);
            inst = n;
        }
        otel__callback *cb = m->callbacks;
        while (cb) {
            otel__callback *n = cb->next;
            otel__metrics_callback_release(cb);
            cb = n;
        }
        otel__metrics_meter_free(m);
        m = next;
    }
    for (size_t i = 0; i < mp->n_views; i++) otel_view_free(mp->views[i]);
    otel_resource_release(mp->resource);
    otel__stats_destroy(&mp->stats);
    pthread_mutex_destroy(&mp->lock);
    pthread_mutex_destroy(&mp->collect_lock);
    free(mp);
}

OTEL_API void otel_meter_provider_release(otel_meter_provider *mp) {
    if (!mp) return;
    uint32_t n = atomic_load(&mp->refs);
    while (n > 1)
        if (atomic_compare_exchange_weak(&mp->refs, &n, n - 1)) return;
    /* The last reference shuts down while still held: the final collections
     * retain and release the provider through their data, which must not
     * bring the count to zero under us. */
    otel_meter_provider_shutdown(mp, 5000);
    if (atomic_fetch_sub(&mp->refs, 1) != 1) return; /* collected data still holds it */
    provider_free(mp);
}

OTEL_API size_t otel_meter_provider_get_stats(const otel_meter_provider *mp, uint64_t *out, size_t n) {
    if (!mp || !out) return 0;
    size_t k = n < OTEL_STAT__COUNT ? n : OTEL_STAT__COUNT;
    for (size_t i = 0; i < k; i++) out[i] = otel__stats_get(&mp->stats, (otel_stat)i);
    return k;
}

OTEL_API size_t otel_meter_provider_last_error(const otel_meter_provider *mp, char *buf, size_t cap) {
    return mp ? otel__stats_last_error(&mp->stats, buf, cap) : 0;
}

OTEL_API uint64_t otel_meter_provider_dropped(const otel_meter_provider *mp) {
    return mp ? atomic_load(&((otel_meter_provider *)mp)->dropped) : 0;
}

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static otel_meter_provider *global;

OTEL_API otel_meter_provider *otel_meter_provider_get_global(void) {
    pthread_mutex_lock(&global_lock);
    otel_meter_provider *mp = otel_meter_provider_retain(global);
    pthread_mutex_unlock(&global_lock);
    return mp;
}

OTEL_API void otel_meter_provider_set_global(otel_meter_provider *mp) {
    otel_meter_provider_retain(mp);
    pthread_mutex_lock(&global_lock);
    otel_meter_provider *old = global;
    global = mp;
    pthread_mutex_unlock(&global_lock);
    otel_meter_provider_release(old);
}

int otel__temporality_for(const otel_metric_reader *r, int kind) {
    int pref = r->temporality_pref;
    if (pref == OTEL_TEMPORALITY_CUMULATIVE) return OTEL_TEMPORALITY_CUMULATIVE;
    switch (kind) {
    case OTEL_INSTRUMENT_COUNTER:
    case OTEL_INSTRUMENT_HISTOGRAM:
        return OTEL_TEMPORALITY_DELTA;
    case OTEL_INSTRUMENT_OBSERVABLE_COUNTER:
        return pref == OTEL_TEMPORALITY_DELTA ? OTEL_TEMPORALITY_DELTA : OTEL_TEMPORALITY_CUMULATIVE;
    default: /* up-down counters and gauges stay cumulative */
        return OTEL_TEMPORALITY_CUMULATIVE;
    }
}

/* Runs every callback with no lock held (a callback may register,
 * unregister, create instruments or get meters), each kept alive by a
 * reference taken under its meter's lock. */
void otel__metrics_run_callbacks(otel_meter_provider *mp, uint32_t epoch) {
    pthread_mutex_lock(&mp->lock);
    otel_meter *first = mp->meters; /* meters are only ever prepended */
    pthread_mutex_unlock(&mp->lock);
    in_callbacks = 1;
    for (otel_meter *m = first; m; m = m->next) {
        pthread_mutex_lock(&m->lock);
        size_t n = 0;
        for (otel__callback *cb = m->callbacks; cb; cb = cb->next) n++;
        otel__callback **run = n ? malloc(n * sizeof *run) : NULL;
        n = 0;
        for (otel__callback *cb = run ? m->callbacks : NULL; cb; cb = cb->next) {
            atomic_fetch_add(&cb->refs, 1);
            run[n++] = cb;
        }
        pthread_mutex_unlock(&m->lock);
        for (size_t k = n; k-- > 0;) { /* registration order */
            otel_observer o = {m, run[k], epoch};
            if (!atomic_load(&run[k]->removed)) run[k]->fn(&o, run[k]->user_data);
            otel__metrics_callback_release(run[k]);
        }
        free(run);
    }
    in_callbacks = 0;
}

/* A delta point's min and max: those of its period, which start over. */
static void period_min_max(otel__series *s, int ri, otel__point *p) {
    double mn = bitsd(atomic_exchange(&s->period_min[ri], dbits(INFINITY)));
    double mx = bitsd(atomic_exchange(&s->period_max[ri], dbits(-INFINITY)));
    /* empty only if a measurement counted here updated them before the last
     * collection (a race): the cumulative bounds, already in p, still hold */
    if (mn <= mx) {
        p->min = mn;
        p->max = mx;
    }
}

/* One point of series `s` for reader slot `ri`; 0 when nothing to report.
 * `copy_attrs`: the series may be freed while the data is kept (ADR 0003),
 * so the point gets its own copy of the attributes. */
static int make_point(otel_instrument *inst, otel__series *s, int ri, int temporality,
                      uint64_t now, uint32_t epoch, int copy_attrs, otel__point *p, otel__arena *a) {
    otel__series_prev *prev = &s->prev[ri];
    int async = inst->kind >= OTEL_INSTRUMENT_OBSERVABLE_COUNTER;
    if (async && atomic_load(&s->observed_epoch) != epoch) return 0;
    memset(p, 0, sizeof *p);
    p->attrs = s->attrs;
    p->n_attrs = s->n_attrs;
    if (copy_attrs && s->n_attrs) {
        otel__attrs copy = {0};
        otel__attrs_set_many(&copy, a, s->attrs, s->n_attrs, NULL, NULL);
        if (copy.count != s->n_attrs) return 0;
        p->attrs = copy.items;
    }
    p->time_ns = now;
    int delta = temporality == OTEL_TEMPORALITY_DELTA;
    p->start_ns = delta && prev->time_ns ? prev->time_ns : s->start_ns;
    p->is_int = is_int(inst);
    if (s->exph) {
        double sum = bitsd(atomic_load(&s->sum));
        otel__exph *snap = otel__arena_alloc(a, sizeof *snap);
        if (!snap) return 0;
        series_spin_lock(s);
        memcpy(snap, s->exph, sizeof *snap);
        series_spin_unlock(s);
        uint64_t count = exph_total(snap); /* the snapshot's own total */
        p->exph = snap;
        p->min = bitsd(atomic_load(&s->min));
        p->max = bitsd(atomic_load(&s->max));
        p->count = count;
        p->sum = sum;
        if (delta) {
            if (!prev->exph) {
                prev->exph = calloc(1, sizeof *prev->exph);
                if (!prev->exph) return 0;
                prev->exph->scale = snap->scale;
            }
            if (count == prev->count) { prev->time_ns = now; return 0; }
            /* the scale only goes down and the window only grows: bring the
             * last view to this scale, then subtract bucket by bucket */
            otel__exph last = *prev->exph;
            *prev->exph = *snap;
            otel__exph_subtract(snap, &last);
            period_min_max(s, ri, p);
            p->count = count - prev->count;
            p->sum = sum - prev->sum;
            prev->count = count;
            prev->sum = sum;
        }
        prev->time_ns = now;
        return 1;
    }
    if (s->buckets) {
        double sum = bitsd(atomic_load(&s->sum));
        p->buckets = otel__arena_alloc(a, (inst->n_bounds + 1) * sizeof(uint64_t));
        if (!p->buckets) return 0;
        uint64_t count = 0; /* the buckets' total, consistent with them by construction */
        for (size_t b = 0; b <= inst->n_bounds; b++) count += p->buckets[b] = atomic_load(&s->buckets[b]);
        p->min = bitsd(atomic_load(&s->min));
        p->max = bitsd(atomic_load(&s->max));
        if (delta) {
            if (!prev->buckets) prev->buckets = calloc(inst->n_bounds + 1, sizeof(uint64_t));
            if (!prev->buckets) return 0;
            if (count == prev->count) { prev->time_ns = now; return 0; }
            for (size_t b = 0; b <= inst->n_bounds; b++) {
                uint64_t c = p->buckets[b];
                p->buckets[b] = c - prev->buckets[b];
                prev->buckets[b] = c;
            }
            period_min_max(s, ri, p);
            p->count = count - prev->count;
            p->sum = sum - prev->sum;
            prev->count = count;
            prev->sum = sum;
        } else {
            p->count = count;
            p->sum = sum;
        }
        prev->time_ns = now;
        return 1;
    }
    int64_t iv;
    double dv;
    if (__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE)) {
        /* the series and its handles' cells read together: a handle
         * released meanwhile folds its cells into the series under this
         * lock, so they are never missed (a cumulative sum never dips) */
        pthread_mutex_lock(&inst->lock);
        iv = atomic_load(&s->i);
        dv = bitsd(atomic_load(&s->d));
        otel__metrics_bound_sums(s, &iv, &dv);
        pthread_mutex_unlock(&inst->lock);
    } else {
        iv = atomic_load(&s->i);
        dv = bitsd(atomic_load(&s->d));
    }
    if (inst->agg == OTEL_AGGREGATION_LAST_VALUE && !async) {
        uint64_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        if (!seq) return 0;
        prev->seen_seq = seq;
        p->i = iv;
        p->d = dv;
        prev->time_ns = now;
        return 1;
    }
    if (delta) {
        p->i = iv - prev->i;
        p->d = dv - prev->d;
        prev->i = iv;
        prev->d = dv;
        if (!async && p->i == 0 && p->d == 0) { prev->time_ns = now; return 0; }
    } else {
        p->i = iv;
        p->d = dv;
    }
    prev->time_ns = now;
    return 1;
}

/* 1 when every reader reports `inst` as deltas: then a series with no
 * measurement since each reader's last collection holds nothing anyone
 * still needs, and can go (new attribute sets take its place under the
 * cardinality limit). Cumulative readers keep every series. */
int otel__metrics_reclaimable(const otel_instrument *inst) {
    const otel_meter_provider *mp = inst->meter->provider;
    if (!mp->n_readers || inst->kind >= OTEL_INSTRUMENT_OBSERVABLE_COUNTER) return 0;
    if (inst->agg != OTEL_AGGREGATION_SUM && inst->agg != OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM &&
        inst->agg != OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM)
        return 0;
    for (size_t r = 0; r < mp->n_readers; r++)
        if (otel__temporality_for(mp->readers[r], inst->kind) != OTEL_TEMPORALITY_DELTA) return 0;
    return otel__reclaim_available();
}

/* The measurements a histogram series holds (its buckets' total). */
static uint64_t histogram_count(const otel_instrument *inst, otel__series *s) {
    uint64_t c = 0;
    if (s->exph) {
        series_spin_lock(s);
        c = exph_total(s->exph);
        series_spin_unlock(s);
    }
    for (size_t b = 0; s->buckets && b <= inst->n_bounds; b++) c += atomic_load(&s->buckets[b]);
    return c;
}

/* 1 when series `s` holds what reader slot ri has not reported (sums: a
 * value it has not seen; histograms: more measurements). */
static int unreported(const otel_instrument *inst, otel__series *s, int ri) {
    const otel__series_prev *p = &s->prev[ri];
    if (!p->time_ns) return 1;
    if (s->exph || s->buckets) return histogram_count(inst, s) != p->count;
    return atomic_load(&s->i) != p->i || bitsd(atomic_load(&s->d)) != p->d;
}

/* Retires every series of `inst` that had no measurement for a whole
 * interval of every reader and holds nothing unreported (under its lock):
 * unlinked, so new lookups miss it; threads that found it already may
 * still write (phase 1). */
static void retire_idle(otel_instrument *inst) {
    const otel_meter_provider *mp = inst->meter->provider;
    otel__series *keep = NULL, *overflow = atomic_load(&inst->overflow);
    for (otel__series *s = atomic_load(&inst->all), *next; s; s = next) {
        next = s->all_next;
        int idle = s != overflow && !__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE);
        for (size_t r = 0; idle && r < mp->n_readers; r++) {
            int ri = mp->readers[r]->index;
            idle = (s->quiet >> ri & 1) && !unreported(inst, s, ri);
        }
        if (!idle) {
            keep = s;
            continue;
        }
        _Atomic(otel__series *) *link = &inst->table[s->hash & (OTEL__SERIES_BUCKETS - 1)];
        for (otel__series *c; (c = atomic_load_explicit(link, memory_order_relaxed)) != s; link = &c->chain) {
        }
        /* a reader standing on s still finds its way on through s->chain */
        atomic_store_explicit(link, atomic_load_explicit(&s->chain, memory_order_relaxed), memory_order_release);
        if (keep) keep->all_next = next;
        else atomic_store(&inst->all, next);
        atomic_store(&s->retired, 1);
        s->phase = 1;
        s->retire_epoch = 0;
        s->limbo_next = inst->limbo;
        inst->limbo = s;
        inst->n_series--;
    }
}

/* Moves what arrived in retired series `s` after the collection that found
 * it idle (a thread that had found it before it was unlinked) into the
 * live series of its set, so no measurement is lost. No writer is left. */
static void fold_late(otel_instrument *inst, otel__series *s) {
    const otel_meter_provider *mp = inst->meter->provider;
    int r0 = mp->readers[0]->index; /* every reader had reported the same */
    const otel__series_prev *p = &s->prev[r0];
    otel__series *live = NULL;
    if (s->exph || s->buckets) {
        if (histogram_count(inst, s) == p->count || !(live = otel__metrics_series_locked(inst, s->attrs, s->n_attrs)))
            return;
        if (s->exph) {
            otel__exph late = *s->exph;
            otel__exph_subtract(&late, p->exph);
            series_spin_lock(live);
            otel__exph_merge(live->exph, &late, inst->exph_max);
            series_spin_unlock(live);
        } else {
            for (size_t b = 0; b <= inst->n_bounds; b++)
                atomic_fetch_add(&live->buckets[b], atomic_load(&s->buckets[b]) - p->buckets[b]);
        }
        atomic_add_double(&live->sum, bitsd(atomic_load(&s->sum)) - p->sum);
        /* the period bounds started over at the last collection: they are
         * the late measurements' own */
        double mn = bitsd(atomic_load(&s->period_min[r0])), mx = bitsd(atomic_load(&s->period_max[r0]));
        atomic_min_double(&live->min, mn);
        atomic_max_double(&live->max, mx);
        for (size_t r = 0; r < mp->n_readers; r++) {
            atomic_min_double(&live->period_min[mp->readers[r]->index], mn);
            atomic_max_double(&live->period_max[mp->readers[r]->index], mx);
        }
        return;
    }
    int64_t di = atomic_load(&s->i) - p->i;
    double dd = bitsd(atomic_load(&s->d)) - p->d;
    if ((di || dd != 0) && (live = otel__metrics_series_locked(inst, s->attrs, s->n_attrs))) {
        atomic_fetch_add(&live->i, di);
        if (dd != 0) atomic_add_double(&live->d, dd);
    }
}

/* Takes retired series through their two waits (under the instrument's
 * lock; `oldest` from otel__reclaim_oldest). Returns 1 when one waits for
 * an epoch not advanced yet. */
static int progress_limbo(otel_instrument *inst, uint64_t oldest) {
    int pending = 0;
    for (otel__series **pp = &inst->limbo, *s; (s = *pp);) {
        if (s->retire_epoch && s->retire_epoch <= oldest) {
            if (s->phase == 1) {
                /* no thread that found it before the unlink is left */
                fold_late(inst, s);
                s->phase = 2;
                s->retire_epoch = 0;
            } else {
                /* nor any that read it from a hint cleared since */
                *pp = s->limbo_next;
                otel__metrics_series_destroy(s);
                continue;
            }
        }
        pending |= !s->retire_epoch;
        pp = &s->limbo_next;
    }
    /* hints must not lead to a series about to be freed: threads only hint
     * series they see live, so clearing after each phase starts is enough */
    if (inst->limbo)
        for (int k = 0; k < OTEL__STATS_SHARDS; k++)
            for (int j = 0; j < OTEL__SERIES_HINTS; j++) {
                _Atomic(otel__series *) *slot = &inst->hints[k].s[j];
                otel__series *h = atomic_load_explicit(slot, memory_order_acquire);
                if (h && atomic_load_explicit(&h->retired, memory_order_relaxed))
                    atomic_compare_exchange_strong(slot, &h, NULL);
            }
    return pending;
}

/* After a collection: retire idle delta series, advance retired ones, and
 * publish the new unlinks with one barrier (the caller holds the
 * provider's collection lock, so this is the provider's only reclaimer). */
void otel__metrics_reclaim(otel_meter_provider *mp) {
    uint64_t oldest = otel__reclaim_oldest();
    int pending = 0;
    pthread_mutex_lock(&mp->lock);
    for (int pass = 0; pass < 2; pass++) {
        uint64_t e = 0;
        if (pass == 1) {
            if (!pending) break;
            /* the barrier makes a syscall: not under the meters' locks */
            pthread_mutex_unlock(&mp->lock);
            e = otel__reclaim_advance();
            pthread_mutex_lock(&mp->lock);
        }
        for (otel_meter *m = mp->meters; m; m = m->next) {
            pthread_mutex_lock(&m->lock);
            for (otel_instrument *inst = m->instruments; inst; inst = inst->next) {
                int can = otel__metrics_reclaimable(inst);
                if (!can && !inst->limbo) continue;
                pthread_mutex_lock(&inst->lock);
                if (pass == 0) {
                    pending |= progress_limbo(inst, oldest);
                    if (can) retire_idle(inst);
                    pending |= inst->limbo != NULL && !inst->limbo->retire_epoch;
                } else {
                    for (otel__series *s = inst->limbo; s; s = s->limbo_next)
                        if (!s->retire_epoch) s->retire_epoch = e;
                }
                pthread_mutex_unlock(&inst->lock);
            }
            pthread_mutex_unlock(&m->lock);
        }
    }
    pthread_mutex_unlock(&mp->lock);
}

static int data_kind_of(int agg) {
    switch (agg) {
    case OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM: return OTEL_METRIC_HISTOGRAM;
    case OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM: return OTEL_METRIC_EXPONENTIAL_HISTOGRAM;
    case OTEL_AGGREGATION_LAST_VALUE: return OTEL_METRIC_GAUGE;
    default: return OTEL_METRIC_SUM;
    }
}

static otel_status collect_locked(otel_metric_reader *r, otel_metrics_data **out, int retain);

static otel_status collect(otel_metric_reader *r, otel_metrics_data **out, int retain) {
    otel_meter_provider *mp = r->provider;
    if (!mp) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "collect: the reader has no provider");
    if (otel__metrics_reentered("collect")) return OTEL_ERR_STATE;
    pthread_mutex_lock(&mp->collect_lock);
    otel_status st = collect_locked(r, out, retain);
    pthread_mutex_unlock(&mp->collect_lock);
    return st;
}

static otel_status collect_locked(otel_metric_reader *r, otel_metrics_data **out, int retain) {
    otel_meter_provider *mp = r->provider;
    uint32_t epoch = atomic_fetch_add(&mp->epoch, 1) + 1;
    otel__metrics_run_callbacks(mp, epoch);
    otel_metrics_data *d = calloc(1, sizeof *d);
    if (!d) return otel__fail(OTEL_ERR_NO_MEMORY, "collect: out of memory");
    d->provider = retain ? otel_meter_provider_retain(mp) : NULL;
    otel__arena_init(&d->arena, NULL, 0);
    uint64_t now = otel__clock_real_ns();
    size_t cap = 0;
    pthread_mutex_lock(&mp->lock);
    for (otel_meter *m = mp->meters; m; m = m->next) {
        pthread_mutex_lock(&m->lock);
        for (otel_instrument *inst = m->instruments; inst; inst = inst->next) {
            /* one snapshot of the list: series made meanwhile are prepended
             * ahead of it, so counting and walking see the same ones */
            otel__series *head = atomic_load_explicit(&inst->all, memory_order_acquire);
            size_t n = 0;
            for (otel__series *s = head; s; s = s->all_next) n++;
            if (!n) continue;
            if (d->n_metrics == cap) {
                cap = cap ? cap * 2 : 16;
                otel__metric *grown = realloc(d->metrics, cap * sizeof *grown);
                if (!grown) break;
                d->metrics = grown;
            }
            otel__metric *met = &d->metrics[d->n_metrics];
            met->inst = inst;
            if (inst->agg == OTEL_AGGREGATION_DROP) continue;
            met->data_kind = data_kind_of(inst->agg);
            met->temporality = otel__temporality_for(r, inst->kind);
            met->monotonic = inst->agg == OTEL_AGGREGATION_SUM &&
                             (inst->kind == OTEL_INSTRUMENT_COUNTER ||
                              inst->kind == OTEL_INSTRUMENT_OBSERVABLE_COUNTER);
            met->points = otel__arena_alloc(&d->arena, n * sizeof *met->points);
            met->n_points = 0;
            if (!met->points) continue;
            int copy = otel__metrics_reclaimable(inst);
            for (otel__series *s = head; s; s = s->all_next) {
                int made = make_point(inst, s, r->index, met->temporality, now, epoch, copy,
                                      &met->points[met->n_points], &d->arena);
                if (made) {
                    otel__metrics_exemplars_take(inst, s, &met->points[met->n_points], &d->arena);
                    met->n_points++;
                }
                /* a whole interval without measurements for this reader */
                s->quiet = made ? s->quiet & ~(1u << r->index) : s->quiet | 1u << r->index;
            }
            if (met->n_points) d->n_metrics++;
        }
        pthread_mutex_unlock(&m->lock);
    }
    pthread_mutex_unlock(&mp->lock);
    otel__metrics_reclaim(mp);
    *out = d;
    return OTEL_OK;
}

otel_status otel__metrics_collect(otel_metric_reader *r, otel_metrics_data **out) {
    return collect(r, out, 1);
}

otel_status otel__metrics_collect_borrowed(otel_metric_reader *r, otel_metrics_data **out) {
    return collect(r, out, 0);
}

OTEL_API void otel_metrics_data_release(otel_metrics_data *d) {
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

OTEL_API otel_status otel_metric_reader_manual_new(otel_metric_reader **out, int temporality) {
    if (!out || (temporality != OTEL_TEMPORALITY_DELTA && temporality != OTEL_TEMPORALITY_CUMULATIVE))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "metric_reader_manual_new: bad argument");
    otel_metric_reader *r = calloc(1, sizeof *r);
    if (!r) return otel__fail(OTEL_ERR_NO_MEMORY, "metric_reader_manual_new: out of memory");
    atomic_init(&r->refs, 1);
    r->temporality_pref = temporality;
    pthread_mutex_init(&r->collect_lock, NULL);
    *out = r;
    return OTEL_OK;
}

OTEL_API otel_status otel_metric_reader_collect(otel_metric_reader *r, otel_metrics_data **out) {
    if (!r || !out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "collect: NULL argument");
    if (otel__metrics_reentered("collect")) return OTEL_ERR_STATE;
    if (r->provider && atomic_load(&r->provider->shut_down))
        return otel__fail(OTEL_ERR_SHUTDOWN, "collect: the provider is shut down");
    pthread_mutex_lock(&r->collect_lock);
    otel_status st = otel__metrics_collect(r, out);
    pthread_mutex_unlock(&r->collect_lock);
    return st;
}

OTEL_API otel_metric_reader *otel_metric_reader_retain(otel_metric_reader *r) {
    if (r) atomic_fetch_add(&r->refs, 1);
    return r;
}

OTEL_API void otel_metric_reader_release(otel_metric_reader *r) {
    if (!r || atomic_fetch_sub(&r->refs, 1) != 1) return;
    if (r->vt && r->vt->destroy) r->vt->destroy(r);
    pthread_mutex_destroy(&r->collect_lock);
    free(r);
}
