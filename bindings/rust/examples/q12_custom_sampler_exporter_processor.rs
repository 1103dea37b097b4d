//! Q12.1-Q12.3: a custom sampler (a closure with the SDK's ShouldSample
//! signature), a custom exporter, and a processor that edits spans before
//! any exporter sees them. A panic in any of them is caught, counted and
//! reported; it never unwinds into C.
use opentelemetry::trace::{SamplingDecision, SamplingResult, Span, SpanKind, TraceState, Tracer};
use opentelemetry::{Context, KeyValue};
use otel_core::{Exporter, Processor, ProcessorSpan, Sampler, SpanData, SpanExporter, SpanProcessor, TracerProvider};

/// Q12.2: print each batch (a real one would send it somewhere).
struct PrintExporter;
impl SpanExporter for PrintExporter {
    fn export(&mut self, batch: Vec<SpanData>) -> otel_core::Result<()> {
        for s in batch {
            println!("exported {} {:?}", s.name, s.attributes);
        }
        Ok(())
    }
}

/// Q12.3: redact before export.
struct Redact;
impl SpanProcessor for Redact {
    fn on_ending(&self, span: &ProcessorSpan) {
        span.set_attribute(KeyValue::new("user.email", "[redacted]"));
    }
}

fn main() -> Result<(), otel_core::Error> {
    // Q12.1: drop health checks, keep everything else.
    let sampler = Sampler::custom(
        "DropHealthChecks",
        |_parent: Option<&Context>, _trace_id, name: &str, _kind: &SpanKind, _attrs: &[KeyValue], _links: &[opentelemetry::trace::Link]| {
            SamplingResult {
                decision: if name.starts_with("GET /health") { SamplingDecision::Drop } else { SamplingDecision::RecordAndSample },
                attributes: vec![],
                trace_state: TraceState::default(),
            }
        },
    )?;
    let provider = TracerProvider::builder()
        .with_sampler(sampler)
        .with_processor(Processor::custom(Redact)?)
        .with_simple_exporter(Exporter::custom(PrintExporter)?)
        .build()?;
    let tracer = opentelemetry::trace::TracerProvider::tracer(&provider, "q12");
    tracer.start("GET /health").end();
    let mut s = tracer.start("POST /signup");
    s.set_attribute(KeyValue::new("user.email", "a@example.com"));
    s.end();
    provider.shutdown(5000)
}
