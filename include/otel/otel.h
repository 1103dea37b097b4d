/**
 * @file otel/otel.h
 * @brief The umbrella header of libotel_core: includes every public header.
 *
 * @code
 * #include <otel/otel.h>
 *
 * int main(void) {
 *     otel_tracer_provider *tp;
 *     if (otel_tracer_provider_new(&tp, NULL) != OTEL_OK) return 1;
 *     otel_tracer *t = otel_tracer_provider_get_tracer(tp, "app", NULL, NULL);
 *     otel_span *s = otel_tracer_start_span(t, "main", OTEL_SPAN_KIND_INTERNAL, NULL);
 *     otel_span_end(s);
 *     otel_tracer_provider_shutdown(tp, 5000);
 *     otel_tracer_provider_release(tp);
 *     return 0;
 * }
 * @endcode
 *
 * All strings are UTF-8. Link with `pkg-config --libs otel_core` or CMake's
 * `find_package(otel_core)` and `otel_core::otel_core`.
 */
#ifndef OTEL_OTEL_H
#define OTEL_OTEL_H

#include "otel/common.h"
#include "otel/resource.h"
#include "otel/options.h"
#include "otel/context.h"
#include "otel/baggage.h"
#include "otel/propagation.h"
#include "otel/trace.h"
#include "otel/sampler.h"
#include "otel/span_data.h"
#include "otel/export.h"
#include "otel/otlp.h"
#include "otel/metrics.h"
#include "otel/logs.h"

#endif /* OTEL_OTEL_H */
