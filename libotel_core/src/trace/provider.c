/* Tracer providers, tracers, limits, the global provider and stats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "sdk/options.h"
#include "sdk/pipeline.h"
#include "trace/internal.h"

/* ---- memory references with per-thread credit ----
 * Every recording span keeps its provider's memory alive. A plain shared
 * counter would bounce one cache line between cores on every span, so each
 * thread takes references in blocks and hands them out locally. */
#define CREDIT_BLOCK 64

typedef struct ref_cache {
    otel_tracer_provider *tp;
    int64_t credit;
} ref_cache;
static OTEL__TLS ref_cache tls_refs;
static pthread_key_t refs_key;
static pthread_once_t refs_once = PTHREAD_ONCE_INIT;

static void provider_free(otel_tracer_provider *tp);

static void refs_sub(otel_tracer_provider *tp, int64_t n) {
    if (n && atomic_fetch_sub_explicit(&tp->refs, n, memory_order_acq_rel) == n) provider_free(tp);
}

/* Returns this thread's credit to its provider. */
static void refs_flush(ref_cache *c) {
    otel_tracer_provider *tp = c->tp;
    int64_t n = c->credit;
    c->tp = NULL;
    c->credit = 0;
    if (tp) refs_sub(tp, n);
}

static void refs_thread_exit(void *p) { refs_flush(p); }
static void refs_make_key(void) { pthread_key_create(&refs_key, refs_thread_exit); }

void otel__provider_ref(otel_tracer_provider *tp) {
    ref_cache *c = &tls_refs;
    if (c->tp == tp && c->credit > 0) {
        c->credit--;
        return;
    }
    if (c->tp != tp) {
        refs_flush(c);
        pthread_once(&refs_once, refs_make_key);
        pthread_setspecific(refs_key, c);
        c->tp = tp;
    }
    atomic_fetch_add_explicit(&tp->refs, CREDIT_BLOCK, memory_order_relaxed);
    c->credit += CREDIT_BLOCK - 1;
}

void otel__provider_unref(otel_tracer_provider *tp) {
    ref_cache *c = &tls_refs;
    if (c->tp == tp) {
        if (++c->credit > 4 * CREDIT_BLOCK) {
            int64_t give = c->credit - CREDIT_BLOCK;
            c->credit = CREDIT_BLOCK;
            refs_sub(tp, give);
        }
        return;
    }
    refs_sub(tp, 1);
}

/* ---- limits ---- */

static uint32_t limit(const otel_options *o, const char *specific, const char *general,
                      uint32_t def) {
    int64_t g = otel__opt_int(o, general, def, 0, UINT32_MAX);
    return (uint32_t)otel__opt_int(o, specific, g, 0, UINT32_MAX);
}

