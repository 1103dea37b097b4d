/* Base-2 exponential histogram buckets: the index of a value at a scale,
 * inserting with automatic downscaling to stay within max_size buckets,
 * and bringing a snapshot down to a coarser scale (for deltas). */
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

/* Merges buckets so the scale drops by `change`. (Right shifts of negative
 * indexes round toward -inf: arithmetic on every compiler we build with.) */
static void downscale(otel__exph *h, int change) {
    if (change <= 0) return;
    if (h->n) {
        int32_t new_off = h->offset >> change;
        uint64_t merged[OTEL__EXPH_MAX];
        memset(merged, 0, sizeof merged);
        uint32_t n = 0;
        for (uint32_t i = 0; i < h->n; i++) {
            uint32_t j = (uint32_t)(((h->offset + (int32_t)i) >> change) - new_off);
            merged[j] += h->counts[i];
            if (j + 1 > n) n = j + 1;
        }
        memcpy(h->counts, merged, sizeof merged);
        h->offset = new_off;
        h->n = n;
    }
    h->scale -= change;
}

void otel__exph_insert(otel__exph *h, double v, uint32_t max_size) {
    if (v == 0) {
        h->zero_count++;
        return;
    }
    int32_t idx = otel__exph_index(v, h->scale);
    if (h->n == 0) {
        h->offset = idx;
        h->n = 1;
        h->counts[0] = 1;
        return;
    }
    int64_t lo = idx < h->offset ? idx : h->offset;
    int64_t hi = idx > h->offset + (int32_t)h->n - 1 ? idx : h->offset + (int32_t)h->n - 1;
    int change = 0;
    while (((hi >> change) - (lo >> change) + 1) > (int64_t)max_size) change++;
    if (change) {
        downscale(h, change);
        idx = otel__exph_index(v, h->scale);
    }
    if (idx < h->offset) {
        uint32_t shift = (uint32_t)(h->offset - idx);
        memmove(h->counts + shift, h->counts, h->n * sizeof *h->counts);
        memset(h->counts, 0, shift * sizeof *h->counts);
        h->offset = idx;
        h->n += shift;
    } else if (idx >= h->offset + (int32_t)h->n) {
        uint32_t n = (uint32_t)(idx - h->offset) + 1;
        memset(h->counts + h->n, 0, (n - h->n) * sizeof *h->counts);
        h->n = n;
    }
    h->counts[idx - h->offset]++;
}

void otel__exph_to_scale(otel__exph *h, int scale) { downscale(h, h->scale - scale); }
