//! Code written only against the `opentelemetry` API drives the C core:
//! parents, children, attributes of every type, events, links, status,
//! exceptions, as the in-memory exporter reads them back.
mod common;
use common::{by_name, memory_provider};
use opentelemetry::trace::{Link, Span as _, SpanKind, Status, TraceContextExt, Tracer as _};
use opentelemetry::{Array, Context, KeyValue, StringValue, Value};

/// Instrumentation as a library would write it: generic over the API.
fn instrumented<T>(tracer: &T)
where
    T: opentelemetry::trace::Tracer,
    T::Span: Send + Sync + 'static,
{
    tracer.in_span("parent", |cx| {
        cx.span().set_attribute(KeyValue::new("s", "text"));
        cx.span().set_attribute(KeyValue::new("b", true));
        cx.span().set_attribute(KeyValue::new("i", -42i64));
        cx.span().set_attribute(KeyValue::new("f", 2.5));
        cx.span().set_attribute(KeyValue::new("sa", Value::Array(Array::String(vec![StringValue::from("x"), StringValue::from("y")]))));
        cx.span().set_attribute(KeyValue::new("ba", Value::Array(Array::Bool(vec![true, false]))));
        cx.span().set_attribute(KeyValue::new("ia", Value::Array(Array::I64(vec![1, 2, 3]))));
        cx.span().set_attribute(KeyValue::new("fa", Value::Array(Array::F64(vec![0.5, 1.5]))));
        cx.span().add_event("cache miss", vec![KeyValue::new("key", "user:1")]);
        let mut child = tracer.span_builder("child").with_kind(SpanKind::Client).start_with_context(tracer, &cx);
        child.record_error(&std::io::Error::other("disk on fire"));
        child.set_status(Status::error("failed"));
        child.end();
        cx.span().set_status(Status::Ok);
    });
}

#[test]
fn api_code_records_parents_attributes_events_status() {
    let (tp, mem) = memory_provider();
    instrumented(&tp.tracer("api-test"));
    let spans = mem.spans();
    assert_eq!(spans.len(), 2);
    let parent = by_name(&spans, "parent");
    let child = by_name(&spans, "child");
    assert_eq!(child.parent_span_id, parent.span_context.span_id());
    assert_eq!(child.span_context.trace_id(), parent.span_context.trace_id());
    assert!(!child.parent_is_remote);
    assert_eq!(child.span_kind, SpanKind::Client);
    assert_eq!(parent.scope_name, "api-test");
    assert_eq!(parent.attribute("s"), Some(&Value::from("text")));
    assert_eq!(parent.attribute("b"), Some(&Value::Bool(true)));
    assert_eq!(parent.attribute("i"), Some(&Value::I64(-42)));
    assert_eq!(parent.attribute("f"), Some(&Value::F64(2.5)));
    assert_eq!(parent.attribute("sa"), Some(&Value::Array(Array::String(vec!["x".into(), "y".into()]))));
    assert_eq!(parent.attribute("ba"), Some(&Value::Array(Array::Bool(vec![true, false]))));
    assert_eq!(parent.attribute("ia"), Some(&Value::Array(Array::I64(vec![1, 2, 3]))));
    assert_eq!(parent.attribute("fa"), Some(&Value::Array(Array::F64(vec![0.5, 1.5]))));
    assert_eq!(parent.events.len(), 1);
    assert_eq!(parent.events[0].name, "cache miss");
    assert_eq!(parent.events[0].attributes, vec![KeyValue::new("key", "user:1")]);
    assert_eq!(parent.status, Status::Ok);
    assert_eq!(child.status, Status::error("failed"));
    let exc = child.events.iter().find(|e| e.name == "exception").expect("exception event");
    assert!(exc.attributes.contains(&KeyValue::new("exception.message", "disk on fire")), "{:?}", exc.attributes);
    assert!(parent.resource.contains(&KeyValue::new("service.name", "rust-tests")));
    assert!(child.start_time >= parent.start_time && child.end_time <= parent.end_time);
}

#[test]
fn links_builder_attributes_and_explicit_times() {
    let (tp, mem) = memory_provider();
    let tracer = tp.tracer("links");
    let target = tracer.start("target");
    let target_cx = target.span_context().clone();
    drop(target);
    let start = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    let end = start + std::time::Duration::from_millis(5);
    let mut span = tracer
        .span_builder("linked")
        .with_attributes(vec![KeyValue::new("at.start", 7i64)])
        .with_links(vec![Link::new(target_cx.clone(), vec![KeyValue::new("why", "batch")], 0)])
        .with_start_time(start)
        .start_with_context(&tracer, &Context::new());
    span.add_link(target_cx.clone(), vec![]);
    span.update_name("renamed");
    span.end_with_timestamp(end);
    let spans = mem.spans();
    let s = by_name(&spans, "renamed");
    assert_eq!(s.parent_span_id, opentelemetry::SpanId::INVALID);
    assert_eq!(s.attribute("at.start"), Some(&Value::I64(7)));
    assert_eq!(s.links.len(), 2);
    assert_eq!(s.links[0].span_context.span_id(), target_cx.span_id());
    assert_eq!(s.links[0].attributes, vec![KeyValue::new("why", "batch")]);
    assert_eq!(s.start_time, start);
    assert_eq!(s.end_time, end);
}

#[test]
fn context_current_with_span_parents_and_ended_span_ignores_calls() {
    let (tp, mem) = memory_provider();
    let tracer = tp.tracer("ctx");
    let parent = tracer.start("p");
    let cx = Context::current_with_span(parent);
    {
        let _g = cx.clone().attach();
        let mut c = tracer.start("c");
        c.end();
        c.set_attribute(KeyValue::new("late", 1i64)); // after end: ignored
        assert!(!c.is_recording());
    }
    cx.span().end();
    let spans = mem.spans();
    assert_eq!(by_name(&spans, "c").parent_span_id, by_name(&spans, "p").span_context.span_id());
    assert_eq!(by_name(&spans, "c").attribute("late"), None);
}

#[test]
fn global_provider_drives_api_users() {
    let (tp, mem) = memory_provider();
    otel_core::global::install(&tp).unwrap();
    let tracer = opentelemetry::global::tracer("global");
    tracer.in_span("outer", |_| tracer.in_span("inner", |_| {}));
    let spans = mem.spans();
    assert_eq!(by_name(&spans, "inner").parent_span_id, by_name(&spans, "outer").span_context.span_id());
    // The C global is the same provider: its stats saw both spans.
    assert_eq!(otel_core::TracerProvider::c_global().unwrap().stats().spans_ended, 2);
}

#[test]
fn unsampled_spans_propagate_but_do_not_export() {
    let mem = otel_core::InMemoryExporter::new().unwrap();
    let tp = otel_core::TracerProvider::builder()
        .with_sampler(otel_core::Sampler::always_off())
        .with_simple_exporter(&mem)
        .build()
        .unwrap();
    let tracer = tp.tracer("off");
    let s = tracer.start("dropped");
    assert!(s.span_context().is_valid());
    assert!(!s.span_context().is_sampled());
    assert!(!s.is_recording());
    drop(s);
    assert!(mem.spans().is_empty());
    assert_eq!(tp.stats().spans_not_sampled, 1);
}