void otel__span_limits_from(otel__span_limits *lim, const otel_options *o) {
    lim->attr.count = limit(o, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT", 128);
    lim->attr.value_len = limit(o, "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
                                "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", UINT32_MAX);
    lim->events = (uint32_t)otel__opt_int(o, "OTEL_SPAN_EVENT_COUNT_LIMIT", 128, 0, UINT32_MAX);
    lim->links = (uint32_t)otel__opt_int(o, "OTEL_SPAN_LINK_COUNT_LIMIT", 128, 0, UINT32_MAX);
    int64_t general = otel__opt_int(o, "OTEL_ATTRIBUTE_COUNT_LIMIT", 128, 0, UINT32_MAX);
    lim->event_attr.count =
        (uint32_t)otel__opt_int(o, "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", general, 0, UINT32_MAX);
    lim->link_attr.count =
        (uint32_t)otel__opt_int(o, "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", general, 0, UINT32_MAX);
    lim->event_attr.value_len = lim->attr.value_len;
    lim->link_attr.value_len = lim->attr.value_len;
}

/* ---- provider ---- */

static otel_tracer_provider *provider_alloc(void) {
    otel_tracer_provider *tp = calloc(1, sizeof *tp);
    if (!tp) return NULL;
    atomic_init(&tp->user_refs, 1);
    atomic_init(&tp->refs, 1);
    pthread_mutex_init(&tp->tracers_lock, NULL);
    otel__stats_init(&tp->stats);
    return tp;
}

static void add_processor(otel_tracer_provider *tp, otel_processor *p) {
    tp->processors[tp->n_processors++] = otel_processor_retain(p);
    otel__processor_attach(p, &tp->stats);
    if (p->vt->on_start) tp->any_on_start = 1;
    if (p->vt->on_ending) tp->any_on_ending = 1;
}

OTEL_API otel_status otel_tracer_provider_new(otel_tracer_provider **out,
                                              const otel_options *opts) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_tracer_provider_new: out is NULL");
    otel_tracer_provider *tp = provider_alloc();
    if (!tp) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_tracer_provider_new: out of memory");
    otel__sdk_log_level(opts); /* before anything below logs */
    tp->disabled = otel__opt_bool(opts, "OTEL_SDK_DISABLED", 0);
    otel_status st = otel__sdk_resource(&tp->resource, opts);
    if (st != OTEL_OK) {
        provider_free(tp);
        return st;
    }
    tp->sampler = otel__sdk_sampler(opts);
    otel__span_limits_from(&tp->limits, opts);
    tp->id_fn = otel__options_id_generator(opts, &tp->id_random, &tp->id_data);
    tp->shutdown_timeout_ms =
        (uint32_t)otel__opt_int(opts, "OTEL_BSP_EXPORT_TIMEOUT", 30000, 0, 30000);
    if (!tp->shutdown_timeout_ms) tp->shutdown_timeout_ms = 30000;

    otel_processor *procs[OTEL__MAX_PROCESSORS];
    size_t n = otel__sdk_span_processors(procs, OTEL__MAX_PROCESSORS, opts, tp->disabled);
    for (size_t i = 0; i < n; i++) {
        if (atomic_exchange(&procs[i]->attached, 1))
            OTEL_LOG_W("a span processor can serve one provider only; it is skipped here");
        else
            add_processor(tp, procs[i]);
        otel_processor_release(procs[i]);
    }
    st = otel__options_verdict(opts, "otel_tracer_provider_new");
    if (st != OTEL_OK) {
        otel_tracer_provider_shutdown(tp, 0);
        otel_tracer_provider_release(tp);
        return otel__options_verdict(opts, "otel_tracer_provider_new"); /* its message, after the cleanup */
    }
    *out = tp;
    return OTEL_OK;
}

static void provider_free(otel_tracer_provider *tp) {
    for (size_t i = 0; i < tp->n_processors; i++) otel_processor_release(tp->processors[i]);
    otel_sampler_release(tp->sampler);
    otel_resource_release(tp->resource);
    otel_tracer *t = tp->tracers;
    while (t) {
        otel_tracer *next = t->next;
        otel__arena_free(&t->scope.arena);
        free(t);
        t = next;
    }
    pthread_mutex_destroy(&tp->tracers_lock);
    otel__stats_destroy(&tp->stats);
    free(tp);
}

OTEL_API otel_tracer_provider *otel_tracer_provider_retain(otel_tracer_provider *tp) {
    if (tp) atomic_fetch_add_explicit(&tp->user_refs, 1, memory_order_relaxed);
    return tp;
}

OTEL_API void otel_tracer_provider_release(otel_tracer_provider *tp) {
    if (!tp || atomic_fetch_sub_explicit(&tp->user_refs, 1, memory_order_acq_rel) != 1) return;
    if (!atomic_load(&tp->shut_down)) otel_tracer_provider_shutdown(tp, tp->shutdown_timeout_ms);
    /* Let go of the processors now, not when the last span goes: an
     * exporter that keeps spans (in-memory) would otherwise keep the
     * provider alive through them, and the provider the exporter. Spans
     * that end later see shut_down and never touch the processors. */
    size_t n = tp->n_processors;
    tp->n_processors = 0;
    for (size_t i = 0; i < n; i++) {
        otel_processor_release(tp->processors[i]);
        tp->processors[i] = NULL;
    }
    /* this thread's cached credit on tp goes back too, so tp can go now */
    if (tls_refs.tp == tp) refs_flush(&tls_refs);
    refs_sub(tp, 1);
}

