/* Samplers: always on/off, trace-id ratio, parent-based, custom callbacks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "trace/internal.h"


static otel_sampler *sampler_new(otel__sampler_kind kind, const char *desc) {
    otel_sampler *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    atomic_init(&s->refs, 1);
    s->kind = kind;
    s->description = strdup(desc);
    if (!s->description) {
        free(s);
        return NULL;
    }
    return s;
}

OTEL_API otel_sampler *otel_sampler_always_on(void) {
    return sampler_new(OTEL__SAMPLER_ALWAYS_ON, "AlwaysOnSampler");
}

OTEL_API otel_sampler *otel_sampler_always_off(void) {
    return sampler_new(OTEL__SAMPLER_ALWAYS_OFF, "AlwaysOffSampler");
}

OTEL_API otel_status otel_sampler_traceidratio_new(otel_sampler **out, double ratio) {
    if (!out || isnan(ratio) || ratio < 0.0 || ratio > 1.0)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT,
                          "otel_sampler_traceidratio_new: ratio must be in [0, 1]");
    char desc[64];
    snprintf(desc, sizeof desc, "TraceIdRatioBased{%f}", ratio);
    otel_sampler *s = sampler_new(OTEL__SAMPLER_RATIO, desc);
    if (!s) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_sampler_traceidratio_new: out of memory");
    /* 2^56 * ratio, exact at both ends: 0 samples nothing, 1 everything */
    s->threshold = ratio >= 1.0 ? (1ull << 56) : (uint64_t)(ratio * (double)(1ull << 56));
    *out = s;
    return OTEL_OK;
}

OTEL_API otel_status otel_sampler_parentbased_new(otel_sampler **out, otel_sampler *root,
                                                  otel_sampler *remote_sampled,
                                                  otel_sampler *remote_not_sampled,
                                                  otel_sampler *local_sampled,
                                                  otel_sampler *local_not_sampled) {
    if (!out || !root)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_sampler_parentbased_new: out and root are required");
    char desc[512];
    snprintf(desc, sizeof desc, "ParentBased{root=%s}", root->description);
    otel_sampler *s = sampler_new(OTEL__SAMPLER_PARENT_BASED, desc);
    if (!s) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_sampler_parentbased_new: out of memory");
    otel_sampler *given[5] = {root, remote_sampled, remote_not_sampled, local_sampled,
                              local_not_sampled};
    for (int i = 0; i < 5; i++) {
        if (given[i]) {
            s->delegates[i] = otel_sampler_retain(given[i]);
        } else {
            /* sampled parents default to AlwaysOn, not-sampled to AlwaysOff */
            s->delegates[i] = (i == 1 || i == 3) ? otel_sampler_always_on() : otel_sampler_always_off();
            if (!s->delegates[i]) {
                otel_sampler_release(s);
                return otel__fail(OTEL_ERR_NO_MEMORY, "otel_sampler_parentbased_new: out of memory");
            }
        }
    }
    *out = s;
    return OTEL_OK;
}

OTEL_API otel_status otel_sampler_custom_new(otel_sampler **out, otel_sampler_fn fn,
                                             const char *description, otel_sampler_free_fn free_fn,
                                             void *user_data) {
    if (!out || !fn)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_sampler_custom_new: out and fn are required");
    otel_sampler *s = sampler_new(OTEL__SAMPLER_CUSTOM, description ? description : "CustomSampler");
    if (!s) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_sampler_custom_new: out of memory");
    s->fn = fn;
    s->free_fn = free_fn;
    s->user_data = user_data;
    *out = s;
    return OTEL_OK;
}

OTEL_API otel_sampler *otel_sampler_retain(otel_sampler *s) {
    if (s) atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}

OTEL_API void otel_sampler_release(otel_sampler *s) {
    if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1) return;
    for (int i = 0; i < 5; i++) otel_sampler_release(s->delegates[i]);
    if (s->free_fn) s->free_fn(s->user_data);
    free(s->description);
    free(s);
}

OTEL_API const char *otel_sampler_description(const otel_sampler *s) {
    return s ? s->description : "";
}

OTEL_API void otel_sampling_result_add_attribute(otel_sampling_result *r, const otel_attr *a) {
    if (r && a) otel__attrs_set(&r->attrs, r->arena, a, NULL, NULL);
}

OTEL_API void otel_sampling_result_set_trace_state(otel_sampling_result *r, const char *ts,
                                                   size_t len) {
    if (!r) return;
    r->trace_state_set = 1;
    r->trace_state = "";
    r->trace_state_len = 0;
    if (ts && len) {
        char *copy = otel__arena_strndup(r->arena, ts, len);
        if (copy) {
            r->trace_state = copy;
            r->trace_state_len = len;
        }
    }
}

int otel__sampler_decide(otel_sampler *s, otel_context *parent, const otel_span *parent_span,
                         const uint8_t *trace_id, const char *name, size_t name_len, int kind,
                         const otel_attr *attrs, size_t n_attrs, const otel_link *links,
                         size_t n_links, otel_sampling_result *result) {
    const otel_span_context *psc =
        parent_span && otel_span_context_is_valid(&parent_span->sc) ? &parent_span->sc : NULL;
    otel_sampler *custom = NULL;
    int d = otel__sampler_quick(s, psc, trace_id, &custom);
    if (d >= 0) return d;
    otel_context *pctx = parent ? otel_context_retain(parent) : otel_context_current();
    d = custom->fn(pctx, trace_id, name ? name : "", name_len, kind, attrs, n_attrs, links, n_links,
                   result, custom->user_data);
    otel_context_release(pctx);
    if (d < OTEL_SAMPLING_DROP || d > OTEL_SAMPLING_RECORD_AND_SAMPLE) {
        OTEL_LOG_W("sampler '%s' returned an invalid decision %d; dropping", custom->description, d);
        d = OTEL_SAMPLING_DROP;
    }
    return d;
}

OTEL_API int otel_sampler_should_sample(otel_sampler *s, otel_context *parent,
                                        const uint8_t *trace_id, const char *name, int kind) {
    if (!s || !trace_id) return OTEL_SAMPLING_DROP;
    otel_span *ps = parent ? otel_context_get_span(parent) : otel__context_current_span();
    otel__arena a;
    otel__arena_init(&a, NULL, 0);
    otel_sampling_result r = {0};
    r.arena = &a;
    int d = otel__sampler_decide(s, parent, ps, trace_id, name, name ? strlen(name) : 0, kind, NULL,
                                 0, NULL, 0, &r);
    otel__arena_free(&a);
    return d;
}

