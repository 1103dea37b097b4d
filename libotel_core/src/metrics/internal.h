/* Metrics SDK internals: provider, meters, instruments, series, readers. */
#ifndef OTEL_METRICS_INTERNAL_H
#define OTEL_METRICS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/attrs.h"
#include "common/live_list.h"
#include "common/stats.h"
#include "otel/metrics.h"

#define OTEL__MAX_READERS 4
#define OTEL__CARDINALITY_LIMIT 2000
#define OTEL__SERIES_BUCKETS 1024 /* hash chains per instrument (power of two) */
#define OTEL__SERIES_HINTS 32    /* hinted series per instrument and thread */

#define OTEL__EXPH_MAX 160   /* buckets, the specification's default max size */
#define OTEL__EXPH_SCALE 20  /* the starting (and largest) scale */

/* Base-2 exponential histogram buckets: positive values (offset, n,
 * counts), negative ones by magnitude (neg_*), zero apart; one scale. */
typedef struct otel__exph {
    int32_t scale, offset;
    uint32_t n;
    uint64_t zero_count;
    uint64_t counts[OTEL__EXPH_MAX];
    int32_t neg_offset;
    uint32_t neg_n;
    uint64_t neg_counts[OTEL__EXPH_MAX];
} otel__exph;

int32_t otel__exph_index(double v, int scale);
void otel__exph_insert(otel__exph *h, double v, uint32_t max_size);
/* Brings a snapshot down to a coarser (or equal) scale. */
void otel__exph_to_scale(otel__exph *h, int scale);
/* h -= prev, an earlier state of the same buckets (so at a finer or equal
 * scale, and within h's window once brought to it). */
void otel__exph_subtract(otel__exph *h, const otel__exph *prev);
/* h += add, at the coarser of the two scales, lower still if the union of
 * the windows needs more than max_size buckets. */
void otel__exph_merge(otel__exph *h, const otel__exph *add, uint32_t max_size);

#define OTEL__EXEMPLAR_ATTRS 4        /* filtered attributes an exemplar keeps */
#define OTEL__EXEMPLAR_ATTR_BYTES 128 /* their keys and string values */

/* A filtered attribute inside its exemplar: offsets into `abuf`, so the
 * exemplar stays a plain value that collection can copy. */
typedef struct otel__exemplar_attr {
    uint16_t key_off, key_len, val_off, val_len;
    int type;
    uint64_t num; /* bool, int64 or double bits */
} otel__exemplar_attr;

/* One exemplar: a measurement made inside a sampled span. */
typedef struct otel__exemplar {
    uint64_t time_ns;
    int64_t i;
    double d;
    uint8_t trace_id[16], span_id[8];
    uint64_t seen; /* measurements offered to this slot since the last collection */
    int set;
    /* attributes of the measurement a view's key filter removed */
    uint32_t n_kept;
    otel__exemplar_attr kept[OTEL__EXEMPLAR_ATTRS];
    char abuf[OTEL__EXEMPLAR_ATTR_BYTES];
    const otel_attr *attrs; /* collected data only: `kept` as attributes */
    size_t n_attrs;
} otel__exemplar;

enum { OTEL__EXEMPLARS_OFF = 0, OTEL__EXEMPLARS_ON = 1, OTEL__EXEMPLARS_TRACE_BASED = 2 };

/* What a reader last reported for a series (delta state). */
typedef struct otel__series_prev {
    int64_t i;
    double d;
    uint64_t count;
    double sum;
    uint64_t *buckets;
    uint64_t time_ns;
    uint64_t seen_seq;
    otel__exph *exph;
} otel__series_prev;

/* One attribute set of one instrument. Values are cumulative; atomics make
 * recording lock-free. A series every reader reports as deltas is retired
 * after an interval without measurements (common/reclaim.h says when it
 * may be freed); any other lives as long as the provider. */
