#!/usr/bin/env python3
"""The enum values the ABI pins, checked by the compiler.

The API takes and returns plain `int` for kinds, codes and types, so abidiff
never sees the enums: changing OTEL_SPAN_KIND_PRODUCER from 3 to 4 would
break every caller compiled against the old header and pass abidiff. This
check compares every public enum constant with tests/abi/enums.txt:
- the constants are the enumerators of the preprocessed umbrella header
  (so X-macro lists such as otel_status count too), plus the integer
  #defines of the headers (trace flags, OTEL_TRACESTATE_MAX; not the
  OTEL_VERSION_* numbers, which follow the release);
- their values come from a program compiled against the headers and run,
  so any expression the header uses is evaluated as a C compiler does;
- a constant missing from the list, a listed one gone from the headers,
  or a value that differs fails. Counts such as OTEL_STAT__COUNT (a double
  underscore) grow with each version and are not pinned.

Usage: check_enums.py CC INCLUDE_ROOT LIST            check
       check_enums.py CC INCLUDE_ROOT LIST --write    add new constants to LIST
(INCLUDE_ROOT holds otel/otel.h)
--write refuses (and changes nothing) when a listed value changed or a
listed constant is gone: adding is fine, changing is an ABI break."""
import os
import pathlib
import re
import subprocess
import sys
import tempfile


def enumerators(cc, include_dir):
    """[(enum type name, [constant, ...]), ...] in header order."""
    pre = subprocess.run([cc, "-E", "-P", "-I", str(include_dir), str(include_dir / "otel" / "otel.h")],
                         check=True, capture_output=True, text=True).stdout
    groups = []
    for m in re.finditer(r"\benum\s+(\w*)\s*\{([^}]*)\}\s*(\w*)", pre):
        names = []
        for item in m.group(2).split(","):
            name = item.split("=")[0].strip()
            # OTEL_X__COUNT-style markers grow with each version by design
            if name and "__" not in name:
                names.append(name)
        groups.append((m.group(1) or m.group(3), names))
    flags = []
    for h in sorted((include_dir / "otel").glob("*.h")):
        for m in re.finditer(r"^#define\s+(OTEL_[A-Z0-9_]+)\s+(?:0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*\s*(?:/[*/].*)?$",
                             h.read_text(), re.M):
            if not m.group(1).startswith("OTEL_VERSION_"):  # these follow the release
                flags.append(m.group(1))
    if flags:
        groups.append(("integer #defines", flags))
    return groups


def values(cc, include_dir, names):
    """{constant: value} as the compiler evaluates them."""
    body = "".join(f'    printf("%s %lld\\n", "{n}", (long long)({n}));\n' for n in names)
    src = f"#include <otel/otel.h>\n#include <stdio.h>\nint main(void) {{\n{body}    return 0;\n}}\n"
    with tempfile.TemporaryDirectory() as tmp:
        c, exe = os.path.join(tmp, "enums.c"), os.path.join(tmp, "enums")
        pathlib.Path(c).write_text(src)
        subprocess.run([cc, "-std=c11", "-I", str(include_dir), c, "-o", exe], check=True)
        out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    return {n: int(v) for n, v in (line.split() for line in out.splitlines())}


def read_list(path):
    pinned = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, value = line.split()
            pinned[name] = int(value)
    return pinned


def main():
    cc, include_dir, list_path = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    write = "--write" in sys.argv[4:]
    groups = enumerators(cc, include_dir)
    names = [n for _, ns in groups for n in ns]
    actual = values(cc, include_dir, names)
    pinned = read_list(list_path) if list_path.exists() else {}

    problems = []
    for n in names:
        if n in pinned and pinned[n] != actual[n]:
            problems.append(f"{n} is {actual[n]} in the headers, pinned at {pinned[n]}: an ABI break")
    for n in sorted(set(pinned) - set(actual)):
        problems.append(f"{n} (pinned at {pinned[n]}) is gone from the headers: an ABI break")
    new = [n for n in names if n not in pinned]

    if write:
        if problems:
            for p in problems:
                print(p)
            print(f"{list_path.name} left unchanged: a pinned constant changed or went away")
            return 1
        lines = ["# Every public enum constant and its value: the ABI pins them (the API",
                 "# passes them as int, so abidiff cannot), and the integer #defines.",
                 "# Checked by check_enums.py (ctest surface.enums);",
                 "# `make abi-baseline` adds new constants and refuses changed ones."]
        for enum, ns in groups:
            lines.append(f"# {enum}")
            lines += [f"{n} {actual[n]}" for n in ns]
        list_path.write_text("\n".join(lines) + "\n")
        print(f"wrote {list_path} ({len(names)} constants, {len(new)} new)")
        return 0

    for n in new:
        problems.append(f"{n} = {actual[n]} is not pinned in {list_path.name} (make abi-baseline adds it)")
    for p in problems:
        print(p)
    print(f"{len(names)} constants, {len(pinned)} pinned, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
