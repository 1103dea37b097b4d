//! Rust benchmarks, side by side in one process (JSON lines, ns/op):
//!   rust.<workload>.api_dropin         the opentelemetry 0.31 API on otel-core
//!   rust.<workload>.opentelemetry_sdk  the same API code on opentelemetry_sdk 0.31
//!   rust.<workload>.otel_core          otel-core's own API
//! Workloads: span.attrs0 / span.attrs4 (sampled, simple processor),
//! span.unsampled (AlwaysOff), span_batch.attrs4 (batch processor),
//! counter.attrs3 (u64 counter add), histogram.attrs3 (f64 record).
//! Both SDKs: the same sampler, a no-op exporter behind the same processor
//! kind; metrics read by a manual reader. `ratio` = opentelemetry_sdk's
//! time / this line's. Best of 5 rounds.
//!
//! `otel-core-bench callgrind WORKLOAD SDK N` runs one workload N times
//! (no timing) for `valgrind --tool=callgrind` (span and metric workloads).
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{Span as _, TracerProvider as _};
use opentelemetry::KeyValue;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{self as sdktrace, SpanData};
use otel_core::{Attr, Exporter, Sampler};
use std::hint::black_box;
use std::time::Instant;

#[derive(Debug)]
struct SdkNoop;
impl sdktrace::SpanExporter for SdkNoop {
    fn export(&self, batch: Vec<SpanData>) -> impl std::future::Future<Output = OTelSdkResult> + Send {
        black_box(batch);
        async { Ok(()) }
    }
}

fn attrs4() -> Vec<KeyValue> {
    vec![
        KeyValue::new("http.request.method", "GET"),
        KeyValue::new("http.route", "/cart"),
        KeyValue::new("http.response.status_code", 200i64),
        KeyValue::new("cache.hit", true),
    ]
}

fn attrs3() -> [KeyValue; 3] {
    [KeyValue::new("http.request.method", "GET"), KeyValue::new("http.response.status_code", 200i64), KeyValue::new("cache.hit", true)]
}

const OWN4: [Attr<'static>; 4] = [
    Attr { key: "http.request.method", value: otel_core::AttrValue::Str("GET") },
    Attr { key: "http.route", value: otel_core::AttrValue::Str("/cart") },
    Attr { key: "http.response.status_code", value: otel_core::AttrValue::I64(200) },
    Attr { key: "cache.hit", value: otel_core::AttrValue::Bool(true) },
];
const OWN3: [Attr<'static>; 3] = [
    Attr { key: "http.request.method", value: otel_core::AttrValue::Str("GET") },
    Attr { key: "http.response.status_code", value: otel_core::AttrValue::I64(200) },
    Attr { key: "cache.hit", value: otel_core::AttrValue::Bool(true) },
];

#[derive(Clone, Copy, PartialEq)]
enum Proc {
    Simple,
    Batch,
}

fn core_provider(sampled: bool, proc: Proc) -> otel_core::TracerProvider {
    let sampler = if sampled { Sampler::always_on() } else { Sampler::always_off() };
    let b = otel_core::TracerProvider::builder().with_sampler(sampler);
    let b = match proc {
        Proc::Simple => b.with_simple_exporter(Exporter::discard().unwrap()),
        Proc::Batch => b.with_option("OTEL_BSP_MAX_QUEUE_SIZE", "2048").with_batch_exporter(Exporter::discard().unwrap()),
    };
    b.build().unwrap()
}

fn sdk_provider(sampled: bool, proc: Proc) -> sdktrace::SdkTracerProvider {
    let sampler = if sampled { sdktrace::Sampler::AlwaysOn } else { sdktrace::Sampler::AlwaysOff };
    let b = sdktrace::SdkTracerProvider::builder().with_sampler(sampler);
    match proc {
        Proc::Simple => b.with_simple_exporter(SdkNoop),
        Proc::Batch => b.with_batch_exporter(SdkNoop),
    }
    .build()
}

