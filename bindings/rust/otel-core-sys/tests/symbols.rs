//! The generated bindings declare exactly the exported ABI: every symbol of
//! the version script has a declaration, and every declared function is
//! exported (a declaration the map lacks would be a link error for users).
#![cfg(otel_symbol_map)]
use std::collections::BTreeSet;

const MAP: &str = include_str!(env!("OTEL_CORE_SYMBOL_MAP"));
const BINDINGS: &str = include_str!(concat!(env!("OUT_DIR"), "/bindings.rs"));

fn map_symbols() -> BTreeSet<&'static str> {
    MAP.lines()
        .map(str::trim)
        .filter_map(|l| l.strip_suffix(';'))
        .filter(|s| s.starts_with("otel_"))
        .collect()
}

fn bound_functions() -> BTreeSet<&'static str> {
    BINDINGS
        .split("pub fn ")
        .skip(1)
        .filter_map(|rest| rest.split('(').next())
        .filter(|name| name.starts_with("otel_"))
        .collect()
}

#[test]
fn every_exported_symbol_has_a_binding() {
    let map = map_symbols();
    assert!(map.len() > 200, "the version script lists {} symbols: parse error?", map.len());
    let bound = bound_functions();
    let missing: Vec<_> = map.difference(&bound).collect();
    assert!(missing.is_empty(), "exported but not bound: {missing:?}");
}

#[test]
fn every_binding_is_exported() {
    let map = map_symbols();
    let extra: Vec<_> = bound_functions().difference(&map).copied().collect();
    assert!(extra.is_empty(), "declared in the headers but not exported: {extra:?}");
}

#[test]
fn bindings_call_into_the_library() {
    let v = unsafe { std::ffi::CStr::from_ptr(otel_core_sys::otel_version()) };
    let want = std::str::from_utf8(otel_core_sys::OTEL_VERSION_STRING).unwrap();
    assert_eq!(v.to_str().unwrap(), want.trim_end_matches('\0'));
}
