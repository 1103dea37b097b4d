//! Many concurrent tokio tasks on a multi-thread runtime, each with its own
//! parent carried by `FutureExt::with_context`: every child's parent is its
//! own task's span, never another task's.
mod common;
use common::memory_provider;
use opentelemetry::context::FutureExt;
use opentelemetry::trace::{TraceContextExt, Tracer as _};
use opentelemetry::{Context, KeyValue};
use std::collections::HashMap;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tasks_keep_their_own_parent_across_awaits() {
    let (tp, mem) = memory_provider();
    let tracer = tp.tracer("tokio");
    let mut handles = Vec::new();
    for task in 0..200i64 {
        let tracer = tracer.clone();
        let parent = tracer.start("task");
        let cx = Context::current_with_span(parent);
        cx.span().set_attribute(KeyValue::new("task", task));
        handles.push(tokio::spawn(
            async move {
                for step in 0..5i64 {
                    tokio::task::yield_now().await;
                    let cx = Context::current();
                    let mut child = tracer.start_with_context("step", &cx);
                    opentelemetry::trace::Span::set_attribute(&mut child, KeyValue::new("task", task));
                    opentelemetry::trace::Span::set_attribute(&mut child, KeyValue::new("step", step));
                    tokio::time::sleep(std::time::Duration::from_micros((task % 7) as u64 * 50)).await;
                    drop(child);
                }
                Context::current().span().end();
            }
            .with_context(cx),
        ));
    }
    for h in handles {
        h.await.unwrap();
    }
    let spans = mem.spans();
    assert_eq!(spans.len(), 200 * 6);
    let mut parent_of_task = HashMap::new();
    for s in spans.iter().filter(|s| s.name == "task") {
        parent_of_task.insert(s.attribute("task").cloned().unwrap().to_string(), s.span_context.span_id());
    }
    assert_eq!(parent_of_task.len(), 200);
    let mut checked = 0;
    for s in spans.iter().filter(|s| s.name == "step") {
        let task = s.attribute("task").unwrap().to_string();
        assert_eq!(s.parent_span_id, parent_of_task[&task], "a step of task {task} has another task's parent");
        checked += 1;
    }
    assert_eq!(checked, 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_context_parents_across_an_await() {
    let (tp, mem) = memory_provider();
    let tracer = tp.tracer("fut");
    let span = tracer.start("request");
    async {
        tokio::task::yield_now().await;
        let _child = tracer.start("inside");
    }
    .with_context(Context::current_with_span(span))
    .await;
    let spans = mem.spans();
    assert_eq!(common::by_name(&spans, "inside").parent_span_id, common::by_name(&spans, "request").span_context.span_id());
}