typedef struct otel__series {
    uint64_t hash;
    otel_attr *attrs; /* sorted by key, owned (one block with the strings) */
    size_t n_attrs;
    _Atomic int retired; /* unlinked: a hint leading here is a miss */
    uint32_t quiet;      /* bit per reader slot: its last collection found nothing new */
    int phase;           /* retired: 1 writers may remain, 2 readers may remain */
    uint64_t retire_epoch; /* what the phase waits for (0: not advanced yet) */
    struct otel__series *limbo_next;
    uint64_t start_ns;
    _Atomic int64_t i;     /* int64 sums and gauges */
    _Atomic uint64_t d;    /* double sums and gauges (bits) */
    _Atomic uint64_t seq;  /* bumped on each gauge set / observation */
    _Atomic uint64_t count;
    _Atomic uint64_t sum;  /* bits */
    _Atomic uint64_t min, max; /* bits */
    /* min and max since each delta reader's last collection (its slot) */
    _Atomic uint64_t period_min[OTEL__MAX_READERS], period_max[OTEL__MAX_READERS];
    _Atomic uint64_t *buckets; /* n_bounds + 1 */
    otel__exph *exph;          /* exponential histograms, under exph_lock */
    atomic_flag exph_lock;     /* also guards exemplars */
    otel__exemplar *exemplars; /* made on the first offer; n_exemplar_slots */
    _Atomic uint32_t observed_epoch; /* async: the collection that saw it */
    otel__series_prev prev[OTEL__MAX_READERS];
    struct otel_bound_instrument *bound; /* live bound handles (under the instrument's lock) */
    struct otel__series *_Atomic chain; /* next in its hash bucket */
    struct otel__series *all_next;      /* next in the instrument's list */
} otel__series;

struct otel_view {
    char *pattern; /* lower-cased */
    int kind;
    char *unit, *meter_name, *meter_version, *meter_schema_url;
    char *name, *description;
    char **keys;
    size_t n_keys;
    int exclude_keys, has_keys;
    int aggregation;
    double *bounds;
    size_t n_bounds;
    int has_bounds;
    size_t limit;
};

struct otel_instrument {
    otel_meter *meter;
    int kind, number;
    int agg; /* OTEL_AGGREGATION_*, resolved (never DEFAULT) */
    char *name, *unit, *description;
    char *stream_name, *stream_description; /* what is exported */
    char **keys; /* a view's attribute filter */
    size_t n_keys;
    int exclude_keys, has_keys;
    double *bounds;
    size_t n_bounds;
    int view_aggregation, view_bounds; /* set by a view: advice yields */
    uint32_t exph_max; /* their max size */
    pthread_mutex_t lock; /* inserts */
    otel__series *_Atomic table[OTEL__SERIES_BUCKETS];
    otel__series *_Atomic all;
    size_t n_series;
    size_t limit;
    otel__series *_Atomic overflow;
    otel__series *limbo; /* retired series not freed yet (under lock) */
    /* per stats shard (thread): the series last recorded into, by a
     * fingerprint of the values */
    struct {
        _Alignas(64) otel__series *_Atomic s[OTEL__SERIES_HINTS];
    } hints[OTEL__STATS_SHARDS];
    /* A second matching view makes a second stream: an instrument of its own
     * (`shadow`, listed in the meter for collection, never returned) that
     * every measurement of the first one also goes to. */
    struct otel_instrument *also;
    int shadow;
    struct otel_instrument *next;
};

/* A registered callback. A collection holds a reference while it runs the
 * callback without the meter's lock, so the callback may unregister itself
 * (or others) and register new ones. */
typedef struct otel__callback {
    _Atomic uint32_t refs;
    _Atomic int removed;
    uint64_t id;
    otel_observe_fn fn;
    void *user_data;
    otel_instrument **insts;
    size_t n;
    struct otel__callback *next;
} otel__callback;

struct otel_meter {
    otel_meter_provider *provider;
    char *name, *version, *schema_url;
    otel__attrs attrs; /* the scope's attributes (part of its identity), in `arena` */
    otel__arena arena;
    pthread_mutex_t lock;
    otel_instrument *instruments;
    otel__callback *callbacks;
    struct otel_meter *next;
};

