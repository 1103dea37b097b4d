/* The polyglot proof: one C process embedding Python, Lua and Ruby, one
 * trace, one pipeline, one export request.
 *
 * C starts the root span "checkout" (tracer polyglot.c) and makes it
 * current. Python, Lua and Ruby are called in turn; each starts a child of
 * the span current at that moment with a tracer named after itself. Lua
 * calls back into C (`c_work`), which starts a grandchild under Lua's span.
 * The C part also shows what the C demo does: attributes of every type, an
 * event, an exception with ERROR status and a link, and it records metrics:
 * a counter, a histogram and an observable gauge (exported over OTLP when
 * an endpoint is set, and printed at the end).
 *
 * Spans go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set, otherwise to an
 * OTLP/JSON file (OTEL_CORE_EXPORTER_FILE_PATH, default
 * polyglot-trace.jsonl), through one batch processor flushed once at the
 * end; a readable tree of the trace is printed. Environment the host needs:
 * POLYGLOT_PYTHONPATH (the otel_core package and cffi), POLYGLOT_LUA_CPATH /
 * POLYGLOT_LUA_PATH, POLYGLOT_RUBYLIB (set by scripts/demo.sh). */
#include <Python.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <otel/otel.h>
#include <ruby.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static otel_tracer *c_tracer;

/* Ended spans kept for the tree (a custom processor: not an export). */
#define MAX_KEPT 256
static const otel_span_data *kept[MAX_KEPT];
static size_t n_kept;

static void keep(const otel_span_data *d, void *ud) {
    (void)ud;
    if (n_kept < MAX_KEPT) kept[n_kept++] = otel_span_data_retain(d);
}

/* ---- C ------------------------------------------------------------------ */

static otel_tracer_provider *make_provider(void) {
    otel_options *o;
    otel_options_new(&o);
    if (!getenv("OTEL_SERVICE_NAME")) otel_options_set(o, "OTEL_SERVICE_NAME", "polyglot-checkout");
    /* one export at the end: the timer never fires first */
    if (!getenv("OTEL_BSP_SCHEDULE_DELAY")) otel_options_set(o, "OTEL_BSP_SCHEDULE_DELAY", "600000");
    otel_exporter *wire = NULL;
    if (getenv("OTEL_EXPORTER_OTLP_ENDPOINT") || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) {
        if (otel_exporter_otlp_new(&wire, o) != OTEL_OK) wire = NULL;
    } else {
        const char *path = getenv("OTEL_CORE_EXPORTER_FILE_PATH");
        if (!path) path = "polyglot-trace.jsonl";
        if (otel_exporter_file_new(&wire, path) != OTEL_OK) wire = NULL;
        else printf("spans: OTLP/JSON lines in %s\n", path);
    }
    if (!wire) {
        fprintf(stderr, "polyglot: no exporter: %s\n", otel_last_error());
        exit(1);
    }
    otel_processor *batch, *simple;
    otel_processor_batch_new(&batch, wire, o);
    otel_options_add_processor(o, batch);
    otel_processor_release(batch);
    otel_exporter_release(wire);
    /* a second processor keeps the ended spans to print the tree from */
    otel_processor_custom_new(&simple, NULL, NULL, keep, NULL);
    otel_options_add_processor(o, simple);
    otel_processor_release(simple);
    otel_tracer_provider *tp;
    if (otel_tracer_provider_new(&tp, o) != OTEL_OK) {
        fprintf(stderr, "polyglot: %s\n", otel_last_error());
        exit(1);
    }
    otel_options_free(o);
    return tp;
}

/* Called from Lua: a grandchild under the span Lua made current. */
static int c_work(lua_State *L) {
    otel_span *s = otel_tracer_start_span(c_tracer, "c.price_lookup", OTEL_SPAN_KIND_INTERNAL, NULL);
    otel_span_set_attribute_i64(s, "price.cents", (int64_t)luaL_optinteger(L, 1, 0));
    otel_span_end(s);
    return 0;
}

