/* The compiled recorder: the scalar tracer's hot path in C (optional; analyzer/recorder.py picks
 * it when it is built and current, and falls back to the pure-Python tracer otherwise).
 *
 * It records exactly what the pure-Python tracer records, in the same order:
 *
 *   Recorder   a trace's append side: its op codes (the trace's bytearray), its values (the
 *              trace's list), its constants (the trace's dict), and the sources of the records
 *              not yet moved into the trace's arrays (two int32 buffers; Trace.unpack moves them).
 *   Scalar     a traced number (v, i, t): every operator appends one record and returns a new
 *              Scalar; a comparison returns a traced bool; bool(), hash(), index(), int() and
 *              float() are guards. Python methods (round, __array_ufunc__, ...) are added to the
 *              type by analyzer/tracers/scalar.py.
 *   Binary, Unary   the instrumented front-end's helpers (``__taxo_add__(a, b)``): operators on the
 *              run's Scalars and plain numbers are recorded, anything else runs the fallback.
 *   Count      the counters of a loop whose bound is dynamic: each one an ``index`` record.
 *
 * A record is the op's code, its first and second source (-1: none) and its value. Ids are
 * int32, as the trace's source arrays are.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>

#define NO_SOURCE (-1)
#define CONST_CACHE 16
#ifndef TAXO_SOURCE_DIGEST
#define TAXO_SOURCE_DIGEST ""       /* the build defines it: the sha256 of this file */
#endif

/* The ops this module records, in the order of OPS (their names in analyzer.ops.Op). */
enum {
    K_ADD, K_SUB, K_MUL, K_DIV, K_FLOORDIV, K_MOD, K_POW, K_AND, K_OR, K_XOR, K_LSHIFT, K_RSHIFT,
    K_LT, K_LE, K_GT, K_GE, K_EQ, K_NE,
    K_NEG, K_INVERT, K_ABS,
    K_BRANCH, K_KEY, K_INDEX, K_ESCAPE, K_CONST,
    K_COUNT
};
static const char *OP_NAMES[K_COUNT] = {
    "add", "sub", "mul", "div", "floordiv", "mod", "pow", "and", "or", "xor", "lshift", "rshift",
    "lt", "le", "gt", "ge", "eq", "ne",
    "neg", "invert", "abs",
    "branch", "key", "index", "escape", "const",
};
static unsigned char CODE[K_COUNT];     /* each op's code in the trace, set by configure() */
static int configured = 0;
static PyTypeObject *ScalarType = NULL;
static PyObject *str_recorder = NULL;   /* "_recorder": the attribute of a Trace */

static PyObject *
compute(int k, PyObject *a, PyObject *b)
{
    switch (k) {
    case K_ADD: return PyNumber_Add(a, b);
    case K_SUB: return PyNumber_Subtract(a, b);
    case K_MUL: return PyNumber_Multiply(a, b);
    case K_DIV: return PyNumber_TrueDivide(a, b);
    case K_FLOORDIV: return PyNumber_FloorDivide(a, b);
    case K_MOD: return PyNumber_Remainder(a, b);
    case K_POW: return PyNumber_Power(a, b, Py_None);
    case K_AND: return PyNumber_And(a, b);
    case K_OR: return PyNumber_Or(a, b);
    case K_XOR: return PyNumber_Xor(a, b);
    case K_LSHIFT: return PyNumber_Lshift(a, b);
    case K_RSHIFT: return PyNumber_Rshift(a, b);
    case K_LT: return PyObject_RichCompare(a, b, Py_LT);
    case K_LE: return PyObject_RichCompare(a, b, Py_LE);
    case K_GT: return PyObject_RichCompare(a, b, Py_GT);
    case K_GE: return PyObject_RichCompare(a, b, Py_GE);
    case K_EQ: return PyObject_RichCompare(a, b, Py_EQ);
    case K_NE: return PyObject_RichCompare(a, b, Py_NE);
    case K_NEG: return PyNumber_Negative(a);
    case K_INVERT: return PyNumber_Invert(a);
    case K_ABS: return PyNumber_Absolute(a);
    }
    PyErr_SetString(PyExc_SystemError, "_recorder: not a computing op");
    return NULL;
}

static int
name_to_op(PyObject *name)
{
    const char *s = PyUnicode_AsUTF8(name);
    if (s == NULL)
        return -1;
    for (int k = 0; k < K_COUNT; k++)
        if (strcmp(s, OP_NAMES[k]) == 0)
            return k;
    PyErr_Format(PyExc_ValueError, "_recorder records no op %R", name);
    return -1;
}

/* ---------------------------------------------------------------- Recorder */

typedef struct {
    PyObject_HEAD
    PyObject *ops;          /* bytearray: each record's op code */
    PyObject *values;       /* list: each record's value */
    PyObject *consts;       /* dict: (type, value) -> id of its CONST record */
    PyObject *extras;       /* dict: id -> ArrayCost of an array op */
    int32_t *src[2];        /* sources not yet moved into the trace's arrays */
    Py_ssize_t n[2], cap[2];
    /* constants met lately, by identity: a literal in a loop is one object every iteration, and
     * the same object is the same (type, value) key of ``consts`` (strong references) */
    PyObject *recent[CONST_CACHE];
    Py_ssize_t recent_id[CONST_CACHE];
} Recorder;

static PyTypeObject RecorderType;

static int
push(Recorder *r, int which, Py_ssize_t x)
{
    if (r->n[which] == r->cap[which]) {
        Py_ssize_t cap = r->cap[which] ? r->cap[which] * 2 : 4096;
        int32_t *grown = PyMem_Realloc(r->src[which], (size_t)cap * sizeof(int32_t));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        r->src[which] = grown;
        r->cap[which] = cap;
    }
    r->src[which][r->n[which]++] = (int32_t)x;
    return 0;
}

/* Append one record of the op whose code in the trace is ``code``; its id, or -1 with an
 * exception set. ``v`` is borrowed. */
static Py_ssize_t
record_code(Recorder *r, unsigned char code, Py_ssize_t a, Py_ssize_t b, PyObject *v)
{
    PyObject *ops = r->ops;
    Py_ssize_t n = PyByteArray_GET_SIZE(ops);
    if (PyByteArray_Resize(ops, n + 1) < 0)
        return -1;
    PyByteArray_AS_STRING(ops)[n] = (char)code;
    if (push(r, 0, a) < 0 || push(r, 1, b) < 0)
        return -1;
    if (PyList_Append(r->values, v) < 0)
        return -1;
    return PyList_GET_SIZE(r->values) - 1;
}

/* ``record_code`` of op k of this module's list (OPS). */
static Py_ssize_t
record(Recorder *r, int k, Py_ssize_t a, Py_ssize_t b, PyObject *v)
{
    return record_code(r, CODE[k], a, b, v);
}

/* The id of a constant (Trace.const): equal constants of one type share one record. */
static Py_ssize_t
const_id(Recorder *r, PyObject *value)
{
    size_t slot = ((uintptr_t)value >> 4) % CONST_CACHE;
    if (r->recent[slot] == value)
        return r->recent_id[slot];
    PyObject *key = PyTuple_Pack(2, (PyObject *)Py_TYPE(value), value);
    if (key == NULL)
        return -1;
    PyObject *hit = PyDict_GetItemWithError(r->consts, key);      /* borrowed */
    if (hit != NULL) {
        Py_DECREF(key);
        Py_ssize_t i = PyLong_AsSsize_t(hit);
        if (i >= 0) {
            Py_INCREF(value);
            Py_XSETREF(r->recent[slot], value);
            r->recent_id[slot] = i;
        }
        return i;
    }
    int shared = 1;
    if (PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_TypeError)) {
            Py_DECREF(key);
            return -1;
        }
        PyErr_Clear();          /* unhashable: no sharing */
        shared = 0;
    }
    Py_ssize_t i = record(r, K_CONST, NO_SOURCE, NO_SOURCE, value);
    if (i >= 0 && shared) {
        PyObject *id = PyLong_FromSsize_t(i);
        if (id == NULL || PyDict_SetItem(r->consts, key, id) < 0) {
            Py_XDECREF(id);
            Py_DECREF(key);
            return -1;
        }
        Py_DECREF(id);
        Py_INCREF(value);
        Py_XSETREF(r->recent[slot], value);
        r->recent_id[slot] = i;
    }
    Py_DECREF(key);
    return i;
}

static PyObject *
Recorder_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *ops, *values, *consts, *extras;
    static char *kwlist[] = {"ops", "values", "consts", "extras", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!O!O!:Recorder", kwlist, &PyByteArray_Type, &ops,
                                     &PyList_Type, &values, &PyDict_Type, &consts, &PyDict_Type, &extras))
        return NULL;
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "_recorder.configure() was not called");
        return NULL;
    }
    Recorder *r = (Recorder *)type->tp_alloc(type, 0);
    if (r == NULL)
        return NULL;
    Py_INCREF(ops);
    Py_INCREF(values);
    Py_INCREF(consts);
    Py_INCREF(extras);
    r->ops = ops;
    r->values = values;
    r->consts = consts;
    r->extras = extras;
    return (PyObject *)r;
}

static int
Recorder_traverse(Recorder *r, visitproc visit, void *arg)
{
    Py_VISIT(r->ops);
    Py_VISIT(r->values);
    Py_VISIT(r->consts);
    Py_VISIT(r->extras);
    for (int k = 0; k < CONST_CACHE; k++)
        Py_VISIT(r->recent[k]);
    return 0;
}

static int
Recorder_clear(Recorder *r)
{
    Py_CLEAR(r->ops);
    Py_CLEAR(r->values);
    Py_CLEAR(r->consts);
    Py_CLEAR(r->extras);
    for (int k = 0; k < CONST_CACHE; k++)
        Py_CLEAR(r->recent[k]);
    return 0;
}

static void
Recorder_dealloc(Recorder *r)
{
    PyObject_GC_UnTrack(r);
    Recorder_clear(r);
    PyMem_Free(r->src[0]);
    PyMem_Free(r->src[1]);
    Py_TYPE(r)->tp_free((PyObject *)r);
}

static PyObject *
push_method(Recorder *r, PyObject *arg, int which)
{
    Py_ssize_t x = PyLong_AsSsize_t(arg);
    if (x == -1 && PyErr_Occurred())
        return NULL;
    if (x < INT32_MIN || x > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "a source id must fit in 32 bits");
        return NULL;
    }
    if (push(r, which, x) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
Recorder_first(Recorder *r, PyObject *arg)
{
    return push_method(r, arg, 0);
}

static PyObject *
Recorder_second(Recorder *r, PyObject *arg)
{
    return push_method(r, arg, 1);
}

/* move_into(src0, src1): append the waiting sources to the two arrays ("i") and forget them. */
static PyObject *
Recorder_move_into(Recorder *r, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "move_into(src0, src1) takes two arrays");
        return NULL;
    }
    for (int which = 0; which < 2; which++) {
        PyObject *bytes = PyBytes_FromStringAndSize((const char *)r->src[which],
                                                    r->n[which] * (Py_ssize_t)sizeof(int32_t));
        if (bytes == NULL)
            return NULL;
        PyObject *done = PyObject_CallMethod(args[which], "frombytes", "O", bytes);
        Py_DECREF(bytes);
        if (done == NULL)
            return NULL;
        Py_DECREF(done);
    }
    for (int which = 0; which < 2; which++) {
        r->n[which] = 0;
        if (r->cap[which] > 65536) {    /* a long run's buffers: not held while the trace is analyzed */
            PyMem_Free(r->src[which]);
            r->src[which] = NULL;
            r->cap[which] = 0;
        }
    }
    Py_RETURN_NONE;
}

static Py_ssize_t
Recorder_len(Recorder *r)
{
    return r->n[0];
}

