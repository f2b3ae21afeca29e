"""Array front-end: numpy arrays traced through ``__array_ufunc__`` / ``__array_function__``.

A ``TracedArray`` wraps an ndarray and the SSA id of the record that produced it. Each
numpy call on traced operands becomes ONE record whose ``ArrayCost`` comes from shapes
(``(m,k) @ (k,n)`` costs ``m*k*n`` mults and ``m*(k-1)*n`` adds) and whose ``bytes`` are
those newly materialized (views and writes into ``out=`` materialize nothing). Traced
scalars (``Scalar``) mix freely: they enter as 0-d operands, and 0-d results come back
as ``Scalar``.

Writes (``a[i] = x``, ``out=a``, ``a += b``, ``np.copyto(a, b)``) keep SSA: the wrapper gets
a new id, and every earlier value sharing the buffer is snapshotted first so passes see what
it was. Each write names the version it overwrites and the region it writes
(``Trace.written``), so liveness reads the old version only outside that region. A write
through one view gives every other traced view of the buffer a new version too (an
``ALIAS`` record reading the write where the two overlap).

A numpy function with no cost model (``library_cost``) is charged one flop per output
element as a placeholder and listed in ``Trace.uncosted`` by name.

>>> import numpy as np
>>> from analyzer.trace import Trace
>>> t = Trace(); a = traced_array(np.ones((2, 3)), t.input("a", None), t)
>>> (a @ a.T).shape, t.node(len(t) - 1).extra.mults
((2, 2), 12)
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from analyzer.array_summary import is_array
from analyzer.buffers import element_ids, root
from analyzer.ops import Op
from analyzer.recorder import COMPILED
from analyzer.trace import ALL_ELEMENTS, CODE, ArrayCost, Trace
from analyzer.tracers.array_release import note
from analyzer.tracers.array_cost import (KIND, ADDITIVE, ELEMENTWISE, MULTIPLICATIVE, UFUNC_OPS, cost_of,
                                         materialized, new_cost)
from analyzer.tracers.library_cost import function_cost
from analyzer.tracers.scalar import NUMBERS, Scalar, scalar

_UFUNCS: dict[Any, tuple[Op, str, int, int]] = {}


def _ufunc_op(ufunc: np.ufunc) -> tuple[Op, str, int, int]:
    """(op, name, cost kind, op code) of a ufunc, remembered (the compiled hot path reads them)."""
    op = UFUNC_OPS.get(ufunc.__name__, _OTHER)
    known = _UFUNCS[ufunc] = (op, ufunc.__name__, KIND[op], CODE[op])
    return known


_OTHER = Op.OTHER


def _unwrap(x: Any, srcs: list[int], t: Trace) -> Any:
    """Raw operand of ``x``; appends the ids it reads, in order, to ``srcs``."""
    tx = type(x)
    if tx is TracedArray:
        srcs.append(x.i)
        return x.a
    if tx is Scalar:
        srcs.append(x.i)
        return x.v
    if tx is list or tx is tuple:
        return tx(_unwrap(e, srcs, t) for e in x)
    if isinstance(x, np.ndarray) or (isinstance(x, NUMBERS) and tx is not bool):
        srcs.append(t.const(x))
    return x


_SCALARS = (np.generic, *NUMBERS)


def _wrap(t: Trace, op: Op, srcs: tuple, result: Any, cost: ArrayCost) -> Any:
    i = t.emit(op, srcs, result, cost)
    if type(result) is np.ndarray:
        note(t, i, result)
        return traced_array(result, i, t)
    if isinstance(result, _SCALARS):
        return scalar(result, i, t)
    if isinstance(result, (tuple, list)):
        # several outputs (divmod, svd, split): the op above carries the cost; each output
        # is a free GETITEM record reading it, so every output is a traced value (named by
        # position: value numbering must not take output 1 for a repeat of output 0)
        parts = [_wrap(t, Op.GETITEM, (i,), r, ArrayCost(0, 0, 0, 0, f"getitem[{k}]"))
                 for k, r in enumerate(result)]
        if hasattr(result, "_fields"):              # SVDResult, EighResult, QRResult ...
            return type(result)(*parts)
        return type(result)(parts) if type(result) in (tuple, list) else tuple(parts)
    return result


UNINITIALIZED = frozenset({"empty", "empty_like"})


def defined(name: str, result: Any) -> Any:
    """``result`` of numpy function ``name``, with uninitialized memory (``np.empty``) given one
    content: NaN, or 0 where NaN is no value. Whatever the allocator's memory held would otherwise
    decide whether two versions of a buffer filled row by row number as one value: a probe that
    measured the same twice in one process could count differently (an earlier run's rows)."""
    if name in UNINITIALIZED and type(result) is np.ndarray:
        result.fill(np.nan if result.dtype.kind in "fc" else 0)
    return result


def register(t: Trace, i: int, a: np.ndarray) -> None:
    """Remember that value ``i`` lives in ``a``'s buffer (so a later write snapshots it)."""
    base = a.base if a.base is not None else a
    t.buffers.setdefault(id(base), []).append(i)


def _index_buffers(t: Trace) -> None:
    """Register the array values recorded since the last write (lazily: writes are rare,
    numpy calls are not, so the hot path does not pay for this)."""
    records = t.records
    for i in range(t.indexed, len(records)):
        value = t.values[i]
        if type(value) is np.ndarray:
            register(t, i, value)
    t.indexed = len(records)


def _before_write(t: Trace, target: np.ndarray) -> None:
    """Snapshot every recorded value that shares ``target``'s buffer, except a version made by a
    write of under an eighth of it that no record read whole (only element by element,
    ``table[i, j]``, or as the target of the next write): that one is ``Trace.overwritten``,
    uncopied. Filling an n x n table cell by cell would otherwise copy it n^2 times; this way
    the copies cost at most eight times the bytes written."""
    _index_buffers(t)
    base = target.base if target.base is not None else target
    vids = [vid for vid in t.buffers.pop(id(base), ())       # (a released value's id may be base's now)
            if vid not in t.snapshots and vid not in t.overwritten and type(t.values[vid]) is np.ndarray]
    if not vids:
        return
    small = [vid for vid in vids if _small_write(t, vid)]
    whole = _read_whole(t, small) if small else set()
    for vid in vids:
        if vid in small and vid not in whole:
            t.overwritten.add(vid)
        else:
            t.snapshots[vid] = np.array(t.values[vid], copy=True)


def _small_write(t: Trace, vid: int) -> bool:
    """Whether ``vid`` is a version made by writing under an eighth of its buffer."""
    write = t.written.get(vid)
    if write is None or write[1] is ALL_ELEMENTS:
        return False
    value = t.values[vid]
    try:
        return np.asarray(value[write[1]]).size * 8 < value.size
    except (IndexError, TypeError, ValueError):
        return False


_ELEMENT_READ, _WRITE, _ALIAS = CODE[Op.GETITEM], CODE[Op.SETITEM], CODE[Op.ALIAS]


def _read_whole(t: Trace, vids: list[int]) -> set[int]:
    """Those of ``vids`` that a record after them reads otherwise than one element at a time or
    as the target of a write."""
    first, n = min(vids), len(t.values)
    src0 = np.frombuffer(t.src0, dtype=np.intc)[first:n]
    src1 = np.frombuffer(t.src1, dtype=np.intc)[first:n]
    wanted = np.asarray(vids, dtype=np.intc)
    readers = (first + np.flatnonzero(np.isin(src0, wanted) | np.isin(src1, wanted))).tolist()
    for i in reversed(t.wide):          # ids ascend: only the newest few are after ``first``
        if i < first:
            break
        if not set(t.wide[i]).isdisjoint(vids):
            readers.append(i)
    whole: set[int] = set()
    ops, values, sources = t.ops, t.values, t.sources
    for r in readers:
        code, srcs = ops[r], sources(r)
        for position, s in enumerate(srcs):
            if s not in vids or s in whole:
                continue
            if code == _ALIAS or (code == _WRITE and position == 0) or \
                    (code == _ELEMENT_READ and position == 0 and not is_array(values[r])):
                continue
            whole.add(s)
    return whole


def trace_of(values: Any) -> Trace:
    """The trace of the first traced value among ``values`` (nested lists and tuples too)."""
    for x in values:
        tx = type(x)
        if tx is TracedArray or tx is Scalar:
            return x.t
        if tx is list or tx is tuple or tx is dict:
            try:
                return trace_of(x.values() if tx is dict else x)
            except LookupError:
                continue
    raise LookupError("no traced value among the operands")


def traced_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """One record for ``ufunc``'s ``method`` on ``inputs`` (``__array_ufunc__``'s arguments)."""
    return array_ufunc(None, ufunc, method, *inputs, **kwargs)


def array_ufunc(_: Any, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """``traced_ufunc`` with ``__array_ufunc__``'s signature: a traced array's own method (the
    array tracer's hot path: one Python frame per numpy call, not two)."""
    first = inputs[0] if inputs else None
    t = first.t if type(first) is TracedArray else trace_of((*inputs, *kwargs.values()))
    srcs: list[int] = []
    raw = []
    for x in inputs:    # _unwrap, inlined for the two common cases
        tx = type(x)
        if tx is TracedArray:
            srcs.append(x.i)
            raw.append(x.a)
        elif tx is Scalar:
            srcs.append(x.i)
            raw.append(x.v)
        else:
            raw.append(_unwrap(x, srcs, t))
    targets = ()
    if kwargs:
        out = kwargs.get("out")
        if out is not None:
            targets = tuple(o for o in out if type(o) is TracedArray)
            previous = len(srcs)        # where the overwritten version sits among the srcs
            for o in targets:
                srcs.append(o.i)
                _before_write(t, o.a)
            kwargs["out"] = tuple(o.a if type(o) is TracedArray else o for o in out)
    if method != "__call__":
        result = getattr(ufunc, method)(*raw, **kwargs)
    else:
        result = ufunc(*raw, **kwargs) if kwargs else ufunc(*raw)
    op, name, kind, _ = _UFUNCS.get(ufunc) or _ufunc_op(ufunc)
    if not targets and type(result) is np.ndarray and method == "__call__" and kind <= ELEMENTWISE:
        # the common case (an elementwise ufunc making a new array), inlined
        n = result.size
        cost = new_cost(ArrayCost, ((0, n, 0, result.nbytes, name) if kind == ADDITIVE else
                                     (n, 0, 0, result.nbytes, name) if kind == MULTIPLICATIVE else
                                     (0, 0, n, result.nbytes, name)))
        if len(srcs) == 2:      # Trace.emit, inlined for two sources
            values = t.values
            i = len(values)
            t.ops.append(CODE[op])
            t.first(srcs[0])
            t.second(srcs[1])
            values.append(result)
            t.extras[i] = cost
        else:
            i = t.emit(op, tuple(srcs), result, cost)
        note(t, i, result)
        return traced_array(result, i, t)
    cost = cost_of(op, name, raw, result, method == "reduce")
    if targets:     # written in place: nothing new materialized, the target gets a new id
        wrapped = _wrap(t, op, tuple(srcs), result, cost._replace(bytes=0))
        if type(wrapped) is TracedArray:
            where = kwargs.get("where", True)
            region = (ALL_ELEMENTS if where is True else     # where=mask: only the masked elements
                      np.broadcast_to(where, result.shape).copy() if type(where) is np.ndarray else None)
            _wrote(t, targets[0], wrapped.i, previous, region)
            return targets[0]
        if type(wrapped) is tuple:      # several outputs (np.divmod(a, b, out=(q, r)))
            return tuple(_retarget(w, targets) for w in wrapped)
        return wrapped
    return _wrap(t, op, tuple(srcs), result, cost)


def _tail(t: Trace, op: Op, name: str, raw: tuple, srcs: tuple, result: Any) -> Any:
    """The end of ``array_ufunc`` for a result the compiled hot path does not record itself."""
    return _wrap(t, op, srcs, result, cost_of(op, name, list(raw), result, False))


def _retarget(w: Any, targets: tuple) -> Any:
    """The ``out=`` wrapper that received ``w``'s array, now carrying ``w``'s id."""
    for o in targets:
        if type(w) is TracedArray and w.a is o.a:
            o.i = w.i
            return o
    return w


def traced_function(func: Any, args: tuple, kwargs: dict) -> Any:
    t = trace_of((*args, *kwargs.values()))
    name = func.__name__
    if name in WRITERS and args and type(args[0]) is TracedArray:
        return _traced_writer(t, func, args, kwargs)
    srcs: list[int] = []
    target = kwargs.get("out")
    if type(target) is tuple and len(target) == 1:
        target = target[0]
    if type(target) is TracedArray:     # np.sum(a, out=o), np.dot(a, b, out=o): a write into o
        kwargs = {k: v for k, v in kwargs.items() if k != "out"}
    else:
        target = None
    raw_args = _unwrap(args, srcs, t)
    raw_kwargs = {k: _unwrap(v, srcs, t) for k, v in kwargs.items()}
    if target is not None:
        previous = len(srcs)
        srcs.append(target.i)
        _before_write(t, target.a)
        raw_kwargs["out"] = target.a
    result = defined(name, func(*raw_args, **raw_kwargs))
    costed = function_cost(func, raw_args, raw_kwargs, result)
    if costed is None:      # outside the cost model: say so, and charge a placeholder
        t.uncosted[name] += 1
        op, cost = Op.OTHER, cost_of(Op.OTHER, name, list(raw_args), result)
    else:
        op, cost = costed
    if target is not None and result is target.a:
        i = t.emit(op, tuple(srcs), result, cost._replace(bytes=0))
        _wrote(t, target, i, previous, ALL_ELEMENTS if "where" not in kwargs else None)
        return target
    wrapped = _wrap(t, op, tuple(srcs), result, cost)
    if type(wrapped) is TracedArray and type(result) is np.ndarray and result.base is not None:
        _note_view(t, wrapped, [a for a in args if type(a) is TracedArray])
    return wrapped


# numpy functions that write into their first argument and return None:
# name -> the region they write, from (target array, arguments by position) (None: not known)
def _copyto_region(a: np.ndarray, args: tuple, kwargs: dict) -> Any:
    where = kwargs.get("where", args[3] if len(args) > 3 else True)
    return ALL_ELEMENTS if where is True else np.broadcast_to(where, a.shape).copy()


def _mask_region(a: np.ndarray, args: tuple, kwargs: dict) -> Any:
    mask = np.asarray(args[1] if len(args) > 1 else kwargs.get("mask"), dtype=bool)
    return mask.copy() if mask.shape == a.shape else None


def _put_region(a: np.ndarray, args: tuple, kwargs: dict) -> Any:
    if kwargs.get("mode", args[3] if len(args) > 3 else "raise") != "raise":
        return None
    return np.unravel_index(np.asarray(args[1] if len(args) > 1 else kwargs["ind"]), a.shape)


WRITERS = {"copyto": _copyto_region, "putmask": _mask_region, "place": _mask_region, "put": _put_region,
           "fill_diagonal": lambda a, args, kwargs: None, "put_along_axis": lambda a, args, kwargs: None}


def _traced_writer(t: Trace, func: Any, args: tuple, kwargs: dict) -> None:
    target = args[0]
    srcs: list[int] = []
    raw_args = _unwrap(args, srcs, t)       # the target's id comes first: position 0
    raw_kwargs = {k: _unwrap(v, srcs, t) for k, v in kwargs.items()}
    _before_write(t, target.a)
    func(*raw_args, **raw_kwargs)
    try:
        region = WRITERS[func.__name__](target.a, raw_args, raw_kwargs)
    except (LookupError, TypeError, ValueError):
        region = None
    i = t.emit(Op.SETITEM, tuple(srcs), target.a, ArrayCost(0, 0, 0, 0, func.__name__))
    _wrote(t, target, i, 0, region)


# ---- writes, versions and views ---------------------------------------------------------

def _views(t: Trace) -> dict[int, dict[int, Any]]:
    """id(root buffer) -> {id(wrapper): weak reference} of the traced views of that buffer."""
    return t.sessions.setdefault("numpy-views", {})


def _note_view(t: Trace, view: TracedArray, sources: list[TracedArray]) -> None:
    """Remember ``view`` and the wrappers it was taken from as sharing one buffer, so a write
    through any of them gives the others a new version."""
    buffer = root(view.a)
    group = _views(t).setdefault(id(buffer), {})
    for w in (view, *sources):
        if root(w.a) is buffer and id(w) not in group:
            group[id(w)] = weakref.ref(w, lambda _, g=group, k=id(w): g.pop(k, None))


def _wrote(t: Trace, target: TracedArray, w: int, previous: int, region: Any) -> None:
    """Record ``w`` as a write into ``target`` (its old version at ``srcs[previous]``) over
    ``region`` (None: unknown, read whole), give ``target`` the new id, and refresh the other
    traced views of the same buffer."""
    if region is not None:
        t.written[w] = (previous, region)
    target.i = w
    group = _views(t).get(id(root(target.a))) if "numpy-views" in t.sessions else None
    if not group:
        return
    written = element_ids(target.a)
    if written is not None and region is not ALL_ELEMENTS:
        written = written[region] if region is not None else None
    for ref in list(group.values()):
        other = ref()
        if other is None or other is target:
            continue
        _refresh(t, other, w, written)


def _refresh(t: Trace, view: TracedArray, w: int, written: np.ndarray | None) -> None:
    """A new version of ``view`` after write ``w`` into its buffer: ALIAS reads the old
    version outside the elements ``w`` wrote (``written``: ids of buffer elements) and ``w``
    inside them."""
    ids = element_ids(view.a)
    region = None
    if ids is not None and written is not None:
        region = np.isin(ids, written)
        if not region.any():
            return      # the write did not touch this view
    i = t.emit(Op.ALIAS, (view.i, w), view.a)
    if region is not None:
        t.written[i] = (0, region)
    view.i = i


def traced_array(a: np.ndarray, i: int, t: Trace) -> TracedArray:
    """The traced array ``a``, the value of record ``i`` of trace ``t``."""
    w = TracedArray()
    w.a, w.i, w.t = a, i, t
    return w


def _operator(ufunc: np.ufunc, reflected: bool = False) -> Any:
    """``a + b`` straight to the tracer (skips numpy's dispatch; same record as ``np.add``)."""
    if reflected:
        return lambda self, other: _entry(None, ufunc, "__call__", other, self)
    return lambda self, other: _entry(None, ufunc, "__call__", self, other)


class TracedArray(NDArrayOperatorsMixin):
    """A traced ndarray: ``a`` is the array, ``i`` the id of the record that produced it in trace ``t``."""
    __slots__ = ("a", "i", "t", "__weakref__")
    # no __init__: ``TracedArray()`` is then a C call (``traced_array(a, i, t)`` makes one)

    __array_ufunc__ = array_ufunc

    def __array_function__(self, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
        return traced_function(func, args, kwargs)

    __add__, __radd__ = _operator(np.add), _operator(np.add, True)
    __sub__, __rsub__ = _operator(np.subtract), _operator(np.subtract, True)
    __mul__, __rmul__ = _operator(np.multiply), _operator(np.multiply, True)
    __truediv__, __rtruediv__ = _operator(np.true_divide), _operator(np.true_divide, True)
    __matmul__, __rmatmul__ = _operator(np.matmul), _operator(np.matmul, True)

    shape = property(lambda self: self.a.shape)
    ndim = property(lambda self: self.a.ndim)
    size = property(lambda self: self.a.size)
    dtype = property(lambda self: self.a.dtype)
    T = property(lambda self: np.transpose(self))
    mT = property(lambda self: np.swapaxes(self, -1, -2))
    real = property(lambda self: np.real(self))
    imag = property(lambda self: np.imag(self))
    nbytes = property(lambda self: self.a.nbytes)
    itemsize = property(lambda self: self.a.itemsize)
    strides = property(lambda self: self.a.strides)

    def reshape(self, *shape: Any) -> TracedArray:
        return np.reshape(self, shape[0] if len(shape) == 1 else shape)

    def astype(self, dtype: Any) -> TracedArray:
        t = self.t
        result = self.a.astype(dtype)
        return _wrap(t, Op.CAST, (self.i,), result, cost_of(Op.CAST, "astype", [self.a], result))

    def __getattr__(self, name: str) -> Any:
        # a.sum(axis=0), a.max(), a.copy() ... route through numpy's dispatch
        func = getattr(np, name, None)
        if func is None or not callable(func):
            raise AttributeError(name)
        return lambda *args, **kwargs: func(self, *args, **kwargs)

    def __getitem__(self, key: Any) -> Any:
        t = self.t
        srcs = [self.i]
        raw_key = _unwrap(key, srcs, t)
        result = self.a[raw_key]
        wrapped = _wrap(t, Op.GETITEM, tuple(srcs), result, ArrayCost(0, 0, 0, materialized(result), "getitem"))
        if type(result) is np.ndarray and result.base is not None:
            _note_view(t, wrapped, [self])
        return wrapped

    def __setitem__(self, key: Any, value: Any) -> None:
        t = self.t
        srcs = [self.i]
        raw_key = _unwrap(key, srcs, t)
        raw_value = _unwrap(value, srcs, t)
        _before_write(t, self.a)
        self.a[raw_key] = raw_value
        i = t.emit(Op.SETITEM, tuple(srcs), self.a, ArrayCost(0, 0, 0, 0, "setitem"))
        region = raw_key.copy() if type(raw_key) is np.ndarray else raw_key
        _wrote(t, self, i, 0, region)

    def __len__(self) -> int:
        return len(self.a)

    def __iter__(self):
        return (self[k] for k in range(len(self.a)))

    def _escape(self, op: Op = Op.ESCAPE) -> np.ndarray:
        t = self.t
        t.emit(op, (self.i,), None)
        return self.a

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = self._escape()
        return a if dtype is None else a.astype(dtype)

    def __bool__(self) -> bool:
        return bool(self._escape(Op.BRANCH))

    def __float__(self) -> float:
        return float(self._escape())

    def __int__(self) -> int:
        return int(self._escape())

    def __index__(self) -> int:
        return int(self._escape(Op.INDEX))

    def tolist(self) -> list:
        return self._escape().tolist()

    def item(self) -> Any:
        return self._escape().item()

    def __repr__(self) -> str:
        return f"TracedArray({self.a!r})"


# The hot path: the compiled recorder records the common case (a ufunc on one or two traced
# operands, no keywords) itself and hands every other call to ``array_ufunc``.
if COMPILED:
    COMPILED.configure_arrays(TracedArray, array_ufunc, _UFUNCS, ArrayCost, _tail, np.ndarray,
                              ADDITIVE, MULTIPLICATIVE, ELEMENTWISE)   # (array_release configured the release)
    TracedArray.__array_ufunc__ = _entry = COMPILED.array_ufunc
else:
    _entry = array_ufunc
