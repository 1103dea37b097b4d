/**
 * @file otel/metrics.h
 * @brief The metrics SDK: meter providers, meters, synchronous and
 * asynchronous instruments, bound instruments, readers and the collected
 * data.
 *
 * @code
 * otel_meter_provider *mp;
 * otel_meter_provider_new(&mp, NULL);                 // readers from OTEL_METRICS_EXPORTER
 * otel_meter *m = otel_meter_provider_get_meter(mp, "shop", "1.0", NULL);
 * otel_instrument *orders = otel_meter_counter_i64(m, "orders", "{order}", "orders placed");
 * otel_attr a[] = {OTEL_ATTR_STR("region", "eu")};
 * otel_counter_add_i64(orders, 1, a, 1);             // any thread, no global lock
 * otel_meter_provider_shutdown(mp, 5000);             // exports what is left
 * otel_meter_provider_release(mp);
 * @endcode
 *
 * Values are kept cumulatively per series (instrument + attribute set,
 * attributes matched whatever their order); each reader reports them with
 * its own temporality. A series exists once per attribute set: after the
 * first measurement, recording allocates nothing. Each instrument holds at
 * most its cardinality limit of series (default 2000); measurements with
 * new attribute sets past it go to one overflow series carrying
 * `otel.metric.overflow=true`, so every measurement lands in exactly one
 * series. Invalid input (NaN, a negative counter increment, NULL handles)
 * is dropped and counted, never a crash.
 */
#ifndef OTEL_METRICS_H
#define OTEL_METRICS_H

#include "otel/common.h"
#include "otel/options.h"
#include "otel/resource.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_meter_provider otel_meter_provider;
typedef struct otel_meter otel_meter;
typedef struct otel_instrument otel_instrument;
typedef struct otel_bound_instrument otel_bound_instrument;
typedef struct otel_metric_reader otel_metric_reader;
typedef struct otel_metrics_data otel_metrics_data;
typedef struct otel_observer otel_observer;

/** Instrument kinds. Values are pinned. */
typedef enum otel_instrument_kind {
    OTEL_INSTRUMENT_COUNTER = 1,
    OTEL_INSTRUMENT_UP_DOWN_COUNTER = 2,
    OTEL_INSTRUMENT_HISTOGRAM = 3,
    OTEL_INSTRUMENT_GAUGE = 4,
    OTEL_INSTRUMENT_OBSERVABLE_COUNTER = 5,
    OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER = 6,
    OTEL_INSTRUMENT_OBSERVABLE_GAUGE = 7
} otel_instrument_kind;

/** The number type of an instrument. */
typedef enum otel_number_type { OTEL_NUMBER_INT64 = 1, OTEL_NUMBER_DOUBLE = 2 } otel_number_type;

/** Aggregation temporality, as in OTLP. */
typedef enum otel_temporality {
    OTEL_TEMPORALITY_DELTA = 1,
    OTEL_TEMPORALITY_CUMULATIVE = 2
} otel_temporality;

/** What a collected metric holds (its OTLP data kind). */
typedef enum otel_metric_data_kind {
    OTEL_METRIC_GAUGE = 1,
    OTEL_METRIC_SUM = 2,
    OTEL_METRIC_HISTOGRAM = 3,
    OTEL_METRIC_EXPONENTIAL_HISTOGRAM = 4
} otel_metric_data_kind;

/** Aggregations a view may choose (values pinned). */
typedef enum otel_aggregation {
    OTEL_AGGREGATION_DEFAULT = 0,
    OTEL_AGGREGATION_DROP = 1,
    OTEL_AGGREGATION_SUM = 2,
    OTEL_AGGREGATION_LAST_VALUE = 3,
    OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM = 4,
    OTEL_AGGREGATION_BASE2_EXPONENTIAL_HISTOGRAM = 5
} otel_aggregation;

typedef struct otel_view otel_view;

/* ---- views ----------------------------------------------------------------- */

