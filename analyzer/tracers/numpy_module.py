"""A traced stand-in for ``numpy`` in the probe's own code: the arrays it makes are traced.

``np.empty((n, d))`` and ``np.array([a, b])`` take no traced array, so numpy never dispatches
them to the tracer: rows written into such a buffer would leave the trace (an ``escape``) and
work on it would enter later ops as constants. While a version runs, ``patched(namespace,
trace)`` binds a stand-in wherever the probe's globals hold numpy (``import numpy as np``) or
one of the functions below (``from numpy import zeros``); everything else it forwards to numpy.

- ``empty``, ``zeros``, ``ones``, ``full``, ``eye``, ``identity``: one ``alloc`` record, named as
  the function, reading the traced numbers among its arguments (a shape ``(n, d)`` from an
  input, a fill value). No flops; its bytes are materialized.
- ``array``, ``asarray``, ``asanyarray``, ``ascontiguousarray`` of lists or tuples holding traced
  values: one ``concat`` record reading them (no flops); of a traced array: that array
  (``asarray``), its copy (``array``) or its cast (a ``dtype``), as numpy would. Of nothing
  traced: numpy's own result, which enters later ops as a constant, as before.

Not covered: numpy used from another module the probe imports, ``import numpy`` inside a
function body, and a factory captured before the run (a default argument).

>>> import numpy as np
>>> from analyzer.trace import Trace
>>> t = Trace(); fake = stand_in(t)
>>> buffer = fake.zeros((2, 3)); t.node(buffer.i).op.value, t.node(buffer.i).extra.name
('alloc', 'zeros')
>>> fake.linalg is np.linalg
True
"""
from __future__ import annotations

import types
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import numpy as np

from analyzer.ops import Op
from analyzer.trace import Trace
from analyzer.tracers.array import TracedArray, _unwrap, _wrap, defined
from analyzer.tracers.array_cost import cost_of
from analyzer.tracers.math_module import rebound
from analyzer.tracers.scalar import Scalar

FACTORIES = ("empty", "zeros", "ones", "full", "eye", "identity")
CONVERTERS = ("array", "asarray", "asanyarray", "ascontiguousarray")


def _holds_traced(obj: Any) -> bool:
    t = type(obj)
    if t is TracedArray or t is Scalar:
        return True
    return (t is list or t is tuple) and any(_holds_traced(x) for x in obj)


def _factory(real: Callable[..., Any], trace: Trace) -> Callable[..., Any]:
    name = real.__name__

    def factory(*args: Any, **kwargs: Any) -> Any:
        srcs: list[int] = []
        raw_args = [_unwrap(a, srcs, trace) if _holds_traced(a) else a for a in args]
        raw_kwargs = {k: _unwrap(v, srcs, trace) if _holds_traced(v) else v for k, v in kwargs.items()}
        result = defined(name, real(*raw_args, **raw_kwargs))
        return _wrap(trace, Op.ALLOC, tuple(srcs), result, cost_of(Op.ALLOC, name, [], result))
    return _named(factory, real)


def _converter(real: Callable[..., Any], trace: Trace) -> Callable[..., Any]:
    name = real.__name__

    def convert(obj: Any, *args: Any, **kwargs: Any) -> Any:
        if not _holds_traced(obj):
            return real(obj, *args, **kwargs)
        dtype = kwargs.get("dtype", args[0] if args else None)
        if type(obj) is TracedArray:
            if dtype is not None and np.dtype(dtype) != obj.a.dtype:
                return obj.astype(dtype)
            copies = name == "array" and kwargs.get("copy", True) is not False or \
                name == "ascontiguousarray" and not obj.a.flags.c_contiguous
            return np.copy(obj) if copies else obj
        srcs: list[int] = []
        raw = _unwrap(obj, srcs, trace)
        result = real(raw, *args, **kwargs)
        return _wrap(trace, Op.CONCAT, tuple(srcs), result, cost_of(Op.CONCAT, name, [], result))
    return _named(convert, real)


def _named(function: Callable[..., Any], real: Callable[..., Any]) -> Callable[..., Any]:
    function.__name__ = function.__qualname__ = real.__name__
    function.__doc__ = real.__doc__
    function.__wrapped__ = real     # type: ignore[attr-defined]
    return function


class _StandIn(types.ModuleType):
    """numpy, but for the functions set on it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(np, name)


def stand_in(trace: Trace) -> types.ModuleType:
    """A numpy whose factories and converters record into ``trace``."""
    module = _StandIn(np.__name__, np.__doc__)
    for name in FACTORIES:
        setattr(module, name, _factory(getattr(np, name), trace))
    for name in CONVERTERS:
        setattr(module, name, _converter(getattr(np, name), trace))
    return module


_REPLACED = {id(np): None, **{id(getattr(np, name)): name for name in (*FACTORIES, *CONVERTERS)}}


@contextmanager
def patched(namespace: dict[str, Any] | None, trace: Trace) -> Iterator[None]:
    """Bind the stand-in (or its functions) where ``namespace`` holds numpy (or those functions);
    restore the originals after, also when the body raises."""
    replacements: dict[str, Any] = {}
    if namespace is not None:
        fake = None
        for name, obj in list(namespace.items()):
            attribute = _REPLACED.get(id(obj), False)
            if attribute is False or obj is not (np if attribute is None else getattr(np, attribute)):
                continue
            fake = fake or stand_in(trace)
            replacements[name] = fake if attribute is None else getattr(fake, attribute)
    with rebound(namespace, replacements):
        yield
