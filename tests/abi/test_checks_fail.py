#!/usr/bin/env python3
"""The ABI checks can fail: each is run on a mutated copy of its input and
must reject it (and must accept the unmutated input, or the rejections
would prove nothing).
- check_enums.py: OTEL_SPAN_KIND_PRODUCER, then OTEL_TRACE_FLAG_SAMPLED
  changed in a copy of the headers; a constant missing from a copy of
  enums.txt.
- check_abidiff.sh: a baseline whose otel_view_set_cardinality_limit takes
  `int` or `uint32_t limit` instead of `size_t limit` (the same comparison
  as a library whose parameter type changed: abidiff diffs the two sides'
  signatures; uint32_t is the case --headers-dir used to filter out);
  a baseline without otel_view_new; abidiff missing.
Usage: test_checks_fail.py CC ABIDIFF LIB SOURCE_DIR"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

cc, abidiff, lib, src = sys.argv[1], sys.argv[2], sys.argv[3], pathlib.Path(sys.argv[4])
abi = src / "tests" / "abi"
passed = failed = 0


def run(cmd):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def expect(what, rc, out, ok_rc, needle=None):
    global passed, failed
    good = (rc == 0) == ok_rc and (needle is None or needle in out)
    print(f"{'ok' if good else 'FAIL'}: {what}")
    if not good:
        print("  rc", rc, "output:", "\n  ".join(out.splitlines()[-8:]))
    passed, failed = passed + good, failed + (not good)


def enums(include, listing):
    return run([sys.executable, abi / "check_enums.py", cc, include, listing])


def abidiff_check(baseline, tool=abidiff):
    return run([abi / "check_abidiff.sh", tool, baseline, lib, src / "libotel_core" / "libotel_core.map"])


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    expect("check_enums accepts the headers as they are", *enums(src / "include", abi / "enums.txt"), True)

    # each mutation on a fresh copy of the headers, so each is rejected alone
    for header, old, new, said in (
            ("trace.h", "OTEL_SPAN_KIND_PRODUCER = 4,", "OTEL_SPAN_KIND_PRODUCER = 6,",
             "OTEL_SPAN_KIND_PRODUCER is 6 in the headers, pinned at 4"),
            ("context.h", "#define OTEL_TRACE_FLAG_SAMPLED 0x01", "#define OTEL_TRACE_FLAG_SAMPLED 0x04",
             "OTEL_TRACE_FLAG_SAMPLED is 4 in the headers, pinned at 1")):
        inc = tmp / f"include-{header}"
        shutil.copytree(src / "include", inc)
        path = inc / "otel" / header
        text = path.read_text()
        assert old in text, f"{header} no longer has '{old}': update this test"
        path.write_text(text.replace(old, new))
        expect(f"check_enums rejects {new.strip(',')} ({header})", *enums(inc, abi / "enums.txt"), False, said)

    short = tmp / "enums.txt"
    short.write_text("".join(l for l in (abi / "enums.txt").read_text().splitlines(True)
                             if not l.startswith("OTEL_STATUS_CODE_ERROR ")))
    expect("check_enums rejects a constant that is not pinned", *enums(src / "include", short), False,
           "OTEL_STATUS_CODE_ERROR = 2 is not pinned")

    baseline = (abi / "libotel_core.abi").read_text()
    expect("check_abidiff accepts the library against its baseline", *abidiff_check(abi / "libotel_core.abi"), True)

    decl = re.search(r"<function-decl name='otel_view_set_cardinality_limit'.*?</function-decl>", baseline, re.S)
    limit = re.search(r"<parameter type-id='([^']+)' name='limit'", decl.group(0))
    for kind, pattern in (("int", r"<type-decl name='int' size-in-bits='32' id='([^']+)'"),
                          ("uint32_t", r"<typedef-decl name='uint32_t' [^>]*id='([^']+)'")):
        type_id = re.search(pattern, baseline).group(1)
        mutated = decl.group(0).replace(limit.group(0), f"<parameter type-id='{type_id}' name='limit'")
        changed = tmp / f"changed-{kind}.abi"
        changed.write_text(baseline[:decl.start()] + mutated + baseline[decl.end():])
        expect(f"check_abidiff rejects otel_view_set_cardinality_limit taking {kind} (not size_t)",
               *abidiff_check(changed), False, "otel_view_set_cardinality_limit")

    lacking = tmp / "lacking.abi"
    lacking.write_text("".join(l for l in baseline.splitlines(True) if "<elf-symbol name='otel_view_new'" not in l))
    expect("check_abidiff rejects a baseline without a mapped symbol", *abidiff_check(lacking), False,
           "  otel_view_new")

    expect("check_abidiff fails when abidiff is missing",
           *abidiff_check(abi / "libotel_core.abi", tool=tmp / "no-abidiff"), False, "abidiff not found")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
