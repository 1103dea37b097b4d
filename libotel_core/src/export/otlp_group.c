/* Grouping spans by (resource, scope) with a pointer hash. */
#include <stdlib.h>
#include <string.h>

#include "export/otlp_group.h"

void otel__otlp_groups_init(otel__otlp_groups *gs) { memset(gs, 0, sizeof *gs); }

void otel__otlp_groups_free(otel__otlp_groups *gs) {
    free(gs->g);
    free(gs->order);
    free(gs->gid);
    free(gs->hash);
    free(gs->tmp);
    memset(gs, 0, sizeof *gs);
}

static uint32_t ptr_hash(const void *a, const void *b) {
    uint64_t x = (uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15ull;
    x ^= (uint64_t)(uintptr_t)b * 0xC2B2AE3D27D4EB4Full;
    x ^= x >> 29;
    return (uint32_t)x;
}

static int ensure_spans(otel__otlp_groups *gs, size_t n) {
    if (n <= gs->span_cap) return 1;
    size_t cap = gs->span_cap ? gs->span_cap : 64;
    while (cap < n) cap *= 2;
    uint32_t *order = realloc(gs->order, cap * sizeof *order);
    if (!order) return 0;
    gs->order = order;
    uint32_t *gid = realloc(gs->gid, cap * sizeof *gid);
    if (!gid) return 0;
    gs->gid = gid;
    gs->span_cap = cap;
    return 1;
}

static int ensure_groups(otel__otlp_groups *gs, uint32_t n) {
    if (n <= gs->g_cap) return 1;
    uint32_t cap = gs->g_cap ? gs->g_cap * 2 : 8;
    while (cap < n) cap *= 2;
    otel__otlp_group *g = realloc(gs->g, cap * sizeof *g);
    if (!g) return 0;
    gs->g = g;
    otel__otlp_group *t = realloc(gs->tmp, cap * sizeof *t);
    if (!t) return 0;
    gs->tmp = t;
    gs->g_cap = cap;
    return 1;
}

static int rehash(otel__otlp_groups *gs, uint32_t cap) {
    uint32_t *h = calloc(cap, sizeof *h);
    if (!h) return 0;
    for (uint32_t i = 0; i < gs->n; i++) {
        uint32_t k = ptr_hash(gs->g[i].resource, gs->g[i].scope) & (cap - 1);
        while (h[k]) k = (k + 1) & (cap - 1);
        h[k] = i + 1;
    }
    free(gs->hash);
    gs->hash = h;
    gs->hash_cap = cap;
    return 1;
}

int otel__otlp_groups_build(otel__otlp_groups *gs, const otel_span_data *const *spans, size_t n) {
    gs->n = 0;
    gs->n_resources = 0;
    if (n > UINT32_MAX - 1 || !ensure_spans(gs, n ? n : 1)) return 0;
    if (gs->hash_cap == 0 && !rehash(gs, 16)) return 0;
    memset(gs->hash, 0, gs->hash_cap * sizeof *gs->hash);

    uint32_t last = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        const otel_resource *r = otel_span_data_resource(spans[i]);
        const otel_scope *s = otel_span_data_scope(spans[i]);
        if (last != UINT32_MAX && gs->g[last].resource == r && gs->g[last].scope == s) {
            gs->gid[i] = last;
            gs->g[last].count++;
            continue;
        }
        uint32_t k = ptr_hash(r, s) & (gs->hash_cap - 1), found = UINT32_MAX;
        while (gs->hash[k]) {
            otel__otlp_group *g = &gs->g[gs->hash[k] - 1];
            if (g->resource == r && g->scope == s) {
                found = gs->hash[k] - 1;
                break;
            }
            k = (k + 1) & (gs->hash_cap - 1);
        }
        if (found == UINT32_MAX) {
            if (!ensure_groups(gs, gs->n + 1)) return 0;
            found = gs->n++;
            otel__otlp_group *g = &gs->g[found];
            g->resource = r;
            g->scope = s;
            g->count = 0;
            g->first = 0;
            /* resource index: distinct resources by first appearance */
            g->resource_index = UINT32_MAX;
            for (uint32_t j = 0; j < found; j++)
                if (gs->g[j].resource == r) {
                    g->resource_index = gs->g[j].resource_index;
                    break;
                }
            if (g->resource_index == UINT32_MAX) g->resource_index = gs->n_resources++;
            if (gs->n * 2 > gs->hash_cap) {
                if (!rehash(gs, gs->hash_cap * 2)) return 0;
            } else {
                gs->hash[k] = found + 1;
            }
        }
        gs->gid[i] = found;
        gs->g[found].count++;
        last = found;
    }

    /* stable counting sort of the groups by resource index, remembering
     * where each old group went (in hash[], no longer needed) */
    if (gs->n_resources > 1) {
        uint32_t pos = 0;
        if (gs->hash_cap < gs->n && !rehash(gs, gs->n * 2)) return 0;
        for (uint32_t r = 0; r < gs->n_resources; r++)
            for (uint32_t j = 0; j < gs->n; j++)
                if (gs->g[j].resource_index == r) {
                    gs->tmp[pos] = gs->g[j];
                    gs->hash[j] = pos++;
                }
        memcpy(gs->g, gs->tmp, gs->n * sizeof *gs->g);
        for (size_t i = 0; i < n; i++) gs->gid[i] = gs->hash[gs->gid[i]];
    }
    uint32_t off = 0;
    for (uint32_t j = 0; j < gs->n; j++) {
        gs->g[j].first = off;
        off += gs->g[j].count;
        gs->g[j].count = 0;
    }
    for (size_t i = 0; i < n; i++) {
        otel__otlp_group *g = &gs->g[gs->gid[i]];
        gs->order[g->first + g->count++] = (uint32_t)i;
    }
    return 1;
}
