"""What instrumented probe code calls: plain operators outside a run, recorders inside one.

``tracers.instrument`` rewrites ``a + b`` into ``__taxo_add__(a, b)`` (and so on); these
helpers live in the probe module's globals. ``install`` gives a module the plain ones (the
operators themselves: ``inputs(size)`` and top-level code compute plain numbers); while a
version runs, ``bound(namespace, trace)`` swaps in the helpers of that run's trace, and puts
the plain ones back after, also when the version raises. No global names the active trace.

Inside a run, an operator on two plain numbers (literals, counters, ``len()``) is recorded with
its operands as constants of the trace and returns a ``Scalar``: constant work, counted, and
static (foldable ahead of time). An operator on Scalars of the run is recorded here directly,
as ``Scalar``'s own method would record it (one call instead of two: the tracer's speed);
anything else (arrays, tensors, strings) runs the operator as written, and the operands'
own tracers record it. ``range()`` whose bound depends on a dynamic input yields ``Counters``:
each counter is a free ``index`` record reading the bound, so work on it is as dynamic as the
loop's length. Entering a function's body calls ``trace.enter(qualname)``: one boundary.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

from analyzer.ops import ARITHMETIC, IMPURE, Op
from analyzer.recorder import COMPILED
from analyzer.trace import CODE, NONE, Trace
from analyzer.tracers.instrument import BINARY, COMPARE, IN_PLACE, UNARY, helper
from analyzer.tracers.scalar import SYMBOLS, Scalar, plain_numbers, scalar

MARKER = "__taxo_instrumented__"


def _chain(compare: dict[str, Callable[[Any, Any], Any]]) -> Callable[..., Any]:
    def chain(names: tuple[str, ...], left: Any, *thunks: Callable[[], Any]) -> Any:
        result: Any = True
        for name, thunk in zip(names, thunks):
            right = thunk()
            result = compare[name](left, right)
            if not result:
                return result
            left = right
        return result
    return chain


def _plain() -> dict[str, Any]:
    """The helpers outside a run: the operators themselves."""
    h: dict[str, Any] = {}
    for suffix, _, f in BINARY.values():
        h[suffix] = f
    for node_type, f in IN_PLACE.items():
        h["i" + BINARY[node_type][0]] = f
    for suffix, _, f in (*UNARY.values(), *COMPARE.values()):
        h[suffix] = f
    h["chain"] = _chain({suffix: f for suffix, _, f in COMPARE.values()})
    h["enter"] = lambda name: None
    h["leave"] = lambda caller: None
    h["return"] = lambda caller, value: value
    h["slice"], h["range"] = slice, range
    return {helper(k): v for k, v in h.items()}


PLAIN_HELPERS = _plain()


# The recorders are compiled from templates with the operator spelled out (``a.v * b.v``, not a
# call of ``operator.mul``) and build their Scalar as ``Scalar()`` with its slots set, as
# ``Scalar``'s own operators do: tracing pays this per operator a probe executes.
_BINARY = """
def recorder(t, fallback, plain, const, ops, first, second, values):
    def binary(a, b):
        ta, tb = type(a), type(b)
        if ta is Scalar and a.t is t:
            if tb is Scalar and b.t is t:
                ai, bi, v = a.i, b.i, a.v {symbol} b.v
            elif tb in plain:
                v = a.v {symbol} b
                ai, bi = a.i, const(b)
            else:
                return fallback(a, b)
        elif ta in plain:
            if tb is Scalar and b.t is t:
                v = a {symbol} b.v
                ai, bi = const(a), b.i
            elif tb in plain:
                v = a {symbol} b
                ai, bi = const(a), const(b)
            else:
                return fallback(a, b)
        else:
            return fallback(a, b)
        ops.append({code})
        first(ai)
        second(bi)
        values.append(v)
        s = Scalar()
        s.v, s.i, s.t = v, len(values) - 1, t
        return s
    return binary
"""
_UNARY = """
def recorder(t, fallback, plain, const, ops, first, second, values):
    def unary(a):
        ta = type(a)
        if ta is Scalar and a.t is t:
            v = {symbol}a.v
            src = a.i
        elif ta in plain:
            v = {symbol}a
            src = const(a)
        else:
            return {symbol}a
        ops.append({code})
        first(src)
        second(-1)
        values.append(v)
        s = Scalar()
        s.v, s.i, s.t = v, len(values) - 1, t
        return s
    return unary
