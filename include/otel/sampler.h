/**
 * @file otel/sampler.h
 * @brief Samplers: which spans record and which are exported.
 *
 * @code
 * otel_sampler *ratio, *sampler;
 * otel_sampler_traceidratio_new(&ratio, 0.1);
 * otel_sampler_parentbased_new(&sampler, ratio, NULL, NULL, NULL, NULL);
 * otel_sampler_release(ratio);             // the parent-based one holds it
 * otel_options_set_sampler(opts, sampler);
 * otel_sampler_release(sampler);
 * @endcode
 *
 * Samplers are immutable and reference-counted; safe from any thread.
 * Without one, the provider reads `OTEL_TRACES_SAMPLER` and
 * `OTEL_TRACES_SAMPLER_ARG` (default parentbased_always_on).
 */
#ifndef OTEL_SAMPLER_H
#define OTEL_SAMPLER_H

#include "otel/common.h"
#include "otel/context.h"
#include "otel/options.h"
#include "otel/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_sampling_result otel_sampling_result;

/** A sampler's decision; values are pinned. */
typedef enum otel_sampling_decision {
    OTEL_SAMPLING_DROP = 0,
    OTEL_SAMPLING_RECORD_ONLY = 1,
    OTEL_SAMPLING_RECORD_AND_SAMPLE = 2
} otel_sampling_decision;

/** The AlwaysOnSampler. @return a new reference, or NULL when out of memory. @since 1.0 */
OTEL_API otel_sampler *otel_sampler_always_on(void);

/** The AlwaysOffSampler. @return a new reference, or NULL when out of memory. @since 1.0 */
OTEL_API otel_sampler *otel_sampler_always_off(void);

/**
 * TraceIdRatioBased{ratio}. The decision reads the trace id's last 8 bytes
 * as a big-endian integer, keeps its low 56 bits (the bits W3C Level 2 calls
 * random) and samples when they are below ratio * 2^56. So a higher ratio
 * samples a superset of a lower one, and every SDK reading those bits
 * agrees on a trace.
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT (out NULL, ratio outside [0,1] or NaN),
 *   OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_sampler_traceidratio_new(otel_sampler **out, double ratio);

/**
 * ParentBased: `root` for spans without a parent; the delegates for remote
 * sampled / remote not sampled / local sampled / local not sampled parents
 * (NULL: AlwaysOn, AlwaysOff, AlwaysOn, AlwaysOff). References are taken.
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT (out or root NULL), OTEL_ERR_NO_MEMORY.
 * @since 1.0
 */
OTEL_API otel_status otel_sampler_parentbased_new(otel_sampler **out, otel_sampler *root,
                                                  otel_sampler *remote_sampled,
                                                  otel_sampler *remote_not_sampled,
                                                  otel_sampler *local_sampled,
                                                  otel_sampler *local_not_sampled);

/**
 * A custom sampler's decision function, called on the thread that starts
 * the span. `parent` is the parent context (never NULL; may hold no span).
 * `trace_id` is the new span's trace id (16 bytes). The function may add
 * attributes and replace the trace state through `result`; by default the
 * parent's trace state is kept.
 * @return an otel_sampling_decision.
 */
typedef int (*otel_sampler_fn)(otel_context *parent, const uint8_t *trace_id, const char *name,
                               size_t name_len, int kind, const otel_attr *attrs, size_t n_attrs,
                               const otel_link *links, size_t n_links,
                               otel_sampling_result *result, void *user_data);

/** Frees a custom sampler's `user_data` when the sampler is freed. */
typedef void (*otel_sampler_free_fn)(void *user_data);

/**
 * A sampler backed by `fn`. `description` (copied) is what
 * otel_sampler_description() returns. `free_fn` may be NULL.
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_sampler_custom_new(otel_sampler **out, otel_sampler_fn fn,
                                             const char *description, otel_sampler_free_fn free_fn,
                                             void *user_data);

/**
 * Adds an attribute to the sampled span (copied). Only valid during the
 * sampler call. @since 1.0
 */
OTEL_API void otel_sampling_result_add_attribute(otel_sampling_result *result,
                                                 const otel_attr *attr);

/**
 * Replaces the new span's trace state (copied; length 0 clears it). Only
 * valid during the sampler call. @since 1.0
 */
OTEL_API void otel_sampling_result_set_trace_state(otel_sampling_result *result,
                                                   const char *trace_state, size_t len);

/**
 * Runs the sampler as a provider would (for tests and composing samplers).
 * `parent` NULL means the current context.
 * @return an otel_sampling_decision; DROP for a NULL sampler. @since 1.0
 */
OTEL_API int otel_sampler_should_sample(otel_sampler *sampler, otel_context *parent,
                                        const uint8_t *trace_id, const char *name, int kind);

/**
 * The sampler's description, e.g. "TraceIdRatioBased{0.250000}".
 * Borrowed, valid while the sampler lives. @since 1.0
 */
OTEL_API const char *otel_sampler_description(const otel_sampler *sampler);

/** Adds a reference; returns it. NULL is ignored. @since 1.0 */
OTEL_API otel_sampler *otel_sampler_retain(otel_sampler *sampler);

/** Drops a reference. NULL is ignored. @since 1.0 */
OTEL_API void otel_sampler_release(otel_sampler *sampler);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_SAMPLER_H */
