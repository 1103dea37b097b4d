/* Resources: immutable attribute sets, the default resource and merging. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "common/resource.h"
#include "common/strutil.h"

static otel_resource *resource_alloc(void) {
    otel_resource *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    atomic_init(&r->refs, 1);
    otel__arena_init(&r->arena, NULL, 0);
    r->schema_url = "";
    return r;
}

static otel_status set_schema(otel_resource *r, const char *url, size_t len) {
    if (!url || !len) return OTEL_OK;
    char *p = otel__arena_strndup(&r->arena, url, len);
    if (!p) return OTEL_ERR_NO_MEMORY;
    r->schema_url = p;
    r->schema_url_len = len;
    return OTEL_OK;
}

OTEL_API otel_status otel_resource_new(otel_resource **out, const otel_attr *attrs, size_t n,
                                       const char *schema_url, size_t schema_url_len) {
    if (!out || (!attrs && n))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_resource_new: NULL argument");
    otel_resource *r = resource_alloc();
    if (!r) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_resource_new: out of memory");
    /* resource attributes are exempt from the attribute limits */
    otel__attrs_set_many(&r->attrs, &r->arena, attrs, n, NULL, NULL);
    if (set_schema(r, schema_url, schema_url_len) != OTEL_OK) {
        otel_resource_release(r);
        return otel__fail(OTEL_ERR_NO_MEMORY, "otel_resource_new: out of memory");
    }
    *out = r;
    return OTEL_OK;
}

otel_status otel__resource_parse_env(const char *s, size_t len, otel_attr **out, size_t *n,
                                     otel__arena *a) {
    size_t cap = 1;
    for (size_t i = 0; i < len; i++) cap += s[i] == ',';
    otel_attr *items = otel__arena_alloc(a, cap * sizeof *items);
    if (!items) return OTEL_ERR_NO_MEMORY;
    size_t count = 0, i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && s[j] != ',') j++;
        const char *e = s + i;
        size_t elen = j - i;
        otel__trim(&e, &elen);
        if (elen) {
            const char *eq = memchr(e, '=', elen);
            if (!eq) return OTEL_ERR_PARSE;
            const char *k = e, *v = eq + 1;
            size_t klen = (size_t)(eq - e), vlen = elen - klen - 1;
            otel__trim(&k, &klen);
            otel__trim(&v, &vlen);
            if (!klen) return OTEL_ERR_PARSE;
            char *kd = otel__arena_alloc(a, klen + 1), *vd = otel__arena_alloc(a, vlen + 1);
            if (!kd || !vd) return OTEL_ERR_NO_MEMORY;
            size_t kn = otel__percent_decode(k, klen, kd), vn = otel__percent_decode(v, vlen, vd);
            if (kn == (size_t)-1 || vn == (size_t)-1 || kn == 0) return OTEL_ERR_PARSE;
            if (!otel__utf8_valid(kd, kn) || !otel__utf8_valid(vd, vn)) return OTEL_ERR_PARSE;
            otel_attr *at = &items[count++];
            memset(at, 0, sizeof *at);
            at->key = kd;
            at->key_len = kn;
            at->type = OTEL_VALUE_STRING;
            at->ptr = vd;
            at->len = vn;
        }
        i = j + 1;
    }
    *out = items;
    *n = count;
    return OTEL_OK;
}

static const char *exe_name(void) {
    extern char *program_invocation_short_name;
    return program_invocation_short_name && program_invocation_short_name[0]
               ? program_invocation_short_name
               : "unknown";
}

