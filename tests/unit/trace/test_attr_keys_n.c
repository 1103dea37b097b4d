/* The key-length form of every attribute setter takes exactly key_len bytes
 * of a key that is not NUL-terminated, and stores the same value as the
 * NUL-terminated form; otel_meter_create_instrument_n and otel_view_new_n
 * take their strings the same way. */
#include <check.h>
#include <string.h>

#include "trace/trace_fixture.h"

/* Each key is 3 bytes of a longer buffer, not NUL-terminated there. */
static const char KEYS[] = "aaa|bbb|ccc|ddd|eee|fff|ggg|";
#define KEY(i) (KEYS + 4 * (i)), 3

START_TEST(test_every_setter_takes_exactly_key_len_bytes) {
    fx f;
    fx_open(&f, NULL);
    otel_span *s = otel_tracer_start_span(f.tracer, "keys", 0, NULL);
    otel_span_set_attribute_bool_n(s, KEY(0), 1);
    otel_span_set_attribute_i64_n(s, KEY(1), -7);
    otel_span_set_attribute_f64_n(s, KEY(2), 2.5);
    otel_str strs[] = {{"x", 1}, {"yz", 2}};
    otel_span_set_attribute_str_array_n(s, KEY(3), strs, 2);
    int bools[] = {1, 0, 1};
    otel_span_set_attribute_bool_array_n(s, KEY(4), bools, 3);
    int64_t ints[] = {1, 2};
    otel_span_set_attribute_i64_array_n(s, KEY(5), ints, 2);
    double dbls[] = {0.5};
    otel_span_set_attribute_f64_array_n(s, KEY(6), dbls, 1);
    const otel_span_data *d = fx_end(&f, s);
    ck_assert_uint_eq(otel_span_data_attribute_count(d), 7);
    otel_attr a;
    ck_assert(fx_attr(d, "aaa", &a) && a.type == OTEL_VALUE_BOOL && a.bool_value == 1);
    ck_assert(fx_attr(d, "bbb", &a) && a.type == OTEL_VALUE_INT64 && a.int_value == -7);
    ck_assert(fx_attr(d, "ccc", &a) && a.type == OTEL_VALUE_DOUBLE && a.double_value == 2.5);
    ck_assert(fx_attr(d, "ddd", &a) && a.type == OTEL_VALUE_STRING_ARRAY && a.len == 2);
    ck_assert(fx_attr(d, "eee", &a) && a.type == OTEL_VALUE_BOOL_ARRAY && a.len == 3);
    ck_assert(fx_attr(d, "fff", &a) && a.type == OTEL_VALUE_INT64_ARRAY && a.len == 2);
    ck_assert(fx_attr(d, "ggg", &a) && a.type == OTEL_VALUE_DOUBLE_ARRAY && a.len == 1);
    ck_assert(!fx_attr(d, "aaa|", NULL)); /* not one byte more */
    otel_span_data_release(d);
    fx_close(&f);
}
END_TEST

START_TEST(test_instrument_and_view_strings_by_length) {
    otel_meter_provider *mp;
    otel_options *o = fx_opts((const char *const[]){"OTEL_METRICS_EXPORTER", "none", NULL});
    ck_assert_int_eq(otel_meter_provider_new(&mp, o), OTEL_OK);
    otel_options_free(o);
    otel_view *v;
    ck_assert_int_eq(otel_view_new_n(&v, "req.latency", 3), OTEL_OK);
    ck_assert_int_eq(otel_view_set_stream(v, "renamed", NULL), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_view(mp, v), OTEL_OK);
    otel_view_free(v);
    otel_metric_reader *r;
    ck_assert_int_eq(otel_metric_reader_manual_new(&r, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, r), OTEL_OK);
    otel_meter *m = otel_meter_provider_get_meter(mp, "n-forms", NULL, NULL);
    otel_instrument *c;
    ck_assert_int_eq(otel_meter_create_instrument_n(&c, m, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64,
                                                    "req.total", 3, "1.5", 1, NULL, 0),
                     OTEL_OK);
    otel_counter_add_i64(c, 2, NULL, 0);
    /* a NUL inside the given length is refused */
    otel_instrument *bad;
    ck_assert_int_eq(otel_meter_create_instrument_n(&bad, m, OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64,
                                                    "a\0b", 3, NULL, 0, NULL, 0),
                     OTEL_ERR_INVALID_ARGUMENT);
    otel_metrics_data *d;
    ck_assert_int_eq(otel_metric_reader_collect(r, &d), OTEL_OK);
    ck_assert_uint_eq(otel_metrics_data_count(d), 1);
    const char *name, *unit;
    ck_assert_int_eq(otel_metrics_data_metric(d, 0, &name, &unit, NULL, NULL, NULL, NULL, NULL, NULL),
                     OTEL_OK);
    ck_assert_str_eq(name, "renamed"); /* the view matched "req", not "req.latency" */
    ck_assert_str_eq(unit, "1");
    otel_metrics_data_free(d);
    otel_metric_reader_release(r);
    otel_meter_provider_release(mp);
}
END_TEST

FX_MAIN("attr_keys_n", NULL, NULL, test_every_setter_takes_exactly_key_len_bytes,
        test_instrument_and_view_strings_by_length)
