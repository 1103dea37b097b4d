//! One process, Rust calling C through otel-core-sys inside a Rust span:
//! the C child's parent is the Rust span, and both leave in one export
//! request of the shared batch pipeline.
use opentelemetry::trace::{TraceContextExt, Tracer as _};
use opentelemetry::Context;
use otel_core::{CContext, Exporter, Processor, SpanData, SpanExporter, TracerProvider};
use otel_core_sys as sys;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Requests(Arc<Mutex<Vec<Vec<SpanData>>>>);
impl SpanExporter for Requests {
    fn export(&mut self, batch: Vec<SpanData>) -> otel_core::Result<()> {
        self.0.lock().unwrap().push(batch);
        Ok(())
    }
}

/// What a C library linked into the process would do: use the global
/// provider and the thread's current context (NULL parent).
fn c_library_work(explicit: Option<&CContext>) {
    unsafe {
        let tp = sys::otel_tracer_provider_get_global();
        assert!(!tp.is_null(), "the Rust provider is the C global");
        let tracer = sys::otel_tracer_provider_get_tracer(tp, c"clib".as_ptr(), std::ptr::null(), std::ptr::null());
        let parent = explicit.map_or(std::ptr::null_mut(), |c| c.as_ptr());
        let span = sys::otel_tracer_start_span(tracer, c"c-child".as_ptr(), sys::OTEL_SPAN_KIND_INTERNAL as i32, parent);
        sys::otel_span_set_attribute_str(span, c"lang".as_ptr(), c"c".as_ptr());
        sys::otel_span_end(span);
        sys::otel_tracer_provider_release(tp);
    }
}

#[test]
fn c_child_and_rust_parent_leave_in_one_export_request() {
    let req = Requests::default();
    let tp = TracerProvider::builder()
        .with_processor(Processor::batch(Exporter::custom(req.clone()).unwrap(), &[("OTEL_BSP_SCHEDULE_DELAY", "60000")]).unwrap())
        .build()
        .unwrap();
    otel_core::global::install(&tp).unwrap();
    let tracer = opentelemetry::global::tracer("rust-app");
    tracer.in_span("rust-parent", |cx: Context| {
        // Through the thread's C context, as C code that passes NULL sees it.
        let c = CContext::from_context(&cx).unwrap();
        let _attached = c.attach();
        c_library_work(None);
    });
    tracer.in_span("rust-parent-2", |cx: Context| {
        // Or handed over explicitly.
        c_library_work(Some(&CContext::from_context(&cx).unwrap()));
        assert!(cx.span().is_recording());
    });
    tp.force_flush(5000).unwrap();
    let requests = req.0.lock().unwrap().clone();
    assert_eq!(requests.len(), 1, "one export request: {requests:?}");
    let spans = &requests[0];
    assert_eq!(spans.len(), 4);
    let children: Vec<_> = spans.iter().filter(|s| s.name == "c-child").collect();
    let parents: Vec<_> = spans.iter().filter(|s| s.name.starts_with("rust-parent")).collect();
    assert_eq!(children.len(), 2);
    for c in &children {
        let p = parents.iter().find(|p| p.span_context.span_id() == c.parent_span_id).expect("C child has a Rust parent");
        assert_eq!(p.span_context.trace_id(), c.span_context.trace_id());
        assert_eq!(c.scope_name, "clib");
    }
    assert_ne!(children[0].parent_span_id, children[1].parent_span_id);
}
