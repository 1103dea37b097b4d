/* The option table. Add a row when a module starts reading a name (and a row
 * to the README's tables: tests/docs/check_options.py holds both to it);
 * a name nobody reads has no row, so otel_options_set() rejects it. */
#include <string.h>

#include "common/error.h"
#include "sdk/option_table.h"

#define S OTEL_OPTION_STRING
#define B OTEL_OPTION_BOOL
#define I OTEL_OPTION_INT
#define D OTEL_OPTION_DOUBLE
#define E OTEL_OPTION_ENUM
#define L OTEL_OPTION_LIST
#define T OTEL_OPTION_DURATION
#define KV OTEL_OPTION_KEY_VALUES

#define PROTOCOLS "http/protobuf,http/json,grpc"
#define COMPRESSIONS "none,gzip"

/* The OTLP exporter's names: the generic ones (with their defaults), and per
 * signal (no default: the generic value applies). */
#define OTLP_NAMES(sig, def_url, def_proto, def_comp, def_timeout, def_insecure, what)            \
    {"OTEL_EXPORTER_OTLP_" sig "ENDPOINT", S, def_url, NULL, "OTLP endpoint URL" what},          \
    {"OTEL_EXPORTER_OTLP_" sig "PROTOCOL", E, def_proto, PROTOCOLS, "OTLP transport" what},      \
    {"OTEL_EXPORTER_OTLP_" sig "HEADERS", KV, NULL, NULL,                                        \
     "request headers, key=value pairs (values are secrets)" what},                               \
    {"OTEL_EXPORTER_OTLP_" sig "COMPRESSION", E, def_comp, COMPRESSIONS,                         \
     "request body compression" what},                                                            \
    {"OTEL_EXPORTER_OTLP_" sig "TIMEOUT", T, def_timeout, NULL,                                   \
     "ms for one export, retries included (0: no limit)" what},                                   \
    {"OTEL_EXPORTER_OTLP_" sig "CERTIFICATE", S, NULL, NULL, "PEM file of the server's CA" what}, \
    {"OTEL_EXPORTER_OTLP_" sig "CLIENT_KEY", S, NULL, NULL, "PEM client private key (mTLS)" what}, \
    {"OTEL_EXPORTER_OTLP_" sig "CLIENT_CERTIFICATE", S, NULL, NULL,                              \
     "PEM client certificate (mTLS)" what},                                                       \
    {"OTEL_EXPORTER_OTLP_" sig "INSECURE", B, def_insecure, NULL,                                \
     "grpc with a scheme-less endpoint: plaintext instead of TLS" what}

