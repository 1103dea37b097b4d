"""The cffi declarations are generated from include/otel/*.h at build time
(bindings/python/otel_core/_cdef.py): every exported symbol of the library
is callable from Python and every constant of the headers is there with the
headers' value, so a header change cannot silently diverge."""
import os
import re
import subprocess
import sys

from otel_core import _native

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAP = os.path.join(ROOT, "libotel_core", "libotel_core.map")
HEADERS = os.path.join(ROOT, "include", "otel")

# exported symbols deliberately not declared to cffi, with the reason
EXCLUDED = {}


def _exported():
    with open(MAP, encoding="utf-8") as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    names = re.findall(r"^\s*(otel_[a-z0-9_]+)\s*;", text, flags=re.M)
    assert len(names) > 100, "the map file was not read (%d symbols)" % len(names)
    return names


def _header_text():
    out = []
    for f in sorted(os.listdir(HEADERS)):
        if f.endswith(".h"):
            with open(os.path.join(HEADERS, f), encoding="utf-8") as fh:
                out.append(fh.read())
    return "\n".join(out)


def test_every_exported_symbol_is_declared():
    declared = set(dir(_native.lib))
    missing = [s for s in _exported() if s not in declared and s not in EXCLUDED]
    assert not missing, "exported but not declared to cffi: %s" % missing
    stale = [s for s in EXCLUDED if s in declared or s not in _exported()]
    assert not stale, "excluded but declared, or no longer exported: %s" % stale


def test_every_header_constant_has_the_headers_value():
    text = _header_text()
    lib = _native.lib
    # the status X-macro list and every `NAME = value` enumerator
    pairs = re.findall(r"X\((OTEL_[A-Z0-9_]+),\s*(-?\d+),", text)
    pairs += re.findall(r"^\s*(OTEL_[A-Z0-9_]+)\s*=\s*(-?(?:0x[0-9a-fA-F]+|\d+))\s*,?\s*(?:/[*/].*)?$",
                        text, flags=re.M)
    pairs += re.findall(r"^#define\s+(OTEL_[A-Z0-9_]+)\s+((?:0x[0-9a-fA-F]+|\d+))\s*$", text, flags=re.M)
    assert len(pairs) > 50, "the headers' constants were not read (%d)" % len(pairs)
    wrong = {n: (v, getattr(lib, n, None)) for n, v in pairs if getattr(lib, n, None) != int(v, 0)}
    assert not wrong, "constant: (header, cffi): %s" % wrong
    assert lib.OTEL_VERSION_NUM == (lib.OTEL_VERSION_MAJOR << 16 | lib.OTEL_VERSION_MINOR << 8
                                    | lib.OTEL_VERSION_PATCH)


def test_the_generator_reads_the_headers(tmp_path):
    """_cdef.py on a changed header: the change shows (a new enum value,
    function and #define), so nothing is left to a hand copy. Run as a
    script, in an interpreter of its own, as the build runs it."""
    inc = tmp_path / "otel"
    inc.mkdir()
    for f in os.listdir(HEADERS):
        with open(os.path.join(HEADERS, f), encoding="utf-8") as fh:
            text = fh.read()
        if f == "common.h":
            text = text.replace('X(OTEL_ERR_INTERNAL, 12, "internal error")',
                                'X(OTEL_ERR_INTERNAL, 12, "internal error") X(OTEL_ERR_NEW, 13, "new")')
            text = text.replace("OTEL_API uint64_t otel_time_now_ns(void);",
                                "OTEL_API uint64_t otel_time_now_ns(void);\n"
                                "OTEL_API int otel_new_call(const char *s, size_t n);\n"
                                "#define OTEL_NEW_LIMIT 0x40")
        (inc / f).write_text(text)
    script = os.path.join(ROOT, "bindings", "python", "otel_core", "_cdef.py")
    r = subprocess.run([sys.executable, script, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "OTEL_ERR_NEW = 13" in out
    assert "int otel_new_call(const char *s, size_t n);" in out
    assert "#define OTEL_NEW_LIMIT 0x40" in out
    assert "__attribute__" not in out and "OTEL_API" not in out.replace("#define OTEL_API", "")


def test_no_status_literals_in_the_package():
    """Statuses are compared with lib.OTEL_* names, never numbers."""
    pkg = os.path.join(ROOT, "bindings", "python", "otel_core")
    bad = []
    for f in sorted(os.listdir(pkg)):
        if f.endswith(".py"):
            with open(os.path.join(pkg, f), encoding="utf-8") as fh:
                for i, line in enumerate(fh, 1):
                    if re.search(r"\b(st|status)\s*[!=]=\s*\d|\)\s*[!=]=\s*\d+\s*(:|$)", line):
                        bad.append("%s:%d: %s" % (f, i, line.strip()))
    assert not bad, bad
