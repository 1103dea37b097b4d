/* The options handle (otel_options_*) and the typed readers every module
 * uses: code over environment, the specification's parsing rules. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "common/strutil.h"
#include "sdk/option_table.h"
#include "sdk/options.h"
#include "otel/export.h"
#include "otel/sampler.h"

#define OTEL__MAX_PROCESSORS 16

typedef struct option_kv {
    char *name;
    char *value;
} option_kv;

struct otel_options {
    option_kv *kv;
    size_t n, cap;
    otel_resource *resource;
    otel_sampler *sampler;
    otel_processor *processors[OTEL__MAX_PROCESSORS];
    size_t n_processors;
    otel_id_generator_fn id_fn;
    void *id_data;
    int id_random;
    int strict;
    _Atomic int failed; /* strict: a value set in code was rejected */
    char bad[256];
};

OTEL_API otel_status otel_options_new(otel_options **out) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_options_new: out is NULL");
    *out = calloc(1, sizeof **out);
    if (!*out) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_options_new: out of memory");
    return OTEL_OK;
}

OTEL_API void otel_options_free(otel_options *o) {
    if (!o) return;
    for (size_t i = 0; i < o->n; i++) {
        free(o->kv[i].name);
        free(o->kv[i].value);
    }
    free(o->kv);
    otel_resource_release(o->resource);
    otel_sampler_release(o->sampler);
    for (size_t i = 0; i < o->n_processors; i++) otel_processor_release(o->processors[i]);
    free(o);
}

static option_kv *find_kv(const otel_options *o, const char *name, size_t len) {
    for (size_t i = 0; i < o->n; i++)
        if (strlen(o->kv[i].name) == len && memcmp(o->kv[i].name, name, len) == 0) return &o->kv[i];
    return NULL;
}

OTEL_API otel_status otel_options_set_n(otel_options *o, const char *name, size_t name_len,
                                        const char *value, size_t value_len) {
    if (!o || !name)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_options_set: NULL options or name");
    if (!otel__option_find(name, name_len))
        return otel__fail(OTEL_ERR_NOT_FOUND, "otel_options_set: unknown option '%.*s'",
                          (int)(name_len > 80 ? 80 : name_len), name);
    option_kv *kv = find_kv(o, name, name_len);
    atomic_store(&o->failed, 0); /* a new value gets a new verdict */
    if (!value) {
        if (kv) {
            free(kv->name);
            free(kv->value);
            *kv = o->kv[--o->n];
        }
        return OTEL_OK;
    }
    char *v = otel__strndup(value, value_len);
    if (!v) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_options_set: out of memory");
    if (kv) {
        free(kv->value);
        kv->value = v;
        return OTEL_OK;
    }
    if (o->n == o->cap) {
        size_t ncap = o->cap ? o->cap * 2 : 8;
        option_kv *nkv = realloc(o->kv, ncap * sizeof *nkv);
        if (!nkv) {
            free(v);
            return otel__fail(OTEL_ERR_NO_MEMORY, "otel_options_set: out of memory");
        }
        o->kv = nkv;
        o->cap = ncap;
    }
    char *n = otel__strndup(name, name_len);
    if (!n) {
        free(v);
        return otel__fail(OTEL_ERR_NO_MEMORY, "otel_options_set: out of memory");
    }
    o->kv[o->n].name = n;
    o->kv[o->n].value = v;
    o->n++;
    return OTEL_OK;
}

OTEL_API otel_status otel_options_set(otel_options *o, const char *name, const char *value) {
    return otel_options_set_n(o, name, name ? strlen(name) : 0, value, value ? strlen(value) : 0);
}

OTEL_API otel_status otel_options_set_strict(otel_options *o, int strict) {
    if (!o) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_options_set_strict: NULL options");
    o->strict = strict != 0;
    return OTEL_OK;
}

void otel__options_reject(const otel_options *co, const char *name, const char *fmt, ...) {
    otel_options *o = (otel_options *)co; /* the verdict is the handle's only mutable state */
    if (!o || !o->strict || !name || !find_kv(o, name, strlen(name))) return;
    if (atomic_exchange(&o->failed, 1)) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->bad, sizeof o->bad, fmt, ap);
    va_end(ap);
}

int otel__options_failed(const otel_options *o) { return o && atomic_load(&o->failed); }

otel_status otel__options_verdict(const otel_options *o, const char *what) {
    if (!otel__options_failed(o)) return OTEL_OK;
    return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "%s: %s", what, o->bad);
}

/* The effective value of any name (code, else environment; empty is unset). */
static const char *lookup(const otel_options *o, const char *name) {
    if (o) {
        option_kv *kv = find_kv(o, name, strlen(name));
        if (kv) return kv->value[0] ? kv->value : NULL;
    }
    const char *v = getenv(name);
    return v && v[0] ? v : NULL;
}

const char *otel__opt_str(const otel_options *o, const char *name) {
    if (!name) return NULL;
    if (!otel__option_find(name, strlen(name))) {
        OTEL_LOG_E("internal: option %.80s is read but not in the option table", name);
#ifdef OTEL_UNITTEST
        abort(); /* the tests reach every read: an unlisted name fails them */
#endif
        return NULL;
    }
    return lookup(o, name);
}

