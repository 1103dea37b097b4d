//! Q5.3: batch export settings. The same names as the environment
//! (OTEL_BSP_*), plus this SDK's byte bound on the queue; a full queue
//! drops and counts, never blocks (unless you ask it to wait).
use opentelemetry::trace::Tracer;
use otel_core::{Exporter, TracerProvider};

fn main() -> Result<(), otel_core::Error> {
    let provider = TracerProvider::builder()
        .with_option("OTEL_BSP_MAX_QUEUE_SIZE", "8192")
        .with_option("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "1024")
        .with_option("OTEL_BSP_SCHEDULE_DELAY", "2000")
        .with_option("OTEL_BSP_EXPORT_TIMEOUT", "10000")
        .with_option("OTEL_CORE_BSP_MAX_QUEUE_BYTES", "33554432") // 32 MiB of spans at most
        .with_batch_exporter(Exporter::otlp(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"), ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")])?)
        .build()?;
    let tracer = opentelemetry::trace::TracerProvider::tracer(&provider, "q5");
    for _ in 0..10_000 {
        tracer.in_span("burst", |_| {});
    }
    let s = provider.stats();
    println!("queued now {} ({} bytes), dropped for a full queue {}", s.spans_queued, s.queue_bytes, s.dropped_queue_full);
    // No collector in this example: don't wait for retries at exit.
    let _ = provider.shutdown(100);
    Ok(())
}
