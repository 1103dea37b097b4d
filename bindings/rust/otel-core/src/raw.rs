//! The one door to the C library. Every module calls C through `raw::`, so
//! when a C name changes (the public names are being made consistent) the
//! fix is one `use ... as ...` line here.
#![allow(unused_imports)]

pub(crate) use otel_core_sys::*;

// Names the redesign is likely to change are listed explicitly; an explicit
// `use` shadows the glob, so a rename becomes e.g.
// `pub(crate) use otel_core_sys::otel_tracer_provider_global_get as otel_tracer_provider_get_global;`
pub(crate) use otel_core_sys::otel_meter_provider_get_global;
pub(crate) use otel_core_sys::otel_propagator_get_global;
pub(crate) use otel_core_sys::otel_tracer_provider_get_global;

/// A borrowed Rust string as the C `(ptr, len)` pair.
#[inline]
pub(crate) fn str_parts(s: &str) -> (*const std::os::raw::c_char, usize) {
    (s.as_ptr().cast(), s.len())
}

/// A C `(ptr, len)` string as `&str`; `None` for NULL or invalid UTF-8.
///
/// # Safety
/// `ptr` must point at `len` readable bytes that outlive `'a`.
#[inline]
pub(crate) unsafe fn str_from<'a>(ptr: *const std::os::raw::c_char, len: usize) -> &'a str {
    if ptr.is_null() || len == 0 {
        return "";
    }
    std::str::from_utf8(std::slice::from_raw_parts(ptr.cast::<u8>(), len)).unwrap_or("")
}

/// A NUL-terminated C string as `&str` ("" for NULL or invalid UTF-8).
///
/// # Safety
/// `ptr` must be NULL or a valid NUL-terminated string that outlives `'a`.
#[inline]
pub(crate) unsafe fn cstr<'a>(ptr: *const std::os::raw::c_char) -> &'a str {
    if ptr.is_null() {
        return "";
    }
    std::ffi::CStr::from_ptr(ptr).to_str().unwrap_or("")
}
