use opentelemetry::trace::{Span, Tracer};
use opentelemetry::{global, KeyValue};

fn main() -> Result<(), otel_core::Error> {
    // Configured by OTEL_* variables (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_ENDPOINT, ...).
    let provider = otel_core::TracerProvider::from_env()?;
    otel_core::global::install(&provider)?; // the opentelemetry API, C code and other bindings

    let tracer = global::tracer("quickstart");
    let mut span = tracer.start("hello");
    span.set_attribute(KeyValue::new("greeting", "world"));
    span.end();

    provider.shutdown(5000) // flush what is queued, then stop (5 s at most)
}