struct otel_observer {
    otel_meter *meter;
    const otel__callback *cb;
    uint32_t epoch;
};

typedef struct otel__reader_vt {
    void (*start)(otel_metric_reader *r);
    otel_status (*flush)(otel_metric_reader *r, uint32_t timeout_ms);
    otel_status (*shutdown)(otel_metric_reader *r, uint32_t timeout_ms);
    void (*destroy)(otel_metric_reader *r);
} otel__reader_vt;

struct otel_metric_reader {
    _Atomic uint32_t refs;
    int index;           /* its slot in the provider (delta state) */
    int temporality_pref; /* OTEL_TEMPORALITY_* or 3 = lowmemory */
    otel_meter_provider *provider; /* borrowed: the provider owns the reader */
    const otel__reader_vt *vt;
    void *impl;
    pthread_mutex_t collect_lock;
};

struct otel_meter_provider {
    _Atomic uint32_t refs;
    int disabled;
    _Atomic int shut_down;
    otel_resource *resource;
    uint64_t start_ns;
    pthread_mutex_t lock;
    otel_meter *meters;
    otel_view *views[64];
    size_t n_views;
    otel_metric_reader *readers[OTEL__MAX_READERS];
    size_t n_readers;
    int readers_from_env; /* readers were added by the SDK from the environment */
    _Atomic uint32_t epoch;
    /* one collection at a time: the observations a collection's callbacks
     * make are those its snapshot reports (another reader's callbacks in
     * between would re-stamp them) */
    pthread_mutex_t collect_lock;
    _Atomic uint64_t callback_ids;
    _Atomic uint64_t dropped;
    int exponential_histograms; /* OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION */
    int exemplar_filter;        /* OTEL_METRICS_EXEMPLAR_FILTER */
    _Atomic uint32_t delta_readers; /* bit i: reader slot i reports histograms as deltas */
    otel__stats stats;          /* metrics exports */
    otel__live_node live; /* every provider (fork.c) */
    size_t fork_readers_locked;
};

/* fork.c: every live provider's locks are taken around fork(). */
void otel__metrics_fork_track(otel_meter_provider *mp);
void otel__metrics_fork_untrack(otel_meter_provider *mp);

/* ---- collected data ---- */
typedef struct otel__point {
    uint64_t start_ns, time_ns;
    int is_int;
    int64_t i;
    double d;
    uint64_t count;
    double sum, min, max;
    const otel_attr *attrs;
    size_t n_attrs;
    uint64_t *buckets; /* n_bounds + 1 */
    otel__exph *exph;  /* exponential histograms */
    otel__exemplar *exemplars;
    size_t n_exemplars;
} otel__point;

typedef struct otel__metric {
    const otel_instrument *inst;
    int data_kind, temporality, monotonic;
    otel__point *points;
    size_t n_points;
} otel__metric;

struct otel_metrics_data {
    otel_meter_provider *provider; /* a reference: attrs and names point into it */
    otel__metric *metrics;
    size_t n_metrics;
    otel__arena arena;
};

/* Collects for reader `r` (the caller holds r->collect_lock). */
otel_status otel__metrics_collect(otel_metric_reader *r, otel_metrics_data **out);
/* The same, but the data holds no reference to the provider (NULL there):
 * for readers that export it while the provider surely lives (their thread
 * is joined before it is freed). Holding one there could make the reader's
 * own thread drop the last reference and free the provider under itself. */
otel_status otel__metrics_collect_borrowed(otel_metric_reader *r, otel_metrics_data **out);

/* The temporality reader `r` reports instrument kind `kind` with. */
int otel__temporality_for(const otel_metric_reader *r, int kind);

/* Where a periodic reader may hand each collection instead of OTLP or the
 * console: the sink owns `d` (releases or keeps it). */
