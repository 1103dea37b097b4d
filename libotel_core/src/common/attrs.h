/* Attribute lists: records in the public otel_attr layout whose keys and
 * values point into an arena, so reading one back is a struct copy. */
#ifndef OTEL_COMMON_ATTRS_H
#define OTEL_COMMON_ATTRS_H

#include <stdint.h>

#include "common/arena.h"
#include "common/stats.h"
#include "otel/common.h"

typedef struct otel__attrs {
    otel_attr *items;
    uint32_t count;
    uint32_t cap;
    uint32_t dropped; /* over the count limit */
} otel__attrs;

typedef struct otel__limits_attr {
    uint32_t count;      /* max attributes */
    uint32_t value_len;  /* max string bytes (UINT32_MAX: none) */
} otel__limits_attr;

/* Adds or replaces one attribute, copying into `arena` (items too, so the list
 * needs no free of its own). Invalid input (NULL/empty key, bad type, bad
 * UTF-8 in key, NULL array with count) is ignored and counted as
 * INVALID_INPUT; over the count limit a new key is dropped and counted.
 * Returns 1 if stored. */
int otel__attrs_set(otel__attrs *list, otel__arena *arena, const otel_attr *a,
                    const otel__limits_attr *lim, otel__stats *st);

/* Appends many; same rules. */
void otel__attrs_set_many(otel__attrs *list, otel__arena *arena, const otel_attr *a, size_t n,
                          const otel__limits_attr *lim, otel__stats *st);

/* Finds a key; NULL if absent. */
const otel_attr *otel__attrs_find(const otel__attrs *list, const char *key, size_t key_len);

/* 1 if two attribute values are equal (type and content). */
int otel__attr_value_eq(const otel_attr *a, const otel_attr *b);

/* 1 if two lists hold the same keys with equal values, in any order. */
int otel__attrs_equal(const otel__attrs *a, const otel__attrs *b);

/* Validates a public otel_attr: returns 1 if it can be stored. */
int otel__attr_valid(const otel_attr *a);

#endif
