/* otel_core._speedups: the span hot path for CPython, beside the cffi
 * module (which carries the whole surface). A cffi call packs its
 * arguments in a tuple and releases and retakes the GIL; per span that was
 * most of the time (docs/adr/0005-python-speedups.md). Here a span's start
 * converts the name and an attribute dict in place (UTF-8 the str objects
 * already cache), the span object is a C type released in its dealloc (no
 * Python finalizer), and end is one C method. Anything unusual (another
 * mapping type, arrays, odd numbers, more than 16 attributes) is left to
 * the cffi path: start returns NotImplemented. Links against the one shared
 * libotel_core.so.1. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <otel/otel.h>

/* attributes converted on the stack; more go through cffi */
#define FAST_ATTRS 16

/* The base of otel_core.Span: one reference to the C span (released when
 * the object goes), the C context made for it on demand (children and C
 * code take it as their parent), and caches the Python layer fills. */
typedef struct {
    PyObject_HEAD
    otel_span *span;
    otel_context *ctx;
    int kind;
    PyObject *cdata;        /* the span as cffi cdata, made when asked for */
    PyObject *span_context; /* its SpanContext, read once */
} SpanBase;

static PyTypeObject SpanBase_Type;
static PyObject *ns_converter; /* otel_core._ns: an end_time to ns */
static PyObject *adopt_token;  /* what the package passes to make a Span from an address */
static PyObject *empty_tuple;

static int span_traverse(SpanBase *self, visitproc visit, void *arg) {
    Py_VISIT(self->cdata);
    Py_VISIT(self->span_context);
    return 0;
}

static int span_clear(SpanBase *self) {
    Py_CLEAR(self->cdata);
    Py_CLEAR(self->span_context);
    return 0;
}

static void span_dealloc(SpanBase *self) {
    PyObject_GC_UnTrack(self);
    span_clear(self);
    otel_context_release(self->ctx);
    otel_span_release(self->span);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* SpanBase(address, kind, token): takes over the one reference at
 * `address` (an otel_span * as an int; 0 is a no-op span). Only the package
 * makes spans this way: `token` must be the one _setup was given, so a
 * user's Span(...) is a TypeError, never a wild pointer. */
static PyObject *span_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static char *names[] = {"address", "kind", "token", NULL};
    unsigned long long addr = 0;
    int kind = 1;
    PyObject *token = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|KiO", names, &addr, &kind, &token) ||
        token != adopt_token || !adopt_token) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError,
                        "otel_core.Span cannot be made directly: use a tracer's start_span or "
                        "start_as_current_span");
        return NULL;
    }
    SpanBase *self = (SpanBase *)type->tp_alloc(type, 0);
    if (!self) return NULL;
    self->span = (otel_span *)(uintptr_t)addr;
    self->kind = kind;
    return (PyObject *)self;
}

