//! Q8.4: `tracing` unchanged. `tracing_opentelemetry::layer().with_tracer(...)`
//! with this crate's tracer records every `#[instrument]` span in the C core.
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[tracing::instrument]
fn handle(order_id: u64) {
    tracing::info!(items = 3, "validated");
    charge(order_id);
}

#[tracing::instrument(fields(otel.kind = "client"))]
fn charge(order_id: u64) {
    tracing::warn!("card needs 3-D Secure");
}

fn main() -> Result<(), otel_core::Error> {
    let provider = otel_core::TracerProvider::builder().with_option("OTEL_TRACES_EXPORTER", "console").build()?;
    let tracer = opentelemetry::trace::TracerProvider::tracer(&provider, "q8");
    tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(tracer)).init();
    handle(1234);
    provider.shutdown(5000)
}
