/* Recording finds a thread's recent series by a fingerprint of the values
 * alone before hashing (series.c, otel__metrics_series_for). These cases
 * would merge or split series if that shortcut trusted the fingerprint:
 * equal values under other keys, other orders, invalid and repeated
 * attributes, more sets than hint slots, and threads sharing a stats shard. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "metrics_fixture.h"
#include "otel/otel.h"
#include "trace/trace_fixture.h"

static otel_meter_provider *mp;
static otel_metric_reader *reader;
static otel_instrument *counter;

static void setup(void) {
    mp = mx_provider(NULL, NULL);
    ck_assert_int_eq(otel_metric_reader_manual_new(&reader, OTEL_TEMPORALITY_CUMULATIVE), OTEL_OK);
    ck_assert_int_eq(otel_meter_provider_add_reader(mp, reader), OTEL_OK);
    counter = otel_meter_counter_i64(otel_meter_provider_get_meter(mp, "hints", NULL, NULL), "c", NULL, NULL);
    ck_assert_ptr_nonnull(counter);
}

static void teardown(void) {
    otel_metric_reader_release(reader);
    otel_meter_provider_release(mp);
}

/* The sum of the point whose attributes, rendered "k=v,k=v" in stored
 * order (strings and ints), are `want`; -1 when absent. The point count in
 * *np. */
static int64_t sum_of(const char *want, size_t *np) {
    otel_metrics_data *d = NULL;
    ck_assert_int_eq(otel_metric_reader_collect(reader, &d), OTEL_OK);
    long i = mx_find(d, "c", np);
    int64_t found = -1;
    for (size_t p = 0; i >= 0 && p < *np; p++) {
        const otel_attr *a;
        size_t na;
        otel_metrics_data_point_attrs(d, (size_t)i, p, &a, &na);
        char buf[256] = "";
        for (size_t k = 0; k < na; k++) {
            char one[96];
            if (a[k].type == OTEL_VALUE_STRING)
                snprintf(one, sizeof one, "%s%.*s=%.*s", k ? "," : "", (int)a[k].key_len, a[k].key,
                         (int)a[k].len, (const char *)a[k].ptr);
            else
                snprintf(one, sizeof one, "%s%.*s=%lld", k ? "," : "", (int)a[k].key_len, a[k].key,
                         (long long)a[k].int_value);
            strncat(buf, one, sizeof buf - strlen(buf) - 1);
        }
        if (strcmp(buf, want) == 0)
            otel_metrics_data_point(d, (size_t)i, p, NULL, NULL, NULL, &found, NULL, NULL, NULL, NULL, NULL);
    }
    if (i < 0) *np = 0;
    otel_metrics_data_free(d);
    return found;
}

START_TEST(test_equal_values_under_other_keys_stay_apart) {
    otel_attr a[] = {OTEL_ATTR_I64("a", 1)}, b[] = {OTEL_ATTR_I64("b", 1)};
    otel_attr ab[] = {OTEL_ATTR_STR("a", "x"), OTEL_ATTR_STR("b", "y")};
    otel_attr ac[] = {OTEL_ATTR_STR("a", "x"), OTEL_ATTR_STR("c", "y")};
    /* same-length keys too: only the key bytes differ */
    otel_attr k1[] = {OTEL_ATTR_STR("http.route.one", "v")}, k2[] = {OTEL_ATTR_STR("http.route.two", "v")};
    for (int i = 0; i < 1000; i++) {
        otel_counter_add_i64(counter, 1, a, 1);
        otel_counter_add_i64(counter, 2, b, 1);
        otel_counter_add_i64(counter, 3, ab, 2);
        otel_counter_add_i64(counter, 4, ac, 2);
        otel_counter_add_i64(counter, 5, k1, 1);
        otel_counter_add_i64(counter, 6, k2, 1);
    }
    size_t np;
    ck_assert_int_eq(sum_of("a=1", &np), 1000);
    ck_assert_uint_eq(np, 6);
    ck_assert_int_eq(sum_of("b=1", &np), 2000);
    ck_assert_int_eq(sum_of("a=x,b=y", &np), 3000);
    ck_assert_int_eq(sum_of("a=x,c=y", &np), 4000);
    ck_assert_int_eq(sum_of("http.route.one=v", &np), 5000);
    ck_assert_int_eq(sum_of("http.route.two=v", &np), 6000);
}
END_TEST

