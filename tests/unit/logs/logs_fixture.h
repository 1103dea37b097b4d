/* Helpers shared by the logs suites (public API only): a logger provider
 * whose records land in the in-memory exporter through a simple processor,
 * and the provider's stats by name. */
#ifndef OTEL_TEST_LOGS_FIXTURE_H
#define OTEL_TEST_LOGS_FIXTURE_H

#include "trace/trace_fixture.h"

typedef struct lfx {
    otel_logger_provider *lp;
    otel_logger *lg;
    otel_log_exporter *mem;
} lfx;

/* A provider from `o` (NULL: none; freed) with a simple processor into an
 * in-memory exporter. */
static inline void lfx_open(lfx *f, otel_options *o) {
    ck_assert_int_eq(otel_log_exporter_in_memory_new(&f->mem), OTEL_OK);
    otel_log_processor *p;
    ck_assert_int_eq(otel_log_processor_simple_new(&p, f->mem), OTEL_OK);
    ck_assert_int_eq(otel_logger_provider_new_with(&f->lp, o, &p, 1), OTEL_OK);
    otel_log_processor_release(p);
    if (o) otel_options_free(o);
    f->lg = otel_logger_provider_get_logger(f->lp, "test", "1.0", NULL);
    ck_assert_ptr_nonnull(f->lg);
}

static inline void lfx_close(lfx *f) {
    otel_logger_provider_shutdown(f->lp, 5000);
    otel_logger_provider_release(f->lp);
    otel_log_exporter_release(f->mem);
    memset(f, 0, sizeof *f);
}

/* Exported record `i` (borrowed from the exporter). */
static inline const otel_log_record *lfx_get(lfx *f, size_t i) {
    const otel_log_record *r = otel_log_exporter_in_memory_get(f->mem, i);
    ck_assert_msg(r != NULL, "no exported record #%zu (have %zu)", i,
                  otel_log_exporter_in_memory_count(f->mem));
    return r;
}

static inline uint64_t lfx_stat(const otel_logger_provider *lp, int which) {
    uint64_t v[OTEL_LOG_STAT__COUNT] = {0};
    ck_assert_uint_eq(otel_logger_provider_get_stats(lp, v, OTEL_LOG_STAT__COUNT), OTEL_LOG_STAT__COUNT);
    return v[which];
}

/* Every record accounted for: emitted = exported + each drop reason. */
static inline void lfx_assert_balanced(const otel_logger_provider *lp) {
    uint64_t v[OTEL_LOG_STAT__COUNT] = {0};
    otel_logger_provider_get_stats(lp, v, OTEL_LOG_STAT__COUNT);
    uint64_t out = v[OTEL_LOG_STAT_RECORDS_EXPORTED] + v[OTEL_LOG_STAT_DROPPED_QUEUE_FULL] +
                   v[OTEL_LOG_STAT_DROPPED_EXPORT_FAILED] + v[OTEL_LOG_STAT_DROPPED_SHUTDOWN] +
                   v[OTEL_LOG_STAT_DROPPED_TOO_LARGE] + v[OTEL_LOG_STAT_DROPPED_REJECTED];
    ck_assert_msg(v[OTEL_LOG_STAT_RECORDS_QUEUED] == 0, "records still queued: %llu",
                  (unsigned long long)v[OTEL_LOG_STAT_RECORDS_QUEUED]);
    ck_assert_msg(v[OTEL_LOG_STAT_RECORDS_EMITTED] == out, "emitted %llu != exported + dropped %llu",
                  (unsigned long long)v[OTEL_LOG_STAT_RECORDS_EMITTED], (unsigned long long)out);
}

/* Finds attribute `key` of a record. */
static inline const otel_attr *lfx_attr(const otel_log_record *r, const char *key) {
    for (size_t i = 0; i < otel_log_record_attr_count(r); i++) {
        const otel_attr *a = otel_log_record_attr(r, i);
        if (a->key_len == strlen(key) && memcmp(a->key, key, a->key_len) == 0) return a;
    }
    return NULL;
}

static inline int lfx_str_is(const otel_attr *a, const char *s) {
    return a && a->type == OTEL_VALUE_STRING && a->len == strlen(s) && memcmp(a->ptr, s, a->len) == 0;
}

#endif