/* `attrs` is the scope's attribute list as it would be stored (invalid and
 * repeated keys already dropped), so equal scopes compare equal. */
static int scope_eq(const struct otel_scope *s, const char *n, size_t nl, const char *v, size_t vl,
                    const char *u, size_t ul, const otel__attrs *attrs) {
    if (s->name_len != nl || s->version_len != vl || s->schema_url_len != ul) return 0;
    if ((nl && memcmp(s->name, n, nl)) || (vl && memcmp(s->version, v, vl)) ||
        (ul && memcmp(s->schema_url, u, ul)))
        return 0;
    return otel__attrs_equal(&s->attrs, attrs);
}

/* The tracer of a scope, if made already (under tracers_lock). */
static otel_tracer *find_tracer(otel_tracer_provider *tp, const char *n, size_t nl, const char *v,
                                size_t vl, const char *u, size_t ul, const otel__attrs *attrs) {
    for (otel_tracer *t = tp->tracers; t; t = t->next)
        if (scope_eq(&t->scope, n, nl, v, vl, u, ul, attrs)) return t;
    return NULL;
}

OTEL_API otel_tracer *otel_tracer_provider_get_tracer_n(otel_tracer_provider *tp, const char *name,
                                                        size_t name_len, const char *version,
                                                        size_t version_len, const char *schema_url,
                                                        size_t schema_url_len,
                                                        const otel_attr *attrs, size_t n_attrs) {
    if (!tp) {
        otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_tracer_provider_get_tracer: provider is NULL");
        return NULL;
    }
    if (!name) name_len = 0;
    if (!version) version_len = 0;
    if (!schema_url) schema_url_len = 0;
    if (!attrs) n_attrs = 0;
    if (!name_len) OTEL_LOG_W("a tracer was requested with an empty name");
    if (!n_attrs) { /* the common case: found without building a scope */
        static const otel__attrs none;
        pthread_mutex_lock(&tp->tracers_lock);
        otel_tracer *o = find_tracer(tp, name, name_len, version, version_len, schema_url,
                                     schema_url_len, &none);
        pthread_mutex_unlock(&tp->tracers_lock);
        if (o) return o;
    }
    otel_tracer *t = calloc(1, sizeof *t);
    if (!t) {
        otel__fail(OTEL_ERR_NO_MEMORY, "otel_tracer_provider_get_tracer: out of memory");
        return NULL;
    }
    otel__arena_init(&t->scope.arena, NULL, 0);
    otel__attrs_set_many(&t->scope.attrs, &t->scope.arena, attrs, n_attrs, NULL, NULL);
    pthread_mutex_lock(&tp->tracers_lock);
    otel_tracer *o = find_tracer(tp, name, name_len, version, version_len, schema_url,
                                 schema_url_len, &t->scope.attrs);
    if (o) {
        pthread_mutex_unlock(&tp->tracers_lock);
        otel__arena_free(&t->scope.arena);
        free(t);
        return o;
    }
    t->scope.name = otel__arena_strndup(&t->scope.arena, name_len ? name : "", name_len);
    t->scope.version = otel__arena_strndup(&t->scope.arena, version_len ? version : "", version_len);
    t->scope.schema_url =
        otel__arena_strndup(&t->scope.arena, schema_url_len ? schema_url : "", schema_url_len);
    if (!t->scope.name || !t->scope.version || !t->scope.schema_url) {
        otel__arena_free(&t->scope.arena);
        free(t);
        pthread_mutex_unlock(&tp->tracers_lock);
        otel__fail(OTEL_ERR_NO_MEMORY, "otel_tracer_provider_get_tracer: out of memory");
        return NULL;
    }
    t->scope.name_len = name_len;
    t->scope.version_len = version_len;
    t->scope.schema_url_len = schema_url_len;
    t->provider = tp;
    t->next = tp->tracers;
    tp->tracers = t;
    pthread_mutex_unlock(&tp->tracers_lock);
    return t;
}