/* ---- the guests --------------------------------------------------------------- */

static int run_python(void) {
    Py_Initialize();
    const char *path = getenv("POLYGLOT_PYTHONPATH");
    char boot[4096];
    snprintf(boot, sizeof boot, "import sys\nsys.path[:0] = [p for p in %s.split(':') if p]\n",
             path ? "__import__('os').environ['POLYGLOT_PYTHONPATH']" : "''");
    int rc = PyRun_SimpleString(boot);
    rc |= PyRun_SimpleString(
        "import otel_core\n"
        "tracer = otel_core.get_tracer('polyglot.python', '1.0')\n"
        "with tracer.start_as_current_span('python.cart', context=otel_core.c_current_span(),\n"
        "                                  attributes={'cart.items': 3, 'cart.total': 42.5}) as s:\n"
        "    s.add_event('cart.loaded', {'source': 'redis'})\n");
    Py_FinalizeEx();
    return rc;
}

static int run_lua(void) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lua_register(L, "c_work", c_work);
    const char *cpath = getenv("POLYGLOT_LUA_CPATH"), *lpath = getenv("POLYGLOT_LUA_PATH");
    lua_getglobal(L, "package");
    if (cpath) {
        lua_pushstring(L, cpath);
        lua_setfield(L, -2, "cpath");
    }
    if (lpath) {
        lua_pushstring(L, lpath);
        lua_setfield(L, -2, "path");
    }
    lua_pop(L, 1);
    int rc = luaL_dostring(L,
        "local otel = require('otel_core')\n"
        "local tracer = otel.tracer('polyglot.lua', '1.0')\n"
        "tracer:with_span('lua.pricing', { attributes = { rule = 'summer', discount = 0.1 } },\n"
        "  function(span) c_work(1999); span:set_attribute('priced', true) end)\n");
    if (rc) fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
    lua_close(L);
    return rc;
}

static int run_ruby(void) {
    ruby_init();
    ruby_init_loadpath();
    int state = 0;
    const char *lib = getenv("POLYGLOT_RUBYLIB");
    if (lib) {
        char code[4096];
        snprintf(code, sizeof code, "ENV['POLYGLOT_RUBYLIB'].split(':').each { |p| $LOAD_PATH.unshift(p) }");
        rb_eval_string_protect(code, &state);
    }
    rb_eval_string_protect(
        "require 'otel_core'\n"
        "tracer = OtelCore.tracer('polyglot.ruby', '1.0')\n"
        "tracer.in_span('ruby.invoice', attributes: { 'invoice.id' => 'INV-7', 'paid' => false }) do |s|\n"
        "  s.add_event('invoice.rendered')\n"
        "end\n",
        &state);
    if (state) {
        VALUE err = rb_errinfo();
        VALUE msg = rb_funcall(err, rb_intern("full_message"), 0);
        fprintf(stderr, "ruby: %s\n", StringValueCStr(msg));
    }
    ruby_cleanup(0);
    return state;
}

/* ---- metrics ---------------------------------------------------------------------- */

static void observe_queue(otel_observer *o, void *ud) {
    otel_attr a[] = {OTEL_ATTR_STR("queue", "payments")};
    otel_observer_observe_f64(o, ud, 3.0, a, 1);
}

