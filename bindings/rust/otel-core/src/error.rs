//! `otel_core::Error`: the C status code and the thread's `otel_last_error()`.
use crate::raw;
use std::fmt;

/// The C library's status codes (`otel_status`), pinned values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    InvalidArgument,
    NoMemory,
    Timeout,
    Shutdown,
    Unsupported,
    Parse,
    Export,
    NotFound,
    Limit,
    Io,
    State,
    Internal,
    /// A code this crate does not know (a newer library).
    Other(i32),
}

impl Status {
    fn from_code(code: i32) -> Status {
        match code as u32 {
            raw::OTEL_ERR_INVALID_ARGUMENT => Status::InvalidArgument,
            raw::OTEL_ERR_NO_MEMORY => Status::NoMemory,
            raw::OTEL_ERR_TIMEOUT => Status::Timeout,
            raw::OTEL_ERR_SHUTDOWN => Status::Shutdown,
            raw::OTEL_ERR_UNSUPPORTED => Status::Unsupported,
            raw::OTEL_ERR_PARSE => Status::Parse,
            raw::OTEL_ERR_EXPORT => Status::Export,
            raw::OTEL_ERR_NOT_FOUND => Status::NotFound,
            raw::OTEL_ERR_LIMIT => Status::Limit,
            raw::OTEL_ERR_IO => Status::Io,
            raw::OTEL_ERR_STATE => Status::State,
            raw::OTEL_ERR_INTERNAL => Status::Internal,
            _ => Status::Other(code),
        }
    }

    /// The C code (`otel_status`).
    pub fn code(self) -> i32 {
        (match self {
            Status::InvalidArgument => raw::OTEL_ERR_INVALID_ARGUMENT,
            Status::NoMemory => raw::OTEL_ERR_NO_MEMORY,
            Status::Timeout => raw::OTEL_ERR_TIMEOUT,
            Status::Shutdown => raw::OTEL_ERR_SHUTDOWN,
            Status::Unsupported => raw::OTEL_ERR_UNSUPPORTED,
            Status::Parse => raw::OTEL_ERR_PARSE,
            Status::Export => raw::OTEL_ERR_EXPORT,
            Status::NotFound => raw::OTEL_ERR_NOT_FOUND,
            Status::Limit => raw::OTEL_ERR_LIMIT,
            Status::Io => raw::OTEL_ERR_IO,
            Status::State => raw::OTEL_ERR_STATE,
            Status::Internal => raw::OTEL_ERR_INTERNAL,
            Status::Other(c) => return c,
        }) as i32
    }
}

/// A failed call: the status and the library's message for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    status: Status,
    message: String,
}

impl Error {
    /// Builds an error from a C status, reading `otel_last_error()` now (it
    /// is thread-local, so this must run on the thread that made the call).
    pub(crate) fn last(code: raw::otel_status) -> Error {
        let message = unsafe { raw::cstr(raw::otel_last_error()) }.to_owned();
        Error { status: Status::from_code(code as i32), message }
    }

    /// An error raised on the Rust side (bad input caught before C).
    pub(crate) fn new(status: Status, message: impl Into<String>) -> Error {
        Error { status, message: message.into() }
    }

    /// The status code.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The library's message (`otel_last_error()` at the time of the failure).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = unsafe { raw::cstr(raw::otel_status_str(self.status.code() as raw::otel_status)) };
        if self.message.is_empty() {
            write!(f, "{text}")
        } else {
            write!(f, "{text}: {}", self.message)
        }
    }
}

impl std::error::Error for Error {}

/// `Ok(())` for `OTEL_OK`, else the error with the thread's last message.
#[inline]
pub(crate) fn check(code: raw::otel_status) -> Result<(), Error> {
    if code == raw::OTEL_OK {
        Ok(())
    } else {
        Err(Error::last(code))
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
