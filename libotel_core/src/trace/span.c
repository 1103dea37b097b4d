/* Spans: reference counting, starting (sampling, ids, the parent), the
 * recording API (attributes, events, links, status, name) and ending. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/ids.h"
#include "common/strutil.h"
#include "trace/internal.h"
#include "trace/span_alloc.h"

OTEL_API otel_span *otel_span_retain(otel_span *s) {
    if (s) atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}

OTEL_API void otel_span_release(otel_span *s) {
    if (!s) return;
    /* The sole holder cannot race with a retain (that would need a second
     * reference), so the common case skips the locked decrement. */
    if (atomic_load_explicit(&s->refs, memory_order_acquire) == 1 ||
        atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
        otel__span_free(s);
}

OTEL_API const otel_span_data *otel_span_data_retain(const otel_span_data *d) {
    return otel__span_data(otel_span_retain(otel__span_of(d)));
}

OTEL_API void otel_span_data_release(const otel_span_data *d) {
    otel_span_release(otel__span_of(d));
}

/* A non-recording span with the given context; trace state copied. */
otel_span *otel__span_nonrecording(const otel_span_context *sc, const char *ts, size_t ts_len) {
    otel_span *s = otel__span_alloc(0);
    if (!s) return NULL;
    s->sc = *sc;
    if (ts_len) {
        char *copy = otel__strndup(ts, ts_len);
        if (copy) {
            s->trace_state = copy;
            s->trace_state_len = ts_len;
        }
    }
    return s;
}

OTEL_API otel_status otel_span_wrap(otel_span **out, const otel_span_context *sc,
                                    const char *trace_state, size_t trace_state_len) {
    if (!out || !sc) return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_span_wrap: NULL argument");
    *out = otel__span_nonrecording(sc, trace_state, trace_state ? trace_state_len : 0);
    return *out ? OTEL_OK : otel__fail(OTEL_ERR_NO_MEMORY, "otel_span_wrap: out of memory");
}

/* ---- starting ---- */

static otel_span noop_span_storage = {.refs = 1u << 30, .trace_state = ""};

/* A span object for when nothing else can be had (NULL tracer, no memory):
 * never freed, never recording, invalid context. */
static otel_span *noop_span(void) {
    atomic_store_explicit(&noop_span_storage.refs, 1u << 30, memory_order_relaxed);
    return &noop_span_storage;
}

static void add_link_locked(otel_span *s, const otel_span_context *sc, const char *ts,
                            size_t ts_len, const otel_attr *attrs, size_t n_attrs);

/* Inlined into each public start call: the common one passes no attributes
 * or links, and the compiler drops those paths there. */
