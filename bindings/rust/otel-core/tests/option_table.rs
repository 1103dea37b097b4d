//! `otel_core::options()`: the C core's option table.
use std::collections::HashMap;

#[test]
fn options_are_the_core_table() {
    let by: HashMap<String, otel_core::OptionInfo> =
        otel_core::options().into_iter().map(|o| (o.name.clone(), o)).collect();
    assert!(by.len() > 40, "only {} options", by.len());
    assert!(by.values().all(|o| o.name.starts_with("OTEL_") && !o.description.is_empty()));
    let delay = &by["OTEL_BSP_SCHEDULE_DELAY"];
    assert_eq!((delay.kind, delay.default.as_deref()), ("duration", Some("5000")));
    assert_eq!(by["OTEL_TRACES_EXPORTER"].choices.as_deref(), Some(&["otlp".to_owned(), "console".into(), "none".into()][..]));
    assert_eq!(by["OTEL_SERVICE_NAME"].default, None);
    assert!(!by.contains_key("OTEL_EXPORTER_PROMETHEUS_PORT"), "nothing reads the Prometheus names yet");
    let err = otel_core::TracerProvider::builder()
        .with_option("OTEL_EXPORTER_PROMETHEUS_PORT", "5")
        .build()
        .err()
        .expect("a name outside the table is refused");
    assert_eq!(err.status(), otel_core::Status::NotFound, "{err}");
}
