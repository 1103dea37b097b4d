"""The cffi declarations, generated from the public headers at build time
(so a header change cannot diverge from what Python sees): the umbrella
header <otel/otel.h> run through the C preprocessor with no predefined
macros (OTEL_API and OTEL_DEPRECATED expand to nothing) and empty stand-ins
for the C library headers it includes (cffi knows size_t and the intN_t
types), plus its object-like integer #defines. Used by _build.py and by
tests/python/test_package_cdef.py; needs only the standard library."""
import os
import pathlib
import re
import shlex
import subprocess
import sysconfig
import tempfile

# the C library headers <otel/*.h> include; cffi declares what they provide
_LIBC_HEADERS = ("stddef.h", "stdint.h", "string.h")
_DEFINE = re.compile(r"#define\s+(OTEL_[A-Z0-9_]+)(\s+(.*))?$")
_INT_LITERAL = re.compile(r"(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*$")
# an integer constant expression of literals and other OTEL_ macros
_INT_EXPR = re.compile(r"[\s()0-9a-fA-FxXuUlL<>|&^~+\-*/%]*(OTEL_[A-Z0-9_]+[\s()0-9a-fA-FxXuUlL<>|&^~+\-*/%]*)*$")


def _preprocessor():
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    return shlex.split(cc)


def generate(include_dir):
    """The declarations of every public header under `include_dir` (the
    directory holding otel/otel.h) as text for ffi.cdef()."""
    include_dir = pathlib.Path(include_dir)
    umbrella = include_dir / "otel" / "otel.h"
    if not umbrella.exists():
        raise FileNotFoundError("otel_core: no public headers at %s" % umbrella)
    # the libc headers the public ones include, as empty files: cffi needs
    # only the project's declarations (it knows size_t, uint64_t, ...)
    with tempfile.TemporaryDirectory(prefix="otel-cdef-") as empty_libc:
        for name in _LIBC_HEADERS:
            pathlib.Path(empty_libc, name).write_text("")
        # -undef: no __GNUC__, so no __attribute__ in the output; -dD keeps
        # the #defines (the integer constants) in it; -P: no line markers
        cmd = _preprocessor() + ["-E", "-P", "-dD", "-undef", "-std=c11", "-nostdinc",
                                 "-isystem", empty_libc, "-I", str(include_dir), str(umbrella)]
        r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("otel_core: preprocessing %s failed (%s):\n%s"
                           % (umbrella, " ".join(cmd), r.stderr))
    decls, defines = [], []
    for line in r.stdout.splitlines():
        if not line.startswith("#"):
            decls.append(line)
            continue
        m = _DEFINE.match(line)
        if not m or m.group(1).startswith("OTEL__") or "(" in line.split()[1]:
            continue  # not ours, internal, or a function-like macro
        value = (m.group(3) or "").strip()
        if _INT_LITERAL.match(value):
            defines.append("#define %s %s" % (m.group(1), value.rstrip("uUlL")))
        elif value and _INT_EXPR.match(value):
            defines.append("#define %s ..." % m.group(1))  # the C compiler's value
        # else: a header guard or a string, which cdef cannot hold
    return "\n".join(decls + defines) + "\n"


if __name__ == "__main__":  # print what cffi is given, to read or diff
    import sys
    here = pathlib.Path(__file__).resolve().parents[3]
    sys.stdout.write(generate(sys.argv[1] if len(sys.argv) > 1 else here / "include"))