static inline __attribute__((always_inline)) otel_span *
span_start(otel_tracer *t, const char *name, size_t name_len, int kind, otel_context *parent,
           const otel_attr *attrs, size_t n_attrs, const otel_link *links, size_t n_links,
           uint64_t start_ns) {
    if (!t) return noop_span();
    otel_tracer_provider *tp = t->provider;
    otel_span *parent_span = parent ? otel_context_get_span(parent) : otel__context_current_span();
    const otel_span_context *psc =
        parent_span && otel_span_context_is_valid(&parent_span->sc) ? &parent_span->sc : NULL;

    if (tp->disabled || atomic_load_explicit(&tp->shut_down, memory_order_relaxed)) {
        otel_span_context sc = {0};
        if (psc) {
            sc = *psc;
            sc.is_remote = 0;
        }
        otel_span *s = otel__span_nonrecording(&sc, psc ? parent_span->trace_state : NULL,
                                               psc ? parent_span->trace_state_len : 0);
        return s ? s : noop_span();
    }
    otel_span_context sc;
    if (psc) {
        memcpy(sc.trace_id, psc->trace_id, 16);
        sc.trace_flags = psc->trace_flags & OTEL_TRACE_FLAG_RANDOM;
    } else if (tp->id_fn) {
        tp->id_fn(sc.trace_id, 16, tp->id_data);
        static const uint8_t zero[16];
        if (!memcmp(sc.trace_id, zero, 16)) otel__trace_id(sc.trace_id);
        sc.trace_flags = tp->id_random ? OTEL_TRACE_FLAG_RANDOM : 0;
    } else {
        sc.trace_flags = OTEL_TRACE_FLAG_RANDOM;
    }
    if (!tp->id_fn) otel__new_ids(psc ? NULL : sc.trace_id, sc.span_id);
    if (tp->id_fn) {
        tp->id_fn(sc.span_id, 8, tp->id_data);
        static const uint8_t zero8[8];
        if (!memcmp(sc.span_id, zero8, 8)) otel__span_id(sc.span_id);
    }
    sc.is_remote = 0;
    memset(sc.reserved, 0, sizeof sc.reserved);

    if (!name) name_len = 0;
    if (!name_len) otel__stats_add(&tp->stats, OTEL_STAT_INVALID_INPUT, 1);

    /* the built-in samplers decide inline; only a custom one gets a result
     * record (attributes, trace state) and its arena */
    otel_sampler *custom = NULL;
    int decision = otel__sampler_quick(tp->sampler, psc, sc.trace_id, &custom);
    otel_sampling_result result;
    otel__arena result_arena;
    result.trace_state_set = 0;
    result.attrs.count = 0;
    result_arena.blocks = NULL;
    if (__builtin_expect(decision < 0, 0)) {
        result = (otel_sampling_result){0};
        otel__arena_init(&result_arena, NULL, 0);
        result.arena = &result_arena;
        decision = otel__sampler_decide(custom, parent, parent_span, sc.trace_id, name, name_len,
                                        kind, attrs, n_attrs, links, n_links, &result);
    }

    const char *ts = psc ? parent_span->trace_state : NULL;
    size_t ts_len = psc ? parent_span->trace_state_len : 0;
    if (result.trace_state_set) {
        ts = result.trace_state;
        ts_len = result.trace_state_len;
    }

    if (decision == OTEL_SAMPLING_DROP) {
        otel__stats_bump2(&tp->stats, OTEL_STAT_SPANS_STARTED, OTEL_STAT_SPANS_NOT_SAMPLED);
        otel_span *s = otel__span_nonrecording(&sc, ts, ts_len);
        otel__arena_free(&result_arena);
        return s ? s : noop_span();
    }
    otel__stats_bump(&tp->stats, OTEL_STAT_SPANS_STARTED, 1);
    if (decision == OTEL_SAMPLING_RECORD_AND_SAMPLE) sc.trace_flags |= OTEL_TRACE_FLAG_SAMPLED;

    otel_span *s = otel__span_alloc(1);
    if (!s) {
        otel__arena_free(&result_arena);
        return noop_span();
    }
    s->recording = 1;
    s->sc = sc;
    s->kind = (uint8_t)(kind >= OTEL_SPAN_KIND_INTERNAL && kind <= OTEL_SPAN_KIND_CONSUMER
                            ? kind
                            : OTEL_SPAN_KIND_INTERNAL);
    s->tracer = t;
    s->provider = tp;
    otel__provider_ref(tp);
    otel__arena_init(&s->arena, s->inline_buf, OTEL__SPAN_INLINE);
    if (parent_span && otel_span_context_is_valid(&parent_span->sc)) {
        s->has_parent = 1;
        s->parent_remote = parent_span->sc.is_remote;
        memcpy(s->parent_span_id, parent_span->sc.span_id, 8);
    }
    s->start_ns = start_ns ? start_ns : otel__clock_real_ns();
    size_t nl = otel__utf8_valid_inline(name, name_len) ? name_len : otel__utf8_valid_prefix(name, name_len);
    s->name = otel__arena_strndup(&s->arena, name_len ? name : "", nl);
    if (!s->name) s->name = "";
    s->name_len = s->name[0] ? nl : 0;
    if (ts_len) {
        char *copy = otel__arena_strndup(&s->arena, ts, ts_len);
        if (copy) {
            s->trace_state = copy;
            s->trace_state_len = ts_len;
        }
    }
    if (n_attrs)
        otel__attrs_set_many(&s->attrs, &s->arena, attrs, n_attrs, &tp->limits.attr, &tp->stats);
    if (result.attrs.count)
        otel__attrs_set_many(&s->attrs, &s->arena, result.attrs.items, result.attrs.count,
                             &tp->limits.attr, &tp->stats);
    otel__arena_free(&result_arena);
    for (size_t i = 0; i < n_links; i++) {
        if (!links || !links[i].span) {
            otel__stats_add(&tp->stats, OTEL_STAT_INVALID_INPUT, 1);
            continue;
        }
        const otel_span *ls = links[i].span;
        add_link_locked(s, &ls->sc, ls->trace_state, ls->trace_state_len, links[i].attrs,
                        links[i].n_attrs);
    }
    if (tp->any_on_start) {
        otel_context *pctx = parent ? parent : otel_context_current();
        for (size_t i = 0; i < tp->n_processors; i++) {
            otel_processor *p = tp->processors[i];
            if (p->vt->on_start) p->vt->on_start(p, s, pctx);
        }
        if (!parent) otel_context_release(pctx);
    }
    return s;
}

