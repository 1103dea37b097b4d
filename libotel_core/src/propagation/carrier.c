/* Carriers: the header list handle and the adapter the propagators read and
 * write through (callbacks or a header list). */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/strutil.h"
#include "propagation/internal.h"

#define HEADERS_MAX_PAIRS 1024
#define HEADERS_MAX_BYTES (1u << 20)

typedef struct pair {
    char *name, *value;
    size_t name_len, value_len;
} pair;

struct otel_headers {
    pair *items;
    size_t count, cap, bytes;
};

OTEL_API otel_status otel_headers_new(otel_headers **out) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_headers_new: NULL out");
    *out = calloc(1, sizeof **out);
    return *out ? OTEL_OK : otel__fail(OTEL_ERR_NO_MEMORY, "otel_headers_new: out of memory");
}

OTEL_API void otel_headers_clear(otel_headers *h) {
    if (!h) return;
    for (size_t i = 0; i < h->count; i++) {
        free(h->items[i].name);
        free(h->items[i].value);
    }
    h->count = 0;
    h->bytes = 0;
}

OTEL_API void otel_headers_free(otel_headers *h) {
    if (!h) return;
    otel_headers_clear(h);
    free(h->items);
    free(h);
}

OTEL_API otel_status otel_headers_add_n(otel_headers *h, const char *name, size_t name_len,
                                        const char *value, size_t value_len) {
    if (!h || !name || !name_len || (!value && value_len))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_headers_add: NULL argument or empty name");
    if (h->count >= HEADERS_MAX_PAIRS || name_len + value_len > HEADERS_MAX_BYTES - h->bytes)
        return otel__fail(OTEL_ERR_LIMIT, "otel_headers_add: more than %u pairs or %u bytes",
                          HEADERS_MAX_PAIRS, HEADERS_MAX_BYTES);
    if (h->count == h->cap) {
        size_t ncap = h->cap ? h->cap * 2 : 8;
        pair *items = realloc(h->items, ncap * sizeof *items);
        if (!items) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_headers_add: out of memory");
        h->items = items;
        h->cap = ncap;
    }
    pair p = {otel__strndup(name, name_len), otel__strndup(value ? value : "", value_len), name_len,
              value_len};
    if (!p.name || !p.value) {
        free(p.name);
        free(p.value);
        return otel__fail(OTEL_ERR_NO_MEMORY, "otel_headers_add: out of memory");
    }
    h->items[h->count++] = p;
    h->bytes += name_len + value_len;
    return OTEL_OK;
}

OTEL_API otel_status otel_headers_add(otel_headers *h, const char *name, const char *value) {
    if (!name || !value) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_headers_add: NULL argument");
    return otel_headers_add_n(h, name, strlen(name), value, strlen(value));
}

static void headers_remove(otel_headers *h, const char *name, size_t name_len) {
    size_t o = 0;
    for (size_t i = 0; i < h->count; i++) {
        pair *p = &h->items[i];
        if (otel__ascii_ieq(p->name, p->name_len, name, name_len)) {
            h->bytes -= p->name_len + p->value_len;
            free(p->name);
            free(p->value);
        } else {
            h->items[o++] = *p;
        }
    }
    h->count = o;
}

static otel_status headers_set_n(otel_headers *h, const char *name, size_t name_len,
                                 const char *value, size_t value_len) {
    if (!h || !name || !name_len || !value)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_headers_set: NULL argument or empty name");
    headers_remove(h, name, name_len);
    return otel_headers_add_n(h, name, name_len, value, value_len);
}

OTEL_API otel_status otel_headers_set(otel_headers *h, const char *name, const char *value) {
    if (!name || !value) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_headers_set: NULL argument");
    return headers_set_n(h, name, strlen(name), value, strlen(value));
}

OTEL_API size_t otel_headers_count(const otel_headers *h) { return h ? h->count : 0; }

OTEL_API otel_status otel_headers_at(const otel_headers *h, size_t index, const char **name,
                                     size_t *name_len, const char **value, size_t *value_len) {
    if (!h || index >= h->count)
        return otel__fail(OTEL_ERR_NOT_FOUND, "otel_headers_at: index %zu out of range", index);
    const pair *p = &h->items[index];
    if (name) *name = p->name;
    if (name_len) *name_len = p->name_len;
    if (value) *value = p->value;
    if (value_len) *value_len = p->value_len;
    return OTEL_OK;
}

