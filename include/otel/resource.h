/**
 * @file otel/resource.h
 * @brief Resources: the immutable attributes describing the entity that
 * produces telemetry (service, host, SDK).
 *
 * @code
 * otel_attr a[] = { OTEL_ATTR_STR("service.name", "checkout") };
 * otel_resource *r;
 * otel_resource_new(&r, a, 1, NULL, 0);
 * ...
 * otel_resource_release(r);
 * @endcode
 *
 * Resources are immutable and reference-counted: safe to share between
 * threads and providers.
 */
#ifndef OTEL_RESOURCE_H
#define OTEL_RESOURCE_H

#include "otel/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_resource otel_resource;

/**
 * Makes a resource from attributes (copied; a later duplicate key wins) and
 * an optional schema URL (NULL or length 0: none).
 * @param out receives a new reference; release with otel_resource_release().
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT (out NULL, attrs NULL with n>0),
 *   OTEL_ERR_NO_MEMORY. Invalid attributes are skipped, not fatal.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_resource_new(otel_resource **out, const otel_attr *attrs, size_t n,
                                       const char *schema_url, size_t schema_url_len);

/**
 * The SDK's default resource: `telemetry.sdk.name`=opentelemetry,
 * `telemetry.sdk.language`=c, `telemetry.sdk.version`, then
 * `OTEL_RESOURCE_ATTRIBUTES` (percent-decoded; a decode error discards the
 * whole variable with a warning), then `OTEL_SERVICE_NAME`;
 * `service.name` falls back to `unknown_service:<executable name>`.
 * @param out receives a new reference.
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_resource_default(otel_resource **out);

/**
 * Merges two resources: attributes of `updating` win over `old`. The schema
 * URL is the one that is set; when both are set and differ the result keeps
 * `old`'s and a warning is logged. Either input may be NULL (empty).
 * @param out receives a new reference.
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_resource_merge(otel_resource **out, const otel_resource *old,
                                         const otel_resource *updating);

/** Adds a reference. NULL is ignored. Thread-safe. @since 1.0 */
OTEL_API otel_resource *otel_resource_retain(otel_resource *resource);

/** Drops a reference; frees at zero. NULL is ignored. Thread-safe. @since 1.0 */
OTEL_API void otel_resource_release(otel_resource *resource);

/** Number of attributes (0 for NULL). Thread-safe. @since 1.0 */
OTEL_API size_t otel_resource_attribute_count(const otel_resource *resource);

/**
 * Reads attribute `index` into `out`; pointers in `out` are borrowed and
 * valid while the resource lives.
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NOT_FOUND (index out of range).
 * Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_resource_attribute(const otel_resource *resource, size_t index,
                                             otel_attr *out);

/**
 * Finds an attribute by key.
 * @return OTEL_OK, OTEL_ERR_NOT_FOUND, OTEL_ERR_INVALID_ARGUMENT.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_resource_find(const otel_resource *resource, const char *key,
                                        size_t key_len, otel_attr *out);

/**
 * The schema URL, borrowed (valid while the resource lives), "" if none.
 * `len` may be NULL. Thread-safe. @since 1.0
 */
OTEL_API const char *otel_resource_schema_url(const otel_resource *resource, size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_RESOURCE_H */
