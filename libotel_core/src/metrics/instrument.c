/* Instruments: creation (one stream per matching view), advisory bucket
 * boundaries, the shorthand constructors, and freeing. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "common/log.h"
#include "metrics/internal.h"
#include "metrics/series.h"

static const double default_bounds[] = {0,   5,    10,   25,   50,   75,   100, 250,
                                        500, 750, 1000, 2500, 5000, 7500, 10000};

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

/* A pointer + length string as a NUL-terminated copy (NULL stays NULL);
 * 0 when out of memory or when it holds a NUL. */
static int dup_n(const char *s, size_t n, char **out) {
    *out = NULL;
    if (!s) return n == 0;
    if (memchr(s, '\0', n)) return 0;
    return (*out = strndup(s, n)) != NULL;
}

OTEL_API otel_status otel_meter_create_instrument_n(otel_instrument **out, otel_meter *m, int kind,
                                                    int number, const char *name, size_t name_len,
                                                    const char *unit, size_t unit_len,
                                                    const char *description, size_t description_len) {
    char *n = NULL, *u = NULL, *d = NULL;
    otel_status st;
    if (!dup_n(name, name_len, &n) || !dup_n(unit, unit_len, &u) || !dup_n(description, description_len, &d))
        st = otel__fail(OTEL_ERR_INVALID_ARGUMENT,
                        "create_instrument_n: a string holds a NUL, is NULL with a length, or memory ran out");
    else
        st = otel_meter_create_instrument(out, m, kind, number, n, u, d);
    free(n);
    free(u);
    free(d);
    return st;
}

