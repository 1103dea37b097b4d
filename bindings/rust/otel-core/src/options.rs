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
