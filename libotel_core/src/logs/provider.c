/* Logger providers, loggers, emit and Enabled, the global provider and the
 * logs stats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "sdk/options.h"
#include "sdk/pipeline.h"
#include "common/error.h"
#include "common/log.h"
#include "common/resource.h"
#include "common/strutil.h"
#include "export/otlp_buf.h"
#include "export/otlp_encode.h"
#include "logs/internal.h"

/* ---- memory references ---- */

static void provider_free(otel_logger_provider *lp);

void otel__logger_provider_unref(otel_logger_provider *lp) {
    if (atomic_fetch_sub_explicit(&lp->refs, 1, memory_order_acq_rel) == 1) provider_free(lp);
}

/* ---- provider ---- */

static otel_logger_provider *provider_alloc(void) {
    otel_logger_provider *lp = calloc(1, sizeof *lp);
    if (!lp) return NULL;
    atomic_init(&lp->user_refs, 1);
    atomic_init(&lp->refs, 1);
    pthread_mutex_init(&lp->loggers_lock, NULL);
    otel__stats_init(&lp->stats);
    lp->limits.count = 128;
    lp->limits.value_len = UINT32_MAX;
    return lp;
}

static void add_processor(otel_logger_provider *lp, otel_log_processor *p) {
    if (lp->n_processors == OTEL__LOG_MAX_PROCESSORS) {
        OTEL_LOG_W("a logger provider takes at most %d processors; one is skipped",
                   OTEL__LOG_MAX_PROCESSORS);
        return;
    }
    if (atomic_exchange(&p->attached, 1)) {
        OTEL_LOG_W("a log processor can serve one provider only; it is skipped here");
        return;
    }
    lp->processors[lp->n_processors++] = otel_log_processor_retain(p);
    otel__log_processor_attach(p, &lp->stats);
    if (p->vt->enabled) lp->any_enabled_fn = 1;
}

static otel_status provider_new(otel_logger_provider **out, const otel_options *opts,
                                otel_log_processor *const *procs, size_t n, int from_env) {
    if (!out) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_logger_provider_new: out is NULL");
    *out = NULL;
    if (n && !procs)
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_logger_provider_new_with: processors is NULL");
    otel_logger_provider *lp = provider_alloc();
    if (!lp) return otel__fail(OTEL_ERR_NO_MEMORY, "otel_logger_provider_new: out of memory");
    otel__sdk_log_level(opts);
    lp->disabled = otel__opt_bool(opts, "OTEL_SDK_DISABLED", 0);
    otel_status st = otel__sdk_resource(&lp->resource, opts);
    if (st != OTEL_OK) {
        provider_free(lp);
        return st;
    }
    int64_t gc = otel__opt_int(opts, "OTEL_ATTRIBUTE_COUNT_LIMIT", 128, 0, UINT32_MAX);
    int64_t gl = otel__opt_int(opts, "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", UINT32_MAX, 0, UINT32_MAX);
    lp->limits.count = (uint32_t)otel__opt_int(opts, "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", gc, 0, UINT32_MAX);
    lp->limits.value_len =
        (uint32_t)otel__opt_int(opts, "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", gl, 0, UINT32_MAX);
    lp->shutdown_timeout_ms = 30000;
    for (size_t i = 0; i < n; i++)
        if (procs[i]) add_processor(lp, procs[i]);
    if (from_env && !lp->disabled) {
        otel_log_exporter *e = NULL;
        st = otel__log_exporter_from_env(&e, opts);
        if (st != OTEL_OK) {
            otel_logger_provider_release(lp);
            return st;
        }
        if (e) {
            otel_log_processor *p = NULL;
            st = otel_log_processor_batch_new(&p, e, opts);
            otel_log_exporter_release(e);
            if (st != OTEL_OK) {
                otel_logger_provider_release(lp);
                return st;
            }
            add_processor(lp, p);
            otel_log_processor_release(p);
        }
    }
    st = otel__options_verdict(opts, "otel_logger_provider_new");
    if (st != OTEL_OK) {
        otel_logger_provider_shutdown(lp, 0);
        otel_logger_provider_release(lp);
        return otel__options_verdict(opts, "otel_logger_provider_new");
    }
    *out = lp;
    return OTEL_OK;
}