/* end(end_time=None): ends the span; the object keeps its own reference. */
static PyObject *span_end(SpanBase *self, PyObject *const *args, Py_ssize_t nargs,
                          PyObject *kwnames) {
    PyObject *end_time = nargs > 0 ? args[0] : Py_None;
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    if (nargs > 1 || nargs + nkw > 1) {
        PyErr_SetString(PyExc_TypeError, "end() takes at most one argument (end_time)");
        return NULL;
    }
    if (nkw) {
        PyObject *k = PyTuple_GET_ITEM(kwnames, 0);
        if (!PyUnicode_Check(k) || PyUnicode_CompareWithASCIIString(k, "end_time") != 0) {
            PyErr_Format(PyExc_TypeError, "end() got an unexpected keyword argument %R", k);
            return NULL;
        }
        end_time = args[0];
    }
    uint64_t ns = 0;
    if (end_time != Py_None) {
        PyObject *v = PyObject_CallFunctionObjArgs(ns_converter, end_time, NULL);
        if (!v) return NULL;
        ns = PyLong_AsUnsignedLongLong(v);
        Py_DECREF(v);
        if (PyErr_Occurred()) return NULL;
    }
    otel_span *s = otel_span_retain(self->span);
    /* a synchronous processor exports inside end: other threads run meanwhile */
    Py_BEGIN_ALLOW_THREADS
    otel_span_end_at(s, ns);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

/* _context_address(): the otel_context * holding this span (made once,
 * owned by this object) as an int. */
static PyObject *span_context_address(SpanBase *self, PyObject *unused) {
    (void)unused;
    if (!self->ctx && self->span) {
        self->ctx = otel_context_with_span(otel_context_root(), self->span);
        if (!self->ctx) return PyErr_NoMemory();
    }
    return PyLong_FromVoidPtr(self->ctx ? (void *)self->ctx : (void *)otel_context_root());
}

/* _c_attach(): makes the span current in C on this thread (for C code
 * called inside a synchronous block); returns the token for _c_detach. The
 * context is the span's own (made once), so this allocates nothing. */
static PyObject *span_c_attach(SpanBase *self, PyObject *unused) {
    (void)unused;
    if (!self->span) return PyLong_FromLong(0);
    if (!self->ctx) {
        self->ctx = otel_context_with_span(otel_context_root(), self->span);
        if (!self->ctx) return PyErr_NoMemory();
    }
    return PyLong_FromUnsignedLongLong(otel_context_attach(self->ctx));
}

static PyObject *span_is_recording(SpanBase *self, PyObject *unused) {
    (void)unused;
    return PyBool_FromLong(otel_span_is_recording(self->span));
}

static PyMethodDef span_methods[] = {
    {"end", (PyCFunction)(void (*)(void))span_end, METH_FASTCALL | METH_KEYWORDS,
     "end(end_time=None): ends the span (later calls are ignored)."},
    {"is_recording", (PyCFunction)span_is_recording, METH_NOARGS,
     "True while the span records (sampled and not ended)."},
    {"_c_attach", (PyCFunction)span_c_attach, METH_NOARGS,
     "Makes the span current in C on this thread; returns a token for _c_detach."},
    {"_context_address", (PyCFunction)span_context_address, METH_NOARGS,
     "The otel_context * holding this span, as an int (owned by the span)."},
    {NULL, NULL, 0, NULL},
};

static PyObject *span_address(SpanBase *self, void *unused) {
    (void)unused;
    return PyLong_FromVoidPtr(self->span);
}

static PyGetSetDef span_getset[] = {
    {"_addr", (getter)span_address, NULL, "the otel_span * as an int", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef span_members[] = {
    {"_kind", T_INT, offsetof(SpanBase, kind), READONLY, "the C span kind"},
    {"_hc", T_OBJECT, offsetof(SpanBase, cdata), 0, "cache: the span as cffi cdata"},
    {"_span_context", T_OBJECT, offsetof(SpanBase, span_context), 0, "cache: the SpanContext"},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject SpanBase_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "otel_core._speedups.SpanBase",
    .tp_basicsize = sizeof(SpanBase),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The C part of otel_core.Span.",
    .tp_new = span_new,
    .tp_dealloc = (destructor)span_dealloc,
    .tp_traverse = (traverseproc)span_traverse,
    .tp_clear = (inquiry)span_clear,
    .tp_methods = span_methods,
    .tp_members = span_members,
    .tp_getset = span_getset,
};

/* A str as UTF-8 without a copy (CPython caches it in the object); NULL,
 * with no exception set, when it cannot be encoded (lone surrogates: the
 * cffi path encodes those with surrogatepass). */
static const char *utf8(PyObject *s, Py_ssize_t *len) {
    const char *p = PyUnicode_AsUTF8AndSize(s, len);
    if (!p) PyErr_Clear();
    return p;
}

/* The attributes of an exact dict of str keys to str, bool, int (int64)
 * or float; 0 when something else is in it (the caller falls back). */
static int convert_attrs(PyObject *dict, otel_attr *out, size_t *n) {
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    *n = 0;
    if (PyDict_GET_SIZE(dict) > FAST_ATTRS) return 0;
    while (PyDict_Next(dict, &pos, &k, &v)) {
        otel_attr *a = &out[(*n)++];
        memset(a, 0, sizeof *a);
        Py_ssize_t len;
        if (!PyUnicode_CheckExact(k) || !(a->key = utf8(k, &len))) return 0;
        a->key_len = (size_t)len;
        if (PyUnicode_CheckExact(v)) {
            if (!(a->ptr = utf8(v, &len))) return 0;
            a->type = OTEL_VALUE_STRING;
            a->len = (size_t)len;
        } else if (v == Py_True || v == Py_False) {
            a->type = OTEL_VALUE_BOOL;
            a->bool_value = v == Py_True;
        } else if (PyLong_CheckExact(v)) {
            int overflow;
            long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
            if (overflow) return 0; /* the cffi path raises the clear error */
            a->type = OTEL_VALUE_INT64;
            a->int_value = x;
        } else if (PyFloat_CheckExact(v)) {
            a->type = OTEL_VALUE_DOUBLE;
            a->double_value = PyFloat_AS_DOUBLE(v);
        } else {
            return 0;
        }
    }
    return 1;
}

/* start(tracer, name, kind, parent, attributes, cls): a new `cls` (a
 * SpanBase subclass) for a span started now as a child of `parent` (a
 * SpanBase, or None for a new trace). `tracer` is the otel_tracer * as an
 * int. NotImplemented when the input needs the general path. */
static PyObject *start(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "start() takes 6 arguments");
        return NULL;
    }
    PyObject *name = args[1], *parent = args[3], *attrs = args[4], *cls = args[5];
    otel_tracer *tracer = (otel_tracer *)PyLong_AsVoidPtr(args[0]);
    int kind = (int)PyLong_AsLong(args[2]);
    if (PyErr_Occurred()) return NULL;
    if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, &SpanBase_Type)) {
        PyErr_SetString(PyExc_TypeError, "start(): cls must be a SpanBase subclass");
        return NULL;
    }
    Py_ssize_t name_len;
    const char *name_utf8 = PyUnicode_CheckExact(name) ? utf8(name, &name_len) : NULL;
    if (!name_utf8 || (parent != Py_None && !PyObject_TypeCheck(parent, &SpanBase_Type)))
        Py_RETURN_NOTIMPLEMENTED;
    otel_attr buf[FAST_ATTRS];
    size_t n = 0;
    if (attrs != Py_None) {
        if (!PyDict_CheckExact(attrs) || !convert_attrs(attrs, buf, &n))
            Py_RETURN_NOTIMPLEMENTED;
    }
    otel_context *ctx = otel_context_root();
    if (parent != Py_None) {
        SpanBase *p = (SpanBase *)parent;
        if (!p->ctx && p->span) /* kept: a parent usually has more children */
            p->ctx = otel_context_with_span(otel_context_root(), p->span);
        if (p->ctx) ctx = p->ctx;
    }
    SpanBase *self = (SpanBase *)((PyTypeObject *)cls)->tp_alloc((PyTypeObject *)cls, 0);
    if (!self) return NULL;
    self->kind = kind;
    self->span = otel_tracer_start_span_n(tracer, name_utf8, (size_t)name_len, kind, ctx, buf, n,
                                          NULL, 0, 0);
    return (PyObject *)self;
}

