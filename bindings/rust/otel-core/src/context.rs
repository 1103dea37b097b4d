//! Between `opentelemetry::Context` (the authority for the current span in
//! Rust, so it follows tokio tasks) and the C library's `otel_context`.
//!
//! The C span functions take the parent explicitly, as the Python binding
//! passes the contextvar's context. The parent's span is known on the Rust
//! side only by its `SpanContext` (the API boxes spans), so it reaches C as a
//! non-recording span wrapped around that context; a one-entry per-thread
//! cache makes a run of children of one parent pay for the wrapper once.
use crate::raw;
use opentelemetry::trace::{SpanContext, TraceContextExt, TraceFlags, TraceState};
use opentelemetry::{Context, SpanId, TraceId};
use std::cell::RefCell;
use std::marker::PhantomData;
use std::str::FromStr;

/// The C form of a span context.
pub(crate) fn sc_to_c(sc: &SpanContext) -> raw::otel_span_context {
    raw::otel_span_context {
        trace_id: sc.trace_id().to_bytes(),
        span_id: sc.span_id().to_bytes(),
        trace_flags: sc.trace_flags().to_u8(),
        is_remote: sc.is_remote() as u8,
        reserved: [0; 6],
    }
}

/// A span context from its C form and W3C trace state text.
pub(crate) fn sc_from_c(c: &raw::otel_span_context, trace_state: &str) -> SpanContext {
    let ts = if trace_state.is_empty() {
        TraceState::default()
    } else {
        TraceState::from_str(trace_state).unwrap_or_default()
    };
    SpanContext::new(
        TraceId::from_bytes(c.trace_id),
        SpanId::from_bytes(c.span_id),
        TraceFlags::new(c.trace_flags),
        c.is_remote != 0,
        ts,
    )
}

/// The context of a C span (any span: recording or not, ended or not).
///
/// # Safety
/// `span` must be NULL or a live span handle.
pub(crate) unsafe fn span_context_of(span: *const raw::otel_span) -> SpanContext {
    let mut c = raw::otel_span_context::default();
    raw::otel_span_get_context(span, &mut c);
    let mut len = 0usize;
    let ts = raw::otel_span_get_trace_state(span, &mut len);
    sc_from_c(&c, raw::str_from(ts, len))
}

/// An owned reference to a C context.
pub struct CContext(*mut raw::otel_context);

// Contexts are immutable and reference-counted atomically in C: safe to
// move and share between threads.
unsafe impl Send for CContext {}
unsafe impl Sync for CContext {}

impl CContext {
    /// Takes ownership of a new reference.
    pub(crate) fn from_raw(p: *mut raw::otel_context) -> Option<CContext> {
        (!p.is_null()).then_some(CContext(p))
    }

    /// The C context holding `sc` as a non-recording span (and nothing else).
    pub fn from_span_context(sc: &SpanContext) -> Option<CContext> {
        unsafe {
            let span = wrap(sc)?;
            let ctx = raw::otel_context_with_span(raw::otel_context_root(), span);
            raw::otel_span_release(span);
            CContext::from_raw(ctx)
        }
    }

    /// The C context for `cx`: its span (if valid) and its baggage.
    pub fn from_context(cx: &Context) -> Option<CContext> {
        let sc = cx.span().span_context().clone();
        let mut ctx = if sc.is_valid() {
            CContext::from_span_context(&sc)?
        } else {
            CContext(raw_root())
        };
        if let Some(b) = crate::api::propagation::baggage_to_c(cx) {
            let next = unsafe { raw::otel_context_with_baggage(ctx.0, b) };
            unsafe { raw::otel_baggage_release(b) };
            ctx = CContext::from_raw(next)?;
        }
        Some(ctx)
    }

    /// The handle, borrowed for as long as `self` lives: what C code
    /// called through `otel-core-sys` takes as an explicit parent.
    pub fn as_ptr(&self) -> *mut raw::otel_context {
        self.0
    }

    /// Makes this context current on the calling thread for C code that
    /// passes NULL as the parent, until the guard drops.
    pub fn attach(&self) -> CAttachGuard {
        CAttachGuard { token: unsafe { raw::otel_context_attach(self.0) }, _not_send: PhantomData }
    }
}

impl Drop for CContext {
    fn drop(&mut self) {
        unsafe { raw::otel_context_release(self.0) }
    }
}

impl Clone for CContext {
    fn clone(&self) -> Self {
        CContext(unsafe { raw::otel_context_retain(self.0) })
    }
}

/// Detaches on drop. Not `Send`: C's current context is per thread.
#[must_use = "dropping the guard detaches the context"]
pub struct CAttachGuard {
    token: u64,
    _not_send: PhantomData<*const ()>,
}

impl Drop for CAttachGuard {
    fn drop(&mut self) {
        if self.token != 0 {
            unsafe { raw::otel_context_detach(self.token) };
        }
    }
}

fn raw_root() -> *mut raw::otel_context {
    unsafe { raw::otel_context_root() }
}

/// A non-recording C span carrying `sc` (new reference), or None.
pub(crate) unsafe fn wrap(sc: &SpanContext) -> Option<*mut raw::otel_span> {
    let c = sc_to_c(sc);
    let header = sc.trace_state().header();
    let mut span = std::ptr::null_mut();
    let st = raw::otel_span_wrap(&mut span, &c, header.as_ptr().cast(), header.len());
    (st == raw::OTEL_OK && !span.is_null()).then_some(span)
}

struct Cached {
    sc: SpanContext,
    ctx: CContext,
}

thread_local! {
    static PARENT: RefCell<Option<Cached>> = const { RefCell::new(None) };
}

/// Runs `f` with the C parent for a span started under `cx`: the wrapped
/// span of `cx` when it has one; otherwise NULL, which C reads as the
/// thread's current C context (the root unless C code, or a guard of this
/// crate, attached one), so Rust spans started inside a C span nest too.
#[inline]
pub(crate) fn with_parent<R>(cx: &Context, f: impl FnOnce(*mut raw::otel_context) -> R) -> R {
    if !cx.has_active_span() {
        return f(std::ptr::null_mut());
    }
    let sc = cx.span().span_context().clone();
    if !sc.is_valid() {
        return f(raw_root());
    }
    // A reference of our own: `f` may start spans (a custom sampler could)
    // that replace the cached entry.
    let held = PARENT.with(|cell| {
        let mut cache = cell.borrow_mut();
        match cache.as_ref() {
            Some(c) if c.sc == sc => Some(c.ctx.clone()),
            _ => {
                let ctx = CContext::from_span_context(&sc)?;
                *cache = Some(Cached { sc, ctx: ctx.clone() });
                Some(ctx)
            }
        }
    });
    match held {
        Some(ctx) => f(ctx.as_ptr()),
        None => f(raw_root()),
    }
}