OTEL_API otel_status otel_logger_provider_new(otel_logger_provider **out, const otel_options *opts) {
    return provider_new(out, opts, NULL, 0, 1);
}

OTEL_API otel_status otel_logger_provider_new_with(otel_logger_provider **out,
                                                   const otel_options *opts,
                                                   otel_log_processor *const *processors, size_t n) {
    return provider_new(out, opts, processors, n, 0);
}

static void provider_free(otel_logger_provider *lp) {
    for (size_t i = 0; i < lp->n_processors; i++) otel_log_processor_release(lp->processors[i]);
    lp->n_processors = 0;
    otel_resource_release(lp->resource);
    otel_logger *l = lp->loggers;
    while (l) {
        otel_logger *next = l->next;
        otel__arena_free(&l->arena);
        free(l);
        l = next;
    }
    pthread_mutex_destroy(&lp->loggers_lock);
    otel__stats_destroy(&lp->stats);
    free(lp);
}

OTEL_API otel_logger_provider *otel_logger_provider_retain(otel_logger_provider *lp) {
    if (lp) atomic_fetch_add_explicit(&lp->user_refs, 1, memory_order_relaxed);
    return lp;
}

OTEL_API void otel_logger_provider_release(otel_logger_provider *lp) {
    if (!lp || atomic_fetch_sub_explicit(&lp->user_refs, 1, memory_order_acq_rel) != 1) return;
    if (!atomic_load(&lp->shut_down)) otel_logger_provider_shutdown(lp, lp->shutdown_timeout_ms);
    /* the processors go now, not with the memory: an in-memory exporter's
     * records keep the provider's memory, and must not keep it from them */
    size_t n = lp->n_processors;
    lp->n_processors = 0;
    for (size_t i = 0; i < n; i++) otel_log_processor_release(lp->processors[i]);
    otel__logger_provider_unref(lp);
}

static uint32_t ms_left(uint64_t deadline) {
    if (deadline == UINT64_MAX) return 0;
    uint64_t now = otel__clock_mono_ns();
    return now >= deadline ? 1 : (uint32_t)((deadline - now) / 1000000ull + 1);
}

OTEL_API otel_status otel_logger_provider_force_flush(otel_logger_provider *lp, uint32_t timeout_ms) {
    if (!lp) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_logger_provider_force_flush: NULL provider");
    if (atomic_load(&lp->shut_down))
        return otel__fail(OTEL_ERR_SHUTDOWN, "otel_logger_provider_force_flush: already shut down");
    uint64_t deadline = otel__deadline_ms(timeout_ms);
    otel_status worst = OTEL_OK;
    for (size_t i = 0; i < lp->n_processors; i++) {
        otel_log_processor *p = lp->processors[i];
        if (!p->vt->force_flush) continue;
        otel_status s = p->vt->force_flush(p, ms_left(deadline));
        if (s != OTEL_OK && worst == OTEL_OK) worst = s;
    }
    return worst;
}

OTEL_API otel_status otel_logger_provider_shutdown(otel_logger_provider *lp, uint32_t timeout_ms) {
    if (!lp) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_logger_provider_shutdown: NULL provider");
    if (atomic_exchange(&lp->shut_down, 1))
        return otel__fail(OTEL_ERR_SHUTDOWN, "otel_logger_provider_shutdown: already shut down");
    uint64_t deadline = otel__deadline_ms(timeout_ms);
    otel_status worst = OTEL_OK;
    for (size_t i = 0; i < lp->n_processors; i++) {
        otel_log_processor *p = lp->processors[i];
        if (atomic_exchange(&p->shut_down, 1) || !p->vt->shutdown) continue;
        otel_status s = p->vt->shutdown(p, ms_left(deadline));
        if (s != OTEL_OK && worst == OTEL_OK) worst = s;
    }
    return worst;
}