/**
 * A view: which instruments it selects and how their stream differs from
 * the default. `instrument_name` is a pattern (`*` any run, `?` one
 * character, case-insensitive; NULL means `*`).
 * @param out receives the view; add it with otel_meter_provider_add_view
 *   (which copies it) and free it with otel_view_free.
 * @return OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_view_new(otel_view **out, const char *instrument_name);
/** otel_view_new with a pointer + length pattern (NULL with length 0:
 *  `*`). @since 1.0 */
OTEL_API otel_status otel_view_new_n(otel_view **out, const char *instrument_name, size_t len);
/**
 * Narrows the selection: instrument kind (0: any), unit, meter name,
 * version and schema URL (NULL: any). @since 1.0
 */
OTEL_API otel_status otel_view_select(otel_view *v, int kind, const char *unit,
                                      const char *meter_name, const char *meter_version,
                                      const char *meter_schema_url);
/** Renames the stream and/or sets its description (NULL: keep). @since 1.0 */
OTEL_API otel_status otel_view_set_stream(otel_view *v, const char *name, const char *description);
/**
 * Keeps only the attribute keys listed (`exclude` 0) or drops them
 * (`exclude` 1): the way to bound a metric's cardinality. @since 1.0
 */
OTEL_API otel_status otel_view_set_attribute_keys(otel_view *v, const char *const *keys, size_t n,
                                                  int exclude);
/**
 * Overrides the aggregation (otel_aggregation); `bounds` for explicit
 * bucket histograms (strictly increasing; NULL with 0: the defaults).
 * Histogram aggregations do not apply to observable instruments (their
 * default is kept, with a warning). @since 1.0
 */
OTEL_API otel_status otel_view_set_aggregation(otel_view *v, int aggregation, const double *bounds,
                                               size_t n);
/** The stream's cardinality limit (default 2000; at least 2). @since 1.0 */
OTEL_API otel_status otel_view_set_cardinality_limit(otel_view *v, size_t limit);
/** Frees a view. NULL is ignored. @since 1.0 */
OTEL_API void otel_view_free(otel_view *v);

/* ---- readers ---------------------------------------------------------------- */

/**
 * A reader you collect from yourself (tests, pull exporters).
 * @param temporality OTEL_TEMPORALITY_CUMULATIVE or _DELTA (for counters
 *   and histograms; gauges and up-down counters are always cumulative).
 * @param out receives the reader; add it with otel_meter_provider_add_reader
 *   before instruments record, then release your reference.
 * @return OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_metric_reader_manual_new(otel_metric_reader **out, int temporality);

/**
 * A reader that exports every `OTEL_METRIC_EXPORT_INTERVAL` ms (default
 * 60000, timeout `OTEL_METRIC_EXPORT_TIMEOUT`, default 30000) over OTLP,
 * configured like the span exporter but for the metrics signal
 * (`OTEL_EXPORTER_OTLP_METRICS_*` over `OTEL_EXPORTER_OTLP_*`; http/protobuf
 * http/json and grpc), with the temporality from
 * `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE` (cumulative, delta,
 * lowmemory). It runs its own thread; shutdown exports what is left.
 * `opts` may be NULL. @since 1.0
 */
OTEL_API otel_status otel_metric_reader_otlp_new(otel_metric_reader **out, const otel_options *opts);

/**
 * A reader that prints every `OTEL_METRIC_EXPORT_INTERVAL` ms to stdout,
 * one readable line per point (`OTEL_METRICS_EXPORTER=console`). @since 1.0
 */
OTEL_API otel_status otel_metric_reader_console_new(otel_metric_reader **out,
                                                    const otel_options *opts);

/**
 * A push exporter: receives one collection, borrowed for the call (copy
 * what you keep), and returns OTEL_OK or an error (counted in the
 * provider's stats). Called on the reader's thread, never concurrently
 * with itself. @since 1.0
 */
typedef otel_status (*otel_metric_export_fn)(const otel_metrics_data *data, void *user_data);