/* _setup(ns, token): the converter end(end_time) uses, and the token that
 * lets the package (only) make a Span from an address. */
static PyObject *setup(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *ns, *token;
    if (!PyArg_ParseTuple(args, "OO", &ns, &token)) return NULL;
    if (!PyCallable_Check(ns)) {
        PyErr_SetString(PyExc_TypeError, "_setup needs a callable");
        return NULL;
    }
    Py_INCREF(ns);
    Py_XSETREF(ns_converter, ns);
    Py_INCREF(token);
    Py_XSETREF(adopt_token, token);
    Py_RETURN_NONE;
}

/* _set_current(cv, context_type, key, span): what
 * opentelemetry.context.attach(set_span_in_context(span)) does for the API's
 * ContextVar runtime: a copy of the current Context (a dict subclass) with
 * `key` set, made current; returns the ContextVar token. The item is set
 * with dict's own setitem (Context forbids it once published; this one is
 * new and not shared yet), the copy made by dict_new and update. */
static PyObject *set_current(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 4 || !PyType_Check(args[1]) ||
        !PyType_IsSubtype((PyTypeObject *)args[1], &PyDict_Type)) {
        PyErr_SetString(PyExc_TypeError, "_set_current(cv, context_type, key, span)");
        return NULL;
    }
    PyObject *cur = NULL;
    if (PyContextVar_Get(args[0], NULL, &cur) < 0) return NULL;
    PyTypeObject *ct = (PyTypeObject *)args[1];
    PyObject *ctx = ct->tp_new(ct, empty_tuple, NULL);
    if (!ctx) {
        Py_XDECREF(cur);
        return NULL;
    }
    if ((cur && PyDict_Check(cur) && PyDict_Update(ctx, cur) < 0) ||
        PyDict_SetItem(ctx, args[2], args[3]) < 0) {
        Py_XDECREF(cur);
        Py_DECREF(ctx);
        return NULL;
    }
    Py_XDECREF(cur);
    PyObject *token = PyContextVar_Set(args[0], ctx);
    Py_DECREF(ctx);
    return token;
}

/* _reset_current(cv, token): undoes _set_current. */
static PyObject *reset_current(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "_reset_current(cv, token)");
        return NULL;
    }
    if (PyContextVar_Reset(args[0], args[1]) < 0) return NULL;
    Py_RETURN_NONE;
}

/* _c_detach(token): undoes one _c_attach (0: nothing). */
static PyObject *c_detach(PyObject *module, PyObject *token) {
    (void)module;
    unsigned long long t = PyLong_AsUnsignedLongLong(token);
    if (t == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    if (t) otel_context_detach(t);
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"start", (PyCFunction)(void (*)(void))start, METH_FASTCALL,
     "start(tracer, name, kind, parent, attributes, cls): a started span or NotImplemented."},
    {"_c_detach", c_detach, METH_O, "_c_detach(token): undoes a Span._c_attach()."},
    {"_set_current", (PyCFunction)(void (*)(void))set_current, METH_FASTCALL,
     "_set_current(cv, context_type, key, span): a Context with span made current; its token."},
    {"_reset_current", (PyCFunction)(void (*)(void))reset_current, METH_FASTCALL,
     "_reset_current(cv, token): undoes _set_current."},
    {"_setup", setup, METH_VARARGS, "_setup(ns, token): the end_time converter, the Span token."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "otel_core._speedups",
    "The span hot path of otel_core for CPython (see otel_core.Span).", -1, module_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    if (PyType_Ready(&SpanBase_Type) < 0) return NULL;
    if (!empty_tuple && !(empty_tuple = PyTuple_New(0))) return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m) return NULL;
    Py_INCREF(&SpanBase_Type);
    if (PyModule_AddObject(m, "SpanBase", (PyObject *)&SpanBase_Type) < 0) {
        Py_DECREF(&SpanBase_Type);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
