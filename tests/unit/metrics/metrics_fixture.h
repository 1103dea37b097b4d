/* Helpers shared by the metrics suites (public API only): a provider with
 * no reader from the environment, and finding a stream in collected data. */
#ifndef OTEL_TEST_METRICS_FIXTURE_H
#define OTEL_TEST_METRICS_FIXTURE_H

#include <check.h>
#include <string.h>

#include "otel/otel.h"

/* A provider without the environment's reader; `key`=`value` set too
 * when key is not NULL. */
static inline otel_meter_provider *mx_provider(const char *key, const char *value) {
    otel_options *o;
    otel_options_new(&o);
    otel_options_set(o, "OTEL_METRICS_EXPORTER", "none");
    if (key) otel_options_set(o, key, value);
    otel_meter_provider *mp = NULL;
    ck_assert_int_eq(otel_meter_provider_new(&mp, o), OTEL_OK);
    otel_options_free(o);
    return mp;
}

/* The index of stream `name` in d (its point count in *np), or -1. */
static inline long mx_find(const otel_metrics_data *d, const char *name, size_t *np) {
    for (size_t i = 0; i < otel_metrics_data_count(d); i++) {
        const char *n;
        otel_metrics_data_metric(d, i, &n, NULL, NULL, NULL, NULL, NULL, np, NULL);
        if (strcmp(n, name) == 0) return (long)i;
    }
    return -1;
}

#endif
