/* Immutable baggage: one allocation holding a sorted entry array and the
 * strings it points into, so a copy-on-write set is two memcpys. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/strutil.h"
#include "otel/baggage.h"
#include "propagation/internal.h"

typedef otel__baggage_kv entry;

struct otel_baggage {
    _Atomic uint32_t refs;
    size_t count;
    entry entries[]; /* followed by the strings */
};

static size_t bytes_of(const entry *e) { return e->name_len + e->value_len + e->metadata_len + 3; }

/* Builds a baggage from `src` entries (already sorted, unique); strings are
 * copied into the same block. */
static otel_baggage *build(const entry *src, size_t n) {
    size_t strings = 0;
    for (size_t i = 0; i < n; i++) strings += bytes_of(&src[i]);
    otel_baggage *b = malloc(sizeof *b + n * sizeof(entry) + strings);
    if (!b) return NULL;
    atomic_init(&b->refs, 1);
    b->count = n;
    char *p = (char *)(b->entries + n);
    for (size_t i = 0; i < n; i++) {
        entry *d = &b->entries[i];
        *d = src[i];
        const char *parts[3] = {src[i].name, src[i].value, src[i].metadata};
        size_t lens[3] = {src[i].name_len, src[i].value_len, src[i].metadata_len};
        const char **dst[3] = {&d->name, &d->value, &d->metadata};
        for (int k = 0; k < 3; k++) {
            if (lens[k]) memcpy(p, parts[k], lens[k]);
            p[lens[k]] = '\0';
            *dst[k] = p;
            p += lens[k] + 1;
        }
    }
    return b;
}

static int cmp_name(const char *a, size_t alen, const char *b, size_t blen) {
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

/* Index of `name`, or ~insertion point when absent. */
static size_t find(const otel_baggage *b, const char *name, size_t len, int *found) {
    size_t lo = 0, hi = b ? b->count : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_name(b->entries[mid].name, b->entries[mid].name_len, name, len);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = 0;
    return lo;
}

otel_baggage *otel__baggage_from(const otel__baggage_kv *kv, size_t n) {
    if (!n || n > OTEL__BAGGAGE_FROM_MAX) return NULL;
    entry sorted[OTEL__BAGGAGE_FROM_MAX];
    size_t m = 0;
    /* insertion sort (n is small); an equal name replaces in place, so the
     * last occurrence wins as with repeated sets */
    for (size_t i = 0; i < n; i++) {
        size_t at = m;
        int dup = 0;
        while (at > 0) {
            int c = cmp_name(sorted[at - 1].name, sorted[at - 1].name_len, kv[i].name, kv[i].name_len);
            if (c <= 0) {
                dup = c == 0;
                break;
            }
            at--;
        }
        if (dup) {
            sorted[at - 1] = kv[i];
            continue;
        }
        memmove(&sorted[at + 1], &sorted[at], (m - at) * sizeof *sorted);
        sorted[at] = kv[i];
        m++;
    }
    return build(sorted, m);
}

OTEL_API otel_status otel_baggage_set_n(const otel_baggage *baggage, const char *name,
                                        size_t name_len, const char *value, size_t value_len,
                                        const char *metadata, size_t metadata_len,
                                        otel_baggage **out) {
    if (!out || !name || !name_len || (!value && value_len))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "baggage_set: NULL or empty argument");
    if (!metadata) metadata_len = 0;
    if (!otel__utf8_valid(name, name_len) || !otel__utf8_valid(value ? value : "", value_len) ||
        !otel__utf8_valid(metadata ? metadata : "", metadata_len))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "baggage_set: invalid UTF-8");
    int found;
    size_t at = find(baggage, name, name_len, &found);
    size_t n = baggage ? baggage->count : 0;
    entry stack[16], *tmp = n + 1 <= 16 ? stack : malloc((n + 1) * sizeof(entry));
    if (!tmp) return otel__fail(OTEL_ERR_NO_MEMORY, "baggage_set: out of memory");
    size_t m = 0;
    for (size_t i = 0; i < at; i++) tmp[m++] = baggage->entries[i];
    tmp[m++] = (entry){name, value ? value : "", metadata ? metadata : "", name_len, value_len,
                       metadata_len};
    for (size_t i = at + (size_t)found; i < n; i++) tmp[m++] = baggage->entries[i];
    otel_baggage *b = build(tmp, m);
    if (tmp != stack) free(tmp);
    if (!b) return otel__fail(OTEL_ERR_NO_MEMORY, "baggage_set: out of memory");
    *out = b;
    return OTEL_OK;
}

OTEL_API otel_status otel_baggage_set(const otel_baggage *baggage, const char *name,
                                      const char *value, const char *metadata,
                                      otel_baggage **out) {
    if (!name || !value)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "baggage_set: NULL name or value");
    return otel_baggage_set_n(baggage, name, strlen(name), value, strlen(value), metadata,
                              metadata ? strlen(metadata) : 0, out);
}

OTEL_API otel_status otel_baggage_remove(const otel_baggage *baggage, const char *name,
                                         otel_baggage **out) {
    if (!out || !name) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "baggage_remove: NULL argument");
    int found;
    size_t at = find(baggage, name, strlen(name), &found);
    size_t n = baggage ? baggage->count : 0;
    if (n - (size_t)found == 0) {
        *out = NULL;
        return OTEL_OK;
    }
    entry *tmp = malloc(n * sizeof(entry));
    if (!tmp) return otel__fail(OTEL_ERR_NO_MEMORY, "baggage_remove: out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!found || i != at) tmp[m++] = baggage->entries[i];
    otel_baggage *b = build(tmp, m);
    free(tmp);
    if (!b) return otel__fail(OTEL_ERR_NO_MEMORY, "baggage_remove: out of memory");
    *out = b;
    return OTEL_OK;
}

static const entry *lookup(const otel_baggage *b, const char *name) {
    if (!b || !name) return NULL;
    int found;
    size_t at = find(b, name, strlen(name), &found);
    return found ? &b->entries[at] : NULL;
}

OTEL_API const char *otel_baggage_get(const otel_baggage *baggage, const char *name) {
    const entry *e = lookup(baggage, name);
    return e ? e->value : NULL;
}

OTEL_API const char *otel_baggage_get_metadata(const otel_baggage *baggage, const char *name) {
    const entry *e = lookup(baggage, name);
    return e ? e->metadata : NULL;
}

OTEL_API size_t otel_baggage_count(const otel_baggage *baggage) { return baggage ? baggage->count : 0; }

OTEL_API otel_status otel_baggage_entry(const otel_baggage *baggage, size_t index,
                                        const char **name, const char **value,
                                        const char **metadata) {
    if (!baggage || index >= baggage->count)
        return otel__fail(OTEL_ERR_NOT_FOUND, "baggage_entry: index %zu out of range", index);
    const entry *e = &baggage->entries[index];
    if (name) *name = e->name;
    if (value) *value = e->value;
    if (metadata) *metadata = e->metadata;
    return OTEL_OK;
}

OTEL_API otel_baggage *otel_baggage_retain(otel_baggage *baggage) {
    if (baggage) atomic_fetch_add_explicit(&baggage->refs, 1, memory_order_relaxed);
    return baggage;
}

OTEL_API void otel_baggage_release(otel_baggage *baggage) {
    if (baggage && atomic_fetch_sub_explicit(&baggage->refs, 1, memory_order_acq_rel) == 1)
        free(baggage);
}
