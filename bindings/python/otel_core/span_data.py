"""A finished span as the in-memory exporter keeps it (otel_span_data),
read into a dict: TracerProvider.finished_spans()."""
from ._core import _OK, ffi, lib
from .attributes import _attr_value

_STATUS_NAMES = {lib.OTEL_STATUS_CODE_UNSET: "unset", lib.OTEL_STATUS_CODE_OK: "ok",
                 lib.OTEL_STATUS_CODE_ERROR: "error"}


def _span_data(d):
    n = ffi.new("size_t *")
    name = ffi.unpack(lib.otel_span_data_name(d, n), n[0]).decode()
    sc = ffi.new("otel_span_context *")
    lib.otel_span_data_context(d, sc)
    parent = ffi.new("uint8_t[8]")
    has_parent = lib.otel_span_data_parent_span_id(d, parent)
    attrs = {}
    a = ffi.new("otel_attr *")
    for i in range(lib.otel_span_data_attribute_count(d)):
        if lib.otel_span_data_attribute(d, i, a) == _OK:
            attrs[ffi.unpack(a.key, a.key_len).decode()] = _attr_value(a)
    cp, t, na = ffi.new("char **"), ffi.new("uint64_t *"), ffi.new("size_t *")
    events = []
    for i in range(lib.otel_span_data_event_count(d)):
        lib.otel_span_data_event(d, i, cp, n, t, na, ffi.NULL)
        ev = {"name": ffi.unpack(cp[0], n[0]).decode("utf-8", "replace"), "time_unix_nano": t[0],
              "attributes": {}}
        for k in range(na[0]):
            if lib.otel_span_data_event_attribute(d, i, k, a) == _OK:
                ev["attributes"][ffi.unpack(a.key, a.key_len).decode()] = _attr_value(a)
        events.append(ev)
    links = []
    lsc = ffi.new("otel_span_context *")
    for i in range(lib.otel_span_data_link_count(d)):
        lib.otel_span_data_link(d, i, lsc, ffi.NULL, ffi.NULL, na, ffi.NULL)
        ln = {"trace_id": bytes(lsc.trace_id).hex(), "span_id": bytes(lsc.span_id).hex(),
              "attributes": {}}
        for k in range(na[0]):
            if lib.otel_span_data_link_attribute(d, i, k, a) == _OK:
                ln["attributes"][ffi.unpack(a.key, a.key_len).decode()] = _attr_value(a)
        links.append(ln)
    msg = lib.otel_span_data_status_message(d, n)
    return {
        "name": name,
        "trace_id": bytes(sc.trace_id).hex(),
        "span_id": bytes(sc.span_id).hex(),
        "parent_span_id": bytes(parent).hex() if has_parent else None,
        "kind": lib.otel_span_data_kind(d),
        "start_time_unix_nano": lib.otel_span_data_start_time(d),
        "end_time_unix_nano": lib.otel_span_data_end_time(d),
        "attributes": attrs,
        "status": {"code": _STATUS_NAMES[lib.otel_span_data_status_code(d)],
                   "description": ffi.unpack(msg, n[0]).decode("utf-8", "replace") if msg else ""},
        "events": events,
        "links": links,
    }
