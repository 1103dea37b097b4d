//! Attributes across the FFI: `opentelemetry::KeyValue` and this crate's
//! borrowed [`Attr`] into `otel_attr` arrays (no allocation for up to
//! [`INLINE`] scalar attributes), and `otel_attr` back into `KeyValue`.
use crate::raw;
use opentelemetry::{Array, KeyValue, StringValue, Value};
use std::mem::MaybeUninit;
use std::os::raw::c_void;

/// Attributes converted on the stack; more spill to the heap.
pub(crate) const INLINE: usize = 8;

/// A borrowed attribute value for the crate's own API: maps onto `otel_attr`
/// without copying.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AttrValue<'a> {
    Str(&'a str),
    Bool(bool),
    I64(i64),
    F64(f64),
    I64Array(&'a [i64]),
    F64Array(&'a [f64]),
}

/// A borrowed key/value pair: `Attr::new("http.route", "/cart")`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attr<'a> {
    pub key: &'a str,
    pub value: AttrValue<'a>,
}

impl<'a> Attr<'a> {
    pub fn new(key: &'a str, value: impl Into<AttrValue<'a>>) -> Self {
        Attr { key, value: value.into() }
    }

    #[inline]
    pub(crate) fn to_c(self) -> raw::otel_attr {
        let (key, key_len) = raw::str_parts(self.key);
        let mut a = raw::otel_attr { key, key_len, ..Default::default() };
        match self.value {
            AttrValue::Str(s) => {
                a.type_ = raw::OTEL_VALUE_STRING as i32;
                a.ptr = s.as_ptr().cast();
                a.len = s.len();
            }
            AttrValue::Bool(b) => {
                a.type_ = raw::OTEL_VALUE_BOOL as i32;
                a.bool_value = b as i32;
            }
            AttrValue::I64(v) => {
                a.type_ = raw::OTEL_VALUE_INT64 as i32;
                a.int_value = v;
            }
            AttrValue::F64(v) => {
                a.type_ = raw::OTEL_VALUE_DOUBLE as i32;
                a.double_value = v;
            }
            AttrValue::I64Array(v) => {
                a.type_ = raw::OTEL_VALUE_INT64_ARRAY as i32;
                a.ptr = v.as_ptr().cast();
                a.len = v.len();
            }
            AttrValue::F64Array(v) => {
                a.type_ = raw::OTEL_VALUE_DOUBLE_ARRAY as i32;
                a.ptr = v.as_ptr().cast();
                a.len = v.len();
            }
        }
        a
    }
}

impl<'a> From<&'a str> for AttrValue<'a> {
    fn from(v: &'a str) -> Self {
        AttrValue::Str(v)
    }
}
impl<'a> From<&'a String> for AttrValue<'a> {
    fn from(v: &'a String) -> Self {
        AttrValue::Str(v)
    }
}
impl From<bool> for AttrValue<'_> {
    fn from(v: bool) -> Self {
        AttrValue::Bool(v)
    }
}
impl From<i64> for AttrValue<'_> {
    fn from(v: i64) -> Self {
        AttrValue::I64(v)
    }
}
impl From<i32> for AttrValue<'_> {
    fn from(v: i32) -> Self {
        AttrValue::I64(v as i64)
    }
}
impl From<f64> for AttrValue<'_> {
    fn from(v: f64) -> Self {
        AttrValue::F64(v)
    }
}
impl<'a> From<&'a [i64]> for AttrValue<'a> {
    fn from(v: &'a [i64]) -> Self {
        AttrValue::I64Array(v)
    }
}
impl<'a> From<&'a [f64]> for AttrValue<'a> {
    fn from(v: &'a [f64]) -> Self {
        AttrValue::F64Array(v)
    }
}

