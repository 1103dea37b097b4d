#!/usr/bin/env python3
"""Runs every complete code block of README.md and docs/*.md and checks
that it does what its text promises (docs/CONTRIBUTING.md has the
convention; tests/docs/run.sh prepares what this needs).

    run_docs.py --build DIR --prefix DIR --python PY --pysite DIR
                [--collector BIN] FILE.md...

Each block runs the way a reader would run it: C compiled with
`pkg-config --cflags --libs otel_core` against this build installed in
--prefix; a CMakeLists.txt configured with find_package from there;
Python with the project's venv and the built binding; Lua and Ruby with
the SWIG modules of --build; sh with bash in an empty folder where
`build` is --build. Every block must exit 0, and the spans and
instruments it names must reach the receiver, tagged with the resource
attribute docs.snippet: the real Collector (--collector), or, without
one, the file exporter (then metrics are not checked: said as SKIP).

Ends with "N passed, N failed"; SKIP lines say what was not checked.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import snippets  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60          # seconds a snippet may run
ARRIVAL_WAIT = 10     # seconds its telemetry may take to reach the files
LATER = {"go"}  # bindings on their way: blocks are reported, not run


class Receiver:
    """The real Collector writing what it receives to two JSON-lines files."""

    def __init__(self, collector, work):
        self.work = work
        self.traces, self.metrics = work / "traces.jsonl", work / "metrics.jsonl"
        self.proc = None
        self.endpoint = None
        if not collector:
            return
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        cfg = work / "collector.yaml"
        cfg.write_text(f"""receivers:
  otlp:
    protocols:
      http: {{endpoint: "127.0.0.1:{port}"}}
exporters:
  file: {{path: "{self.traces}", flush_interval: 100ms}}
  file/metrics: {{path: "{self.metrics}", flush_interval: 100ms}}
service:
  telemetry:
    metrics: {{level: none}}
  pipelines:
    traces: {{receivers: [otlp], exporters: [file]}}
    metrics: {{receivers: [otlp], exporters: [file/metrics]}}
