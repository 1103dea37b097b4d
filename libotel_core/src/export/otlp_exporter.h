/* The OTLP trace exporter behind otel_exporter_otlp_new(), and how a
 * provider builds one from the environment. */
#ifndef OTEL_EXPORT_OTLP_EXPORTER_H
#define OTEL_EXPORT_OTLP_EXPORTER_H

#include "otel/export.h"
#include "otel/options.h"

/* The exporter a provider uses when OTEL_TRACES_EXPORTER is `otlp` (the
 * default) and no processor was added in code: the OTLP exporter configured
 * by OTEL_EXPORTER_OTLP_* from `opts` over the environment, or, when
 * OTEL_CORE_EXPORTER_FILE_PATH is set, the OTLP/JSON file exporter writing
 * to that path instead of the network.
 * @return as otel_exporter_otlp_new() / otel_exporter_file_new(). */
otel_status otel__otlp_exporter_from_env(otel_exporter **out, const otel_options *opts);

#endif