/**
 * A periodic reader exporting through your function: every
 * `OTEL_METRIC_EXPORT_INTERVAL` ms (default 60000), at
 * otel_meter_provider_force_flush and at shutdown, with the temporality
 * from `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE` (cumulative,
 * delta, lowmemory), read from `opts` (may be NULL) or the environment.
 * Collections without data are not exported. `user_data` must outlive
 * the reader. @return OTEL_ERR_INVALID_ARGUMENT (NULL out or export_fn),
 * OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_metric_reader_periodic_new(otel_metric_reader **out,
                                                     const otel_options *opts,
                                                     otel_metric_export_fn export_fn,
                                                     void *user_data);

/**
 * A periodic reader with an in-memory exporter (tests, debugging): each
 * export is kept, up to the last 1024, until taken with
 * otel_metric_reader_memory_take. Configured as
 * otel_metric_reader_periodic_new. @since 1.0
 */
OTEL_API otel_status otel_metric_reader_memory_new(otel_metric_reader **out,
                                                   const otel_options *opts);

/**
 * Takes the oldest export an in-memory reader kept.
 * @return the data (yours: free with otel_metrics_data_free), or
 *   NULL when none is left, `r` is NULL or not an in-memory reader, or its
 *   provider is gone (what it kept went with it). Thread-safe. @since 1.0
 */
OTEL_API otel_metrics_data *otel_metric_reader_memory_take(otel_metric_reader *r);

/**
 * Collects now: runs the asynchronous callbacks and snapshots every series.
 * @param out receives the data (free with otel_metrics_data_free).
 * @return OTEL_ERR_INVALID_ARGUMENT (NULL, or a reader of no provider),
 *   OTEL_ERR_SHUTDOWN, OTEL_ERR_NO_MEMORY. Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_metric_reader_collect(otel_metric_reader *r, otel_metrics_data **out);

/** Adds a reference. @since 1.0 */
OTEL_API otel_metric_reader *otel_metric_reader_retain(otel_metric_reader *r);
/** Drops a reference. NULL is ignored. @since 1.0 */
OTEL_API void otel_metric_reader_release(otel_metric_reader *r);

/* ---- the provider and meters ------------------------------------------------------ */

/**
 * A meter provider: the resource from `opts` or the environment (as the
 * tracer provider's), and, unless you add readers yourself before the
 * first meter is made, the reader `OTEL_METRICS_EXPORTER` names (`otlp`,
 * the default; `none`). `OTEL_SDK_DISABLED=true` gives a provider whose
 * instruments record nothing. @since 1.0
 */
OTEL_API otel_status otel_meter_provider_new(otel_meter_provider **out, const otel_options *opts);

/**
 * Attaches a reader (the provider keeps a reference). A reader belongs to
 * one provider. @return OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_STATE (the
 * reader has a provider, or this provider is shut down), OTEL_ERR_LIMIT
 * (more than 4 readers). @since 1.0
 */
OTEL_API otel_status otel_meter_provider_add_reader(otel_meter_provider *mp, otel_metric_reader *r);

/**
 * The meter of a scope (name, version, schema URL; version and schema URL
 * may be NULL); the same scope gives the same meter. Owned by the provider.
 * A NULL or empty name still gives a working meter (and a warning).
 * @return NULL only for a NULL provider or out of memory. @since 1.0
 */
OTEL_API otel_meter *otel_meter_provider_get_meter(otel_meter_provider *mp, const char *name,
                                                   const char *version, const char *schema_url);

/**
 * Pointer + length form of otel_meter_provider_get_meter(), with scope
 * attributes (copied; invalid ones and repeated keys dropped). They are
 * part of the meter's identity, compared as a set (any order), and
 * exported on its InstrumentationScope. NULL strings are empty.
 * @return NULL only for a NULL provider or out of memory. Thread-safe.
 * @since 1.0
 */
OTEL_API otel_meter *otel_meter_provider_get_meter_n(otel_meter_provider *mp, const char *name,
                                                     size_t name_len, const char *version,
                                                     size_t version_len, const char *schema_url,
                                                     size_t schema_url_len, const otel_attr *attrs,
                                                     size_t n_attrs);