""")
        self.log = open(work / "collector.log", "w")
        self.proc = subprocess.Popen([collector, "--config", str(cfg)], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                self.endpoint = "http://127.0.0.1:%d" % port
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the Collector did not start: " + (work / "collector.log").read_text()[-2000:])

    def stop(self):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def env(self, s, work):
        e = {"OTEL_RESOURCE_ATTRIBUTES": "docs.snippet=" + s.tag}
        if self.endpoint:
            e["OTEL_EXPORTER_OTLP_ENDPOINT"] = self.endpoint
        else:
            e["OTEL_CORE_EXPORTER_FILE_PATH"] = str(work / "spans.jsonl")
        return e

    @staticmethod
    def _names(path, tag, resource_key, scope_key, items_key):
        names = set()
        try:
            text = Path(path).read_text()
        except FileNotFoundError:
            return names
        for line in text.splitlines():
            try:
                req = json.loads(line)
            except ValueError:
                continue  # a line the Collector is still writing
            for r in req.get(resource_key, []):
                attrs = {a["key"]: a["value"].get("stringValue") for a in r.get("resource", {}).get("attributes", [])}
                if attrs.get("docs.snippet") != tag:
                    continue
                for sc in r.get(scope_key, []):
                    names.update(x["name"] for x in sc.get(items_key, []))
        return names

    def arrived(self, s, work, out):
        """(spans missing, metrics missing), waiting up to ARRIVAL_WAIT."""
        if s.sink == "self":  # reads its spans back from the in-memory exporter
            return [], []
        if s.sink == "stdout":  # the console exporter: "span NAME [KIND] ..."
            return [n for n in s.spans if not re.search(r"^span %s " % re.escape(n), out, re.M)], []
        traces = self.traces if self.endpoint else work / "spans.jsonl"
        if s.sink.startswith("file:"):
            traces = work / s.sink[5:]
        deadline = time.monotonic() + ARRIVAL_WAIT
        while True:
            spans = self._names(traces, s.tag, "resourceSpans", "scopeSpans", "spans")
            metrics = self._names(self.metrics, s.tag, "resourceMetrics", "scopeMetrics", "metrics")
            miss_s = [n for n in s.spans if n not in spans]
            if not s.spans and s.sink.startswith("file:") and not spans:
                miss_s = ["(any: %s holds none)" % s.sink[5:]]
            miss_m = [n for n in s.metrics if n not in metrics] if self.endpoint else []
            if (not miss_s and not miss_m) or time.monotonic() > deadline:
                return miss_s, miss_m
            time.sleep(0.2)


def run(cmd, cwd, env, timeout=TIMEOUT):
    try:
        p = subprocess.run(cmd, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, text=True, errors="replace")
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return "timeout after %d s" % timeout, out


class Runners:
    def __init__(self, a):
        self.a = a
        self.build = Path(a.build).resolve()
        self.prefix = Path(a.prefix).resolve()
        libdir = next(self.prefix.glob("lib*/pkgconfig")).parent
        self.c_env = {"PKG_CONFIG_PATH": str(libdir / "pkgconfig"), "LD_LIBRARY_PATH": str(libdir)}

    def compile_c(self, s, work):
        src = work / "app.c"
        src.write_text(s.code)
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "otel_core"], env={**os.environ, **self.c_env},
                               stdout=subprocess.PIPE, text=True, check=True).stdout.split()
        rc, out = run([os.environ.get("CC", "cc"), "-Wall", "-Wextra", "-Werror", "-o", "app", "app.c", *flags],
                      work, self.c_env)
        if rc != 0:
            return None, "does not compile (cc app.c $(pkg-config --cflags --libs otel_core)):\n" + out
        return [str(work / "app")], None

    def cargo_run(self, s, work):
        """A Rust block is src/main.rs of a Cargo project with the README's
        dependency lines, built against --build (the -sys crate's pkg-config
        finds its otel_core-uninstalled.pc) with the workspace's lock file, so
        the versions and the build cache are the tests' own."""
        (work / "src").mkdir()
        (work / "src" / "main.rs").write_text(s.code)
        (work / "Cargo.toml").write_text(
            '[package]\nname = "snippet"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n\n'
            '[dependencies]\notel-core = { path = "%s" }\n'
            'opentelemetry = { version = "0.31", default-features = false, features = ["trace", "metrics"] }\n'
            % (ROOT / "bindings/rust/otel-core"))
        shutil.copy(ROOT / "bindings/rust/Cargo.lock", work / "Cargo.lock")
        target = self.build / "cargo-docs"
        env = {"CARGO_TARGET_DIR": str(target), "OTEL_CORE_BUILD_DIR": str(self.build),
               "PATH": os.environ.get("PATH", "") + ":" + str(Path.home() / ".cargo/bin")}
        rc, out = run(["cargo", "build", "-q", "-j", "2"], work, env, timeout=900)
        if rc != 0:
            return None, None, "does not compile (cargo build with the README's Cargo.toml lines):\n" + out
        return [str(target / "debug" / "snippet")], {"LD_LIBRARY_PATH": str(self.build)}, None

    def command(self, s, work):
        """(argv, env, error): how to run the snippet, or why it cannot be."""
        lang = s.lang
        if lang == "c":
            argv, err = self.compile_c(s, work)
            return argv, self.c_env, err
        if lang == "cmake":
            if not s.app_c:
                return None, None, "a CMakeLists.txt with no complete C block above it to build as app.c"
            (work / "app.c").write_text(s.app_c.code)
            (work / "CMakeLists.txt").write_text(s.code)
            m = re.search(r"add_executable\(\s*(\w+)", s.code)
            if not m:
                return None, None, "a CMakeLists.txt without add_executable"
            for step in (["cmake", "-S", ".", "-B", "out", "-DCMAKE_PREFIX_PATH=" + str(self.prefix)],
                         ["cmake", "--build", "out"]):
                rc, out = run(step, work, {}, timeout=120)
                if rc != 0:
                    return None, None, "%s failed:\n%s" % (" ".join(step[:2]), out)
            return [str(work / "out" / m.group(1))], self.c_env, None
        if lang == "python":
            (work / "snippet.py").write_text(s.code)
            return [self.a.python, "snippet.py"], {"PYTHONPATH": self.a.pysite}, None
        if lang == "lua":
            (work / "snippet.lua").write_text(s.code)
            return ["lua5.4", "snippet.lua"], {"LUA_CPATH": "%s/lua/?.so;;" % self.build,
                                                "LUA_PATH": "%s/bindings/lua/?.lua;;" % ROOT}, None
        if lang == "ruby":
            (work / "snippet.rb").write_text(s.code)
            return ["ruby", "-I", str(self.build / "ruby"), "-I", str(ROOT / "bindings/ruby/lib"),
                    "snippet.rb"], {}, None
        if lang == "rust":
            return self.cargo_run(s, work)
        if lang in ("sh", "bash"):
            (work / "snippet.sh").write_text(s.code)
            (work / "build").symlink_to(self.build)
            return ["bash", "-euo", "pipefail", "snippet.sh"], {}, None
        return None, None, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--pysite", required=True)
    ap.add_argument("--collector")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    passed = failed = fragments = 0
    work_root = Path(tempfile.mkdtemp(prefix="otel-docs."))
    receiver = Receiver(a.collector, work_root)
    if not receiver.endpoint:
        print("SKIP docs: no Collector: spans are checked through the file exporter, metrics not at all")
    runners = Runners(a)
    try:
        for f in a.files:
            for s in snippets.parse(f):
                if s.fragment:
                    fragments += 1
                    continue
                if s.lang in LATER:
                    print("SKIP %s: a %s block, not run yet (no %s runner in tests/docs)" % (s.where, s.lang, s.lang))
                    continue
                work = work_root / s.tag
                work.mkdir()
                argv, env, err = runners.command(s, work)
                if argv is None and err is None:
                    err = ("a %s block that is neither run nor marked: put <!-- fragment --> above it, "
                           "or teach tests/docs/run_docs.py to run it" % (s.lang or "plain"))
                out = ""
                if not err:
                    t0 = time.monotonic()
                    rc, out = run(argv, work, {**env, **receiver.env(s, work)})
                    took = time.monotonic() - t0
                    if rc != 0:
                        err = "exit status %s" % rc
                    else:
                        miss_s, miss_m = receiver.arrived(s, work, out)
                        if miss_s:
                            err = "spans that did not arrive: %s" % ", ".join(miss_s)
                        elif miss_m:
                            err = "instruments that did not arrive: %s" % ", ".join(miss_m)
                what = ", ".join(filter(None, ["spans " + ", ".join(s.spans) if s.spans else
                                               "spans" if s.sink.startswith("file:") else "",
                                               "metrics " + ", ".join(s.metrics) if s.metrics else ""]))
                at = {"receiver": "at the Collector" if receiver.endpoint else "in the file exporter's file",
                      "stdout": "on the console", "self": "checked by itself"}.get(s.sink, "in " + s.sink[5:])
                label = "%s (%s)%s" % (s.where, s.lang, ": %s %s" % (what, at) if what else ": exits 0")
                if err:
                    failed += 1
                    print("FAIL %s\n    %s" % (label, err.replace("\n", "\n    ")))
                    if out:
                        print("    output:\n      " + "\n      ".join(out.rstrip().splitlines()[-30:]))
                else:
                    passed += 1
                    print("PASS %s (%.1f s)" % (label, took))
    finally:
        receiver.stop()
        if failed == 0:
            shutil.rmtree(work_root, ignore_errors=True)
        else:
            print("docs: the failed snippets' folders are kept in %s" % work_root)
    print("docs: %d fragments not run" % fragments)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
