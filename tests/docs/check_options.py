#!/usr/bin/env python3
"""The option table, the README and the sources agree (docs/adr/0006):

1. every OTEL_* name the README's tables list in their first column is
   honoured: in the library's option table, read through its public
   enumeration (otel_option_next and the accessors: list_options.c);
   a name ending in `*` stands for every table name it prefixes;
2. every honoured name is documented: named in a README table row, or
   covered by such a `*` row;
3. every complete "OTEL_..." string literal in libotel_core/src is in the
   table (a module reading a name the table lacks is a bug; names built at
   run time are caught by the unit-test build, which aborts on them).

Usage: check_options.py LIST_OPTIONS README SRC_DIR
       check_options.py --self-test LIST_OPTIONS  (each rule fires on made-up input)
"""
import pathlib
import re
import subprocess
import sys
import tempfile

NAME = r"OTEL_[A-Z0-9_]+\*?"
ROW_NAME = re.compile(r"`(" + NAME + r")`")
LITERAL = re.compile(r'"(OTEL_[A-Z0-9_]*[A-Z0-9])"')


def table(lister):
    """[(name, type, default, description)] from the library's option table,
    as tests/docs/list_options.c prints it through the public API."""
    out = subprocess.run([str(lister)], check=True, capture_output=True, text=True).stdout
    rows = [tuple(line.split("\t")) for line in out.splitlines()]
    if not rows or any(len(r) != 4 for r in rows):
        raise SystemExit(f"{lister}: unexpected output:\n{out}")
    return rows


def readme_names(text):
    """(first-column names, every name in a table row) of the README's tables."""
    first, anywhere = set(), set()
    for line in text.splitlines():
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = line.split("|")[1:]
        head = ROW_NAME.findall(cells[0]) if cells else []
        first.update(head)
        if head:
            anywhere.update(ROW_NAME.findall(line))
    return first, anywhere


def covered(name, documented):
    return name in documented or any(d.endswith("*") and name.startswith(d[:-1]) for d in documented)


def check(names, readme_text, src):
    problems = []
    honoured = set(names)
    first, anywhere = readme_names(readme_text)
    for n in sorted(first):
        if n.endswith("*"):
            if not any(h.startswith(n[:-1]) for h in honoured):
                problems.append(f"README: `{n}` matches no option the library honours")
        elif n not in honoured:
            problems.append(f"README: `{n}` is documented but not in the option table (nothing reads it)")
    for n in sorted(honoured):
        if not covered(n, anywhere):
            problems.append(f"option table: {n} is honoured but no README table documents it")
    for path in sorted(pathlib.Path(src).rglob("*.[ch]")):
        if path.name.startswith("option_table."):
            continue  # the table itself
        for n in sorted(set(LITERAL.findall(path.read_text(errors="replace")))):
            if n not in honoured:
                problems.append(f"{path}: reads {n}, which is not in the option table")
    return problems


def self_test(lister):
    names = [r[0] for r in table(lister)]
    good = "| v | d |\n|---|---|\n" + "".join(f"| `{n}` | x | y |\n" for n in names)
    cases = {
        "a documented name nothing reads": (good + "| `OTEL_EXPORTER_PROMETHEUS_PORT` | 9464 | x |\n", ""),
        "a wildcard that matches nothing": (good + "| `OTEL_EXPORTER_ZIPKIN_*` | | x |\n", ""),
        "an honoured name left out": (good.replace(f"| `{names[0]}` | x | y |\n", ""), ""),
        "a source reading an unlisted name": (good, 'x = otel__opt_str(o, "OTEL_CONFIG_FILE");\n'),
    }
    ok = True
    for what, (readme, source) in list(cases.items()) + [("the clean input", (good, '"OTEL_SERVICE_NAME"'))]:
        with tempfile.TemporaryDirectory() as d:
            pathlib.Path(d, "m.c").write_text(source)
            got = check(names, readme, d)
        want_fail = what != "the clean input"
        if bool(got) != want_fail:
            ok = False
            print(f"self-test: {what}: {got if got else 'no problem found'}")
        else:
            print(f"ok: {what}: {got[0] if got else 'no problem'}")
    return 0 if ok else 1


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--self-test":
        return self_test(sys.argv[2])
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    rows = table(sys.argv[1])
    problems = check([r[0] for r in rows], pathlib.Path(sys.argv[2]).read_text(), sys.argv[3])
    for p in problems:
        print(p)
    print(f"{len(rows)} options in the table; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
