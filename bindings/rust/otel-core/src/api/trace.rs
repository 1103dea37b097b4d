//! The drop-in: this crate's provider, tracer and span implement the
//! `opentelemetry::trace` traits, so code written against the API (and
//! `tracing-opentelemetry`) records into the C core.
use crate::attr;
use crate::context::{self, wrap};
use crate::raw;
use crate::trace::provider::{kind_to_c, Tracer, TracerProvider};
use crate::trace::span::{ns, Span};
use opentelemetry::trace::{self as api, SpanBuilder, SpanContext, Status};
use opentelemetry::{Context, InstrumentationScope, KeyValue};
use std::borrow::Cow;
use std::time::SystemTime;

impl api::TracerProvider for TracerProvider {
    type Tracer = Tracer;

    fn tracer_with_scope(&self, scope: InstrumentationScope) -> Tracer {
        let (np, nl) = raw::str_parts(scope.name());
        let (vp, vl) = raw::str_parts(scope.version().unwrap_or(""));
        let (sp, sl) = raw::str_parts(scope.schema_url().unwrap_or(""));
        let kvs: Vec<KeyValue> = scope.attributes().cloned().collect();
        let t = attr::with_kvs(&kvs, |p, n| unsafe {
            raw::otel_tracer_provider_get_tracer_n(self.inner.raw, np, nl, vp, vl, sp, sl, p, n)
        });
        Tracer { raw: t, provider: self.clone() }
    }
}

/// Wrapped link targets, released when the start call is done.
struct LinkSpans(Vec<*mut raw::otel_span>);

impl Drop for LinkSpans {
    fn drop(&mut self) {
        for s in &self.0 {
            unsafe { raw::otel_span_release(*s) };
        }
    }
}

impl api::Tracer for Tracer {
    type Span = Span;

    /// Starts a span child of `parent_cx`'s span (the C parent is passed
    /// explicitly; see `context::with_parent`). `builder.trace_id`,
    /// `span_id` and `sampling_result` are not used: the C core makes the
    /// ids and runs the provider's sampler.
    fn build_with_context(&self, builder: SpanBuilder, parent_cx: &Context) -> Span {
        let (np, nl) = raw::str_parts(&builder.name);
        let kind = builder.span_kind.as_ref().map_or(raw::OTEL_SPAN_KIND_INTERNAL as i32, kind_to_c);
        let start = builder.start_time.map_or(0, ns);
        let kvs: &[KeyValue] = builder.attributes.as_deref().unwrap_or(&[]);
        let raw_span = context::with_parent(parent_cx, |parent| match builder.links.as_deref() {
            None | Some([]) => attr::with_kvs(kvs, |p, n| unsafe {
                raw::otel_tracer_start_span_n(self.raw, np, nl, kind, parent, p, n, std::ptr::null(), 0, start)
            }),
            Some(links) => start_with_links(self, np, nl, kind, parent, kvs, links, start),
        });
        let mut span = Span::from_raw(raw_span);
        for ev in builder.events.unwrap_or_default() {
            api::Span::add_event_with_timestamp(&mut span, ev.name, ev.timestamp, ev.attributes);
        }
        if builder.status != Status::Unset {
            api::Span::set_status(&mut span, builder.status);
        }
        if let Some(end) = builder.end_time {
            api::Span::end_with_timestamp(&mut span, end);
        }
        span
    }
}

#[allow(clippy::too_many_arguments)]
fn start_with_links(
    t: &Tracer,
    np: *const std::os::raw::c_char,
    nl: usize,
    kind: i32,
    parent: *mut raw::otel_context,
    kvs: &[KeyValue],
    links: &[api::Link],
    start: u64,
) -> *mut raw::otel_span {
    let mut targets = LinkSpans(Vec::with_capacity(links.len()));
    // Each link's attributes as a C array, kept alive in `held`.
    let mut held: Vec<(Vec<raw::otel_attr>, attr::Scratch)> = Vec::with_capacity(links.len());
    for l in links {
        let Some(span) = (unsafe { wrap(&l.span_context) }) else { continue };
        targets.0.push(span);
        let mut scratch = attr::Scratch::default();
        let arr = l.attributes.iter().map(|kv| attr::kv_to_c(kv, &mut scratch)).collect();
        held.push((arr, scratch));
    }
    let c_links: Vec<raw::otel_link> = targets
        .0
        .iter()
        .zip(&held)
        .map(|(s, (arr, _))| raw::otel_link { span: *s, attrs: arr.as_ptr(), n_attrs: arr.len() })
        .collect();
    attr::with_kvs(kvs, |p, n| unsafe {
        raw::otel_tracer_start_span_n(t.raw, np, nl, kind, parent, p, n, c_links.as_ptr(), c_links.len(), start)
    })
}

impl api::Span for Span {
    fn add_event_with_timestamp<T>(&mut self, name: T, timestamp: SystemTime, attributes: Vec<KeyValue>)
    where
        T: Into<Cow<'static, str>>,
    {
        if self.raw.is_null() {
            return;
        }
        let name = name.into();
        let (np, nl) = raw::str_parts(&name);
        let t = ns(timestamp);
        attr::with_kvs(&attributes, |p, n| unsafe { raw::otel_span_add_event_n(self.raw, np, nl, p, n, t) });
    }

    fn span_context(&self) -> &SpanContext {
        &self.sc
    }

    fn is_recording(&self) -> bool {
        self.recording()
    }

    fn set_attribute(&mut self, attribute: KeyValue) {
        if self.raw.is_null() {
            return;
        }
        attr::with_kvs(std::slice::from_ref(&attribute), |p, n| unsafe { raw::otel_span_set_attributes(self.raw, p, n) });
    }

    fn set_attributes(&mut self, attributes: impl IntoIterator<Item = KeyValue>) {
        if self.raw.is_null() {
            return;
        }
        let kvs: Vec<KeyValue> = attributes.into_iter().collect();
        attr::with_kvs(&kvs, |p, n| unsafe { raw::otel_span_set_attributes(self.raw, p, n) });
    }

    fn set_status(&mut self, status: Status) {
        match status {
            Status::Unset => {}
            Status::Ok => self.ok(),
            Status::Error { description } => self.error(&description),
        }
    }

    fn update_name<T>(&mut self, new_name: T)
    where
        T: Into<Cow<'static, str>>,
    {
        self.rename(&new_name.into());
    }

    fn add_link(&mut self, span_context: SpanContext, attributes: Vec<KeyValue>) {
        if self.raw.is_null() {
            return;
        }
        let Some(target) = (unsafe { wrap(&span_context) }) else { return };
        attr::with_kvs(&attributes, |p, n| unsafe { raw::otel_span_add_link(self.raw, target, p, n) });
        unsafe { raw::otel_span_release(target) };
    }

    /// The C core reads the clock itself (and not at all for a span that
    /// does not record).
    fn end(&mut self) {
        self.end_at_ns(0);
    }

    fn end_with_timestamp(&mut self, timestamp: SystemTime) {
        self.end_at_ns(ns(timestamp));
    }

    /// `record_error` as the API defines it, through the C core's
    /// `exception` event (type is the error's type name where known).
    fn record_error(&mut self, err: &dyn std::error::Error) {
        if self.raw.is_null() {
            return;
        }
        let msg = err.to_string();
        let (mp, ml) = raw::str_parts(&msg);
        unsafe {
            raw::otel_span_record_exception_n(self.raw, std::ptr::null(), 0, mp, ml, std::ptr::null(), 0, std::ptr::null(), 0, 0)
        };
    }
}
