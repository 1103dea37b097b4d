"""The package's structure (bindings/python/otel_core): a module per
concept, each importable on its own, no import circle, and the public names
where users and the opentelemetry-api drop-in find them."""
import ast
import importlib.util
import os
import subprocess
import sys

import pytest

import otel_core

PKG_DIR = importlib.util.find_spec("otel_core").submodule_search_locations[0]
# the build-time scripts: not imported by the package
BUILD_ONLY = {"_build", "_cdef"}
MODULES = sorted(f[:-3] for f in os.listdir(PKG_DIR)
                 if f.endswith(".py") and f != "__init__.py" and f[:-3] not in BUILD_ONLY)
COMPILED = sorted({f.split(".")[0] for f in os.listdir(PKG_DIR) if f.endswith(".so")})

# what `otel_core.X` gave before the package was split (README, docs,
# tests/python, the drop-in); it must keep giving it
PUBLIC = ["KINDS", "MeterProvider", "OtelError", "OtelValueError", "Span", "Tracer", "TracerProvider",
          "c_attached", "c_current_span", "configure", "extract", "ffi", "force_flush",
          "get_current_span", "get_meter", "get_tracer", "inject", "lib", "metrics", "propagators",
          "shutdown", "stats", "use_span"]


def _imports(module):
    """The package modules `module` imports, anywhere in its text (a lazy
    import inside a function is an edge too); "__init__" for a name taken
    from the package itself."""
    path = os.path.join(PKG_DIR, "__init__.py" if module == "__init__" else module + ".py")
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    known = set(MODULES) | set(COMPILED)
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 or (node.level == 0 and (node.module or "").split(".")[0] == "otel_core"):
                base = (node.module or "") if node.level == 1 else node.module.partition(".")[2]
                if base:
                    out.add(base.split(".")[0])
                else:  # from . import x: a module, or a name of __init__
                    out.update(a.name if a.name in known else "__init__" for a in node.names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("otel_core."):
                    out.add(a.name.split(".")[1])
                elif a.name == "otel_core":
                    out.add("__init__")
    return out


def _cycle(graph):
    """One import circle in `graph` (module -> modules) as a list, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_cycle_finder_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_import_graph_has_no_circle():
    graph = {m: _imports(m) & (set(MODULES) | {"__init__"}) for m in MODULES}
    # the graph is read for real (a parse that found nothing would pass)
    assert "span" in graph["trace"] and "_core" in graph["metrics"], graph
    assert _cycle(graph) is None, "import circle: %s" % " -> ".join(_cycle(graph))
    users_of_init = sorted(m for m, deps in graph.items() if "__init__" in deps)
    assert not users_of_init, "these modules import the package's __init__: %s" % users_of_init


@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_alone(module):
    """A fresh interpreter imports `module` with the package's __init__
    never run (an empty package object stands in for it), so the module
    works with only what it imports itself."""
    code = (
        "import importlib, sys, types\n"
        "pkg = types.ModuleType('otel_core')\n"
        "pkg.__path__ = [%r]\n"
        "sys.modules['otel_core'] = pkg\n"
        "m = importlib.import_module('otel_core.%s')\n"
        "assert not hasattr(pkg, 'TracerProvider'), 'the package __init__ ran'\n"
        "print(sorted(k[10:] for k in sys.modules if k.startswith('otel_core.')))\n"
    ) % (PKG_DIR, module)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert module in r.stdout


@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_first(module):
    """The ordinary way: `import otel_core.<module>` first in a fresh
    interpreter (the package loads around it)."""
    r = subprocess.run([sys.executable, "-c", "import otel_core.%s" % module],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_public_names_stay_where_they_were():
    missing = [n for n in PUBLIC if not hasattr(otel_core, n)]
    assert not missing, missing
    assert all(hasattr(otel_core, n) for n in otel_core.__all__)
    # the same objects wherever they are defined now
    assert otel_core.Span is otel_core.trace.Span is otel_core.span.Span
    assert otel_core.MeterProvider is otel_core.metrics.MeterProvider
    assert otel_core.inject is otel_core.propagators.inject


def test_no_module_is_a_monolith():
    """A concept per file: no module of the package over ~800 lines."""
    big = {}
    for f in os.listdir(PKG_DIR):
        if f.endswith(".py"):
            with open(os.path.join(PKG_DIR, f), encoding="utf-8") as fh:
                n = sum(1 for _ in fh)
            if n > 800:
                big[f] = n
    assert not big, big


def test_the_package_works_without_opentelemetry_api():
    """opentelemetry-api is optional (`pip install otel_core[api]`): with it
    hidden, the package imports and its own API traces (make demo on a
    fresh clone runs the binding before any test has installed the API)."""
    code = (
        "import sys\n"
        "sys.modules['opentelemetry'] = None  # as if not installed\n"
        "import otel_core\n"
        "tp = otel_core.TracerProvider(exporter='memory', traces_sampler='always_on')\n"
        "with tp.get_tracer('no-api').start_as_current_span('s') as span:\n"
        "    span.set_attribute('k', 1)\n"
        "    span.set_status('error', 'bad')\n"
        "assert [s['name'] for s in tp.finished_spans()] == ['s'], tp.finished_spans()\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"