static PyMethodDef Recorder_methods[] = {
    {"first", (PyCFunction)Recorder_first, METH_O, "Append a record's first source (-1: none)."},
    {"second", (PyCFunction)Recorder_second, METH_O, "Append a record's second source (-1: none)."},
    {"move_into", (PyCFunction)(void (*)(void))Recorder_move_into, METH_FASTCALL,
     "move_into(src0, src1): append the waiting sources to the two int32 arrays, and forget them."},
    {NULL}
};

static PySequenceMethods Recorder_as_sequence = {.sq_length = (lenfunc)Recorder_len};

static PyTypeObject RecorderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "analyzer._recorder.Recorder",
    .tp_doc = "Recorder(ops, values, consts, extras): the append side of one trace. len(): sources waiting.",
    .tp_basicsize = sizeof(Recorder),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = Recorder_new,
    .tp_traverse = (traverseproc)Recorder_traverse,
    .tp_clear = (inquiry)Recorder_clear,
    .tp_dealloc = (destructor)Recorder_dealloc,
    .tp_methods = Recorder_methods,
    .tp_as_sequence = &Recorder_as_sequence,
};

/* The recorder of trace ``t`` (a new reference), or NULL with TypeError. */
static Recorder *
recorder_of(PyObject *t)
{
    PyObject *rec = PyObject_GetAttr(t, str_recorder);
    if (rec == NULL && PyErr_ExceptionMatches(PyExc_AttributeError))
        PyErr_Clear();
    else if (rec == NULL)
        return NULL;
    if (rec == NULL || !Py_IS_TYPE(rec, &RecorderType)) {
        Py_XDECREF(rec);
        PyErr_Format(PyExc_TypeError, "%.100s is not a Trace with a compiled recorder", Py_TYPE(t)->tp_name);
        return NULL;
    }
    return (Recorder *)rec;
}

/* ---------------------------------------------------------------- Scalar */

typedef struct {
    PyObject_HEAD
    PyObject *v;            /* the number */
    PyObject *t;            /* the trace */
    Recorder *rec;          /* the trace's recorder (t._recorder) */
    Py_ssize_t i;           /* the id of the record that made it */
} ScalarObject;

#define IS_SCALAR(o) Py_IS_TYPE((o), ScalarType)
#define AS_SCALAR(o) ((ScalarObject *)(o))

/* A new Scalar; steals ``v``. */
static PyObject *
make_scalar(PyObject *v, Py_ssize_t i, PyObject *t, Recorder *rec)
{
    ScalarObject *s = PyObject_New(ScalarObject, ScalarType);
    if (s == NULL) {
        Py_DECREF(v);
        return NULL;
    }
    Py_INCREF(t);
    Py_INCREF(rec);
    s->v = v;
    s->t = t;
    s->rec = rec;
    s->i = i;
    return (PyObject *)s;
}

static int
has_recorder(ScalarObject *s)
{
    if (s->rec != NULL && s->v != NULL)
        return 1;
    PyErr_SetString(PyExc_AttributeError, "a Scalar needs its v, i and t set before it is used");
    return 0;
}

/* Record op k of sources (a, b) whose value is ``v`` (stolen), in the trace of ``s``. */
static PyObject *
finish(ScalarObject *s, int k, Py_ssize_t a, Py_ssize_t b, PyObject *v)
{
    Py_ssize_t i = record(s->rec, k, a, b, v);
    if (i < 0) {
        Py_DECREF(v);
        return NULL;
    }
    return make_scalar(v, i, s->t, s->rec);
}

/* isinstance(x, (int, float, complex)): what Scalar's own operators take as a constant. */
static inline int
is_number(PyObject *x)
{
    return PyFloat_Check(x) || PyLong_Check(x) || PyComplex_Check(x);
}

/* a <op> b where one of them is a Scalar (the number slots): the Scalar's own operator, forward
 * (a Scalar) or reflected (b a Scalar, a a plain number). */
static PyObject *
scalar_binary(int k, PyObject *a, PyObject *b)
{
    ScalarObject *s;
    PyObject *v;
    Py_ssize_t ai, bi;
    if (IS_SCALAR(a)) {
        s = AS_SCALAR(a);
        if (!has_recorder(s))
            return NULL;
        ai = s->i;
        if (IS_SCALAR(b)) {
            if (!has_recorder(AS_SCALAR(b)))
                return NULL;
            bi = AS_SCALAR(b)->i;
            v = compute(k, s->v, AS_SCALAR(b)->v);
        }
        else if (is_number(b)) {
            bi = const_id(s->rec, b);           /* as the pure tracer: the constant, then the op */
            if (bi < 0)
                return NULL;
            v = compute(k, s->v, b);
        }
        else
            Py_RETURN_NOTIMPLEMENTED;
    }
    else {
        s = AS_SCALAR(b);
        if (!is_number(a))
            Py_RETURN_NOTIMPLEMENTED;
        if (!has_recorder(s))
            return NULL;
        v = compute(k, a, s->v);
        if (v == NULL)
            return NULL;
        ai = const_id(s->rec, a);
        if (ai < 0) {
            Py_DECREF(v);
            return NULL;
        }
        bi = s->i;
    }
    if (v == NULL)
        return NULL;
    return finish(s, k, ai, bi, v);
}

#define BINARY_SLOT(fname, k) \
    static PyObject *fname(PyObject *a, PyObject *b) { return scalar_binary(k, a, b); }
BINARY_SLOT(Scalar_add, K_ADD)
BINARY_SLOT(Scalar_sub, K_SUB)
BINARY_SLOT(Scalar_mul, K_MUL)
BINARY_SLOT(Scalar_truediv, K_DIV)
BINARY_SLOT(Scalar_floordiv, K_FLOORDIV)
BINARY_SLOT(Scalar_mod, K_MOD)
BINARY_SLOT(Scalar_and, K_AND)
BINARY_SLOT(Scalar_or, K_OR)
BINARY_SLOT(Scalar_xor, K_XOR)
BINARY_SLOT(Scalar_lshift, K_LSHIFT)
BINARY_SLOT(Scalar_rshift, K_RSHIFT)

static PyObject *
Scalar_pow(PyObject *a, PyObject *b, PyObject *m)
{
    if (m != Py_None)
        Py_RETURN_NOTIMPLEMENTED;       /* pow(x, y, m): the pure tracer takes no modulus either */
    return scalar_binary(K_POW, a, b);
}

static PyObject *
Scalar_richcompare(PyObject *a, PyObject *b, int op)
{
    static const int kinds[] = {K_LT, K_LE, K_EQ, K_NE, K_GT, K_GE};   /* Py_LT .. Py_GE */
    /* Python calls this with the Scalar first, the comparison swapped when it was on the right */
    return scalar_binary(kinds[op], a, b);
}

static PyObject *
scalar_unary(int k, PyObject *a)
{
    ScalarObject *s = AS_SCALAR(a);
    if (!has_recorder(s))
        return NULL;
    PyObject *v = compute(k, s->v, NULL);
    if (v == NULL)
        return NULL;
    return finish(s, k, s->i, NO_SOURCE, v);
}

static PyObject *Scalar_neg(PyObject *a) { return scalar_unary(K_NEG, a); }
static PyObject *Scalar_invert(PyObject *a) { return scalar_unary(K_INVERT, a); }
static PyObject *Scalar_abs(PyObject *a) { return scalar_unary(K_ABS, a); }

static PyObject *
Scalar_pos(PyObject *a)
{
    Py_INCREF(a);
    return a;
}

/* A guard: the raw value leaves the trace and decides what happens next. */
static int
guard(PyObject *a, int k)
{
    ScalarObject *s = AS_SCALAR(a);
    if (!has_recorder(s))
        return -1;
    return record(s->rec, k, s->i, NO_SOURCE, Py_None) < 0 ? -1 : 0;
}

static int
Scalar_bool(PyObject *a)
{
    return guard(a, K_BRANCH) < 0 ? -1 : PyObject_IsTrue(AS_SCALAR(a)->v);
}

static Py_hash_t
Scalar_hash(PyObject *a)
{
    return guard(a, K_KEY) < 0 ? -1 : PyObject_Hash(AS_SCALAR(a)->v);
}

static PyObject *
Scalar_index(PyObject *a)
{
    return guard(a, K_INDEX) < 0 ? NULL : PyNumber_Index(AS_SCALAR(a)->v);
}

static PyObject *
Scalar_int(PyObject *a)
{
    return guard(a, K_ESCAPE) < 0 ? NULL : PyNumber_Long(AS_SCALAR(a)->v);
}

static PyObject *
Scalar_float(PyObject *a)
{
    return guard(a, K_ESCAPE) < 0 ? NULL : PyNumber_Float(AS_SCALAR(a)->v);
}

static void
Scalar_dealloc(ScalarObject *s)
{
    PyTypeObject *tp = Py_TYPE(s);
    Py_XDECREF(s->v);
    Py_XDECREF(s->t);
    Py_XDECREF(s->rec);
    PyObject_Free(s);
    Py_DECREF(tp);
}

static PyObject *
Scalar_get_t(ScalarObject *s, void *closure)
{
    if (s->t == NULL) {
        PyErr_SetString(PyExc_AttributeError, "t");
        return NULL;
    }
    Py_INCREF(s->t);
    return s->t;
}

static int
Scalar_set_t(ScalarObject *s, PyObject *t, void *closure)
{
    if (t == NULL) {
        Py_CLEAR(s->t);
        Py_CLEAR(s->rec);
        return 0;
    }
    Recorder *rec = recorder_of(t);
    if (rec == NULL)
        return -1;
    Py_INCREF(t);
    Py_XSETREF(s->t, t);
    Py_XSETREF(s->rec, rec);
    return 0;
}

static PyMemberDef Scalar_members[] = {
    {"v", T_OBJECT_EX, offsetof(ScalarObject, v), 0, "the number"},
    {"i", T_PYSSIZET, offsetof(ScalarObject, i), 0, "the id of the record that made it"},
    {NULL}
};

static PyGetSetDef Scalar_getset[] = {
    {"t", (getter)Scalar_get_t, (setter)Scalar_set_t, "the trace it belongs to", NULL},
    {NULL}
};

static PyType_Slot Scalar_slots[] = {
    {Py_tp_doc, "A traced number: ``v`` is its value, ``i`` the id of the record that made it in trace ``t``."},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_dealloc, Scalar_dealloc},
    {Py_tp_members, Scalar_members},
    {Py_tp_getset, Scalar_getset},
    {Py_tp_richcompare, Scalar_richcompare},
    {Py_tp_hash, Scalar_hash},
    {Py_nb_add, Scalar_add},
    {Py_nb_subtract, Scalar_sub},
    {Py_nb_multiply, Scalar_mul},
    {Py_nb_true_divide, Scalar_truediv},
    {Py_nb_floor_divide, Scalar_floordiv},
    {Py_nb_remainder, Scalar_mod},
    {Py_nb_power, Scalar_pow},
    {Py_nb_and, Scalar_and},
    {Py_nb_or, Scalar_or},
    {Py_nb_xor, Scalar_xor},
    {Py_nb_lshift, Scalar_lshift},
    {Py_nb_rshift, Scalar_rshift},
    {Py_nb_negative, Scalar_neg},
    {Py_nb_invert, Scalar_invert},
    {Py_nb_absolute, Scalar_abs},
    {Py_nb_positive, Scalar_pos},
    {Py_nb_bool, Scalar_bool},
    {Py_nb_index, Scalar_index},
    {Py_nb_int, Scalar_int},
    {Py_nb_float, Scalar_float},
    {0, NULL}
};

static PyType_Spec Scalar_spec = {
    .name = "analyzer.tracers.scalar.Scalar",
    .basicsize = sizeof(ScalarObject),
    .flags = Py_TPFLAGS_DEFAULT,        /* not a base; not collected (it holds numbers and its trace) */
    .slots = Scalar_slots,
};

/* ---------------------------------------------------------------- instrumented helpers */

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    int k;
    PyObject *t;            /* the run's trace: Scalars of another trace take the fallback */
    Recorder *rec;
    PyObject *fallback;     /* the operator itself (None for a unary one: computed here) */
    PyObject *plain;        /* frozenset of the plain number types (recorded as constants) */
} Helper;

