/* The demo: traces a small "checkout" request the way a service would.
 *
 * A root SERVER span with child spans, attributes of every value type, an
 * event with attributes, an exception recorded on a span whose status is
 * ERROR, and a link; and its metrics: an order counter, a checkout
 * duration histogram and an observable queue-depth gauge. Spans go to the
 * OTLP endpoint in OTEL_EXPORTER_OTLP_ENDPOINT when that is set (protocol
 * from OTEL_EXPORTER_OTLP_PROTOCOL), to a file of OTLP/JSON lines when
 * OTEL_CORE_EXPORTER_FILE_PATH is set, otherwise to the console; metrics
 * go to the same endpoint, otherwise to the console. */
#include <otel/otel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static otel_tracer_provider *make_provider(void) {
    otel_options *opts;
    otel_options_new(&opts);
    if (!getenv("OTEL_SERVICE_NAME")) otel_options_set(opts, "OTEL_SERVICE_NAME", "demo-checkout");
    /* Without an endpoint there is nothing to send to: print spans instead. */
    if (!getenv("OTEL_EXPORTER_OTLP_ENDPOINT") && !getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") &&
        !getenv("OTEL_TRACES_EXPORTER") && !getenv("OTEL_CORE_EXPORTER_FILE_PATH"))
        otel_options_set(opts, "OTEL_TRACES_EXPORTER", "console");
    otel_tracer_provider *tp = NULL;
    if (otel_tracer_provider_new(&tp, opts) != OTEL_OK) {
        fprintf(stderr, "demo: cannot make a tracer provider: %s\n", otel_last_error());
        exit(1);
    }
    otel_options_free(opts);
    return tp;
}

static otel_meter_provider *make_meter_provider(void) {
    otel_options *opts;
    otel_options_new(&opts);
    if (!getenv("OTEL_SERVICE_NAME")) otel_options_set(opts, "OTEL_SERVICE_NAME", "demo-checkout");
    if (!getenv("OTEL_EXPORTER_OTLP_ENDPOINT") && !getenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") &&
        !getenv("OTEL_METRICS_EXPORTER"))
        otel_options_set(opts, "OTEL_METRICS_EXPORTER", "console");
    otel_meter_provider *mp = NULL;
    if (otel_meter_provider_new(&mp, opts) != OTEL_OK) {
        fprintf(stderr, "demo: cannot make a meter provider: %s\n", otel_last_error());
        exit(1);
    }
    otel_options_free(opts);
    return mp;
}

/* Called at each metrics collection: reports the current queue depth. */
static void observe_queue(otel_observer *obs, void *user_data) {
    otel_instrument *depth = user_data;
    otel_attr a[] = {OTEL_ATTR_STR("queue.name", "payments")};
    otel_observer_observe_i64(obs, depth, 7, a, 1);
}

static void charge_card(otel_tracer *tracer, const char *card) {
    otel_span *span = otel_tracer_start_span(tracer, "charge_card", OTEL_SPAN_KIND_CLIENT, NULL);
    otel_span_set_attribute_str(span, "payment.provider", "acme-pay");
    otel_span_set_attribute_f64(span, "payment.amount", 42.50);
    if (strcmp(card, "4000-0000-0000-0002") == 0) {
        otel_span_record_exception(span, "CardDeclined", "the card was declined",
                                   "charge_card (demo.c)\ncheckout (demo.c)\nmain (demo.c)", NULL, 0);
        otel_span_set_status(span, OTEL_STATUS_CODE_ERROR, "card declined");
    }
    otel_span_end(span);
}

