/* Options and environment: every name the SDK honours, and typed readers that
 * apply the specification's parsing rules (empty = unset; booleans only
 * "true"; bad numbers warn and fall back; enums case-insensitive). */
#ifndef OTEL_COMMON_CONFIG_H
#define OTEL_COMMON_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "otel/options.h"

/* Every option name otel_options_set() accepts. Add a name here when a
 * module starts honouring it, and add it to the README's table. */
#define OTEL_OPTION_NAMES(X)                               \
    X("OTEL_SDK_DISABLED")                                 \
    X("OTEL_SERVICE_NAME")                                 \
    X("OTEL_RESOURCE_ATTRIBUTES")                          \
    X("OTEL_LOG_LEVEL")                                    \
    X("OTEL_PROPAGATORS")                                  \
    X("OTEL_TRACES_SAMPLER")                               \
    X("OTEL_TRACES_SAMPLER_ARG")                           \
    X("OTEL_TRACES_EXPORTER")                              \
    X("OTEL_METRICS_EXPORTER")                             \
    X("OTEL_LOGS_EXPORTER")                                \
    X("OTEL_BSP_SCHEDULE_DELAY")                           \
    X("OTEL_BSP_EXPORT_TIMEOUT")                           \
    X("OTEL_BSP_MAX_QUEUE_SIZE")                           \
    X("OTEL_BSP_MAX_EXPORT_BATCH_SIZE")                    \
    X("OTEL_CORE_BSP_MAX_QUEUE_BYTES")                     \
    X("OTEL_CORE_BSP_BLOCK_TIMEOUT")                       \
    X("OTEL_BLRP_SCHEDULE_DELAY")                          \
    X("OTEL_BLRP_EXPORT_TIMEOUT")                          \
    X("OTEL_BLRP_MAX_QUEUE_SIZE")                          \
    X("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE")                   \
    X("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT")                 \
    X("OTEL_ATTRIBUTE_COUNT_LIMIT")                        \
    X("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT")            \
    X("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT")                   \
    X("OTEL_SPAN_EVENT_COUNT_LIMIT")                       \
    X("OTEL_SPAN_LINK_COUNT_LIMIT")                        \
    X("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT")                  \
    X("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT")                   \
    X("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT")       \
    X("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT")              \
    X("OTEL_METRIC_EXPORT_INTERVAL")                       \
    X("OTEL_METRIC_EXPORT_TIMEOUT")                        \
    X("OTEL_METRICS_EXEMPLAR_FILTER")                      \
    X("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE") \
    X("OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION") \
    OTEL__OTLP_NAMES(X, "")                                \
    OTEL__OTLP_NAMES(X, "TRACES_")                         \
    OTEL__OTLP_NAMES(X, "METRICS_")                        \
    OTEL__OTLP_NAMES(X, "LOGS_")                           \
    X("OTEL_EXPORTER_OTLP_SPAN_INSECURE")                  \
    X("OTEL_EXPORTER_OTLP_METRIC_INSECURE")                \
    X("OTEL_CORE_EXPORTER_FILE_PATH")                      \
    X("OTEL_CORE_EXPORTER_OTLP_MAX_REQUEST_BYTES")         \
    X("OTEL_CORE_EXPORTER_OTLP_MAX_RESPONSE_BYTES")        \
    X("OTEL_CORE_EXPORTER_OTLP_RETRY_INITIAL_BACKOFF")     \
    X("OTEL_CORE_EXPORTER_OTLP_RETRY_MAX_BACKOFF")

#define OTEL__OTLP_NAMES(X, sig)                        \
    X("OTEL_EXPORTER_OTLP_" sig "ENDPOINT")             \
    X("OTEL_EXPORTER_OTLP_" sig "PROTOCOL")             \
    X("OTEL_EXPORTER_OTLP_" sig "HEADERS")              \
    X("OTEL_EXPORTER_OTLP_" sig "COMPRESSION")          \
    X("OTEL_EXPORTER_OTLP_" sig "TIMEOUT")              \
    X("OTEL_EXPORTER_OTLP_" sig "CERTIFICATE")          \
    X("OTEL_EXPORTER_OTLP_" sig "CLIENT_KEY")           \
    X("OTEL_EXPORTER_OTLP_" sig "CLIENT_CERTIFICATE")   \
    X("OTEL_EXPORTER_OTLP_" sig "INSECURE")

/* 1 if `name` is in OTEL_OPTION_NAMES. */
int otel__option_known(const char *name, size_t len);

/* The effective value: code over environment; empty counts as unset. NULL if
 * unset. `opts` may be NULL. */
const char *otel__opt_str(const otel_options *opts, const char *name);

/* Spec boolean: only "true" (any case) is true; other non-empty values other
 * than "false" warn. */
int otel__opt_bool(const otel_options *opts, const char *name, int def);

/* Integer in [min, max]; unparseable or out of range warns and gives `def`. */
int64_t otel__opt_int(const otel_options *opts, const char *name, int64_t def, int64_t min,
                      int64_t max);

/* Double in [min, max]; same rules. */
double otel__opt_double(const otel_options *opts, const char *name, double def, double min,
                        double max);

/* Index of the value in `choices` (case-insensitive, NULL-terminated list);
 * unset gives `def`; unknown warns and gives `def`. */
int otel__opt_enum(const otel_options *opts, const char *name, const char *const *choices,
                   int def);

/* For strict options (otel_options_set_strict): records that the value of
 * `name` set in code is invalid (the first message is kept; a value from
 * the environment records nothing). Parsers call it beside their warning. */
void otel__options_reject(const otel_options *opts, const char *name, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* 1 when a strict handle recorded a bad value. */
int otel__options_failed(const otel_options *opts);
/* OTEL_OK, or OTEL_ERR_INVALID_ARGUMENT with the recorded message as the
 * last error ("what: message"): constructors call it once they have read
 * their options. */
otel_status otel__options_verdict(const otel_options *opts, const char *what);

/* Items the options carry beyond strings (read by the provider). */
otel_resource *otel__options_resource(const otel_options *opts);
otel_sampler *otel__options_sampler(const otel_options *opts);
size_t otel__options_processors(const otel_options *opts, otel_processor *const **out);
otel_id_generator_fn otel__options_id_generator(const otel_options *opts, int *random,
                                                void **user_data);

#endif
