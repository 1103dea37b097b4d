/**
 * @file otel/options.h
 * @brief The options handle: configuration keyed by the specification's
 * environment variable names.
 *
 * @code
 * otel_options *o;
 * otel_options_new(&o);
 * otel_options_set(o, "OTEL_SERVICE_NAME", "checkout");
 * otel_options_set(o, "OTEL_TRACES_SAMPLER", "traceidratio");
 * otel_options_set(o, "OTEL_TRACES_SAMPLER_ARG", "0.25");
 * otel_tracer_provider *tp;
 * otel_tracer_provider_new(&tp, o);
 * otel_options_free(o);
 * @endcode
 *
 * A value set here wins over the environment variable of the same name; any
 * name not set here is read from the environment when a provider is built.
 * An options handle is not thread-safe: build it on one thread, then hand it
 * to a constructor (which copies what it needs).
 */
#ifndef OTEL_OPTIONS_H
#define OTEL_OPTIONS_H

#include "otel/common.h"
#include "otel/resource.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_options otel_options;
typedef struct otel_sampler otel_sampler;
typedef struct otel_processor otel_processor;

/**
 * Makes an empty options handle.
 * @param out receives the handle; free it with otel_options_free().
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_options_new(otel_options **out);

/** Frees the handle and the references it holds. NULL is fine. @since 1.0 */
OTEL_API void otel_options_free(otel_options *opts);

/**
 * Sets the option `name` (an `OTEL_*` environment variable name the SDK
 * honours, see the README's table) to `value` (copied). A NULL value unsets
 * it, so the environment applies again. Values are validated when a provider
 * is built, by the same rules as the environment (an invalid value warns and
 * falls back to the default).
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT (NULL handle or name),
 *   OTEL_ERR_NOT_FOUND (a name the SDK does not know), OTEL_ERR_NO_MEMORY.
 * @since 1.0
 */
OTEL_API otel_status otel_options_set(otel_options *opts, const char *name, const char *value);

/** Pointer + length form of otel_options_set(). @since 1.0 */
OTEL_API otel_status otel_options_set_n(otel_options *opts, const char *name, size_t name_len,
                                        const char *value, size_t value_len);

/**
 * Strict options: a value set on this handle (not one from the
 * environment) that does not parse, or names an unknown sampler,
 * propagator, exporter and the like, makes the constructors that read it
 * (otel_tracer_provider_new, otel_meter_provider_new,
 * otel_processor_batch_new, otel_exporter_otlp_new, otel_propagator_from_env)
 * fail with OTEL_ERR_INVALID_ARGUMENT and a message naming the option,
 * instead of warning and using the default. Values from the environment
 * keep the specification's rule (warn, default) either way. What bindings
 * use so that a bad keyword argument is an error. Off by default.
 * @return OTEL_OK, or OTEL_ERR_INVALID_ARGUMENT for a NULL handle. @since 1.0
 */
OTEL_API otel_status otel_options_set_strict(otel_options *opts, int strict);

/**
 * The effective value of `name`: the one set in code, else the environment
 * variable's (empty counts as unset).
 * @return borrowed (valid until the option changes or the handle is freed)
 *   or NULL if unset. `opts` may be NULL (environment only; then the pointer
 *   is the environment's and valid until it changes). @since 1.0
 */
OTEL_API const char *otel_options_get(const otel_options *opts, const char *name);

/**
 * Sets the resource (a reference is taken). It is merged over the default
 * resource (SDK attributes, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_SERVICE_NAME`),
 * so attributes set in code win. NULL clears it. @since 1.0
 */
OTEL_API otel_status otel_options_set_resource(otel_options *opts, otel_resource *resource);

/**
 * Sets the sampler (a reference is taken), overriding `OTEL_TRACES_SAMPLER`.
 * NULL clears it. @since 1.0
 */
OTEL_API otel_status otel_options_set_sampler(otel_options *opts, otel_sampler *sampler);

/**
 * Adds a span processor (a reference is taken). Processors run in the order
 * added. When none is added, the provider builds one from
 * `OTEL_TRACES_EXPORTER` (console: simple processor; none: nothing).
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_LIMIT (more than 16).
 * @since 1.0
 */
OTEL_API otel_status otel_options_add_processor(otel_options *opts, otel_processor *processor);

/**
 * Generates `len` (16 for a trace id, 8 for a span id) id bytes into `out`.
 * Must be thread-safe; an all-zero result is replaced by a random id.
 */
typedef void (*otel_id_generator_fn)(uint8_t *out, size_t len, void *user_data);

/**
 * Replaces the built-in id generator. Roots made by a custom generator do not
 * carry the W3C random flag unless `random` is non-zero.
 * @since 1.0
 */
OTEL_API otel_status otel_options_set_id_generator(otel_options *opts, otel_id_generator_fn fn,
                                                   int random, void *user_data);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_OPTIONS_H */
