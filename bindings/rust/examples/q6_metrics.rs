//! Q6.1-Q6.4: counters, histograms and gauges with attributes, an
//! observable gauge, and a view bounding cardinality. A manual reader
//! shows what an exporter would receive.
use opentelemetry::KeyValue;
use otel_core::metrics::{Temporality, View};
use otel_core::{ManualReader, MeterProvider};

fn main() -> Result<(), otel_core::Error> {
    let reader = ManualReader::new(Temporality::Cumulative)?;
    let provider = MeterProvider::builder()
        .with_reader(&reader)
        // Q6.4: keep only `route` on http.requests, whatever callers pass.
        .with_view(View::new("http.requests").keep_attributes(&["route"]))
        .with_view(View::new("http.duration").histogram_boundaries(&[5.0, 10.0, 50.0, 100.0]))
        .build()?;
    otel_core::global::install_meter_provider(&provider);
    let meter = opentelemetry::global::meter("q6");

    // Q6.1: a counter with attributes.
    let requests = meter.u64_counter("http.requests").with_description("requests served").build();
    // Q6.2: a histogram for distributions, a gauge for "the value now".
    let duration = meter.f64_histogram("http.duration").with_unit("ms").build();
    let temperature = meter.f64_gauge("room.temperature").with_unit("Cel").build();
    let _queue = meter.i64_observable_gauge("queue.depth").with_callback(|o| o.observe(17, &[])).build();

    for user in 0..50i64 {
        let attrs = [KeyValue::new("route", "/cart"), KeyValue::new("user.id", user)];
        requests.add(1, &attrs);
        duration.record(3.0 + user as f64, &attrs[..1]);
    }
    temperature.record(21.5, &[KeyValue::new("room", "lab")]);

    // Q6.3: no data? Collect and look (or check provider.dropped()).
    for m in reader.collect()? {
        println!("{} ({} points): {:?}", m.name, m.points.len(), m.points.first().map(|p| (p.int_value, p.double_value, p.count)));
    }
    println!("dropped as invalid: {}", provider.dropped());
    provider.shutdown(5000)
}
