//! Samplers, exporters and processors written in Rust, the C core calling
//! them; panics in them are caught at the FFI boundary, counted, reported
//! through the log handler; errors carry the C status and message.
mod common;
use opentelemetry::trace::{SamplingDecision, SamplingResult, Span as _, TraceState, Tracer as _};
use opentelemetry::{KeyValue, Value};
use otel_core::{Exporter, InMemoryExporter, Processor, ProcessorSpan, Sampler, SpanData, SpanExporter, SpanProcessor, Status, TracerProvider};
use std::sync::{Arc, Mutex};

#[test]
fn a_closure_sampler_decides_and_adds_attributes() {
    let mem = InMemoryExporter::new().unwrap();
    let sampler = Sampler::custom("drop-health", |_p: Option<&opentelemetry::Context>, _t, name: &str, _k: &_, attrs: &[KeyValue], _l: &[_]| {
        let keep = name != "GET /health" && !attrs.iter().any(|a| a.key.as_str() == "noise");
        SamplingResult {
            decision: if keep { SamplingDecision::RecordAndSample } else { SamplingDecision::Drop },
            attributes: vec![KeyValue::new("sampled.by", "rust")],
            trace_state: TraceState::default(),
        }
    })
    .unwrap();
    assert_eq!(sampler.description(), "drop-health");
    let tp = TracerProvider::builder().with_sampler(sampler).with_simple_exporter(&mem).build().unwrap();
    let t = tp.tracer("s");
    drop(t.start("GET /health"));
    drop(t.start("GET /cart"));
    drop(t.span_builder("noisy").with_attributes(vec![KeyValue::new("noise", true)]).start(&t));
    let spans = mem.spans();
    assert_eq!(spans.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["GET /cart"]);
    assert_eq!(spans[0].attribute("sampled.by"), Some(&Value::from("rust")));
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Vec<SpanData>>>>);

impl SpanExporter for Recorder {
    fn export(&mut self, batch: Vec<SpanData>) -> otel_core::Result<()> {
        self.0.lock().unwrap().push(batch);
        Ok(())
    }
}

struct Redact;
impl SpanProcessor for Redact {
    fn on_start(&self, span: &ProcessorSpan, _parent: &opentelemetry::Context) {
        span.set_attribute(KeyValue::new("deployment", "test"));
    }
    fn on_ending(&self, span: &ProcessorSpan) {
        span.set_attribute(KeyValue::new("user.email", "<redacted>"));
    }
}

#[test]
fn a_rust_exporter_behind_the_batch_processor_and_a_redacting_processor() {
    let rec = Recorder::default();
    let tp = TracerProvider::builder()
        .with_processor(Processor::custom(Redact).unwrap())
        .with_processor(Processor::batch(Exporter::custom(rec.clone()).unwrap(), &[("OTEL_BSP_SCHEDULE_DELAY", "60000")]).unwrap())
        .build()
        .unwrap();
    let t = tp.tracer("batch");
    for i in 0..10i64 {
        let mut s = t.start("work");
        s.set_attribute(KeyValue::new("user.email", "a@b.c"));
        s.set_attribute(KeyValue::new("i", i));
    }
    tp.force_flush(5000).unwrap();
    let batches = rec.0.lock().unwrap().clone();
    assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), 10);
    for s in batches.iter().flatten() {
        assert_eq!(s.attribute("user.email"), Some(&Value::from("<redacted>")));
        assert_eq!(s.attribute("deployment"), Some(&Value::from("test")));
    }
    let st = tp.stats();
    assert_eq!(st.spans_exported, 10);
    assert_eq!(st.dropped(), 0);
    tp.shutdown(5000).unwrap();
    assert_eq!(tp.shutdown(5000).unwrap_err().status(), Status::Shutdown);
}

struct Panicky;
impl SpanExporter for Panicky {
    fn export(&mut self, _batch: Vec<SpanData>) -> otel_core::Result<()> {
        panic!("exporter bug");
    }
}