OTEL_API otel_tracer *otel_tracer_provider_get_tracer(otel_tracer_provider *tp, const char *name,
                                                      const char *version,
                                                      const char *schema_url) {
    return otel_tracer_provider_get_tracer_n(tp, name, name ? strlen(name) : 0, version,
                                             version ? strlen(version) : 0, schema_url,
                                             schema_url ? strlen(schema_url) : 0, NULL, 0);
}

OTEL_API int otel_tracer_enabled(const otel_tracer *t) {
    return t && !t->provider->disabled && !atomic_load(&t->provider->shut_down);
}

static uint32_t remaining_ms(uint64_t deadline) {
    if (deadline == UINT64_MAX) return 0;
    uint64_t now = otel__clock_mono_ns();
    if (now >= deadline) return 1; /* already late: give callees a token 1 ms */
    uint64_t ms = (deadline - now + 999999) / 1000000;
    return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

OTEL_API otel_status otel_tracer_provider_force_flush(otel_tracer_provider *tp,
                                                      uint32_t timeout_ms) {
    if (!tp) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_tracer_provider_force_flush: NULL provider");
    if (atomic_load(&tp->shut_down))
        return otel__fail(OTEL_ERR_SHUTDOWN, "otel_tracer_provider_force_flush: provider is shut down");
    uint64_t deadline = otel__deadline_ms(timeout_ms);
    otel_status result = OTEL_OK;
    for (size_t i = 0; i < tp->n_processors; i++) {
        otel_processor *p = tp->processors[i];
        if (!p->vt->force_flush) continue;
        otel_status st = p->vt->force_flush(p, remaining_ms(deadline));
        if (st != OTEL_OK && result == OTEL_OK) result = st;
    }
    if (result != OTEL_OK)
        return otel__fail(result, "otel_tracer_provider_force_flush: %s", otel_status_str(result));
    return OTEL_OK;
}

OTEL_API otel_status otel_tracer_provider_shutdown(otel_tracer_provider *tp, uint32_t timeout_ms) {
    if (!tp) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_tracer_provider_shutdown: NULL provider");
    if (atomic_exchange(&tp->shut_down, 1))
        return otel__fail(OTEL_ERR_SHUTDOWN, "otel_tracer_provider_shutdown: already shut down");
    uint64_t deadline = otel__deadline_ms(timeout_ms);
    otel_status result = OTEL_OK;
    for (size_t i = 0; i < tp->n_processors; i++) {
        otel_processor *p = tp->processors[i];
        if (!p->vt->shutdown) continue;
        otel_status st = p->vt->shutdown(p, remaining_ms(deadline));
        if (st != OTEL_OK && result == OTEL_OK) result = st;
    }
    if (result != OTEL_OK)
        return otel__fail(result, "otel_tracer_provider_shutdown: %s", otel_status_str(result));
    return OTEL_OK;
}

OTEL_API const otel_resource *otel_tracer_provider_resource(const otel_tracer_provider *tp) {
    return tp ? tp->resource : NULL;
}

/* ---- global ---- */

static otel_tracer_provider *noop;
static pthread_once_t noop_once = PTHREAD_ONCE_INIT;
static _Atomic(otel_tracer_provider *) global;
static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;

static void make_noop(void) {
    noop = provider_alloc();
    if (noop) noop->disabled = 1;
}

OTEL_API otel_tracer_provider *otel_tracer_provider_global_borrowed(void) {
    otel_tracer_provider *tp = atomic_load_explicit(&global, memory_order_acquire);
    if (tp) return tp;
    pthread_once(&noop_once, make_noop);
    return noop;
}

OTEL_API otel_tracer_provider *otel_tracer_provider_get_global(void) {
    /* under the lock set_global exchanges under, so the provider cannot be
     * released between the load and the retain */
    pthread_mutex_lock(&global_lock);
    otel_tracer_provider *tp =
        otel_tracer_provider_retain(atomic_load_explicit(&global, memory_order_acquire));
    pthread_mutex_unlock(&global_lock);
    return tp;
}

OTEL_API void otel_tracer_provider_set_global(otel_tracer_provider *tp) {
    pthread_mutex_lock(&global_lock);
    otel_tracer_provider *old = atomic_exchange(&global, otel_tracer_provider_retain(tp));
    pthread_mutex_unlock(&global_lock);
    otel_tracer_provider_release(old);
}

/* ---- stats ---- */

static const char *const stat_names[OTEL_STAT__COUNT] = {
    "spans_started",         "spans_not_sampled",     "spans_ended",
    "spans_queued",          "queue_bytes",           "spans_exported",
    "dropped_queue_full",    "dropped_export_failed", "dropped_shutdown",
    "dropped_too_large",     "dropped_rejected",      "dropped_attributes",
    "dropped_events",        "dropped_links",         "truncated_values",
    "invalid_input",         "export_batches",        "export_errors",
    "export_retries",        "last_export_time_ns",   "last_error_time_ns",
};

OTEL_API const char *otel_stat_name(int stat) {
    return stat >= 0 && stat < OTEL_STAT__COUNT ? stat_names[stat] : NULL;
}

OTEL_API size_t otel_tracer_provider_get_stats(const otel_tracer_provider *tp, uint64_t *out,
                                               size_t n) {
    if (!tp || !out) return 0;
    size_t k = n < OTEL_STAT__COUNT ? n : OTEL_STAT__COUNT;
    for (size_t i = 0; i < k; i++) out[i] = otel__stats_get(&tp->stats, (otel_stat)i);
    return k;
}

OTEL_API size_t otel_tracer_provider_last_error(const otel_tracer_provider *tp, char *buf,
                                                size_t cap) {
    if (!tp) {
        if (buf && cap) buf[0] = '\0';
        return 0;
    }
    return otel__stats_last_error(&tp->stats, buf, cap);
}

/* Appends to a bounded buffer, tracking the full length. */
typedef struct jbuf {
    char *p;
    size_t cap, len;
} jbuf;

static void jput(jbuf *b, const char *s, size_t n) {
    if (b->len < b->cap) {
        size_t room = b->cap - b->len;
        memcpy(b->p + b->len, s, n < room ? n : room);
    }
    b->len += n;
}

OTEL_API size_t otel_tracer_provider_stats_json(const otel_tracer_provider *tp, char *buf,
                                                size_t cap) {
    uint64_t v[OTEL_STAT__COUNT] = {0};
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    jbuf b = {buf, cap ? cap - 1 : 0, 0};
    char tmp[96];
    jput(&b, "{", 1);
    for (int i = 0; i < OTEL_STAT__COUNT; i++) {
        int n = snprintf(tmp, sizeof tmp, "%s\"%s\":%llu", i ? "," : "", stat_names[i],
                         (unsigned long long)v[i]);
        jput(&b, tmp, (size_t)n);
    }
    char err[256];
    size_t elen = otel_tracer_provider_last_error(tp, err, sizeof err);
    if (elen >= sizeof err) elen = sizeof err - 1;
    /* process-wide: the diagnostics queue is shared by every provider */
    int dn = snprintf(tmp, sizeof tmp, ",\"diagnostics_dropped\":%llu",
                      (unsigned long long)otel__log_dropped());
    jput(&b, tmp, (size_t)dn);
    jput(&b, ",\"last_error\":\"", 15);
    for (size_t i = 0; i < elen; i++) {
        unsigned char c = (unsigned char)err[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            jput(&b, e, 2);
        } else if (c < 0x20) {
            int n = snprintf(tmp, sizeof tmp, "\\u%04x", c);
            jput(&b, tmp, (size_t)n);
        } else {
            jput(&b, (const char *)&c, 1);
        }
    }
    jput(&b, "\"}", 2);
    if (buf && cap) buf[b.len < cap ? b.len : cap - 1] = '\0';
    return b.len;
}
