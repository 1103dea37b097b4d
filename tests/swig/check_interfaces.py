"""The SWIG interface files hold no C: no %inline, and every raw code block
(%{ ... %}, %begin/%header/%wrapper %{ ... %}) only includes headers or
defines macros, so all the C the modules add is in .c files that CMake
compiles with the project's warnings. Typemap and %init bodies are SWIG's
and allowed. Usage: check_interfaces.py BINDINGS_DIR (exit 1 on a finding);
--self-test checks that the rules reject C (a check that cannot fail
proves nothing)."""
import os
import re
import sys
import tempfile

_OPEN = re.compile(r"^\s*(%(begin|header|wrapper|runtime|inline)\s*)?%\{(.*)$")
_ALLOWED = re.compile(r"^\s*(#\s*(include|define|undef|if|ifdef|ifndef|else|elif|endif)\b.*"
                      r"|/\*.*|\*.*|.*\*/|//.*"
                      r"|[A-Z][A-Z0-9_]*\([^;{}]*\)"  # a macro invocation: OTEL_LUA_HANDLE(...)
                      r"|)\s*$")


def findings(path):
    out = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        if m.group(2) == "inline":
            out.append("%s:%d: %%inline (move the C to a .c file)" % (path, i + 1))
        rest, start = m.group(3), i
        body = []
        if "%}" in rest:
            body.append(rest.split("%}")[0])
        else:
            body.append(rest)
            i += 1
            while i < len(lines) and "%}" not in lines[i]:
                body.append(lines[i])
                i += 1
            if i < len(lines):
                body.append(lines[i].split("%}")[0])
        in_comment = False
        for k, line in enumerate(body):
            if in_comment or line.strip().startswith("/*"):
                in_comment = "*/" not in line
                continue
            if not _ALLOWED.match(line):
                out.append("%s:%d: C code in a %%{ %%} block: %s" % (path, start + k + 1, line.strip()))
                break
        i += 1
    return out


def interfaces(root):
    for d, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(".i"):
                yield os.path.join(d, f)


def self_test():
    bad = {
        "inline.i": "%inline %{\nint f(void) { return 1; }\n%}\n",
        "block.i": "%{\n#include <x.h>\nstatic int g(int x) {\n    return x;\n}\n%}\n",
        "begin.i": "%begin %{\nint n = 0;\n%}\n",
    }
    good = "%{\n#include \"otel_lua.h\"\n/* a comment\n * on lines */\n%}\n%{ OTEL_X(a, b) %}\n" \
           "%typemap(in) int %{ $1 = f($input); %}\n%init %{ g(L); %}\n"
    with tempfile.TemporaryDirectory() as d:
        for name, text in bad.items():
            p = os.path.join(d, name)
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
            if not findings(p):
                print("self-test: %s was not rejected" % name)
                return 1
        p = os.path.join(d, "good.i")
        with open(p, "w", encoding="utf-8") as f:
            f.write(good)
        if findings(p):
            print("self-test: a clean interface was rejected: %s" % findings(p))
            return 1
    print("self-test: the rules reject C and accept includes, macros, typemaps")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    files = list(interfaces(sys.argv[1]))
    if len(files) < 3:
        print("expected the SWIG interfaces under %s, found %s" % (sys.argv[1], files))
        return 1
    bad = [x for f in files for x in findings(f)]
    for b in bad:
        print(b)
    print("%d interface files, %d findings" % (len(files), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
