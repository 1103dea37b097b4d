/* Shared internals of the tracing SDK: provider, tracer, scope, span, sampler
 * and processor layouts. Only src/ sees these; callers see opaque handles. */
#ifndef OTEL_TRACE_INTERNAL_H
#define OTEL_TRACE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "common/arena.h"
#include "common/attrs.h"
#include "common/stats.h"
#include "otel/export.h"
#include "otel/sampler.h"
#include "otel/span_data.h"
#include "otel/trace.h"

#define OTEL__MAX_PROCESSORS 16

typedef struct otel__span_limits {
    otel__limits_attr attr;       /* span attributes */
    uint32_t events;
    uint32_t links;
    otel__limits_attr event_attr; /* per event */
    otel__limits_attr link_attr;  /* per link */
} otel__span_limits;

/* Reads OTEL_SPAN_* / OTEL_ATTRIBUTE_* / OTEL_EVENT_* / OTEL_LINK_* limits. */
void otel__span_limits_from(otel__span_limits *lim, const otel_options *opts);

struct otel_scope {
    const char *name, *version, *schema_url;
    size_t name_len, version_len, schema_url_len;
    otel__attrs attrs;
    otel__arena arena;
};

struct otel_tracer {
    struct otel_scope scope;
    otel_tracer_provider *provider;
    otel_tracer *next;
};

/* ---- processors ---- */
typedef struct otel__processor_vtable {
    void (*on_start)(otel_processor *p, otel_span *span, otel_context *parent);
    void (*on_ending)(otel_processor *p, otel_span *span);
    void (*on_end)(otel_processor *p, otel_span *span);
    otel_status (*force_flush)(otel_processor *p, uint32_t timeout_ms);
    otel_status (*shutdown)(otel_processor *p, uint32_t timeout_ms);
    void (*destroy)(otel_processor *p);
} otel__processor_vtable;

struct otel_processor {
    _Atomic uint32_t refs;
    _Atomic int attached;
    const otel__processor_vtable *vt;
    void *impl;
    otel__stats *_Atomic stats;
};

otel_status otel__processor_new(otel_processor **out, const otel__processor_vtable *vt,
                                void *impl);
/* Binds a processor (and its exporter) to a provider's counters. */
void otel__processor_attach(otel_processor *p, otel__stats *stats);

/* ---- provider ---- */
struct otel_tracer_provider {
    _Atomic uint32_t user_refs;   /* retain/release by callers */
    _Atomic int64_t refs;         /* memory: users (1) + live recording spans */
    _Atomic int shut_down;
    int disabled;                 /* OTEL_SDK_DISABLED or the global no-op */
    otel_resource *resource;
    otel_sampler *sampler;
    otel_processor *processors[OTEL__MAX_PROCESSORS];
    size_t n_processors;
    int any_on_start, any_on_ending;
    otel__span_limits limits;
    otel_id_generator_fn id_fn;
    void *id_data;
    int id_random;
    uint32_t shutdown_timeout_ms;
    pthread_mutex_t tracers_lock;
    otel_tracer *tracers;
    otel__stats stats;
};

/* Takes / drops a reference that keeps the provider's memory (resource,
 * scopes, stats) alive for a recording span. Cheap: credits are cached per
 * thread so concurrent threads do not contend on one counter. */
void otel__provider_ref(otel_tracer_provider *tp);
void otel__provider_unref(otel_tracer_provider *tp);

/* ---- spans ---- */
typedef struct otel__event {
    const char *name;
    size_t name_len;
    uint64_t time_ns;
    otel__attrs attrs;
} otel__event;

typedef struct otel__link {
    otel_span_context sc;
    const char *trace_state;
    size_t trace_state_len;
    otel__attrs attrs;
} otel__link;

struct otel_span {
    _Atomic uint32_t refs;
    uint8_t recording;      /* records (sampled or record-only) */
    uint8_t kind;
    uint8_t has_parent;
    uint8_t parent_remote;
    uint8_t ended;          /* under lock */
    uint8_t big;            /* allocated with the inline arena */
    atomic_flag lock;
    otel_span_context sc;
    uint8_t parent_span_id[8];
    const char *trace_state; /* arena (recording) or owned heap copy */
    size_t trace_state_len;
    otel_span *cache_next;  /* free-list link in a thread's span cache */
    /* recording spans only (non-recording ones are allocated without): */
    otel_tracer *tracer;
    otel_tracer_provider *provider;
    const char *name;
    size_t name_len;
    uint64_t start_ns, end_ns;
    int status_code;
    const char *status_msg;
    size_t status_len;
    otel__attrs attrs;
    otel__event *events;
    uint32_t n_events, cap_events, dropped_events;
    otel__link *links;
    uint32_t n_links, cap_links, dropped_links;
    size_t queued_bytes;    /* size charged to a batch queue */
    otel_span *queue_next;  /* intrusive link for processors' use */
    otel__arena arena;
    _Alignas(8) char inline_buf[];
};

