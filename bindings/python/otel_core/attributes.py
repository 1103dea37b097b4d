"""Attributes across the boundary: a Python mapping into the C core's
otel_attr array (cached per attribute set: hot paths pass the same few
over and over), and an otel_attr the core gives back into a Python value."""
from ._core import _NULL, _b, ffi, lib

# the value types of otel_attr (enum otel_value_type)
_STRING, _BOOL, _INT64, _DOUBLE = (lib.OTEL_VALUE_STRING, lib.OTEL_VALUE_BOOL, lib.OTEL_VALUE_INT64,
                                   lib.OTEL_VALUE_DOUBLE)
_STRING_ARRAY, _BOOL_ARRAY, _INT64_ARRAY, _DOUBLE_ARRAY = (
    lib.OTEL_VALUE_STRING_ARRAY, lib.OTEL_VALUE_BOOL_ARRAY, lib.OTEL_VALUE_INT64_ARRAY,
    lib.OTEL_VALUE_DOUBLE_ARRAY)

_ATTR_CACHE = {}
_ATTR_CACHE_MAX = 4096
_SCALARS = frozenset((str, int, float, bool))
_NO_ATTRS = (ffi.NULL, 0, None)


def _attrs(attributes):
    """(otel_attr[] cdata, count, keep-alive) for a mapping of attributes.
    Sets of hashable values are converted once and reused: metric hot paths
    pass the same few sets over and over."""
    if not attributes:
        return _NO_ATTRS
    try:
        # the value types are part of the key: 1, 1.0 and True are equal
        # (and hash alike) in Python but are three attribute types
        key = (*attributes.items(), *map(type, attributes.values()))
        hit = _ATTR_CACHE.get(key)
        if hit is not None:
            return hit
    except (AttributeError, TypeError):  # not a mapping, or unhashable values
        key = None
    built = _build_attrs(attributes)
    # only sets of scalars are kept: a tuple's elements are not typed in
    # the key ((1,) == (True,), (1, 2) == (1.0, 2)); none being stored, a
    # lookup with one can never hit
    if key is not None and _SCALARS.issuperset(key[len(attributes):]):
        if len(_ATTR_CACHE) >= _ATTR_CACHE_MAX:
            _ATTR_CACHE.clear()
        _ATTR_CACHE[key] = built
    return built


_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1


def _build_attrs(attributes):
    if not hasattr(attributes, "items"):
        raise TypeError("attributes must be a mapping, not %s" % type(attributes).__name__)
    # str, int, float and bool values (the common case): rows that cffi
    # turns into the struct array in one call
    rows, keep = [], []
    for key, value in attributes.items():
        k = _KEYS.get(key)
        if k is None:
            k = _key_entry(key)
        t = type(value)
        if t is str:
            vb = value.encode("utf-8", "surrogatepass")
            keep.append(vb)
            rows.append((k[1], k[2], _STRING, 0, 0, 0.0, ffi.from_buffer(vb), len(vb)))
        elif t is int and _I64_MIN <= value <= _I64_MAX:
            rows.append((k[1], k[2], _INT64, 0, value, 0.0, _NULL, 0))
        elif t is float:
            rows.append((k[1], k[2], _DOUBLE, 0, 0, value, _NULL, 0))
        elif t is bool:
            rows.append((k[1], k[2], _BOOL, value, 0, 0.0, _NULL, 0))
        else:
            return _build_attrs_generic(attributes)
        keep.append(k)
    arr = ffi.new("otel_attr[]", rows)
    keep.append(arr)
    return arr, len(rows), keep


def _build_attrs_generic(attributes):
    n = len(attributes)
    arr = ffi.new("otel_attr[]", n)
    keep = [arr]
    i = 0
    for key, value in attributes.items():
        k = _KEYS.get(key)
        if k is None:
            k = _key_entry(key)
        keep.append(k)
        a = arr[i]
        a.key, a.key_len = k[1], k[2]
        _set_value(a, value, keep, key)
        i += 1
    return arr, i, keep


_KEYS = {}  # attribute key -> (UTF-8 bytes, pointer to them, length): keys repeat


def _key_entry(key):
    kb = _b(key, "attribute key")
    k = (kb, ffi.from_buffer(kb), len(kb))
    if type(key) is str:
        if len(_KEYS) >= _ATTR_CACHE_MAX:
            _KEYS.clear()
        _KEYS[key] = k
    return k


def _set_value(a, value, keep, key):
    if isinstance(value, bool):
        a.type, a.bool_value = _BOOL, int(value)
    elif isinstance(value, int):
        if not -(1 << 63) <= value < (1 << 63):
            raise ValueError("attribute %r: %d does not fit in int64" % (key, value))
        a.type, a.int_value = _INT64, value
    elif isinstance(value, float):
        a.type, a.double_value = _DOUBLE, value
    elif isinstance(value, (str, bytes)):
        vb = _b(value)
        keep.append(vb)
        a.type, a.ptr, a.len = _STRING, ffi.from_buffer(vb), len(vb)
    elif isinstance(value, (list, tuple)):
        _set_array(a, list(value), keep, key)
    else:
        raise TypeError("attribute %r: unsupported type %s" % (key, type(value).__name__))


def _set_array(a, values, keep, key):
    kinds = {type(v) for v in values}
    if not values or kinds <= {str}:
        strs = [_b(v) for v in values]
        arr = ffi.new("otel_str[]", max(len(strs), 1))
        for i, s in enumerate(strs):
            arr[i].ptr = ffi.from_buffer(s)
            arr[i].len = len(s)
        keep.extend(strs)
        keep.append(arr)
        a.type, a.ptr, a.len = _STRING_ARRAY, arr, len(strs)
    elif kinds == {bool}:
        arr = ffi.new("int[]", [int(v) for v in values])
        keep.append(arr)
        a.type, a.ptr, a.len = _BOOL_ARRAY, arr, len(values)
    elif kinds == {int}:
        if not all(_I64_MIN <= v <= _I64_MAX for v in values):
            raise ValueError("attribute %r: an array element does not fit in int64" % (key,))
        arr = ffi.new("int64_t[]", values)
        keep.append(arr)
        a.type, a.ptr, a.len = _INT64_ARRAY, arr, len(values)
    elif kinds <= {int, float}:
        try:
            arr = ffi.new("double[]", [float(v) for v in values])
        except OverflowError:
            raise ValueError("attribute %r: an array element does not fit in a double" % (key,)) from None
        keep.append(arr)
        a.type, a.ptr, a.len = _DOUBLE_ARRAY, arr, len(values)
    else:
        raise TypeError("attribute %r: arrays must hold one type (str, bool, int or float)" % (key,))


def _attr_value(a):
    t = a.type
    if t == _STRING:
        return ffi.unpack(ffi.cast("char *", a.ptr), a.len).decode("utf-8", "replace")
    if t == _BOOL:
        return bool(a.bool_value)
    if t == _INT64:
        return a.int_value
    if t == _DOUBLE:
        return a.double_value
    if t == _STRING_ARRAY:
        strs = ffi.cast("otel_str *", a.ptr)
        return [ffi.unpack(strs[i].ptr, strs[i].len).decode("utf-8", "replace") for i in range(a.len)]
    if t == _BOOL_ARRAY:
        return [bool(v) for v in ffi.unpack(ffi.cast("int *", a.ptr), a.len)]
    if t == _INT64_ARRAY:
        return list(ffi.unpack(ffi.cast("int64_t *", a.ptr), a.len))
    if t == _DOUBLE_ARRAY:
        return list(ffi.unpack(ffi.cast("double *", a.ptr), a.len))
    return None
