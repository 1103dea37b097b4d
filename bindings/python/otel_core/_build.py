"""cffi build script (API mode, out of line): compiles otel_core._native
against the one shared libotel_core.so.1. Where the library comes from, in
order: OTEL_CORE_LIBDIR; an installed copy pkg-config knows; else the
repository's own build/ (built with CMake here when missing)."""
import os
import pathlib
import shutil
import subprocess

from cffi import FFI

ROOT = pathlib.Path(__file__).resolve().parents[3]

CDEF = r"""
typedef enum { OTEL_OK = 0, ... } otel_status;
typedef struct otel_options otel_options;
typedef struct otel_tracer_provider otel_tracer_provider;
typedef struct otel_tracer otel_tracer;
typedef struct otel_span otel_span;
typedef struct otel_context otel_context;
typedef struct otel_baggage otel_baggage;
typedef struct otel_exporter otel_exporter;
typedef struct otel_processor otel_processor;
typedef struct otel_propagator otel_propagator;
typedef struct otel_headers otel_headers;
typedef struct otel_span_data otel_span_data;

typedef struct otel_str { const char *ptr; size_t len; } otel_str;
typedef struct otel_attr {
    const char *key; size_t key_len; int32_t type; int32_t bool_value;
    int64_t int_value; double double_value; const void *ptr; size_t len;
} otel_attr;
typedef struct otel_span_context {
    uint8_t trace_id[16]; uint8_t span_id[8]; uint8_t trace_flags; uint8_t is_remote;
    uint8_t reserved[6];
} otel_span_context;
typedef struct otel_link { const otel_span *span; const otel_attr *attrs; size_t n_attrs; } otel_link;

const char *otel_version(void);
const char *otel_last_error(void);
uint64_t otel_time_now_ns(void);

otel_status otel_options_new(otel_options **out);
void otel_options_free(otel_options *opts);
otel_status otel_options_set_n(otel_options *opts, const char *name, size_t name_len,
                               const char *value, size_t value_len);
otel_status otel_options_add_processor(otel_options *opts, otel_processor *p);
otel_status otel_options_set_strict(otel_options *opts, int strict);

otel_status otel_tracer_provider_new(otel_tracer_provider **out, const otel_options *opts);
void otel_tracer_provider_release(otel_tracer_provider *tp);
otel_tracer *otel_tracer_provider_get_tracer(otel_tracer_provider *tp, const char *name,
                                             const char *version, const char *schema_url);
otel_status otel_tracer_provider_force_flush(otel_tracer_provider *tp, uint32_t timeout_ms);
otel_status otel_tracer_provider_shutdown(otel_tracer_provider *tp, uint32_t timeout_ms);
void otel_tracer_provider_set_global(otel_tracer_provider *tp);
otel_tracer_provider *otel_tracer_provider_get_global(void);
size_t otel_tracer_provider_get_stats(const otel_tracer_provider *tp, uint64_t *out, size_t n);
const char *otel_stat_name(int stat);
size_t otel_tracer_provider_last_error(const otel_tracer_provider *tp, char *buf, size_t cap);

otel_span *otel_tracer_start_span_n(otel_tracer *t, const char *name, size_t name_len, int kind,
                                    otel_context *parent, const otel_attr *attrs, size_t n_attrs,
                                    const otel_link *links, size_t n_links, uint64_t start_ns);
otel_status otel_span_wrap(otel_span **out, const otel_span_context *sc,
                           const char *trace_state, size_t trace_state_len);
otel_span *otel_span_retain(otel_span *span);
void otel_span_release(otel_span *span);
void otel_span_end_at(otel_span *span, uint64_t end_ns);
int otel_span_is_recording(const otel_span *span);
void otel_span_get_context(const otel_span *span, otel_span_context *out);
const char *otel_span_get_trace_state(const otel_span *span, size_t *len);
void otel_span_set_attributes(otel_span *span, const otel_attr *attrs, size_t n);
void otel_span_set_attribute_str_n(otel_span *span, const char *key, size_t key_len,
                                   const char *value, size_t value_len);
void otel_span_set_attribute_i64(otel_span *span, const char *key, int64_t value);
void otel_span_set_attribute_f64(otel_span *span, const char *key, double value);
void otel_span_set_attribute_bool(otel_span *span, const char *key, int value);
void otel_span_add_event_n(otel_span *span, const char *name, size_t name_len,
                           const otel_attr *attrs, size_t n_attrs, uint64_t time_ns);
void otel_span_add_link(otel_span *span, const otel_span *target, const otel_attr *attrs,
                        size_t n_attrs);
void otel_span_record_exception_n(otel_span *span, const char *type, size_t type_len,
                                  const char *message, size_t message_len,
                                  const char *stacktrace, size_t stacktrace_len,
                                  const otel_attr *attrs, size_t n_attrs, uint64_t time_ns);
void otel_span_set_status_n(otel_span *span, int code, const char *description,
                            size_t description_len);
void otel_span_update_name_n(otel_span *span, const char *name, size_t name_len);

otel_context *otel_context_root(void);
otel_context *otel_context_with_span(otel_context *ctx, otel_span *span);
otel_span *otel_context_get_span(otel_context *ctx);
otel_context *otel_context_with_baggage(otel_context *ctx, otel_baggage *baggage);
otel_baggage *otel_context_get_baggage(otel_context *ctx);
otel_context *otel_context_retain(otel_context *ctx);
void otel_context_release(otel_context *ctx);
uint64_t otel_context_attach(otel_context *ctx);
otel_status otel_context_detach(uint64_t token);

otel_status otel_baggage_set_n(const otel_baggage *b, const char *name, size_t name_len,
                               const char *value, size_t value_len, const char *metadata,
                               size_t metadata_len, otel_baggage **out);
size_t otel_baggage_count(const otel_baggage *b);
otel_status otel_baggage_entry(const otel_baggage *b, size_t index, const char **name,
                               const char **value, const char **metadata);
otel_baggage *otel_baggage_retain(otel_baggage *b);
void otel_baggage_release(otel_baggage *b);

otel_status otel_headers_new(otel_headers **out);
void otel_headers_free(otel_headers *h);
otel_status otel_headers_add_n(otel_headers *h, const char *name, size_t name_len,
                               const char *value, size_t value_len);
size_t otel_headers_count(const otel_headers *h);
otel_status otel_headers_at(const otel_headers *h, size_t index, const char **name,
                            size_t *name_len, const char **value, size_t *value_len);
otel_propagator *otel_propagator_get_global(void);
void otel_propagator_set_global(otel_propagator *p);
otel_propagator *otel_propagator_retain(otel_propagator *p);
otel_propagator *otel_propagator_tracecontext(void);
otel_propagator *otel_propagator_baggage(void);
otel_propagator *otel_propagator_b3(void);
otel_propagator *otel_propagator_b3multi(void);
otel_propagator *otel_propagator_noop(void);
otel_status otel_propagator_composite_new(otel_propagator **out, otel_propagator *const *list,
                                          size_t n);
otel_status otel_propagator_from_env(otel_propagator **out, const otel_options *opts);
void otel_propagator_release(otel_propagator *p);
size_t otel_propagator_field_count(const otel_propagator *p);
const char *otel_propagator_field(const otel_propagator *p, size_t index);
void otel_propagator_inject_headers(const otel_propagator *p, otel_context *ctx, otel_headers *h);
otel_context *otel_propagator_extract_headers(const otel_propagator *p, otel_context *ctx,
                                              const otel_headers *h);

typedef struct otel_meter_provider otel_meter_provider;
typedef struct otel_meter otel_meter;
typedef struct otel_instrument otel_instrument;
typedef struct otel_bound_instrument otel_bound_instrument;
typedef struct otel_metric_reader otel_metric_reader;
typedef struct otel_metrics_data otel_metrics_data;
typedef struct otel_observer otel_observer;
typedef void (*otel_observe_fn)(otel_observer *observer, void *user_data);
extern "Python" void _otel_py_observe(otel_observer *, void *);
otel_status otel_meter_provider_new(otel_meter_provider **out, const otel_options *opts);
otel_status otel_meter_provider_add_reader(otel_meter_provider *mp, otel_metric_reader *r);
otel_meter *otel_meter_provider_get_meter(otel_meter_provider *mp, const char *name,
                                          const char *version, const char *schema_url);
otel_status otel_meter_provider_force_flush(otel_meter_provider *mp, uint32_t timeout_ms);
otel_status otel_meter_provider_shutdown(otel_meter_provider *mp, uint32_t timeout_ms);
void otel_meter_provider_release(otel_meter_provider *mp);
otel_meter_provider *otel_meter_provider_get_global(void);
void otel_meter_provider_set_global(otel_meter_provider *mp);
uint64_t otel_meter_provider_dropped(const otel_meter_provider *mp);
otel_status otel_meter_create_instrument(otel_instrument **out, otel_meter *meter, int kind,
                                         int number_type, const char *name, const char *unit,
                                         const char *description);
otel_status otel_instrument_set_bucket_boundaries(otel_instrument *inst, const double *bounds, size_t n);
void otel_instrument_record_i64(otel_instrument *inst, int64_t value, const otel_attr *attrs, size_t n);
void otel_instrument_record_f64(otel_instrument *inst, double value, const otel_attr *attrs, size_t n);
otel_bound_instrument *otel_instrument_bind(otel_instrument *inst, const otel_attr *attrs, size_t n);
void otel_bound_record_i64(otel_bound_instrument *b, int64_t value);
void otel_bound_record_f64(otel_bound_instrument *b, double value);
void otel_bound_instrument_release(otel_bound_instrument *b);
otel_status otel_meter_register_callback(otel_meter *meter, otel_observe_fn fn, void *user_data,
                                         otel_instrument *const *insts, size_t n, uint64_t *id);
otel_status otel_meter_unregister_callback(otel_meter *meter, uint64_t id);
void otel_observer_observe_i64(otel_observer *o, otel_instrument *inst, int64_t value,
                               const otel_attr *attrs, size_t n);
void otel_observer_observe_f64(otel_observer *o, otel_instrument *inst, double value,
                               const otel_attr *attrs, size_t n);
otel_status otel_metric_reader_manual_new(otel_metric_reader **out, int temporality);
otel_status otel_metric_reader_collect(otel_metric_reader *r, otel_metrics_data **out);
void otel_metric_reader_release(otel_metric_reader *r);
void otel_metrics_data_release(otel_metrics_data *d);
size_t otel_metrics_data_count(const otel_metrics_data *d);
otel_status otel_metrics_data_metric(const otel_metrics_data *d, size_t i, const char **name,
                                     const char **unit, const char **description, int *data_kind,
                                     int *temporality, int *monotonic, size_t *n_points,
                                     const char **scope_name);
otel_status otel_metrics_data_point(const otel_metrics_data *d, size_t i, size_t p,
                                    uint64_t *start_ns, uint64_t *time_ns, int *is_int,
                                    int64_t *int_value, double *double_value, uint64_t *count,
                                    double *sum, double *min, double *max);
otel_status otel_metrics_data_point_attrs(const otel_metrics_data *d, size_t i, size_t p,
                                          const otel_attr **attrs, size_t *n_attrs);

otel_status otel_exporter_in_memory_new(otel_exporter **out);
size_t otel_exporter_in_memory_count(otel_exporter *e);
const otel_span_data *otel_exporter_in_memory_get(otel_exporter *e, size_t i);
void otel_exporter_in_memory_reset(otel_exporter *e);
otel_status otel_exporter_file_new(otel_exporter **out, const char *path);
void otel_exporter_release(otel_exporter *e);
otel_status otel_processor_simple_new(otel_processor **out, otel_exporter *e);
otel_status otel_processor_batch_new(otel_processor **out, otel_exporter *e, const otel_options *o);
void otel_processor_release(otel_processor *p);
void otel_span_data_release(const otel_span_data *d);
const char *otel_span_data_name(const otel_span_data *d, size_t *len);
void otel_span_data_context(const otel_span_data *d, otel_span_context *out);
int otel_span_data_parent_span_id(const otel_span_data *d, uint8_t *out);
int otel_span_data_kind(const otel_span_data *d);
uint64_t otel_span_data_start_time(const otel_span_data *d);
uint64_t otel_span_data_end_time(const otel_span_data *d);
size_t otel_span_data_attribute_count(const otel_span_data *d);
otel_status otel_span_data_attribute(const otel_span_data *d, size_t i, otel_attr *out);
int otel_span_data_status_code(const otel_span_data *d);
const char *otel_span_data_status_message(const otel_span_data *d, size_t *len);
size_t otel_span_data_event_count(const otel_span_data *d);
otel_status otel_span_data_event(const otel_span_data *d, size_t index, const char **name,
                                 size_t *name_len, uint64_t *time_ns, size_t *n_attrs,
                                 uint32_t *dropped_attrs);
otel_status otel_span_data_event_attribute(const otel_span_data *d, size_t index,
                                           size_t attr_index, otel_attr *out);
size_t otel_span_data_link_count(const otel_span_data *d);
otel_status otel_span_data_link(const otel_span_data *d, size_t index, otel_span_context *sc,
                                const char **trace_state, size_t *trace_state_len,
                                size_t *n_attrs, uint32_t *dropped_attrs);
otel_status otel_span_data_link_attribute(const otel_span_data *d, size_t index,
                                          size_t attr_index, otel_attr *out);

/* logs (otel/logs.h): what otel_core/logs.py uses */
typedef struct otel_logger_provider otel_logger_provider;
typedef struct otel_logger otel_logger;
typedef struct otel_log_record otel_log_record;
typedef struct otel_log_processor otel_log_processor;
typedef struct otel_log_exporter otel_log_exporter;
otel_status otel_logger_provider_new(otel_logger_provider **out, const otel_options *opts);
otel_status otel_logger_provider_new_with(otel_logger_provider **out, const otel_options *opts,
                                          otel_log_processor *const *processors, size_t n);
void otel_logger_provider_release(otel_logger_provider *lp);
otel_status otel_logger_provider_force_flush(otel_logger_provider *lp, uint32_t timeout_ms);
otel_status otel_logger_provider_shutdown(otel_logger_provider *lp, uint32_t timeout_ms);
size_t otel_logger_provider_get_stats(const otel_logger_provider *lp, uint64_t *out, size_t n);
const char *otel_log_stat_name(int stat);
otel_logger *otel_logger_provider_get_logger_n(otel_logger_provider *lp, const char *name, size_t name_len,
                                               const char *version, size_t version_len,
                                               const char *schema_url, size_t schema_url_len,
                                               const otel_attr *attrs, size_t n_attrs);
int otel_logger_enabled(const otel_logger *lg, int severity, const char *event_name, size_t event_name_len);
otel_status otel_log_exporter_in_memory_new(otel_log_exporter **out);
size_t otel_log_exporter_in_memory_count(otel_log_exporter *exp);
const otel_log_record *otel_log_exporter_in_memory_get(otel_log_exporter *exp, size_t i);
otel_status otel_log_exporter_file_new(otel_log_exporter **out, const char *path);
otel_status otel_log_exporter_console_new(otel_log_exporter **out, int fd);
void otel_log_exporter_release(otel_log_exporter *exp);
otel_status otel_log_processor_simple_new(otel_log_processor **out, otel_log_exporter *exp);
otel_status otel_log_processor_batch_new(otel_log_processor **out, otel_log_exporter *exp,
                                         const otel_options *opts);
void otel_log_processor_release(otel_log_processor *p);
uint64_t otel_log_record_timestamp(const otel_log_record *rec);
uint64_t otel_log_record_observed_timestamp(const otel_log_record *rec);
int otel_log_record_severity(const otel_log_record *rec);
otel_str otel_log_record_severity_text(const otel_log_record *rec);
const otel_attr *otel_log_record_body(const otel_log_record *rec);
otel_str otel_log_record_event_name(const otel_log_record *rec);
size_t otel_log_record_attr_count(const otel_log_record *rec);
const otel_attr *otel_log_record_attr(const otel_log_record *rec, size_t i);
uint32_t otel_log_record_dropped_attributes(const otel_log_record *rec);
void otel_log_record_span_context(const otel_log_record *rec, otel_span_context *out);
const char *otel_log_record_scope_name(const otel_log_record *rec);
void otel_py_log(otel_logger *lg, int severity, const char *sev_text, size_t sev_len,
                 const otel_attr *body, const char *body_str, size_t body_len,
                 const otel_attr *attrs, size_t n_attrs, uint64_t time_ns,
                 uint64_t observed_ns, otel_span *span, const uint8_t *ids, int flags,
                 const char *event, size_t event_len);

/* glue compiled into the extension (below): one crossing instead of two */
void otel_py_span_end(otel_span *span, uint64_t end_ns);
otel_span *otel_py_start(otel_tracer *t, const char *name, size_t name_len, int kind,
                         otel_span *parent, const otel_attr *attrs, size_t n_attrs);
uint64_t otel_py_attach_span(otel_span *span);
"""

