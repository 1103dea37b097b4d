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

/* Counts `c` at index idx in a range that can hold it. */
static void range_add(int32_t *offset, uint32_t *n, uint64_t *counts, int32_t idx, uint64_t c) {
    if (*n == 0) {
        *offset = idx;
        *n = 1;
        counts[0] = c;
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
    counts[idx - *offset] += c;
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
    range_add(offset, n, counts, idx, 1);
}

void otel__exph_to_scale(otel__exph *h, int scale) { downscale(h, h->scale - scale); }

void otel__exph_subtract(otel__exph *h, const otel__exph *prev) {
    otel__exph last = *prev;
    downscale(&last, last.scale - h->scale);
    for (uint32_t k = 0; k < last.n; k++) {
        int32_t j = last.offset + (int32_t)k - h->offset;
        if (j >= 0 && (uint32_t)j < h->n) h->counts[j] -= last.counts[k];
    }
    for (uint32_t k = 0; k < last.neg_n; k++) {
        int32_t j = last.neg_offset + (int32_t)k - h->neg_offset;
        if (j >= 0 && (uint32_t)j < h->neg_n) h->neg_counts[j] -= last.neg_counts[k];
    }
    h->zero_count -= last.zero_count;
}

/* How much the scale must drop for one range to span both windows. */
static int window_change(int32_t off_a, uint32_t n_a, int32_t off_b, uint32_t n_b, uint32_t max_size) {
    if (!n_b) return 0;
    int64_t lo = off_b, hi = (int64_t)off_b + n_b - 1;
    if (n_a) {
        if (off_a < lo) lo = off_a;
        if ((int64_t)off_a + n_a - 1 > hi) hi = (int64_t)off_a + n_a - 1;
    }
    int change = 0;
    while (((hi >> change) - (lo >> change) + 1) > (int64_t)max_size) change++;
    return change;
}

void otel__exph_merge(otel__exph *h, const otel__exph *add, uint32_t max_size) {
    otel__exph src = *add;
    int scale = h->scale < src.scale ? h->scale : src.scale;
    downscale(h, h->scale - scale);
    downscale(&src, src.scale - scale);
    int change = window_change(h->offset, h->n, src.offset, src.n, max_size);
    int neg = window_change(h->neg_offset, h->neg_n, src.neg_offset, src.neg_n, max_size);
    if (neg > change) change = neg;
    downscale(h, change);
    downscale(&src, change);
    for (uint32_t k = 0; k < src.n; k++)
        if (src.counts[k]) range_add(&h->offset, &h->n, h->counts, src.offset + (int32_t)k, src.counts[k]);
    for (uint32_t k = 0; k < src.neg_n; k++)
        if (src.neg_counts[k])
            range_add(&h->neg_offset, &h->neg_n, h->neg_counts, src.neg_offset + (int32_t)k, src.neg_counts[k]);
    h->zero_count += src.zero_count;
}