OTEL_API otel_span *otel_tracer_start_span_n(otel_tracer *t, const char *name, size_t name_len,
                                             int kind, otel_context *parent,
                                             const otel_attr *attrs, size_t n_attrs,
                                             const otel_link *links, size_t n_links,
                                             uint64_t start_ns) {
    return span_start(t, name, name_len, kind, parent, attrs, n_attrs, links, n_links, start_ns);
}

OTEL_API otel_span *otel_tracer_start_span(otel_tracer *t, const char *name, int kind,
                                           otel_context *parent) {
    return span_start(t, name, name ? strlen(name) : 0, kind, parent, NULL, 0, NULL, 0, 0);
}

/* ---- recording API ---- */

/* Locks a span that records and has not ended; returns 0 (and counts) if the
 * call must be ignored. */
static inline __attribute__((always_inline)) int begin_write(otel_span *s) {
    if (!s || !s->recording) return 0;
    otel__span_lock(s);
    if (s->ended) {
        otel__span_unlock(s);
        otel__stats_add(&s->provider->stats, OTEL_STAT_INVALID_INPUT, 1);
        return 0;
    }
    return 1;
}

OTEL_API void otel_span_set_attributes(otel_span *s, const otel_attr *attrs, size_t n) {
    if (!begin_write(s)) return;
    otel__attrs_set_many(&s->attrs, &s->arena, attrs, n, &s->provider->limits.attr,
                         &s->provider->stats);
    otel__span_unlock(s);
}

static inline __attribute__((always_inline)) void set_one(otel_span *s, const otel_attr *a) {
    if (!begin_write(s)) return;
    otel__attrs_set(&s->attrs, &s->arena, a, &s->provider->limits.attr, &s->provider->stats);
    otel__span_unlock(s);
}

#define KEYLEN(k) ((k) ? strlen(k) : 0)

OTEL_API void otel_span_set_attribute_str_n(otel_span *s, const char *key, size_t key_len,
                                            const char *value, size_t value_len) {
    otel_attr a = {key, key_len, OTEL_VALUE_STRING, 0, 0, 0, value, value ? value_len : 0};
    if (!value && value_len) a.type = OTEL_VALUE_NONE;
    set_one(s, &a);
}
OTEL_API void otel_span_set_attribute_str(otel_span *s, const char *key, const char *value) {
    otel_attr a = {key, KEYLEN(key), value ? OTEL_VALUE_STRING : OTEL_VALUE_NONE, 0, 0, 0, value,
                   value ? strlen(value) : 0};
    set_one(s, &a);
}
/* Each typed setter in two forms, the key NUL-terminated or pointer +
 * length; one inline body so neither pays a call for the other. */
