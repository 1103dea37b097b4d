#!/usr/bin/env python3
"""Compares what a real OpenTelemetry Collector wrote (its file exporter:
OTLP/JSON, one ExportTraceServiceRequest per line) with what
tests/interop/otlp_driver sent (the fixture in
tests/unit/export/otlp_fixture.h), field by field.

    check_collector.py OUTPUT.jsonl SERVICE_NAME

Exits 0 when the three fixture spans of that service arrived exactly once
and intact; otherwise prints every difference and exits 1.
"""
import json
import sys

START = 1700000000123456789
SCHEMA = "https://opentelemetry.io/schemas/1.21.0"


def gen_id(n, length):
    # tests/unit/export/otlp_fixture.h fix_ids(): 0x10+i, last byte n, first 0xAA/0xBB
    b = [0x10 + i for i in range(length)]
    b[-1] = n
    b[0] = 0xAA if length == 16 else 0xBB
    return bytes(b).hex()


PARENT_TRACE = "5b8efff798038103d269b633813fc60c"
PARENT_SPAN = "eee19b7ec3c1b174"
FULL_SPAN = gen_id(1, 8)
CHILD_SPAN = gen_id(2, 8)
OTHER_TRACE = gen_id(3, 16)
OTHER_SPAN = gen_id(4, 8)

S, B, I, D, A = "stringValue", "boolValue", "intValue", "doubleValue", "arrayValue"

FULL_ATTRS = {
    "str": (S, 'value "quoted"\n'),
    "str.empty": (S, ""),
    "bool.true": (B, True),
    "bool.false": (B, False),
    "int.neg": (I, -42),
    "int.max": (I, 2**63 - 1),
    "int.zero": (I, 0),
    "double": (D, 3.25),
    "double.zero": (D, 0.0),
    "arr.str": (A, [(S, "a"), (S, ""), (S, "\u00fc")]),
    "arr.bool": (A, [(B, True), (B, False)]),
    "arr.int": (A, [(I, 1), (I, -2), (I, -(2**63))]),
    "arr.double": (A, [(D, 1.5), (D, -0.25)]),
    "arr.empty": (A, []),
    "unicode": (S, "h\u00e9llo \u20ac \U0001F600"),
    "ctl": (S, "tab\there\x01"),
}

errors = []


def err(msg):
    errors.append(msg)


def any_value(v):
    """Normalizes an OTLP/JSON AnyValue to (type, python value)."""
    if not isinstance(v, dict) or len(v) > 1:
        return ("?", v)
    if not v:
        return ("empty", None)
    (k, x), = v.items()
    if k == I:
        return (I, int(x))
    if k == D:
        return (D, float(x))
    if k == A:
        return (A, [any_value(e) for e in x.get("values", [])])
    return (k, x)


def attrs_of(obj):
    return {kv["key"]: any_value(kv.get("value", {})) for kv in obj.get("attributes", [])}


def eq(where, got, want):
    if got != want:
        err("%s: got %r, want %r" % (where, got, want))


def u64(x):
    return int(x) if x is not None else 0


def check_full(s):
    w = "full-span"
    eq(w + ".traceId", s.get("traceId", "").lower(), PARENT_TRACE)
    eq(w + ".spanId", s.get("spanId", "").lower(), FULL_SPAN)
    eq(w + ".parentSpanId", s.get("parentSpanId", "").lower(), PARENT_SPAN)
    eq(w + ".traceState", s.get("traceState"), "rojo=00f067aa0ba902b7")
    eq(w + ".flags", s.get("flags"), 0x301)
    eq(w + ".kind", s.get("kind"), 2)
    eq(w + ".startTimeUnixNano", u64(s.get("startTimeUnixNano")), START)
    eq(w + ".endTimeUnixNano", u64(s.get("endTimeUnixNano")), START + 1234567)
    got = attrs_of(s)
    for k, want in FULL_ATTRS.items():
        g = got.get(k)
        if k == "str.empty" and g == ("empty", None):
            err(w + ".attributes[str.empty]: the empty string lost its type")
        eq(w + ".attributes[%s]" % k, g, want)
    extra = set(got) - set(FULL_ATTRS)
    if extra:
        err(w + ": unexpected attributes %r" % sorted(extra))
    eq(w + ".droppedAttributesCount", s.get("droppedAttributesCount", 0), 1)
    ev = s.get("events", [])
    eq(w + ".events[].name", [e.get("name") for e in ev], ["ev1", "ev2", "ev3"])
    eq(w + ".events[].timeUnixNano", [u64(e.get("timeUnixNano")) for e in ev],
       [START + 10, START + 20, START + 30])
    if ev:
        eq(w + ".events[0].attributes", attrs_of(ev[0]), {"ev.k": (S, "v")})
        eq(w + ".events[0].droppedAttributesCount", ev[0].get("droppedAttributesCount", 0), 1)
    eq(w + ".droppedEventsCount", s.get("droppedEventsCount", 0), 1)
    links = s.get("links", [])
    eq(w + ".links count", len(links), 1)
    if links:
        l0 = links[0]
        eq(w + ".links[0].traceId", l0.get("traceId", "").lower(), "4bf92f3577b34da6a3ce929d0e0e4736")
        eq(w + ".links[0].spanId", l0.get("spanId", "").lower(), "00f067aa0ba902b7")
        eq(w + ".links[0].traceState", l0.get("traceState"), "vendor=x")
        eq(w + ".links[0].attributes", attrs_of(l0), {"link.attr": (I, 7)})
        eq(w + ".links[0].flags", l0.get("flags"), 0x301)
    eq(w + ".droppedLinksCount", s.get("droppedLinksCount", 0), 1)
    st = s.get("status", {})
    eq(w + ".status.code", st.get("code", 0), 2)
    eq(w + ".status.message", st.get("message", ""), "boom")


