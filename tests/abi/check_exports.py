#!/usr/bin/env python3
"""The public surface, checked against the built library:
- the shared object exports only otel_ symbols;
- every exported symbol is in the version script, and every name in the
  version script is exported;
- every OTEL_API function in the headers is exported;
- every OTEL_API declaration has a /** doc comment right above it.
Usage: check_exports.py LIB INCLUDE_DIR MAP"""
import pathlib
import re
import subprocess
import sys

lib, include_dir, map_file = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
problems = []

nm = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True, text=True)
exported = set()
for line in nm.stdout.splitlines():
    parts = line.split()
    if len(parts) < 3:
        continue
    name = parts[2].split("@")[0]
    if re.fullmatch(r"OTEL_CORE_[0-9_.]+", name) or name in ("_init", "_fini"):
        continue
    exported.add(name)
for name in sorted(exported):
    if not name.startswith("otel_") or name.startswith("otel__"):
        problems.append(f"exported symbol without the otel_ prefix or internal: {name}")

mapped = set(re.findall(r"^\s+(otel_[a-z0-9_]+);", map_file.read_text(), re.M))
for name in sorted(exported - mapped):
    problems.append(f"exported but not in {map_file.name}: {name}")
for name in sorted(mapped - exported):
    problems.append(f"in {map_file.name} but not exported (not defined?): {name}")

decl = re.compile(r"OTEL_API\s+[^;{]*?\b(otel_[a-z0-9_]+)\s*\(", re.S)
declared = set()
for h in sorted(include_dir.glob("*.h")):
    text = h.read_text()
    for m in decl.finditer(text):
        name = m.group(1)
        declared.add(name)
        before = text[:m.start()].rstrip()
        if not before.endswith("*/") or "/**" not in before[before.rfind("/*") - 1:]:
            problems.append(f"{h.name}: {name} has no /** doc comment above it")
for name in sorted(declared - exported):
    problems.append(f"declared OTEL_API but not exported: {name}")
for name in sorted(exported - declared):
    problems.append(f"exported but not declared in a public header: {name}")

for p in problems:
    print(p)
print(f"{len(exported)} exported symbols, {len(declared)} declared, {len(problems)} problems")
sys.exit(1 if problems else 0)
