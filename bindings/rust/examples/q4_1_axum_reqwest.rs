//! Q4.1 / Q8.1: an axum service with a tower middleware that continues the
//! caller's trace, and a reqwest client that propagates the context. Runs
//! both ends on loopback and makes one request.
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use opentelemetry::context::FutureExt;
use opentelemetry::trace::{SpanKind, TraceContextExt, Tracer};
use opentelemetry::{global, Context, KeyValue};
use otel_core_examples::{HeaderExtractor, HeaderInjector};

/// Tower middleware: extract the incoming context, run the handler inside
/// a server span (the Context travels with the future, not the thread).
async fn trace_layer(req: Request, next: Next) -> Response {
    let parent = global::get_text_map_propagator(|p| p.extract(&HeaderExtractor(req.headers())));
    let tracer = global::tracer("http-server");
    let span = tracer
        .span_builder(format!("{} {}", req.method(), req.uri().path()))
        .with_kind(SpanKind::Server)
        .start_with_context(&tracer, &parent);
    let cx = parent.with_span(span);
    let resp = next.run(req).with_context(cx.clone()).await;
    cx.span().set_attribute(KeyValue::new("http.response.status_code", resp.status().as_u16() as i64));
    resp
}

/// A reqwest call in a client span, with the context in the headers.
async fn get_traced(client: &reqwest::Client, url: &str) -> reqwest::Result<String> {
    let tracer = global::tracer("http-client");
    let span = tracer.span_builder(format!("GET {url}")).with_kind(SpanKind::Client).start(&tracer);
    let cx = Context::current_with_span(span);
    let mut headers = http::HeaderMap::new();
    global::get_text_map_propagator(|p| p.inject_context(&cx, &mut HeaderInjector(&mut headers)));
    async { client.get(url).headers(headers).send().await?.text().await }.with_context(cx).await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let provider = otel_core::TracerProvider::builder().with_option("OTEL_TRACES_EXPORTER", "console").build()?;
    otel_core::global::install(&provider)?;

    let app = Router::new().route("/hello", get(|| async { "hello" })).layer(middleware::from_fn(trace_layer));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hello", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let body = get_traced(&reqwest::Client::new(), &url).await?;
    println!("got {body:?}: the server span is a child of the client span (same trace id above)");
    tokio::task::spawn_blocking(move || provider.shutdown(5000)).await??;
    Ok(())
}
