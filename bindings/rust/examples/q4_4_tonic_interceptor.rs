//! Q4.4 / Q8.2: gRPC (tonic) context propagation through the request
//! metadata: a client interceptor writes it, the server reads it. Shown on
//! a request passed from the client interceptor to the server side in
//! process (the same code runs in a real tonic client and service).
use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::trace::{SpanKind, TraceContextExt, Tracer};
use opentelemetry::{global, Context};
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tonic::service::Interceptor;
use tonic::{Request, Status};

struct MetadataInjector<'a>(&'a mut MetadataMap);
impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(k), Ok(v)) = (MetadataKey::from_bytes(key.as_bytes()), MetadataValue::try_from(value.as_str())) {
            self.0.insert(k, v);
        }
    }
}

struct MetadataExtractor<'a>(&'a MetadataMap);
impl Extractor for MetadataExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }
    fn keys(&self) -> Vec<&str> {
        self.0
            .keys()
            .map(|k| match k {
                tonic::metadata::KeyRef::Ascii(k) => k.as_str(),
                tonic::metadata::KeyRef::Binary(k) => k.as_str(),
            })
            .collect()
    }
}

/// Client side: `Client::with_interceptor(channel, PropagateContext)`.
#[derive(Clone)]
struct PropagateContext;
impl Interceptor for PropagateContext {
    fn call(&mut self, mut req: Request<()>) -> Result<Request<()>, Status> {
        let cx = Context::current();
        global::get_text_map_propagator(|p| p.inject_context(&cx, &mut MetadataInjector(req.metadata_mut())));
        Ok(req)
    }
}

/// Server side: the first thing a service method (or a server interceptor) does.
fn server_span<T>(req: &Request<T>, method: &str) -> Context {
    let parent = global::get_text_map_propagator(|p| p.extract(&MetadataExtractor(req.metadata())));
    let tracer = global::tracer("grpc-server");
    let span = tracer.span_builder(method.to_string()).with_kind(SpanKind::Server).start_with_context(&tracer, &parent);
    parent.with_span(span)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let provider = otel_core::TracerProvider::builder().with_option("OTEL_TRACES_EXPORTER", "console").build()?;
    otel_core::global::install(&provider)?;
    let tracer = global::tracer("grpc-client");
    let client_span = tracer.span_builder("shop.Cart/Checkout").with_kind(SpanKind::Client).start(&tracer);
    let client_cx = Context::current_with_span(client_span);
    let sent = {
        let _g = client_cx.clone().attach();
        PropagateContext.call(Request::new(()))?
    };
    println!("metadata sent: {:?}", sent.metadata().get("traceparent"));
    let server_cx = server_span(&sent, "shop.Cart/Checkout");
    assert_eq!(server_cx.span().span_context().trace_id(), client_cx.span().span_context().trace_id());
    server_cx.span().end();
    client_cx.span().end();
    provider.shutdown(5000)?;
    Ok(())
}
