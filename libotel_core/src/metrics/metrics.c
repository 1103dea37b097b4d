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

static const double default_bounds[] = {0,   5,    10,   25,   50,   75,   100, 250,
                                        500, 750, 1000, 2500, 5000, 7500, 10000};

/* ---- numbers ------------------------------------------------------------------ */

static inline uint64_t dbits(double v) {
    uint64_t u;
    memcpy(&u, &v, 8);
    return u;
}
static inline double bitsd(uint64_t u) {
    double v;
    memcpy(&v, &u, 8);
    return v;
}

static inline void atomic_add_double(_Atomic uint64_t *p, double v) {
    uint64_t old = atomic_load_explicit(p, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(p, &old, dbits(bitsd(old) + v),
                                                  memory_order_relaxed, memory_order_relaxed)) {
    }
}

static inline void atomic_min_double(_Atomic uint64_t *p, double v) {
    uint64_t old = atomic_load_explicit(p, memory_order_relaxed);
    while (v < bitsd(old) && !atomic_compare_exchange_weak_explicit(
                                 p, &old, dbits(v), memory_order_relaxed, memory_order_relaxed)) {
    }
}

static inline void atomic_max_double(_Atomic uint64_t *p, double v) {
    uint64_t old = atomic_load_explicit(p, memory_order_relaxed);
    while (v > bitsd(old) && !atomic_compare_exchange_weak_explicit(
                                 p, &old, dbits(v), memory_order_relaxed, memory_order_relaxed)) {
    }
}

/* ---- attribute sets: an order-independent hash and equality ---------------------- */

static inline uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}


/* What otel__attr_valid accepts, inline: a key and a known type whose
 * pointer is set when it has elements. */
static inline int attr_ok(const otel_attr *a) {
    if (__builtin_expect(!a->key || !a->key_len, 0)) return 0;
    if (a->type >= OTEL_VALUE_BOOL && a->type <= OTEL_VALUE_DOUBLE) return 1;
    return a->type >= OTEL_VALUE_STRING && a->type <= OTEL_VALUE_DOUBLE_ARRAY && (a->ptr || !a->len);
}

static inline uint64_t load8(const uint8_t *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}
static inline uint64_t load4(const uint8_t *p) {
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* The bytes of a short string as words, the tail read overlapping (no
 * variable-length copy, no call): what hashing and comparing share. */
static inline uint64_t tail_word(const uint8_t *s, size_t n) {
    if (n >= 8) return load8(s + n - 8);
    if (n >= 4) return load4(s) | (load4(s + n - 4) << 32);
    return n ? (uint64_t)s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16 : 0;
}

/* A fast non-cryptographic hash of short byte strings (keys, values). */
static inline uint64_t hash_short(const void *p, size_t n, uint64_t h) {
    const uint8_t *s = p;
    h += n * 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        h = (h ^ load8(s + i)) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    return (h ^ tail_word(s, n)) * 0x94d049bb133111ebull;
}

/* Byte equality of two strings of the same length n. */
static inline int bytes_eq(const void *a, const void *b, size_t n) {
    const uint8_t *x = a, *y = b;
    if (n > 32) return memcmp(x, y, n) == 0;
    if (n > 16) /* four overlapping words cover 17..32 bytes; no loop */
        return ((load8(x) ^ load8(y)) | (load8(x + 8) ^ load8(y + 8)) |
                (load8(x + n - 16) ^ load8(y + n - 16)) | (load8(x + n - 8) ^ load8(y + n - 8))) == 0;
    if (n > 8) return ((load8(x) ^ load8(y)) | (load8(x + n - 8) ^ load8(y + n - 8))) == 0;
    return tail_word(x, n) == tail_word(y, n);
}

/* A summary of a short string in O(1): its length and its first and last
 * words. Hashing only has to spread series over the chains; equality is
 * checked in full, so strings sharing ends only make a chain longer. */
static inline uint64_t summary(const void *p, size_t n) {
    const uint8_t *s = p;
    uint64_t head = n >= 8 ? load8(s) : tail_word(s, n);
    return (head * 0x9E3779B97F4A7C15ull) ^ (tail_word(s, n) + n * 0xbf58476d1ce4e5b9ull);
}

static inline uint64_t hash_value(const otel_attr *a) {
    switch (a->type) {
    /* values carry the variety (ids, routes sharing their ends): hash every
     * byte, or look-alike sets pile into one chain */
    case OTEL_VALUE_STRING: return hash_short(a->ptr, a->len, 1);
    case OTEL_VALUE_BOOL: return 2 + (uint64_t)(a->bool_value != 0);
    case OTEL_VALUE_INT64: return (uint64_t)a->int_value * 0x9E3779B97F4A7C15ull + 3;
    case OTEL_VALUE_DOUBLE: return dbits(a->double_value) * 0x9E3779B97F4A7C15ull + 4;
    case OTEL_VALUE_STRING_ARRAY: {
        uint64_t h = 5;
        const otel_str *s = a->ptr;
        for (size_t i = 0; i < a->len; i++) h = mix(h + summary(s[i].ptr, s[i].len));
        return h;
    }
    default: /* numeric arrays: their bytes */
        return hash_short(a->ptr, a->len * (a->type == OTEL_VALUE_BOOL_ARRAY ? sizeof(int) : 8),
                          (uint64_t)a->type);
    }
}

/* The sum of per-attribute hashes: the order does not matter. */
static inline uint64_t hash_attrs(const otel_attr *attrs, size_t n, size_t *n_ok) {
    uint64_t h = 0;
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        if (!attr_ok(&attrs[i])) continue;
        h += mix(summary(attrs[i].key, attrs[i].key_len) ^ (hash_value(&attrs[i]) * 0xc2b2ae3d27d4eb4full));
        ok++;
    }
    *n_ok = ok;
    return h;
}

