/* The fixture the metrics specification suites share (test_spec_edges.c,
 * test_spec_concurrency.c, test_spec_bad_input.c): a provider with a
 * cumulative and a delta manual reader, one meter, and point lookup. */
#ifndef OTEL_TEST_SPEC_FIXTURE_H
#define OTEL_TEST_SPEC_FIXTURE_H

#include <check.h>
#include <string.h>

#include "metrics_fixture.h"
#include "otel/otel.h"
#include "trace/trace_fixture.h"

static otel_meter_provider *prov;
static otel_metric_reader *rc, *rd; /* cumulative and delta manual readers */
static otel_meter *mtr;

static inline void up(void) {
    prov = mx_provider(NULL, NULL);
    ck_assert_int_eq(otel_metric_reader_manual_new(&rc, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_metric_reader_manual_new(&rd, OTEL_TEMPORALITY_DELTA), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(prov, rc), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(prov, rd), OTEL_OK);
    mtr = otel_meter_provider_get_meter(prov, "edges", "0.1", "https://example.com/schema");
}

static inline void down(void) {
    otel_metric_reader_release(rc);
    otel_metric_reader_release(rd);
    otel_meter_provider_release(prov);
}

/* One collected point, looked up by metric name and point index. */
typedef struct pt {
    int found, kind, temporality, is_int;
    size_t n_points;
    uint64_t start, end, count;
    int64_t i;
    double d, sum, min, max;
} pt;

static inline pt point_of(const otel_metrics_data *d, const char *name, size_t p) {
    pt r;
    memset(&r, 0, sizeof r);
    for (size_t m = 0; m < otel_metrics_data_count(d); m++) {
        const char *n;
        otel_metrics_data_metric(d, m, &n, NULL, NULL, &r.kind, &r.temporality, NULL, &r.n_points, NULL);
        if (strcmp(n, name) != 0) continue;
        r.found = p < r.n_points;
        if (r.found)
            otel_metrics_data_point(d, m, p, &r.start, &r.end, &r.is_int, &r.i, &r.d, &r.count, &r.sum,
                                    &r.min, &r.max);
        return r;
    }
    return r;
}

static inline pt collect_one(otel_metric_reader *r, const char *name) {
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
    pt p = point_of(d, name, 0);
    otel_metrics_data_free(d);
    return p;
}

/* An observable callback reporting 42 into the instrument `ud` points at. */
static inline void observe_42(otel_observer *o, void *ud) {
    otel_observer_observe_f64(o, *(otel_instrument **)ud, 42, NULL, 0);
}

#endif