OTEL_API const char *otel_options_get(const otel_options *o, const char *name) {
    return name ? lookup(o, name) : NULL;
}

int otel__opt_bool(const otel_options *o, const char *name, int def) {
    const char *v = otel__opt_str(o, name);
    if (!v) return def;
    size_t len = strlen(v);
    const char *t = v;
    otel__trim(&t, &len);
    if (otel__ascii_ieq(t, len, "true", 4)) return 1;
    if (!otel__ascii_ieq(t, len, "false", 5)) {
        OTEL_LOG_W("%s: '%.*s' is not a boolean; treating it as false", name,
                   (int)(len > 40 ? 40 : len), t);
        otel__options_reject(o, name, "%s: '%.*s' is not a boolean (true or false)", name,
                             (int)(len > 40 ? 40 : len), t);
    }
    return 0;
}

int64_t otel__opt_int(const otel_options *o, const char *name, int64_t def, int64_t min,
                      int64_t max) {
    const char *v = otel__opt_str(o, name);
    if (!v) return def;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    while (*end == ' ' || *end == '\t') end++;
    if (errno || end == v || *end || x < min || x > max) {
        OTEL_LOG_W("%s: '%.40s' is not an integer in [%lld, %lld]; using %lld", name, v,
                   (long long)min, (long long)max, (long long)def);
        otel__options_reject(o, name, "%s: '%.40s' is not an integer in [%lld, %lld]", name, v,
                             (long long)min, (long long)max);
        return def;
    }
    return x;
}

double otel__opt_double(const otel_options *o, const char *name, double def, double min,
                        double max) {
    const char *v = otel__opt_str(o, name);
    if (!v) return def;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    while (*end == ' ' || *end == '\t') end++;
    if (errno || end == v || *end || isnan(x) || x < min || x > max) {
        OTEL_LOG_W("%s: '%.40s' is not a number in [%g, %g]; using %g", name, v, min, max, def);
        otel__options_reject(o, name, "%s: '%.40s' is not a number in [%g, %g]", name, v, min, max);
        return def;
    }
    return x;
}

int otel__opt_enum(const otel_options *o, const char *name, const char *const *choices, int def) {
    const char *v = otel__opt_str(o, name);
    if (!v) return def;
    size_t len = strlen(v);
    const char *t = v;
    otel__trim(&t, &len);
    for (int i = 0; choices[i]; i++)
        if (otel__ascii_ieq(t, len, choices[i], strlen(choices[i]))) return i;
    OTEL_LOG_W("%s: unknown value '%.40s'; ignored", name, v);
    char list[160] = "";
    for (int i = 0; choices[i] && strlen(list) + strlen(choices[i]) + 3 < sizeof list; i++) {
        if (i) strcat(list, ", ");
        strcat(list, choices[i]);
    }
    otel__options_reject(o, name, "%s: unknown value '%.40s' (one of: %s)", name, v, list);
    return def;
}

OTEL_API otel_status otel_options_set_resource(otel_options *o, otel_resource *r) {
    if (!o) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_options_set_resource: NULL options");
    otel_resource_retain(r);
    otel_resource_release(o->resource);
    o->resource = r;
    return OTEL_OK;
}

OTEL_API otel_status otel_options_set_sampler(otel_options *o, otel_sampler *s) {
    if (!o) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_options_set_sampler: NULL options");
    otel_sampler_retain(s);
    otel_sampler_release(o->sampler);
    o->sampler = s;
    return OTEL_OK;
}

OTEL_API otel_status otel_options_add_processor(otel_options *o, otel_processor *p) {
    if (!o || !p)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_options_add_processor: NULL argument");
    if (o->n_processors == OTEL__MAX_PROCESSORS)
        return otel__fail(OTEL_ERR_LIMIT, "otel_options_add_processor: at most %d processors",
                          OTEL__MAX_PROCESSORS);
    o->processors[o->n_processors++] = otel_processor_retain(p);
    return OTEL_OK;
}

OTEL_API otel_status otel_options_set_id_generator(otel_options *o, otel_id_generator_fn fn,
                                                   int random, void *user_data) {
    if (!o)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_options_set_id_generator: NULL options");
    o->id_fn = fn;
    o->id_random = random != 0;
    o->id_data = user_data;
    return OTEL_OK;
}

otel_resource *otel__options_resource(const otel_options *o) { return o ? o->resource : NULL; }
otel_sampler *otel__options_sampler(const otel_options *o) { return o ? o->sampler : NULL; }

size_t otel__options_processors(const otel_options *o, otel_processor *const **out) {
    if (!o) {
        *out = NULL;
        return 0;
    }
    *out = o->processors;
    return o->n_processors;
}

otel_id_generator_fn otel__options_id_generator(const otel_options *o, int *random,
                                                void **user_data) {
    if (!o || !o->id_fn) return NULL;
    *random = o->id_random;
    *user_data = o->id_data;
    return o->id_fn;
}