static inline int value_eq(const otel_attr *a, const otel_attr *b) {
    if (a->type != b->type) return 0;
    switch (a->type) {
    case OTEL_VALUE_STRING: return a->len == b->len && bytes_eq(a->ptr, b->ptr, a->len);
    case OTEL_VALUE_INT64: return a->int_value == b->int_value;
    case OTEL_VALUE_BOOL: return !a->bool_value == !b->bool_value;
    default: return otel__attr_value_eq(a, b);
    }
}

/* 1 if the valid attributes of attrs[0..n) are exactly the series' set
 * (the caller checked the counts and the hash). */
static inline int same_set(const otel__series *s, const otel_attr *attrs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const otel_attr *in = &attrs[i];
        if (!attr_ok(in)) continue;
        /* the series is sorted by key, but inputs usually come in the same
         * order they were first seen: try the same position first */
        const otel_attr *m = i < s->n_attrs ? &s->attrs[i] : NULL;
        if (!m || m->key_len != in->key_len || !bytes_eq(m->key, in->key, in->key_len)) {
            m = NULL;
            for (size_t k = 0; k < s->n_attrs && !m; k++)
                if (s->attrs[k].key_len == in->key_len &&
                    bytes_eq(s->attrs[k].key, in->key, in->key_len))
                    m = &s->attrs[k];
        }
        if (!m || !value_eq(m, in)) return 0;
    }
    return 1;
}

/* 1 if attrs[0..n) are the series' set in its own (sorted) order, which
 * is how one call site usually passes them; 0 may be a false negative
 * (another order, an invalid attribute), never a false positive. Values
 * are compared first: sets from one call site differ there. */
static inline int same_order_set(const otel__series *s, const otel_attr *attrs, size_t n) {
    if (n != s->n_attrs) return 0;
    for (size_t i = 0; i < n; i++)
        if (!attr_ok(&attrs[i]) || !value_eq(&s->attrs[i], &attrs[i])) return 0;
    for (size_t i = 0; i < n; i++)
        if (s->attrs[i].key_len != attrs[i].key_len ||
            !bytes_eq(s->attrs[i].key, attrs[i].key, attrs[i].key_len))
            return 0;
    return 1;
}

/* A cheap fingerprint of the values alone (keys rarely vary at a call
 * site): which hint slot a set uses. */
static inline uint64_t values_fp(const otel_attr *attrs, size_t n) {
    uint64_t h = n;
    for (size_t i = 0; i < n; i++) {
        const otel_attr *a = &attrs[i];
        uint64_t v;
        switch (a->type) {
        case OTEL_VALUE_STRING:
            v = a->len && a->ptr ? summary(a->ptr, a->len) : 0;
            break;
        case OTEL_VALUE_INT64: v = (uint64_t)a->int_value; break;
        case OTEL_VALUE_BOOL: v = a->bool_value != 0; break;
        case OTEL_VALUE_DOUBLE: v = dbits(a->double_value); break;
        default: v = a->len; break;
        }
        h = (h ^ v) * 0x9E3779B97F4A7C15ull;
    }
    return h >> 59;
}