typedef otel_status (*otel__metric_sink)(otel_metrics_data *d, void *ud);
/* A periodic reader (interval, timeout and temporality from opts) feeding
 * `sink`; `sink_free(ud)` runs when the reader is destroyed (also on error). */
otel_status otel__metric_reader_sink_new(otel_metric_reader **out, const otel_options *opts,
                                         otel__metric_sink sink, void *ud,
                                         void (*sink_free)(void *ud));
/* The `ud` of a reader made with `sink`, else NULL. */
void *otel__metric_reader_sink_ud(const otel_metric_reader *r, otel__metric_sink sink);

/* Prints collected data for people (the console reader). */
#include <stdio.h>
void otel__metrics_print(FILE *f, const otel_metrics_data *d);

/* Encodes collected data as a protobuf ExportMetricsServiceRequest
 * (malloc'd into *out; the caller frees). */
otel_status otel__metrics_encode_proto(const otel_metrics_data *d, const otel_resource *res,
                                       uint8_t **out, size_t *len);
/* The same request as OTLP/JSON, appended to b. */
struct otel__buf;
otel_status otel__metrics_encode_json(const otel_metrics_data *d, const otel_resource *res,
                                      struct otel__buf *b);

/* ---- what the metrics files call of each other ----
 * (series.h: finding series; record.h: recording into them, inline) */

/* view.c: 1 if a view's attribute filter on `inst` keeps attribute `a`. */
int otel__metrics_view_keeps_key(const otel_instrument *inst, const otel_attr *a);
/* view.c: the attributes of attrs[0..n) the filter keeps, into `out` (room
 * for 64); returns their count. */
size_t otel__metrics_view_filter(const otel_instrument *inst, const otel_attr *attrs, size_t n,
                                 otel_attr *out);
/* view.c: 1 if view `v` selects an instrument of meter `m`. */
int otel__metrics_view_selects(const otel_view *v, const otel_meter *m, const char *name, int kind,
                               const char *unit);
/* view.c: shapes an instrument's stream by view `v` (NULL: the instrument's own). */
otel_status otel__metrics_view_apply(otel_instrument *inst, const otel_view *v);

/* instrument.c: 1 if `n` is a valid instrument (or stream) name. */
int otel__metrics_valid_name(const char *n);
/* instrument.c: frees an instrument and its series. */
void otel__metrics_instrument_free(otel_instrument *inst);

/* exemplar.c: offers a measurement to series `s`'s reservoir when the
 * provider's exemplar filter lets it (attrs: the measurement's own). */
void otel__metrics_exemplar_offer(otel_instrument *inst, otel__series *s, int64_t iv, double dv,
                                  int from_int, const otel_attr *attrs, size_t n_attrs);
/* exemplar.c: moves the series' exemplars into point `p` (into arena `a`). */
void otel__metrics_exemplars_take(const otel_instrument *inst, otel__series *s, otel__point *p,
                                  otel__arena *a);

/* bound_instrument.c: adds what the live bound handles of `s` hold (the
 * caller holds the instrument's lock). */
void otel__metrics_bound_sums(const otel__series *s, int64_t *i, double *d);

/* callback.c: 1 (and the error set) when called from inside a callback. */
int otel__metrics_reentered(const char *what);
/* callback.c: runs every registered callback for collection `epoch`. */
void otel__metrics_run_callbacks(otel_meter_provider *mp, uint32_t epoch);
/* callback.c: drops a reference to a registered callback. */
void otel__metrics_callback_release(otel__callback *cb);

/* meter.c: frees a meter (not its instruments or callbacks). */
void otel__metrics_meter_free(otel_meter *m);

/* delta_reclaim.c: 1 when every reader reports `inst` as deltas, so its
 * idle series may be retired (collected points then copy attributes). */
int otel__metrics_reclaimable(const otel_instrument *inst);
/* delta_reclaim.c: after a collection, retires idle series and frees
 * retired ones no thread can reach (under the collection lock). */
void otel__metrics_reclaim(otel_meter_provider *mp);

#endif