static otel_meter_provider *make_meters(otel_metric_reader **printer) {
    otel_options *o;
    otel_options_new(&o);
    if (!getenv("OTEL_SERVICE_NAME")) otel_options_set(o, "OTEL_SERVICE_NAME", "polyglot-checkout");
    otel_meter_provider *mp = NULL;
    if (otel_meter_provider_new(&mp, o) != OTEL_OK) {
        fprintf(stderr, "polyglot: %s\n", otel_last_error());
        exit(1);
    }
    /* readers added in code before the first meter are the provider's only
     * ones: the printer, and OTLP when an endpoint is set */
    otel_metric_reader_manual_new(printer, OTEL_TEMPORALITY_CUMULATIVE);
    otel_meter_provider_add_reader(mp, *printer);
    otel_metric_reader *otlp = NULL;
    if ((getenv("OTEL_EXPORTER_OTLP_ENDPOINT") || getenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")) &&
        otel_metric_reader_otlp_new(&otlp, o) == OTEL_OK) {
        otel_meter_provider_add_reader(mp, otlp);
        otel_metric_reader_release(otlp);
    }
    otel_options_free(o);
    return mp;
}

static void print_metrics(otel_metric_reader *r) {
    otel_metrics_data *d;
    if (otel_metric_reader_collect(r, &d) != OTEL_OK) return;
    printf("\nmetrics:\n");
    for (size_t i = 0; i < otel_metrics_data_count(d); i++) {
        const char *name, *unit;
        int kind;
        size_t np;
        otel_metrics_data_metric(d, i, &name, &unit, NULL, &kind, NULL, NULL, &np, NULL);
        for (size_t p = 0; p < np; p++) {
            int is_int;
            int64_t iv;
            double dv, sum;
            uint64_t count;
            otel_metrics_data_point(d, i, p, NULL, NULL, &is_int, &iv, &dv, &count, &sum, NULL, NULL);
            if (kind == OTEL_METRIC_HISTOGRAM)
                printf("    %-20s count=%llu sum=%.3f %s\n", name, (unsigned long long)count, sum, unit);
            else if (is_int)
                printf("    %-20s %lld %s\n", name, (long long)iv, unit);
            else
                printf("    %-20s %.3f %s\n", name, dv, unit);
        }
    }
    otel_metrics_data_free(d);
}

/* ---- the tree ------------------------------------------------------------------- */

static void print_tree(const uint8_t *parent, int depth) {
    for (size_t i = 0; i < n_kept; i++) {
        const otel_span_data *d = kept[i];
        uint8_t p[8];
        int has = otel_span_data_parent_span_id(d, p);
        if ((parent && has && memcmp(p, parent, 8) == 0) || (!parent && !has)) {
            otel_span_context sc;
            otel_span_data_context(d, &sc);
            const otel_scope *scope = otel_span_data_scope(d);
            printf("%*s%s  [%s]  %.3f ms%s\n", depth * 4, "", otel_span_data_name(d, NULL),
                   otel_scope_name(scope, NULL),
                   (double)(otel_span_data_end_time(d) - otel_span_data_start_time(d)) / 1e6,
                   otel_span_data_status_code(d) == OTEL_STATUS_CODE_ERROR ? "  ERROR" : "");
            print_tree(sc.span_id, depth + 1);
        }
    }
}

int main(void) {
    otel_tracer_provider *tp = make_provider();
    otel_metric_reader *printer;
    otel_meter_provider *mp = make_meters(&printer);
    otel_meter *meter = otel_meter_provider_get_meter(mp, "polyglot.c", "1.0", NULL);
    otel_instrument *orders = otel_meter_counter_i64(meter, "checkout.orders", "{order}", "orders placed");
    otel_instrument *duration = otel_meter_histogram_f64(meter, "checkout.duration", "ms", "checkout time");
    otel_instrument *queue;
    otel_meter_create_instrument(&queue, meter, OTEL_INSTRUMENT_OBSERVABLE_GAUGE, OTEL_NUMBER_DOUBLE,
                                 "checkout.queue_depth", "{job}", "jobs waiting");
    otel_meter_register_callback(meter, observe_queue, queue, &queue, 1, NULL);
    otel_tracer_provider_set_global(tp);
    c_tracer = otel_tracer_provider_get_tracer(tp, "polyglot.c", "1.0", NULL);

    uint64_t t0 = otel_time_now_ns();
    otel_span *root = otel_tracer_start_span(c_tracer, "checkout", OTEL_SPAN_KIND_SERVER, NULL);
    otel_str tags[] = {{"web", 3}, {"eu", 2}};
    int flags[] = {1, 0};
    int64_t sizes[] = {1, 2, 3};
    double ratios[] = {0.5, 0.25};
    otel_attr attrs[] = {
        OTEL_ATTR_STR("http.request.method", "POST"), OTEL_ATTR_BOOL("user.returning", 1),
        OTEL_ATTR_I64("http.response.status_code", 200), OTEL_ATTR_F64("cart.weight_kg", 1.75),
        OTEL_ATTR_ARRAY("tags", OTEL_VALUE_STRING_ARRAY, tags, 2),
        OTEL_ATTR_ARRAY("flags", OTEL_VALUE_BOOL_ARRAY, flags, 2),
        OTEL_ATTR_ARRAY("sizes", OTEL_VALUE_INT64_ARRAY, sizes, 3),
        OTEL_ATTR_ARRAY("ratios", OTEL_VALUE_DOUBLE_ARRAY, ratios, 2)};
    otel_span_set_attributes(root, attrs, sizeof attrs / sizeof *attrs);
    otel_attr ev[] = {OTEL_ATTR_STR("step", "received")};
    otel_span_add_event(root, "request.received", ev, 1);
    otel_context *ctx = otel_context_with_span(NULL, root);
    uint64_t token = otel_context_attach(ctx);

    int failed = 0;
    failed |= run_python() != 0;
    failed |= run_lua() != 0;
    failed |= run_ruby() != 0;

    /* C again: a failing step (exception, ERROR) and a span linked to Lua's work */
    otel_span *validate = otel_tracer_start_span(c_tracer, "c.validate_address", OTEL_SPAN_KIND_CLIENT, NULL);
    otel_span_record_exception(validate, "AddressError", "postcode missing", "validate()\nmain()", NULL, 0);
    otel_span_set_status(validate, OTEL_STATUS_CODE_ERROR, "postcode missing");
    otel_span *audit = otel_tracer_start_span(c_tracer, "c.audit", OTEL_SPAN_KIND_PRODUCER, NULL);
    otel_span_add_link(audit, validate, NULL, 0);
    otel_span_end(audit);
    otel_span_end(validate);

    otel_context_detach(token);
    otel_context_release(ctx);
    otel_span_end(root);
    otel_attr region[] = {OTEL_ATTR_STR("region", "eu")};
    otel_counter_add_i64(orders, 1, region, 1);
    otel_histogram_record_f64(duration, (double)(otel_time_now_ns() - t0) / 1e6, region, 1);

    otel_status st = otel_tracer_provider_force_flush(tp, 15000);
    printf("\ntrace (one request to the exporter):\n");
    print_tree(NULL, 1);
    print_metrics(printer);
    uint64_t v[OTEL_STAT__COUNT];
    otel_tracer_provider_get_stats(tp, v, OTEL_STAT__COUNT);
    printf("\nstats: spans_exported=%llu export_batches=%llu export_errors=%llu flush=%s\n",
           (unsigned long long)v[OTEL_STAT_SPANS_EXPORTED],
           (unsigned long long)v[OTEL_STAT_EXPORT_BATCHES], (unsigned long long)v[OTEL_STAT_EXPORT_ERRORS],
           st == OTEL_OK ? "ok" : otel_status_str(st));
    otel_tracer_provider_shutdown(tp, 5000);
    otel_meter_provider_shutdown(mp, 5000); /* exports the metrics when an endpoint is set */
    otel_metric_reader_release(printer);
    otel_meter_provider_release(mp);
    otel_tracer_provider_set_global(NULL);
    otel_tracer_provider_release(tp);
    for (size_t i = 0; i < n_kept; i++) otel_span_data_release(kept[i]);
    return failed || st != OTEL_OK;
}
