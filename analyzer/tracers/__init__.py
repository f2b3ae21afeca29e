"""Front-ends that record a version's run into a ``Trace``.

``run(fn, inputs, trace, module, static)`` wraps the inputs (numbers and nested lists of
numbers as ``Scalar``, numpy arrays as ``TracedArray``, torch tensors and modules through
``torch_dispatch``), counts calls of the probe's own functions as boundaries, gives the
probe's module traced ``math``/``cmath`` stand-ins (``math_module``), runs ``fn`` and
records which values reach the output.

torch is never imported here: a value can only be a torch object if the probe imported
torch already, so ``sys.modules`` tells whether to look.
"""
from __future__ import annotations

import gc
import sys
import types
from contextlib import contextmanager, nullcontext
from typing import Any, Callable, Iterator

from analyzer.trace import Trace
from analyzer.tracers import math_module, scalar
from analyzer.tracers.scalar import NUMBERS, Scalar


def wrap(value: Any, trace: Trace, name: str, static: bool) -> Any:
    """A traced copy of one input: numbers, (nested) lists/tuples/dicts of them, arrays."""
    if isinstance(value, NUMBERS) and not isinstance(value, bool):
        return Scalar(value, trace.input(name, value, static))
    if isinstance(value, (list, tuple)):
        return _rebuild(value, [wrap(v, trace, f"{name}[{k}]", static) for k, v in enumerate(value)])
    if isinstance(value, dict):
        return {k: wrap(v, trace, f"{name}[{k!r}]", static) for k, v in value.items()}
    if type(value).__module__ == "numpy":
        from analyzer.tracers.array import TracedArray
        import numpy as np
        if isinstance(value, np.ndarray):
            return TracedArray(value, trace.input(name, value, static))
        if isinstance(value, np.generic):
            return Scalar(value, trace.input(name, value, static))
    if _is_torch(value):
        from analyzer.tracers import torch_dispatch
        return torch_dispatch.wrap(value, trace, name, static)
    return value


def _rebuild(like: list | tuple, items: list) -> Any:
    """A sequence of ``like``'s type holding ``items`` (a namedtuple takes them positionally)."""
    if hasattr(like, "_fields"):
        return type(like)(*items)
    return type(like)(items)


def _is_torch(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, (torch.Tensor, torch.nn.Module))


def unwrap(obj: Any, ids: list[int], trace: Trace | None = None) -> Any:
    """The raw output, with the ids of every traced value in it appended to ``ids``."""
    if type(obj) is Scalar:
        ids.append(obj.i)
        return obj.v
    if type(obj).__name__ == "TracedArray":
        ids.append(obj.i)
        return obj.a
    if isinstance(obj, (list, tuple)):
        return _rebuild(obj, [unwrap(v, ids, trace) for v in obj])
    if isinstance(obj, dict):
        return {k: unwrap(v, ids, trace) for k, v in obj.items()}
    if trace is not None and _is_torch(obj) and not isinstance(obj, sys.modules["torch"].nn.Module):
        from analyzer.tracers import torch_dispatch
        return torch_dispatch.unwrap(obj, ids, trace)
    return obj


def _frontends(trace: Trace) -> Any:
    """The torch dispatch mode when an input was a torch value, else nothing to enter."""
    torch_dispatch = sys.modules.get("analyzer.tracers.torch_dispatch")
    if torch_dispatch is not None and torch_dispatch.uses_torch(trace):
        return torch_dispatch.tracing(trace)
    return nullcontext()


def _count_calls(fn: Callable, name: str) -> Callable:
    def traced(*args: Any, **kwargs: Any) -> Any:
        t = scalar._T
        caller = t.enter(name)
        try:
            return fn(*args, **kwargs)
        finally:
            t.fn = caller
    traced.__wrapped__ = fn  # type: ignore[attr-defined]
    return traced


@contextmanager
def tracing(trace: Trace, module: types.ModuleType | None = None,
            namespace: dict[str, Any] | None = None) -> Iterator[None]:
    """Send records to ``trace``; count calls of ``module``'s own functions; trace ``math``
    and ``cmath`` in ``module`` (or in ``namespace``, the globals of a bare function).

    The garbage collector is paused: a trace is millions of small tuples, and generational
    collection over them would dominate the tracer's cost.
    """
    patched: dict[str, Callable] = {}
    if module is not None:
        for name, obj in vars(module).items():
            if isinstance(obj, types.FunctionType) and obj.__module__ == module.__name__:
                patched[name] = obj
        for name, obj in patched.items():
            setattr(module, name, _count_calls(obj, name))
    previous = scalar.active()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    scalar.activate(trace)
    try:
        with math_module.patched(vars(module) if module is not None else namespace):
            yield
    finally:
        scalar.activate(previous)
        if gc_was_enabled:
            gc.enable()
        for name, obj in patched.items():
            setattr(module, name, obj)


def run(fn: Callable, inputs: dict[str, Any], trace: Trace, module: types.ModuleType | None = None,
        static: frozenset[str] = frozenset()) -> Any:
    """Trace one call ``fn(**inputs)``; returns its raw output and sets ``trace.outputs``."""
    try:
        with tracing(trace, module, getattr(fn, "__globals__", None)):
            wrapped = {k: wrap(v, trace, k, k in static) for k, v in inputs.items()}
            name = getattr(fn, "__name__", "version")
            traced = getattr(module, name, fn) if module is not None else fn
            with _frontends(trace):
                result = traced(**wrapped)
        ids: list[int] = []
        raw = unwrap(result, ids, trace)
        trace.outputs = tuple(ids)
    finally:
        torch_dispatch = sys.modules.get("analyzer.tracers.torch_dispatch")
        if torch_dispatch is not None and torch_dispatch.uses_torch(trace):
            torch_dispatch.finish(trace)
    return raw