static inline void otel__span_lock(otel_span *s) {
    while (atomic_flag_test_and_set_explicit(&s->lock, memory_order_acquire)) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
}
static inline void otel__span_unlock(otel_span *s) {
    atomic_flag_clear_explicit(&s->lock, memory_order_release);
}

static inline const otel_span_data *otel__span_data(const otel_span *s) {
    return (const otel_span_data *)s;
}
static inline otel_span *otel__span_of(const otel_span_data *d) { return (otel_span *)d; }

/* Bytes a span holds (for the batch queue's byte bound). */
size_t otel__span_size(const otel_span *s);
/* Whether the span is sampled (goes to exporters). */
static inline int otel__span_sampled(const otel_span *s) {
    return (s->sc.trace_flags & OTEL_TRACE_FLAG_SAMPLED) != 0;
}

/* ---- samplers ---- */
typedef enum otel__sampler_kind {
    OTEL__SAMPLER_ALWAYS_ON,
    OTEL__SAMPLER_ALWAYS_OFF,
    OTEL__SAMPLER_RATIO,
    OTEL__SAMPLER_PARENT_BASED,
    OTEL__SAMPLER_CUSTOM
} otel__sampler_kind;

struct otel_sampler {
    _Atomic uint32_t refs;
    otel__sampler_kind kind;
    uint64_t threshold;          /* ratio: sample when the 56 random bits are below */
    otel_sampler *delegates[5];  /* parent-based: root, remote s/ns, local s/ns */
    otel_sampler_fn fn;
    otel_sampler_free_fn free_fn;
    void *user_data;
    char *description;
};

struct otel_sampling_result {
    otel__attrs attrs;
    otel__arena *arena;
    const char *trace_state;
    size_t trace_state_len;
    int trace_state_set;
};

#define OTEL__RANDOM_BITS_MASK ((1ull << 56) - 1)

/* Walks the built-in samplers inline (the ones OTEL_TRACES_SAMPLER names):
 * returns the decision, or -1 with *custom set when a custom sampler must
 * be called (otel__sampler_decide). `psc` is the valid parent context or NULL. */
static inline int otel__sampler_quick(otel_sampler *s, const otel_span_context *psc,
                                      const uint8_t *trace_id, otel_sampler **custom) {
    for (;;) {
        if (!s) return OTEL_SAMPLING_RECORD_AND_SAMPLE;
        switch (s->kind) {
        case OTEL__SAMPLER_ALWAYS_ON:
            return OTEL_SAMPLING_RECORD_AND_SAMPLE;
        case OTEL__SAMPLER_ALWAYS_OFF:
            return OTEL_SAMPLING_DROP;
        case OTEL__SAMPLER_RATIO: {
            /* the last 7 bytes, big-endian: the W3C random part of the id */
            uint64_t x = 0;
            for (int i = 9; i < 16; i++) x = (x << 8) | trace_id[i];
            return (x & OTEL__RANDOM_BITS_MASK) < s->threshold ? OTEL_SAMPLING_RECORD_AND_SAMPLE
                                                               : OTEL_SAMPLING_DROP;
        }
        case OTEL__SAMPLER_PARENT_BASED:
            if (!psc) {
                s = s->delegates[0];
            } else {
                int sampled = (psc->trace_flags & OTEL_TRACE_FLAG_SAMPLED) != 0;
                s = s->delegates[psc->is_remote ? (sampled ? 1 : 2) : (sampled ? 3 : 4)];
            }
            continue;
        default:
            *custom = s;
            return -1;
        }
    }
}

/* Runs a sampler. `parent_span` is the span in `parent` (may be NULL). */
int otel__sampler_decide(otel_sampler *s, otel_context *parent, const otel_span *parent_span,
                         const uint8_t *trace_id, const char *name, size_t name_len, int kind,
                         const otel_attr *attrs, size_t n_attrs, const otel_link *links,
                         size_t n_links, otel_sampling_result *result);
/* Builds the sampler named by OTEL_TRACES_SAMPLER / _ARG. */

/* ---- context ---- */
/* The span of the current context without taking a reference. */
otel_span *otel__context_current_span(void);


#endif