#define OTEL__SETTER(suffix, ctype, vtype, fill)                                                   \
    static inline __attribute__((always_inline)) void set_##suffix(otel_span *s, const char *key,  \
                                                                   size_t key_len, ctype value) {  \
        otel_attr a = {key, key_len, vtype, 0, 0, 0, NULL, 0};                                     \
        fill;                                                                                      \
        set_one(s, &a);                                                                            \
    }                                                                                              \
    OTEL_API void otel_span_set_attribute_##suffix(otel_span *s, const char *key, ctype value) {   \
        set_##suffix(s, key, KEYLEN(key), value);                                                  \
    }                                                                                              \
    OTEL_API void otel_span_set_attribute_##suffix##_n(otel_span *s, const char *key,              \
                                                       size_t key_len, ctype value) {              \
        set_##suffix(s, key, key_len, value);                                                      \
    }
#define OTEL__ARRAY_SETTER(suffix, etype, vtype)                                                     \
    static inline __attribute__((always_inline)) void set_##suffix(otel_span *s, const char *key,    \
                                                                   size_t key_len,                   \
                                                                   const etype *values, size_t n) {  \
        otel_attr a = {key, key_len, vtype, 0, 0, 0, values, n};                                     \
        set_one(s, &a);                                                                              \
    }                                                                                                \
    OTEL_API void otel_span_set_attribute_##suffix(otel_span *s, const char *key,                    \
                                                   const etype *values, size_t count) {              \
        set_##suffix(s, key, KEYLEN(key), values, count);                                            \
    }                                                                                                \
    OTEL_API void otel_span_set_attribute_##suffix##_n(otel_span *s, const char *key, size_t key_len,\
                                                       const etype *values, size_t count) {          \
        set_##suffix(s, key, key_len, values, count);                                                \
    }

OTEL__SETTER(bool, int, OTEL_VALUE_BOOL, a.bool_value = value != 0)
OTEL__SETTER(i64, int64_t, OTEL_VALUE_INT64, a.int_value = value)
OTEL__SETTER(f64, double, OTEL_VALUE_DOUBLE, a.double_value = value)
OTEL__ARRAY_SETTER(str_array, otel_str, OTEL_VALUE_STRING_ARRAY)
OTEL__ARRAY_SETTER(bool_array, int, OTEL_VALUE_BOOL_ARRAY)
OTEL__ARRAY_SETTER(i64_array, int64_t, OTEL_VALUE_INT64_ARRAY)
OTEL__ARRAY_SETTER(f64_array, double, OTEL_VALUE_DOUBLE_ARRAY)

static void add_event_locked(otel_span *s, const char *name, size_t name_len,
                             const otel_attr *attrs, size_t n_attrs, uint64_t time_ns) {
    otel_tracer_provider *tp = s->provider;
    if (s->n_events >= tp->limits.events) {
        s->dropped_events++;
        otel__stats_add(&tp->stats, OTEL_STAT_DROPPED_EVENTS, 1);
        return;
    }
    if (s->n_events == s->cap_events) {
        uint32_t ncap = s->cap_events ? s->cap_events * 2 : 2;
        if (ncap > tp->limits.events) ncap = tp->limits.events;
        otel__event *ev = otel__arena_alloc(&s->arena, ncap * sizeof *ev);
        if (!ev) return;
        if (s->n_events) memcpy(ev, s->events, s->n_events * sizeof *ev);
        s->events = ev;
        s->cap_events = ncap;
    }
    otel__event *e = &s->events[s->n_events];
    memset(e, 0, sizeof *e);
    size_t nl = otel__utf8_valid_prefix(name, name_len);
    e->name = otel__arena_strndup(&s->arena, name, nl);
    if (!e->name) return;
    e->name_len = nl;
    e->time_ns = time_ns ? time_ns : otel__clock_real_ns();
    otel__attrs_set_many(&e->attrs, &s->arena, attrs, n_attrs, &tp->limits.event_attr, &tp->stats);
    s->n_events++;
}

