#!/usr/bin/env python3
"""Checks that proto/ is wire-identical to a reference copy of the OTLP
protos: same packages, messages, enums, field names, numbers, types and
labels. A proto3 `optional` field in the reference must appear in ours as a
one-field oneof named `_<field>` (what protoc desugars it into).

  scripts/check-proto.py <reference-proto-root>

Needs grpcio-tools (protoc as a Python module)."""
import pathlib
import sys
import tempfile

from grpc_tools import protoc
from google.protobuf import descriptor_pb2

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load(root):
    files = sorted(str(p.relative_to(root)) for p in pathlib.Path(root).rglob("*.proto"))
    with tempfile.NamedTemporaryFile(suffix=".pb") as out:
        rc = protoc.main(["protoc", f"-I{root}", "--include_imports",
                          f"--descriptor_set_out={out.name}"] + files)
        if rc:
            sys.exit(f"protoc failed on {root}")
        fds = descriptor_pb2.FileDescriptorSet.FromString(pathlib.Path(out.name).read_bytes())
    return {f.name: f for f in fds.file}


def shape(fd):
    rows = set()

    def msg(m, prefix):
        name = f"{prefix}.{m.name}"
        for f in m.field:
            oneof = None
            if f.HasField("oneof_index") and not f.proto3_optional:
                oneof = m.oneof_decl[f.oneof_index].name
                if oneof == "_" + f.name:
                    oneof = None  # our spelling of `optional`
            rows.add(("field", name, f.name, f.number, f.type, f.label, f.type_name, oneof))
        for r in m.reserved_range:
            rows.add(("reserved", name, r.start, r.end))
        for n in m.nested_type:
            msg(n, name)
        for e in m.enum_type:
            enum(e, name)

    def enum(e, prefix):
        for v in e.value:
            rows.add(("enum", f"{prefix}.{e.name}", v.name, v.number))

    for m in fd.message_type:
        msg(m, fd.package)
    for e in fd.enum_type:
        enum(e, fd.package)
    for s in fd.service:
        for meth in s.method:
            rows.add(("rpc", fd.package, s.name, meth.name, meth.input_type, meth.output_type))
    return rows


def main():
    ref, ours = load(sys.argv[1]), load(ROOT / "proto")
    bad = 0
    for name in sorted(set(ref) | set(ours)):
        if name not in ours or name not in ref:
            print(f"only in {'reference' if name in ref else 'ours'}: {name}")
            bad += 1
            continue
        a, b = shape(ref[name]), shape(ours[name])
        for row in sorted(a - b, key=str):
            print(f"{name}: missing {row}")
            bad += 1
        for row in sorted(b - a, key=str):
            print(f"{name}: extra {row}")
            bad += 1
    print(f"{len(ref)} files compared, {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
