"""Checks what the real Collector wrote for one run of examples/polyglot:
one request (one line of the file exporter), one trace, the parent chain
crossing the languages, every scope present. Prints PASS/FAIL lines and
"N passed, N failed"."""
import json
import sys

lines = [l for l in open(sys.argv[1]).read().splitlines() if l.strip()]
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + detail))


check("one export request reached the collector", len(lines) == 1, "%d requests" % len(lines))
spans = {}
for line in lines:
    for rs in json.loads(line)["resourceSpans"]:
        for ss in rs["scopeSpans"]:
            for s in ss["spans"]:
                s["scope"] = ss["scope"]["name"]
                spans[s["name"]] = s
want = {"checkout": "polyglot.c", "python.cart": "polyglot.python", "lua.pricing": "polyglot.lua",
        "c.price_lookup": "polyglot.c", "ruby.invoice": "polyglot.ruby",
        "c.validate_address": "polyglot.c", "c.audit": "polyglot.c"}
check("every span arrived", set(spans) == set(want), "got %s" % sorted(spans))
if set(spans) == set(want):
    check("every span under its language's scope",
          all(spans[n]["scope"] == sc for n, sc in want.items()),
          str({n: spans[n]["scope"] for n in spans}))
    check("one trace", len({s["traceId"] for s in spans.values()}) == 1)
    root = spans["checkout"]
    check("the root has no parent", not root.get("parentSpanId"))
    for child in ("python.cart", "lua.pricing", "ruby.invoice", "c.validate_address", "c.audit"):
        check("%s is a child of the C root" % child, spans[child].get("parentSpanId") == root["spanId"])
    check("C called from Lua is a child of the Lua span",
          spans["c.price_lookup"].get("parentSpanId") == spans["lua.pricing"]["spanId"])
    attrs = {a["key"]: a["value"] for a in root["attributes"]}
    check("the root carries every attribute type",
          {"stringValue", "boolValue", "intValue", "doubleValue"} <= {next(iter(v)) for v in attrs.values()}
          and all(k in attrs for k in ("tags", "flags", "sizes", "ratios")), str(attrs))
    check("the root carries its event",
          [e["name"] for e in root.get("events", [])] == ["request.received"], str(root.get("events")))
    v = spans["c.validate_address"]
    check("an exception with ERROR status",
          v["status"].get("code") == 2 and v["events"][0]["name"] == "exception")
    check("a link", spans["c.audit"]["links"][0]["spanId"] == v["spanId"])
if len(sys.argv) > 2:
    metrics = {}
    for line in open(sys.argv[2]).read().splitlines():
        for rm in json.loads(line)["resourceMetrics"]:
            for sm in rm["scopeMetrics"]:
                for m in sm["metrics"]:
                    metrics[m["name"]] = m
    check("the metrics arrived", {"checkout.orders", "checkout.duration", "checkout.queue_depth"} <= set(metrics),
          str(sorted(metrics)))
    if "checkout.orders" in metrics:
        check("counter value", metrics["checkout.orders"]["sum"]["dataPoints"][0]["asInt"] == "1")
        check("histogram count", metrics["checkout.duration"]["histogram"]["dataPoints"][0]["count"] == "1")
        check("observable gauge", metrics["checkout.queue_depth"]["gauge"]["dataPoints"][0]["asDouble"] == 3)
print("%d passed, %d failed" % (results.count(True), results.count(False)))
sys.exit(0 if all(results) else 1)