static int
Helper_traverse(Helper *h, visitproc visit, void *arg)
{
    Py_VISIT(h->t);
    Py_VISIT(h->rec);
    Py_VISIT(h->fallback);
    Py_VISIT(h->plain);
    return 0;
}

static int
Helper_clear(Helper *h)
{
    Py_CLEAR(h->t);
    Py_CLEAR(h->rec);
    Py_CLEAR(h->fallback);
    Py_CLEAR(h->plain);
    return 0;
}

static void
Helper_dealloc(Helper *h)
{
    PyObject_GC_UnTrack(h);
    Helper_clear(h);
    Py_TYPE(h)->tp_free((PyObject *)h);
}

static inline int
is_plain(Helper *h, PyObject *x)
{
    PyTypeObject *tp = Py_TYPE(x);
    if (tp == &PyFloat_Type || tp == &PyLong_Type)
        return 1;
    if (tp == ScalarType || tp == &PyBool_Type)
        return 0;
    return PySet_Contains(h->plain, (PyObject *)tp);
}

#define OF_RUN(h, x) (IS_SCALAR(x) && AS_SCALAR(x)->t == (h)->t)

static PyObject *
Binary_call(Helper *h, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs != 2 || kwnames != NULL) {
        PyErr_SetString(PyExc_TypeError, "a binary helper takes two operands");
        return NULL;
    }
    PyObject *a = args[0], *b = args[1], *v;
    Py_ssize_t ai, bi;
    if (OF_RUN(h, a)) {
        if (OF_RUN(h, b)) {
            v = compute(h->k, AS_SCALAR(a)->v, AS_SCALAR(b)->v);
            if (v == NULL)
                return NULL;
            ai = AS_SCALAR(a)->i;
            bi = AS_SCALAR(b)->i;
        }
        else if (is_plain(h, b) == 1) {
            v = compute(h->k, AS_SCALAR(a)->v, b);
            if (v == NULL)
                return NULL;
            ai = AS_SCALAR(a)->i;
            bi = const_id(h->rec, b);
            if (bi < 0)
                goto error;
        }
        else
            goto fallback;
    }
    else if (is_plain(h, a) == 1) {
        if (OF_RUN(h, b)) {
            v = compute(h->k, a, AS_SCALAR(b)->v);
            if (v == NULL)
                return NULL;
            ai = const_id(h->rec, a);
            if (ai < 0)
                goto error;
            bi = AS_SCALAR(b)->i;
        }
        else if (is_plain(h, b) == 1) {
            v = compute(h->k, a, b);
            if (v == NULL)
                return NULL;
            ai = const_id(h->rec, a);
            if (ai < 0)
                goto error;
            bi = const_id(h->rec, b);
            if (bi < 0)
                goto error;
        }
        else
            goto fallback;
    }
    else
        goto fallback;
    {
        Py_ssize_t i = record(h->rec, h->k, ai, bi, v);
        if (i < 0)
            goto error;
        return make_scalar(v, i, h->t, h->rec);
    }
error:
    Py_DECREF(v);
    return NULL;
fallback:
    if (PyErr_Occurred())       /* is_plain failed (an unhashable type) */
        return NULL;
    return PyObject_Vectorcall(h->fallback, args, 2, NULL);
}

static PyObject *
Unary_call(Helper *h, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (PyVectorcall_NARGS(nargsf) != 1 || kwnames != NULL) {
        PyErr_SetString(PyExc_TypeError, "a unary helper takes one operand");
        return NULL;
    }
    PyObject *a = args[0], *v;
    Py_ssize_t src;
    if (OF_RUN(h, a)) {
        v = compute(h->k, AS_SCALAR(a)->v, NULL);
        if (v == NULL)
            return NULL;
        src = AS_SCALAR(a)->i;
    }
    else {
        int p = is_plain(h, a);
        if (p < 0)
            return NULL;
        v = compute(h->k, a, NULL);
        if (v == NULL || !p)
            return v;           /* anything else: the operator as written */
        src = const_id(h->rec, a);
        if (src < 0) {
            Py_DECREF(v);
            return NULL;
        }
    }
    Py_ssize_t i = record(h->rec, h->k, src, NO_SOURCE, v);
    if (i < 0) {
        Py_DECREF(v);
        return NULL;
    }
    return make_scalar(v, i, h->t, h->rec);
}

static PyMemberDef Helper_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(Helper, vectorcall), READONLY},
    {NULL}
};

static PyTypeObject HelperType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "analyzer._recorder.Helper",
    .tp_doc = "An instrumented operator of one run (made by binary() and unary()).",
    .tp_basicsize = sizeof(Helper),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(Helper, vectorcall),
    .tp_traverse = (traverseproc)Helper_traverse,
    .tp_clear = (inquiry)Helper_clear,
    .tp_dealloc = (destructor)Helper_dealloc,
    .tp_members = Helper_members,
};

static PyObject *
make_helper(PyObject *args, int unary)
{
    PyObject *name, *t, *fallback, *plain;
    if (!PyArg_ParseTuple(args, "UOOO!", &name, &t, &fallback, &PyFrozenSet_Type, &plain))
        return NULL;
    int k = name_to_op(name);
    if (k < 0)
        return NULL;
    if (unary ? !(k == K_NEG || k == K_INVERT) : k > K_NE) {
        PyErr_Format(PyExc_ValueError, "%R is not a %s operator", name, unary ? "unary" : "binary");
        return NULL;
    }
    if (!unary && !PyCallable_Check(fallback)) {
        PyErr_SetString(PyExc_TypeError, "the fallback must be callable");
        return NULL;
    }
    Recorder *rec = recorder_of(t);
    if (rec == NULL)
        return NULL;
    Helper *h = PyObject_GC_New(Helper, &HelperType);
    if (h == NULL) {
        Py_DECREF(rec);
        return NULL;
    }
    h->vectorcall = unary ? (vectorcallfunc)Unary_call : (vectorcallfunc)Binary_call;
    h->k = k;
    Py_INCREF(t);
    Py_INCREF(fallback);
    Py_INCREF(plain);
    h->t = t;
    h->rec = rec;
    h->fallback = fallback;
    h->plain = plain;
    PyObject_GC_Track(h);
    return (PyObject *)h;
}

static PyObject *
module_binary(PyObject *m, PyObject *args)
{
    return make_helper(args, 0);
}

static PyObject *
module_unary(PyObject *m, PyObject *args)
{
    return make_helper(args, 1);
}

/* ---------------------------------------------------------------- Count */

typedef struct {
    PyObject_HEAD
    PyObject *it;           /* iterator over the loop's plain counters */
    PyObject *t;
    Recorder *rec;
    Py_ssize_t a, b;        /* the sources of every counter: the dynamic bounds */
} Count;

static int
Count_traverse(Count *c, visitproc visit, void *arg)
{
    Py_VISIT(c->it);
    Py_VISIT(c->t);
    Py_VISIT(c->rec);
    return 0;
}

static int
Count_clear(Count *c)
{
    Py_CLEAR(c->it);
    Py_CLEAR(c->t);
    Py_CLEAR(c->rec);
    return 0;
}

static void
Count_dealloc(Count *c)
{
    PyObject_GC_UnTrack(c);
    Count_clear(c);
    Py_TYPE(c)->tp_free((PyObject *)c);
}

static PyObject *
Count_next(Count *c)
{
    PyObject *x = PyIter_Next(c->it);
    if (x == NULL)
        return NULL;
    Py_ssize_t i = record(c->rec, K_INDEX, c->a, c->b, x);
    if (i < 0) {
        Py_DECREF(x);
        return NULL;
    }
    return make_scalar(x, i, c->t, c->rec);
}

static PyTypeObject CountType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "analyzer._recorder.Count",
    .tp_doc = "The counters of a loop over a dynamic bound (made by count()).",
    .tp_basicsize = sizeof(Count),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)Count_traverse,
    .tp_clear = (inquiry)Count_clear,
    .tp_dealloc = (destructor)Count_dealloc,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)Count_next,
};

static PyObject *
module_count(PyObject *m, PyObject *args)
{
    PyObject *iterable, *t;
    Py_ssize_t a, b;
    if (!PyArg_ParseTuple(args, "OnnO", &iterable, &a, &b, &t))
        return NULL;
    Recorder *rec = recorder_of(t);
    if (rec == NULL)
        return NULL;
    PyObject *it = PyObject_GetIter(iterable);
    if (it == NULL) {
        Py_DECREF(rec);
        return NULL;
    }
    Count *c = PyObject_GC_New(Count, &CountType);
    if (c == NULL) {
        Py_DECREF(rec);
        Py_DECREF(it);
        return NULL;
    }
    Py_INCREF(t);
    c->it = it;
    c->t = t;
    c->rec = rec;
    c->a = a;
    c->b = b;
    PyObject_GC_Track(c);
    return (PyObject *)c;
}

/* ---------------------------------------------------------------- array tracer's hot path */

/* What configure_arrays() gives: the Python side of the array tracer. */
static struct {
    PyTypeObject *traced;       /* TracedArray */
    Py_ssize_t off_a, off_i, off_t;     /* its slots */
    PyObject *python;           /* the Python array_ufunc: every case but the common one */
    PyObject *ufuncs;           /* dict: ufunc -> (op, name, kind, code), filled by the Python side */
    PyObject *cost_type;        /* ArrayCost */
    PyObject *tail;             /* tail(t, op, name, raw, srcs, result): cost_of and _wrap */
    PyObject *ndarray;
    long additive, multiplicative, elementwise;
    PyObject *s_call, *s_size, *s_nbytes;
} A;

/* What configure_release() gives: array_release's Release, written out for the hot path. */
static struct {
    PyTypeObject *type;         /* Release */
    Py_ssize_t off_candidates, off_pending, off_budget;
    PyObject *release_of;       /* release_of(t): the trace's Release, made on first use */
    PyObject *released;         /* frozenset of the dtype numbers released */
    PyObject *key;              /* its key in Trace.sessions */
    PyObject *s_sessions, *s_base, *s_dtype, *s_num, *s_sweep;
} R;

static int
slot_offset(PyTypeObject *type, const char *name, Py_ssize_t *offset)
{
    PyObject *d = PyDict_GetItemString(type->tp_dict, name);       /* borrowed */
    if (d == NULL || !Py_IS_TYPE(d, &PyMemberDescr_Type)) {
        PyErr_Format(PyExc_TypeError, "%s has no slot %s", type->tp_name, name);
        return -1;
    }
    PyMemberDef *member = ((PyMemberDescrObject *)d)->d_member;
    if (member->type != T_OBJECT_EX) {
        PyErr_Format(PyExc_TypeError, "%s.%s is not an object slot", type->tp_name, name);
        return -1;
    }
    *offset = member->offset;
    return 0;
}

#define SLOT(o, off) (*(PyObject **)((char *)(o) + (off)))

/* Hold a new reference to ``value`` in ``*field``, dropping the one held before. */
static void
hold(PyObject **field, PyObject *value)
{
    Py_INCREF(value);
    Py_XSETREF(*field, value);
}

static PyObject *
module_configure_arrays(PyObject *m, PyObject *args)
{
    PyObject *traced, *python, *ufuncs, *cost_type, *tail, *ndarray;
    long additive, multiplicative, elementwise;
    Py_ssize_t off_a, off_i, off_t;
    if (!PyArg_ParseTuple(args, "O!OO!OOOlll", &PyType_Type, &traced, &python, &PyDict_Type, &ufuncs,
                          &cost_type, &tail, &ndarray, &additive, &multiplicative, &elementwise))
        return NULL;
    if (slot_offset((PyTypeObject *)traced, "a", &off_a) < 0 || slot_offset((PyTypeObject *)traced, "i", &off_i) < 0
        || slot_offset((PyTypeObject *)traced, "t", &off_t) < 0)
        return NULL;
    if (A.s_call == NULL) {
        A.s_call = PyUnicode_InternFromString("__call__");
        A.s_size = PyUnicode_InternFromString("size");
        A.s_nbytes = PyUnicode_InternFromString("nbytes");
        if (A.s_call == NULL || A.s_size == NULL || A.s_nbytes == NULL)
            return NULL;
    }
    hold((PyObject **)&A.traced, traced);
    hold(&A.python, python);
    hold(&A.ufuncs, ufuncs);
    hold(&A.cost_type, cost_type);
    hold(&A.tail, tail);
    hold(&A.ndarray, ndarray);
    A.off_a = off_a;
    A.off_i = off_i;
    A.off_t = off_t;
    A.additive = additive;
    A.multiplicative = multiplicative;
    A.elementwise = elementwise;
    Py_RETURN_NONE;
}

