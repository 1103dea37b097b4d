//! Samplers: the built-in ones of the C core, and custom ones written in
//! Rust (a trait object or a closure) that C calls at span start.
use crate::attr;
use crate::context::span_context_of;
use crate::error::{check, Result};
use crate::raw;
use opentelemetry::trace::{Link, SamplingDecision, SamplingResult, SpanKind, TraceContextExt};
use opentelemetry::{Context, KeyValue, TraceId};
use std::os::raw::{c_char, c_int, c_void};

/// A sampler (reference-counted and immutable in C).
pub struct Sampler {
    pub(crate) raw: *mut raw::otel_sampler,
}

// C samplers are immutable and safe from any thread (sampler.h).
unsafe impl Send for Sampler {}
unsafe impl Sync for Sampler {}

impl Clone for Sampler {
    fn clone(&self) -> Self {
        Sampler { raw: unsafe { raw::otel_sampler_retain(self.raw) } }
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        unsafe { raw::otel_sampler_release(self.raw) }
    }
}

/// What a custom sampler decides, with the same signature as
/// `opentelemetry_sdk::trace::ShouldSample` so a sampler ports by
/// changing its `impl` line. Runs on the thread that starts the span.
pub trait ShouldSample: Send + Sync + 'static {
    fn should_sample(
        &self,
        parent_context: Option<&Context>,
        trace_id: TraceId,
        name: &str,
        span_kind: &SpanKind,
        attributes: &[KeyValue],
        links: &[Link],
    ) -> SamplingResult;
}

impl<F> ShouldSample for F
where
    F: Fn(Option<&Context>, TraceId, &str, &SpanKind, &[KeyValue], &[Link]) -> SamplingResult + Send + Sync + 'static,
{
    fn should_sample(&self, p: Option<&Context>, t: TraceId, n: &str, k: &SpanKind, a: &[KeyValue], l: &[Link]) -> SamplingResult {
        self(p, t, n, k, a, l)
    }
}

impl Sampler {
    /// Samples everything.
    pub fn always_on() -> Sampler {
        Sampler { raw: unsafe { raw::otel_sampler_always_on() } }
    }

    /// Samples nothing.
    pub fn always_off() -> Sampler {
        Sampler { raw: unsafe { raw::otel_sampler_always_off() } }
    }

    /// TraceIdRatioBased: `ratio` in [0, 1].
    pub fn trace_id_ratio(ratio: f64) -> Result<Sampler> {
        let mut p = std::ptr::null_mut();
        check(unsafe { raw::otel_sampler_traceidratio_new(&mut p, ratio) })?;
        Ok(Sampler { raw: p })
    }

    /// ParentBased with `root` for roots and the default delegates.
    pub fn parent_based(root: Sampler) -> Result<Sampler> {
        let mut p = std::ptr::null_mut();
        let n = std::ptr::null_mut();
        check(unsafe { raw::otel_sampler_parentbased_new(&mut p, root.raw, n, n, n, n) })?;
        Ok(Sampler { raw: p })
    }

    /// A sampler written in Rust. A panic in it is caught (the span is
    /// dropped), counted and reported through the log handler.
    pub fn custom(description: &str, sampler: impl ShouldSample) -> Result<Sampler> {
        let boxed: Box<Box<dyn ShouldSample>> = Box::new(Box::new(sampler));
        let ud = Box::into_raw(boxed).cast::<c_void>();
        let desc = std::ffi::CString::new(description.replace('\0', "")).unwrap_or_default();
        let mut p = std::ptr::null_mut();
        // On failure C has not kept `ud`; free it ourselves.
        let st = unsafe { raw::otel_sampler_custom_new(&mut p, Some(sample_cb), desc.as_ptr(), Some(free_cb), ud) };
        if st != raw::OTEL_OK {
            unsafe { drop(Box::from_raw(ud.cast::<Box<dyn ShouldSample>>())) };
        }
        check(st)?;
        Ok(Sampler { raw: p })
    }

    /// The description, e.g. "ParentBased{root:AlwaysOnSampler,...}".
    pub fn description(&self) -> String {
        unsafe { raw::cstr(raw::otel_sampler_description(self.raw)) }.to_owned()
    }
}

unsafe extern "C" fn free_cb(ud: *mut c_void) {
    crate::log::guard("sampler free", (), || drop(Box::from_raw(ud.cast::<Box<dyn ShouldSample>>())));
}

unsafe extern "C" fn sample_cb(
    parent: *mut raw::otel_context,
    trace_id: *const u8,
    name: *const c_char,
    name_len: usize,
    kind: c_int,
    attrs: *const raw::otel_attr,
    n_attrs: usize,
    links: *const raw::otel_link,
    n_links: usize,
    result: *mut raw::otel_sampling_result,
    ud: *mut c_void,
) -> c_int {
    crate::log::guard("sampler", raw::OTEL_SAMPLING_DROP as c_int, || {
        let s = &*ud.cast::<Box<dyn ShouldSample>>();
        let span = raw::otel_context_get_span(parent);
        let cx = if span.is_null() { Context::new() } else { Context::new().with_remote_span_context(span_context_of(span)) };
        let mut id = [0u8; 16];
        id.copy_from_slice(std::slice::from_raw_parts(trace_id, 16));
        let kvs: Vec<KeyValue> = (0..n_attrs).map(|i| attr::kv_from_c(&*attrs.add(i))).collect();
        let links: Vec<Link> = (0..n_links)
            .map(|i| {
                let l = &*links.add(i);
                let sc = span_context_of(l.span);
                let a = (0..l.n_attrs).map(|j| attr::kv_from_c(&*l.attrs.add(j))).collect();
                Link::new(sc, a, 0)
            })
            .collect();
        let r = s.should_sample(Some(&cx), TraceId::from_bytes(id), raw::str_from(name, name_len), &kind_from_c(kind), &kvs, &links);
        attr::with_kvs(&r.attributes, |p, n| {
            for i in 0..n {
                raw::otel_sampling_result_add_attribute(result, p.add(i));
            }
        });
        let header = r.trace_state.header();
        let parent_ts = cx.span().span_context().trace_state().header();
        if header != parent_ts {
            raw::otel_sampling_result_set_trace_state(result, header.as_ptr().cast(), header.len());
        }
        (match r.decision {
            SamplingDecision::Drop => raw::OTEL_SAMPLING_DROP,
            SamplingDecision::RecordOnly => raw::OTEL_SAMPLING_RECORD_ONLY,
            SamplingDecision::RecordAndSample => raw::OTEL_SAMPLING_RECORD_AND_SAMPLE,
        }) as c_int
    })
}

pub(crate) fn kind_from_c(kind: c_int) -> SpanKind {
    match kind as u32 {
        raw::OTEL_SPAN_KIND_SERVER => SpanKind::Server,
        raw::OTEL_SPAN_KIND_CLIENT => SpanKind::Client,
        raw::OTEL_SPAN_KIND_PRODUCER => SpanKind::Producer,
        raw::OTEL_SPAN_KIND_CONSUMER => SpanKind::Consumer,
        _ => SpanKind::Internal,
    }
}

impl std::fmt::Debug for Sampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Sampler").field(&self.description()).finish()
    }
}
