"""Traced stand-ins for the ``math`` and ``cmath`` modules.

``math.exp(x)`` on a traced ``Scalar`` would call ``Scalar.__float__``: the value escapes
and the work is lost. While a version runs, ``patched(namespace)`` gives the probe's
module a ``math`` (and ``cmath``) whose functions record one op (one 'other' flop) when an
argument is a ``Scalar``, or when every argument is a plain number (``math.sqrt(2)`` in the
probe's loop is constant work: its operands enter as constants of the run's trace), and call
the real function otherwise. Names bound to the real
functions (``from math import exp``, ``e = math.exp`` at top level) are replaced the same
way; everything else (``math.pi``, ``math.isclose``) is the real object.

Not covered, so those calls still concretize (an ``escape`` guard): ``math`` used from
another module the probe imports, ``import math`` inside a function body, a real math
function captured before the run (a default argument, a closure), and the functions not
listed below (``fsum``, ``isfinite``, ``cmath.phase`` ...). ``math.floor``/``ceil``/``trunc``
are traced everywhere: ``Scalar`` implements ``__floor__``, ``__ceil__`` and ``__trunc__``.

>>> from analyzer.trace import Trace
>>> from analyzer.tracers.scalar import scalar
>>> t = Trace(); x = scalar(0.0, t.input("x", 0.0), t)
>>> MATH.exp(x).v, t.node(len(t) - 1).op, MATH.exp(0.0)
(1.0, <Op.EXP: 'exp'>, 1.0)
"""
from __future__ import annotations

import cmath
import math
import types
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from analyzer.ops import Op
from analyzer.trace import Trace
from analyzer.tracers.scalar import NUMBERS, Scalar, plain_numbers, scalar

MATH_OPS = {
    "exp": Op.EXP, "expm1": Op.EXPM1, "log1p": Op.LOG1P, "log2": Op.LOG2, "log10": Op.LOG10,
    "sqrt": Op.SQRT, "hypot": Op.HYPOT, "sin": Op.SIN, "cos": Op.COS, "tan": Op.TAN,
    "asin": Op.ASIN, "acos": Op.ACOS, "atan": Op.ATAN, "atan2": Op.ATAN2, "sinh": Op.SINH,
    "cosh": Op.COSH, "tanh": Op.TANH, "pow": Op.POW, "fabs": Op.ABS, "fmod": Op.FMOD,
    "floor": Op.FLOOR, "ceil": Op.CEIL, "trunc": Op.TRUNC,
}
CMATH_OPS = {
    "exp": Op.EXP, "log10": Op.LOG10, "sqrt": Op.SQRT, "sin": Op.SIN, "cos": Op.COS,
    "tan": Op.TAN, "asin": Op.ASIN, "acos": Op.ACOS, "atan": Op.ATAN, "sinh": Op.SINH,
    "cosh": Op.COSH, "tanh": Op.TANH,
}


def traced(op: Op, f: Callable[..., Any], trace: Trace | None = None,
           plain: frozenset[type] = frozenset()) -> Callable[..., Any]:
    """``f`` recording ``op`` when an argument is a Scalar (plain numbers enter as constants);
    with a ``trace``, also when every argument is a plain number (a call on literals or
    counters is work the probe does: constant work)."""
    def function(*args: Any) -> Any:
        for a in args:
            if type(a) is Scalar:
                t = a.t
                break
        else:
            if trace is None or not args or not all(type(a) in plain for a in args):
                return f(*args)
            t = trace
        srcs = tuple(a.i if type(a) is Scalar else t.const(a) for a in args
                     if type(a) is Scalar or isinstance(a, NUMBERS))
        v = f(*[a.v if type(a) is Scalar else a for a in args])
        return scalar(v, t.append_record((op, srcs, v, t.fn, None)), t)
    function.__name__ = function.__qualname__ = f.__name__
    function.__doc__ = f.__doc__
    function.__wrapped__ = f     # type: ignore[attr-defined]
    return function


def traced_log(f: Callable[..., Any], trace: Trace | None = None,
               plain: frozenset[type] = frozenset()) -> Callable[..., Any]:
    """``log(x)`` is one LOG op; ``log(x, base)`` is log(x) / log(base), as CPython computes it."""
    one = traced(Op.LOG, f, trace, plain)

    def log(x: Any, *base: Any) -> Any:
        if not base:
            return one(x)
        if type(x) is not Scalar and type(base[0]) is not Scalar and trace is None:
            return f(x, *base)
        lx, lb = one(x), one(base[0])
        return lx / lb if type(lx) is Scalar or type(lb) is Scalar else f(x, *base)
    log.__name__ = log.__qualname__ = "log"
    log.__doc__ = f.__doc__
    log.__wrapped__ = f     # type: ignore[attr-defined]
    return log


def _stand_in(real: types.ModuleType, ops: dict[str, Op], trace: Trace | None = None) -> types.ModuleType:
    plain = plain_numbers() if trace is not None else frozenset()
    module = types.ModuleType(real.__name__, real.__doc__)
    module.__dict__.update({k: v for k, v in vars(real).items() if not k.startswith("__")})
    for name, op in ops.items():
        setattr(module, name, traced(op, getattr(real, name), trace, plain))
    module.log = traced_log(real.log, trace, plain)   # type: ignore[attr-defined]
    return module


MATH = _stand_in(math, MATH_OPS)
CMATH = _stand_in(cmath, CMATH_OPS)

# id(real object) -> (real object, its module, its name in the module or None for the module)
_REPLACEMENTS: dict[int, tuple[Any, types.ModuleType, str | None]] = {
    id(math): (math, math, None), id(cmath): (cmath, cmath, None)}
for _real, _ops in ((math, MATH_OPS), (cmath, CMATH_OPS)):
    for _name in (*_ops, "log"):
        _REPLACEMENTS[id(getattr(_real, _name))] = (getattr(_real, _name), _real, _name)


@contextmanager
def patched(namespace: dict[str, Any] | None, trace: Trace | None = None) -> Iterator[None]:
    """Bind the stand-ins in ``namespace`` (a module's globals); restore the originals after,
    also when the body raises. With ``trace``, the stand-ins also record calls on plain
    numbers into it."""
    replacements: dict[str, Any] = {}
    if namespace is not None:
        stand_ins: dict[types.ModuleType, types.ModuleType] = {}
        for name, obj in list(namespace.items()):
            hit = _REPLACEMENTS.get(id(obj))
            if hit is None or hit[0] is not obj:
                continue
            real_module, attribute = hit[1], hit[2]
            fake = stand_ins.get(real_module)
            if fake is None:
                fake = stand_ins[real_module] = (
                    _stand_in(real_module, MATH_OPS if real_module is math else CMATH_OPS, trace)
                    if trace is not None else (MATH if real_module is math else CMATH))
            replacements[name] = fake if attribute is None else getattr(fake, attribute)
    with rebound(namespace, replacements):
        yield


@contextmanager
def rebound(namespace: dict[str, Any] | None, replacements: dict[str, Any]) -> Iterator[None]:
    """Bind ``replacements`` (name -> stand-in) in ``namespace``; the originals come back after,
    also when the body raises."""
    originals = {name: namespace[name] for name in replacements} if namespace is not None else {}
    if namespace is not None:
        namespace.update(replacements)
    try:
        yield
    finally:
        if namespace is not None:
            namespace.update(originals)