/** Collects and exports through every reader that exports. @since 1.0 */
OTEL_API otel_status otel_meter_provider_force_flush(otel_meter_provider *mp, uint32_t timeout_ms);
/** Exports what is left and stops the readers. Idempotent. @since 1.0 */
OTEL_API otel_status otel_meter_provider_shutdown(otel_meter_provider *mp, uint32_t timeout_ms);
/**
 * Registers a view (copied). Views apply to instruments created after:
 * add them before making meters. Each view that selects an instrument
 * makes a stream of it (its own name, aggregation, attributes and limit;
 * none selects it: the default stream), and every measurement goes to
 * each stream. @return OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_LIMIT (64 views),
 * OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_meter_provider_add_view(otel_meter_provider *mp, const otel_view *v);

/**
 * The metrics export counters, indexed like the tracer provider's
 * (otel_stat in otel/trace.h): EXPORT_BATCHES, EXPORT_ERRORS,
 * EXPORT_RETRIES, LAST_EXPORT_TIME_NS and LAST_ERROR_TIME_NS are kept for
 * metrics exports; the span counters stay 0.
 * @return the number of values written. Thread-safe. @since 1.0
 */
OTEL_API size_t otel_meter_provider_get_stats(const otel_meter_provider *mp, uint64_t *out, size_t n);

/** Copies the last metrics export error (no secrets) into `buf`; returns
 *  its full length (0 if none). Thread-safe. @since 1.0 */
OTEL_API size_t otel_meter_provider_last_error(const otel_meter_provider *mp, char *buf, size_t cap);

/** Adds a reference. @since 1.0 */
OTEL_API otel_meter_provider *otel_meter_provider_retain(otel_meter_provider *mp);
/** Drops a reference; the last one shuts the provider down. @since 1.0 */
OTEL_API void otel_meter_provider_release(otel_meter_provider *mp);

/** The process-wide meter provider as a new reference, or NULL if none was
 *  set. Thread-safe. @since 1.0 */
OTEL_API otel_meter_provider *otel_meter_provider_get_global(void);
/** Makes `mp` the process-wide provider (keeps a reference; NULL clears). @since 1.0 */
OTEL_API void otel_meter_provider_set_global(otel_meter_provider *mp);

/**
 * Measurements the provider dropped as invalid (NaN or infinite values,
 * negative counter or histogram values, attributes NULL with a count,
 * observations outside their callback). Thread-safe. @since 1.0
 */
OTEL_API uint64_t otel_meter_provider_dropped(const otel_meter_provider *mp);

/* ---- instruments --------------------------------------------------------------------- */

/**
 * Creates (or finds) an instrument. The name must match the
 * specification's syntax (a letter, then up to 254 letters, digits, `_`,
 * `.`, `-` or `/`); the unit is at most 63 ASCII characters. Registering
 * the same name (case-insensitively) with the same kind, number type, unit
 * and description returns the same instrument; a conflicting one is
 * created too, with a warning, as the specification asks.
 * @param out receives an instrument owned by the meter (valid while the
 *   provider lives). @return OTEL_ERR_INVALID_ARGUMENT (bad name, kind or
 *   number type), OTEL_ERR_NO_MEMORY. Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_meter_create_instrument(otel_instrument **out, otel_meter *meter,
                                                  int kind, int number_type, const char *name,
                                                  const char *unit, const char *description);
/** otel_meter_create_instrument with pointer + length strings (unit and
 *  description may be NULL with length 0; a string holding a NUL is
 *  OTEL_ERR_INVALID_ARGUMENT). Thread-safe. @since 1.0 */
OTEL_API otel_status otel_meter_create_instrument_n(otel_instrument **out, otel_meter *meter, int kind,
                                                    int number_type, const char *name, size_t name_len,
                                                    const char *unit, size_t unit_len,
                                                    const char *description, size_t description_len);

/**
 * Advisory explicit bucket boundaries for a histogram (strictly
 * increasing, finite), applied when no view overrides them; call before
 * the first measurement. Default: 0, 5, 10, 25, 50, 75, 100, 250, 500,
 * 750, 1000, 2500, 5000, 7500, 10000. @since 1.0
 */