def check_child(s):
    w = "child-span"
    eq(w + ".traceId", s.get("traceId", "").lower(), PARENT_TRACE)
    eq(w + ".spanId", s.get("spanId", "").lower(), CHILD_SPAN)
    eq(w + ".parentSpanId", s.get("parentSpanId", "").lower(), FULL_SPAN)
    eq(w + ".flags", s.get("flags"), 0x101)
    eq(w + ".kind", s.get("kind"), 3)
    eq(w + ".startTimeUnixNano", u64(s.get("startTimeUnixNano")), START + 100)
    eq(w + ".endTimeUnixNano", u64(s.get("endTimeUnixNano")), START + 200)
    eq(w + ".status.code", s.get("status", {}).get("code", 0), 1)
    eq(w + ".attributes", s.get("attributes", []), [])


def check_other(s):
    w = "other-scope-span"
    eq(w + ".traceId", s.get("traceId", "").lower(), OTHER_TRACE)
    eq(w + ".spanId", s.get("spanId", "").lower(), OTHER_SPAN)
    eq(w + ".parentSpanId", s.get("parentSpanId", ""), "")
    eq(w + ".flags", s.get("flags"), 0x103)
    eq(w + ".kind", s.get("kind"), 1)
    eq(w + ".startTimeUnixNano", u64(s.get("startTimeUnixNano")), START + 300)
    eq(w + ".endTimeUnixNano", u64(s.get("endTimeUnixNano")), START + 400)
    eq(w + ".status.code", s.get("status", {}).get("code", 0), 0)


def main():
    path, service = sys.argv[1], sys.argv[2]
    found = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            req = json.loads(line)
            for rs in req.get("resourceSpans", []):
                ra = attrs_of(rs.get("resource", {}))
                if ra.get("service.name") != (S, service):
                    continue
                eq("resource[deployment.environment]", ra.get("deployment.environment"), (S, "test"))
                eq("resource[host.name]", ra.get("host.name"), (S, "fixture"))
                eq("resource[telemetry.sdk.language]", ra.get("telemetry.sdk.language"), (S, "c"))
                eq("resource[telemetry.sdk.name]", ra.get("telemetry.sdk.name"), (S, "opentelemetry"))
                for ss in rs.get("scopeSpans", []):
                    sc = ss.get("scope", {})
                    for s in ss.get("spans", []):
                        found.setdefault(s.get("name"), []).append((sc, ss.get("schemaUrl", ""), s))
    for name, fn, scope, version, schema, sattrs in [
        ("full-span", check_full, "fixture.scope", "1.2.3", SCHEMA, {"scope.attr": (S, "yes")}),
        ("child-span", check_child, "fixture.scope", "1.2.3", SCHEMA, {"scope.attr": (S, "yes")}),
        ("other-scope-span", check_other, "other.scope", "", "", {}),
    ]:
        got = found.get(name, [])
        if len(got) != 1:
            err("%s: arrived %d times, want once" % (name, len(got)))
            continue
        sc, sschema, s = got[0]
        eq(name + " scope.name", sc.get("name"), scope)
        eq(name + " scope.version", sc.get("version", ""), version)
        eq(name + " scope.attributes", attrs_of(sc), sattrs)
        eq(name + " scopeSpans.schemaUrl", sschema, schema)
        fn(s)
    extra = set(found) - {"full-span", "child-span", "other-scope-span"}
    if extra:
        err("unexpected spans %r" % sorted(extra))
    for e in errors:
        print("  " + e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
