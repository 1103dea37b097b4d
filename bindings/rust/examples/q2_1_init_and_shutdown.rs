//! Q2.1 / Q10.2: initialise once at the top of main, shut down at exit,
//! also when the program leaves early or panics (a guard does it).
use opentelemetry::global;
use opentelemetry::trace::Tracer;

/// Shuts the pipeline down when dropped: early return, `?`, or a panic.
struct Telemetry(otel_core::TracerProvider);

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Err(e) = self.0.shutdown(5000) {
            eprintln!("telemetry shutdown: {e}");
        }
    }
}

fn init() -> Result<Telemetry, otel_core::Error> {
    let provider = otel_core::TracerProvider::from_env()?;
    otel_core::global::install(&provider)?;
    Ok(Telemetry(provider))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _telemetry = init()?;
    global::tracer("app").in_span("startup", |_cx| {
        // ... the program ...
    });
    Ok(()) // _telemetry drops here: queued spans are exported before exit
}