OTEL_API otel_status otel_instrument_set_bucket_boundaries(otel_instrument *inst,
                                                           const double *bounds, size_t n);

/** A Counter of int64 (otel_meter_create_instrument's shorthand; NULL on error). @since 1.0 */
OTEL_API otel_instrument *otel_meter_counter_i64(otel_meter *m, const char *name, const char *unit,
                                                 const char *description);
/** A Counter of double; NULL on error. @since 1.0 */
OTEL_API otel_instrument *otel_meter_counter_f64(otel_meter *m, const char *name, const char *unit,
                                                 const char *description);
/** An UpDownCounter of int64; NULL on error. @since 1.0 */
OTEL_API otel_instrument *otel_meter_up_down_counter_i64(otel_meter *m, const char *name,
                                                         const char *unit, const char *description);
/** An UpDownCounter of double; NULL on error. @since 1.0 */
OTEL_API otel_instrument *otel_meter_up_down_counter_f64(otel_meter *m, const char *name,
                                                         const char *unit, const char *description);
/** A Histogram of double (default bucket boundaries); NULL on error. @since 1.0 */
OTEL_API otel_instrument *otel_meter_histogram_f64(otel_meter *m, const char *name,
                                                   const char *unit, const char *description);
/** A Histogram of int64; NULL on error. @since 1.0 */
OTEL_API otel_instrument *otel_meter_histogram_i64(otel_meter *m, const char *name,
                                                   const char *unit, const char *description);
/** A Gauge of double; NULL on error. @since 1.0 */
OTEL_API otel_instrument *otel_meter_gauge_f64(otel_meter *m, const char *name, const char *unit,
                                               const char *description);
/** A Gauge of int64; NULL on error. @since 1.0 */
OTEL_API otel_instrument *otel_meter_gauge_i64(otel_meter *m, const char *name, const char *unit,
                                               const char *description);

/**
 * Records a measurement: adds to a counter or up-down counter, records
 * into a histogram, sets a gauge. The _i64 form suits int64 instruments and
 * the _f64 form double ones. A mismatch converts when nothing is lost: an
 * int64 instrument takes a double only if it is a whole number in int64's
 * range (1.5 or 1e300 are dropped and counted, never truncated). NaN,
 * infinities and negative counter or histogram values are dropped and
 * counted too (otel_meter_provider_dropped). Attributes are copied when a
 * series is first made. Never blocks on export; thread-safe.
 * @since 1.0
 */
OTEL_API void otel_instrument_record_i64(otel_instrument *inst, int64_t value,
                                         const otel_attr *attrs, size_t n_attrs);
/** @copydoc otel_instrument_record_i64 */
OTEL_API void otel_instrument_record_f64(otel_instrument *inst, double value,
                                         const otel_attr *attrs, size_t n_attrs);

/** Adds to a counter: otel_instrument_record_i64. @since 1.0 */
OTEL_API void otel_counter_add_i64(otel_instrument *c, int64_t v, const otel_attr *a, size_t n);
/** Adds to a counter: otel_instrument_record_f64. @since 1.0 */
OTEL_API void otel_counter_add_f64(otel_instrument *c, double v, const otel_attr *a, size_t n);
/** Records into a histogram: otel_instrument_record_f64. @since 1.0 */
OTEL_API void otel_histogram_record_f64(otel_instrument *h, double v, const otel_attr *a, size_t n);
/** Records into a histogram: otel_instrument_record_i64. @since 1.0 */
OTEL_API void otel_histogram_record_i64(otel_instrument *h, int64_t v, const otel_attr *a, size_t n);

/**
 * A handle for one attribute set of a counter, up-down counter or
 * histogram: recording through it skips attribute hashing and lookup.
 * Measurements are offered as exemplars like unbound ones, except int64
 * sums under the trace_based filter (their few-nanosecond path reads no
 * span); with always_on they are offered too.
 * @return NULL for NULL or other instrument kinds, or out of memory; free
 *   with otel_bound_instrument_free. @since 1.0
 */
