/* Shared internals of the propagators: the carrier adapter, the propagator
 * object, and the tracestate helpers the tracecontext propagator uses. */
#ifndef OTEL_PROPAGATION_INTERNAL_H
#define OTEL_PROPAGATION_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>

#include "otel/baggage.h"
#include "otel/propagation.h"

/* Repeated headers read per name, and bytes read per name: hostile input
 * past these is ignored, so work stays bounded. */
#define OTEL__CARRIER_MAX_VALUES 64
#define OTEL__CARRIER_MAX_BYTES (64u << 10)

typedef struct otel__carrier {
    otel_getter_fn get;
    otel_keys_fn keys;
    otel_setter_fn set;
    void *user_data;
} otel__carrier;

/* The values of header `name` (lowercase), found case-insensitively through
 * the keys function when the getter has no exact match. Returns how many
 * were stored in vals/lens (at most `max`). */
size_t otel__carrier_get(const otel__carrier *c, const char *name, const char **vals,
                         size_t *lens, size_t max);
void otel__carrier_set(const otel__carrier *c, const char *name, const char *value, size_t len);

typedef void (*otel__inject_fn)(const otel_propagator *p, otel_context *ctx, const otel__carrier *c);
/* Returns a new reference: `ctx` plus what was extracted, or `ctx` retained. */
typedef otel_context *(*otel__extract_fn)(const otel_propagator *p, otel_context *ctx,
                                          const otel__carrier *c);

struct otel_propagator {
    _Atomic uint32_t refs;
    int is_static;
    otel__inject_fn inject;
    otel__extract_fn extract;
    const char *const *fields;
    size_t n_fields;
    otel_propagator **children; /* composite */
    size_t n_children;
};

/* Copies `ts` into out (cap bytes, NUL-terminated), dropping whole members
 * (those over 128 characters first, then from the right) until it is at
 * most `limit` characters. Returns the length. */
size_t otel__tracestate_truncate(const char *ts, size_t len, size_t limit, char *out, size_t cap);

/* One baggage entry as counted strings (not NUL-terminated). */
typedef struct otel__baggage_kv {
    const char *name, *value, *metadata;
    size_t name_len, value_len, metadata_len;
} otel__baggage_kv;

#define OTEL__BAGGAGE_FROM_MAX 64

/* A baggage of `n` (1..64) entries built with one allocation, sorted, a
 * later duplicate name replacing an earlier one; the strings must be valid
 * UTF-8 with non-empty names. NULL for n == 0 or out of memory. */
otel_baggage *otel__baggage_from(const otel__baggage_kv *kv, size_t n);

#endif
