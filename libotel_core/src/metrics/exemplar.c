/* Exemplars: measurements made inside a sampled span, offered to a small
 * reservoir per series while recording and moved into the collected point. */
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/clock.h"
#include "common/ids.h"
#include "metrics/atomic_double.h"
#include "metrics/attrset.h"
#include "metrics/internal.h"
#include "metrics/record.h"
#include "metrics/series.h"
#include "otel/trace.h"
#include "trace/internal.h"

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
        if (!attr_ok(a) || otel__metrics_view_keeps_key(inst, a) || a->type > OTEL_VALUE_DOUBLE) continue;
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
void otel__metrics_exemplar_offer(otel_instrument *inst, otel__series *s, int64_t iv, double dv,
                                  int from_int, const otel_attr *attrs, size_t n_attrs) {
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

/* Moves the series' exemplars into the point (the reservoir starts over). */
void otel__metrics_exemplars_take(const otel_instrument *inst, otel__series *s, otel__point *p,
                                  otel__arena *a) {
    /* a recording thread sets s->exemplars under the spin lock: read it
     * there too (TSan saw the unlocked read race with otel__metrics_exemplar_offer) */
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