OTEL_API otel_bound_instrument *otel_instrument_bind(otel_instrument *inst, const otel_attr *attrs,
                                                     size_t n_attrs);
/** Records through a bound handle. Thread-safe. @since 1.0 */
OTEL_API void otel_bound_record_i64(otel_bound_instrument *b, int64_t value);
/** @copydoc otel_bound_record_i64 */
OTEL_API void otel_bound_record_f64(otel_bound_instrument *b, double value);
/** Frees a bound handle (the series stays). NULL is ignored. @since 1.0 */
OTEL_API void otel_bound_instrument_free(otel_bound_instrument *b);

/* ---- asynchronous instruments ----------------------------------------------------------- */

/** Called at each collection; report values with otel_observer_observe_*. */
typedef void (*otel_observe_fn)(otel_observer *observer, void *user_data);

/**
 * Registers `fn` for the observable instruments `insts[0..n)` (one
 * callback may serve several). It runs at each collection, on the
 * collecting thread, with no SDK lock held: it may create instruments and
 * register or unregister callbacks (itself too); collecting, flushing or
 * shutting down from it fails with OTEL_ERR_STATE. @param id receives an id for
 * otel_meter_unregister_callback (may be NULL). @return
 * OTEL_ERR_INVALID_ARGUMENT (NULL fn, no instruments, a synchronous one),
 * OTEL_ERR_NO_MEMORY. @since 1.0
 */
OTEL_API otel_status otel_meter_register_callback(otel_meter *meter, otel_observe_fn fn,
                                                  void *user_data, otel_instrument *const *insts,
                                                  size_t n, uint64_t *id);
/** Stops calling a callback. @return OTEL_ERR_NOT_FOUND for an unknown id. @since 1.0 */
OTEL_API otel_status otel_meter_unregister_callback(otel_meter *meter, uint64_t id);

/**
 * Reports the current value of an observable instrument for an attribute
 * set (for observable counters: the cumulative total). Only valid inside
 * the callback that received `observer`, for its instruments. @since 1.0
 */
OTEL_API void otel_observer_observe_i64(otel_observer *observer, otel_instrument *inst,
                                        int64_t value, const otel_attr *attrs, size_t n_attrs);
/** @copydoc otel_observer_observe_i64 */
OTEL_API void otel_observer_observe_f64(otel_observer *observer, otel_instrument *inst,
                                        double value, const otel_attr *attrs, size_t n_attrs);

/* ---- collected data ------------------------------------------------------------------------ */

/** Frees collected data. NULL is ignored. @since 1.0 */
OTEL_API void otel_metrics_data_free(otel_metrics_data *d);
/** The number of metrics (one per instrument with data). @since 1.0 */
OTEL_API size_t otel_metrics_data_count(const otel_metrics_data *d);
/**
 * Metric `i`: its name, unit, description, data kind, temporality,
 * monotonicity, point count and the scope name. Out pointers may be NULL;
 * strings are owned by `d`. @return OTEL_ERR_NOT_FOUND past the end. @since 1.0
 */
OTEL_API otel_status otel_metrics_data_metric(const otel_metrics_data *d, size_t i,
                                              const char **name, const char **unit,
                                              const char **description, int *data_kind,
                                              int *temporality, int *monotonic,
                                              size_t *n_points, const char **scope_name);
/**
 * The instrumentation scope (meter) of metric `i`: name, version and
 * schema URL ("" when not given) and its attributes. Out pointers may be
 * NULL; everything is borrowed from `d`. @return OTEL_ERR_NOT_FOUND past
 * the end. @since 1.0
 */
OTEL_API otel_status otel_metrics_data_scope(const otel_metrics_data *d, size_t i, const char **name,
                                             const char **version, const char **schema_url,
                                             const otel_attr **attrs, size_t *n_attrs);

