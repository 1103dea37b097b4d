//! Q7.1 / Q10.3: an unreachable collector never blocks the application;
//! `stats()` says what happened (export errors, the last error's text, spans
//! dropped) and the log handler receives the SDK's own diagnostics.
use opentelemetry::trace::Tracer;
use otel_core::{Level, TracerProvider};

fn main() -> Result<(), otel_core::Error> {
    otel_core::set_log_handler(|level, msg| {
        if level >= Level::Warn {
            eprintln!("[otel {level:?}] {msg}");
        }
    });
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port(); // nothing listens
    let provider = TracerProvider::builder()
        .with_option("OTEL_TRACES_EXPORTER", "otlp")
        .with_option("OTEL_EXPORTER_OTLP_ENDPOINT", &format!("http://127.0.0.1:{port}"))
        .with_option("OTEL_EXPORTER_OTLP_TIMEOUT", "500")
        .build()?;
    let tracer = opentelemetry::trace::TracerProvider::tracer(&provider, "q7");
    tracer.in_span("lost", |_| {});
    let flushed = provider.force_flush(2000);
    println!("force_flush: {flushed:?}");

    // Q10.3: health for a /healthz endpoint or a log line.
    let s = provider.stats();
    println!(
        "exported {} · export errors {} · dropped {} · last error: {}",
        s.spans_exported,
        s.export_errors,
        s.dropped(),
        s.last_error.as_deref().unwrap_or("none")
    );
    let _ = provider.shutdown(1000);
    otel_core::clear_log_handler();
    Ok(())
}
