/* Base-2 exponential histogram buckets: the index of a value at a scale,
 * inserting (negative values by magnitude in their own range) with
 * automatic downscaling to keep each range within max_size buckets, and
 * bringing a snapshot down to a coarser scale (for deltas). */
#include <math.h>
#include <string.h>

#include "metrics/internal.h"

/* The bucket of v > 0 at `scale`: bucket i holds (base^i, base^(i+1)],
 * base = 2^(2^-scale). Exact powers of two are computed exactly. */
int32_t otel__exph_index(double v, int scale) {
    int exp;
    double frac = frexp(v, &exp); /* v = frac * 2^exp, frac in [0.5, 1) */
    int e = exp - 1;              /* v = m * 2^e, m in [1, 2) */
    int power_of_two = frac == 0.5;
    if (scale <= 0) {
        int k = -scale;
        return (int32_t)(power_of_two ? (e - 1) >> k : e >> k);
    }
    if (power_of_two) return (int32_t)((int64_t)e * ((int64_t)1 << scale) - 1);
    /* the logarithm method the specification allows; values within an ulp
     * of an inner boundary may land one bucket off, exact powers of two
     * (the boundaries that matter across scales) never do */
    return (int32_t)ceil(log2(v) * ldexp(1.0, scale)) - 1;
}

/* Merges one range's buckets so its scale drops by `change`. (Right shifts
 * of negative indexes round toward -inf: arithmetic on every compiler we
 * build with.) */
static void range_downscale(int32_t *offset, uint32_t *n, uint64_t *counts, int change) {
    if (!*n) return;
    int32_t new_off = *offset >> change;
    uint64_t merged[OTEL__EXPH_MAX];
    memset(merged, 0, sizeof merged);
    uint32_t m = 0;
    for (uint32_t i = 0; i < *n; i++) {
        uint32_t j = (uint32_t)(((*offset + (int32_t)i) >> change) - new_off);
        merged[j] += counts[i];
        if (j + 1 > m) m = j + 1;
    }
    memcpy(counts, merged, sizeof merged);
    *offset = new_off;
    *n = m;
}

static void downscale(otel__exph *h, int change) {
    if (change <= 0) return;
    range_downscale(&h->offset, &h->n, h->counts, change);
    range_downscale(&h->neg_offset, &h->neg_n, h->neg_counts, change);
    h->scale -= change;
}

/* How much the scale must drop for a range to take index idx. */
static int change_for(int32_t offset, uint32_t n, int32_t idx, uint32_t max_size) {
    if (!n) return 0;
    int64_t lo = idx < offset ? idx : offset;
    int64_t hi = idx > offset + (int32_t)n - 1 ? idx : offset + (int32_t)n - 1;
    int change = 0;
    while (((hi >> change) - (lo >> change) + 1) > (int64_t)max_size) change++;
    return change;
}

/* Counts index idx in a range that can hold it. */
static void range_add(int32_t *offset, uint32_t *n, uint64_t *counts, int32_t idx) {
    if (*n == 0) {
        *offset = idx;
        *n = 1;
        counts[0] = 1;
        return;
    }
    if (idx < *offset) {
        uint32_t shift = (uint32_t)(*offset - idx);
        memmove(counts + shift, counts, *n * sizeof *counts);
        memset(counts, 0, shift * sizeof *counts);
        *offset = idx;
        *n += shift;
    } else if (idx >= *offset + (int32_t)*n) {
        uint32_t m = (uint32_t)(idx - *offset) + 1;
        memset(counts + *n, 0, (m - *n) * sizeof *counts);
        *n = m;
    }
    counts[idx - *offset]++;
}

void otel__exph_insert(otel__exph *h, double v, uint32_t max_size) {
    if (v == 0) {
        h->zero_count++;
        return;
    }
    int neg = v < 0;
    double mag = neg ? -v : v;
    int32_t *offset = neg ? &h->neg_offset : &h->offset;
    uint32_t *n = neg ? &h->neg_n : &h->n;
    uint64_t *counts = neg ? h->neg_counts : h->counts;
    int32_t idx = otel__exph_index(mag, h->scale);
    int change = change_for(*offset, *n, idx, max_size);
    if (change) { /* both ranges share the scale */
        downscale(h, change);
        idx = otel__exph_index(mag, h->scale);
    }
    range_add(offset, n, counts, idx);
}

void otel__exph_to_scale(otel__exph *h, int scale) { downscale(h, h->scale - scale); }
