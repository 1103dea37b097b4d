/* Meters: one per instrumentation scope (name, version, schema URL,
 * attributes), found or made by the provider. */
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/attrs.h"
#include "common/log.h"
#include "metrics/internal.h"

void otel__metrics_meter_free(otel_meter *m) {
    pthread_mutex_destroy(&m->lock);
    free(m->name), free(m->version), free(m->schema_url);
    otel__arena_free(&m->arena);
    free(m);
}

static int str_is(const char *stored, const char *s, size_t n) {
    return strlen(stored) == n && (!n || memcmp(stored, s, n) == 0);
}

/* The meter of a scope, if made already (under the provider's lock).
 * `attrs` is the scope's list as stored (invalid and repeated keys gone). */
static otel_meter *find_meter(otel_meter_provider *mp, const char *n, size_t nl, const char *v, size_t vl,
                              const char *u, size_t ul, const otel__attrs *attrs) {
    for (otel_meter *m = mp->meters; m; m = m->next)
        if (str_is(m->name, n, nl) && str_is(m->version, v, vl) && str_is(m->schema_url, u, ul) &&
            otel__attrs_equal(&m->attrs, attrs))
            return m;
    return NULL;
}

OTEL_API otel_meter *otel_meter_provider_get_meter_n(otel_meter_provider *mp, const char *name,
                                                     size_t name_len, const char *version,
                                                     size_t version_len, const char *schema_url,
                                                     size_t schema_url_len, const otel_attr *attrs,
                                                     size_t n_attrs) {
    if (!mp) return NULL;
    if (!name) name_len = 0;
    if (!version) version_len = 0;
    if (!schema_url) schema_url_len = 0;
    if (!attrs) n_attrs = 0;
    if (!name_len) OTEL_LOG_W("metrics: a meter was asked for without a name");
    if (!n_attrs) { /* the common case: found without building a scope */
        static const otel__attrs none;
        pthread_mutex_lock(&mp->lock);
        otel_meter *m = find_meter(mp, name, name_len, version, version_len, schema_url, schema_url_len, &none);
        pthread_mutex_unlock(&mp->lock);
        if (m) return m;
    }
    otel_meter *fresh = calloc(1, sizeof *fresh);
    if (!fresh) return NULL;
    otel__arena_init(&fresh->arena, NULL, 0);
    pthread_mutex_init(&fresh->lock, NULL);
    fresh->provider = mp;
    fresh->name = strndup(name_len ? name : "", name_len);
    fresh->version = strndup(version_len ? version : "", version_len);
    fresh->schema_url = strndup(schema_url_len ? schema_url : "", schema_url_len);
    otel__attrs_set_many(&fresh->attrs, &fresh->arena, attrs, n_attrs, NULL, NULL);
    if (!fresh->name || !fresh->version || !fresh->schema_url) {
        otel__metrics_meter_free(fresh);
        return NULL;
    }
    pthread_mutex_lock(&mp->lock);
    otel_meter *m = find_meter(mp, name, name_len, version, version_len, schema_url, schema_url_len,
                               &fresh->attrs);
    if (!m) {
        fresh->next = mp->meters;
        mp->meters = fresh;
    }
    pthread_mutex_unlock(&mp->lock);
    if (!m) return fresh;
    otel__metrics_meter_free(fresh);
    return m;
}

OTEL_API otel_meter *otel_meter_provider_get_meter(otel_meter_provider *mp, const char *name,
                                                   const char *version, const char *schema_url) {
    return otel_meter_provider_get_meter_n(mp, name, name ? strlen(name) : 0, version,
                                           version ? strlen(version) : 0, schema_url,
                                           schema_url ? strlen(schema_url) : 0, NULL, 0);
}
