"""fork with spans still queued: the child exports only its own spans and
the parent's queued span leaves exactly once, from the parent (pre-fork
servers must neither lose nor duplicate what the master recorded)."""
import os

import otel_core
from test_process import _exported


def test_span_queued_at_fork_leaves_once_from_the_parent(tmp_path):
    out = tmp_path / "spans.jsonl"
    # a long delay: nothing leaves until a flush, so the span is queued at fork
    tp = otel_core.configure(exporter="file:%s" % out, traces_sampler="always_on",
                             bsp_schedule_delay=600000)
    t = otel_core.get_tracer("forking")
    with t.start_as_current_span("queued-in-parent"):
        pass
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            with otel_core.get_tracer("child").start_as_current_span("in-child"):
                pass
            code = 0 if otel_core.force_flush(5000) else 2
        finally:
            os._exit(code)
    assert os.waitpid(pid, 0)[1] == 0
    assert [[s["name"] for s in b] for b in _exported(out)] == [["in-child"]]
    with t.start_as_current_span("after-fork"):
        pass
    assert tp.force_flush(5000)
    batches = _exported(out)
    assert len(batches) == 2
    assert sorted(s["name"] for s in batches[1]) == ["after-fork", "queued-in-parent"]
    assert {s["scope"] for s in batches[1]} == {"forking"}