static PyObject *
module_configure_release(PyObject *m, PyObject *args)
{
    PyObject *type, *release_of, *released, *key;
    Py_ssize_t off_candidates, off_pending, off_budget;
    if (!PyArg_ParseTuple(args, "O!OO!U", &PyType_Type, &type, &release_of, &PyFrozenSet_Type, &released, &key))
        return NULL;
    if (slot_offset((PyTypeObject *)type, "candidates", &off_candidates) < 0
        || slot_offset((PyTypeObject *)type, "pending", &off_pending) < 0
        || slot_offset((PyTypeObject *)type, "budget", &off_budget) < 0)
        return NULL;
    if (R.s_sessions == NULL) {
        R.s_sessions = PyUnicode_InternFromString("sessions");
        R.s_base = PyUnicode_InternFromString("base");
        R.s_dtype = PyUnicode_InternFromString("dtype");
        R.s_num = PyUnicode_InternFromString("num");
        R.s_sweep = PyUnicode_InternFromString("sweep");
        if (!R.s_sessions || !R.s_base || !R.s_dtype || !R.s_num || !R.s_sweep)
            return NULL;
    }
    hold((PyObject **)&R.type, type);
    hold(&R.release_of, release_of);
    hold(&R.released, released);
    hold(&R.key, key);
    R.off_candidates = off_candidates;
    R.off_pending = off_pending;
    R.off_budget = off_budget;
    Py_RETURN_NONE;
}

/* Release.note(id, a) on the trace's Release (array_release.note): value ``id`` may be released
 * once only the trace holds it, if it owns its memory and holds numbers released. */
static int
note_release(PyObject *t, PyObject *id, PyObject *a, PyObject *nbytes)
{
    if (R.type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_recorder.configure_release() was not called");
        return -1;
    }
    PyObject *base = PyObject_GetAttr(a, R.s_base);
    if (base == NULL)
        return -1;
    Py_DECREF(base);
    if (base != Py_None)
        return 0;
    PyObject *dtype = PyObject_GetAttr(a, R.s_dtype), *num = dtype ? PyObject_GetAttr(dtype, R.s_num) : NULL;
    Py_XDECREF(dtype);
    if (num == NULL)
        return -1;
    int released = PySet_Contains(R.released, num);
    Py_DECREF(num);
    if (released <= 0)
        return released;
    PyObject *sessions = PyObject_GetAttr(t, R.s_sessions);
    if (sessions == NULL)
        return -1;
    PyObject *rel = PyDict_Check(sessions) ? PyDict_GetItemWithError(sessions, R.key) : NULL;
    Py_XINCREF(rel);
    Py_DECREF(sessions);
    if (rel == NULL) {
        if (PyErr_Occurred())
            return -1;
        rel = PyObject_Vectorcall(R.release_of, &t, 1, NULL);
        if (rel == NULL)
            return -1;
    }
    int result = -1;
    if (!Py_IS_TYPE(rel, R.type)) {
        PyErr_SetString(PyExc_TypeError, "the trace's release is not a Release");
        goto done;
    }
    PyObject *candidates = SLOT(rel, R.off_candidates), *pending = SLOT(rel, R.off_pending);
    if (candidates == NULL || pending == NULL || SLOT(rel, R.off_budget) == NULL || !PyList_Check(candidates)) {
        PyErr_SetString(PyExc_AttributeError, "a Release without its candidates, pending or budget");
        goto done;
    }
    if (PyList_Append(candidates, id) < 0)
        goto done;
    PyObject *more = PyNumber_Add(pending, nbytes);
    if (more == NULL)
        goto done;
    Py_SETREF(SLOT(rel, R.off_pending), more);
    int due = PyObject_RichCompareBool(more, SLOT(rel, R.off_budget), Py_GE);
    if (due < 0)
        goto done;
    if (due) {
        PyObject *swept = PyObject_CallMethodNoArgs(rel, R.s_sweep);
        if (swept == NULL)
            goto done;
        Py_DECREF(swept);
    }
    result = 0;
done:
    Py_DECREF(rel);
    return result;
}

/* One traced operand: its raw value and id; 0 if it is neither a TracedArray nor a Scalar. */
static int
unwrap(PyObject *x, PyObject **raw, Py_ssize_t *id)
{
    if (Py_IS_TYPE(x, A.traced)) {
        PyObject *a = SLOT(x, A.off_a), *i = SLOT(x, A.off_i);
        if (a == NULL || i == NULL || !PyLong_CheckExact(i))
            return 0;
        *raw = a;
        *id = PyLong_AsSsize_t(i);
        return *id >= 0;
    }
    if (IS_SCALAR(x) && AS_SCALAR(x)->v != NULL) {
        *raw = AS_SCALAR(x)->v;
        *id = AS_SCALAR(x)->i;
        return 1;
    }
    return 0;
}

/* __array_ufunc__(self, ufunc, method, *inputs, **kwargs) of a TracedArray: a ufunc called on
 * one or two traced operands, no keywords, the first a TracedArray, is recorded here (the common
 * case); every other call goes to the Python array_ufunc, which records it the same way. */
static PyObject *
array_ufunc(PyObject *m, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf), n_in = nargs - 3;
    PyObject *raw[2], *info, *result, *t;
    Py_ssize_t ids[2];
    Recorder *rec;
    if (A.traced == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_recorder.configure_arrays() was not called");
        return NULL;
    }
    if ((kwnames != NULL && PyTuple_GET_SIZE(kwnames)) || n_in < 1 || n_in > 2
        || !Py_IS_TYPE(args[3], A.traced) || (args[2] != A.s_call && !(PyUnicode_Check(args[2])
                                                                        && PyUnicode_Compare(args[2], A.s_call) == 0)))
        goto python;
    info = PyDict_GetItemWithError(A.ufuncs, args[1]);        /* borrowed: (op, name, kind, code) */
    if (info == NULL || !PyTuple_Check(info) || PyTuple_GET_SIZE(info) != 4) {
        if (PyErr_Occurred())
            return NULL;
        goto python;
    }
    for (Py_ssize_t k = 0; k < n_in; k++)
        if (!unwrap(args[3 + k], &raw[k], &ids[k]))
            goto python;
    t = SLOT(args[3], A.off_t);
    if (t == NULL)
        goto python;
    rec = recorder_of(t);
    if (rec == NULL)
        return NULL;
    result = PyObject_Vectorcall(args[1], raw, n_in, NULL);
    if (result == NULL)
        goto error;
    long kind = PyLong_AsLong(PyTuple_GET_ITEM(info, 2));
    if ((PyObject *)Py_TYPE(result) != A.ndarray || kind > A.elementwise) {
        /* another result (a numpy scalar, several outputs) or another cost: the Python tail */
        PyObject *raw_tuple = PyTuple_New(n_in), *srcs = PyTuple_New(n_in), *wrapped = NULL;
        if (raw_tuple != NULL && srcs != NULL) {
            int ok = 1;
            for (Py_ssize_t k = 0; k < n_in; k++) {
                PyObject *id = PyLong_FromSsize_t(ids[k]);
                if (id == NULL) {
                    ok = 0;
                    break;
                }
                Py_INCREF(raw[k]);
                PyTuple_SET_ITEM(raw_tuple, k, raw[k]);
                PyTuple_SET_ITEM(srcs, k, id);
            }
            if (ok) {
                PyObject *call[] = {t, PyTuple_GET_ITEM(info, 0), PyTuple_GET_ITEM(info, 1), raw_tuple, srcs, result};
                wrapped = PyObject_Vectorcall(A.tail, call, 6, NULL);
            }
        }
        Py_XDECREF(raw_tuple);
        Py_XDECREF(srcs);
        Py_DECREF(result);
        Py_DECREF(rec);
        return wrapped;
    }
    {
        PyObject *size = PyObject_GetAttr(result, A.s_size), *nbytes = size ? PyObject_GetAttr(result, A.s_nbytes) : NULL;
        PyObject *zero = NULL, *items = NULL, *pack = NULL, *cost = NULL, *id = NULL;
        if (nbytes != NULL && (zero = PyLong_FromLong(0)) != NULL) {
            PyObject *name = PyTuple_GET_ITEM(info, 1);
            items = kind == A.additive ? PyTuple_Pack(5, zero, size, zero, nbytes, name)
                  : kind == A.multiplicative ? PyTuple_Pack(5, size, zero, zero, nbytes, name)
                  : PyTuple_Pack(5, zero, zero, size, nbytes, name);
        }
        if (items != NULL && (pack = PyTuple_Pack(1, items)) != NULL)
            cost = PyTuple_Type.tp_new((PyTypeObject *)A.cost_type, pack, NULL);
        Py_XDECREF(size);
        Py_XDECREF(zero);
        Py_XDECREF(items);
        Py_XDECREF(pack);
        if (cost == NULL) {
            Py_XDECREF(nbytes);
            goto error_result;
        }
        long code = PyLong_AsLong(PyTuple_GET_ITEM(info, 3));
        Py_ssize_t i = record_code(rec, (unsigned char)code, ids[0], n_in == 2 ? ids[1] : NO_SOURCE, result);
        if (i < 0)
            goto error_cost;
        id = PyLong_FromSsize_t(i);
        if (id == NULL || PyDict_SetItem(rec->extras, id, cost) < 0)
            goto error_cost;
        Py_DECREF(cost);
        int noted = note_release(t, id, result, nbytes);
        Py_DECREF(nbytes);
        if (noted < 0)
            goto error_id;
        Py_DECREF(rec);
        PyObject *w = A.traced->tp_alloc(A.traced, 0);
        if (w == NULL) {
            Py_DECREF(id);
            Py_DECREF(result);
            return NULL;
        }
        Py_INCREF(t);
        SLOT(w, A.off_a) = result;
        SLOT(w, A.off_i) = id;
        SLOT(w, A.off_t) = t;
        return w;
error_cost:
        Py_DECREF(cost);
        Py_DECREF(nbytes);
error_id:
        Py_XDECREF(id);
    }
error_result:
    Py_DECREF(result);
error:
    Py_DECREF(rec);
    return NULL;
python:
    return PyObject_Vectorcall(A.python, args, nargsf, kwnames);
}

/* ---------------------------------------------------------------- scans of a trace's values */

/* type_codes(values, types): bytearray of each value's position in ``types`` (its exact type),
 * len(types) for any other type (analyzer.passes.columns.value_types). */
static PyObject *
module_type_codes(PyObject *m, PyObject *args)
{
    PyObject *values, *types;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &values, &PyTuple_Type, &types))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(values), k = PyTuple_GET_SIZE(types);
    if (k > 255) {
        PyErr_SetString(PyExc_ValueError, "at most 255 types");
        return NULL;
    }
    PyObject *out = PyByteArray_FromStringAndSize(NULL, n);
    if (out == NULL)
        return NULL;
    unsigned char *codes = (unsigned char *)PyByteArray_AS_STRING(out);
    PyObject *last_type = NULL;
    unsigned char last_code = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *tp = (PyObject *)Py_TYPE(PyList_GET_ITEM(values, i));
        if (tp != last_type) {
            last_code = (unsigned char)k;
            for (Py_ssize_t j = 0; j < k; j++)
                if (PyTuple_GET_ITEM(types, j) == tp) {
                    last_code = (unsigned char)j;
                    break;
                }
            last_type = tp;
        }
        codes[i] = last_code;
    }
    return out;
}