# Binding glue only; the core itself is the shared library.
GLUE = r"""
#include <otel/otel.h>
/* Ends the span but keeps the caller's reference (the Python Span object
 * owns one until it is collected, so it stays readable after its end). */
static void otel_py_span_end(otel_span *span, uint64_t end_ns) {
    otel_span_end_at(otel_span_retain(span), end_ns);
}
/* The common start (no links, start time now), child of `parent` (NULL: a
 * new trace; Python passes the parent it holds as current). Building the
 * parent's context here costs less than one more call from Python. */
static otel_span *otel_py_start(otel_tracer *t, const char *name, size_t name_len, int kind,
                                otel_span *parent, const otel_attr *attrs, size_t n_attrs) {
    otel_context *ctx = parent ? otel_context_with_span(otel_context_root(), parent) : NULL;
    otel_span *s = otel_tracer_start_span_n(t, name, name_len, kind,
                                            ctx ? ctx : otel_context_root(), attrs, n_attrs,
                                            NULL, 0, 0);
    otel_context_release(ctx);
    return s;
}
/* Makes `span` current in C on this thread (the thread keeps the context). */
static uint64_t otel_py_attach_span(otel_span *span) {
    otel_context *ctx = otel_context_with_span(otel_context_root(), span);
    uint64_t token = otel_context_attach(ctx);
    otel_context_release(ctx);
    return token;
}
/* One record in one crossing (logs.py). The body is `body`, else the
 * string body_str (when not NULL). The trace context is Python's: `span`
 * (a span of this core), else `ids` (16 + 8 bytes of a foreign span), else
 * none; never the C thread's current context. */
static void otel_py_log(otel_logger *lg, int severity, const char *sev_text, size_t sev_len,
                        const otel_attr *body, const char *body_str, size_t body_len,
                        const otel_attr *attrs, size_t n_attrs,
                        uint64_t time_ns, uint64_t observed_ns, otel_span *span,
                        const uint8_t *ids, int flags, const char *event, size_t event_len) {
    otel_log_record *r = otel_logger_record_new(lg);
    if (!r) return;
    otel_span_context sc = {{0}, {0}, 0, 0, {0}};
    if (span) {
        otel_span_get_context(span, &sc);
    } else if (ids) {
        for (int i = 0; i < 16; i++) sc.trace_id[i] = ids[i];
        for (int i = 0; i < 8; i++) sc.span_id[i] = ids[16 + i];
        sc.trace_flags = (uint8_t)flags;
    }
    otel_log_record_set_span_context(r, &sc);
    if (severity) otel_log_record_set_severity(r, severity);
    if (sev_len) otel_log_record_set_severity_text(r, sev_text, sev_len);
    if (body) otel_log_record_set_body(r, body);
    else if (body_str) otel_log_record_set_body_str(r, body_str, body_len);
    if (n_attrs) otel_log_record_set_attrs(r, attrs, n_attrs);
    if (time_ns) otel_log_record_set_timestamp(r, time_ns);
    if (observed_ns) otel_log_record_set_observed_timestamp(r, observed_ns);
    if (event_len) otel_log_record_set_event_name(r, event, event_len);
    otel_logger_emit(lg, r);
}
"""


def _libdir():
    if os.environ.get("OTEL_CORE_LIBDIR"):
        return pathlib.Path(os.environ["OTEL_CORE_LIBDIR"]).resolve()
    if shutil.which("pkg-config"):
        r = subprocess.run(["pkg-config", "--variable=libdir", "otel_core"],
                           capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip():
            return pathlib.Path(r.stdout.strip())
    build = ROOT / "build"
    if not (build / "libotel_core.so.1").exists():
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build),
                        "-DCMAKE_BUILD_TYPE=RelWithDebInfo"], check=True)
        subprocess.run(["cmake", "--build", str(build), "-j2", "--target", "otel_core"], check=True)
    return build


def _includedir(libdir):
    local = ROOT / "include"
    return local if local.exists() else libdir.parent / "include"


libdir = _libdir()
ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "otel_core._native",
    GLUE,
    include_dirs=[str(_includedir(libdir))],
    library_dirs=[str(libdir)],
    libraries=["otel_core"],
    # the extension finds the shared library where it was built against
    extra_link_args=["-Wl,-rpath," + str(libdir)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