static const otel_option_info table[] = {
    {"OTEL_SDK_DISABLED", B, "false", NULL, "true: providers record nothing (context still propagates)"},
    {"OTEL_SERVICE_NAME", S, NULL, NULL, "service.name of the resource (default unknown_service:<executable>)"},
    {"OTEL_RESOURCE_ATTRIBUTES", KV, NULL, NULL, "resource attributes, key=value pairs, percent-decoded"},
    {"OTEL_LOG_LEVEL", E, "info", "debug,info,warn,error,none", "level of the SDK's own diagnostics"},
    {"OTEL_PROPAGATORS", L, "tracecontext,baggage", "tracecontext,baggage,b3,b3multi,none",
     "propagators of the global composite, in order"},
    {"OTEL_TRACES_SAMPLER", E, "parentbased_always_on",
     "always_on,always_off,traceidratio,parentbased_always_on,parentbased_always_off,"
     "parentbased_traceidratio",
     "the sampler, when code sets none"},
    {"OTEL_TRACES_SAMPLER_ARG", D, "1.0", NULL, "ratio in [0, 1] for the ratio samplers"},
    {"OTEL_TRACES_EXPORTER", E, "otlp", "otlp,console,none", "span exporter, when code adds no processor"},
    {"OTEL_METRICS_EXPORTER", E, "otlp", "otlp,console,none", "metric reader the meter provider adds"},
    {"OTEL_LOGS_EXPORTER", E, "otlp", "otlp,console,none", "log exporter the logger provider adds"},
    {"OTEL_BLRP_SCHEDULE_DELAY", T, "1000", NULL, "ms between batch log exports"},
    {"OTEL_BLRP_EXPORT_TIMEOUT", T, "30000", NULL, "ms a batch log export may take"},
    {"OTEL_BLRP_MAX_QUEUE_SIZE", I, "2048", NULL, "log records the batch queue holds"},
    {"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", I, "512", NULL, "log records per export"},
    {"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", I, "128", NULL, "attributes per log record (wins over the general limit)"},
    {"OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", I, NULL, NULL,
     "characters per log record attribute value (wins over the general limit)"},
    {"OTEL_BSP_SCHEDULE_DELAY", T, "5000", NULL, "ms between batch exports"},
    {"OTEL_BSP_EXPORT_TIMEOUT", T, "30000", NULL, "ms a batch export may take"},
    {"OTEL_BSP_MAX_QUEUE_SIZE", I, "2048", NULL, "spans the batch queue holds"},
    {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", I, "512", NULL, "spans per export"},
    {"OTEL_CORE_BSP_MAX_QUEUE_BYTES", I, "67108864", NULL, "bytes the batch queue holds"},
    {"OTEL_CORE_BSP_BLOCK_TIMEOUT", T, "0", NULL, "ms span_end may wait for room in a full queue (0: drop)"},
    {"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", I, NULL, NULL, "characters per string attribute value (default: no limit)"},
    {"OTEL_ATTRIBUTE_COUNT_LIMIT", I, "128", NULL, "attributes per span, event and link"},
    {"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", I, NULL, NULL, "characters per span attribute value (wins over the general limit)"},
    {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", I, "128", NULL, "attributes per span (wins over the general limit)"},
    {"OTEL_SPAN_EVENT_COUNT_LIMIT", I, "128", NULL, "events per span"},
    {"OTEL_SPAN_LINK_COUNT_LIMIT", I, "128", NULL, "links per span"},
    {"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", I, "128", NULL, "attributes per span event"},
    {"OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", I, "128", NULL, "attributes per span link"},
    {"OTEL_METRIC_EXPORT_INTERVAL", T, "60000", NULL, "ms between metric exports"},
    {"OTEL_METRIC_EXPORT_TIMEOUT", T, "30000", NULL, "ms a metric export may take"},
    {"OTEL_METRICS_EXEMPLAR_FILTER", E, "trace_based", "always_off,always_on,trace_based",
     "which measurements may become exemplars"},
    {"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", E, "cumulative", "cumulative,delta,lowmemory",
     "aggregation temporality the OTLP metric reader asks for"},
    {"OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", E, "explicit_bucket_histogram",
     "explicit_bucket_histogram,base2_exponential_bucket_histogram", "aggregation of histograms no view configures"},
    OTLP_NAMES("", "http://localhost:4318", "http/protobuf", "none", "10000", "false", ""),
    OTLP_NAMES("TRACES_", NULL, NULL, NULL, NULL, NULL, ", for traces (wins over the generic one)"),
    OTLP_NAMES("METRICS_", NULL, NULL, NULL, NULL, NULL, ", for metrics (wins over the generic one)"),
    OTLP_NAMES("LOGS_", NULL, NULL, NULL, NULL, NULL, ", for logs (wins over the generic one)"),
    {"OTEL_EXPORTER_OTLP_SPAN_INSECURE", B, NULL, NULL, "obsolete form of OTEL_EXPORTER_OTLP_TRACES_INSECURE"},
    {"OTEL_EXPORTER_OTLP_METRIC_INSECURE", B, NULL, NULL, "obsolete form of OTEL_EXPORTER_OTLP_METRICS_INSECURE"},
    {"OTEL_CORE_EXPORTER_FILE_PATH", S, NULL, NULL,
     "write each batch as a line of OTLP/JSON to this file instead of sending it (-: stdout)"},
    {"OTEL_CORE_EXPORTER_OTLP_MAX_REQUEST_BYTES", I, "67108864", NULL,
     "largest uncompressed request; a larger batch is dropped as too large"},
    {"OTEL_CORE_EXPORTER_OTLP_MAX_RESPONSE_BYTES", I, "4194304", NULL, "largest response accepted, after decompression"},
    {"OTEL_CORE_EXPORTER_OTLP_RETRY_INITIAL_BACKOFF", T, "1000", NULL, "ms before the first retry (jittered, doubles per retry)"},
    {"OTEL_CORE_EXPORTER_OTLP_RETRY_MAX_BACKOFF", T, "30000", NULL, "largest retry delay in ms"},
};

#define N_OPTIONS (sizeof table / sizeof table[0])

const otel_option_info *otel__option_find(const char *name, size_t len) {
    if (!name) return NULL;
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (strlen(table[i].name) == len && memcmp(table[i].name, name, len) == 0) return &table[i];
    return NULL;
}

OTEL_API const otel_option_info *otel_option_by_name_n(const char *name, size_t len) {
    return otel__option_find(name, len);
}

OTEL_API const otel_option_info *otel_option_by_name(const char *name) {
    return name ? otel__option_find(name, strlen(name)) : NULL;
}

OTEL_API const otel_option_info *otel_option_next(const otel_option_info *prev) {
    if (!prev) return &table[0];
    /* only pointers into the table are walked; anything else ends the walk */
    if (prev < table || prev >= table + N_OPTIONS) return NULL;
    return prev + 1 < table + N_OPTIONS ? prev + 1 : NULL;
}

OTEL_API size_t otel_option_count(void) { return N_OPTIONS; }

OTEL_API const char *otel_option_info_name(const otel_option_info *o) { return o ? o->name : NULL; }
OTEL_API int otel_option_info_type(const otel_option_info *o) { return o ? o->type : OTEL_OPTION_STRING; }
OTEL_API const char *otel_option_info_default(const otel_option_info *o) { return o ? o->def : NULL; }
OTEL_API const char *otel_option_info_choices(const otel_option_info *o) { return o ? o->choices : NULL; }
OTEL_API const char *otel_option_info_description(const otel_option_info *o) {
    return o ? o->description : NULL;
}