/* floats(values, picked, as_complex): bytearray of the values where ``picked`` (a byte each) is
 * nonzero, as float64 (float(v)) or complex128 (complex(v)): numpy.fromiter(compress(values,
 * picked), float or complex), without an iterator. */
static PyObject *
module_floats(PyObject *m, PyObject *args)
{
    PyObject *values;
    Py_buffer picked;
    int as_complex;
    if (!PyArg_ParseTuple(args, "O!y*p", &PyList_Type, &values, &picked, &as_complex))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(values), count = 0;
    const unsigned char *mask = picked.buf;
    if (picked.len != n) {
        PyBuffer_Release(&picked);
        PyErr_SetString(PyExc_ValueError, "picked must have a byte for each value");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        count += mask[i] != 0;
    Py_ssize_t width = as_complex ? 2 : 1;
    PyObject *out = PyByteArray_FromStringAndSize(NULL, count * width * (Py_ssize_t)sizeof(double));
    if (out == NULL) {
        PyBuffer_Release(&picked);
        return NULL;
    }
    double *d = (double *)PyByteArray_AS_STRING(out);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!mask[i])
            continue;
        PyObject *v = PyList_GET_ITEM(values, i);
        if (as_complex) {
            Py_complex c = PyComplex_AsCComplex(v);
            if (c.real == -1.0 && PyErr_Occurred())
                goto error;
            *d++ = c.real;
            *d++ = c.imag;
        }
        else {
            double x = PyFloat_Check(v) ? PyFloat_AS_DOUBLE(v) : PyFloat_AsDouble(v);
            if (x == -1.0 && PyErr_Occurred())
                goto error;
            *d++ = x;
        }
    }
    PyBuffer_Release(&picked);
    return out;
error:
    PyBuffer_Release(&picked);
    Py_DECREF(out);
    return NULL;
}

/* ---------------------------------------------------------------- the traffic simulation's scalar walk */

/* The misses of a trace's walk, done in C as analyzer.traffic.lru.FastMemory does them (``_word``,
 * ``_key``, ``_line``, ``_add_marker``, ``_evict``, ``_write_back`` and the counts of
 * ``Accounting``), and its element reads (``Simulation._element``), for a FastMemory whose methods
 * are its own (``_misses_in_c``). Array lines live in the simulation's LineLog (numpy arrays, read
 * here through buffers; its clock, head, tail and resident count are copied in, and back before
 * any Python code runs) and markers order them among the words of the ordered dict. */
typedef struct {
    PyObject *sim;              /* the simulation (borrowed); the rest: new references */
    PyObject *values, *seen, *pending, *kinds, *moved, *line_owner, *last, *kept, *reading, *popitem;
    PyObject *log, *markers, *inputs, *elements, *kind, *store, *wide, *trace;
    long long line;
    Py_ssize_t now;             /* the last record a miss or an eviction happened at; -1: none */
    /* the line log: views, and its counters while ``open`` */
    int open;
    Py_buffer stamp_v, owner_v, dirty_v, seen_v, pending_v, line_v, tick_v, src0_v, src1_v;
    int64_t *stamp, *log_line, *log_tick;
    int32_t *owner;
    const int32_t *src0, *src1;
    unsigned char *dirty, *seen_lines, *pending_lines;
    Py_ssize_t lines, log_size, records;
    long long clock, head, tail, resident;
} Misses;

#define ARRAY_KEYS (1LL << 52)
enum { KIND_FREE, KIND_WORD, KIND_SCALAR_INPUT, KIND_ARRAY };

static PyObject *kind_spill, *kind_cold, *kind_reuse, *last_keyword;

/* The log's counters back into it, and the views released (before Python code runs). */
static int
lines_close(Misses *ms)
{
    if (!ms->open)
        return 0;
    ms->open = 0;
    Py_buffer *views[] = {&ms->stamp_v, &ms->owner_v, &ms->dirty_v, &ms->seen_v, &ms->pending_v, &ms->line_v,
                          &ms->tick_v, &ms->src0_v, &ms->src1_v};
    for (int j = 0; j < 9; j++)
        PyBuffer_Release(views[j]);
    const char *names[] = {"clock", "head", "tail", "resident"};
    long long counters[] = {ms->clock, ms->head, ms->tail, ms->resident};
    int failed = 0;
    PyObject *type, *value, *tb;        /* (an error on the way out stays the error) */
    PyErr_Fetch(&type, &value, &tb);
    for (int j = 0; j < 4 && !failed; j++) {
        PyObject *v = PyLong_FromLongLong(counters[j]);
        failed = !v || PyObject_SetAttrString(ms->log, names[j], v) < 0;
        Py_XDECREF(v);
    }
    if (type)
        PyErr_Restore(type, value, tb);
    return failed ? -1 : 0;
}

static long long
attr_int(PyObject *obj, const char *name)
{
    PyObject *v = PyObject_GetAttrString(obj, name);
    if (!v)
        return -1;
    long long n = PyLong_AsLongLong(v);
    Py_DECREF(v);
    return n;
}

/* The views of the log's arrays, the simulation's per-line flags and the trace's sources, and the
 * log's counters. */
static int
lines_open(Misses *ms)
{
    if (ms->open)
        return 0;
    struct { PyObject *obj; const char *name; Py_buffer *view; Py_ssize_t item; int writable; } want[] = {
        {ms->log, "stamp", &ms->stamp_v, 8, 1}, {ms->log, "owner", &ms->owner_v, 4, 1},
        {ms->log, "dirty", &ms->dirty_v, 1, 1}, {ms->sim, "seen_lines", &ms->seen_v, 1, 1},
        {ms->sim, "pending_lines", &ms->pending_v, 1, 1}, {ms->log, "log_line", &ms->line_v, 8, 1},
        {ms->log, "log_tick", &ms->tick_v, 8, 1}, {ms->trace, "src0", &ms->src0_v, 4, 0},
        {ms->trace, "src1", &ms->src1_v, 4, 0},
    };
    int got = 0;
    for (; got < 9; got++) {
        PyObject *a = PyObject_GetAttrString(want[got].obj, want[got].name);
        if (!a)
            goto fail;
        int r = PyObject_GetBuffer(a, want[got].view, want[got].writable ? PyBUF_WRITABLE : PyBUF_SIMPLE);
        Py_DECREF(a);
        if (r < 0)
            goto fail;
        if (want[got].view->len % want[got].item) {
            PyBuffer_Release(want[got].view);
            PyErr_SetString(PyExc_TypeError, "walk(): the line log's arrays");
            goto fail;
        }
    }
    ms->stamp = ms->stamp_v.buf;
    ms->owner = ms->owner_v.buf;
    ms->dirty = ms->dirty_v.buf;
    ms->seen_lines = ms->seen_v.buf;
    ms->pending_lines = ms->pending_v.buf;
    ms->log_line = ms->line_v.buf;
    ms->log_tick = ms->tick_v.buf;
    ms->src0 = ms->src0_v.buf;
    ms->src1 = ms->src1_v.buf;
    ms->lines = ms->stamp_v.len / 8;
    ms->log_size = ms->line_v.len / 8;
    ms->records = ms->src0_v.len / 4;
    if (ms->owner_v.len / 4 != ms->lines || ms->dirty_v.len != ms->lines || ms->seen_v.len < ms->lines
        || ms->pending_v.len < ms->lines || ms->tick_v.len / 8 != ms->log_size || ms->src1_v.len / 4 != ms->records) {
        got = 9;
        PyErr_SetString(PyExc_ValueError, "walk(): the line log's arrays disagree in length");
        goto fail;
    }
    ms->clock = attr_int(ms->log, "clock");
    ms->head = attr_int(ms->log, "head");
    ms->tail = attr_int(ms->log, "tail");
    ms->resident = attr_int(ms->log, "resident");
    if (PyErr_Occurred()) {
        got = 9;
        goto fail;
    }
    if (ms->head < 0 || ms->tail < ms->head || ms->tail > ms->log_size || ms->resident < 0) {
        got = 9;
        PyErr_SetString(PyExc_ValueError, "walk(): the line log's counters");
        goto fail;
    }
    ms->open = 1;
    return 0;
fail:
    {
        Py_buffer *views[] = {&ms->stamp_v, &ms->owner_v, &ms->dirty_v, &ms->seen_v, &ms->pending_v, &ms->line_v,
                              &ms->tick_v, &ms->src0_v, &ms->src1_v};
        for (int j = 0; j < got; j++)
            PyBuffer_Release(views[j]);
    }
    return -1;
}

static void
misses_clear(Misses *ms)
{
    lines_close(ms);
    Py_CLEAR(ms->values);
    Py_CLEAR(ms->seen);
    Py_CLEAR(ms->pending);
    Py_CLEAR(ms->kinds);
    Py_CLEAR(ms->moved);
    Py_CLEAR(ms->line_owner);
    Py_CLEAR(ms->last);
    Py_CLEAR(ms->kept);
    Py_CLEAR(ms->reading);
    Py_CLEAR(ms->popitem);
    Py_CLEAR(ms->log);
    Py_CLEAR(ms->markers);
    Py_CLEAR(ms->inputs);
    Py_CLEAR(ms->elements);
    Py_CLEAR(ms->kind);
    Py_CLEAR(ms->store);
    Py_CLEAR(ms->wide);
    Py_CLEAR(ms->trace);
}

static int
misses_init(Misses *ms, PyObject *sim, PyObject *lru)
{
    memset(ms, 0, sizeof(*ms));
    ms->sim = sim;
    ms->now = -1;
    if (!kind_spill) {
        kind_spill = PyUnicode_InternFromString("spill");
        kind_cold = PyUnicode_InternFromString("cold");
        kind_reuse = PyUnicode_InternFromString("reuse");
        last_keyword = Py_BuildValue("(s)", "last");
        if (!kind_spill || !kind_cold || !kind_reuse || !last_keyword)
            return -1;
    }
    PyObject **slots[] = {&ms->values, &ms->seen, &ms->pending, &ms->kinds, &ms->moved, &ms->line_owner,
                          &ms->last, &ms->kept, &ms->reading, &ms->log, &ms->markers, &ms->inputs, &ms->elements,
                          &ms->kind, &ms->store, &ms->trace};
    const char *names[] = {"values", "seen", "pending", "kinds", "moved", "line_owner", "last", "kept", "reading",
                           "log", "markers", "inputs", "elements", "kind", "store", "trace"};
    for (int j = 0; j < 16; j++)
        if (!(*slots[j] = PyObject_GetAttrString(sim, names[j])))
            goto fail;
    if (!(ms->popitem = PyObject_GetAttrString(lru, "popitem")) || !(ms->wide = PyObject_GetAttrString(ms->trace, "wide")))
        goto fail;
    PyObject *line = PyObject_GetAttrString(sim, "line");
    if (!line)
        goto fail;
    ms->line = PyLong_AsLongLong(line);
    Py_DECREF(line);
    if (PyErr_Occurred())
        goto fail;
    if (!PyList_Check(ms->values) || !PyAnySet_Check(ms->seen) || !PyDict_Check(ms->pending)
        || !PyDict_Check(ms->kinds) || !PyDict_Check(ms->moved) || !PyDict_Check(ms->line_owner)
        || !PyList_Check(ms->last) || !PyAnySet_Check(ms->kept) || !PyAnySet_Check(ms->reading)
        || !PyAnySet_Check(ms->inputs) || !PyDict_Check(ms->elements) || !PyList_Check(ms->kind)
        || !PyList_Check(ms->store) || !PyDict_Check(ms->wide) || ms->line <= 0) {
        PyErr_SetString(PyExc_TypeError, "walk(): the simulation's lists, sets and dicts");
        goto fail;
    }
    if (lines_open(ms) < 0)
        goto fail;
    return 0;
fail:
    misses_clear(ms);
    return -1;
}

