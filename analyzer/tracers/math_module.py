"""Traced stand-ins for the ``math`` and ``cmath`` modules.

``math.exp(x)`` on a traced ``Scalar`` would call ``Scalar.__float__``: the value escapes
and the work is lost. While a version runs, ``patched(namespace)`` gives the probe's
module a ``math`` (and ``cmath``) whose functions record one op (one 'other' flop) when an
argument is a ``Scalar`` and call the real function otherwise. Names bound to the real
functions (``from math import exp``, ``e = math.exp`` at top level) are replaced the same
way; everything else (``math.pi``, ``math.isclose``) is the real object.

Not covered, so those calls still concretize (an ``escape`` guard): ``math`` used from
another module the probe imports, ``import math`` inside a function body, a real math
function captured before the run (a default argument, a closure), and the functions not
listed below (``fsum``, ``isfinite``, ``cmath.phase`` ...). ``math.floor``/``ceil``/``trunc``
are traced everywhere: ``Scalar`` implements ``__floor__``, ``__ceil__`` and ``__trunc__``.

>>> from analyzer.trace import Trace
>>> from analyzer.tracers.scalar import Scalar
>>> t = Trace(); x = Scalar(0.0, t.input("x", 0.0), t)
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
from analyzer.tracers.scalar import NUMBERS, Scalar

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


def traced(op: Op, f: Callable[..., Any]) -> Callable[..., Any]:
    """``f`` recording ``op`` when an argument is a Scalar (plain numbers enter as constants)."""
    def function(*args: Any) -> Any:
        for a in args:
            if type(a) is Scalar:
                t = a.t
                break
        else:
            return f(*args)
        srcs = tuple(a.i if type(a) is Scalar else t.const(a) for a in args
                     if type(a) is Scalar or isinstance(a, NUMBERS))
        v = f(*[a.v if type(a) is Scalar else a for a in args])
        rec = t.records
        rec.append((op, srcs, v, t.fn, None))
        return Scalar(v, len(rec) - 1, t)
    function.__name__ = function.__qualname__ = f.__name__
    function.__doc__ = f.__doc__
    function.__wrapped__ = f     # type: ignore[attr-defined]
    return function


def traced_log(f: Callable[..., Any]) -> Callable[..., Any]:
    """``log(x)`` is one LOG op; ``log(x, base)`` is log(x) / log(base), as CPython computes it."""
    one = traced(Op.LOG, f)

    def log(x: Any, *base: Any) -> Any:
        if not base:
            return one(x)
        if type(x) is not Scalar and type(base[0]) is not Scalar:
            return f(x, *base)
        return one(x) / one(base[0])
    log.__name__ = log.__qualname__ = "log"
    log.__doc__ = f.__doc__
    log.__wrapped__ = f     # type: ignore[attr-defined]
    return log


def _stand_in(real: types.ModuleType, ops: dict[str, Op]) -> types.ModuleType:
    module = types.ModuleType(real.__name__, real.__doc__)
    module.__dict__.update({k: v for k, v in vars(real).items() if not k.startswith("__")})
    for name, op in ops.items():
        setattr(module, name, traced(op, getattr(real, name)))
    module.log = traced_log(real.log)   # type: ignore[attr-defined]
    return module


MATH = _stand_in(math, MATH_OPS)
CMATH = _stand_in(cmath, CMATH_OPS)

# id(real object) -> (real object, stand-in): modules and every function replaced in them.
_REPLACEMENTS: dict[int, tuple[Any, Any]] = {id(math): (math, MATH), id(cmath): (cmath, CMATH)}
for _real, _fake in ((math, MATH), (cmath, CMATH)):
    for _name in (*(MATH_OPS if _real is math else CMATH_OPS), "log"):
        _REPLACEMENTS[id(getattr(_real, _name))] = (getattr(_real, _name), getattr(_fake, _name))


@contextmanager
def patched(namespace: dict[str, Any] | None) -> Iterator[None]:
    """Bind the stand-ins in ``namespace`` (a module's globals); restore the originals after,
    also when the body raises."""
    originals: dict[str, Any] = {}
    if namespace is not None:
        for name, obj in list(namespace.items()):
            hit = _REPLACEMENTS.get(id(obj))
            if hit is not None and hit[0] is obj:
                originals[name] = obj
                namespace[name] = hit[1]
    try:
        yield
    finally:
        for name, obj in originals.items():
            namespace[name] = obj   # type: ignore[index]
