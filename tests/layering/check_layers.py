#!/usr/bin/env python3
"""The layering of libotel_core/src (docs/adr/0007-configuration.md):

1. common/ includes no header of another src/ folder (trace/, export/,
   metrics/, propagation/, sdk/, ...): it holds leaf utilities only.
2. The src/ folders include each other without a cycle, apart from the
   ones listed in ALLOWED_CYCLES with the reason.
3. No .c file declares a prototype of an otel__ function at file scope:
   a function shared across files is declared in its module's header, so
   the include graph above shows every dependency.

Usage: check_layers.py SRC_DIR      (exit 1 and one line per violation)
       check_layers.py --self-test  (each rule fires on a made-up tree)
"""
import pathlib
import re
import sys
import tempfile

# Folder cycles that are known and explained; none today.
ALLOWED_CYCLES = {}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)
# one pass, so that "http://" is a string and /* "x */ a comment
TOKENS = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)


def folder_includes(src):
    """{folder: {included folder: [file, ...]}} for the folders of src."""
    folders = {p.name for p in src.iterdir() if p.is_dir()}
    graph = {f: {} for f in folders}
    for f in folders:
        for path in sorted((src / f).rglob("*.[ch]")):
            for target in INCLUDE.findall(path.read_text(errors="replace")):
                if target in folders and target != f:
                    graph[f].setdefault(target, []).append(str(path.relative_to(src)))
    return graph


def cycles(graph):
    """The strongly connected components of more than one folder (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(frozenset(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def file_scope_prototypes(text):
    """Names of otel__ functions declared (not defined) at file scope."""
    text = TOKENS.sub(lambda m: " " if m.group(0)[0] == "/" else '""', text.replace("\\\n", " "))
    text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)  # preprocessor lines
    found, depth, stmt = [], 0, []
    for ch in text:
        if ch == "{":
            depth += 1
            stmt = []
        elif ch == "}":
            depth -= 1
            stmt = []
        elif depth == 0:
            if ch == ";":
                s = " ".join("".join(stmt).split())
                m = re.search(r"\b(otel__[A-Za-z0-9_]+)\s*\(", s)
                if m and not re.match(r"(static|typedef)\b", s) and "=" not in s.split("(")[0]:
                    found.append(m.group(1))
                stmt = []
            else:
                stmt.append(ch)
    return found


def check(src):
    src = pathlib.Path(src)
    problems = []
    graph = folder_includes(src)
    for target, files in sorted(graph.get("common", {}).items()):
        for f in files:
            problems.append(f"{f}: common/ includes a header of {target}/ (common/ depends on nothing above it)")
    for comp in cycles(graph):
        if comp in ALLOWED_CYCLES:
            continue
        edges = [f"{a}->{b} ({graph[a][b][0]})" for a in sorted(comp) for b in sorted(graph[a]) if b in comp]
        problems.append("include cycle between folders " + ", ".join(sorted(comp)) + ": " + "; ".join(edges))
    for path in sorted(src.rglob("*.c")):
        for name in file_scope_prototypes(path.read_text(errors="replace")):
            problems.append(f"{path.relative_to(src)}: declares {name}() itself; declare it in its module's header")
    return problems


def self_test():
    cases = {
        "common includes trace": {"common/a.c": '#include "trace/internal.h"\n', "trace/internal.h": ""},
        "common includes sdk": {"common/a.c": '#include "sdk/options.h"\n', "sdk/options.h": ""},
        "a cycle": {"trace/a.c": '#include "export/e.h"\n', "export/e.h": "",
                    "export/b.c": '#include "trace/t.h"\n', "trace/t.h": ""},
        "a prototype in a .c": {"trace/a.c": "int otel__x(int a,\n    int b);\nint f(void) { return 0; }\n"},
    }
    clean = {"common/a.c": '#include "common/b.h"\nstatic int otel__y(void);\nint otel__z(void) { return 1; }\n'
                           "void g(void) { int otel__w(void); }\nconst char *s = \"http://x otel__q(x);\";\nconst char c = '{';\n",
             "common/b.h": "int otel__z(void);\n", "trace/t.c": '#include "common/b.h"\n'}
    ok = True
    for what, files in list(cases.items()) + [("a clean tree", clean)]:
        with tempfile.TemporaryDirectory() as d:
            for name, text in files.items():
                p = pathlib.Path(d, name)
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text)
            got = check(d)
            want_fail = what != "a clean tree"
            if bool(got) != want_fail:
                ok = False
                print(f"self-test: {what}: {'no violation found' if want_fail else got}")
            else:
                print(f"ok: {what}: {got[0] if got else 'no violation'}")
    return 0 if ok else 1


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    problems = check(sys.argv[1])
    for p in problems:
        print(p)
    graph = folder_includes(pathlib.Path(sys.argv[1]))
    for f in sorted(graph):
        print(f"{f}/ includes: {', '.join(sorted(graph[f])) or 'nothing above it'}")
    print(f"{len(problems)} layering violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