/* dict[key] += n (an absent key counts as 0). */
static int
add_to(PyObject *dict, PyObject *key, long long n)
{
    PyObject *old = PyDict_GetItemWithError(dict, key);        /* borrowed */
    if (!old && PyErr_Occurred())
        return -1;
    long long now = old ? PyLong_AsLongLong(old) : 0;
    if (now == -1 && PyErr_Occurred())
        return -1;
    PyObject *sum = PyLong_FromLongLong(now + n);
    if (!sum)
        return -1;
    int done = PyDict_SetItem(dict, key, sum);
    Py_DECREF(sum);
    return done;
}

/* Accounting._count: bytes moved for ``owner`` (a read, or a write: ``write``), and of ``kind``. */
static int
count_moved(Misses *ms, PyObject *kind, PyObject *owner, long long n, int write)
{
    if (kind && add_to(ms->kinds, kind, n) < 0)
        return -1;
    PyObject *pair = PyDict_GetItemWithError(ms->moved, owner);    /* borrowed: [reads, writes] */
    if (!pair) {
        if (PyErr_Occurred() || !(pair = Py_BuildValue("[ii]", 0, 0)))
            return -1;
        int added = PyDict_SetItem(ms->moved, owner, pair);
        Py_DECREF(pair);
        if (added < 0)
            return -1;
    }
    if (!PyList_Check(pair) || PyList_GET_SIZE(pair) != 2) {
        PyErr_SetString(PyExc_TypeError, "walk(): moved holds [reads, writes] lists");
        return -1;
    }
    long long was = PyLong_AsLongLong(PyList_GET_ITEM(pair, write));
    if (was == -1 && PyErr_Occurred())
        return -1;
    PyObject *sum = PyLong_FromLongLong(was + n);
    return sum ? PyList_SetItem(pair, write, sum) : -1;
}

/* Accounting._live of ``owner`` at record ``now``: 1, 0, or -1 on an error. */
static int
live(Misses *ms, PyObject *owner, Py_ssize_t now)
{
    Py_ssize_t o = PyLong_AsSsize_t(owner);
    if (o < 0 || o >= PyList_GET_SIZE(ms->last)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_IndexError, "walk(): an owner outside the layout");
        return -1;
    }
    Py_ssize_t last = PyLong_AsSsize_t(PyList_GET_ITEM(ms->last, o));
    if (last == -1 && PyErr_Occurred())
        return -1;
    int alive = last > now;
    if (!alive && (alive = PySet_Contains(ms->kept, owner)) < 0)
        return -1;
    if (!alive && last == now && (alive = PySet_Contains(ms->reading, owner)) < 0)
        return -1;
    return alive;
}

/* Accounting._write_back for a word or a scalar-input line, at record ``now``: written out
 * (pending) unless its owner's data is dead (Accounting._live). */
static int
write_back(Misses *ms, PyObject *key, PyObject *owner, long long size, Py_ssize_t now)
{
    int alive = live(ms, owner, now);
    if (alive <= 0)
        return alive;
    if (count_moved(ms, NULL, owner, size, 1) < 0)
        return -1;
    PyObject *written = Py_BuildValue("(OL)", owner, size);
    if (!written)
        return -1;
    int done = PyDict_SetItem(ms->pending, key, written);
    Py_DECREF(written);
    return done;
}

/* The first key of the ordered dict (borrowed from nothing: a new reference), or NULL (none, or
 * an error: PyErr_Occurred tells). ``reversed``: its last. */
static PyObject *
end_key(PyObject *lru, int reversed)
{
    PyObject *it = reversed ? PyObject_CallMethod(lru, "__reversed__", NULL) : PyObject_GetIter(lru);
    if (!it)
        return NULL;
    PyObject *key = PyIter_Next(it);
    Py_DECREF(it);
    return key;
}

/* Array line ``n`` leaves: written out (a dirty line whose owner is live) or dropped.
 * FastMemory._evict's line branch and Accounting._write_back. */
static int
evict_line(Misses *ms, long long h, long long *used, Py_ssize_t now)
{
    int64_t n = ms->log_line[h];
    ms->stamp[n] = -1;
    ms->head = h + 1;
    ms->resident--;
    *used -= ms->line;
    if (!ms->dirty[n])
        return 0;
    ms->dirty[n] = 0;
    PyObject *owner = PyLong_FromLong(ms->owner[n]);
    if (!owner)
        return -1;
    int alive = live(ms, owner, now), done = 0;
    if (alive > 0) {
        done = count_moved(ms, NULL, owner, ms->line, 1);
        ms->pending_lines[n] = 1;
    }
    Py_DECREF(owner);
    return alive < 0 ? -1 : done;
}

/* FastMemory._evict: the least recently used data out until ``used`` fits: array lines (the log's
 * oldest valid entry) and words and input lines (the ordered dict's front) in one order, which the
 * markers in the dict keep. */
static int
evict(Misses *ms, PyObject *lru, PyObject *dirty, long long *used, long long capacity, Py_ssize_t now)
{
    ms->now = now;
    while (*used > capacity) {
        if (ms->resident) {
            long long h = ms->head;
            while (h < ms->tail && (ms->log_line[h] < 0 || ms->log_line[h] >= ms->lines
                                    || ms->stamp[ms->log_line[h]] != ms->log_tick[h]))
                h++;
            if (h >= ms->tail) {
                PyErr_SetString(PyExc_RuntimeError, "walk(): resident lines the log does not hold");
                return -1;
            }
            ms->head = h;
            long long tick = ms->log_tick[h];
            PyObject *front = end_key(lru, 0);
            if (!front && PyErr_Occurred())
                return -1;
            int line_first = !front;
            if (front) {
                long long f = PyLong_AsLongLong(front);
                if (f == -1 && PyErr_Occurred()) {
                    Py_DECREF(front);
                    return -1;
                }
                PyObject *marked = NULL;
                if (f < ARRAY_KEYS) {           /* a word: older than the lines after its next marker */
                    Py_ssize_t count = PyObject_Size(ms->markers);
                    if (count < 0 || (count && !(marked = PySequence_GetItem(ms->markers, 0)))) {
                        Py_DECREF(front);
                        return -1;
                    }
                }
                else if (!(marked = PyObject_GetItem(lru, front))) {     /* a marker: its clock */
                    Py_DECREF(front);
                    return -1;
                }
                Py_DECREF(front);
                long long clock = marked ? PyLong_AsLongLong(marked) : 0;
                Py_XDECREF(marked);
                if (clock == -1 && PyErr_Occurred())
                    return -1;
                line_first = !marked || tick < clock;
            }
            if (line_first) {
                if (evict_line(ms, h, used, now) < 0)
                    return -1;
                continue;
            }
        }
        else if (!PyDict_GET_SIZE(lru))
            return 0;
        PyObject *no[1] = {Py_False};
        PyObject *item = PyObject_Vectorcall(ms->popitem, no, 0, last_keyword);
        if (!item)
            return -1;
        PyObject *key = PyTuple_GET_ITEM(item, 0), *v = PyTuple_GET_ITEM(item, 1);
        long long k = PyLong_AsLongLong(key);
        if (k == -1 && PyErr_Occurred()) {
            Py_DECREF(item);
            return -1;
        }
        if (k >= ARRAY_KEYS) {                  /* a marker: its lines are gone already */
            Py_DECREF(item);
            PyObject *gone = PyObject_CallMethod(ms->markers, "popleft", NULL);
            if (!gone)
                return -1;
            Py_DECREF(gone);
            continue;
        }
        PyObject *owner = k >= 0 ? key : v;
        long long size = k >= 0 ? PyLong_AsLongLong(v) : ms->line;
        *used -= size;
        int was_dirty = PySet_Discard(dirty, key);
        if (was_dirty < 0 || (was_dirty && write_back(ms, key, owner, size, now) < 0) || PyErr_Occurred()) {
            Py_DECREF(item);
            return -1;
        }
        Py_DECREF(item);
    }
    return 0;
}

/* FastMemory._add_marker: array lines are about to be touched after a word was. */
static int
add_marker(Misses *ms, PyObject *lru)
{
    PyObject *key = PyLong_FromLongLong(ARRAY_KEYS + ms->clock), *clock = PyLong_FromLongLong(ms->clock);
    if (!key || !clock || PyObject_SetItem(lru, key, clock) < 0) {
        Py_XDECREF(key);
        Py_XDECREF(clock);
        return -1;
    }
    Py_DECREF(key);
    PyObject *added = PyObject_CallMethod(ms->markers, "append", "O", clock);
    Py_DECREF(clock);
    if (!added)
        return -1;
    Py_DECREF(added);
    Py_ssize_t markers = PyObject_Size(ms->markers);
    if (markers < 0)
        return -1;
    if (markers <= 2 * (PyDict_GET_SIZE(lru) - markers) + 1024)
        return 0;
    /* too many markers: FastMemory._drop_markers, in Python (it makes a new deque) */
    if (lines_close(ms) < 0)
        return -1;
    PyObject *dropped = PyObject_CallMethod(ms->sim, "_drop_markers", NULL);
    if (!dropped)
        return -1;
    Py_DECREF(dropped);
    Py_CLEAR(ms->markers);
    if (!(ms->markers = PyObject_GetAttrString(ms->sim, "markers")))
        return -1;
    return lines_open(ms);
}

/* FastMemory._line(n, owner) for a read: a marker first if a word was touched last, the line in
 * (a miss: Accounting._read_kind and _count), then the youngest in the log; evictions. */
static int
read_line(Misses *ms, PyObject *lru, PyObject *dirty, int64_t n, PyObject *owner, long long *used, long long capacity,
          Py_ssize_t now)
{
    ms->now = now;
    if (n < 0 || n >= ms->lines) {
        PyErr_SetString(PyExc_IndexError, "walk(): a line outside the layout");
        return -1;
    }
    if (PyDict_GET_SIZE(lru)) {
        PyObject *last = end_key(lru, 1);
        if (!last)
            return -1;
        long long k = PyLong_AsLongLong(last);
        Py_DECREF(last);
        if ((k == -1 && PyErr_Occurred()) || (k < ARRAY_KEYS && add_marker(ms, lru) < 0))
            return -1;
    }
    if (ms->stamp[n] < 0) {                     /* a miss */
        PyObject *kind;
        if (ms->pending_lines[n]) {             /* written out before: read back, a spill */
            ms->pending_lines[n] = 0;
            if (add_to(ms->kinds, kind_spill, ms->line) < 0)
                return -1;
            kind = kind_spill;
        }
        else if (!ms->seen_lines[n])
            kind = kind_cold;
        else {
            int input = PySet_Contains(ms->inputs, owner);
            if (input < 0)
                return -1;
            kind = input ? kind_reuse : kind_spill;
        }
        if (count_moved(ms, kind, owner, ms->line, 0) < 0)
            return -1;
        long o = PyLong_AsLong(owner);
        if (o == -1 && PyErr_Occurred())
            return -1;
        ms->seen_lines[n] = 1;
        ms->owner[n] = (int32_t)o;
        *used += ms->line;
        ms->resident++;
    }
    if (ms->tail == ms->log_size) {             /* the log is full: LineLog.grow, in Python */
        if (lines_close(ms) < 0)
            return -1;
        PyObject *grown = PyObject_CallMethod(ms->log, "grow", "i", 1);
        if (!grown)
            return -1;
        Py_DECREF(grown);
        if (lines_open(ms) < 0)
            return -1;
        if (ms->tail >= ms->log_size) {
            PyErr_SetString(PyExc_RuntimeError, "walk(): the line log did not grow");
            return -1;
        }
    }
    long long t = ms->tail, tick = ms->clock;
    ms->stamp[n] = ms->log_tick[t] = tick;
    ms->log_line[t] = n;
    ms->tail = t + 1;
    ms->clock = tick + 1;
    return *used > capacity ? evict(ms, lru, dirty, used, capacity, now) : 0;
}

