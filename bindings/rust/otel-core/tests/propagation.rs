//! Propagators on the C core's parsers: round trips through the API's
//! Injector/Extractor, B3 both forms, the OTEL_PROPAGATORS composite, and
//! hostile headers that must be bounded and never parent a span.
mod common;
use opentelemetry::baggage::BaggageExt;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{SpanContext, TraceContextExt, TraceFlags, TraceState, Tracer as _};
use opentelemetry::{Context, KeyValue, SpanId, TraceId};
use otel_core::Propagator;
use std::collections::HashMap;
use std::str::FromStr;

fn remote() -> SpanContext {
    SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::SAMPLED,
        true,
        TraceState::from_str("vendor=opaque,other=1").unwrap(),
    )
}

#[test]
fn tracecontext_round_trip_with_trace_state() {
    let p = Propagator::trace_context();
    let cx = Context::new().with_remote_span_context(remote());
    let mut headers = HashMap::new();
    p.inject_context(&cx, &mut headers);
    assert_eq!(headers["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assert_eq!(headers["tracestate"], "vendor=opaque,other=1");
    let back = p.extract(&headers);
    let sc = back.span().span_context().clone();
    assert_eq!(sc.trace_id(), remote().trace_id());
    assert_eq!(sc.span_id(), remote().span_id());
    assert!(sc.is_remote() && sc.is_sampled());
    assert_eq!(sc.trace_state().get("vendor"), Some("opaque"));
    assert_eq!(p.fields().collect::<Vec<_>>(), vec!["traceparent", "tracestate"]);
}

#[test]
fn extracted_parent_parents_a_server_span() {
    let (tp, mem) = common::memory_provider();
    let p = Propagator::from_names("tracecontext,baggage").unwrap();
    let mut headers = HashMap::new();
    headers.insert("traceparent".to_string(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_string());
    let cx = p.extract(&headers);
    drop(tp.tracer("srv").start_with_context("GET /", &cx));
    let s = &mem.spans()[0];
    assert_eq!(s.span_context.trace_id(), remote().trace_id());
    assert_eq!(s.parent_span_id, remote().span_id());
    assert!(s.parent_is_remote);
}

#[test]
fn baggage_round_trip_keeps_values_and_metadata() {
    let p = Propagator::baggage();
    let cx = Context::new().with_baggage(vec![KeyValue::new("tenant", "acme"), KeyValue::new("user_id", "a b,c;d")]);
    let mut headers = HashMap::new();
    p.inject_context(&cx, &mut headers);
    assert!(headers["baggage"].contains("tenant=acme"), "{}", headers["baggage"]);
    let back = p.extract(&headers);
    assert_eq!(back.baggage().get("tenant").map(|v| v.as_str().to_string()), Some("acme".into()));
    assert_eq!(back.baggage().get("user_id").map(|v| v.as_str().to_string()), Some("a b,c;d".into()));
}

#[test]
fn b3_single_and_multi_forms() {
    let cx = Context::new().with_remote_span_context(remote());
    let mut single = HashMap::new();
    Propagator::b3().inject_context(&cx, &mut single);
    assert_eq!(single["b3"], "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1");
    let mut multi = HashMap::new();
    Propagator::b3_multi().inject_context(&cx, &mut multi);
    assert_eq!(multi["x-b3-traceid"], "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(multi["x-b3-spanid"], "00f067aa0ba902b7");
    // Each extracts the other's form.
    for (p, h) in [(Propagator::b3(), &multi), (Propagator::b3_multi(), &single)] {
        let sc = p.extract(h).span().span_context().clone();
        assert_eq!(sc.span_id(), remote().span_id());
    }
}

#[test]
fn composite_from_env_names_and_unknown_name_is_an_error() {
    let p = Propagator::from_names("b3multi,tracecontext,baggage").unwrap();
    let cx = Context::new().with_remote_span_context(remote()).with_baggage(vec![KeyValue::new("k", "v")]);
    let mut h = HashMap::new();
    p.inject_context(&cx, &mut h);
    for k in ["x-b3-traceid", "traceparent", "baggage"] {
        assert!(h.contains_key(k), "{k} missing from {h:?}");
    }
    let err = Propagator::from_names("tracecontext,nonsense").unwrap_err();
    assert!(err.message().contains("nonsense") || err.message().contains("OTEL_PROPAGATORS"), "{err}");
    let composite = Propagator::composite(&[Propagator::trace_context(), Propagator::baggage()]).unwrap();
    assert_eq!(composite.fields().count(), 3);
}

#[test]
fn hostile_headers_are_bounded_and_never_parent() {
    let p = Propagator::from_names("tracecontext,baggage,b3").unwrap();
    let huge = "x".repeat(1 << 20);
    let many_members = (0..10_000).map(|i| format!("k{i}=v{i}")).collect::<Vec<_>>().join(",");
    let cases: Vec<HashMap<String, String>> = vec![
        HashMap::from([("traceparent".into(), huge.clone())]),
        HashMap::from([("traceparent".into(), "00-00000000000000000000000000000000-00f067aa0ba902b7-01".into())]),
        HashMap::from([("traceparent".into(), "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into())]),
        HashMap::from([("traceparent".into(), "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01".into())]),
        HashMap::from([("traceparent".into(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\u{0}".into())]),
        HashMap::from([("b3".into(), "garbage-garbage".into())]),
        HashMap::from([("baggage".into(), huge.clone())]),
    ];
    for h in &cases {
        let cx = p.extract(h);
        assert!(!cx.span().span_context().is_valid(), "parented by {:?}", h.keys());
    }
    let bag = HashMap::from([("baggage".to_string(), many_members), ("tracestate".to_string(), huge)]);
    let cx = p.extract(&bag);
    assert!(cx.baggage().len() <= 64, "baggage kept {} members", cx.baggage().len());
}
