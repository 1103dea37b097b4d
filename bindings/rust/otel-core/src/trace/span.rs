//! Spans: one RAII type for this crate's own API and for the
//! `opentelemetry::trace::Span` trait (implemented in `api::trace`).
use crate::attr::{self, Attr};
use crate::context::{span_context_of, CAttachGuard};
use crate::raw;
use opentelemetry::trace::SpanContext;
use std::marker::PhantomData;

/// A started span. Dropping it ends it (now); [`Span::finish_at`] ends it
/// at a given time.
#[derive(Debug)]
pub struct Span {
    /// NULL once ended: `otel_span_end` released our reference.
    pub(crate) raw: *mut raw::otel_span,
    pub(crate) sc: SpanContext,
}

// The C span's calls are each atomic and safe from any thread (trace.h);
// the handle is only released by `end`, which takes `&mut self` or `self`.
unsafe impl Send for Span {}
unsafe impl Sync for Span {}

/// The C time of a `SystemTime` (0 = now for times before the epoch).
#[inline]
pub(crate) fn ns(t: std::time::SystemTime) -> u64 {
    t.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
}

impl Span {
    /// Takes ownership of a started span.
    pub(crate) fn from_raw(raw: *mut raw::otel_span) -> Span {
        let sc = unsafe { span_context_of(raw) };
        Span { raw, sc }
    }

    /// The raw handle for C code (borrowed; NULL after the span ended).
    pub fn as_ptr(&self) -> *mut raw::otel_span {
        self.raw
    }

    /// The span's identity (valid also when it does not record).
    pub fn context(&self) -> &SpanContext {
        &self.sc
    }

    /// True while the span records (sampled or record-only, not ended).
    pub fn recording(&self) -> bool {
        !self.raw.is_null() && unsafe { raw::otel_span_is_recording(self.raw) } != 0
    }

    /// Sets one attribute.
    #[inline]
    pub fn attr<'a>(&self, key: &'a str, value: impl Into<attr::AttrValue<'a>>) {
        self.attrs(&[Attr::new(key, value)]);
    }

    /// Sets several attributes in one call.
    #[inline]
    pub fn attrs(&self, attrs: &[Attr<'_>]) {
        if self.raw.is_null() {
            return;
        }
        attr::with_attrs(attrs, |p, n| unsafe { raw::otel_span_set_attributes(self.raw, p, n) });
    }

    /// Adds an event now.
    pub fn event(&self, name: &str, attrs: &[Attr<'_>]) {
        if self.raw.is_null() {
            return;
        }
        let (np, nl) = raw::str_parts(name);
        attr::with_attrs(attrs, |p, n| unsafe { raw::otel_span_add_event_n(self.raw, np, nl, p, n, 0) });
    }

    /// Records an exception event (type, message) and sets the status to error.
    pub fn exception(&self, kind: &str, message: &str) {
        if self.raw.is_null() {
            return;
        }
        let (tp, tl) = raw::str_parts(kind);
        let (mp, ml) = raw::str_parts(message);
        unsafe {
            raw::otel_span_record_exception_n(self.raw, tp, tl, mp, ml, std::ptr::null(), 0, std::ptr::null(), 0, 0);
        }
        self.error(message);
    }

    /// Sets the status to error with a description.
    pub fn error(&self, description: &str) {
        self.set_status_code(raw::OTEL_STATUS_CODE_ERROR as i32, description);
    }

    /// Sets the status to OK (final).
    pub fn ok(&self) {
        self.set_status_code(raw::OTEL_STATUS_CODE_OK as i32, "");
    }

    pub(crate) fn set_status_code(&self, code: i32, description: &str) {
        if self.raw.is_null() {
            return;
        }
        let (p, l) = raw::str_parts(description);
        unsafe { raw::otel_span_set_status_n(self.raw, code, p, l) };
    }

    /// Renames the span.
    pub fn rename(&self, name: &str) {
        if self.raw.is_null() {
            return;
        }
        let (p, l) = raw::str_parts(name);
        unsafe { raw::otel_span_update_name_n(self.raw, p, l) };
    }

    /// Makes this span the current C context of this thread until the
    /// guard drops: spans started by this crate's own API (and by C code)
    /// without an explicit parent become its children. For the
    /// `opentelemetry` API, use `Context::current_with_span` instead.
    pub fn enter(&self) -> SpanGuard<'_> {
        let ctx = unsafe { raw::otel_context_with_span(std::ptr::null_mut(), self.raw) };
        let guard = crate::context::CContext::from_raw(ctx).map(|c| c.attach());
        SpanGuard { _attach: guard, _span: PhantomData }
    }

    /// Ends the span now.
    pub fn finish(mut self) {
        self.end_at_ns(0);
    }

    /// Ends the span at `t`.
    pub fn finish_at(mut self, t: std::time::SystemTime) {
        self.end_at_ns(ns(t));
    }

    #[inline]
    pub(crate) fn end_at_ns(&mut self, t: u64) {
        if !self.raw.is_null() {
            unsafe { raw::otel_span_end_at(self.raw, t) };
            self.raw = std::ptr::null_mut();
        }
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        self.end_at_ns(0);
    }
}

/// Keeps a span current on this thread's C context; detaches on drop.
/// Not `Send`: the C current context is per thread.
#[must_use = "dropping the guard makes the previous span current again"]
pub struct SpanGuard<'a> {
    _attach: Option<CAttachGuard>,
    _span: PhantomData<&'a Span>,
}
