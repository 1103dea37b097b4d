//! Q2.2 / Q2.3: sampler and service name, from the environment or in code.
//! The environment applies wherever code sets nothing:
//!   OTEL_SERVICE_NAME=shop OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1
use opentelemetry::trace::{Span as _, Tracer};
use otel_core::{Sampler, TracerProvider};

fn main() -> Result<(), otel_core::Error> {
    // In code, by the same names as the environment variables:
    let by_name = TracerProvider::builder()
        .with_option("OTEL_SERVICE_NAME", "shop")
        .with_option("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
        .with_option("OTEL_TRACES_SAMPLER_ARG", "0.1")
        .with_option("OTEL_TRACES_EXPORTER", "console")
        .build()?;

    // Or with typed values:
    let typed = TracerProvider::builder()
        .with_service_name("shop")
        .with_resource(&[opentelemetry::KeyValue::new("deployment.environment.name", "staging")])
        .with_sampler(Sampler::parent_based(Sampler::trace_id_ratio(0.1)?)?)
        .with_option("OTEL_TRACES_EXPORTER", "console")
        .build()?;

    // A wrong name or value is an error in code (the environment only warns).
    let bad = TracerProvider::builder().with_option("OTEL_TRACES_SAMPLER", "sometimes").build();
    println!("bad sampler: {}", bad.unwrap_err());

    for tp in [&by_name, &typed] {
        let sampled = (0..1000).filter(|_| tp.tracer("q2").start("op").span_context().is_sampled()).count();
        println!("sampled {sampled} of 1000 (about 100 expected)");
        tp.shutdown(5000)?;
    }
    Ok(())
}
