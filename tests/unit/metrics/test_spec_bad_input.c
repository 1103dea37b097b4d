/* Bad input to the metrics API: every public call with NULL handles and
 * out-of-range indexes returns an error or does nothing, and doubles fed to
 * int64 instruments are whole numbers in range or dropped and counted. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <stdatomic.h>

#include "spec_fixture.h"


/* Every public metrics function given NULL handles and out-of-range
 * indexes: an error status or nothing, never a crash. */
START_TEST(test_every_call_survives_null_and_bad_indexes) {
    otel_view *v = NULL;
    ck_assert_int_eq(otel_view_new(NULL, "x"), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_ne(otel_view_select(NULL, 0, NULL, NULL, NULL, NULL), OTEL_OK);
    ck_assert_int_ne(otel_view_set_stream(NULL, "x", NULL), OTEL_OK);
    ck_assert_int_ne(otel_view_set_attribute_keys(NULL, NULL, 0, 0), OTEL_OK);
    ck_assert_int_ne(otel_view_set_aggregation(NULL, OTEL_AGGREGATION_SUM, NULL, 0), OTEL_OK);
    ck_assert_int_ne(otel_view_set_cardinality_limit(NULL, 10), OTEL_OK);
    otel_view_free(NULL);
    ck_assert_int_eq(otel_view_new(&v, "x"), OTEL_OK);
    ck_assert_int_ne(otel_view_set_attribute_keys(v, NULL, 3, 0), OTEL_OK);
    ck_assert_int_ne(otel_view_set_aggregation(v, OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM, NULL, 3), OTEL_OK);
    ck_assert_int_ne(otel_meter_provider_add_view(NULL, v), OTEL_OK);
    ck_assert_int_ne(otel_meter_provider_add_view(prov, NULL), OTEL_OK);
    otel_view_free(v);
    otel_metric_reader *r = NULL;
    ck_assert_int_ne(otel_metric_reader_manual_new(NULL, OTEL_TEMPORALITY_DELTA), OTEL_OK);
    ck_assert_int_ne(otel_metric_reader_manual_new(&r, 7), OTEL_OK);
    ck_assert_int_ne(otel_metric_reader_otlp_new(NULL, NULL), OTEL_OK);
    ck_assert_int_ne(otel_metric_reader_console_new(NULL, NULL), OTEL_OK);
    ck_assert_int_ne(otel_metric_reader_periodic_new(&r, NULL, NULL, NULL), OTEL_OK);
    ck_assert_int_ne(otel_metric_reader_memory_new(NULL, NULL), OTEL_OK);
    ck_assert_ptr_null(otel_metric_reader_memory_take(NULL));
    ck_assert_ptr_null(otel_metric_reader_memory_take(rc)); /* not an in-memory reader */
    ck_assert_int_ne(otel_metric_reader_collect(rc, NULL), OTEL_OK);
    ck_assert_ptr_null(otel_metric_reader_retain(NULL));
    otel_metric_reader_release(NULL);
    ck_assert_int_ne(otel_meter_provider_new(NULL, NULL), OTEL_OK);
    ck_assert_int_ne(otel_meter_provider_add_reader(NULL, rc), OTEL_OK);
    ck_assert_int_ne(otel_meter_provider_add_reader(prov, NULL), OTEL_OK);
    ck_assert_ptr_null(otel_meter_provider_get_meter_n(NULL, "x", 1, NULL, 0, NULL, 0, NULL, 0));
    ck_assert_int_ne(otel_meter_provider_force_flush(NULL, 10), OTEL_OK);
    ck_assert_int_ne(otel_meter_provider_shutdown(NULL, 10), OTEL_OK);
    uint64_t stats[4];
    ck_assert_uint_eq(otel_meter_provider_get_stats(NULL, stats, 4), 0);
    ck_assert_uint_eq(otel_meter_provider_get_stats(prov, NULL, 4), 0);
    char buf[8];
    ck_assert_uint_eq(otel_meter_provider_last_error(NULL, buf, sizeof buf), 0);
    ck_assert_ptr_null(otel_meter_provider_retain(NULL));
    otel_meter_provider_release(NULL);
    ck_assert_uint_eq(otel_meter_provider_dropped(NULL), 0);
    otel_instrument *i = NULL;
    ck_assert_int_ne(otel_meter_create_instrument(NULL, mtr, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64, "x", NULL,
                                                  NULL), OTEL_OK);
    ck_assert_int_ne(otel_meter_create_instrument(&i, NULL, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64, "x", NULL,
                                                  NULL), OTEL_OK);
    ck_assert_int_ne(otel_meter_create_instrument(&i, mtr, OTEL_INSTRUMENT_COUNTER, 9, "x", NULL, NULL), OTEL_OK);
    ck_assert_int_ne(otel_instrument_set_bucket_boundaries(NULL, NULL, 0), OTEL_OK);
    otel_instrument *c = otel_meter_counter_i64(mtr, "n.c", NULL, NULL);
    double nan_bound[] = {1, NAN};
    ck_assert_int_ne(otel_instrument_set_bucket_boundaries(c, nan_bound, 2), OTEL_OK); /* not a histogram */
    ck_assert_int_ne(otel_instrument_set_bucket_boundaries(otel_meter_histogram_f64(mtr, "n.h", NULL, NULL),
                                                           nan_bound, 2), OTEL_OK);
    otel_instrument_record_i64(NULL, 1, NULL, 0);
    otel_instrument_record_f64(NULL, 1, NULL, 0);
    otel_counter_add_i64(NULL, 1, NULL, 0);
    otel_counter_add_f64(NULL, 1, NULL, 0);
    otel_histogram_record_f64(NULL, 1, NULL, 0);
    otel_histogram_record_i64(NULL, 1, NULL, 0);
    ck_assert_ptr_null(otel_instrument_bind(NULL, NULL, 0));
    ck_assert_ptr_null(otel_instrument_bind(c, NULL, 2));
    otel_bound_record_i64(NULL, 1);
    otel_bound_record_f64(NULL, 1);
    otel_bound_instrument_free(NULL);
    ck_assert_int_ne(otel_meter_register_callback(NULL, observe_42, NULL, &c, 1, NULL), OTEL_OK);
    ck_assert_int_ne(otel_meter_register_callback(mtr, NULL, NULL, &c, 1, NULL), OTEL_OK);
    ck_assert_int_ne(otel_meter_register_callback(mtr, observe_42, NULL, NULL, 1, NULL), OTEL_OK);
    ck_assert_int_ne(otel_meter_unregister_callback(NULL, 1), OTEL_OK);
    ck_assert_int_ne(otel_meter_unregister_callback(mtr, 999999), OTEL_OK);
    otel_observer_observe_i64(NULL, c, 1, NULL, 0);
    otel_observer_observe_f64(NULL, NULL, 1, NULL, 0);
    /* collected data: NULL and every index past the end */
    otel_metrics_data_free(NULL);
    ck_assert_uint_eq(otel_metrics_data_count(NULL), 0);
    otel_counter_add_i64(c, 1, NULL, 0);
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(rc, &d), OTEL_OK);
    size_t nm = otel_metrics_data_count(d);
    const otel_attr *at;
    size_t na;
    const double *b;
    const uint64_t *cnt;
    size_t nb, nc;
    int32_t sc, off;
    uint64_t z;
    for (int k = 0; k < 2; k++) {
        const otel_metrics_data *x = k ? d : NULL;
        ck_assert_int_ne(otel_metrics_data_metric(x, nm, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_scope(x, nm, NULL, NULL, NULL, NULL, NULL), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_point(x, 0, 99, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_point_attrs(x, nm, 0, &at, &na), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_point_buckets(x, 0, 0, &b, &nb, &cnt, &nc), OTEL_OK); /* a sum */
        ck_assert_int_ne(otel_metrics_data_point_exp_buckets(x, 0, 0, &sc, &z, &off, &cnt, &nc), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_point_exp_negative(x, 0, 0, &off, &cnt, &nc), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_point_exemplar(x, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL), OTEL_OK);
        ck_assert_int_ne(otel_metrics_data_point_exemplar_attrs(x, 0, 0, 5, &at, &na), OTEL_OK);
    }
    otel_metrics_data_free(d);
}
END_TEST

static void observe_halves(otel_observer *o, void *ud) {
    otel_observer_observe_f64(o, *(otel_instrument **)ud, 2.5, NULL, 0); /* dropped */
    otel_observer_observe_f64(o, *(otel_instrument **)ud, 4.0, NULL, 0);
}

/* An int64 instrument takes a double only when it is a whole number in
 * range: 1.5 is not truncated to 1, 1e300 (undefined to convert) is not
 * recorded at all; both are dropped and counted. */
START_TEST(test_doubles_into_int_instruments_are_whole_or_dropped) {
    otel_instrument *c = otel_meter_counter_i64(mtr, "whole", NULL, NULL);
    uint64_t dropped = otel_meter_provider_dropped(prov);
    otel_counter_add_f64(c, 2.0, NULL, 0);
    otel_counter_add_f64(c, 1.5, NULL, 0);
    otel_counter_add_f64(c, 1e300, NULL, 0);
    otel_counter_add_f64(c, 9223372036854775808.0, NULL, 0); /* 2^63: just past int64 */
    otel_attr a[] = {OTEL_ATTR_STR("k", "v")};
    otel_bound_instrument *b = otel_instrument_bind(c, a, 1);
    otel_bound_record_f64(b, 0.5);
    otel_bound_record_f64(b, 3.0);
    otel_bound_instrument_free(b);
    otel_instrument *g = otel_meter_gauge_i64(mtr, "whole.gauge", NULL, NULL);
    otel_instrument_record_f64(g, 7.0, NULL, 0);
    otel_instrument_record_f64(g, 7.25, NULL, 0);
    otel_instrument *oc;
    ck_assert_int_eq(otel_meter_create_instrument(&oc, mtr, OTEL_INSTRUMENT_OBSERVABLE_COUNTER,
                                                  OTEL_NUMBER_INT64, "whole.observed", NULL, NULL),
                     OTEL_OK);
    ck_assert_int_eq(otel_meter_register_callback(mtr, observe_halves, &oc, &oc, 1, NULL), OTEL_OK);
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(rc, &d), OTEL_OK);
    ck_assert_int_eq(point_of(d, "whole", 0).i + point_of(d, "whole", 1).i, 5); /* 2, and 3 bound */
    ck_assert_int_eq(point_of(d, "whole.gauge", 0).i, 7);
    ck_assert_int_eq(point_of(d, "whole.observed", 0).i, 4);
    otel_metrics_data_free(d);
    ck_assert_uint_eq(otel_meter_provider_dropped(prov), dropped + 6);
}
END_TEST

FX_MAIN("metrics.spec_bad_input", up, down,
        test_every_call_survives_null_and_bad_indexes,
        test_doubles_into_int_instruments_are_whole_or_dropped)
