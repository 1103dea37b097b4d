//! `opentelemetry::propagation::TextMapPropagator` on the C core's parsers:
//! W3C tracecontext, W3C baggage, B3 (single and multi) and the composite
//! `OTEL_PROPAGATORS` names. Parsing is bounded by the C core.
use crate::context::{span_context_of, CContext};
use crate::error::{check, Result};
use crate::options::Options;
use crate::raw;
use opentelemetry::baggage::{BaggageExt, KeyValueMetadata};
use opentelemetry::propagation::{text_map_propagator::FieldIter, Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::TraceContextExt;
use opentelemetry::Context;
use std::cell::OnceCell;
use std::os::raw::{c_char, c_int, c_void};

/// A propagator of the C core.
pub struct Propagator {
    raw: *mut raw::otel_propagator,
    fields: Vec<String>,
}

// Propagators are immutable and safe from any thread (propagation.h).
unsafe impl Send for Propagator {}
unsafe impl Sync for Propagator {}

impl std::fmt::Debug for Propagator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Propagator").field("fields", &self.fields).finish()
    }
}

impl Clone for Propagator {
    fn clone(&self) -> Self {
        Propagator::own(unsafe { raw::otel_propagator_retain(self.raw) })
    }
}

impl Drop for Propagator {
    fn drop(&mut self) {
        unsafe { raw::otel_propagator_release(self.raw) }
    }
}

impl Propagator {
    fn own(raw: *mut raw::otel_propagator) -> Propagator {
        let n = unsafe { raw::otel_propagator_field_count(raw) };
        let fields = (0..n).map(|i| unsafe { raw::cstr(raw::otel_propagator_field(raw, i)) }.to_owned()).collect();
        Propagator { raw, fields }
    }

    /// W3C Trace Context (`traceparent`, `tracestate`).
    pub fn trace_context() -> Propagator {
        Propagator::own(unsafe { raw::otel_propagator_tracecontext() })
    }
    /// W3C Baggage (`baggage`).
    pub fn baggage() -> Propagator {
        Propagator::own(unsafe { raw::otel_propagator_baggage() })
    }
    /// B3 single header (`b3`); extracts both B3 forms.
    pub fn b3() -> Propagator {
        Propagator::own(unsafe { raw::otel_propagator_b3() })
    }
    /// B3 multi-header (`x-b3-*`); extracts both B3 forms.
    pub fn b3_multi() -> Propagator {
        Propagator::own(unsafe { raw::otel_propagator_b3multi() })
    }
    /// The composite `OTEL_PROPAGATORS` names (default `tracecontext,baggage`).
    pub fn from_env() -> Result<Propagator> {
        let mut p = std::ptr::null_mut();
        check(unsafe { raw::otel_propagator_from_env(&mut p, std::ptr::null()) })?;
        Ok(Propagator::own(p))
    }
    /// The composite for a `OTEL_PROPAGATORS`-style list, e.g. "b3,baggage";
    /// an unknown name is an error.
    pub fn from_names(names: &str) -> Result<Propagator> {
        let o = Options::from_pairs(&[("OTEL_PROPAGATORS", names)])?;
        let mut p = std::ptr::null_mut();
        check(unsafe { raw::otel_propagator_from_env(&mut p, o.0) })?;
        Ok(Propagator::own(p))
    }
    /// Runs `list` in order (inject: each; extract: each on the previous result).
    pub fn composite(list: &[Propagator]) -> Result<Propagator> {
        let ptrs: Vec<*mut raw::otel_propagator> = list.iter().map(|p| p.raw).collect();
        let mut p = std::ptr::null_mut();
        check(unsafe { raw::otel_propagator_composite_new(&mut p, ptrs.as_ptr(), ptrs.len()) })?;
        Ok(Propagator::own(p))
    }

    /// Makes this the C process-wide propagator (for C code and other bindings).
    pub fn set_c_global(&self) {
        unsafe { raw::otel_propagator_set_global(self.raw) }
    }
}

