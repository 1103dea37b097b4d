//! The C options handle, keyed by the specification's `OTEL_*` names.
use crate::error::{check, Error, Result};
use crate::raw;

/// Owned `otel_options`. Not thread-safe in C; this type is neither `Send`
/// nor `Sync` (it holds a raw pointer) and lives only inside builders.
pub(crate) struct Options(pub(crate) *mut raw::otel_options);

impl Options {
    pub(crate) fn new() -> Result<Options> {
        let mut p = std::ptr::null_mut();
        check(unsafe { raw::otel_options_new(&mut p) })?;
        Ok(Options(p))
    }

    /// Options from `(name, value)` pairs, strict (a bad value is an error).
    pub(crate) fn from_pairs(pairs: &[(&str, &str)]) -> Result<Options> {
        let o = Options::new()?;
        o.strict()?;
        for (k, v) in pairs {
            o.set(k, v)?;
        }
        Ok(o)
    }

    pub(crate) fn strict(&self) -> Result<()> {
        check(unsafe { raw::otel_options_set_strict(self.0, 1) })
    }

    pub(crate) fn set(&self, name: &str, value: &str) -> Result<()> {
        let (np, nl) = raw::str_parts(name);
        let (vp, vl) = raw::str_parts(value);
        check(unsafe { raw::otel_options_set_n(self.0, np, nl, vp, vl) })
            .map_err(|e| if e.message().is_empty() { Error::new(e.status(), format!("unknown option {name}")) } else { e })
    }
}

impl Drop for Options {
    fn drop(&mut self) {
        unsafe { raw::otel_options_free(self.0) }
    }
}

/// Collects the first error of a chain of builder calls, reported by `build`.
#[derive(Default)]
pub(crate) struct Deferred(Option<Error>);

impl Deferred {
    pub(crate) fn keep(&mut self, r: Result<()>) {
        if let (None, Err(e)) = (&self.0, r) {
            self.0 = Some(e);
        }
    }
    pub(crate) fn into_result(self) -> Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// One `OTEL_*` option the C core honours: an entry of its option table
/// (`otel_option_next`), as [`options`] returns them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionInfo {
    /// The name, e.g. `OTEL_BSP_SCHEDULE_DELAY`.
    pub name: String,
    /// How the value is written: `"string"`, `"bool"`, `"int"`, `"double"`,
    /// `"enum"`, `"list"`, `"duration"` (milliseconds) or `"key_values"`
    /// (`k1=v1,k2=v2`, values percent-encoded).
    pub kind: &'static str,
    /// The value used when unset, as it would be written; `None` when there
    /// is no fixed default.
    pub default: Option<String>,
    /// The accepted values of an `"enum"` or `"list"` option.
    pub choices: Option<Vec<String>>,
    /// One line of English.
    pub description: String,
}

const OPTION_KINDS: [&str; 8] = ["string", "bool", "int", "double", "enum", "list", "duration", "key_values"];

fn c_str(p: *const std::os::raw::c_char) -> Option<String> {
    // SAFETY: the table's strings are static, NUL-terminated C strings
    (!p.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// Every option the core honours, in the table's order: the names
/// `with_option` accepts (any other is an error with `Status::NotFound`).
pub fn options() -> Vec<OptionInfo> {
    let mut out = Vec::new();
    // SAFETY: the table is static; every pointer it hands out stays valid
    let mut i = unsafe { raw::otel_option_next(std::ptr::null()) };
    while !i.is_null() {
        let kind = unsafe { raw::otel_option_info_type(i) };
        out.push(OptionInfo {
            name: c_str(unsafe { raw::otel_option_info_name(i) }).unwrap_or_default(),
            kind: usize::try_from(kind).ok().and_then(|k| OPTION_KINDS.get(k)).copied().unwrap_or("string"),
            default: c_str(unsafe { raw::otel_option_info_default(i) }),
            choices: c_str(unsafe { raw::otel_option_info_choices(i) })
                .map(|c| c.split(',').map(str::to_owned).collect()),
            description: c_str(unsafe { raw::otel_option_info_description(i) }).unwrap_or_default(),
        });
        i = unsafe { raw::otel_option_next(i) };
    }
    out
}
