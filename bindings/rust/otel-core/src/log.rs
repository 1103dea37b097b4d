//! The SDK's diagnostics in Rust, and the rule that a panic never crosses
//! the FFI boundary: every callback C makes into Rust runs under
//! [`guard`], which catches a panic, counts it and reports it through the
//! log handler.
use crate::raw;
use std::os::raw::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// Severity of a diagnostic, as the C library's `otel_log_level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

impl Level {
    fn from_c(level: i32) -> Level {
        match level {
            0 => Level::Debug,
            1 => Level::Info,
            2 => Level::Warn,
            _ => Level::Error,
        }
    }
}

type Handler = Arc<dyn Fn(Level, &str) + Send + Sync>;

static HANDLER: RwLock<Option<Handler>> = RwLock::new(None);
static PANICS: AtomicU64 = AtomicU64::new(0);

/// Routes the SDK's diagnostics (and this crate's panic reports) to `f`,
/// e.g. into `tracing` or `log`. `f` may run on any thread, including the
/// export worker, and must not flush or shut a provider down.
pub fn set_log_handler(f: impl Fn(Level, &str) + Send + Sync + 'static) {
    *HANDLER.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(f));
    unsafe { raw::otel_set_log_handler(Some(on_log), std::ptr::null_mut()) };
}

/// Restores the default destination (stderr).
pub fn clear_log_handler() {
    unsafe { raw::otel_set_log_handler(None, std::ptr::null_mut()) };
    *HANDLER.write().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Sets the lowest level delivered (overrides `OTEL_LOG_LEVEL`).
pub fn set_log_level(level: Level) {
    unsafe { raw::otel_set_log_level(level as i32) };
}

/// Panics caught in callbacks (samplers, exporters, processors, metric
/// callbacks, the log handler) since the process started.
pub fn callback_panics() -> u64 {
    PANICS.load(Ordering::Relaxed)
}

unsafe extern "C" fn on_log(level: i32, msg: *const std::os::raw::c_char, len: usize, _ud: *mut c_void) {
    let text = raw::str_from(msg, len);
    let handler = HANDLER.read().ok().and_then(|h| h.clone());
    if let Some(h) = handler {
        // A panicking handler cannot report itself; count it and go on.
        if catch_unwind(AssertUnwindSafe(|| h(Level::from_c(level), text))).is_err() {
            PANICS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn report(message: &str) {
    let handler = HANDLER.read().ok().and_then(|h| h.clone());
    match handler {
        Some(h) => {
            let _ = catch_unwind(AssertUnwindSafe(|| h(Level::Error, message)));
        }
        None => eprintln!("otel-core: {message}"),
    }
}

/// Runs a Rust callback called from C. A panic is caught (it must not
/// unwind into C), counted, reported, and `fallback` is returned.
#[inline]
pub(crate) fn guard<R>(what: &str, fallback: R, f: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            PANICS.fetch_add(1, Ordering::Relaxed);
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic".into());
            report(&format!("panic in {what} callback caught at the FFI boundary: {why}"));
            fallback
        }
    }
}
