"""os.register_at_fork: a lock the parent held while forking (another
thread making a tracer, say) must not deadlock the child."""
import os
import time

import otel_core


def _wait(pid, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return "hung"


def test_child_gets_fresh_provider_locks():
    tp = otel_core.TracerProvider(exporter="memory", traces_sampler="always_on")
    with tp._lock:  # as if another thread were inside get_tracer at fork time
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                with tp.get_tracer("in-child").start_as_current_span("child-span"):
                    pass
                code = 0 if [s["name"] for s in tp.finished_spans()] == ["child-span"] else 3
            finally:
                os._exit(code)
    assert _wait(pid) == 0
    assert tp.finished_spans() == []  # the parent saw none of the child's spans
