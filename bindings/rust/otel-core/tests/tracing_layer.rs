//! `tracing` works unchanged: `#[instrument]` spans and their fields reach
//! the C core through `tracing_opentelemetry::layer().with_tracer(...)`.
mod common;
use common::{by_name, memory_provider};
use opentelemetry::trace::Status;
use opentelemetry::Value;
use tracing_subscriber::layer::SubscriberExt;

#[tracing::instrument(fields(order.id = id))]
fn checkout(id: i64) {
    charge(id * 100);
    tracing::info!(step = "done", "checkout finished");
}

#[tracing::instrument(fields(otel.kind = "client"))]
fn charge(cents: i64) {
    tracing::error!(cents, "card declined");
}

#[test]
fn instrument_spans_are_recorded_with_parents_fields_and_events() {
    let (tp, mem) = memory_provider();
    let layer = tracing_opentelemetry::layer().with_tracer(tp.tracer("tracing"));
    let subscriber = tracing_subscriber::registry().with(layer);
    tracing::subscriber::with_default(subscriber, || checkout(7));
    let spans = mem.spans();
    assert_eq!(spans.len(), 2, "{spans:?}");
    let outer = by_name(&spans, "checkout");
    let inner = by_name(&spans, "charge");
    assert_eq!(inner.parent_span_id, outer.span_context.span_id());
    assert_eq!(inner.span_context.trace_id(), outer.span_context.trace_id());
    assert_eq!(outer.attribute("order.id"), Some(&Value::I64(7)));
    assert_eq!(inner.attribute("cents"), Some(&Value::I64(700)));
    assert_eq!(inner.span_kind, opentelemetry::trace::SpanKind::Client);
    assert!(outer.events.iter().any(|e| e.name == "checkout finished"), "{:?}", outer.events);
    // tracing-opentelemetry marks a span with an error event as failed.
    assert!(matches!(inner.status, Status::Error { .. }), "{:?}", inner.status);
}

#[test]
fn tracing_spans_nest_under_api_spans_and_back() {
    use opentelemetry::trace::{TraceContextExt, Tracer as _};
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    let (tp, mem) = memory_provider();
    let tracer = tp.tracer("mixed");
    let subscriber = tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(tracer.clone()));
    tracing::subscriber::with_default(subscriber, || {
        let api_parent = tracer.start("api-parent");
        let cx = opentelemetry::Context::current_with_span(api_parent);
        let span = tracing::info_span!("tracing-child");
        let _ = span.set_parent(cx.clone());
        span.in_scope(|| {
            let inner_cx = tracing::Span::current().context();
            let _g = inner_cx.attach();
            tracer.start("api-grandchild");
        });
        drop(span);
        cx.span().end();
    });
    let spans = mem.spans();
    let p = by_name(&spans, "api-parent");
    let c = by_name(&spans, "tracing-child");
    let g = by_name(&spans, "api-grandchild");
    assert_eq!(c.parent_span_id, p.span_context.span_id());
    assert_eq!(g.parent_span_id, c.span_context.span_id());
}