"""
_RECORDERS: dict[tuple[str, str], Callable[..., Callable]] = {}


def _recorder(template: str, t: Trace, op: Op, fallback: Callable | None, plain: frozenset[type]) -> Callable:
    """The recorder of ``op`` in trace ``t``: ``template`` compiled once per operator, then
    closed over this trace. Scalars of ``t`` and plain numbers (as constants of ``t``) are
    recorded, as ``Scalar``'s own operator would record them; anything else (arrays, tensors,
    strings, Scalars of another trace) runs ``fallback``, the operator itself."""
    make = _RECORDERS.get((template, op.value))
    if make is None:
        namespace = {"Scalar": Scalar}
        source = template.format(symbol=SYMBOLS[op], code=CODE[op])
        exec(compile(source, f"<traced {op.value}>", "exec"), namespace)
        make = _RECORDERS[template, op.value] = namespace["recorder"]
    return make(t, fallback, plain, t.const, t.ops, t.first, t.second, t.values)


def _python_binary(op: str, t: Trace, fallback: Callable, plain: frozenset[type]) -> Callable:
    return _recorder(_BINARY, t, Op(op), fallback, plain)


def _python_unary(op: str, t: Trace, fallback: None, plain: frozenset[type]) -> Callable:
    return _recorder(_UNARY, t, Op(op), fallback, plain)


_STRETCH = 1 << 16      # iterations of a traced loop between two ``Trace.unpack``s


class Counters:
    """``range(...)`` over a bound that depends on a dynamic input: each counter is a free
    ``index`` record reading the bound, so work on it is as dynamic as the bound (a loop of
    ``n`` iterations cannot be unrolled ahead of time when ``n`` is not known then)."""
    __slots__ = ("r", "srcs", "t")

    def __init__(self, r: range, srcs: tuple[int, ...], t: Trace) -> None:
        self.r, self.srcs, self.t = r, srcs, t

    def _counter(self, v: int) -> Scalar:
        t = self.t
        return scalar(v, t.emit(Op.INDEX, self.srcs, v), t)

    def __iter__(self) -> Iterator[Scalar]:
        if len(self.srcs) > 2:
            return map(self._counter, self.r)
        a, b = (*self.srcs, NONE, NONE)[:2]
        if COMPILED:
            return COMPILED.count(self.r, a, b, self.t)
        return self._count(a, b)

    def _count(self, a: int, b: int) -> Iterator[Scalar]:
        t = self.t
        ops, first, second, values = t.ops, t.first, t.second, t.values
        index = CODE[Op.INDEX]
        r = self.r
        for start in range(0, len(r), _STRETCH):
            for v in r[start:start + _STRETCH]:
                ops.append(index)
                first(a)
                second(b)
                values.append(v)
                s = Scalar()
                s.v, s.i, s.t = v, len(values) - 1, t
                yield s
            t.unpack()      # a long loop's sources wait in lists a stretch at a time, not all of it

    def __reversed__(self) -> Iterator[Scalar]:
        return iter(Counters(self.r[::-1], self.srcs, self.t))

    def __len__(self) -> int:
        return len(self.r)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return Counters(self.r[k], self.srcs, self.t)
        return self._counter(self.r[k])

    def __contains__(self, v: Any) -> bool:
        return v in self.r

    def __getattr__(self, name: str) -> Any:     # start, stop, step, index, count
        return getattr(self.r, name)

    def __repr__(self) -> str:
        return repr(self.r)


def _traced_range(t: Trace) -> Callable[..., Any]:
    """``range`` whose counters are constants when its bounds are known ahead of time (literals,
    lengths, STATIC inputs, arithmetic on those), else ``Counters`` of the dynamic bounds."""
    static = StaticValues(t)

    def range_(*args: Any) -> Any:
        r = range(*args)
        dynamic = tuple(a.i for a in args if type(a) is Scalar and not static(a.i))
        return Counters(r, dynamic, t) if dynamic else r
    return range_


class StaticValues:
    """Which values of a trace derive only from constants and STATIC inputs, decided while it
    is recorded (the rule of the staging pass: a pure arithmetic op of static values is static)."""

    def __init__(self, t: Trace) -> None:
        self.t = t
        self.known = bytearray()
        self.pure = {CODE[op] for op in ARITHMETIC - IMPURE}

    def __call__(self, i: int) -> bool:
        t, known = self.t, self.known
        start = len(known)
        if i >= start:
            known.extend(bytes(len(t.values) - start))
            static, pure, const, sources = t.static, self.pure, CODE[Op.CONST], t.sources
            for j in range(start, len(known)):
                code = t.ops[j]
                if code == const or j in static:
                    known[j] = 1
                elif code in pure:
                    srcs = sources(j)
                    if srcs and all(known[s] for s in srcs):
                        known[j] = 1
        return bool(known[i])


def traced_helpers(t: Trace) -> dict[str, Any]:
    """The helpers of one run: plain operands become constants of ``t``; calls enter ``t``."""
    h: dict[str, Any] = {}
    plain = plain_numbers()
    binary, unary = (COMPILED.binary, COMPILED.unary) if COMPILED else (_python_binary, _python_unary)
    for node_type, (suffix, op, f) in BINARY.items():
        h[suffix] = binary(op.value, t, f, plain)
        h["i" + suffix] = binary(op.value, t, IN_PLACE[node_type], plain)
    for suffix, op, _ in UNARY.values():
        h[suffix] = unary(op.value, t, None, plain)
    for suffix, op, f in COMPARE.values():      # a comparison records as a binary operator does
        h[suffix] = binary(op.value, t, f, plain)
    h["chain"] = _chain({suffix: h[suffix] for suffix, _, _ in COMPARE.values()})
    h["enter"] = t.enter

    def leave(caller: int) -> None:
        t.fn = caller

    def return_(caller: int, value: Any) -> Any:
        t.fn = caller
        return value
    h["leave"], h["return"], h["slice"] = leave, return_, slice
    h["range"] = _traced_range(t)
    return {helper(k): v for k, v in h.items()}


def install(namespace: dict[str, Any]) -> None:
    """Give a module about to run instrumented code its plain helpers."""
    namespace.update(PLAIN_HELPERS)
    namespace[MARKER] = True


def is_instrumented(namespace: dict[str, Any] | None) -> bool:
    return namespace is not None and namespace.get(MARKER) is True


@contextmanager
def bound(namespace: dict[str, Any], trace: Trace) -> Iterator[None]:
    """Record the instrumented code of ``namespace`` into ``trace`` while the block runs."""
    before = {k: namespace.get(k) for k in PLAIN_HELPERS}
    namespace.update(traced_helpers(trace))
    try:
        yield
    finally:
        namespace.update(before)
