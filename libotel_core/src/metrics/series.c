/* Series: one per attribute set of an instrument, made on first use under
 * the instrument's lock and found lock-free after (a per-thread hint, then
 * the hash chains); past the cardinality limit, the overflow series. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/attrs.h"
#include "common/clock.h"
#include "common/stats.h"
#include "metrics/atomic_double.h"
#include "metrics/attrset.h"
#include "metrics/internal.h"
#include "metrics/series.h"

static int cmp_key(const void *a, const void *b) {
    const otel_attr *x = a, *y = b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

static void series_free(otel__series *s) {
    free((void *)s->buckets);
    free(s->exph);
    free(s->exemplars);
    for (int r = 0; r < OTEL__MAX_READERS; r++) {
        free(s->prev[r].buckets);
        free(s->prev[r].exph);
    }
    free(s);
}

/* A new series with a canonical (valid, deduplicated, sorted) copy of the
 * attributes, all in one allocation with its arena. */
static otel__series *series_new(const otel_instrument *inst, const otel_attr *attrs, size_t n) {
    otel__series *s = calloc(1, sizeof *s + sizeof(otel__arena));
    if (!s) return NULL;
    otel__arena *arena = (otel__arena *)(s + 1);
    otel__arena_init(arena, NULL, 0);
    otel__attrs list = {0};
    otel__attrs_set_many(&list, arena, attrs, n, NULL, NULL);
    if (list.count > 1) qsort(list.items, list.count, sizeof *list.items, cmp_key);
    s->attrs = list.items;
    s->n_attrs = list.count;
    size_t ok;
    s->hash = hash_attrs(s->attrs, s->n_attrs, &ok);
    s->start_ns = otel__clock_real_ns();
    atomic_init(&s->min, dbits(INFINITY));
    atomic_init(&s->max, dbits(-INFINITY));
    for (int r = 0; r < OTEL__MAX_READERS; r++) {
        atomic_init(&s->period_min[r], dbits(INFINITY));
        atomic_init(&s->period_max[r], dbits(-INFINITY));
    }
    atomic_flag_clear(&s->exph_lock);
    if (inst->agg == OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM) {
        s->exph = calloc(1, sizeof *s->exph);
        if (!s->exph) {
            otel__arena_free(arena);
            free(s);
            return NULL;
        }
        s->exph->scale = OTEL__EXPH_SCALE;
    } else if (inst->agg == OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM) {
        s->buckets = calloc(inst->n_bounds + 1, sizeof(uint64_t));
        if (!s->buckets) {
            otel__arena_free(arena);
            free(s);
            return NULL;
        }
    }
    return s;
}

static otel__series *lookup(otel_instrument *inst, uint64_t h, const otel_attr *attrs, size_t n,
                            size_t n_ok) {
    otel__series *s = atomic_load_explicit(&inst->table[h & (OTEL__SERIES_BUCKETS - 1)],
                                           memory_order_acquire);
    for (; s; s = atomic_load_explicit(&s->chain, memory_order_acquire))
        if (s->hash == h && s->n_attrs == n_ok && same_set(s, attrs, n)) return s;
    return NULL;
}

static void publish(otel_instrument *inst, otel__series *s) {
    _Atomic(otel__series *) *head = &inst->table[s->hash & (OTEL__SERIES_BUCKETS - 1)];
    atomic_store_explicit(&s->chain, atomic_load_explicit(head, memory_order_relaxed),
                          memory_order_relaxed);
    atomic_store_explicit(head, s, memory_order_release);
    s->all_next = atomic_load_explicit(&inst->all, memory_order_relaxed);
    atomic_store_explicit(&inst->all, s, memory_order_release);
}

static const otel_attr overflow_attr = {"otel.metric.overflow", 20, OTEL_VALUE_BOOL, 1, 0, 0, NULL, 0};

/* The series of an attribute set, made on first use (under the instrument's
 * lock); past the cardinality limit, the overflow series. */
void otel__metrics_series_destroy(otel__series *s) {
    otel__arena_free((otel__arena *)(s + 1));
    series_free(s);
}

/* The series of a set not found lock-free, made if need be (the caller
 * holds the instrument's lock); past the cardinality limit, the overflow
 * series. A repeated key makes the raw hash differ from the canonical
 * one: the canonical set is looked up before making a series. */
otel__series *otel__metrics_series_locked(otel_instrument *inst, const otel_attr *attrs, size_t n) {
    otel__series *fresh = series_new(inst, attrs, n), *s = NULL;
    if (!fresh) return NULL;
    s = lookup(inst, fresh->hash, fresh->attrs, fresh->n_attrs, fresh->n_attrs);
    if (s) {
        otel__metrics_series_destroy(fresh);
        return s;
    }
    if (inst->n_series < inst->limit - 1) {
        publish(inst, fresh);
        inst->n_series++;
        return fresh;
    }
    otel__metrics_series_destroy(fresh);
    s = atomic_load(&inst->overflow);
    if (!s) {
        s = series_new(inst, &overflow_attr, 1);
        if (s) {
            publish(inst, s);
            atomic_store(&inst->overflow, s);
        }
    }
    return s;
}

/* The series of an attribute set (the caller is inside a reclaim section:
 * it may be retired, never freed, until the caller leaves). */
otel__series *otel__metrics_series_for(otel_instrument *inst, const otel_attr *attrs, size_t n) {
    /* the series this thread (shard) last used for sets with these values:
     * a thread recording the same few sets again, the common case, skips
     * hashing keys and the chain */
    unsigned t = otel__stats_tls_shard;
    if (__builtin_expect(!t, 0)) t = otel__stats_assign_shard();
    _Atomic(otel__series *) *hint =
        &inst->hints[(t & ~OTEL__STATS_OWNED) - 1].s[values_fp(attrs, n) % OTEL__SERIES_HINTS];
    otel__series *s = atomic_load_explicit(hint, memory_order_acquire);
    if (s && !atomic_load_explicit(&s->retired, memory_order_relaxed) && same_order_set(s, attrs, n))
        return s;
    size_t n_ok;
    uint64_t h = hash_attrs(attrs, n, &n_ok);
    s = lookup(inst, h, attrs, n, n_ok);
    if (__builtin_expect(s != NULL, 1)) {
        if (!atomic_load_explicit(&s->retired, memory_order_relaxed))
            atomic_store_explicit(hint, s, memory_order_release);
        return s;
    }
    pthread_mutex_lock(&inst->lock);
    s = otel__metrics_series_locked(inst, attrs, n);
    pthread_mutex_unlock(&inst->lock);
    return s;
}