otel_status otel__resource_default_from(otel_resource **out, const char *attrs,
                                        const char *service_name, int *malformed) {
    *malformed = 0;
    otel_resource *r = resource_alloc();
    if (!r) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_resource_default: out of memory");
    otel_attr sdk[] = {
        {"telemetry.sdk.name", 18, OTEL_VALUE_STRING, 0, 0, 0, "opentelemetry", 13},
        {"telemetry.sdk.language", 22, OTEL_VALUE_STRING, 0, 0, 0, "c", 1},
        {"telemetry.sdk.version", 21, OTEL_VALUE_STRING, 0, 0, 0, OTEL_VERSION_STRING,
         sizeof OTEL_VERSION_STRING - 1},
    };
    otel__attrs_set_many(&r->attrs, &r->arena, sdk, 3, NULL, NULL);

    const char *env = attrs;
    if (env) {
        otel__arena tmp;
        otel__arena_init(&tmp, NULL, 0);
        otel_attr *items;
        size_t n;
        otel_status st = otel__resource_parse_env(env, strlen(env), &items, &n, &tmp);
        if (st == OTEL_OK)
            otel__attrs_set_many(&r->attrs, &r->arena, items, n, NULL, NULL);
        else
            *malformed = 1;
        otel__arena_free(&tmp);
    }
    const char *svc = service_name;
    if (svc) {
        otel_attr a = {"service.name", 12, OTEL_VALUE_STRING, 0, 0, 0, svc, strlen(svc)};
        otel__attrs_set(&r->attrs, &r->arena, &a, NULL, NULL);
    }
    if (!otel__attrs_find(&r->attrs, "service.name", 12)) {
        char name[300];
        int len = snprintf(name, sizeof name, "unknown_service:%s", exe_name());
        if (len < 0) len = 0;
        if ((size_t)len >= sizeof name) len = sizeof name - 1;
        otel_attr a = {"service.name", 12, OTEL_VALUE_STRING, 0, 0, 0, name, (size_t)len};
        otel__attrs_set(&r->attrs, &r->arena, &a, NULL, NULL);
    }
    *out = r;
    return OTEL_OK;
}

OTEL_API otel_status otel_resource_merge(otel_resource **out, const otel_resource *old,
                                         const otel_resource *upd) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_resource_merge: out is NULL");
    otel_resource *r = resource_alloc();
    if (!r) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_resource_merge: out of memory");
    if (old) otel__attrs_set_many(&r->attrs, &r->arena, old->attrs.items, old->attrs.count, NULL, NULL);
    if (upd) otel__attrs_set_many(&r->attrs, &r->arena, upd->attrs.items, upd->attrs.count, NULL, NULL);
    const otel_resource *schema = NULL;
    if (old && old->schema_url_len) schema = old;
    if (upd && upd->schema_url_len) {
        if (schema && (schema->schema_url_len != upd->schema_url_len ||
                       memcmp(schema->schema_url, upd->schema_url, upd->schema_url_len)))
            OTEL_LOG_W("otel_resource_merge: schema URLs differ; keeping the old one");
        else
            schema = upd;
    }
    if (schema && set_schema(r, schema->schema_url, schema->schema_url_len) != OTEL_OK) {
        otel_resource_release(r);
        return otel__fail(OTEL_ERR_NO_MEMORY, "otel_resource_merge: out of memory");
    }
    *out = r;
    return OTEL_OK;
}

OTEL_API otel_resource *otel_resource_retain(otel_resource *r) {
    if (r) atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
    return r;
}

OTEL_API void otel_resource_release(otel_resource *r) {
    if (!r || atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) != 1) return;
    otel__arena_free(&r->arena);
    free(r);
}

OTEL_API size_t otel_resource_attribute_count(const otel_resource *r) {
    return r ? r->attrs.count : 0;
}

OTEL_API otel_status otel_resource_attribute(const otel_resource *r, size_t i, otel_attr *out) {
    if (!r || !out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_resource_attribute: NULL argument");
    if (i >= r->attrs.count) return otel__fail(OTEL_ERR_NOT_FOUND, "otel_resource_attribute: index out of range");
    *out = r->attrs.items[i];
    return OTEL_OK;
}

OTEL_API otel_status otel_resource_find(const otel_resource *r, const char *key, size_t key_len,
                                        otel_attr *out) {
    if (!r || !key || !out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_resource_find: NULL argument");
    const otel_attr *a = otel__attrs_find(&r->attrs, key, key_len);
    if (!a) return otel__fail(OTEL_ERR_NOT_FOUND, "otel_resource_find: no such key");
    *out = *a;
    return OTEL_OK;
}

OTEL_API const char *otel_resource_schema_url(const otel_resource *r, size_t *len) {
    if (len) *len = r ? r->schema_url_len : 0;
    return r ? r->schema_url : "";
}