/* A list's item as a Py_ssize_t (the layout's kind, store, last), or -1 with an error set. */
static Py_ssize_t
list_at(PyObject *list, Py_ssize_t i)
{
    if (i < 0 || i >= PyList_GET_SIZE(list)) {
        PyErr_SetString(PyExc_IndexError, "walk(): a record outside the layout");
        return -1;
    }
    return PyLong_AsSsize_t(PyList_GET_ITEM(list, i));
}

/* Word ``st`` (a storage that is not an array) dies: out of fast memory without a write-back
 * (Simulation._drop). */
static int
drop_word(Misses *ms, PyObject *lru, PyObject *pop, PyObject *dirty, Py_ssize_t st, long long *used)
{
    PyObject *key = PyLong_FromSsize_t(st);
    if (!key)
        return -1;
    int kept = PySet_Contains(ms->kept, key);
    if (kept) {
        Py_DECREF(key);
        return kept < 0 ? -1 : 0;
    }
    PyObject *call[] = {key, Py_None};
    PyObject *gone = PyObject_Vectorcall(pop, call, 2, NULL);
    int done = gone ? 0 : -1;
    if (gone && gone != Py_None) {
        long long size = PyLong_AsLongLong(gone);
        *used -= size;
        if ((size == -1 && PyErr_Occurred()) || PySet_Discard(dirty, key) < 0)
            done = -1;
    }
    Py_XDECREF(gone);
    Py_DECREF(key);
    return done;
}

/* Simulation._element for record ``i``, an element read ``a[i, j]`` of an array whose address and
 * axes are known (``elements``) with plain int indices that move no data, of a value whose type has
 * a word size, and no array dying at it: the line read, the new word, the words that die.
 * Returns 1 when done, 0 when it is not such a read (nothing changed: Python does it), -1 on an
 * error. */
static int
element_read(Misses *ms, PyObject *lru, PyObject *pop, PyObject *dirty, PyObject *sizes, Py_ssize_t i,
             PyObject *value, long long *used, long long capacity)
{
    if (i < 0 || i >= ms->records || i >= PyList_GET_SIZE(ms->kind))
        return 0;
    int32_t a = ms->src0[i];
    Py_ssize_t pair[2], count, *srcs = pair;
    PyObject *wide = NULL;
    if (a == -1)
        return 0;
    if (a == -2) {                              /* WIDE: a[i, j] and more */
        PyObject *key = PyLong_FromSsize_t(i);
        if (!key)
            return -1;
        wide = PyDict_GetItemWithError(ms->wide, key);      /* borrowed */
        Py_DECREF(key);
        if (!wide || !PyTuple_Check(wide) || PyTuple_GET_SIZE(wide) > 8)
            return PyErr_Occurred() ? -1 : 0;
        count = PyTuple_GET_SIZE(wide);
    }
    else {
        pair[0] = a;
        pair[1] = ms->src1[i];
        count = pair[1] >= 0 ? 2 : 1;
    }
    Py_ssize_t many[8] = {0};
    if (wide) {
        for (Py_ssize_t k = 0; k < count; k++)
            if ((many[k] = PyLong_AsSsize_t(PyTuple_GET_ITEM(wide, k))) == -1 && PyErr_Occurred())
                return -1;
        srcs = many;
    }
    Py_ssize_t s = srcs[0], kind_s = list_at(ms->kind, s), kind_i = list_at(ms->kind, i);
    if (PyErr_Occurred())
        return -1;
    if (kind_s != KIND_ARRAY || kind_i != KIND_WORD || count < 2)
        return 0;
    PyObject *skey = PyLong_FromSsize_t(s);
    if (!skey)
        return -1;
    PyObject *at = PyDict_GetItemWithError(ms->elements, skey);     /* borrowed: (address, axes) */
    Py_DECREF(skey);
    if (!at)
        return PyErr_Occurred() ? -1 : 0;       /* its first read: Python works the address out */
    if (!PyTuple_Check(at) || PyTuple_GET_SIZE(at) != 2 || !PyTuple_Check(PyTuple_GET_ITEM(at, 1))
        || PyTuple_GET_SIZE(PyTuple_GET_ITEM(at, 1)) != count - 1)
        return 0;
    int overflow = 0;
    long long ptr = PyLong_AsLongLongAndOverflow(PyTuple_GET_ITEM(at, 0), &overflow);
    if (overflow || (ptr == -1 && PyErr_Occurred()))
        return PyErr_Occurred() ? -1 : 0;
    PyObject *axes = PyTuple_GET_ITEM(at, 1);
    for (Py_ssize_t k = 1; k < count; k++) {
        if (srcs[k] < 0 || srcs[k] >= PyList_GET_SIZE(ms->values))
            return 0;
        PyObject *v = PyList_GET_ITEM(ms->values, srcs[k]), *axis = PyTuple_GET_ITEM(axes, k - 1);
        Py_ssize_t kind_k = list_at(ms->kind, srcs[k]);
        if (kind_k == -1 && PyErr_Occurred())
            return -1;
        if (!PyLong_CheckExact(v) || kind_k != KIND_FREE || !PyTuple_Check(axis) || PyTuple_GET_SIZE(axis) != 2)
            return 0;
        long long index = PyLong_AsLongLongAndOverflow(v, &overflow), n, stride;
        if (overflow)
            return 0;
        n = PyLong_AsLongLongAndOverflow(PyTuple_GET_ITEM(axis, 0), &overflow);
        if (overflow || n <= 0)
            return PyErr_Occurred() ? -1 : 0;
        stride = PyLong_AsLongLongAndOverflow(PyTuple_GET_ITEM(axis, 1), &overflow);
        if (overflow || (stride == -1 && PyErr_Occurred()) || stride > (1LL << 40) || stride < -(1LL << 40))
            return PyErr_Occurred() ? -1 : 0;
        long long r = index % n;
        ptr += (r < 0 ? r + n : r) * stride;    /* (Python's v % n) */
    }
    if (ptr < 0)
        return 0;
    PyObject *word = PyDict_GetItemWithError(sizes, (PyObject *)Py_TYPE(value));     /* borrowed */
    if (!word)
        return PyErr_Occurred() ? -1 : 0;
    long long bytes = PyLong_AsLongLong(word);
    if (bytes <= 0)
        return PyErr_Occurred() ? -1 : 0;
    Py_ssize_t dies[9];                         /* the storages dying here: words only, else Python */
    int ndies = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t st = list_at(ms->store, srcs[k]);
        if (st == -1 && PyErr_Occurred())
            return -1;
        Py_ssize_t last = list_at(ms->last, st), kind_st = list_at(ms->kind, st);
        if (PyErr_Occurred())
            return -1;
        if (last == i) {
            if (kind_st == KIND_ARRAY)
                return 0;                       /* its lines leave: Python's _drop */
            dies[ndies++] = st;
        }
    }
    Py_ssize_t last_i = list_at(ms->last, i), owner_st = list_at(ms->store, s);
    if (PyErr_Occurred())
        return -1;
    /* the read: the element's line, then its word */
    PyObject *owner = PyLong_FromSsize_t(owner_st), *id = PyLong_FromSsize_t(i);
    if (!owner || !id || read_line(ms, lru, dirty, ptr / ms->line, owner, used, capacity, i) < 0
        || PyObject_SetItem(lru, id, word) < 0 || PySet_Add(dirty, id) < 0) {
        Py_XDECREF(owner);
        Py_XDECREF(id);
        return -1;
    }
    Py_DECREF(owner);
    Py_DECREF(id);
    *used += bytes;
    if (*used > capacity && evict(ms, lru, dirty, used, capacity, i) < 0)
        return -1;
    for (int d = 0; d < ndies; d++)
        if (drop_word(ms, lru, pop, dirty, dies[d], used) < 0)
            return -1;
    if (last_i == i && drop_word(ms, lru, pop, dirty, i, used) < 0)
        return -1;
    return 1;
}

/* A read of ``x`` that is not in fast memory, at record ``now``: a word read back (a spill; its
 * size from ``sizes``), or a scalar-input line (cold, reused, or a spill if it was written out),
 * then evictions while over capacity. FastMemory._word and ._key with Accounting._read_kind. */
static int
miss(Misses *ms, PyObject *lru, PyObject *dirty, PyObject *sizes, PyObject *x, long long *used, long long capacity,
     Py_ssize_t now)
{
    ms->now = now;
    long long key = PyLong_AsLongLong(x), size;
    if (key == -1 && PyErr_Occurred())
        return -1;
    PyObject *stored, *owner, *kind;
    if (key >= 0) {                                 /* a word */
        if (key >= PyList_GET_SIZE(ms->values)) {
            PyErr_SetString(PyExc_IndexError, "walk(): a word outside the trace");
            return -1;
        }
        PyObject *bytes = PyDict_GetItemWithError(sizes, (PyObject *)Py_TYPE(PyList_GET_ITEM(ms->values, key)));
        if (!bytes) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_RuntimeError, "walk(): a word of a type without a size");
            return -1;
        }
        size = PyLong_AsLongLong(bytes);
        owner = x;
        kind = kind_spill;
        stored = bytes;
    }
    else {                                          /* a scalar-input line */
        owner = PyDict_GetItemWithError(ms->line_owner, x);      /* borrowed */
        if (!owner) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_KeyError, "walk(): an input line without an owner");
            return -1;
        }
        size = ms->line;
        stored = owner;
        kind = NULL;
    }
    PyObject *written = PyDict_GetItemWithError(ms->pending, x);      /* (pending.pop(x, None)) */
    if (!written && PyErr_Occurred())
        return -1;
    if (written) {
        Py_INCREF(written);
        if (PyDict_DelItem(ms->pending, x) < 0) {
            Py_DECREF(written);
            return -1;
        }
    }
    if (written) {                                  /* written out before: read back, a spill */
        long long was = PyLong_AsLongLong(PyTuple_GET_ITEM(written, 1));
        Py_DECREF(written);
        if ((was == -1 && PyErr_Occurred()) || add_to(ms->kinds, kind_spill, was) < 0)
            return -1;
        kind = kind_spill;
    }
    else if (!kind) {
        int seen = PySet_Contains(ms->seen, x);
        if (seen < 0)
            return -1;
        kind = seen ? kind_reuse : kind_cold;
    }
    if (count_moved(ms, kind, owner, size, 0) < 0)
        return -1;
    if (key < 0 && PySet_Add(ms->seen, x) < 0)
        return -1;
    if (PyObject_SetItem(lru, x, stored) < 0)
        return -1;
    *used += size;
    return *used > capacity ? evict(ms, lru, dirty, used, capacity, now) : 0;
}

/* Asks the simulation, once a walk, whether the walk may do its misses, evictions and element
 * reads (``_misses_in_c``); if so, sets ``*ms`` up. */
static int
ask_misses(int *may_miss, Misses *misses, Misses **ms, PyObject *sim, PyObject *lru)
{
    PyObject *lets = PyObject_CallMethod(sim, "_misses_in_c", NULL);
    if (!lets)
        return -1;
    int yes = PyObject_IsTrue(lets);
    Py_DECREF(lets);
    if (yes < 0)
        return -1;
    *may_miss = yes ? 1 : -1;
    if (yes) {
        if (misses_init(misses, sim, lru) < 0)
            return -1;
        *ms = misses;
    }
    return 0;
}

/* walk(start, k, modes, first, second, dead, values, lru, move_to_end, pop, dirty, used, capacity,
 *      sizes, scalar_mode, no_key, sim, element_mode, ids) -> (k, used)
 *
 * analyzer.traffic.simulation's loop over the records of one chunk (the plan's lists). The records
 * that only hit (skipped ones, and scalar ones whose reads are all in fast memory and whose word
 * fits) are done here exactly as the Python loop does them: move the reads to the end of the LRU
 * order, add the word, drop what dies. At the first miss, eviction or element read it asks ``sim``
 * (the simulation, or None) whether it may do them itself (``sim._misses_in_c()``: a FastMemory
 * whose methods are its own); if so it does them here (``Misses``), and element reads of arrays
 * whose address it knows (``element_read``). At the first record that needs more (an array op, a
 * value of another type, a miss, an eviction or an element read it may not do) it returns that
 * record's position and the bytes in use, and the Python loop does that one. ``ids`` (or None):
 * a list whose item i is the int i, one object for each record: a word is keyed by that object,
 * so the dict finds it by identity rather than by comparing two equal ints. */