START_TEST(test_any_order_is_one_series) {
    otel_attr sorted[] = {OTEL_ATTR_STR("a", "x"), OTEL_ATTR_I64("b", 2)};
    otel_attr reversed[] = {OTEL_ATTR_I64("b", 2), OTEL_ATTR_STR("a", "x")};
    for (int i = 0; i < 500; i++) {
        otel_counter_add_i64(counter, 1, sorted, 2);
        otel_counter_add_i64(counter, 1, reversed, 2);
    }
    size_t np;
    ck_assert_int_eq(sum_of("a=x,b=2", &np), 1000);
    ck_assert_uint_eq(np, 1);
}
END_TEST

START_TEST(test_invalid_attributes_after_a_hint) {
    otel_attr good[] = {OTEL_ATTR_STR("a", "x")};
    otel_attr no_ptr[] = {{"a", 1, OTEL_VALUE_STRING, 0, 0, 0, NULL, 1}};  /* bytes claimed, none given */
    otel_attr no_key[] = {{NULL, 1, OTEL_VALUE_STRING, 0, 0, 0, "x", 1}};
    otel_attr bad_type[] = {{"a", 1, 99, 0, 0, 0, "x", 1}};
    for (int i = 0; i < 100; i++) {
        otel_counter_add_i64(counter, 1, good, 1);
        otel_counter_add_i64(counter, 1, no_ptr, 1);  /* each is skipped: the empty set */
        otel_counter_add_i64(counter, 1, no_key, 1);
        otel_counter_add_i64(counter, 1, bad_type, 1);
    }
    size_t np;
    ck_assert_int_eq(sum_of("a=x", &np), 100);
    ck_assert_int_eq(sum_of("", &np), 300);
    ck_assert_uint_eq(np, 2);
}
END_TEST

START_TEST(test_repeated_key_is_its_canonical_set) {
    otel_attr one[] = {OTEL_ATTR_I64("a", 2)};
    otel_attr twice[] = {OTEL_ATTR_I64("a", 1), OTEL_ATTR_I64("a", 2)}; /* the last value wins */
    otel_attr other[] = {OTEL_ATTR_I64("a", 2), OTEL_ATTR_I64("b", 2)};
    for (int i = 0; i < 100; i++) {
        otel_counter_add_i64(counter, 1, one, 1);
        otel_counter_add_i64(counter, 1, twice, 2);
        otel_counter_add_i64(counter, 1, other, 2);
    }
    size_t np;
    ck_assert_int_eq(sum_of("a=2", &np), 200);
    ck_assert_int_eq(sum_of("a=2,b=2", &np), 100);
    ck_assert_uint_eq(np, 2);
}
END_TEST

START_TEST(test_more_sets_than_hint_slots) {
    enum { SETS = 300 };
    for (int round = 0; round < 20; round++)
        for (int k = 0; k < SETS; k++) {
            otel_attr a[] = {OTEL_ATTR_STR("route", "/x"), OTEL_ATTR_I64("id", k)};
            otel_counter_add_i64(counter, k, a, 2);
        }
    size_t np;
    for (int k = 0; k < SETS; k += 37) {
        char want[64];
        snprintf(want, sizeof want, "id=%d,route=/x", k);
        ck_assert_int_eq(sum_of(want, &np), 20 * k);
    }
    ck_assert_uint_eq(np, SETS);
}
END_TEST

/* More threads than owned stats shards: the last ones share a shard and
 * its hints. Each alternates sets that differ in one value. */
enum { THREADS = 12, ADDS = 20000 };

static void *adder(void *arg) {
    long t = (long)arg;
    for (int i = 0; i < ADDS; i++) {
        otel_attr a[] = {OTEL_ATTR_STR("method", (i & 1) ? "GET" : "PUT"), OTEL_ATTR_I64("shard", t % 3)};
        otel_counter_add_i64(counter, 1, a, 2);
    }
    return NULL;
}

START_TEST(test_threads_sharing_a_shard_keep_exact_sums) {
    pthread_t th[THREADS];
    for (long t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, adder, (void *)t);
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    size_t np;
    for (int s = 0; s < 3; s++) {
        char want[64];
        snprintf(want, sizeof want, "method=GET,shard=%d", s);
        ck_assert_int_eq(sum_of(want, &np), (THREADS / 3) * (ADDS / 2));
        snprintf(want, sizeof want, "method=PUT,shard=%d", s);
        ck_assert_int_eq(sum_of(want, &np), (THREADS / 3) * (ADDS / 2));
    }
    ck_assert_uint_eq(np, 6);
}
END_TEST

FX_MAIN("series_hints", setup, teardown,
        test_equal_values_under_other_keys_stay_apart,
        test_any_order_is_one_series,
        test_invalid_attributes_after_a_hint,
        test_repeated_key_is_its_canonical_set,
        test_more_sets_than_hint_slots,
        test_threads_sharing_a_shard_keep_exact_sums)
