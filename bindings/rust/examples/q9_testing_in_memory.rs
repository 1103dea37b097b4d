//! Q9.1 / Q9.2: test instrumentation with the in-memory exporter and read
//! the spans back as Rust structs. As a test it is the same code under #[test].
use opentelemetry::trace::{Span, Status, TraceContextExt, Tracer};
use opentelemetry::{KeyValue, Value};
use otel_core::{InMemoryExporter, TracerProvider};

/// The code under test: plain opentelemetry API.
fn checkout<T: Tracer>(tracer: &T, items: i64)
where
    T::Span: Send + Sync + 'static,
{
    tracer.in_span("checkout", |cx| {
        cx.span().set_attribute(KeyValue::new("cart.items", items));
        let mut pay = tracer.start("pay");
        pay.set_status(Status::error("declined"));
    });
}

fn main() -> Result<(), otel_core::Error> {
    let exporter = InMemoryExporter::new()?;
    let provider = TracerProvider::builder().with_simple_exporter(&exporter).build()?;
    checkout(&opentelemetry::trace::TracerProvider::tracer(&provider, "test"), 3);

    let spans = exporter.spans();
    let checkout = spans.iter().find(|s| s.name == "checkout").expect("checkout span");
    let pay = spans.iter().find(|s| s.name == "pay").expect("pay span");
    assert_eq!(checkout.attribute("cart.items"), Some(&Value::I64(3)));
    assert_eq!(pay.parent_span_id, checkout.span_context.span_id());
    assert_eq!(pay.status, Status::error("declined"));
    println!("{} spans checked", spans.len());
    exporter.reset();
    provider.shutdown(5000)
}
