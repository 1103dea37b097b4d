//! An axum service calling a second one through reqwest, instrumented with
//! the `opentelemetry` API only (a tower middleware extracting the context,
//! a client injecting it): one trace with the right parent chain arrives at
//! the real Collector.
mod common;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use common::collector::Collector;
use opentelemetry::context::FutureExt;
use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::trace::{SpanKind, TraceContextExt, Tracer as _};
use opentelemetry::{global, Context, KeyValue};

struct HeaderExtractor<'a>(&'a http::HeaderMap);
impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }
    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

struct HeaderInjector<'a>(&'a mut reqwest::header::HeaderMap);
impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(k), Ok(v)) = (reqwest::header::HeaderName::from_bytes(key.as_bytes()), value.parse()) {
            self.0.insert(k, v);
        }
    }
}

/// The tower middleware: continue the caller's trace with a server span.
async fn trace_requests(req: Request, next: Next) -> Response {
    let parent = global::get_text_map_propagator(|p| p.extract(&HeaderExtractor(req.headers())));
    let tracer = global::tracer("server");
    let name = format!("{} {}", req.method(), req.uri().path());
    let span = tracer.span_builder(name).with_kind(SpanKind::Server).start_with_context(&tracer, &parent);
    let cx = parent.with_span(span);
    let resp = next.run(req).with_context(cx.clone()).await;
    cx.span().set_attribute(KeyValue::new("http.response.status_code", resp.status().as_u16() as i64));
    cx.span().end();
    resp
}

/// A client call made under the current Context.
async fn call(client: &reqwest::Client, url: String) -> String {
    let tracer = global::tracer("client");
    let span = tracer.span_builder(format!("GET {url}")).with_kind(SpanKind::Client).start(&tracer);
    let cx = Context::current_with_span(span);
    let mut headers = reqwest::header::HeaderMap::new();
    global::get_text_map_propagator(|p| p.inject_context(&cx, &mut HeaderInjector(&mut headers)));
    let body = client.get(url).headers(headers).send().with_context(cx.clone()).await.unwrap().text().await.unwrap();
    cx.span().end();
    body
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_services_one_trace_at_the_collector() {
    let collector = Collector::start();
    let tp = otel_core::TracerProvider::builder()
        .with_option("OTEL_SERVICE_NAME", "rust-axum")
        .with_option("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint)
        .with_option("OTEL_BSP_SCHEDULE_DELAY", "100")
        .build()
        .unwrap();
    otel_core::global::install(&tp).unwrap();

    let inventory = serve(Router::new().route("/stock", get(|| async { "7" })).layer(middleware::from_fn(trace_requests))).await;
    let client = reqwest::Client::new();
    let shop = {
        let (client, inventory) = (client.clone(), inventory.clone());
        serve(
            Router::new()
                .route("/checkout", get(move || async move { call(&client, format!("{inventory}/stock")).await }))
                .layer(middleware::from_fn(trace_requests)),
        )
        .await
    };

    let tracer = global::tracer("test");
    let root = tracer.start("user journey");
    let root_cx = Context::current_with_span(root);
    let body = call(&client, format!("{shop}/checkout")).with_context(root_cx.clone()).await;
    assert_eq!(body, "7");
    root_cx.span().end();
    let root_trace = root_cx.span().span_context().trace_id().to_string();
    tokio::task::spawn_blocking(move || tp.shutdown(10_000)).await.unwrap().unwrap();

    let spans = collector.spans(5);
    let names: Vec<&str> = spans.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(spans.len(), 5, "{names:?}");
    let find = |prefix: &str| spans.iter().find(|s| s["name"].as_str().unwrap().starts_with(prefix)).unwrap_or_else(|| panic!("{prefix} not in {names:?}"));
    let root = find("user journey");
    let client_shop = find(&format!("GET {shop}"));
    let server_shop = find("GET /checkout");
    let client_inv = find(&format!("GET {inventory}"));
    let server_inv = find("GET /stock");
    for s in &spans {
        assert_eq!(s["traceId"].as_str().unwrap(), root_trace, "one trace: {names:?}");
    }
    let chain = [root, client_shop, server_shop, client_inv, server_inv];
    for pair in chain.windows(2) {
        assert_eq!(pair[1]["parentSpanId"], pair[0]["spanId"], "{} should be the parent of {}", pair[0]["name"], pair[1]["name"]);
    }
    assert_eq!(server_inv["kind"], 2, "server kind");
    assert_eq!(client_inv["kind"], 3, "client kind");
}