/// The baggage of `cx` as a C baggage (new reference), or None when empty.
pub(crate) fn baggage_to_c(cx: &Context) -> Option<*mut raw::otel_baggage> {
    let bag = cx.baggage();
    if bag.is_empty() {
        return None;
    }
    let mut cur: *mut raw::otel_baggage = std::ptr::null_mut();
    for (k, (v, meta)) in bag.iter() {
        let (kp, kl) = raw::str_parts(k.as_str());
        let (vp, vl) = raw::str_parts(v.as_str());
        let (mp, ml) = raw::str_parts(meta.as_str());
        let mut next = std::ptr::null_mut();
        // An entry C rejects (e.g. not valid for W3C) is skipped.
        if unsafe { raw::otel_baggage_set_n(cur, kp, kl, vp, vl, mp, ml, &mut next) } == raw::OTEL_OK {
            unsafe { raw::otel_baggage_release(cur) };
            cur = next;
        }
    }
    (!cur.is_null()).then_some(cur)
}

struct Setter<'a>(&'a mut dyn Injector);

unsafe extern "C" fn set_cb(ud: *mut c_void, k: *const c_char, kl: usize, v: *const c_char, vl: usize) {
    crate::log::guard("propagator injector", (), || {
        let s = &mut *ud.cast::<Setter<'_>>();
        s.0.set(raw::str_from(k, kl), raw::str_from(v, vl).to_owned());
    })
}

struct Getter<'a> {
    ex: &'a dyn Extractor,
    keys: OnceCell<Vec<&'a str>>,
}

unsafe extern "C" fn get_cb(ud: *mut c_void, k: *const c_char, kl: usize, index: usize, v: *mut *const c_char, vl: *mut usize) -> c_int {
    crate::log::guard("propagator extractor", 0, || {
        let g = &*ud.cast::<Getter<'_>>();
        let key = raw::str_from(k, kl);
        let found = if index == 0 { g.ex.get(key) } else { g.ex.get_all(key).and_then(|all| all.get(index).copied()) };
        match found {
            Some(s) => {
                *v = s.as_ptr().cast();
                *vl = s.len();
                1
            }
            None => 0,
        }
    })
}

unsafe extern "C" fn keys_cb(ud: *mut c_void, index: usize, k: *mut *const c_char, kl: *mut usize) -> c_int {
    crate::log::guard("propagator extractor keys", 0, || {
        let g = &*ud.cast::<Getter<'_>>();
        match g.keys.get_or_init(|| g.ex.keys()).get(index) {
            Some(s) => {
                *k = s.as_ptr().cast();
                *kl = s.len();
                1
            }
            None => 0,
        }
    })
}

impl TextMapPropagator for Propagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        let Some(ctx) = CContext::from_context(cx) else { return };
        let mut setter = Setter(injector);
        unsafe { raw::otel_propagator_inject(self.raw, ctx.as_ptr(), Some(set_cb), (&mut setter as *mut Setter<'_>).cast()) };
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        let getter = Getter { ex: extractor, keys: OnceCell::new() };
        let ud = (&getter as *const Getter<'_>).cast_mut().cast();
        let out = unsafe { raw::otel_propagator_extract(self.raw, raw::otel_context_root(), Some(get_cb), Some(keys_cb), ud) };
        let Some(out) = CContext::from_raw(out) else { return cx.clone() };
        let mut result = cx.clone();
        let span = unsafe { raw::otel_context_get_span(out.as_ptr()) };
        if !span.is_null() {
            let sc = unsafe { span_context_of(span) };
            if sc.is_valid() {
                result = result.with_remote_span_context(sc);
            }
        }
        let bag = unsafe { raw::otel_context_get_baggage(out.as_ptr()) };
        if !bag.is_null() {
            let n = unsafe { raw::otel_baggage_count(bag) };
            let entries: Vec<KeyValueMetadata> = (0..n)
                .filter_map(|i| unsafe {
                    let (mut k, mut v, mut m) = (std::ptr::null(), std::ptr::null(), std::ptr::null());
                    (raw::otel_baggage_entry(bag, i, &mut k, &mut v, &mut m) == raw::OTEL_OK)
                        .then(|| KeyValueMetadata::new(raw::cstr(k).to_owned(), raw::cstr(v).to_owned(), raw::cstr(m).to_owned()))
                })
                .collect();
            result = result.with_baggage(entries);
        }
        result
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(&self.fields)
    }
}
