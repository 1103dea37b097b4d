/* For internal metrics suites: collected data encoded as the OTLP readers
 * send it, protobuf decoded back with protobuf-c, JSON as a C string. */
#ifndef OTEL_TEST_METRICS_ENCODE_FIXTURE_H
#define OTEL_TEST_METRICS_ENCODE_FIXTURE_H

#include <check.h>
#include <stdlib.h>

#include "export/otlp_buf.h"
#include "metrics/internal.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h"

typedef Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest mx_request;

/* What reader `r` collects now, as a decoded protobuf request (free with
 * mx_request_free) and, when json is not NULL, as OTLP/JSON (free()). */
static inline mx_request *mx_encode(otel_meter_provider *mp, otel_metric_reader *r, char **json) {
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
    uint8_t *buf = NULL;
    size_t len = 0;
    ck_assert_int_eq(otel__metrics_encode_proto(d, mp->resource, &buf, &len), OTEL_OK);
    mx_request *req =
        opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(NULL, len, buf);
    ck_assert_ptr_nonnull(req);
    free(buf);
    if (json) {
        otel__buf b;
        otel__buf_init(&b, 0);
        ck_assert_int_eq(otel__metrics_encode_json(d, mp->resource, &b), OTEL_OK);
        otel__buf_putc(&b, '\0');
        *json = strdup((const char *)b.p);
        otel__buf_free(&b);
    }
    otel_metrics_data_free(d);
    return req;
}

static inline void mx_request_free(mx_request *req) {
    opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(req, NULL);
}

#endif
