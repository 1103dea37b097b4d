//! Helpers shared by the integration tests.
#![allow(dead_code)]
use otel_core::{InMemoryExporter, SpanData, TracerProvider};

/// A provider exporting every span synchronously into memory.
pub fn memory_provider() -> (TracerProvider, InMemoryExporter) {
    let mem = InMemoryExporter::new().unwrap();
    let tp = TracerProvider::builder()
        .with_option("OTEL_SERVICE_NAME", "rust-tests")
        .with_simple_exporter(&mem)
        .build()
        .unwrap();
    (tp, mem)
}

pub fn by_name<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no span {name} in {:?}", spans.iter().map(|s| &s.name).collect::<Vec<_>>()))
}
pub mod collector;
