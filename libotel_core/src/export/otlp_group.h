/* Groups a batch of ended spans by resource, then by instrumentation scope,
 * the shape of an ExportTraceServiceRequest. Spans keep their batch order
 * inside a group; groups keep the order in which they first appear. The
 * scratch arrays are reused from batch to batch. */
#ifndef OTEL_EXPORT_OTLP_GROUP_H
#define OTEL_EXPORT_OTLP_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "otel/span_data.h"

typedef struct otel__otlp_group {
    const otel_resource *resource;
    const otel_scope *scope;
    uint32_t resource_index; /* groups with equal index share a resource */
    uint32_t first;          /* into order[] */
    uint32_t count;
} otel__otlp_group;

typedef struct otel__otlp_groups {
    otel__otlp_group *g; /* sorted by resource_index, stable */
    uint32_t n;          /* groups */
    uint32_t n_resources;
    uint32_t *order; /* span indices, grouped */
    /* scratch */
    uint32_t *gid;
    size_t span_cap;
    uint32_t g_cap;
    uint32_t *hash; /* open addressing: group index + 1, 0 = empty */
    uint32_t hash_cap;
    otel__otlp_group *tmp;
} otel__otlp_groups;

void otel__otlp_groups_init(otel__otlp_groups *gs);
void otel__otlp_groups_free(otel__otlp_groups *gs);
/* Builds the grouping of spans[0..n). Returns 0 when out of memory. */
int otel__otlp_groups_build(otel__otlp_groups *gs, const otel_span_data *const *spans, size_t n);

#endif
