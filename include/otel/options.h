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
 * honours: one in the option table, see otel_option_next() and the README's
 * tables) to `value` (copied). A NULL value unsets
 * it, so the environment applies again. Values are validated when a provider
 * is built, by the same rules as the environment (an invalid value warns and
 * falls back to the default).
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT (NULL handle or name),
 *   OTEL_ERR_NOT_FOUND (a name not in the option table: the SDK reads
 *   nothing by that name, on strict and lenient handles alike),
 *   OTEL_ERR_NO_MEMORY.
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

/* ---- the option table: the names the SDK honours, as data ----
 *
 * @code
 * for (const otel_option_info *i = otel_option_next(NULL); i; i = otel_option_next(i))
 *     printf("%s (%s)\n", otel_option_info_name(i), otel_option_info_description(i));
 * @endcode
 *
 * The table is static: every pointer here is valid for the life of the
 * process, and every function is safe from any thread. Entries are opaque
 * and read through accessors, so attributes can be added later (as new
 * functions) without changing any layout. The table holds exactly the names
 * otel_options_set() accepts; a later release may add names and types, so
 * callers treat an unknown otel_option_type as OTEL_OPTION_STRING.
 */

/** One entry of the option table (opaque; static storage). */
typedef struct otel_option_info otel_option_info;

/** How an option's value is written (otel_option_info_type()). */
typedef enum otel_option_type {
    OTEL_OPTION_STRING = 0,     /**< free text: a URL, a file path, a name */
    OTEL_OPTION_BOOL = 1,       /**< `true` or `false` (case-insensitive) */
    OTEL_OPTION_INT = 2,        /**< a decimal integer */
    OTEL_OPTION_DOUBLE = 3,     /**< a decimal number */
    OTEL_OPTION_ENUM = 4,       /**< one of otel_option_info_choices() */
    OTEL_OPTION_LIST = 5,       /**< comma-separated, each of otel_option_info_choices() */
    OTEL_OPTION_DURATION = 6,   /**< integer milliseconds */
    OTEL_OPTION_KEY_VALUES = 7  /**< `k1=v1,k2=v2`, values percent-encoded */
} otel_option_type;

/**
 * The entry after `prev` in the option table; NULL gives the first entry.
 * @return NULL after the last entry, or when `prev` is not an entry.
 * @since 1.0
 */
OTEL_API const otel_option_info *otel_option_next(const otel_option_info *prev);

/**
 * The entry named `name` (an exact, case-sensitive `OTEL_*` name).
 * @return the entry, or NULL when the SDK does not honour that name (or it
 *   is NULL). @since 1.0
 */
OTEL_API const otel_option_info *otel_option_by_name(const char *name);

/** Pointer + length form of otel_option_by_name(). @since 1.0 */
OTEL_API const otel_option_info *otel_option_by_name_n(const char *name, size_t name_len);

/** The number of entries otel_option_next() walks. @since 1.0 */
OTEL_API size_t otel_option_count(void);

/** The option's name (e.g. `OTEL_SERVICE_NAME`); NULL for a NULL entry. @since 1.0 */
OTEL_API const char *otel_option_info_name(const otel_option_info *info);

/** An otel_option_type; OTEL_OPTION_STRING for a NULL entry. @since 1.0 */
OTEL_API int otel_option_info_type(const otel_option_info *info);

/**
 * The value used when the option is unset, as it would be written (e.g.
 * `5000`, `http/protobuf`), or NULL when there is no fixed default (it is
 * computed, like `OTEL_SERVICE_NAME`'s, or a per-signal name falls back to
 * the generic one, or unset means no limit). @since 1.0
 */
OTEL_API const char *otel_option_info_default(const otel_option_info *info);

/**
 * For OTEL_OPTION_ENUM and OTEL_OPTION_LIST: the accepted values,
 * comma-separated (e.g. `otlp,console,none`); NULL for other types. @since 1.0
 */
OTEL_API const char *otel_option_info_choices(const otel_option_info *info);

/** A one-line description in English, never NULL for an entry. @since 1.0 */
OTEL_API const char *otel_option_info_description(const otel_option_info *info);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_OPTIONS_H */