OTEL_API void otel_span_add_event_n(otel_span *s, const char *name, size_t name_len,
                                    const otel_attr *attrs, size_t n_attrs, uint64_t time_ns) {
    if (!begin_write(s)) return;
    if (!name || !name_len) {
        otel__stats_add(&s->provider->stats, OTEL_STAT_INVALID_INPUT, 1);
        name = "";
        name_len = 0;
    }
    add_event_locked(s, name, name_len, attrs, n_attrs, time_ns);
    otel__span_unlock(s);
}

OTEL_API void otel_span_add_event(otel_span *s, const char *name, const otel_attr *attrs,
                                  size_t n_attrs) {
    otel_span_add_event_n(s, name, name ? strlen(name) : 0, attrs, n_attrs, 0);
}

static void add_link_locked(otel_span *s, const otel_span_context *sc, const char *ts,
                            size_t ts_len, const otel_attr *attrs, size_t n_attrs) {
    otel_tracer_provider *tp = s->provider;
    if (s->n_links >= tp->limits.links) {
        s->dropped_links++;
        otel__stats_add(&tp->stats, OTEL_STAT_DROPPED_LINKS, 1);
        return;
    }
    if (s->n_links == s->cap_links) {
        uint32_t ncap = s->cap_links ? s->cap_links * 2 : 2;
        if (ncap > tp->limits.links) ncap = tp->limits.links;
        otel__link *l = otel__arena_alloc(&s->arena, ncap * sizeof *l);
        if (!l) return;
        if (s->n_links) memcpy(l, s->links, s->n_links * sizeof *l);
        s->links = l;
        s->cap_links = ncap;
    }
    otel__link *l = &s->links[s->n_links];
    memset(l, 0, sizeof *l);
    l->sc = *sc;
    l->trace_state = "";
    if (ts_len) {
        char *copy = otel__arena_strndup(&s->arena, ts, ts_len);
        if (copy) {
            l->trace_state = copy;
            l->trace_state_len = ts_len;
        }
    }
    otel__attrs_set_many(&l->attrs, &s->arena, attrs, n_attrs, &tp->limits.link_attr, &tp->stats);
    s->n_links++;
}

OTEL_API void otel_span_add_link(otel_span *s, const otel_span *target, const otel_attr *attrs,
                                 size_t n_attrs) {
    if (!begin_write(s)) return;
    if (!target) {
        otel__stats_add(&s->provider->stats, OTEL_STAT_INVALID_INPUT, 1);
    } else {
        add_link_locked(s, &target->sc, target->trace_state, target->trace_state_len, attrs,
                        n_attrs);
    }
    otel__span_unlock(s);
}

OTEL_API void otel_span_record_exception_n(otel_span *s, const char *type, size_t type_len,
                                           const char *message, size_t message_len,
                                           const char *stacktrace, size_t stacktrace_len,
                                           const otel_attr *attrs, size_t n_attrs,
                                           uint64_t time_ns) {
    if (!begin_write(s)) return;
    otel_attr stack[16];
    otel_attr *all = stack;
    size_t total = n_attrs + 3;
    if (total > 16) {
        all = malloc(total * sizeof *all);
        if (!all) {
            otel__span_unlock(s);
            return;
        }
    }
    size_t n = 0;
    if (type && type_len)
        all[n++] = (otel_attr){"exception.type", 14, OTEL_VALUE_STRING, 0, 0, 0, type, type_len};
    if (message && message_len)
        all[n++] = (otel_attr){"exception.message", 17, OTEL_VALUE_STRING, 0, 0, 0, message,
                               message_len};
    if (stacktrace && stacktrace_len)
        all[n++] = (otel_attr){"exception.stacktrace", 20, OTEL_VALUE_STRING, 0, 0, 0,
                               stacktrace, stacktrace_len};
    if (attrs && n_attrs) memcpy(all + n, attrs, n_attrs * sizeof *all);
    add_event_locked(s, "exception", 9, all, n + (attrs ? n_attrs : 0), time_ns);
    if (all != stack) free(all);
    otel__span_unlock(s);
}

OTEL_API void otel_span_record_exception(otel_span *s, const char *type, const char *message,
                                         const char *stacktrace, const otel_attr *attrs,
                                         size_t n_attrs) {
    otel_span_record_exception_n(s, type, KEYLEN(type), message, KEYLEN(message), stacktrace,
                                 KEYLEN(stacktrace), attrs, n_attrs, 0);
}

