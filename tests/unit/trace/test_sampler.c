/* Samplers: always on/off, the trace-id ratio (which bits decide, its
 * distribution, the superset property), parent-based with its four
 * delegates, custom callbacks, and the W3C random flag on roots. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "trace/trace_fixture.h"

/* A test-side PRNG (splitmix64), seeded from getrandom; the seed is printed
 * on failure so a run can be replayed. */
static uint64_t rng_state, rng_seed;
static uint64_t rnd(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static void rnd_seed(void) {
    ck_assert_int_eq(getrandom(&rng_seed, sizeof rng_seed, 0), (ssize_t)sizeof rng_seed);
    rng_state = rng_seed;
}
static void random_trace_id(uint8_t id[16]) {
    uint64_t a = rnd(), b = rnd();
    memcpy(id, &a, 8);
    memcpy(id + 8, &b, 8);
}

static int decide(otel_sampler *s, otel_context *parent, const uint8_t *tid) {
    return otel_sampler_should_sample(s, parent ? parent : otel_context_root(), tid, "op", 0);
}

static otel_sampler *ratio(double r) {
    otel_sampler *s = NULL;
    ck_assert_int_eq(otel_sampler_traceidratio_new(&s, r), OTEL_OK);
    return s;
}

/* A trace id whose last 8 bytes are `low` (big-endian) and the first 8 `high`. */
static void tid_of(uint8_t id[16], uint64_t high, uint64_t low) {
    for (int i = 0; i < 8; i++) {
        id[i] = (uint8_t)(high >> (56 - 8 * i));
        id[8 + i] = (uint8_t)(low >> (56 - 8 * i));
    }
}

START_TEST(test_always_on_and_off) {
    otel_sampler *on = otel_sampler_always_on(), *off = otel_sampler_always_off();
    ck_assert_str_eq(otel_sampler_description(on), "AlwaysOnSampler");
    ck_assert_str_eq(otel_sampler_description(off), "AlwaysOffSampler");
    uint8_t tid[16];
    rnd_seed();
    for (int i = 0; i < 100; i++) {
        random_trace_id(tid);
        ck_assert_int_eq(decide(on, NULL, tid), OTEL_SAMPLING_RECORD_AND_SAMPLE);
        ck_assert_int_eq(decide(off, NULL, tid), OTEL_SAMPLING_DROP);
    }
    ck_assert_int_eq(otel_sampler_should_sample(on, NULL, NULL, "x", 0), OTEL_SAMPLING_DROP); /* no id */
    ck_assert_ptr_eq(otel_sampler_retain(on), on);
    otel_sampler_release(on);
    otel_sampler_release(on);
    otel_sampler_release(off);
}
END_TEST

START_TEST(test_ratio_rejects_bad_ratios) {
    otel_sampler *s = NULL;
    ck_assert_int_eq(otel_sampler_traceidratio_new(&s, -0.01), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_sampler_traceidratio_new(&s, 1.01), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_sampler_traceidratio_new(&s, NAN), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(otel_sampler_traceidratio_new(NULL, 0.5), OTEL_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(s);
    s = ratio(0.25);
    ck_assert_str_eq(otel_sampler_description(s), "TraceIdRatioBased{0.250000}");
    otel_sampler_release(s);
}
END_TEST

/* The documented rule: the low 56 bits of the big-endian last 8 bytes are
 * compared with ratio * 2^56. The first 9 bytes never matter. */
START_TEST(test_ratio_decides_on_low_56_bits_of_trace_id) {
    otel_sampler *half = ratio(0.5);
    const uint64_t edge = 1ull << 55; /* 0.5 * 2^56 */
    uint8_t tid[16];
    uint64_t highs[] = {0, 0x0123456789abcdefull, ~0ull};
    uint64_t top_bytes[] = {0, 0xAB, 0xFF}; /* byte 8: outside the 56 bits */
    for (size_t h = 0; h < 3; h++)
        for (size_t t = 0; t < 3; t++) {
            uint64_t top = top_bytes[t] << 56;
            tid_of(tid, highs[h], top | (edge - 1));
            ck_assert_int_eq(decide(half, NULL, tid), OTEL_SAMPLING_RECORD_AND_SAMPLE);
            tid_of(tid, highs[h], top | edge);
            ck_assert_int_eq(decide(half, NULL, tid), OTEL_SAMPLING_DROP);
            tid_of(tid, highs[h], top | 1);
            ck_assert_int_eq(decide(half, NULL, tid), OTEL_SAMPLING_RECORD_AND_SAMPLE);
            tid_of(tid, highs[h], top | ((1ull << 56) - 1));
            ck_assert_int_eq(decide(half, NULL, tid), OTEL_SAMPLING_DROP);
        }
    otel_sampler_release(half);

    /* 0 samples nothing, 1 samples everything, even at the extremes */
    otel_sampler *none = ratio(0.0), *all = ratio(1.0);
    tid_of(tid, 0, 1);
    ck_assert_int_eq(decide(none, NULL, tid), OTEL_SAMPLING_DROP);
    tid_of(tid, ~0ull, ~0ull);
    ck_assert_int_eq(decide(all, NULL, tid), OTEL_SAMPLING_RECORD_AND_SAMPLE);
    otel_sampler_release(none);
    otel_sampler_release(all);
}
END_TEST

/* Over N random ids the sampled count is Binomial(N, r): it must lie within
 * 6 standard deviations of N*r (a false failure has odds below 1e-8). */
START_TEST(test_ratio_distribution_within_six_sigma) {
    const double ratios[] = {0.001, 0.01, 0.1, 0.25, 0.5, 0.9, 0.999};
    const int n = 100000;
    rnd_seed();
    for (size_t k = 0; k < sizeof ratios / sizeof *ratios; k++) {
        otel_sampler *s = ratio(ratios[k]);
        int hits = 0;
        uint8_t tid[16];
        for (int i = 0; i < n; i++) {
            random_trace_id(tid);
            hits += decide(s, NULL, tid) == OTEL_SAMPLING_RECORD_AND_SAMPLE;
        }
        double mean = n * ratios[k], sd = sqrt(n * ratios[k] * (1 - ratios[k]));
        ck_assert_msg(fabs(hits - mean) <= 6 * sd,
                      "ratio %g: %d of %d sampled, expected %.0f +- %.0f (seed %llu)", ratios[k],
                      hits, n, mean, 6 * sd, (unsigned long long)rng_seed);
        otel_sampler_release(s);
    }
}
END_TEST

START_TEST(test_higher_ratio_samples_a_superset) {
    const double ratios[] = {0.0, 1e-6, 0.001, 0.1, 1.0 / 3, 0.5, 0.5000001, 0.75, 0.999999, 1.0};
    const size_t nr = sizeof ratios / sizeof *ratios;
    otel_sampler *s[10];
    for (size_t k = 0; k < nr; k++) s[k] = ratio(ratios[k]);
    rnd_seed();
    uint8_t tid[16];
    for (int i = 0; i < 20000; i++) {
        random_trace_id(tid);
        if (i % 4 == 0) tid[9] = 0x7f; /* near the 0.5 edge too */
        int prev = 0;
        for (size_t k = 0; k < nr; k++) {
            int yes = decide(s[k], NULL, tid) == OTEL_SAMPLING_RECORD_AND_SAMPLE;
            if (yes < prev) /* (no assertion per id: Check reports each one to its runner) */
                ck_abort_msg("sampled at %g but not at %g (seed %llu)", ratios[k - 1], ratios[k],
                             (unsigned long long)rng_seed);
            prev = yes;
        }
    }
    for (size_t k = 0; k < nr; k++) otel_sampler_release(s[k]);
}
END_TEST

/* ---- parent-based ---- */

/* A custom sampler that records which delegate ran. */
static const char *last_delegate;
static int delegate_fn(otel_context *parent, const uint8_t *trace_id, const char *name,
                       size_t name_len, int kind, const otel_attr *attrs, size_t n_attrs,
                       const otel_link *links, size_t n_links, otel_sampling_result *result,
                       void *user_data) {
    (void)parent, (void)trace_id, (void)name, (void)name_len, (void)kind, (void)attrs;
    (void)n_attrs, (void)links, (void)n_links, (void)result;
    last_delegate = user_data;
    return OTEL_SAMPLING_RECORD_ONLY;
}

static otel_sampler *tagged(const char *tag) {
    otel_sampler *s;
    ck_assert_int_eq(otel_sampler_custom_new(&s, delegate_fn, tag, NULL, (void *)tag), OTEL_OK);
    return s;
}

static const char *which_delegate(otel_sampler *pb, otel_context *parent) {
    last_delegate = "none";
    uint8_t tid[16];
    memset(tid, 0x77, 16);
    ck_assert_int_eq(decide(pb, parent, tid), OTEL_SAMPLING_RECORD_ONLY);
    return last_delegate;
}

START_TEST(test_parentbased_routes_to_each_delegate) {
    const char *tags[] = {"root", "remote-sampled", "remote-not-sampled", "local-sampled",
                          "local-not-sampled"};
    otel_sampler *d[5], *pb;
    for (int i = 0; i < 5; i++) d[i] = tagged(tags[i]);
    ck_assert_int_eq(otel_sampler_parentbased_new(&pb, d[0], d[1], d[2], d[3], d[4]), OTEL_OK);
    for (int i = 0; i < 5; i++) otel_sampler_release(d[i]); /* the parent-based one holds them */
    ck_assert_str_eq(otel_sampler_description(pb), "ParentBased{root=root}");

    otel_span_context cases[] = {fx_sc(1, 2, OTEL_TRACE_FLAG_SAMPLED, 1), fx_sc(1, 2, 0, 1),
                                 fx_sc(1, 2, OTEL_TRACE_FLAG_SAMPLED, 0), fx_sc(1, 2, 0, 0)};
    ck_assert_str_eq(which_delegate(pb, NULL), "root");
    for (int i = 0; i < 4; i++) {
        otel_context *p = fx_parent(&cases[i], NULL);
        ck_assert_str_eq(which_delegate(pb, p), tags[i + 1]);
        otel_context_release(p);
    }
    /* a parent whose context is invalid counts as no parent */
    otel_span_context invalid = fx_sc(0, 2, OTEL_TRACE_FLAG_SAMPLED, 1);
    otel_context *p = fx_parent(&invalid, NULL);
    ck_assert_str_eq(which_delegate(pb, p), "root");
    otel_context_release(p);
    otel_sampler_release(pb);
}
END_TEST

START_TEST(test_parentbased_default_delegates) {
    otel_sampler *root = otel_sampler_always_off(), *pb, *none = NULL;
    ck_assert_int_eq(otel_sampler_parentbased_new(&pb, root, NULL, NULL, NULL, NULL), OTEL_OK);
    otel_sampler_release(root);
    ck_assert_int_eq(otel_sampler_parentbased_new(&none, NULL, NULL, NULL, NULL, NULL),
                     OTEL_ERR_INVALID_ARGUMENT); /* root is required */
    ck_assert_ptr_null(none);
    uint8_t tid[16];
    memset(tid, 0x42, 16);
    ck_assert_int_eq(decide(pb, NULL, tid), OTEL_SAMPLING_DROP);
    int want[] = {OTEL_SAMPLING_RECORD_AND_SAMPLE, OTEL_SAMPLING_DROP,
                  OTEL_SAMPLING_RECORD_AND_SAMPLE, OTEL_SAMPLING_DROP};
    otel_span_context cases[] = {fx_sc(1, 2, OTEL_TRACE_FLAG_SAMPLED, 1), fx_sc(1, 2, 0, 1),
                                 fx_sc(1, 2, OTEL_TRACE_FLAG_SAMPLED, 0), fx_sc(1, 2, 0, 0)};
    for (int i = 0; i < 4; i++) {
        otel_context *p = fx_parent(&cases[i], NULL);
        ck_assert_int_eq(decide(pb, p, tid), want[i]);
        otel_context_release(p);
    }
    /* the current context is the parent when none is given */
    otel_context *p = fx_parent(&cases[0], NULL);
    uint64_t tok = otel_context_attach(p);
    ck_assert_int_eq(otel_sampler_should_sample(pb, NULL, tid, "x", 0), OTEL_SAMPLING_RECORD_AND_SAMPLE);
    otel_context_detach(tok);
    otel_context_release(p);
    otel_sampler_release(pb);
}
END_TEST

/* ---- custom samplers, through a provider ---- */

typedef struct seen {
    int calls;
    uint8_t trace_id[16];
    char name[32];
    int kind;
    size_t n_attrs, n_links;
    int parent_had_span;
    int decision;
    const char *trace_state; /* NULL: keep the parent's */
    int freed;
} seen;

static int custom_fn(otel_context *parent, const uint8_t *trace_id, const char *name,
                     size_t name_len, int kind, const otel_attr *attrs, size_t n_attrs,
                     const otel_link *links, size_t n_links, otel_sampling_result *result,
                     void *user_data) {
    (void)attrs, (void)links;
    seen *s = user_data;
    s->calls++;
    memcpy(s->trace_id, trace_id, 16);
    snprintf(s->name, sizeof s->name, "%.*s", (int)name_len, name);
    s->kind = kind;
    s->n_attrs = n_attrs;
    s->n_links = n_links;
    s->parent_had_span = otel_context_get_span(parent) != NULL;
    otel_attr extra = OTEL_ATTR_STR("sampler.note", "picked");
    otel_sampling_result_add_attribute(result, &extra);
    if (s->trace_state)
        otel_sampling_result_set_trace_state(result, s->trace_state, strlen(s->trace_state));
    return s->decision;
}

static void custom_free(void *ud) { ((seen *)ud)->freed++; }

static void open_custom(fx *f, seen *s) {
    otel_sampler *cs;
    ck_assert_int_eq(otel_sampler_custom_new(&cs, custom_fn, "Mine", custom_free, s), OTEL_OK);
    ck_assert_str_eq(otel_sampler_description(cs), "Mine");
    otel_options *o;
    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    otel_options_set_sampler(o, cs);
    otel_sampler_release(cs);
    fx_open(f, o);
}

START_TEST(test_custom_sampler_sees_inputs_and_adds_attributes) {
    seen s = {.decision = OTEL_SAMPLING_RECORD_AND_SAMPLE};
    fx f;
    open_custom(&f, &s);
    otel_attr at[] = {OTEL_ATTR_I64("a", 1), OTEL_ATTR_I64("b", 2)};
    otel_span_context lsc = fx_sc(9, 9, 0, 1);
    otel_span *target;
    otel_span_wrap(&target, &lsc, NULL, 0);
    otel_link link = {target, NULL, 0};
    otel_span *sp = otel_tracer_start_span_n(f.tracer, "GET /x", 6, OTEL_SPAN_KIND_SERVER,
                                             otel_context_root(), at, 2, &link, 1, 0);
    otel_span_release(target);
    ck_assert_int_eq(s.calls, 1);
    ck_assert_str_eq(s.name, "GET /x");
    ck_assert_int_eq(s.kind, OTEL_SPAN_KIND_SERVER);
    ck_assert_uint_eq(s.n_attrs, 2);
    ck_assert_uint_eq(s.n_links, 1);
    ck_assert_int_eq(s.parent_had_span, 0);
    const otel_span_data *d = fx_end(&f, sp);
    otel_span_context sc;
    otel_span_data_context(d, &sc);
    ck_assert_mem_eq(sc.trace_id, s.trace_id, 16); /* the sampler saw the span's own trace id */
    fx_assert_str(d, "sampler.note", "picked", 6);
    ck_assert_uint_eq(otel_span_data_attribute_count(d), 3);
    otel_span_data_release(d);
    fx_close(&f);
    ck_assert_int_eq(s.freed, 1); /* free_fn ran with the last reference */
}
END_TEST

START_TEST(test_custom_sampler_decisions_and_trace_state) {
    seen s = {.decision = OTEL_SAMPLING_RECORD_ONLY};
    fx f;
    open_custom(&f, &s);
    otel_span_context psc = fx_sc(0x21, 0x12, OTEL_TRACE_FLAG_SAMPLED, 1);
    otel_context *p = fx_parent(&psc, "parent=1");

    /* RECORD_ONLY: records, not sampled, not exported */
    otel_span *sp = otel_tracer_start_span(f.tracer, "rec", 0, p);
    ck_assert(otel_span_is_recording(sp));
    ck_assert_int_eq(s.parent_had_span, 1);
    otel_span_context sc;
    otel_span_get_context(sp, &sc);
    ck_assert_int_eq(sc.trace_flags & OTEL_TRACE_FLAG_SAMPLED, 0);
    ck_assert_str_eq(otel_span_get_trace_state(sp, NULL), "parent=1"); /* kept by default */
    otel_span_end(sp);
    ck_assert_uint_eq(otel_exporter_in_memory_count(f.mem), 0);

    /* the sampler replaces the trace state; length 0 clears it */
    s.decision = OTEL_SAMPLING_DROP;
    s.trace_state = "mine=2,parent=1";
    sp = otel_tracer_start_span(f.tracer, "drop", 0, p);
    ck_assert(!otel_span_is_recording(sp));
    ck_assert_str_eq(otel_span_get_trace_state(sp, NULL), "mine=2,parent=1");
    otel_span_end(sp);
    s.trace_state = "";
    s.decision = OTEL_SAMPLING_RECORD_AND_SAMPLE;
    sp = otel_tracer_start_span(f.tracer, "cleared", 0, p);
    ck_assert_str_eq(otel_span_get_trace_state(sp, NULL), "");
    otel_span_end(sp);

    /* a decision out of range drops, with a warning */
    fx_log_capture();
    s.decision = 42;
    sp = otel_tracer_start_span(f.tracer, "bad", 0, p);
    ck_assert(!otel_span_is_recording(sp));
    ck_assert(fx_logged("invalid decision"));
    otel_span_end(sp);
    ck_assert_uint_eq(fx_stat(f.tp, OTEL_STAT_SPANS_NOT_SAMPLED), 2);
    otel_context_release(p);
    fx_close(&f);
}
END_TEST

/* ---- ids and the W3C random flag ---- */

static void counting_ids(uint8_t *out, size_t len, void *ud) {
    unsigned *n = ud;
    memset(out, 0, len);
    out[len - 1] = (uint8_t)++*n;
}

START_TEST(test_random_flag_on_roots) {
    fx f;
    fx_open(&f, NULL);
    otel_span *root = otel_tracer_start_span(f.tracer, "root", 0, otel_context_root());
    otel_span_context sc;
    otel_span_get_context(root, &sc);
    ck_assert_int_eq(sc.trace_flags, OTEL_TRACE_FLAG_SAMPLED | OTEL_TRACE_FLAG_RANDOM);
    /* a child inherits the flag from its parent... */
    otel_context *c = otel_context_with_span(otel_context_root(), root);
    otel_span *child = otel_tracer_start_span(f.tracer, "child", 0, c);
    otel_span_get_context(child, &sc);
    ck_assert_int_eq(sc.trace_flags & OTEL_TRACE_FLAG_RANDOM, OTEL_TRACE_FLAG_RANDOM);
    otel_span_end(child);
    otel_context_release(c);
    otel_span_end(root);
    /* ...and from a remote parent that lacks it, gets none */
    otel_span_context psc = fx_sc(3, 4, OTEL_TRACE_FLAG_SAMPLED, 1);
    c = fx_parent(&psc, NULL);
    child = otel_tracer_start_span(f.tracer, "child", 0, c);
    otel_span_get_context(child, &sc);
    ck_assert_int_eq(sc.trace_flags, OTEL_TRACE_FLAG_SAMPLED);
    otel_span_end(child);
    otel_context_release(c);
    fx_close(&f);
}
END_TEST

START_TEST(test_custom_id_generator_and_random_flag) {
    for (int random = 0; random < 2; random++) {
        unsigned n = 0;
        otel_options *o;
        ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
        otel_options_set_id_generator(o, counting_ids, random, &n);
        fx f;
        fx_open(&f, o);
        otel_span *s = otel_tracer_start_span(f.tracer, "s", 0, otel_context_root());
        otel_span_context sc;
        otel_span_get_context(s, &sc);
        ck_assert_int_eq(sc.trace_id[15], 1);
        ck_assert_int_eq(sc.span_id[7], 2);
        ck_assert_int_eq(sc.trace_flags & OTEL_TRACE_FLAG_RANDOM, random ? OTEL_TRACE_FLAG_RANDOM : 0);
        otel_span_end(s);
        fx_close(&f);
    }
}
END_TEST

static void zero_ids(uint8_t *out, size_t len, void *ud) {
    (void)ud;
    memset(out, 0, len);
}

START_TEST(test_all_zero_generated_ids_are_replaced) {
    otel_options *o;
    ck_assert_int_eq(otel_options_new(&o), OTEL_OK);
    otel_options_set_id_generator(o, zero_ids, 1, NULL);
    fx f;
    fx_open(&f, o);
    otel_span *s = otel_tracer_start_span(f.tracer, "s", 0, otel_context_root());
    otel_span_context sc;
    otel_span_get_context(s, &sc);
    ck_assert(otel_span_context_is_valid(&sc));
    otel_span_end(s);
    fx_close(&f);
}
END_TEST

START_TEST(test_builtin_ids_are_distinct) {
    fx f;
    fx_open(&f, fx_opts((const char *const[]){"OTEL_TRACES_SAMPLER", "always_off", NULL}));
    enum { N = 2000 };
    static uint8_t ids[N][16];
    for (int i = 0; i < N; i++) {
        otel_span *s = otel_tracer_start_span(f.tracer, "s", 0, otel_context_root());
        otel_span_context sc;
        otel_span_get_context(s, &sc);
        memcpy(ids[i], sc.trace_id, 16);
        otel_span_end(s);
    }
    int dup = 0;
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++) dup += memcmp(ids[i], ids[j], 16) == 0;
    ck_assert_int_eq(dup, 0);
    fx_close(&f);
}
END_TEST

FX_MAIN("sampler", NULL, NULL,
        test_always_on_and_off,
        test_ratio_rejects_bad_ratios,
        test_ratio_decides_on_low_56_bits_of_trace_id,
        test_ratio_distribution_within_six_sigma,
        test_higher_ratio_samples_a_superset,
        test_parentbased_routes_to_each_delegate,
        test_parentbased_default_delegates,
        test_custom_sampler_sees_inputs_and_adds_attributes,
        test_custom_sampler_decisions_and_trace_state,
        test_random_flag_on_roots,
        test_custom_id_generator_and_random_flag,
        test_all_zero_generated_ids_are_replaced,
        test_builtin_ids_are_distinct)
