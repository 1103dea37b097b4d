//! Shared by the examples: HTTP header carriers for the `opentelemetry`
//! propagation API (what `opentelemetry-http` provides, kept local so the
//! examples depend only on the API).
use opentelemetry::propagation::{Extractor, Injector};

/// Reads propagation fields from an `http::HeaderMap` (axum, reqwest, tonic).
pub struct HeaderExtractor<'a>(pub &'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }
    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// Writes propagation fields into an `http::HeaderMap`.
pub struct HeaderInjector<'a>(pub &'a mut http::HeaderMap);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(k), Ok(v)) = (http::HeaderName::from_bytes(key.as_bytes()), http::HeaderValue::from_str(&value)) {
            self.0.insert(k, v);
        }
    }
}
