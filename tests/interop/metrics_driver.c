/* Drives the metrics SDK for tests/interop/metrics_interop.py: a counter
 * with attributes, a histogram, a gauge and an observable up-down counter,
 * exported once over OTLP (endpoint and protocol from the environment)
 * through the periodic reader's shutdown. Prints the stats it saw.
 * With DRIVER_TWO_EXPORTS=1 it also makes a second stream of the counter by
 * method only (a view), flushes once mid-way and records again: two
 * exports, for start times and values of both temporalities. */
#include <otel/otel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void observe(otel_observer *o, void *ud) {
    otel_attr a[] = {OTEL_ATTR_STR("pool", "db")};
    otel_observer_observe_i64(o, ud, 7, a, 1);
}

int main(void) {
    otel_options *opts;
    otel_options_new(&opts);
    otel_options_set(opts, "OTEL_SERVICE_NAME", "metrics-interop");
    otel_meter_provider *mp;
    if (otel_meter_provider_new(&mp, opts) != OTEL_OK) {
        fprintf(stderr, "driver: %s\n", otel_last_error());
        return 1;
    }
    otel_options_free(opts);
    const char *two = getenv("DRIVER_TWO_EXPORTS");
    int two_exports = two && strcmp(two, "1") == 0;
    if (two_exports) {
        const char *keep[] = {"method"};
        otel_view *v;
        otel_view_new(&v, "interop.requests"); /* the stream as it is */
        otel_meter_provider_add_view(mp, v);
        otel_view_free(v);
        otel_view_new(&v, "interop.requests");
        otel_view_set_stream(v, "interop.requests.by_method", NULL);
        otel_view_set_attribute_keys(v, keep, 1, 0);
        otel_meter_provider_add_view(mp, v);
        otel_view_free(v);
    }
    otel_attr scope[] = {OTEL_ATTR_STR("interop.lib", "c")};
    const char *url = "https://opentelemetry.io/schemas/1.26.0";
    otel_meter *m = otel_meter_provider_get_meter_n(mp, "interop.meter", 13, "2.0", 3, url, strlen(url), scope, 1);
    otel_instrument *c = otel_meter_counter_i64(m, "interop.requests", "{request}", "requests served");
    otel_instrument *h = otel_meter_histogram_f64(m, "interop.latency", "ms", NULL);
    otel_instrument *g = otel_meter_gauge_f64(m, "interop.temperature", "Cel", NULL);
    otel_instrument *conns;
    otel_meter_create_instrument(&conns, m, OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER,
                                 OTEL_NUMBER_INT64, "interop.connections", NULL, NULL);
    otel_meter_register_callback(m, observe, conns, &conns, 1, NULL);
    otel_attr get[] = {OTEL_ATTR_STR("method", "GET"), OTEL_ATTR_I64("status", 200)};
    otel_attr post[] = {OTEL_ATTR_STR("method", "POST"), OTEL_ATTR_I64("status", 201)};
    for (int i = 0; i < 5; i++) otel_counter_add_i64(c, 1, get, 2);
    otel_counter_add_i64(c, 2, post, 2);
    double lat[] = {3, 7, 12, 80};
    for (int i = 0; i < 4; i++) otel_histogram_record_f64(h, lat[i], NULL, 0);
    /* the slowest one inside a sampled span: an exemplar with its ids */
    otel_options *topts;
    otel_options_new(&topts);
    otel_options_set(topts, "OTEL_TRACES_EXPORTER", "none");
    otel_options_set(topts, "OTEL_TRACES_SAMPLER", "always_on");
    otel_tracer_provider *tp;
    otel_tracer_provider_new(&tp, topts);
    otel_options_free(topts);
    otel_span *span = otel_tracer_start_span(otel_tracer_provider_get_tracer(tp, "driver", NULL, NULL),
                                             "slow", OTEL_SPAN_KIND_SERVER, NULL);
    otel_context *ctx = otel_context_with_span(NULL, span);
    uint64_t token = otel_context_attach(ctx);
    otel_histogram_record_f64(h, 400, NULL, 0);
    otel_context_detach(token);
    otel_context_release(ctx);
    otel_span_context sc;
    otel_span_get_context(span, &sc);
    printf("exemplar_trace=");
    for (int i = 0; i < 16; i++) printf("%02x", sc.trace_id[i]);
    printf(" exemplar_span=");
    for (int i = 0; i < 8; i++) printf("%02x", sc.span_id[i]);
    printf("\n");
    otel_span_end(span);
    otel_instrument_record_f64(g, 21.5, NULL, 0);
    if (two_exports) {
        if (otel_meter_provider_force_flush(mp, 10000) != OTEL_OK)
            fprintf(stderr, "driver: flush: %s\n", otel_last_error());
        for (int i = 0; i < 3; i++) otel_counter_add_i64(c, 1, get, 2);
        otel_histogram_record_f64(h, 30, NULL, 0);
    }
    otel_status st = otel_meter_provider_shutdown(mp, 10000);
    uint64_t v[OTEL_STAT__COUNT];
    otel_meter_provider_get_stats(mp, v, OTEL_STAT__COUNT);
    char err[256];
    otel_meter_provider_last_error(mp, err, sizeof err);
    printf("shutdown=%s dropped=%llu export_batches=%llu export_errors=%llu retries=%llu last_error=%s\n",
           st == OTEL_OK ? "ok" : otel_last_error(), (unsigned long long)otel_meter_provider_dropped(mp),
           (unsigned long long)v[OTEL_STAT_EXPORT_BATCHES], (unsigned long long)v[OTEL_STAT_EXPORT_ERRORS],
           (unsigned long long)v[OTEL_STAT_EXPORT_RETRIES], err);
    otel_meter_provider_release(mp);
    otel_tracer_provider_release(tp);
    return st == OTEL_OK ? 0 : 1;
}