static PyObject *
module_walk(PyObject *m, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 19) {
        PyErr_SetString(PyExc_TypeError, "walk() takes 19 arguments");
        return NULL;
    }
    Py_ssize_t start = PyLong_AsSsize_t(args[0]), k = PyLong_AsSsize_t(args[1]);
    PyObject *modes = args[2], *first = args[3], *second = args[4], *dead = args[5], *values = args[6];
    PyObject *lru = args[7], *move_to_end = args[8], *pop = args[9], *dirty = args[10], *sizes = args[13];
    PyObject *ids = args[18] == Py_None ? NULL : args[18];     /* the int of each record, one object each */
    long long used = PyLong_AsLongLong(args[11]), capacity = PyLong_AsLongLong(args[12]);
    long scalar_mode = PyLong_AsLong(args[14]), element_mode = PyLong_AsLong(args[17]);
    long long no_key = PyLong_AsLongLong(args[15]);
    if (PyErr_Occurred())
        return NULL;
    if (!PyList_Check(modes) || !PyList_Check(first) || !PyList_Check(second) || !PyList_Check(dead)
        || !PyList_Check(values) || !PyDict_Check(lru) || !PyAnySet_Check(dirty) || !PyDict_Check(sizes)
        || (ids && !PyList_Check(ids))) {
        PyErr_SetString(PyExc_TypeError, "walk(): the plan's lists, an OrderedDict, a set and a dict");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(modes);
    if (PyList_GET_SIZE(first) < n || PyList_GET_SIZE(second) < n || PyList_GET_SIZE(dead) < n
        || PyList_GET_SIZE(values) < n) {
        PyErr_SetString(PyExc_ValueError, "walk(): lists of one length");
        return NULL;
    }
    Misses misses, *ms = NULL;
    int may_miss = args[16] == Py_None ? -1 : 0;    /* 0: not asked yet; 1: ``ms`` does misses; -1: no */
    PyObject *result = NULL;
    for (; k < n; k++) {
        long mode = PyLong_AsLong(PyList_GET_ITEM(modes, k));
        if (mode == 0)
            continue;                           /* SKIP: touches nothing */
        if (mode == element_mode) {             /* an element read, here if the memory lets */
            if (may_miss == 0 && ask_misses(&may_miss, &misses, &ms, args[16], lru) < 0)
                goto done;
            if (may_miss < 0)
                break;
            int read = element_read(ms, lru, pop, dirty, sizes, start + k, PyList_GET_ITEM(values, k), &used, capacity);
            if (read < 0)
                goto done;
            if (!read)
                break;                          /* not a plain element read: the Python loop */
            continue;
        }
        if (mode != scalar_mode)
            break;
        Py_ssize_t i = start + k;
        PyObject *reads[2] = {PyList_GET_ITEM(first, k), PyList_GET_ITEM(second, k)};
        int has[2], hits = 1;
        for (int r = 0; r < 2; r++) {
            long long x = PyLong_AsLongLong(reads[r]);
            if (x == -1 && PyErr_Occurred())
                goto done;
            has[r] = x != no_key;
            if (ids && x >= 0 && x < PyList_GET_SIZE(ids))
                reads[r] = PyList_GET_ITEM(ids, x);     /* the word's own key object: found by identity */
            if (has[r]) {
                int in = PyDict_Contains(lru, reads[r]);
                if (in < 0)
                    goto done;
                hits = hits && in;
            }
        }
        PyObject *v = PyList_GET_ITEM(values, k), *size = NULL;
        long long bytes = 0;
        if (v != Py_None) {
            size = PyDict_GetItemWithError(sizes, (PyObject *)Py_TYPE(v));     /* borrowed */
            if (size == NULL) {
                if (PyErr_Occurred())
                    goto done;
                break;                          /* another type: word_size, in Python */
            }
            bytes = PyLong_AsLongLong(size);
            if (bytes <= 0) {
                if (PyErr_Occurred())
                    goto done;
                break;
            }
        }
        if (!hits || used + bytes > capacity) {     /* a miss or an eviction: here, if the memory lets */
            if (may_miss == 0 && ask_misses(&may_miss, &misses, &ms, args[16], lru) < 0)
                goto done;
            if (may_miss < 0)
                break;                          /* the Python loop */
            int sized = 1;
            for (int r = 0; r < 2 && sized; r++) {      /* a word it may read back: of a type with a size */
                long long x = has[r] ? PyLong_AsLongLong(reads[r]) : -1;
                if (x >= PyList_GET_SIZE(ms->values))
                    sized = 0;
                else if (x >= 0 && (sized = PyDict_Contains(sizes, (PyObject *)Py_TYPE(PyList_GET_ITEM(ms->values, x)))) < 0)
                    goto done;
            }
            if (!sized)
                break;                          /* (another type: word_size, in Python) */
        }
        for (int r = 0; r < 2; r++) {
            if (!has[r])
                continue;
            int in = ms ? PyDict_Contains(lru, reads[r]) : 1;   /* (an earlier miss may have evicted it) */
            if (in < 0)
                goto done;
            if (in) {
                PyObject *moved = PyObject_Vectorcall(move_to_end, &reads[r], 1, NULL);
                if (moved == NULL)
                    goto done;
                Py_DECREF(moved);
            }
            else if (miss(ms, lru, dirty, sizes, reads[r], &used, capacity, i) < 0)
                goto done;
        }
        if (v != Py_None) {
            PyObject *id = ids && i < PyList_GET_SIZE(ids) ? Py_NewRef(PyList_GET_ITEM(ids, i)) : PyLong_FromSsize_t(i);
            if (id == NULL || PyObject_SetItem(lru, id, size) < 0 || PySet_Add(dirty, id) < 0) {
                Py_XDECREF(id);
                goto done;
            }
            Py_DECREF(id);
            used += bytes;
            if (used > capacity && evict(ms, lru, dirty, &used, capacity, i) < 0)
                goto done;
        }
        long dies = PyLong_AsLong(PyList_GET_ITEM(dead, k));
        for (int bit = 0; bit < 3; bit++) {
            if (!(dies & (1L << bit)))
                continue;
            PyObject *key = bit < 2 ? reads[bit] : ids && i < PyList_GET_SIZE(ids) ? Py_NewRef(PyList_GET_ITEM(ids, i))
                                                                          : PyLong_FromSsize_t(i);
            if (key == NULL)
                goto done;
            PyObject *call[] = {key, Py_None};
            PyObject *gone = PyObject_Vectorcall(pop, call, 2, NULL);
            if (gone != NULL && gone != Py_None) {
                used -= PyLong_AsLongLong(gone);
                if (PySet_Discard(dirty, key) < 0) {
                    Py_CLEAR(gone);
                }
            }
            if (bit == 2)
                Py_DECREF(key);
            if (gone == NULL || PyErr_Occurred()) {
                Py_XDECREF(gone);
                goto done;
            }
            Py_DECREF(gone);
        }
    }
    if (ms && ms->now >= 0) {                   /* the clock, as the Python loop leaves it */
        PyObject *now = PyLong_FromSsize_t(ms->now);
        if (!now || PyObject_SetAttrString(ms->sim, "now", now) < 0) {
            Py_XDECREF(now);
            goto done;
        }
        Py_DECREF(now);
    }
    result = Py_BuildValue("nL", k, used);
done:
    if (ms)
        misses_clear(ms);
    return result;
}

/* ---------------------------------------------------------------- module */

static PyObject *
module_configure(PyObject *m, PyObject *codes)
{
    if (!PyTuple_Check(codes) || PyTuple_GET_SIZE(codes) != K_COUNT) {
        PyErr_Format(PyExc_TypeError, "configure() takes a tuple of %d op codes, in the order of OPS", K_COUNT);
        return NULL;
    }
    for (int k = 0; k < K_COUNT; k++) {
        long code = PyLong_AsLong(PyTuple_GET_ITEM(codes, k));
        if (code == -1 && PyErr_Occurred())
            return NULL;
        if (code < 0 || code > 255) {
            PyErr_SetString(PyExc_ValueError, "an op code must fit in a byte");
            return NULL;
        }
        CODE[k] = (unsigned char)code;
    }
    configured = 1;
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"configure", module_configure, METH_O,
     "configure(codes): the trace's code of each op of OPS, in that order."},
    {"binary", module_binary, METH_VARARGS,
     "binary(op, trace, fallback, plain): the instrumented helper of a binary operator or comparison."},
    {"unary", module_unary, METH_VARARGS,
     "unary(op, trace, None, plain): the instrumented helper of - or ~."},
    {"configure_arrays", module_configure_arrays, METH_VARARGS,
     "configure_arrays(TracedArray, python_array_ufunc, ufuncs, ArrayCost, tail, ndarray, additive, "
     "multiplicative, elementwise): the Python side of the array tracer's hot path."},
    {"configure_release", module_configure_release, METH_VARARGS,
     "configure_release(Release, release_of, released_dtype_numbers, key): array_release, for the hot path."},
    {"array_ufunc", (PyCFunction)(void (*)(void))array_ufunc, METH_FASTCALL | METH_KEYWORDS,
     "array_ufunc(self, ufunc, method, *inputs, **kwargs): TracedArray.__array_ufunc__."},
    {"walk", (PyCFunction)(void (*)(void))module_walk, METH_FASTCALL,
     "walk(start, k, modes, first, second, dead, values, lru, move_to_end, pop, dirty, used, capacity, sizes, "
     "scalar_mode, no_key, sim, element_mode, ids) -> (k, used): the traffic simulation's scalar records and element reads."},
    {"type_codes", module_type_codes, METH_VARARGS,
     "type_codes(values, types): bytearray of each value's exact type's position in types (len(types): another)."},
    {"floats", module_floats, METH_VARARGS,
     "floats(values, picked, as_complex): bytearray of the picked values as float64 or complex128."},
    {"count", module_count, METH_VARARGS,
     "count(iterable, a, b, trace): Scalars of its items, each an index record of sources (a, b)."},
    {NULL}
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "analyzer._recorder",
    "The scalar tracer's hot path in C (see analyzer/recorder.py).", -1, module_methods,
};

PyMODINIT_FUNC
PyInit__recorder(void)
{
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
    str_recorder = PyUnicode_InternFromString("_recorder");
    if (str_recorder == NULL || PyType_Ready(&RecorderType) < 0 || PyType_Ready(&HelperType) < 0
        || PyType_Ready(&CountType) < 0)
        goto fail;
    ScalarType = (PyTypeObject *)PyType_FromSpec(&Scalar_spec);
    if (ScalarType == NULL)
        goto fail;
    PyObject *names = PyTuple_New(K_COUNT);
    if (names == NULL)
        goto fail;
    for (int k = 0; k < K_COUNT; k++) {
        PyObject *s = PyUnicode_FromString(OP_NAMES[k]);
        if (s == NULL) {
            Py_DECREF(names);
            goto fail;
        }
        PyTuple_SET_ITEM(names, k, s);
    }
    if (PyModule_AddObject(m, "OPS", names) < 0) {
        Py_DECREF(names);
        goto fail;
    }
    Py_INCREF(&RecorderType);
    Py_INCREF(ScalarType);
    if (PyModule_AddObject(m, "Recorder", (PyObject *)&RecorderType) < 0
        || PyModule_AddObject(m, "Scalar", (PyObject *)ScalarType) < 0)
        goto fail;
    if (PyModule_AddStringConstant(m, "SOURCE_DIGEST", TAXO_SOURCE_DIGEST) < 0)
        goto fail;
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