/// Runs `f` with `attrs` as a C array; the array and everything it points
/// to live until `f` returns.
#[inline]
pub(crate) fn with_attrs<R>(attrs: &[Attr<'_>], f: impl FnOnce(*const raw::otel_attr, usize) -> R) -> R {
    if attrs.len() <= INLINE {
        let mut buf = [MaybeUninit::<raw::otel_attr>::uninit(); INLINE];
        for (slot, a) in buf.iter_mut().zip(attrs) {
            slot.write(a.to_c());
        }
        // The first attrs.len() slots are initialised; C reads no further.
        f(buf.as_ptr().cast(), attrs.len())
    } else {
        let buf: Vec<raw::otel_attr> = attrs.iter().map(|a| a.to_c()).collect();
        f(buf.as_ptr(), buf.len())
    }
}

/// Scratch space for the arrays C needs in another shape than Rust keeps
/// them (bools as int, strings as otel_str). Allocates only when used.
#[derive(Default)]
pub(crate) struct Scratch(Option<Box<ScratchBufs>>);

#[derive(Default)]
struct ScratchBufs {
    bools: Vec<Vec<i32>>,
    strs: Vec<Vec<raw::otel_str>>,
    owned: Vec<String>,
}

impl Scratch {
    fn bufs(&mut self) -> &mut ScratchBufs {
        self.0.get_or_insert_with(Default::default)
    }
}

#[inline]
pub(crate) fn kv_to_c(kv: &KeyValue, scratch: &mut Scratch) -> raw::otel_attr {
    let key = kv.key.as_str();
    let value = match &kv.value {
        Value::String(s) => AttrValue::Str(s.as_str()),
        Value::Bool(b) => AttrValue::Bool(*b),
        Value::I64(v) => AttrValue::I64(*v),
        Value::F64(v) => AttrValue::F64(*v),
        Value::Array(Array::I64(v)) => AttrValue::I64Array(v),
        Value::Array(Array::F64(v)) => AttrValue::F64Array(v),
        Value::Array(arr) => {
            let mut a = Attr::new(key, 0i64).to_c();
            array_to_c(arr, &mut a, scratch);
            return a;
        }
        // A value kind newer than this crate: sent as its display string.
        other => {
            let owned = &mut scratch.bufs().owned;
            owned.push(other.to_string());
            AttrValue::Str(owned.last().unwrap())
        }
    };
    Attr { key, value }.to_c()
}

fn array_to_c(arr: &Array, a: &mut raw::otel_attr, scratch: &mut Scratch) {
    match arr {
        Array::Bool(v) => {
            let bools = &mut scratch.bufs().bools;
            bools.push(v.iter().map(|b| *b as i32).collect());
            let last = bools.last().unwrap();
            a.type_ = raw::OTEL_VALUE_BOOL_ARRAY as i32;
            a.ptr = last.as_ptr() as *const c_void;
            a.len = last.len();
        }
        Array::String(v) => {
            let strs = &mut scratch.bufs().strs;
            strs.push(
                v.iter()
                    .map(|s| {
                        let (ptr, len) = raw::str_parts(s.as_str());
                        raw::otel_str { ptr, len }
                    })
                    .collect(),
            );
            let last = strs.last().unwrap();
            a.type_ = raw::OTEL_VALUE_STRING_ARRAY as i32;
            a.ptr = last.as_ptr() as *const c_void;
            a.len = last.len();
        }
        _ => a.type_ = raw::OTEL_VALUE_NONE as i32,
    }
}

/// Runs `f` with `kvs` as a C array (see [`with_attrs`]).
#[inline]
pub(crate) fn with_kvs<R>(kvs: &[KeyValue], f: impl FnOnce(*const raw::otel_attr, usize) -> R) -> R {
    // The inner Vecs of Scratch move their heap buffers, never the data, so
    // pointers into them stay valid while `scratch` lives.
    let mut scratch = Scratch::default();
    if kvs.len() <= INLINE {
        let mut buf = [MaybeUninit::<raw::otel_attr>::uninit(); INLINE];
        for (slot, kv) in buf.iter_mut().zip(kvs) {
            slot.write(kv_to_c(kv, &mut scratch));
        }
        // The first kvs.len() slots are initialised; C reads no further.
        f(buf.as_ptr().cast(), kvs.len())
    } else {
        let buf: Vec<raw::otel_attr> = kvs.iter().map(|kv| kv_to_c(kv, &mut scratch)).collect();
        f(buf.as_ptr(), buf.len())
    }
}

/// Converts one C attribute (borrowed) into an owned `KeyValue`.
///
/// # Safety
/// `a` must be a valid `otel_attr` as the library fills it.
pub(crate) unsafe fn kv_from_c(a: &raw::otel_attr) -> KeyValue {
    let key = raw::str_from(a.key, a.key_len).to_owned();
    let value = match a.type_ as u32 {
        raw::OTEL_VALUE_STRING => Value::from(raw::str_from(a.ptr.cast(), a.len).to_owned()),
        raw::OTEL_VALUE_BOOL => Value::Bool(a.bool_value != 0),
        raw::OTEL_VALUE_INT64 => Value::I64(a.int_value),
        raw::OTEL_VALUE_DOUBLE => Value::F64(a.double_value),
        raw::OTEL_VALUE_STRING_ARRAY => {
            let s = slice(a.ptr.cast::<raw::otel_str>(), a.len);
            Value::Array(Array::String(
                s.iter().map(|s| StringValue::from(raw::str_from(s.ptr, s.len).to_owned())).collect(),
            ))
        }
        raw::OTEL_VALUE_BOOL_ARRAY => {
            Value::Array(Array::Bool(slice(a.ptr.cast::<i32>(), a.len).iter().map(|b| *b != 0).collect()))
        }
        raw::OTEL_VALUE_INT64_ARRAY => Value::Array(Array::I64(slice(a.ptr.cast::<i64>(), a.len).to_vec())),
        raw::OTEL_VALUE_DOUBLE_ARRAY => Value::Array(Array::F64(slice(a.ptr.cast::<f64>(), a.len).to_vec())),
        _ => Value::from(""),
    };
    KeyValue::new(key, value)
}

unsafe fn slice<'a, T>(ptr: *const T, len: usize) -> &'a [T] {
    if ptr.is_null() || len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(ptr, len)
    }
}