/// Best ns/op of 5 rounds of `n` calls of `f`.
fn best(n: u64, mut f: impl FnMut()) -> f64 {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            t.elapsed().as_nanos() as f64 / n as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// One span workload through the API, generic over the SDK.
fn api_span<T: opentelemetry::trace::Tracer>(t: &T, with_attrs: bool) {
    if with_attrs {
        let mut s = t.span_builder("op").with_attributes(attrs4()).start(t);
        s.end();
    } else {
        let mut s = t.start("op");
        s.end();
    }
}

struct Workload {
    name: &'static str,
    sampled: bool,
    proc: Proc,
    attrs: bool,
}

const SPANS: [Workload; 4] = [
    Workload { name: "span.attrs0", sampled: true, proc: Proc::Simple, attrs: false },
    Workload { name: "span.attrs4", sampled: true, proc: Proc::Simple, attrs: true },
    Workload { name: "span.unsampled", sampled: false, proc: Proc::Simple, attrs: true },
    Workload { name: "span_batch.attrs4", sampled: true, proc: Proc::Batch, attrs: true },
];

fn emit(workload: &str, results: &[(&str, f64)]) {
    let sdk = results.iter().find(|(k, _)| *k == "opentelemetry_sdk").map(|r| r.1).unwrap();
    for (impl_name, ns) in results {
        println!(
            "{{\"name\":\"rust.{workload}.{impl_name}\",\"value\":{:.1},\"unit\":\"ns/op\",\"threads\":1,\"ratio\":{:.2}}}",
            ns,
            sdk / ns
        );
    }
}

fn span_runs(w: &Workload, n: u64) -> Vec<(&'static str, f64)> {
    let core = core_provider(w.sampled, w.proc);
    let sdk = sdk_provider(w.sampled, w.proc);
    let ct = core.tracer("bench");
    let st = sdk.tracer("bench");
    let mut out = Vec::new();
    out.push(("api_dropin", best(n, || api_span(&ct, w.attrs))));
    let _ = core.force_flush(30_000);
    out.push(("opentelemetry_sdk", best(n, || api_span(&st, w.attrs))));
    let _ = sdk.force_flush();
    out.push((
        "otel_core",
        best(n, || {
            let attrs: &[Attr<'_>] = if w.attrs { &OWN4 } else { &[] };
            ct.start_span_with("op", otel_core::SpanKind::Internal, None, attrs).finish();
        }),
    ));
    let _ = core.shutdown(30_000);
    let _ = sdk.shutdown();
    out
}

fn metric_runs(histogram: bool, n: u64) -> Vec<(&'static str, f64)> {
    let reader = otel_core::ManualReader::new(otel_core::metrics::Temporality::Cumulative).unwrap();
    let core = otel_core::MeterProvider::builder().with_reader(&reader).build().unwrap();
    let sdk = opentelemetry_sdk::metrics::SdkMeterProvider::builder().with_reader(opentelemetry_sdk::metrics::ManualReader::builder().build()).build();
    let a = attrs3();
    let mut out = Vec::new();
    if histogram {
        let h = core.meter("bench").f64_histogram("h").build();
        out.push(("api_dropin", best(n, || h.record(12.5, &a))));
        let h = sdk.meter("bench").f64_histogram("h").build();
        out.push(("opentelemetry_sdk", best(n, || h.record(12.5, &a))));
        let h = core.own_meter("bench-own").instrument(otel_core::metrics::InstrumentKind::Histogram, false, "h", "", "").unwrap();
        out.push(("otel_core", best(n, || h.record_f64(12.5, &OWN3))));
    } else {
        let c = core.meter("bench").u64_counter("c").build();
        out.push(("api_dropin", best(n, || c.add(1, &a))));
        let c = sdk.meter("bench").u64_counter("c").build();
        out.push(("opentelemetry_sdk", best(n, || c.add(1, &a))));
        let c = core.own_meter("bench-own").instrument(otel_core::metrics::InstrumentKind::Counter, true, "c", "", "").unwrap();
        out.push(("otel_core", best(n, || c.record_i64(1, &OWN3))));
    }
    black_box(reader.collect().unwrap());
    out
}

/// Runs one workload `n` times on one implementation, untimed.
fn callgrind(workload: &str, which: &str, n: u64) {
    if let Some(w) = SPANS.iter().find(|w| w.name == workload) {
        match which {
            "opentelemetry_sdk" => {
                let sdk = sdk_provider(w.sampled, w.proc);
                let t = sdk.tracer("bench");
                (0..n).for_each(|_| api_span(&t, w.attrs));
            }
            _ => {
                let core = core_provider(w.sampled, w.proc);
                let t = core.tracer("bench");
                let attrs: &[Attr<'_>] = if w.attrs { &OWN4 } else { &[] };
                match which {
                    "otel_core" => (0..n).for_each(|_| t.start_span_with("op", otel_core::SpanKind::Internal, None, attrs).finish()),
                    _ => (0..n).for_each(|_| api_span(&t, w.attrs)),
                }
            }
        }
    } else if workload == "counter.attrs3" || workload == "histogram.attrs3" {
        callgrind_metric(workload == "histogram.attrs3", which, n);
    } else {
        panic!("unknown workload {workload}");
    }
}

fn callgrind_metric(histogram: bool, which: &str, n: u64) {
    let a = attrs3();
    match which {
        "opentelemetry_sdk" => {
            let sdk = opentelemetry_sdk::metrics::SdkMeterProvider::builder().with_reader(opentelemetry_sdk::metrics::ManualReader::builder().build()).build();
            let m = sdk.meter("bench");
            if histogram {
                let h = m.f64_histogram("h").build();
                (0..n).for_each(|_| h.record(12.5, &a));
            } else {
                let c = m.u64_counter("c").build();
                (0..n).for_each(|_| c.add(1, &a));
            }
        }
        _ => {
            let reader = otel_core::ManualReader::new(otel_core::metrics::Temporality::Cumulative).unwrap();
            let core = otel_core::MeterProvider::builder().with_reader(&reader).build().unwrap();
            use otel_core::metrics::InstrumentKind::{Counter, Histogram};
            match (which, histogram) {
                ("otel_core", true) => {
                    let h = core.own_meter("b").instrument(Histogram, false, "h", "", "").unwrap();
                    (0..n).for_each(|_| h.record_f64(12.5, &OWN3));
                }
                ("otel_core", false) => {
                    let c = core.own_meter("b").instrument(Counter, true, "c", "", "").unwrap();
                    (0..n).for_each(|_| c.record_i64(1, &OWN3));
                }
                (_, true) => {
                    let h = core.meter("bench").f64_histogram("h").build();
                    (0..n).for_each(|_| h.record(12.5, &a));
                }
                (_, false) => {
                    let c = core.meter("bench").u64_counter("c").build();
                    (0..n).for_each(|_| c.add(1, &a));
                }
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("callgrind") {
        callgrind(&args[2], &args[3], args[4].parse().unwrap());
        return;
    }
    std::env::set_var("OTEL_TRACES_EXPORTER", "none");
    std::env::set_var("OTEL_METRICS_EXPORTER", "none");
    let n: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    for w in &SPANS {
        emit(w.name, &span_runs(w, n));
    }
    emit("counter.attrs3", &metric_runs(false, n));
    emit("histogram.attrs3", &metric_runs(true, n));
}