/**
 * Point `p` of metric `i`: start and end times, the value (sums and
 * gauges; int64 instruments fill `int_value`, double ones `double_value`,
 * `is_int` says which), for histograms count, sum, min and max.
 * @since 1.0
 */
OTEL_API otel_status otel_metrics_data_point(const otel_metrics_data *d, size_t i, size_t p,
                                             uint64_t *start_ns, uint64_t *time_ns, int *is_int,
                                             int64_t *int_value, double *double_value,
                                             uint64_t *count, double *sum, double *min,
                                             double *max);
/** The attributes of point `p` of metric `i` (borrowed from `d`). @since 1.0 */
OTEL_API otel_status otel_metrics_data_point_attrs(const otel_metrics_data *d, size_t i, size_t p,
                                                   const otel_attr **attrs, size_t *n_attrs);
/**
 * The explicit bucket boundaries and counts of histogram point `p` of
 * metric `i` (`n_counts` = `n_bounds` + 1; borrowed). @since 1.0
 */
OTEL_API otel_status otel_metrics_data_point_buckets(const otel_metrics_data *d, size_t i,
                                                     size_t p, const double **bounds,
                                                     size_t *n_bounds, const uint64_t **counts,
                                                     size_t *n_counts);

/**
 * The base-2 exponential buckets of point `p` of metric `i`: the scale
 * (bucket k holds (2^(2^-scale))^k .. ^(k+1)], upper bound inclusive), the
 * zero bucket's count, the index of counts[0], and the counts (borrowed).
 * @return OTEL_ERR_NOT_FOUND for other points. @since 1.0
 */
OTEL_API otel_status otel_metrics_data_point_exp_buckets(const otel_metrics_data *d, size_t i,
                                                         size_t p, int32_t *scale,
                                                         uint64_t *zero_count, int32_t *offset,
                                                         const uint64_t **counts, size_t *n_counts);

/**
 * The negative buckets of exponential histogram point `p` of metric `i`
 * (instruments that may record negative values, such as an up-down
 * counter a view aggregates as a histogram): bucket k counts values whose
 * magnitude lies in (base^k, base^(k+1)], at the scale
 * otel_metrics_data_point_exp_buckets gives; the index of counts[0] in
 * `offset`. `n_counts` is 0 without negative values. Borrowed.
 * @return OTEL_ERR_NOT_FOUND for other points. @since 1.0
 */
OTEL_API otel_status otel_metrics_data_point_exp_negative(const otel_metrics_data *d, size_t i,
                                                          size_t p, int32_t *offset,
                                                          const uint64_t **counts, size_t *n_counts);

/**
 * Exemplar `k` of point `p` of metric `i`: a measurement recorded inside a
 * sampled span (with `OTEL_METRICS_EXEMPLAR_FILTER` trace_based, the
 * default; always_on keeps any, always_off none), its time, value and the
 * span's ids. Sums and gauges keep one per series, explicit histograms one
 * per bucket, exponential histograms up to 20 (reservoir sampling).
 * @param trace_id 16 bytes, @param span_id 8 bytes (either may be NULL).
 * @return OTEL_ERR_NOT_FOUND past the last one. @since 1.0
 */
OTEL_API otel_status otel_metrics_data_point_exemplar(const otel_metrics_data *d, size_t i, size_t p,
                                                      size_t k, uint64_t *time_ns, int *is_int,
                                                      int64_t *int_value, double *double_value,
                                                      uint8_t *trace_id, uint8_t *span_id);

/**
 * The filtered attributes of exemplar `k` of point `p` of metric `i`: the
 * measurement's attributes that a view's attribute keys removed from the
 * series (up to 4 scalar ones, 128 bytes of keys and strings), so the
 * exemplar still tells them. Borrowed from `d`; none without such a view.
 * @return OTEL_ERR_NOT_FOUND past the last exemplar. @since 1.0
 */
OTEL_API otel_status otel_metrics_data_point_exemplar_attrs(const otel_metrics_data *d, size_t i,
                                                            size_t p, size_t k,
                                                            const otel_attr **attrs, size_t *n_attrs);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_METRICS_H */
