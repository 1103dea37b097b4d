//! Ended spans as Rust structs, read from the C core's span data views.
use crate::attr::kv_from_c;
use crate::context::sc_from_c;
use crate::raw;
use opentelemetry::trace::{Event, Link, SpanContext, SpanKind, Status};
use opentelemetry::{KeyValue, SpanId};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An ended span, owned.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SpanData {
    pub name: String,
    pub span_context: SpanContext,
    /// The parent's span id; `SpanId::INVALID` for a root.
    pub parent_span_id: SpanId,
    pub parent_is_remote: bool,
    pub span_kind: SpanKind,
    pub start_time: SystemTime,
    pub end_time: SystemTime,
    pub status: Status,
    pub attributes: Vec<KeyValue>,
    pub dropped_attributes_count: u32,
    pub events: Vec<Event>,
    pub dropped_events_count: u32,
    pub links: Vec<Link>,
    pub dropped_links_count: u32,
    pub scope_name: String,
    pub scope_version: String,
    pub resource: Vec<KeyValue>,
}

impl SpanData {
    /// The attribute `key`, if the span has it.
    pub fn attribute(&self, key: &str) -> Option<&opentelemetry::Value> {
        self.attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| &kv.value)
    }
}

fn time(ns: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(ns)
}

unsafe fn s(p: *const std::os::raw::c_char, len: usize) -> String {
    raw::str_from(p, len).to_owned()
}

/// Reads `n` attributes through `get` (index, out) into owned key/values.
unsafe fn read(n: usize, get: impl Fn(usize, &mut raw::otel_attr) -> raw::otel_status) -> Vec<KeyValue> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut a = raw::otel_attr::default();
        if get(i, &mut a) == raw::OTEL_OK {
            out.push(kv_from_c(&a));
        }
    }
    out
}

/// Copies a C span data view.
///
/// # Safety
/// `d` must be a live span data handle.
pub(crate) unsafe fn from_c(d: *const raw::otel_span_data) -> SpanData {
    let mut len = 0usize;
    let name = s(raw::otel_span_data_name(d, &mut len), len);
    let mut c = raw::otel_span_context::default();
    raw::otel_span_data_context(d, &mut c);
    let ts_ptr = raw::otel_span_data_trace_state(d, &mut len);
    let span_context = sc_from_c(&c, raw::str_from(ts_ptr, len));
    let mut pid = [0u8; 8];
    let has_parent = raw::otel_span_data_parent_span_id(d, pid.as_mut_ptr()) != 0;
    let code = raw::otel_span_data_status_code(d) as u32;
    let msg = s(raw::otel_span_data_status_message(d, &mut len), len);
    let status = match code {
        raw::OTEL_STATUS_CODE_OK => Status::Ok,
        raw::OTEL_STATUS_CODE_ERROR => Status::error(msg),
        _ => Status::Unset,
    };
    let attributes = read(raw::otel_span_data_attribute_count(d), |i, a| raw::otel_span_data_attribute(d, i, a));
    let events = (0..raw::otel_span_data_event_count(d))
        .filter_map(|i| {
            let (mut np, mut nl, mut t, mut na, mut dropped) = (std::ptr::null(), 0, 0, 0, 0);
            if raw::otel_span_data_event(d, i, &mut np, &mut nl, &mut t, &mut na, &mut dropped) != raw::OTEL_OK {
                return None;
            }
            let attrs = read(na, |j, a| raw::otel_span_data_event_attribute(d, i, j, a));
            Some(Event::new(s(np, nl), time(t), attrs, dropped))
        })
        .collect();
    let links = (0..raw::otel_span_data_link_count(d))
        .filter_map(|i| {
            let mut lc = raw::otel_span_context::default();
            let (mut tp, mut tl, mut na, mut dropped) = (std::ptr::null(), 0, 0, 0);
            if raw::otel_span_data_link(d, i, &mut lc, &mut tp, &mut tl, &mut na, &mut dropped) != raw::OTEL_OK {
                return None;
            }
            let attrs = read(na, |j, a| raw::otel_span_data_link_attribute(d, i, j, a));
            Some(Link::new(sc_from_c(&lc, raw::str_from(tp, tl)), attrs, dropped))
        })
        .collect();
    let scope = raw::otel_span_data_scope(d);
    let scope_name = s(raw::otel_scope_name(scope, &mut len), len);
    let scope_version = s(raw::otel_scope_version(scope, &mut len), len);
    let res = raw::otel_span_data_resource(d);
    let resource = read(raw::otel_resource_attribute_count(res), |i, a| raw::otel_resource_attribute(res, i, a));
    SpanData {
        name,
        span_context,
        parent_span_id: if has_parent { SpanId::from_bytes(pid) } else { SpanId::INVALID },
        parent_is_remote: raw::otel_span_data_parent_is_remote(d) != 0,
        span_kind: crate::trace::sampler::kind_from_c(raw::otel_span_data_kind(d)),
        start_time: time(raw::otel_span_data_start_time(d)),
        end_time: time(raw::otel_span_data_end_time(d)),
        status,
        attributes,
        dropped_attributes_count: raw::otel_span_data_dropped_attributes(d),
        events,
        dropped_events_count: raw::otel_span_data_dropped_events(d),
        links,
        dropped_links_count: raw::otel_span_data_dropped_links(d),
        scope_name,
        scope_version,
        resource,
    }
}
