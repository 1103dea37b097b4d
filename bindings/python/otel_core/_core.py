"""The package's base: the cffi module compiled against libotel_core (ffi,
lib), the C hot path when it is there (ADR 0005), the errors, and the
argument converters every other module uses. Imports nothing else of the
package."""
import os

from ._native import ffi, lib

_ADOPT = object()  # passed by the package (only) to make a Span from an address

# CPython: the span hot path in C (ADR 0005); None elsewhere, and with
# OTEL_CORE_PY_SPEEDUPS=off, where cffi does it all
speedups = None
if os.environ.get("OTEL_CORE_PY_SPEEDUPS", "on").lower() not in ("0", "off", "false"):
    try:
        from . import _speedups as speedups
    except ImportError:
        speedups = None

_OK = lib.OTEL_OK
_ROOT = lib.otel_context_root()
_NULL = ffi.NULL


class OtelError(RuntimeError):
    """A libotel_core call failed; the message is the library's."""


class OtelValueError(OtelError, ValueError):
    """The library rejected an argument (invalid, unparsable, over a limit)."""


# the statuses that mean the caller's argument was at fault
_BAD_ARGUMENT = (lib.OTEL_ERR_INVALID_ARGUMENT, lib.OTEL_ERR_PARSE, lib.OTEL_ERR_LIMIT)


def _exc_text(exc):
    """str(exc), whatever the exception's __str__ does."""
    try:
        return str(exc)
    except Exception:
        return "<unprintable %s>" % type(exc).__qualname__


def _describe(exc_type, exc):
    """An ERROR status description."""
    return "%s: %s" % (exc_type.__name__, _exc_text(exc))


def _check(status, what):
    if status != _OK:
        cls = OtelValueError if status in _BAD_ARGUMENT else OtelError
        raise cls("%s: %s" % (what, ffi.string(lib.otel_last_error()).decode()))


def _ns(t, what="timestamp"):
    """A timestamp in ns since the epoch as uint64 (0: now)."""
    if t is None:
        return 0
    if isinstance(t, bool) or not isinstance(t, (int, float)):
        raise TypeError("%s must be int or float nanoseconds, not %s" % (what, type(t).__name__))
    if not 0 <= t < (1 << 64):
        raise ValueError("%s %r is out of range (ns since the epoch)" % (what, t))
    return int(t)


if speedups is not None:
    speedups._setup(lambda t: _ns(t, "end_time"), _ADOPT)


def _timeout_ms(t):
    """A timeout in ms as uint32 (longer ones are capped: ~49 days)."""
    if isinstance(t, bool) or not isinstance(t, (int, float)):
        raise TypeError("timeout_millis must be a number, not %s" % type(t).__name__)
    if not t >= 0:
        raise ValueError("timeout_millis must be >= 0, not %r" % (t,))
    return int(min(t, 0xFFFFFFFF))


def _b(s, what="value"):
    if isinstance(s, str):
        return s.encode("utf-8", "surrogatepass")
    if isinstance(s, (bytes, bytearray)):
        return bytes(s)
    raise TypeError("%s must be str, not %s" % (what, type(s).__name__))


def _addr(cdata):
    return int(ffi.cast("uintptr_t", cdata))
