//! Q4.2 / Q4.3: the current span across threads and tokio tasks. The
//! `opentelemetry::Context` is the authority; hand it over explicitly to a
//! thread, or attach it to a future with `FutureExt::with_context`.
use opentelemetry::context::FutureExt;
use opentelemetry::trace::{TraceContextExt, Tracer};
use opentelemetry::{global, Context};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let provider = otel_core::TracerProvider::builder().with_option("OTEL_TRACES_EXPORTER", "console").build()?;
    otel_core::global::install(&provider)?;
    let tracer = global::tracer("q4");

    let parent = Context::current_with_span(tracer.start("request"));

    // A thread: move the Context in and attach it there.
    let cx = parent.clone();
    std::thread::spawn(move || {
        let _guard = cx.attach();
        global::tracer("q4").in_span("on a thread", |_| {});
    })
    .join()
    .unwrap();

    // Tokio tasks: each future carries its own Context, whichever worker runs it.
    let mut tasks = Vec::new();
    for i in 0..3 {
        let task = async move {
            tokio::task::yield_now().await;
            global::tracer("q4").in_span(format!("task {i}"), |_| {});
        };
        tasks.push(tokio::spawn(task.with_context(parent.clone())));
    }
    for t in tasks {
        t.await?;
    }
    parent.span().end();
    tokio::task::spawn_blocking(move || provider.shutdown(5000)).await??;
    Ok(())
}