OTEL_API const otel_resource *otel_logger_provider_resource(const otel_logger_provider *lp) {
    return lp ? lp->resource : NULL;
}

/* ---- loggers ---- */

static int str_eq(const char *a, size_t alen, const char *b, size_t blen) {
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static const char *scope_str(otel__arena *a, const char *s, size_t len, size_t *out_len) {
    if (!s) len = 0;
    if (len && !otel__utf8_valid(s, len)) {
        char *fixed = otel__arena_alloc(a, len * 3 + 1);
        if (!fixed) return NULL;
        len = otel__utf8_repair(s, len, fixed);
        fixed[len] = '\0';
        *out_len = len;
        return fixed;
    }
    *out_len = len;
    return otel__arena_strndup(a, s ? s : "", len);
}

OTEL_API otel_logger *otel_logger_provider_get_logger_n(otel_logger_provider *lp,
                                                        const char *name, size_t name_len,
                                                        const char *version, size_t version_len,
                                                        const char *schema_url, size_t schema_url_len,
                                                        const otel_attr *attrs, size_t n_attrs) {
    if (!lp) return NULL;
    if (!name) name_len = 0;
    if (!version) version_len = 0;
    if (!schema_url) schema_url_len = 0;
    if (!attrs) n_attrs = 0;
    pthread_mutex_lock(&lp->loggers_lock);
    otel_logger *l;
    for (l = lp->loggers; l; l = l->next) {
        if (!str_eq(l->name, l->name_len, name, name_len) ||
            !str_eq(l->version, l->version_len, version, version_len) ||
            !str_eq(l->schema_url, l->schema_url_len, schema_url, schema_url_len))
            continue;
        /* the same scope attributes, too */
        otel__attrs want = {0};
        otel__arena tmp;
        otel__arena_init(&tmp, NULL, 0);
        otel__limits_attr lim = {UINT32_MAX, UINT32_MAX};
        otel__attrs_set_many(&want, &tmp, attrs, n_attrs, &lim, NULL);
        int same = otel__attrs_equal(&want, &l->attrs);
        otel__arena_free(&tmp);
        if (same) break;
    }
    if (!l) {
        if (!name_len) OTEL_LOG_W("a logger was asked for with an empty name");
        l = calloc(1, sizeof *l);
        if (l) {
            l->lp = lp;
            otel__arena_init(&l->arena, NULL, 0);
            otel__limits_attr lim = {UINT32_MAX, UINT32_MAX};
            l->name = scope_str(&l->arena, name, name_len, &l->name_len);
            l->version = scope_str(&l->arena, version, version_len, &l->version_len);
            l->schema_url = scope_str(&l->arena, schema_url, schema_url_len, &l->schema_url_len);
            otel__attrs_set_many(&l->attrs, &l->arena, attrs, n_attrs, &lim, &lp->stats);
            if (!l->name || !l->version || !l->schema_url) {
                otel__arena_free(&l->arena);
                free(l);
                l = NULL;
            } else {
                l->next = lp->loggers;
                lp->loggers = l;
            }
        }
    }
    pthread_mutex_unlock(&lp->loggers_lock);
    return l;
}

OTEL_API otel_logger *otel_logger_provider_get_logger(otel_logger_provider *lp, const char *name,
                                                      const char *version, const char *schema_url) {
    return otel_logger_provider_get_logger_n(lp, name, name ? strlen(name) : 0, version,
                                             version ? strlen(version) : 0, schema_url,
                                             schema_url ? strlen(schema_url) : 0, NULL, 0);
}

static inline int provider_live(const otel_logger_provider *lp) {
    return !lp->disabled && lp->n_processors &&
           !atomic_load_explicit(&((otel_logger_provider *)lp)->shut_down, memory_order_relaxed);
}

OTEL_API int otel_logger_enabled(const otel_logger *lg, int severity, const char *event_name,
                                 size_t event_name_len) {
    if (!lg || !provider_live(lg->lp)) return 0;
    const otel_logger_provider *lp = lg->lp;
    if (!lp->any_enabled_fn) return 1;
    if (!event_name) event_name_len = 0;
    for (size_t i = 0; i < lp->n_processors; i++) {
        otel_log_processor *p = lp->processors[i];
        if (!p->vt->enabled || p->vt->enabled(p, severity, event_name ? event_name : "", event_name_len))
            return 1;
    }
    return 0;
}

/* ---- records ---- */

OTEL_API otel_log_record *otel_logger_record_new(otel_logger *lg) {
    if (!lg || !provider_live(lg->lp)) {
        if (lg && !lg->lp->disabled && lg->lp->n_processors) { /* shut down: counted */
            otel__stats_add(&lg->lp->stats, OTEL__LOGS_EMITTED, 1);
            otel__stats_add(&lg->lp->stats, OTEL_STAT_DROPPED_SHUTDOWN, 1);
        }
        return NULL;
    }
    otel_log_record *r = otel__log_record_alloc();
    if (!r) return NULL;
    memset(r, 0, offsetof(otel_log_record, inline_buf));
    atomic_init(&r->refs, 1);
    r->logger = lg;
    r->observed_ns = otel__clock_real_ns();
    otel__arena_init(&r->arena, r->inline_buf, sizeof r->inline_buf);
    atomic_fetch_add_explicit(&lg->lp->refs, 1, memory_order_relaxed);
    return r;
}

OTEL_API void otel_logger_emit(otel_logger *lg, otel_log_record *rec) {
    if (!rec) return;
    otel_logger_provider *lp = rec->logger->lp;
    if (!lg || lg->lp != lp) {
        otel__stats_add(&lp->stats, OTEL_STAT_INVALID_INPUT, 1);
        otel__log_record_release(rec);
        return;
    }
    if (__builtin_expect(atomic_load_explicit(&lp->shut_down, memory_order_relaxed), 0)) {
        otel__stats_add(&lp->stats, OTEL__LOGS_EMITTED, 1);
        otel__stats_add(&lp->stats, OTEL_STAT_DROPPED_SHUTDOWN, 1);
        otel__log_record_release(rec);
        return;
    }
    if (!rec->ctx_set) otel_log_record_set_context(rec, NULL);
    otel__stats_add(&lp->stats, OTEL__LOGS_EMITTED, 1);
    /* every processor but the last may keep the record: each batch takes
     * a reference; custom ones see it in order and may change it */
    for (size_t i = 0; i < lp->n_processors; i++) {
        otel_log_processor *p = lp->processors[i];
        if (p->vt->on_emit) p->vt->on_emit(p, rec);
    }
    otel__log_record_release(rec);
}

OTEL_API void otel_logger_emit_str(otel_logger *lg, int severity, const char *body,
                                   const otel_attr *attrs, size_t n_attrs) {
    otel_log_record *r = otel_logger_record_new(lg);
    if (!r) return;
    otel_log_record_set_severity(r, severity);
    if (body) otel_log_record_set_body_str(r, body, strlen(body));
    if (n_attrs) otel_log_record_set_attrs(r, attrs, n_attrs);
    otel_logger_emit(lg, r);
}

/* ---- global ---- */

static otel_logger_provider *noop;
static pthread_once_t noop_once = PTHREAD_ONCE_INIT;
static _Atomic(otel_logger_provider *) global;
static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;

static void make_noop(void) {
    noop = provider_alloc();
    if (noop) noop->disabled = 1;
}

OTEL_API otel_logger_provider *otel_logger_provider_global(void) {
    otel_logger_provider *lp = atomic_load_explicit(&global, memory_order_acquire);
    if (lp) return lp;
    pthread_once(&noop_once, make_noop);
    return noop;
}

OTEL_API void otel_logger_provider_set_global(otel_logger_provider *lp) {
    pthread_mutex_lock(&global_lock);
    otel_logger_provider *old = atomic_exchange(&global, otel_logger_provider_retain(lp));
    pthread_mutex_unlock(&global_lock);
    otel_logger_provider_release(old);
}

/* ---- stats ---- */

static const struct {
    const char *name;
    otel_stat slot;
} log_stats[OTEL_LOG_STAT__COUNT] = {
    {"records_emitted", OTEL__LOGS_EMITTED},
    {"records_queued", OTEL__LOGS_QUEUED},
    {"records_exported", OTEL__LOGS_EXPORTED},
    {"dropped_queue_full", OTEL_STAT_DROPPED_QUEUE_FULL},
    {"dropped_export_failed", OTEL_STAT_DROPPED_EXPORT_FAILED},
    {"dropped_shutdown", OTEL_STAT_DROPPED_SHUTDOWN},
    {"dropped_too_large", OTEL_STAT_DROPPED_TOO_LARGE},
    {"dropped_rejected", OTEL_STAT_DROPPED_REJECTED},
    {"dropped_attributes", OTEL_STAT_DROPPED_ATTRIBUTES},
    {"truncated_values", OTEL_STAT_TRUNCATED_VALUES},
    {"invalid_input", OTEL_STAT_INVALID_INPUT},
    {"export_batches", OTEL_STAT_EXPORT_BATCHES},
    {"export_errors", OTEL_STAT_EXPORT_ERRORS},
    {"export_retries", OTEL_STAT_EXPORT_RETRIES},
    {"last_export_time_ns", OTEL_STAT_LAST_EXPORT_TIME_NS},
    {"last_error_time_ns", OTEL_STAT_LAST_ERROR_TIME_NS},
};

OTEL_API const char *otel_log_stat_name(int stat) {
    return stat >= 0 && stat < OTEL_LOG_STAT__COUNT ? log_stats[stat].name : NULL;
}

OTEL_API size_t otel_logger_provider_get_stats(const otel_logger_provider *lp, uint64_t *out,
                                               size_t n) {
    if (!lp || !out) return 0;
    size_t k = n < OTEL_LOG_STAT__COUNT ? n : OTEL_LOG_STAT__COUNT;
    for (size_t i = 0; i < k; i++) out[i] = otel__stats_get(&lp->stats, log_stats[i].slot);
    return k;
}

OTEL_API size_t otel_logger_provider_stats_json(const otel_logger_provider *lp, char *buf,
                                                size_t cap) {
    uint64_t v[OTEL_LOG_STAT__COUNT] = {0};
    otel_logger_provider_get_stats(lp, v, OTEL_LOG_STAT__COUNT);
    otel__buf b;
    otel__buf_init(&b, SIZE_MAX);
    char tmp[96];
    otel__buf_putc(&b, '{');
    for (int i = 0; i < OTEL_LOG_STAT__COUNT; i++) {
        int n = snprintf(tmp, sizeof tmp, "%s\"%s\":%llu", i ? "," : "", log_stats[i].name,
                         (unsigned long long)v[i]);
        otel__buf_put(&b, tmp, (size_t)n);
    }
    char err[256] = "";
    if (lp) otel__stats_last_error(&lp->stats, err, sizeof err);
    otel__buf_lit(&b, ",\"last_error\":");
    otel__otlp_json_string(&b, err, strlen(err));
    otel__buf_putc(&b, '}');
    size_t len = b.err ? 0 : b.len;
    if (buf && cap) {
        size_t k = len < cap - 1 ? len : cap - 1;
        if (k) memcpy(buf, b.p, k);
        buf[k] = '\0';
    }
    otel__buf_free(&b);
    return len;
}
