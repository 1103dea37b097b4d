//! `opentelemetry::metrics` code drives the C core: every instrument kind
//! (sync and observable; u64, i64, f64), read back with a manual reader.
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::KeyValue;
use otel_core::metrics::{Temporality, View};
use otel_core::{ManualReader, MeterProvider};

fn provider() -> (MeterProvider, ManualReader) {
    let reader = ManualReader::new(Temporality::Cumulative).unwrap();
    let mp = MeterProvider::builder().with_reader(&reader).build().unwrap();
    (mp, reader)
}

#[test]
fn every_instrument_kind_records() {
    let (mp, reader) = provider();
    let m = mp.meter("shop");
    let eu = [KeyValue::new("region", "eu")];
    m.u64_counter("orders").build().add(3, &eu);
    m.f64_counter("revenue").with_unit("EUR").build().add(9.5, &eu);
    let udc = m.i64_up_down_counter("in_flight").build();
    udc.add(5, &eu);
    udc.add(-2, &eu);
    m.f64_up_down_counter("balance").build().add(-1.25, &[]);
    let h = m.f64_histogram("latency").with_boundaries(vec![1.0, 10.0]).build();
    h.record(0.5, &eu);
    h.record(5.0, &eu);
    h.record(50.0, &eu);
    m.u64_histogram("bytes").build().record(1024, &[]);
    m.u64_gauge("temp_u").build().record(20, &[]);
    m.i64_gauge("temp_i").build().record(-3, &[]);
    m.f64_gauge("temp_f").build().record(21.5, &[]);
    let _oc = m.u64_observable_counter("ticks").with_callback(|o| o.observe(42, &[KeyValue::new("cpu", 0i64)])).build();
    let _ocf = m.f64_observable_counter("secs").with_callback(|o| o.observe(1.5, &[])).build();
    let _ou = m.i64_observable_up_down_counter("queue").with_callback(|o| o.observe(-7, &[])).build();
    let _ouf = m.f64_observable_up_down_counter("queue_f").with_callback(|o| o.observe(0.25, &[])).build();
    let _og = m.u64_observable_gauge("mem_u").with_callback(|o| o.observe(4096, &[])).build();
    let _ogi = m.i64_observable_gauge("mem_i").with_callback(|o| o.observe(-1, &[])).build();
    let _ogf = m.f64_observable_gauge("mem_f").with_callback(|o| o.observe(0.75, &[])).build();

    let data = reader.collect().unwrap();
    let get = |n: &str| data.iter().find(|m| m.name == n).unwrap_or_else(|| panic!("no metric {n}"));
    assert_eq!(get("orders").point(&eu).unwrap().int_value, Some(3));
    assert!(get("orders").monotonic);
    assert_eq!(get("revenue").point(&eu).unwrap().double_value, Some(9.5));
    assert_eq!(get("revenue").unit, "EUR");
    assert_eq!(get("in_flight").point(&eu).unwrap().int_value, Some(3));
    assert_eq!(get("balance").points[0].double_value, Some(-1.25));
    let lat = get("latency").point(&eu).unwrap();
    assert_eq!((lat.count, lat.sum, lat.min, lat.max), (3, 55.5, 0.5, 50.0));
    assert_eq!(lat.bucket_counts, vec![1, 1, 1]);
    assert_eq!(get("bytes").points[0].count, 1);
    assert_eq!(get("temp_u").points[0].int_value, Some(20));
    assert_eq!(get("temp_i").points[0].int_value, Some(-3));
    assert_eq!(get("temp_f").points[0].double_value, Some(21.5));
    assert_eq!(get("ticks").point(&[KeyValue::new("cpu", 0i64)]).unwrap().int_value, Some(42));
    assert_eq!(get("secs").points[0].double_value, Some(1.5));
    assert_eq!(get("queue").points[0].int_value, Some(-7));
    assert_eq!(get("queue_f").points[0].double_value, Some(0.25));
    assert_eq!(get("mem_u").points[0].int_value, Some(4096));
    assert_eq!(get("mem_i").points[0].int_value, Some(-1));
    assert_eq!(get("mem_f").points[0].double_value, Some(0.75));
}

#[test]
fn invalid_measurements_are_dropped_and_counted() {
    let (mp, reader) = provider();
    let m = mp.meter("bad");
    m.f64_counter("c").build().add(-1.0, &[]);
    m.f64_histogram("h").build().record(f64::NAN, &[]);
    m.u64_counter("big").build().add(u64::MAX, &[]);
    assert_eq!(mp.dropped(), 3);
    let data = reader.collect().unwrap();
    assert!(data.iter().all(|m| m.points.iter().all(|p| p.int_value != Some(-1))));
}

#[test]
fn a_view_bounds_cardinality_by_attribute_keys() {
    let reader = ManualReader::new(Temporality::Cumulative).unwrap();
    let mp = MeterProvider::builder().with_reader(&reader).with_view(View::new("requests").keep_attributes(&["route"])).build().unwrap();
    let c = mp.meter("web").u64_counter("requests").build();
    for user in 0..100i64 {
        c.add(1, &[KeyValue::new("route", "/cart"), KeyValue::new("user", user)]);
    }
    let data = reader.collect().unwrap();
    let m = data.iter().find(|m| m.name == "requests").unwrap();
    assert_eq!(m.points.len(), 1);
    assert_eq!(m.points[0].int_value, Some(100));
}

#[test]
fn a_panicking_observable_callback_is_caught_and_counted() {
    let (mp, reader) = provider();
    let before = otel_core::callback_panics();
    let _g = mp.meter("p").u64_observable_gauge("boom").with_callback(|_| panic!("callback bug")).build();
    let _ok = mp.meter("p").u64_observable_gauge("fine").with_callback(|o| o.observe(1, &[])).build();
    let data = reader.collect().unwrap();
    assert!(data.iter().any(|m| m.name == "fine"));
    assert_eq!(otel_core::callback_panics(), before + 1);
}

#[test]
fn export_failures_show_in_the_meter_providers_stats() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port(); // closed again
    let mp = MeterProvider::builder()
        .with_option("OTEL_EXPORTER_OTLP_ENDPOINT", &format!("http://127.0.0.1:{port}"))
        .with_option("OTEL_EXPORTER_OTLP_TIMEOUT", "300")
        .with_otlp_reader()
        .build()
        .unwrap();
    mp.meter("s").u64_counter("c").build().add(1, &[]);
    assert!(mp.force_flush(3000).is_err(), "nothing listens there");
    let st = mp.stats();
    assert!(st.export_errors >= 1, "{st:?}");
    assert!(st.last_error.as_deref().unwrap_or("").contains(&port.to_string()), "{st:?}");
    assert_eq!(st.spans_started, 0);
}