static int cmp_key(const void *a, const void *b) {
    const otel_attr *x = a, *y = b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* ---- series ------------------------------------------------------------------------ */

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
static void series_destroy(otel__series *s) {
    otel__arena_free((otel__arena *)(s + 1));
    series_free(s);
}

/* The series of a set not found lock-free, made if need be (the caller
 * holds the instrument's lock); past the cardinality limit, the overflow
 * series. A repeated key makes the raw hash differ from the canonical
 * one: the canonical set is looked up before making a series. */
static otel__series *series_locked(otel_instrument *inst, const otel_attr *attrs, size_t n) {
    otel__series *fresh = series_new(inst, attrs, n), *s = NULL;
    if (!fresh) return NULL;
    s = lookup(inst, fresh->hash, fresh->attrs, fresh->n_attrs, fresh->n_attrs);
    if (s) {
        series_destroy(fresh);
        return s;
    }
    if (inst->n_series < inst->limit - 1) {
        publish(inst, fresh);
        inst->n_series++;
        return fresh;
    }
    series_destroy(fresh);
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
static otel__series *series_for(otel_instrument *inst, const otel_attr *attrs, size_t n) {
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
    s = series_locked(inst, attrs, n);
    pthread_mutex_unlock(&inst->lock);
    return s;
}

/* A series' spinlock (exponential buckets and exemplars): held for an
 * index computation and an increment, or a copy. */
static inline void series_spin_lock(otel__series *s) {
    while (atomic_flag_test_and_set_explicit(&s->exph_lock, memory_order_acquire)) {
    }
}
static inline void series_spin_unlock(otel__series *s) { atomic_flag_clear_explicit(&s->exph_lock, memory_order_release); }

/* Every count of exponential buckets, the zero bucket's too. */
static uint64_t exph_total(const otel__exph *h) {
    uint64_t c = h->zero_count;
    for (uint32_t k = 0; k < h->n; k++) c += h->counts[k];
    for (uint32_t k = 0; k < h->neg_n; k++) c += h->neg_counts[k];
    return c;
}

/* ---- recording ---------------------------------------------------------------------- */

static inline void drop(otel_instrument *inst) {
    if (inst) atomic_fetch_add_explicit(&inst->meter->provider->dropped, 1, memory_order_relaxed);
}

static inline int is_int(const otel_instrument *inst) { return inst->number == OTEL_NUMBER_INT64; }

/* The explicit bucket of v: the number of boundaries below it (bucket b
 * holds (bounds[b-1], bounds[b]]). Short lists are counted without
 * branches, so values in random order cost no mispredictions; long ones
 * are searched. */
static inline size_t bucket_of(const otel_instrument *inst, double v) {
    const double *bd = inst->bounds;
    size_t n = inst->n_bounds;
    if (n <= 32) {
        size_t b = 0;
        for (size_t k = 0; k < n; k++) b += v > bd[k];
        return b;
    }
    size_t lo = 0, hi = n; /* the first boundary >= v */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v > bd[mid]) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static inline void apply(otel_instrument *inst, otel__series *s, int64_t iv, double dv, int from_int) {
    switch (inst->agg) {
    case OTEL_AGGREGATION_SUM:
        if (is_int(inst)) atomic_fetch_add_explicit(&s->i, from_int ? iv : (int64_t)dv, memory_order_relaxed);
        else atomic_add_double(&s->d, from_int ? (double)iv : dv);
        return;
    case OTEL_AGGREGATION_LAST_VALUE:
        if (is_int(inst)) atomic_store_explicit(&s->i, from_int ? iv : (int64_t)dv, memory_order_relaxed);
        else atomic_store_explicit(&s->d, dbits(from_int ? (double)iv : dv), memory_order_relaxed);
        atomic_fetch_add_explicit(&s->seq, 1, memory_order_release);
        return;
    case OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM:
    case OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM: {
        double v = from_int ? (double)iv : dv;
        if (s->exph) {
            series_spin_lock(s);
            otel__exph_insert(s->exph, v, inst->exph_max);
            series_spin_unlock(s);
        } else {
            /* no count of its own (here or for exponential buckets):
             * collection sums the buckets, so the count always matches
             * them (and a record is one RMW cheaper) */
            atomic_fetch_add_explicit(&s->buckets[bucket_of(inst, v)], 1, memory_order_relaxed);
        }
        atomic_add_double(&s->sum, v);
        atomic_min_double(&s->min, v);
        atomic_max_double(&s->max, v);
        /* delta readers report the period's own min and max */
        for (uint32_t m = atomic_load_explicit(&inst->meter->provider->delta_readers,
                                               memory_order_relaxed);
             m; m &= m - 1) {
            int r = __builtin_ctz(m);
            atomic_min_double(&s->period_min[r], v);
            atomic_max_double(&s->period_max[r], v);
        }
        return;
    }
    default: /* dropped by a view */
        return;
    }
}

/* A view's attribute filter: the kept attributes into `out` (room for 64). */
static int key_kept(const otel_instrument *inst, const otel_attr *a) {
    int listed = 0;
    for (size_t j = 0; j < inst->n_keys && !listed; j++)
        listed = a->key && strlen(inst->keys[j]) == a->key_len &&
                 memcmp(inst->keys[j], a->key, a->key_len) == 0;
    return listed != inst->exclude_keys;
}

static size_t filter_attrs(const otel_instrument *inst, const otel_attr *attrs, size_t n,
                           otel_attr *out) {
    size_t k = 0;
    for (size_t i = 0; i < n && k < 64; i++)
        if (key_kept(inst, &attrs[i])) out[k++] = attrs[i];
    return k;
}

/* NULL when the measurement must be dropped. */
static inline int valid(otel_instrument *inst, double v) {
    if (!inst || inst->kind >= OTEL_INSTRUMENT_OBSERVABLE_COUNTER) return 0;
    if (isnan(v) || isinf(v)) return 0;
    if ((inst->kind == OTEL_INSTRUMENT_COUNTER || inst->kind == OTEL_INSTRUMENT_HISTOGRAM) && v < 0)
        return 0;
    return !inst->meter->provider->disabled;
}

/* A double an int64 instrument can take: a whole number in range (the
 * conversion of any other is lossy, or undefined past int64). */
static inline int whole_i64(double v) {
    return v >= -9223372036854775808.0 && v < 9223372036854775808.0 && v == (double)(int64_t)v;
}

/* valid(), for a double measurement. */
static inline int valid_f64(otel_instrument *inst, double v) {
    return valid(inst, v) && (inst->number != OTEL_NUMBER_INT64 || whole_i64(v));
}

/* ---- exemplars ---- */

static size_t exemplar_slots(const otel_instrument *inst) {
    switch (inst->agg) {
    case OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM: return inst->n_bounds + 1; /* one per bucket */
    case OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM: return 20;
    default: return 1;
    }
}

/* Keeps in `e` the measurement's attributes that the view's key filter
 * removed (scalars; as many as fit). */
static void keep_filtered(const otel_instrument *inst, otel__exemplar *e, const otel_attr *attrs,
                          size_t n) {
    e->n_kept = 0;
    size_t used = 0;
    for (size_t i = 0; i < n && e->n_kept < OTEL__EXEMPLAR_ATTRS; i++) {
        const otel_attr *a = &attrs[i];
        if (!attr_ok(a) || key_kept(inst, a) || a->type > OTEL_VALUE_DOUBLE) continue;
        size_t vlen = a->type == OTEL_VALUE_STRING ? a->len : 0;
        if (used + a->key_len + vlen > OTEL__EXEMPLAR_ATTR_BYTES) continue;
        otel__exemplar_attr *k = &e->kept[e->n_kept++];
        k->type = a->type;
        k->key_off = (uint16_t)used;
        k->key_len = (uint16_t)a->key_len;
        memcpy(e->abuf + used, a->key, a->key_len);
        used += a->key_len;
        k->val_off = (uint16_t)used;
        k->val_len = (uint16_t)vlen;
        if (vlen) memcpy(e->abuf + used, a->ptr, vlen);
        used += vlen;
        k->num = a->type == OTEL_VALUE_BOOL    ? (uint64_t)(a->bool_value != 0)
                 : a->type == OTEL_VALUE_INT64 ? (uint64_t)a->int_value
                 : a->type == OTEL_VALUE_DOUBLE ? dbits(a->double_value)
                                                : 0;
    }
}

/* Offers a measurement to the series' reservoir when the filter lets it:
 * always_on, or trace_based inside a sampled span. `attrs` are the
 * measurement's own (before a view's filter). */
static void offer_exemplar(otel_instrument *inst, otel__series *s, int64_t iv, double dv, int from_int,
                           const otel_attr *attrs, size_t n_attrs) {
    const otel_span *cur = otel__context_current_span();
    /* trace_based (the default): the common case, no sampled span, costs
     * one thread-local read and returns here */
    if (inst->meter->provider->exemplar_filter == OTEL__EXEMPLARS_TRACE_BASED &&
        !(cur && (cur->sc.trace_flags & OTEL_TRACE_FLAG_SAMPLED)))
        return;
    otel_span_context sc;
    otel_span_get_context(cur, &sc);
    int in_span = otel_span_context_is_valid(&sc);
    size_t n = exemplar_slots(inst);
    double v = from_int ? (double)iv : dv;
    size_t slot = 0;
    if (inst->agg == OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM)
        slot = bucket_of(inst, v);
    series_spin_lock(s);
    if (!s->exemplars) s->exemplars = calloc(n, sizeof *s->exemplars);
    if (s->exemplars) {
        otel__exemplar *e = &s->exemplars[slot];
        if (inst->agg == OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM) {
            /* reservoir sampling over 20 slots: the i-th offer of the period
             * replaces a random slot with probability 20/i */
            uint64_t seen = ++s->exemplars[0].seen;
            uint64_t r = seen <= n ? seen - 1 : otel__rand64() % seen;
            e = r < n ? &s->exemplars[r] : NULL;
        } else {
            /* one slot: the i-th offer replaces it with probability 1/i */
            uint64_t seen = ++e->seen;
            if (seen > 1 && otel__rand64() % seen != 0) e = NULL;
        }
        if (e) {
            e->time_ns = otel__clock_real_ns();
            e->i = from_int ? iv : is_int(inst) ? (int64_t)dv : 0; /* whole: checked at entry */
            e->d = v;
            memcpy(e->trace_id, sc.trace_id, 16);
            memcpy(e->span_id, sc.span_id, 8);
            if (!in_span) {
                memset(e->trace_id, 0, 16);
                memset(e->span_id, 0, 8);
            }
            if (inst->has_keys) keep_filtered(inst, e, attrs, n_attrs);
            e->set = 1;
        }
    }
    series_spin_unlock(s);
}

/* The attributes a measurement is kept under (a view may filter them). */
#define FILTERED(inst, attrs, n_attrs)                                   \
    otel_attr kept_[64];                                                 \
    if (__builtin_expect((inst)->has_keys, 0)) {                         \
        n_attrs = filter_attrs((inst), (attrs), (n_attrs), kept_);       \
        attrs = kept_;                                                   \
    }

/* Records a valid measurement into one stream. */
static inline void record_stream(otel_instrument *inst, int64_t iv, double dv, int from_int,
                                 const otel_attr *attrs, size_t n_attrs) {
    if (inst->agg == OTEL_AGGREGATION_DROP) return;
    const otel_attr *given = attrs;
    size_t n_given = n_attrs;
    FILTERED(inst, attrs, n_attrs)
    uint64_t outer = otel__reclaim_enter();
    otel__series *s = series_for(inst, attrs, n_attrs);
    if (s) {
        apply(inst, s, iv, dv, from_int);
        if (inst->meter->provider->exemplar_filter) offer_exemplar(inst, s, iv, dv, from_int, given, n_given);
    }
    otel__reclaim_exit(outer);
}

/* The further streams other views make of the instrument. */
static void record_also(otel_instrument *inst, int64_t iv, double dv, int from_int,
                        const otel_attr *attrs, size_t n_attrs) {
    for (otel_instrument *s = inst->also; s; s = s->also) record_stream(s, iv, dv, from_int, attrs, n_attrs);
}

OTEL_API void otel_instrument_record_i64(otel_instrument *inst, int64_t value,
                                         const otel_attr *attrs, size_t n_attrs) {
    if (!valid(inst, (double)value) || (!attrs && n_attrs)) {
        drop(inst);
        return;
    }
    record_stream(inst, value, 0, 1, attrs, n_attrs);
    if (__builtin_expect(inst->also != NULL, 0)) record_also(inst, value, 0, 1, attrs, n_attrs);
}

OTEL_API void otel_instrument_record_f64(otel_instrument *inst, double value,
                                         const otel_attr *attrs, size_t n_attrs) {
    if (!valid_f64(inst, value) || (!attrs && n_attrs)) {
        drop(inst);
        return;
    }
    record_stream(inst, 0, value, 0, attrs, n_attrs);
    if (__builtin_expect(inst->also != NULL, 0)) record_also(inst, 0, value, 0, attrs, n_attrs);
}

OTEL_API void otel_counter_add_i64(otel_instrument *c, int64_t v, const otel_attr *a, size_t n) {
    otel_instrument_record_i64(c, v, a, n);
}
OTEL_API void otel_counter_add_f64(otel_instrument *c, double v, const otel_attr *a, size_t n) {
    otel_instrument_record_f64(c, v, a, n);
}
OTEL_API void otel_histogram_record_f64(otel_instrument *h, double v, const otel_attr *a, size_t n) {
    otel_instrument_record_f64(h, v, a, n);
}
OTEL_API void otel_histogram_record_i64(otel_instrument *h, int64_t v, const otel_attr *a, size_t n) {
    otel_instrument_record_i64(h, v, a, n);
}

/* A bound counter keeps one cache line per owned stats shard: a thread
 * that owns its shard (common/stats.h) adds with a plain load and store,
 * so a bound add costs no locked instruction and two threads never share
 * a line. Other threads add to the series atomically. A collection sums
 * the series and the cells of every live bound handle of it. */
#define BOUND_CELLS OTEL__STATS_SHARDS

typedef struct bound_cell {
    _Alignas(64) _Atomic int64_t i;
    _Atomic uint64_t d; /* bits */
} bound_cell;

struct otel_bound_instrument {
    bound_cell cells[BOUND_CELLS];
    otel_instrument *inst;
    otel__series *series;
    /* fast-path flags, fixed at bind: a striped int64 counter on an enabled
     * provider (histograms, doubles and disabled providers take apply()) */
    int fast, monotonic, striped, number;
    struct otel_bound_instrument *also; /* the same attributes in the instrument's next stream */
    struct otel_bound_instrument *next; /* in series->bound, under inst->lock */
};

OTEL_API otel_bound_instrument *otel_instrument_bind(otel_instrument *inst, const otel_attr *attrs,
                                                     size_t n_attrs) {
    if (!inst || inst->kind == OTEL_INSTRUMENT_GAUGE ||
        inst->kind >= OTEL_INSTRUMENT_OBSERVABLE_COUNTER || (!attrs && n_attrs))
        return NULL;
    if (inst->agg == OTEL_AGGREGATION_DROP) return inst->also ? otel_instrument_bind(inst->also, attrs, n_attrs) : NULL;
    otel_bound_instrument *also = inst->also ? otel_instrument_bind(inst->also, attrs, n_attrs) : NULL;
    if (inst->also && !also) return NULL;
    FILTERED(inst, attrs, n_attrs)
    otel_bound_instrument *b = aligned_alloc(64, sizeof *b);
    if (!b) {
        otel_bound_instrument_release(also);
        return NULL;
    }
    memset(b, 0, sizeof *b);
    b->inst = inst;
    b->also = also;
    b->striped = inst->agg == OTEL_AGGREGATION_SUM;
    b->monotonic = inst->kind == OTEL_INSTRUMENT_COUNTER;
    b->number = inst->number;
    /* the cell-only path offers no exemplars: not taken when every
     * measurement must be offered (always_on) */
    int fast_int = b->striped && b->number == OTEL_NUMBER_INT64 && !inst->meter->provider->disabled &&
                   !b->also && inst->meter->provider->exemplar_filter != OTEL__EXEMPLARS_ON;
    b->fast = fast_int ? (b->monotonic ? 1 : 2) : 0;
    uint64_t outer = otel__reclaim_enter();
    otel__series *series = series_for(inst, attrs, n_attrs);
    if (series) {
        /* a series retired meanwhile is never bound: it is on its way out */
        pthread_mutex_lock(&inst->lock);
        if (atomic_load(&series->retired)) series = series_locked(inst, attrs, n_attrs);
        if (series) {
            b->series = series;
            b->next = series->bound;
            /* published atomically: collection peeks at it without the lock */
            __atomic_store_n(&series->bound, b, __ATOMIC_RELEASE);
        }
        pthread_mutex_unlock(&inst->lock);
    }
    otel__reclaim_exit(outer);
    if (!series) {
        free(b);
        otel_bound_instrument_release(also);
        return NULL;
    }
    return b;
}

/* This thread's cell, or NULL when it shares a shard (then: the series). */
static inline bound_cell *my_cell(otel_bound_instrument *b) {
    unsigned t = otel__stats_tls_shard;
    if (__builtin_expect(!t, 0)) t = otel__stats_assign_shard();
    return (t & OTEL__STATS_OWNED) ? &b->cells[(t & ~OTEL__STATS_OWNED) - 1] : NULL;
}

/* Everything but an owning thread's add to its own cell: kept out of line
 * so the fast path below needs no stack frame. */
static __attribute__((noinline)) void bound_record_i64_slow(otel_bound_instrument *b, int64_t value) {
    if (__builtin_expect(b && b->fast > (value < 0), 1)) {
        bound_cell *c = my_cell(b);
        if (c)
            atomic_store_explicit(&c->i, atomic_load_explicit(&c->i, memory_order_relaxed) + value,
                                  memory_order_relaxed);
        else
            atomic_fetch_add_explicit(&b->series->i, value, memory_order_relaxed);
        return;
    }
    if (!b || !valid(b->inst, (double)value)) {
        drop(b ? b->inst : NULL);
        return;
    }
    apply(b->inst, b->series, value, 0, 1);
    if (b->inst->meter->provider->exemplar_filter) offer_exemplar(b->inst, b->series, value, 0, 1, NULL, 0);
    if (b->also) otel_bound_record_i64(b->also, value);
}

_Static_assert(sizeof(bound_cell) == 64, "a bound cell is the line otel__stats_tls_line counts");

OTEL_API void otel_bound_record_i64(otel_bound_instrument *b, int64_t value) {
    unsigned line = otel__stats_tls_line; /* this thread's own cell, from 1 */
    /* fast: 2 takes any value, 1 (monotonic) no negative one, 0 none */
    if (__builtin_expect(b && line && b->fast > (value < 0), 1)) {
        _Atomic int64_t *c = &((bound_cell *)((char *)b->cells + line) - 1)->i;
        atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + value, memory_order_relaxed);
        return;
    }
    bound_record_i64_slow(b, value);
}

OTEL_API void otel_bound_record_f64(otel_bound_instrument *b, double value) {
    if (!b || !valid_f64(b->inst, value)) {
        drop(b ? b->inst : NULL);
        return;
    }
    bound_cell *c = b->striped && b->number == OTEL_NUMBER_DOUBLE ? my_cell(b) : NULL;
    if (c) {
        uint64_t old = atomic_load_explicit(&c->d, memory_order_relaxed);
        atomic_store_explicit(&c->d, dbits(bitsd(old) + value), memory_order_relaxed);
    } else {
        apply(b->inst, b->series, 0, value, 0);
    }
    if (b->inst->meter->provider->exemplar_filter) offer_exemplar(b->inst, b->series, 0, value, 0, NULL, 0);
    if (b->also) otel_bound_record_f64(b->also, value);
}

/* What the live bound handles of a series hold (under inst->lock). */
static void bound_sums(const otel__series *s, int64_t *i, double *d) {
    for (const otel_bound_instrument *b = s->bound; b; b = b->next)
        for (int k = 0; k < BOUND_CELLS; k++) {
            *i += atomic_load_explicit(&b->cells[k].i, memory_order_relaxed);
            *d += bitsd(atomic_load_explicit(&b->cells[k].d, memory_order_relaxed));
        }
}

OTEL_API void otel_bound_instrument_release(otel_bound_instrument *b) {
    if (!b) return;
    otel_instrument *inst = b->inst;
    pthread_mutex_lock(&inst->lock);
    for (otel_bound_instrument **p = &b->series->bound; *p; p = &(*p)->next)
        if (*p == b) {
            __atomic_store_n(p, b->next, __ATOMIC_RELEASE);
            break;
        }
    /* fold the cells into the series, so nothing counted is lost */
    int64_t i = 0;
    double d = 0;
    b->next = NULL;
    otel__series tmp = {0};
    tmp.bound = b;
    bound_sums(&tmp, &i, &d);
    atomic_fetch_add(&b->series->i, i);
    if (d != 0) atomic_add_double(&b->series->d, d);
    pthread_mutex_unlock(&inst->lock);
    otel_bound_instrument_release(b->also);
    free(b);
}

/* ---- views ---------------------------------------------------------------------------- */

static int valid_name(const char *n);

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
    if (name && !valid_name(name))
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

static int view_selects(const otel_view *v, const otel_meter *m, const char *name, int kind,
                        const char *unit) {
    return glob(v->pattern, name) && (!v->kind || v->kind == kind) &&
           (!v->unit || strcmp(v->unit, unit ? unit : "") == 0) &&
           (!v->meter_name || strcmp(v->meter_name, m->name) == 0) &&
           (!v->meter_version || strcmp(v->meter_version, m->version) == 0) &&
           (!v->meter_schema_url || strcmp(v->meter_schema_url, m->schema_url) == 0);
}

/* Shapes an instrument's stream by view `v` (NULL: the instrument's own). */
static otel_status apply_view(otel_instrument *inst, const otel_view *v) {
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

/* ---- instruments ----------------------------------------------------------------------- */

static int valid_name(const char *n) {
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

static void instrument_free(otel_instrument *inst);

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
        instrument_free(inst);
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
    if (!valid_name(name))
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
        if (view_selects(m->provider->views[i], m, name, kind, unit)) views[nv++] = m->provider->views[i];
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
        ok = s && apply_view(s, nv ? views[k] : NULL) == OTEL_OK;
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
            instrument_free(inst);
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

static void instrument_free(otel_instrument *inst) {
    for (otel__series *s = atomic_load(&inst->all), *next; s; s = next) {
        next = s->all_next;
        series_destroy(s);
    }
    for (otel__series *s = inst->limbo, *next; s; s = next) {
        next = s->limbo_next;
        series_destroy(s);
    }
    pthread_mutex_destroy(&inst->lock);
    free(inst->name), free(inst->unit), free(inst->description), free(inst->bounds);
    free(inst->stream_name), free(inst->stream_description);
    for (size_t k = 0; k < inst->n_keys; k++) free(inst->keys[k]);
    free(inst->keys);
    free(inst);
}

/* ---- callbacks -------------------------------------------------------------------------- */

/* Set on a thread while it runs callbacks: a callback that collects,
 * flushes or shuts down would wait for itself. */
static _Thread_local int in_callbacks;

static int reentered(const char *what) {
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

static void callback_release(otel__callback *cb) {
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
            callback_release(cb);
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
        otel__series *s = series_for(inst, a, na);
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

/* ---- meters and the provider -------------------------------------------------------------- */

static void meter_free(otel_meter *m) {
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
        meter_free(fresh);
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
    meter_free(fresh);
    return m;
}

OTEL_API otel_meter *otel_meter_provider_get_meter(otel_meter_provider *mp, const char *name,
                                                   const char *version, const char *schema_url) {
    return otel_meter_provider_get_meter_n(mp, name, name ? strlen(name) : 0, version,
                                           version ? strlen(version) : 0, schema_url,
                                           schema_url ? strlen(schema_url) : 0, NULL, 0);
}

otel_status otel__metric_reader_from_env(otel_metric_reader **out, const otel_options *opts);

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
    if (reentered("force_flush")) return OTEL_ERR_STATE;
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
    if (reentered("shutdown")) return OTEL_ERR_STATE;
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
        /* under its lock: an abandoned export may still be running */
        pthread_mutex_lock(&mp->readers[i]->collect_lock);
        mp->readers[i]->provider = NULL;
        pthread_mutex_unlock(&mp->readers[i]->collect_lock);
        otel_metric_reader_release(mp->readers[i]);
    }
    otel_meter *m = mp->meters;
    while (m) {
        otel_meter *next = m->next;
        otel_instrument *inst = m->instruments;
        while (inst) {
            otel_instrument *n = inst->next;
            instrument_free(inst);
            inst = n;
        }
        otel__callback *cb = m->callbacks;
        while (cb) {
            otel__callback *n = cb->next;
            callback_release(cb);
            cb = n;
        }
        meter_free(m);
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

/* ---- collection ----------------------------------------------------------------------------- */

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
static void run_callbacks(otel_meter_provider *mp, uint32_t epoch) {
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
            callback_release(run[k]);
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
        bound_sums(s, &iv, &dv);
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

/* Moves the series' exemplars into the point (the reservoir starts over). */
static void take_exemplars(const otel_instrument *inst, otel__series *s, otel__point *p, otel__arena *a) {
    /* a recording thread sets s->exemplars under the spin lock: read it
     * there too (TSan saw the unlocked read race with offer_exemplar) */
    series_spin_lock(s);
    int has = s->exemplars != NULL;
    series_spin_unlock(s);
    if (!has) return;
    size_t n = exemplar_slots(inst), k = 0;
    otel__exemplar *out = otel__arena_alloc(a, n * sizeof *out);
    if (!out) return;
    series_spin_lock((otel__series *)s);
    for (size_t j = 0; j < n; j++) {
        if (s->exemplars[j].set) out[k++] = s->exemplars[j];
        memset(&s->exemplars[j], 0, sizeof s->exemplars[j]);
    }
    series_spin_unlock((otel__series *)s);
    for (size_t j = 0; j < k; j++) { /* filtered attributes, pointing into the copy */
        otel__exemplar *e = &out[j];
        otel_attr *at = e->n_kept ? otel__arena_alloc(a, e->n_kept * sizeof *at) : NULL;
        e->attrs = at;
        e->n_attrs = at ? e->n_kept : 0;
        for (size_t q = 0; at && q < e->n_kept; q++) {
            const otel__exemplar_attr *ka = &e->kept[q];
            memset(&at[q], 0, sizeof at[q]);
            at[q].key = e->abuf + ka->key_off;
            at[q].key_len = ka->key_len;
            at[q].type = ka->type;
            if (ka->type == OTEL_VALUE_STRING) {
                at[q].ptr = e->abuf + ka->val_off;
                at[q].len = ka->val_len;
            } else if (ka->type == OTEL_VALUE_BOOL) {
                at[q].bool_value = (int)ka->num;
            } else if (ka->type == OTEL_VALUE_INT64) {
                at[q].int_value = (int64_t)ka->num;
            } else {
                at[q].double_value = bitsd(ka->num);
            }
        }
    }
    p->exemplars = out;
    p->n_exemplars = k;
}

/* ---- retiring idle delta series ------------------------------------------------------------ */

/* 1 when every reader reports `inst` as deltas: then a series with no
 * measurement since each reader's last collection holds nothing anyone
 * still needs, and can go (new attribute sets take its place under the
 * cardinality limit). Cumulative readers keep every series. */
static int reclaimable(const otel_instrument *inst) {
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
        if (histogram_count(inst, s) == p->count || !(live = series_locked(inst, s->attrs, s->n_attrs)))
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
    if ((di || dd != 0) && (live = series_locked(inst, s->attrs, s->n_attrs))) {
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
                series_destroy(s);
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
static void reclaim(otel_meter_provider *mp) {
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
                int can = reclaimable(inst);
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
    if (reentered("collect")) return OTEL_ERR_STATE;
    pthread_mutex_lock(&mp->collect_lock);
    otel_status st = collect_locked(r, out, retain);
    pthread_mutex_unlock(&mp->collect_lock);
    return st;
}

static otel_status collect_locked(otel_metric_reader *r, otel_metrics_data **out, int retain) {
    otel_meter_provider *mp = r->provider;
    uint32_t epoch = atomic_fetch_add(&mp->epoch, 1) + 1;
    run_callbacks(mp, epoch);
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
            int copy = reclaimable(inst);
            for (otel__series *s = head; s; s = s->all_next) {
                int made = make_point(inst, s, r->index, met->temporality, now, epoch, copy,
                                      &met->points[met->n_points], &d->arena);
                if (made) {
                    take_exemplars(inst, s, &met->points[met->n_points], &d->arena);
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
    reclaim(mp);
    *out = d;
    return OTEL_OK;
}

otel_status otel__metrics_collect(otel_metric_reader *r, otel_metrics_data **out) {
    return collect(r, out, 1);
}

otel_status otel__metrics_collect_borrowed(otel_metric_reader *r, otel_metrics_data **out) {
    return collect(r, out, 0);
}

/* ---- the collected data ---------------------------------------------------------------------- */

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

/* ---- the manual reader ------------------------------------------------------------------------ */

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
    if (reentered("collect")) return OTEL_ERR_STATE;
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
