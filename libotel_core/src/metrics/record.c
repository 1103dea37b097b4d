/* Recording: the synchronous instruments' add and record calls, each
 * measurement checked, filtered by its view and applied lock-free to its
 * series in every stream views make of the instrument. */
#include <stdlib.h>
#include <string.h>

#include "common/attrs.h"
#include "common/reclaim.h"
#include "common/stats.h"
#include "metrics/atomic_double.h"
#include "metrics/internal.h"
#include "metrics/record.h"
#include "metrics/series.h"

/* Records a valid measurement into one stream. */
static inline void record_stream(otel_instrument *inst, int64_t iv, double dv, int from_int,
                                 const otel_attr *attrs, size_t n_attrs) {
    if (inst->agg == OTEL_AGGREGATION_DROP) return;
    const otel_attr *given = attrs;
    size_t n_given = n_attrs;
    FILTERED(inst, attrs, n_attrs)
    uint64_t outer = otel__reclaim_enter();
    otel__series *s = otel__metrics_series_for(inst, attrs, n_attrs);
    if (s) {
        apply(inst, s, iv, dv, from_int);
        if (inst->meter->provider->exemplar_filter)
            otel__metrics_exemplar_offer(inst, s, iv, dv, from_int, given, n_given);
    }
    otel__reclaim_exit(outer);
}

/* The further streams other views make of the instrument. */
static void record_also(otel_instrument *inst, int64_t iv, double dv, int from_int,
                        const otel_attr *attrs, size_t n_attrs) {
    for (otel_instrument *s = inst->also; s; s = s->also) record_stream(s, iv, dv, from_int, attrs, n_attrs);
}

OTEL_API void otel_instrument_record_i64(otel_instrument *inst, int64_t value,
                                         const otel_attr *attrs, size_t n_attrs) {
    if (!valid(inst, (double)value) || (!attrs && n_attrs)) {
        drop(inst);
        return;
    }
    record_stream(inst, value, 0, 1, attrs, n_attrs);
    if (__builtin_expect(inst->also != NULL, 0)) record_also(inst, value, 0, 1, attrs, n_attrs);
}

OTEL_API void otel_instrument_record_f64(otel_instrument *inst, double value,
                                         const otel_attr *attrs, size_t n_attrs) {
    if (!valid_f64(inst, value) || (!attrs && n_attrs)) {
        drop(inst);
        return;
    }
    record_stream(inst, 0, value, 0, attrs, n_attrs);
    if (__builtin_expect(inst->also != NULL, 0)) record_also(inst, 0, value, 0, attrs, n_attrs);
}

OTEL_API void otel_counter_add_i64(otel_instrument *c, int64_t v, const otel_attr *a, size_t n) {
    otel_instrument_record_i64(c, v, a, n);
}
OTEL_API void otel_counter_add_f64(otel_instrument *c, double v, const otel_attr *a, size_t n) {
    otel_instrument_record_f64(c, v, a, n);
}
OTEL_API void otel_histogram_record_f64(otel_instrument *h, double v, const otel_attr *a, size_t n) {
    otel_instrument_record_f64(h, v, a, n);
}
OTEL_API void otel_histogram_record_i64(otel_instrument *h, int64_t v, const otel_attr *a, size_t n) {
    otel_instrument_record_i64(h, v, a, n);
}
