/* Drives the metrics SDK for tests/interop/metrics_interop.py: a counter
 * with attributes, a histogram, a gauge and an observable up-down counter,
 * exported once over OTLP (endpoint and protocol from the environment)
 * through the periodic reader's shutdown. Prints the stats it saw. */
#include <otel/otel.h>
#include <stdio.h>

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
    otel_meter *m = otel_meter_provider_get_meter(mp, "interop.meter", "2.0", NULL);
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
    double lat[] = {3, 7, 12, 80, 400};
    for (int i = 0; i < 5; i++) otel_histogram_record_f64(h, lat[i], NULL, 0);
    otel_instrument_record_f64(g, 21.5, NULL, 0);
    otel_status st = otel_meter_provider_shutdown(mp, 10000);
    printf("shutdown=%s dropped=%llu\n", st == OTEL_OK ? "ok" : otel_last_error(),
           (unsigned long long)otel_meter_provider_dropped(mp));
    otel_meter_provider_release(mp);
    return st == OTEL_OK ? 0 : 1;
}
