"""Front-ends that record a version's run into a ``Trace``, as a registry.

A ``FrontEnd`` says which input values it takes, wraps them into traced values that carry
their trace (so no global names "the active trace": two traces never mix), and optionally
opens a session around the run (torch's dispatch mode) and closes it afterwards. ``FRONT_ENDS``
lists scalar (Python numbers), numpy (arrays) and torch (tensors and modules); a JAX front-end
would be one more entry. ``run(fn, inputs, trace, module, static)`` wraps the inputs through
the registry, counts calls of the probe's own functions as boundaries, gives the probe's
module traced ``math``/``cmath`` stand-ins (``math_module``), runs ``fn`` and records which
values reach the output. ``trace.front_ends`` names the front-ends that took an input.

torch is never imported here: a value can only be a torch object if the probe imported
torch already, so ``sys.modules`` tells whether to look.
"""
from __future__ import annotations

import gc
import sys
import types
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, Callable, ContextManager, Iterator

from analyzer.trace import Trace
from analyzer.tracers import instrumented, math_module
from analyzer.tracers.scalar import NUMBERS, Scalar, scalar


@dataclass(frozen=True)
class FrontEnd:
    name: str
    takes: Callable[[Any], bool]                          # is this input value one of mine?
    wrap: Callable[[Any, Trace, str, bool], Any]          # (value, trace, name, static) -> traced value
    session: Callable[[Trace], ContextManager[None]] | None = None   # entered while a version runs
    finish: Callable[[Trace], None] | None = None                    # after it ran (even on error),
    # on a trace it took an input of, or that holds its state (``Trace.sessions[name]``)


def _is_number(value: Any) -> bool:
    if isinstance(value, NUMBERS) and not isinstance(value, bool):
        return True
    return type(value).__module__ == "numpy" and _numpy_generic(value)


def _numpy_generic(value: Any) -> bool:
    import numpy as np
    return isinstance(value, np.generic) and not isinstance(value, np.bool_)


def _is_array(value: Any) -> bool:
    if type(value).__module__ != "numpy":
        return False
    import numpy as np
    return isinstance(value, np.ndarray)


def _wrap_array(value: Any, trace: Trace, name: str, static: bool) -> Any:
    from analyzer.tracers.array import traced_array
    return traced_array(value, trace.input(name, value, static), trace)


def _finish_arrays(trace: Trace) -> None:
    from analyzer.tracers.array_release import finish
    finish(trace)


def _is_torch(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, (torch.Tensor, torch.nn.Module))


def _torch(attribute: str) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        from analyzer.tracers import torch_dispatch
        return getattr(torch_dispatch, attribute)(*args)
    return call


FRONT_ENDS: tuple[FrontEnd, ...] = (
    FrontEnd("scalar", _is_number, lambda v, t, n, s: scalar(v, t.input(n, v, s), t)),
    FrontEnd("numpy", _is_array, _wrap_array, finish=_finish_arrays),
    FrontEnd("torch", _is_torch, _torch("wrap"), session=_torch("tracing"), finish=_torch("finish")),
)


def front_end(name: str) -> FrontEnd:
    """A registered front-end by name; KeyError names the known ones."""
    for f in FRONT_ENDS:
        if f.name == name:
            return f
    raise KeyError(f"no front-end '{name}' (known: {', '.join(f.name for f in FRONT_ENDS)})")


def wrap(value: Any, trace: Trace, name: str, static: bool) -> Any:
    """A traced copy of one input: a leaf any front-end takes, or lists/tuples/dicts of them."""
    for f in FRONT_ENDS:
        if f.takes(value):
            trace.front_ends.add(f.name)
            return f.wrap(value, trace, name, static)
    if isinstance(value, (list, tuple)):
        return _rebuild(value, [wrap(v, trace, f"{name}[{k}]", static) for k, v in enumerate(value)])
    if isinstance(value, dict):
        return {k: wrap(v, trace, f"{name}[{k!r}]", static) for k, v in value.items()}
    return value


def _rebuild(like: list | tuple, items: list) -> Any:
    """A sequence of ``like``'s type holding ``items`` (a namedtuple takes them positionally)."""
    if hasattr(like, "_fields"):
        return type(like)(*items)
    return type(like)(items)


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


def _count_calls(fn: Callable, name: str, trace: Trace) -> Callable:
    def traced(*args: Any, **kwargs: Any) -> Any:
        caller = trace.enter(name)
        try:
            return fn(*args, **kwargs)
        finally:
            trace.fn = caller
    traced.__wrapped__ = fn  # type: ignore[attr-defined]
    return traced


@contextmanager
def tracing(trace: Trace, module: types.ModuleType | None = None,
            namespace: dict[str, Any] | None = None) -> Iterator[None]:
    """Count calls of ``module``'s own functions into ``trace``; trace ``math`` and ``cmath`` in
    ``module`` (or in ``namespace``, the globals of a bare function). A module loaded by
    ``analyzer.probe`` is instrumented: its operators and every function it defines record
    into ``trace`` through ``instrumented.bound``.

    The garbage collector is paused: a trace is millions of small tuples, and generational
    collection over them would dominate the tracer's cost.
    """
    patched: dict[str, Callable] = {}
    namespace = vars(module) if module is not None else namespace
    own_code = instrumented.is_instrumented(namespace)
    if module is not None and not own_code:     # else its code enters the trace itself
        for name, obj in vars(module).items():
            if isinstance(obj, types.FunctionType) and obj.__module__ == module.__name__:
                patched[name] = obj
        for name, obj in patched.items():
            setattr(module, name, _count_calls(obj, name, trace))
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with ExitStack() as stack:
            if own_code:
                stack.enter_context(instrumented.bound(namespace, trace))   # type: ignore[arg-type]
            stack.enter_context(math_module.patched(namespace, trace))
            if "numpy" in sys.modules:      # (a probe without numpy never pays for importing it)
                from analyzer.tracers import numpy_module
                stack.enter_context(numpy_module.patched(namespace, trace))
            yield
    finally:
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
            with ExitStack() as sessions:
                for f in FRONT_ENDS:
                    if f.session is not None and f.name in trace.front_ends:
                        sessions.enter_context(f.session(trace))
                result = traced(**wrapped)
        ids: list[int] = []
        raw = unwrap(result, ids, trace)
        trace.outputs = tuple(ids)
    finally:
        trace.unpack()
        for f in FRONT_ENDS:
            if f.finish is not None and (f.name in trace.front_ends or f.name in trace.sessions):
                f.finish(trace)
    return raw


def available(name: str) -> bool:
    """True when a front-end can run here (torch is an optional extra)."""
    if name != "torch":
        return any(f.name == name for f in FRONT_ENDS)
    import importlib.util
    return importlib.util.find_spec("torch") is not None