int main(void) {
    otel_tracer_provider *tp = make_provider();
    otel_tracer_provider_set_global(tp);
    otel_tracer *tracer = otel_tracer_provider_get_tracer(tp, "demo.checkout", OTEL_VERSION_STRING, NULL);
    otel_meter_provider *mp = make_meter_provider();
    otel_meter *meter = otel_meter_provider_get_meter(mp, "demo.checkout", OTEL_VERSION_STRING, NULL);
    otel_instrument *orders = otel_meter_counter_i64(meter, "checkout.orders", "{order}", "orders placed");
    otel_instrument *duration =
        otel_meter_histogram_f64(meter, "checkout.duration", "ms", "time to check out");
    otel_instrument *depth = NULL;
    otel_meter_create_instrument(&depth, meter, OTEL_INSTRUMENT_OBSERVABLE_GAUGE, OTEL_NUMBER_INT64,
                                 "payments.queue.depth", "{request}", "requests waiting");
    otel_meter_register_callback(meter, observe_queue, depth, &depth, 1, NULL);

    /* A span from an earlier request that this one follows from: linked. */
    otel_span *earlier = otel_tracer_start_span(tracer, "cart.update", OTEL_SPAN_KIND_SERVER,
                                                otel_context_root());
    otel_span_retain(earlier); /* otel_span_end() releases the handle; we still link to it */
    otel_span_end(earlier);

    otel_str tags[] = {{"gift", 4}, {"express", 7}};
    int flags[] = {1, 0, 1};
    int64_t quantities[] = {1, 3, 2};
    double prices[] = {9.99, 4.50, 12.00};
    otel_attr attrs[] = {
        OTEL_ATTR_STR("http.request.method", "POST"),
        OTEL_ATTR_STR("url.path", "/checkout"),
        OTEL_ATTR_I64("http.response.status_code", 402),
        OTEL_ATTR_BOOL("user.authenticated", 1),
        OTEL_ATTR_F64("cart.total", 42.50),
        OTEL_ATTR_ARRAY("cart.tags", OTEL_VALUE_STRING_ARRAY, tags, 2),
        OTEL_ATTR_ARRAY("cart.items.in_stock", OTEL_VALUE_BOOL_ARRAY, flags, 3),
        OTEL_ATTR_ARRAY("cart.items.quantity", OTEL_VALUE_INT64_ARRAY, quantities, 3),
        OTEL_ATTR_ARRAY("cart.items.price", OTEL_VALUE_DOUBLE_ARRAY, prices, 3),
    };
    otel_attr link_attrs[] = {OTEL_ATTR_STR("link.reason", "follows cart update")};
    otel_link link = {earlier, link_attrs, 1};
    otel_span *root = otel_tracer_start_span_n(tracer, "POST /checkout", 14, OTEL_SPAN_KIND_SERVER,
                                               otel_context_root(), attrs,
                                               sizeof attrs / sizeof *attrs, &link, 1, 0);
    otel_span_release(earlier);
    otel_context *ctx = otel_context_with_span(NULL, root);
    uint64_t token = otel_context_attach(ctx);

    otel_span *validate = otel_tracer_start_span(tracer, "validate_cart", OTEL_SPAN_KIND_INTERNAL, NULL);
    otel_attr ev[] = {OTEL_ATTR_I64("cart.items", 3), OTEL_ATTR_STR("cart.currency", "EUR")};
    otel_span_add_event(validate, "cart validated", ev, 2);
    otel_span_end(validate);

    charge_card(tracer, "4000-0000-0000-0002");

    /* Metrics recorded inside the sampled span carry it as an exemplar. */
    otel_attr outcome[] = {OTEL_ATTR_STR("payment.outcome", "declined")};
    otel_counter_add_i64(orders, 1, outcome, 1);
    otel_histogram_record_f64(duration, 12.5, outcome, 1);

    otel_span_set_status(root, OTEL_STATUS_CODE_ERROR, "payment failed");
    otel_context_detach(token);
    otel_context_release(ctx);
    otel_span_end(root);

    if (otel_tracer_provider_force_flush(tp, 10000) != OTEL_OK)
        fprintf(stderr, "demo: flush: %s\n", otel_last_error());
    char stats[1024];
    otel_tracer_provider_stats_json(tp, stats, sizeof stats);
    printf("stats: %s\n", stats);
    otel_tracer_provider_shutdown(tp, 10000);
    /* Shutdown collects once more (running the gauge's callback) and exports. */
    if (otel_meter_provider_shutdown(mp, 10000) != OTEL_OK)
        fprintf(stderr, "demo: metrics: %s\n", otel_last_error());
    otel_meter_provider_release(mp);
    otel_tracer_provider_set_global(NULL);
    otel_tracer_provider_release(tp);
    return 0;
}
