"""Scalar front-end: operator overloading on int, float and complex.

A ``Scalar`` is a number, the SSA id of the record that produced it and the trace it belongs
to; every operator appends one record to that trace (no global: two traces never mix) (micrograd's ``Value``, minus gradients). Inputs
stay ordered, so ``x * x`` reads ``(i, i)``. Bitwise and shift operators are ops too, and
``math.floor``/``ceil``/``trunc`` reach ``__floor__``/``__ceil__``/``__trunc__`` (the other
``math`` functions: ``math_module``). A comparison is an op like the others and returns a
traced bool; ``__bool__``, ``__index__`` and ``__hash__`` are guards: the value decides control
flow there. So ``any([x > t for x in xs])`` reads only the tests up to the first true one,
and the rest are dead, as they are in the program.
Where a number leaves the trace — ``n.bit_length()``, a Scalar passed to torch — an
``escape`` guard records it; ``str()`` and ``format()`` read the number.

>>> from analyzer.trace import Trace
>>> t = Trace(); x = scalar(3, t.input("x", 3), t)
>>> (x * x + 1).v, [t.node(i).op.value for i in range(len(t))]
(10, ['input', 'mul', 'const', 'add'])
"""
from __future__ import annotations

import math
import operator
import sys
from typing import Any, Callable

from analyzer.ops import Op
from analyzer.recorder import COMPILED
from analyzer.trace import CODE, NONE, Trace

NUMBERS = (int, float, complex)
# the Python operator of each op that has one (the recorders are compiled with it spelled out)
SYMBOLS = {Op.ADD: "+", Op.SUB: "-", Op.MUL: "*", Op.DIV: "/", Op.FLOORDIV: "//", Op.MOD: "%", Op.POW: "**",
           Op.AND: "&", Op.OR: "|", Op.XOR: "^", Op.LSHIFT: "<<", Op.RSHIFT: ">>", Op.NEG: "-",
           Op.INVERT: "~", Op.LT: "<", Op.LE: "<=", Op.GT: ">", Op.GE: ">=", Op.EQ: "==", Op.NE: "!="}


def plain_numbers() -> frozenset[type]:
    """The number types an instrumented operator records as constants when it meets two of
    them: int, float, complex and, once numpy is loaded, numpy's number scalars (never bool)."""
    types: set[type] = {int, float, complex}
    np = sys.modules.get("numpy")
    if np is not None:
        types.update(t for t in set(np.sctypeDict.values()) if issubclass(t, np.number))
    return frozenset(types)


# Each operator method is compiled from a template with its operator spelled out (``a.v * bv``,
# not ``operator.mul(a.v, bv)``) and builds its result as ``Scalar()``, then sets the three slots:
# tracing pays per operator, and those two calls were a third of it. (``Scalar`` has no
# ``__init__``, so ``Scalar()`` is a C call; ``object.__new__(Scalar)`` took ~300 more
# instructions per op, through the builtin's argument wrapper. Elsewhere: ``scalar(v, i, t)``.)
_BINARY = """
def forward(a, b):
    t = a.t
    if type(b) is Scalar:
        bi, bv = b.i, b.v
    elif isinstance(b, NUMBERS):
        bi, bv = t.const(b), b
    else:
        return NotImplemented
    v = a.v {symbol} bv
    t.ops.append({code})
    t.first(a.i)
    t.second(bi)
    values = t.values
    values.append(v)
    s = Scalar()
    s.v, s.i, s.t = v, len(values) - 1, t
    return s

def reflected(a, b):                # b <op> a, b a plain number
    t = a.t
    if not isinstance(b, NUMBERS):
        return NotImplemented
    v = b {symbol} a.v
    bi = t.const(b)
    t.ops.append({code})
    t.first(bi)
    t.second(a.i)
    values = t.values
    values.append(v)
    s = Scalar()
    s.v, s.i, s.t = v, len(values) - 1, t
    return s
"""



def _compiled(template: str, op: Op) -> dict[str, Callable]:
    """The functions ``template`` defines, with ``{symbol}`` the Python operator of ``op`` and
    ``{code}`` its code in the trace (they read this module's globals: ``Scalar`` exists by the
    time they run)."""
    made: dict[str, Any] = {}
    source = template.format(symbol=SYMBOLS[op], code=CODE[op])
    exec(compile(source, f"<scalar {op.value}>", "exec"), globals(), made)
    return made


def _binary(op: Op) -> tuple[Callable, Callable]:
    """The forward and reflected methods of one binary operator."""
    made = _compiled(_BINARY, op)
    return made["forward"], made["reflected"]


def _compare(op: Op) -> Callable:
    """A comparison is an operator like the others: its result is a traced bool, and what the
    program does with it records the rest (``if``: a branch; ``sum``: additions; nothing: dead)."""
    return _compiled(_BINARY, op)["forward"]


def _unary(op: Op, f: Callable[[Any], Any]) -> Callable:
    code = CODE[op]

    def method(a: Scalar) -> Scalar:
        t = a.t
        v = f(a.v)
        t.ops.append(code)
        t.first(a.i)
        t.second(NONE)
        values = t.values
        values.append(v)
        s = Scalar()
        s.v, s.i, s.t = v, len(values) - 1, t
        return s
    return method


def _guard(op: Op, f: Callable[[Any], Any]) -> Callable:
    """Concretize: the raw value leaves the trace, so it decides what happens next."""
    code = CODE[op]

    def method(a: Scalar) -> Any:
        t = a.t
        t.ops.append(code)
        t.first(a.i)
        t.second(NONE)
        t.values.append(None)
        return f(a.v)
    return method


