//! Q3.4 / Q3.5: attributes of every type, and errors on spans.
use opentelemetry::trace::{Span, Status, TraceContextExt, Tracer};
use opentelemetry::{global, Array, KeyValue, Value};

fn load(id: u32) -> Result<String, std::io::Error> {
    Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("user {id} not found")))
}

fn main() -> Result<(), otel_core::Error> {
    let provider = otel_core::TracerProvider::builder().with_option("OTEL_TRACES_EXPORTER", "console").build()?;
    otel_core::global::install(&provider)?;
    let tracer = global::tracer("q3");

    let mut span = tracer.span_builder("GET /users/{id}").with_attributes([KeyValue::new("http.request.method", "GET")]).start(&tracer);
    span.set_attribute(KeyValue::new("user.id", 42i64));
    span.set_attribute(KeyValue::new("cache.hit", false));
    span.set_attribute(KeyValue::new("load.ratio", 0.75));
    span.set_attribute(KeyValue::new("roles", Value::Array(Array::String(vec!["admin".into(), "dev".into()]))));
    span.add_event("db.query", vec![KeyValue::new("db.rows", 0i64)]);
    if let Err(e) = load(42) {
        span.record_error(&e); // an `exception` event with exception.message
        span.set_status(Status::error(e.to_string()));
    }
    span.end();

    // Inside in_span, through the context:
    tracer.in_span("work", |cx| {
        cx.span().set_status(Status::Ok);
    });

    // otel-core's own API does both in one call:
    let own = provider.tracer("q3-own");
    own.start_span("parse").exception("ParseError", "unexpected end of input");
    provider.shutdown(5000)
}