OTEL_API const char *otel_headers_get(const otel_headers *h, const char *name) {
    if (!h || !name) return NULL;
    size_t n = strlen(name);
    for (size_t i = 0; i < h->count; i++)
        if (otel__ascii_ieq(h->items[i].name, h->items[i].name_len, name, n)) return h->items[i].value;
    return NULL;
}

OTEL_API size_t otel_headers_get_all(const otel_headers *h, const char *name, const char **values,
                                     size_t cap) {
    if (!h || !name) return 0;
    size_t n = strlen(name), found = 0;
    for (size_t i = 0; i < h->count; i++)
        if (otel__ascii_ieq(h->items[i].name, h->items[i].name_len, name, n)) {
            if (values && found < cap) values[found] = h->items[i].value;
            found++;
        }
    return found;
}

/* The header list as a carrier: the getter matches names case-insensitively. */
static int headers_get(void *ud, const char *key, size_t key_len, size_t index, const char **value,
                       size_t *value_len) {
    const otel_headers *h = ud;
    for (size_t i = 0; i < h->count; i++) {
        const pair *p = &h->items[i];
        if (otel__ascii_ieq(p->name, p->name_len, key, key_len) && index-- == 0) {
            *value = p->value;
            *value_len = p->value_len;
            return 1;
        }
    }
    return 0;
}

static void headers_put(void *ud, const char *key, size_t key_len, const char *value,
                        size_t value_len) {
    headers_set_n(ud, key, key_len, value, value_len);
}

/* ---- the adapter ---- */

static size_t get_all(const otel__carrier *c, const char *key, size_t key_len, const char **vals,
                      size_t *lens, size_t n, size_t max) {
    size_t bytes = 0;
    for (size_t i = 0; n < max; i++) {
        const char *v = NULL;
        size_t len = 0;
        if (!c->get(c->user_data, key, key_len, i, &v, &len)) break;
        if (!v) len = 0;
        if (len > OTEL__CARRIER_MAX_BYTES - bytes) break;
        bytes += len;
        vals[n] = v ? v : "";
        lens[n] = len;
        n++;
    }
    return n;
}

size_t otel__carrier_get(const otel__carrier *c, const char *name, const char **vals,
                         size_t *lens, size_t max) {
    if (!c->get) return 0;
    size_t name_len = strlen(name);
    size_t n = get_all(c, name, name_len, vals, lens, 0, max);
    if (n || !c->keys) return n;
    /* the carrier matches exactly: find the names that differ only in case */
    for (size_t i = 0; i < 4096 && n < max; i++) {
        const char *k = NULL;
        size_t klen = 0;
        if (!c->keys(c->user_data, i, &k, &klen)) break;
        if (k && klen == name_len && otel__ascii_ieq(k, klen, name, name_len) &&
            memcmp(k, name, name_len) != 0)
            n = get_all(c, k, klen, vals, lens, n, max);
    }
    return n;
}

void otel__carrier_set(const otel__carrier *c, const char *name, const char *value, size_t len) {
    if (c->set) c->set(c->user_data, name, strlen(name), value, len);
}

/* ---- public entry points ---- */

OTEL_API void otel_propagator_inject(const otel_propagator *p, otel_context *ctx,
                                     otel_setter_fn set, void *user_data) {
    if (!p || !set) return;
    otel__carrier c = {NULL, NULL, set, user_data};
    p->inject(p, ctx, &c);
}

OTEL_API otel_context *otel_propagator_extract(const otel_propagator *p, otel_context *ctx,
                                               otel_getter_fn get, otel_keys_fn keys,
                                               void *user_data) {
    otel_context *base = ctx ? otel_context_retain(ctx) : otel_context_current();
    if (!p || !get) return base;
    otel__carrier c = {get, keys, NULL, user_data};
    otel_context *out = p->extract(p, base, &c);
    otel_context_release(base);
    return out;
}

OTEL_API void otel_propagator_inject_headers(const otel_propagator *p, otel_context *ctx,
                                             otel_headers *headers) {
    if (!headers) return;
    otel_propagator_inject(p, ctx, headers_put, headers);
}

OTEL_API otel_context *otel_propagator_extract_headers(const otel_propagator *p,
                                                       otel_context *ctx,
                                                       const otel_headers *headers) {
    if (!headers) return ctx ? otel_context_retain(ctx) : otel_context_current();
    return otel_propagator_extract(p, ctx, headers_get, NULL, (void *)headers);
}