#[test]
fn panics_in_callbacks_never_cross_ffi_and_are_reported() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    otel_core::set_log_handler(move |level, msg| s2.lock().unwrap().push((level, msg.to_string())));
    let before = otel_core::callback_panics();
    let sampler = Sampler::custom("panics", |_: Option<&opentelemetry::Context>, _, _: &str, _: &_, _: &[KeyValue], _: &[_]| -> SamplingResult {
        panic!("sampler bug")
    })
    .unwrap();
    let tp = TracerProvider::builder().with_sampler(sampler).with_simple_exporter(Exporter::custom(Panicky).unwrap()).build().unwrap();
    let t = tp.tracer("p");
    let s = t.start("survives");
    assert!(!s.is_recording(), "a panicking sampler drops the span");
    drop(s);
    let tp2 = TracerProvider::builder().with_simple_exporter(Exporter::custom(Panicky).unwrap()).build().unwrap();
    drop(tp2.tracer("p").start("export panics"));
    assert_eq!(tp2.stats().export_errors, 1);
    assert_eq!(otel_core::callback_panics(), before + 2);
    assert_eq!(tp2.stats().callback_panics, otel_core::callback_panics());
    let msgs = seen.lock().unwrap().clone();
    otel_core::clear_log_handler();
    assert!(msgs.iter().any(|(l, m)| *l == otel_core::Level::Error && m.contains("sampler bug")), "{msgs:?}");
    assert!(msgs.iter().any(|(_, m)| m.contains("exporter bug")), "{msgs:?}");
}

#[test]
fn bad_options_fail_build_with_the_c_message() {
    let e = TracerProvider::builder().with_option("OTEL_NO_SUCH_OPTION", "1").build().unwrap_err();
    assert_eq!(e.status(), Status::NotFound);
    assert!(e.to_string().contains("OTEL_NO_SUCH_OPTION"), "{e}");
    let e = TracerProvider::builder().with_option("OTEL_TRACES_SAMPLER", "sometimes").build().unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("OTEL_TRACES_SAMPLER"), "{e}");
    assert_eq!(Sampler::trace_id_ratio(1.5).unwrap_err().status(), Status::InvalidArgument);
    let ok = TracerProvider::builder()
        .with_option("OTEL_SERVICE_NAME", "shop")
        .with_option("OTEL_TRACES_SAMPLER", "traceidratio")
        .with_option("OTEL_TRACES_SAMPLER_ARG", "0.5")
        .with_option("OTEL_TRACES_EXPORTER", "none")
        .build();
    assert!(ok.is_ok());
}

#[test]
fn own_api_spans_nest_through_the_guard_and_record() {
    let (tp, mem) = common::memory_provider();
    let t = tp.tracer("own");
    {
        let root = t.start_span_with("root", otel_core::SpanKind::Server, None, &[otel_core::Attr::new("http.route", "/cart")]);
        let _g = root.enter();
        let child = t.start_span("child");
        child.attr("n", 3i64);
        child.event("step", &[otel_core::Attr::new("ok", true)]);
        child.exception("IoError", "disk full");
    }
    let spans = mem.spans();
    let root = common::by_name(&spans, "root");
    let child = common::by_name(&spans, "child");
    assert_eq!(child.parent_span_id, root.span_context.span_id());
    assert_eq!(root.attribute("http.route"), Some(&Value::from("/cart")));
    assert_eq!(child.status, opentelemetry::trace::Status::error("disk full"));
    assert!(child.events.iter().any(|e| e.name == "exception"));
}

#[test]
fn the_discard_exporter_accepts_everything_and_keeps_nothing() {
    let tp = TracerProvider::builder().with_simple_exporter(Exporter::discard().unwrap()).build().unwrap();
    for _ in 0..3 {
        drop(tp.tracer("d").start("gone"));
    }
    let st = tp.stats();
    assert_eq!((st.spans_exported, st.export_errors, st.dropped()), (3, 0, 0));
}