class ScalarMethods:
    """What a traced number does beyond its operators, in Python: rounding, numpy and torch
    meeting it, printing it, and the number's own methods (the value escapes)."""
    __slots__ = ()

    __floor__ = _unary(Op.FLOOR, math.floor)     # math.floor(x) even without the math stand-in
    __ceil__ = _unary(Op.CEIL, math.ceil)
    __trunc__ = _unary(Op.TRUNC, math.trunc)
    conjugate = _unary(Op.CONJ, lambda v: v.conjugate())
    real = property(_unary(Op.REAL, lambda v: v.real))
    imag = property(_unary(Op.IMAG, lambda v: v.imag))
    __complex__ = _guard(Op.ESCAPE, complex)

    def __round__(self, ndigits: int | None = None) -> Scalar:
        t = self.t
        v = round(self.v, ndigits)
        return scalar(v, t.emit(Op.ROUND, (self.i,), v), t)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        from analyzer.tracers.array import traced_ufunc  # numpy only when arrays meet scalars
        return traced_ufunc(ufunc, method, inputs, kwargs)

    def __reduce__(self) -> tuple:  # copy, deepcopy and pickle, whichever recorder made the class
        return scalar, (self.v, self.i, self.t)

    def __repr__(self) -> str:
        return f"Scalar({self.v!r})"

    def __format__(self, spec: str) -> str:
        return format(self.v, spec)

    def __str__(self) -> str:       # str(i + 1) reads as the number, as f"{i + 1}" does
        return str(self.v)

    def _escape(self, name: str) -> Any:
        self.t.emit(Op.ESCAPE, (self.i,), None)
        return getattr(self.v, name)

    # The number's own methods: the value escapes. (No __getattr__: it would slow every
    # attribute read of every Scalar, since CPython then cannot specialize slot access.)
    def bit_length(self) -> int:
        return self._escape("bit_length")()

    def bit_count(self) -> int:
        return self._escape("bit_count")()

    def is_integer(self) -> bool:
        return self._escape("is_integer")()

    def as_integer_ratio(self) -> tuple[int, int]:
        return self._escape("as_integer_ratio")()

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        """A traced number passed to torch enters as its plain value (an escape)."""
        return func(*_escaped(args), **{k: _escaped(v) for k, v in (kwargs or {}).items()})


class Scalar(ScalarMethods):     # the pure-Python tracer's (``PythonScalar``; ``Scalar`` is rebound below)
    """A traced number: ``v`` is its value, ``i`` the id of the record that made it in trace ``t``
    (made by ``scalar(v, i, t)``). The compiled recorder's ``Scalar`` has the same operators in C."""
    __slots__ = ("v", "i", "t")

    __add__, __radd__ = _binary(Op.ADD)
    __sub__, __rsub__ = _binary(Op.SUB)
    __mul__, __rmul__ = _binary(Op.MUL)
    __truediv__, __rtruediv__ = _binary(Op.DIV)
    __floordiv__, __rfloordiv__ = _binary(Op.FLOORDIV)
    __mod__, __rmod__ = _binary(Op.MOD)
    __pow__, __rpow__ = _binary(Op.POW)
    __and__, __rand__ = _binary(Op.AND)
    __or__, __ror__ = _binary(Op.OR)
    __xor__, __rxor__ = _binary(Op.XOR)
    __lshift__, __rlshift__ = _binary(Op.LSHIFT)
    __rshift__, __rrshift__ = _binary(Op.RSHIFT)
    __invert__ = _unary(Op.INVERT, operator.invert)
    __neg__ = _unary(Op.NEG, operator.neg)
    __abs__ = _unary(Op.ABS, abs)
    __lt__ = _compare(Op.LT)
    __le__ = _compare(Op.LE)
    __gt__ = _compare(Op.GT)
    __ge__ = _compare(Op.GE)
    __eq__ = _compare(Op.EQ)     # so traced values work as dict keys
    __ne__ = _compare(Op.NE)
    __hash__ = _guard(Op.KEY, hash)
    __bool__ = _guard(Op.BRANCH, bool)
    __index__ = _guard(Op.INDEX, operator.index)
    __int__ = _guard(Op.ESCAPE, int)
    __float__ = _guard(Op.ESCAPE, float)

    def __pos__(self) -> Scalar:
        return self


PythonScalar = Scalar


def _compiled_scalar() -> type:
    """The compiled recorder's Scalar, given ScalarMethods' methods."""
    cls = COMPILED.Scalar
    for name, member in vars(ScalarMethods).items():
        if name not in ("__module__", "__qualname__", "__doc__", "__slots__"):
            setattr(cls, name, member)
    return cls


# The class every tracer makes and tests for (``type(x) is Scalar``): one of the two per process.
Scalar = _compiled_scalar() if COMPILED else PythonScalar


def scalar(v: Any, i: int, t: Trace) -> Scalar:
    """The traced number ``v``, the value of record ``i`` of trace ``t``."""
    s = Scalar()
    s.v, s.i, s.t = v, i, t
    return s


def _escaped(obj: Any) -> Any:
    """``obj`` with every Scalar in it (also inside lists and tuples) replaced by its value."""
    if type(obj) is Scalar:
        obj.t.emit(Op.ESCAPE, (obj.i,), None)
        return obj.v
    if type(obj) in (list, tuple):
        return type(obj)(_escaped(o) for o in obj)
    return obj