OTEL_API void otel_span_set_status_n(otel_span *s, int code, const char *desc, size_t desc_len) {
    if (code != OTEL_STATUS_CODE_OK && code != OTEL_STATUS_CODE_ERROR) {
        if (code != OTEL_STATUS_CODE_UNSET && s && s->recording)
            otel__stats_add(&s->provider->stats, OTEL_STAT_INVALID_INPUT, 1);
        return; /* UNSET is ignored */
    }
    if (!begin_write(s)) return;
    if (s->status_code != OTEL_STATUS_CODE_OK) { /* OK is final */
        s->status_code = code;
        s->status_msg = NULL;
        s->status_len = 0;
        if (code == OTEL_STATUS_CODE_ERROR && desc && desc_len) {
            size_t n = otel__utf8_valid_prefix(desc, desc_len);
            s->status_msg = otel__arena_strndup(&s->arena, desc, n);
            s->status_len = s->status_msg ? n : 0;
        }
    }
    otel__span_unlock(s);
}

OTEL_API void otel_span_set_status(otel_span *s, int code, const char *desc) {
    otel_span_set_status_n(s, code, desc, KEYLEN(desc));
}

OTEL_API void otel_span_update_name_n(otel_span *s, const char *name, size_t name_len) {
    if (!begin_write(s)) return;
    if (name && name_len) {
        size_t n = otel__utf8_valid_prefix(name, name_len);
        char *copy = otel__arena_strndup(&s->arena, name, n);
        if (copy) {
            s->name = copy;
            s->name_len = n;
        }
    } else {
        otel__stats_add(&s->provider->stats, OTEL_STAT_INVALID_INPUT, 1);
    }
    otel__span_unlock(s);
}

OTEL_API void otel_span_update_name(otel_span *s, const char *name) {
    otel_span_update_name_n(s, name, KEYLEN(name));
}

/* ---- ending ---- */

OTEL_API void otel_span_end_at(otel_span *s, uint64_t end_ns) {
    if (!s) return;
    if (!s->recording) {
        otel_span_release(s);
        return;
    }
    otel_tracer_provider *tp = s->provider;
    otel__span_lock(s);
    if (s->ended) {
        otel__span_unlock(s);
        otel__stats_add(&tp->stats, OTEL_STAT_INVALID_INPUT, 1);
        otel_span_release(s);
        return;
    }
    otel__span_unlock(s);
    int live = !atomic_load_explicit(&tp->shut_down, memory_order_acquire);
    /* OnEnding: the span is still writable for redaction */
    if (live && tp->any_on_ending)
        for (size_t i = 0; i < tp->n_processors; i++) {
            otel_processor *p = tp->processors[i];
            if (p->vt->on_ending) p->vt->on_ending(p, s);
        }
    otel__span_lock(s);
    if (s->ended) { /* another thread ended it meanwhile: a call after end too */
        otel__span_unlock(s);
        otel__stats_add(&tp->stats, OTEL_STAT_INVALID_INPUT, 1);
        otel_span_release(s);
        return;
    }
    s->ended = 1;
    s->end_ns = end_ns ? end_ns : otel__clock_real_ns();
    if (s->end_ns < s->start_ns) s->end_ns = s->start_ns;
    otel__span_unlock(s);
    otel__stats_add(&tp->stats, OTEL_STAT_SPANS_ENDED, 1);
    if (!live || atomic_load_explicit(&tp->shut_down, memory_order_acquire)) {
        otel__stats_add(&tp->stats, OTEL_STAT_DROPPED_SHUTDOWN, 1);
    } else {
        for (size_t i = 0; i < tp->n_processors; i++) {
            otel_processor *p = tp->processors[i];
            if (p->vt->on_end) p->vt->on_end(p, s);
        }
    }
    otel_span_release(s);
}

OTEL_API void otel_span_end(otel_span *s) { otel_span_end_at(s, 0); }
