"""Torch front-end: every aten op recorded through a ``TorchDispatchMode``.

Each aten op (below autograd, so backward ops too) becomes ONE record, like a numpy call in
the array front-end: its ``Op``, the ordered ids of the tensors it reads, its output
tensor (the value passes fingerprint), the ``nn.Module`` it ran in (``trace.fn``, entered
through global module hooks: a module call is a boundary, like a probe function's call),
and an ``ArrayCost`` from shapes (``torch_cost``).

A tensor is identified by where its data lives and which version it is:
``(data_ptr, _version, shape, stride, dtype)``, never ``id()`` (the Python object of an
activation is recreated at will). Every recorded tensor stays referenced by its record, so
an address is never reused during a trace. An in-place op bumps ``_version``; the values
recorded earlier on that storage are cloned first, so passes see what they were (SSA).
``detach`` and ``alias`` yield the very same key, so they add no record. A tensor the
tracer has not seen is a view of a storage written since (a zero-cost ``getitem`` of its
last writer) or a constant made outside the run.

Eval-mode batch norm is recorded as two ops, so the passes see the split a compiler sees:
a per-channel scale and shift (static when the weights are) and a per-element ``x * a + b``.

Values become numpy arrays at the end of the run (``finish``, zero-copy views): every pass
then works unchanged, and fingerprints are computed lazily, by the passes, only for the
values they compare (hashing is never on the tracing path).

Python numbers among an op's arguments (``x + 1``, a softmax's dim, attention's scale) are
constant sources of its record, so ops that differ only in them are different ops. Under
``torch.inference_mode()`` composite ops arrive whole; they are decomposed, so a trace is the
same in every mode. A causal attention call reads an explicit causal mask (a constant), and
every fused attention kernel is recorded as ``scaled_dot_product_attention``.

Limits: liveness ends a value's life at its last direct reader, so a view read later does
not keep its base alive; other non-tensor arguments (strings, dtypes) are not sources.

>>> import torch
>>> from analyzer.trace import Trace
>>> t = Trace(); x = torch.ones(2, 3)
>>> with tracing(t): _ = wrap(x, t, "x", False) @ torch.ones(3, 4)
>>> t.node(len(t) - 1).extra[:5]
(24, 16, 0, 32, 'mm')
"""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from typing import Any, Iterator, NamedTuple

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from analyzer.ops import Op
from analyzer.trace import ArrayCost, Trace
from analyzer.tracers.torch_cost import ATTENTION_KERNELS, FREE, MOVING, classify, record_name

Tensor = torch.Tensor
_new = tuple.__new__
# bias + a @ b: the tracer records (a, b, bias), the array front-end's order, so the
# redundancy pass numbers the rows of the left operand
_BIAS_FIRST = frozenset({"addmm", "baddbmm", "addmv"})
_BATCH_NORM_EVAL = {"native_batch_norm": 5, "_native_batch_norm_legit": 5,
                    "_native_batch_norm_legit_no_training": None}


# factories whose memory is whatever the allocator held: given one content (NaN, or 0) inside
# the handler, where the mode is off, so the fill is not an op of the probe (as np.empty's is not)
UNINITIALIZED = frozenset({"empty", "empty_like", "empty_strided", "new_empty", "new_empty_strided"})


class OpInfo(NamedTuple):
    """What the tracer knows about one aten overload (learned once, on first sight)."""
    op: Op
    name: str
    kind: str
    cost: Any               # (args, out) -> (mults, adds, other), or None: by kind
    view: bool              # a pure view of an input (nothing written, nothing materialized)
    aliased: bool           # the output IS an input (a view, or an in-place op returning self)
    written: tuple[int, ...]  # positions of arguments written in place
    naming: Any             # (args, out) -> the record's name, or None: the op's name
    causal: Any             # attention: (position, name) of its is_causal argument, else None


def key(t: Tensor, writes: dict[int, int] | None = None) -> tuple:
    """Identity of a tensor value: where its data is, which version, how it is viewed.

    An inference tensor (made under ``torch.inference_mode()``) has no version counter: its
    version is minus one minus the writes this tracer saw into its storage (``writes``).
    """
    try:
        version = t._version
    except RuntimeError:
        version = -1 - (writes or {}).get(_storage(t), 0)
    return (t.data_ptr(), version, t.shape, t.stride(), t.dtype)


def _storage(t: Tensor) -> int:
    return t.untyped_storage().data_ptr()


class TorchState:
    """Per-trace bookkeeping: tensor identities, module names, storages written."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.ids: dict[tuple, int] = {}
        self.pending: dict[tuple, tuple[int, int]] = {}   # secondary outputs not read yet -> (op, position)
        self.objects: dict[int, int] = {}           # address of a packed-weights object -> value id
        self.kept: list[Any] = []                   # the packed objects keyed: alive, so addresses stay unique
        self.writes: dict[int, int] = {}            # storage of inference tensors -> in-place writes seen
        self.masks: dict[tuple[int, int], int] = {}  # (queries, keys) -> value id of a causal mask
        self.module_names: dict[int, str] = {}
        self.by_storage: dict[int, list[int]] = {}  # storage -> ids of values living in it
        self.indexed = 0
        self.stack: list[int] = []

    def id_of(self, t: Tensor) -> int:
        try:
            k = (t.data_ptr(), t._version, t.shape, t.stride(), t.dtype)
        except RuntimeError:        # an inference tensor
            k = key(t, self.writes)
        i = self.ids.get(k)
        return i if i is not None else self._unseen(t, k)

    def version(self, t: Tensor) -> int:
        return key(t, self.writes)[1]

    def wrote(self, target: Tensor, i: int) -> None:
        """``target`` now holds value ``i`` (the op that wrote it in place)."""
        k = key(target, self.writes)
        if k[1] < 0:                # an inference tensor: count the write ourselves
            storage = _storage(target)
            self.writes[storage] = self.writes.get(storage, 0) + 1
            self.ids[key(target, self.writes)] = i
            return
        # autograd bumps _version after this returns (not in inference mode): both keys
        self.ids[k] = self.ids[(k[0], k[1] + 1, *k[2:])] = i

    def _unseen(self, t: Tensor, k: tuple) -> int:
        trace = self.trace
        if k in self.pending:       # a secondary output (layer-norm statistics) read at last
            main, position = self.pending.pop(k)   # named by position: mean and rstd are two values
            i = trace.emit(Op.GETITEM, (main,), t, _new(ArrayCost, (0, 0, 0, 0, f"getitem[{position}]")))
        else:
            self._index()
            writers = self.by_storage.get(_storage(t))
            if writers:             # a view of a storage recorded (and maybe written) before
                i = trace.emit(Op.GETITEM, (writers[-1],), t, _new(ArrayCost, (0, 0, 0, 0, "view")))
            else:                   # made outside the run: a constant
                i = trace.emit(Op.CONST, (), t)
        self.ids[k] = i
        return i

    def _index(self) -> None:
        """Note the storage of every tensor recorded since the last call (lazily: only
        writes and unseen tensors need it, so the hot path never pays for it)."""
        records, by_storage = self.trace.records, self.by_storage
        for i in range(self.indexed, len(records)):
            value = records[i][2]
            if isinstance(value, Tensor):
                by_storage.setdefault(_storage(value), []).append(i)
        self.indexed = len(records)

    def before_write(self, t: Tensor) -> None:
        """Clone every recorded value living in ``t``'s storage before it is overwritten."""
        self._index()
        snapshots, records = self.trace.snapshots, self.trace.records
        for vid in self.by_storage.get(_storage(t), ()):
            if vid not in snapshots:
                snapshots[vid] = records[vid][2].detach().clone()

    def causal_mask(self, queries: int, keys: int) -> int:
        """A constant (queries, keys) boolean mask that lets query i see keys 0..i: what
        ``is_causal=True`` means, made explicit so the passes see which rows a query reads."""
        found = self.masks.get((queries, keys))
        if found is None:
            mask = torch.ones(queries, keys, dtype=torch.bool).tril()
            found = self.masks[(queries, keys)] = self.trace.emit(Op.CONST, (), mask)
        return found

    def object_id(self, obj: Any) -> int:
        """The value id of a packed-weights object, keyed by the address of the object it
        wraps (``hash``): torch hands a new short-lived Python wrapper to every call, and
        ``id()`` of those is reused across layers."""
        address = hash(obj)
        i = self.objects.get(address)
        if i is None:
            i = self.objects[address] = self.trace.emit(Op.CONST, (), _packed_weight(obj))
            self.kept.append(obj)
        return i


def state_of(trace: Trace) -> TorchState:
    """This front-end's session for ``trace`` (kept in the trace, never in a global)."""
    state = trace.sessions.get("torch")
    if state is None:
        state = trace.sessions["torch"] = TorchState(trace)
    return state


def uses_torch(trace: Trace) -> bool:
    return "torch" in trace.sessions


def _packed_weight(obj: Any) -> Any:
    """The int8 weight inside a dynamic-quantized Linear's packed parameters (its fingerprint
    and its size: int8 weights are read 4x less than float32 ones)."""
    try:
        weight = torch.ops.quantized.linear_unpack(obj)[0]
        return weight.int_repr()
    except Exception:  # noqa: BLE001 — an unknown packed object is an opaque constant
        return None


def _learn(func: Any) -> OpInfo:
    schema = func._schema
    name = func._overloadpacket.__name__
    op, kind, cost = classify(name)
    written = tuple(k for k, a in enumerate(schema.arguments)
                    if a.alias_info is not None and a.alias_info.is_write)
    aliased = any(r.alias_info is not None for r in schema.returns)
    causal = None
    if name in ATTENTION_KERNELS:
        causal = next(((k, a.name) for k, a in enumerate(schema.arguments) if a.name == "is_causal"), None)
    return OpInfo(op, name, kind, cost, aliased and not written, aliased, written, record_name(name), causal)


def _flag(args: tuple, kwargs: dict, where: tuple[int, str]) -> bool:
    position, name = where
    return bool(args[position] if position < len(args) else kwargs.get(name, False))


def _tracer_error(func: Any, e: Exception) -> Exception:
    from analyzer.probe import ProbeError
    msg = str(e).splitlines()[0] if str(e) else ""
    return ProbeError(f"the torch tracer failed while recording {func} ({type(e).__name__}"
                      f"{': ' + msg if msg else ''}): an analyzer bug, not the probe's code; please report it")


_SCALARS = frozenset({int, float, bool, complex})


_INFOS: dict[Any, OpInfo] = {}     # aten overload -> what we know of it, for every run


class _Composites(dict):
    """aten overload -> whether it has a CompositeImplicitAutograd kernel (a decomposition)."""

    def __contains__(self, func: Any) -> bool:
        known = self.get(func)
        if known is None:
            known = self[func] = torch._C._dispatch_has_kernel_for_dispatch_key(
                func.name(), "CompositeImplicitAutograd")
        return known


_COMPOSITE = _Composites()


class TorchTracer(TorchDispatchMode):
    """Records every aten op run while active into ``state.trace``.

    The op itself runs unguarded: its errors are the probe's. An error in the recording
    around it is the analyzer's, and says so (a ``ProbeError`` naming the op, never the
    probe's line).
    """

    def __init__(self, state: TorchState) -> None:
        super().__init__()
        self.state = state

    def __torch_dispatch__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        if func in _COMPOSITE:      # under inference_mode, composite ops arrive whole: run
            with self:              # their decomposition, as autograd does in every other mode
                out = func.decompose(*args, **kwargs)
            if out is not NotImplemented:
                return out
        try:
            info, srcs, targets = self._read(func, args, kwargs)
        except Exception as e:  # noqa: BLE001 — the tracer's own failure, named as such
            raise _tracer_error(func, e) from e
        out = func(*args, **kwargs)
        if info.name in UNINITIALIZED and isinstance(out, Tensor):
            out.fill_(float("nan") if out.is_floating_point() or out.is_complex() else 0)
        try:
            return self._wrote(info, args, kwargs, srcs, targets, out)
        except Exception as e:  # noqa: BLE001
            raise _tracer_error(func, e) from e

    def _read(self, func: Any, args: tuple, kwargs: dict) -> tuple[OpInfo, list[int], tuple]:
        """The op's sources (tensors, then its scalar arguments as constants) and the
        tensors it writes in place (their values are kept before the write)."""
        info = _INFOS.get(func)
        if info is None:
            info = _INFOS[func] = _learn(func)
        state = self.state
        id_of = state.id_of
        srcs = []
        scalars = []
        for a in args:
            ta = type(a)
            if ta in _SCALARS:
                scalars.append(a)
            elif isinstance(a, Tensor):
                srcs.append(id_of(a))
            elif ta is list or ta is tuple:
                srcs.extend(id_of(e) for e in a if isinstance(e, Tensor))
            elif isinstance(a, torch.ScriptObject):
                srcs.append(state.object_id(a))
        for a in kwargs.values():
            if isinstance(a, Tensor):
                srcs.append(id_of(a))
            elif type(a) in _SCALARS:
                scalars.append(a)
        if info.name in _BIAS_FIRST and len(srcs) == 3:
            srcs.append(srcs.pop(0))
        elif info.causal is not None and _flag(args, kwargs, info.causal) and len(srcs) == 3:
            srcs.append(state.causal_mask(args[0].shape[-2], args[1].shape[-2]))
        if scalars:     # x + 1 and x + 2 are different ops; x + 0 is an identity
            const = state.trace.const
            srcs.extend(const(a) for a in scalars)
        targets = ()
        if info.written:
            arguments = func._schema.arguments
            targets = tuple(t for t in (args[k] if k < len(args) else kwargs.get(arguments[k].name)
                                        for k in info.written) if isinstance(t, Tensor))
        if info.name == "native_batch_norm" and args[5]:
            # training mode updates the running statistics in place, which its schema does
            # not declare (and no version is bumped): the legacy op's one known quirk
            targets = tuple(t for t in args[3:5] if isinstance(t, Tensor))
        for target in targets:
            state.before_write(target)
        return info, srcs, targets

    def _wrote(self, info: OpInfo, args: tuple, kwargs: dict, srcs: list[int], targets: tuple, out: Any) -> Any:
        if info.name in _BATCH_NORM_EVAL:
            flag = _BATCH_NORM_EVAL[info.name]
            if flag is None or not args[flag]:
                return self._batch_norm_eval(args, srcs, out)
        i = self._record(info, args, srcs, out, kwargs)
        for target in targets if i >= 0 else ():   # the written tensors' next versions: this op's value
            self.state.wrote(target, i)
        return out

    def _record(self, info: OpInfo, args: tuple, srcs: list[int], out: Any, kwargs: dict) -> int:
        """Append the op's record; returns its id (-1 when it is an escape or a no-op alias)."""
        trace, state = self.state.trace, self.state
        first = out
        if not isinstance(out, Tensor):
            first = out[0] if type(out) in (tuple, list) and out and isinstance(out[0], Tensor) else None
            if first is None:       # a Python number or bool: the value leaves the graph
                trace.records.append((Op.ESCAPE, tuple(srcs), None, trace.fn, None))
                return -1
        if info.cost is not None:
            flops = info.cost(args, first, kwargs)
        elif info.kind == MOVING or info.kind == FREE:
            flops = (0, 0, 0)
        else:
            n = first.numel()
            kind = info.kind
            flops = (0, n, 0) if kind == "add" else (n, 0, 0) if kind == "mul" else (0, 0, n)
        if info.view and args and isinstance(args[0], Tensor):
            # autograd makes a view share its base's version counter only after this
            # returns: key the view by the base's version now
            version = state.version(args[0])
            k = (first.data_ptr(), version, first.shape, first.stride(), first.dtype)
            if k in state.ids:      # detach, alias: the very same value, nothing to record
                return state.ids[k]
        else:
            version = None
            k = key(first, state.writes)
        nbytes = 0 if info.aliased else first.numel() * first.element_size()
        name = info.name if info.naming is None else info.naming(args, first)
        records = trace.records
        records.append((info.op, tuple(srcs), first, trace.fn, _new(ArrayCost, (*flops, nbytes, name))))
        i = len(records) - 1
        state.ids[k] = i
        if first is not out:
            for position, o in enumerate(out[1:], 1):
                if isinstance(o, Tensor):
                    ko = key(o, state.writes) if version is None else (o.data_ptr(), version, o.shape, o.stride(), o.dtype)
                    state.pending[ko] = (i, position)
        return i

    def _batch_norm_eval(self, args: tuple, srcs: list[int], out: Any) -> Any:
        """Two records: scale = w / sqrt(var + eps), shift = b - mean * scale (per channel,
        static when the weights are), then y = x * scale + shift (per element)."""
        trace, state = self.state.trace, self.state
        x, weight, bias, mean, var = args[:5]
        eps = args[-1]
        with torch.no_grad():
            scale = torch.rsqrt(var + eps) * (weight if weight is not None else 1.0)
            shift = (bias if bias is not None else 0.0) - mean * scale
            folded = torch.stack([scale, shift])
        c = folded.shape[1]
        records = trace.records
        records.append((Op.OTHER, tuple(srcs[1:]), folded, trace.fn,
                        _new(ArrayCost, (2 * c, 2 * c, c, folded.numel() * folded.element_size(),
                                         "batch_norm_scale"))))
        y = out[0] if isinstance(out, (tuple, list)) else out
        n = y.numel()
        records.append((Op.OTHER, (srcs[0], len(records) - 1), y, trace.fn,
                        _new(ArrayCost, (n, n, 0, n * y.element_size(), "batch_norm"))))
        state.ids[key(y, state.writes)] = len(records) - 1
        return out


def wrap(value: Any, trace: Trace, name: str, static: bool) -> Any:
    """Register one torch input: a tensor, or every parameter, buffer and packed weight of a module.

    A module in eval mode is a model being run, not trained: its weights are known ahead of
    time, so they are static (as if named in STATIC) whether or not the probe says so; in
    training mode they are only as static as the probe declares the module.
    """
    state = state_of(trace)
    if isinstance(value, Tensor):
        state.ids[key(value, state.writes)] = trace.input(name, value, static)
        return value
    if isinstance(value, torch.nn.Module):
        static = static or not value.training
        for sub_name, sub in value.named_modules():
            state.module_names[id(sub)] = f"{name}.{sub_name}" if sub_name else name
            packed = getattr(getattr(sub, "_packed_params", None), "_packed_params", None)
            if isinstance(packed, torch.ScriptObject) and hash(packed) not in state.objects:
                state.objects[hash(packed)] = trace.input(f"{name}.{sub_name}.weight",
                                                          _packed_weight(packed), static)
                state.kept.append(packed)
        for p_name, p in itertools.chain(value.named_parameters(), value.named_buffers()):
            k = key(p, state.writes)
            if k not in state.ids:
                state.ids[k] = trace.input(f"{name}.{p_name}", p, static)
    return value


def unwrap(t: Tensor, ids: list[int], trace: Trace) -> Any:
    """The raw output (a numpy array) of one output tensor; its value id goes to ``ids``."""
    ids.append(state_of(trace).id_of(t))
    return to_numpy(t)


def to_numpy(value: Any) -> Any:
    """A numpy view of a tensor's value (a float32 copy for dtypes numpy lacks, such as bfloat16)."""
    if not isinstance(value, Tensor):
        return value
    value = value.detach()
    if value.dtype in _NUMPY_DTYPES and not value.is_quantized:
        try:
            return value.numpy()        # the common case: no copy
        except (RuntimeError, TypeError):
            pass
    if value.is_quantized:
        value = value.dequantize()
    if value.dtype not in _NUMPY_DTYPES:
        value = value.float()
    return value.cpu().resolve_conj().resolve_neg().numpy()


_NUMPY_DTYPES = frozenset({torch.float32, torch.float64, torch.int64, torch.int32, torch.int16,
                           torch.int8, torch.uint8, torch.bool, torch.complex64, torch.complex128})


@contextmanager
def tracing(trace: Trace) -> Iterator[None]:
    """Record the aten ops run inside; module calls become boundaries named by their path."""
    state = state_of(trace)

    def enter(module: torch.nn.Module, args: Any) -> None:
        state.stack.append(trace.enter(state.module_names.get(id(module)) or type(module).__name__))

    def leave(module: torch.nn.Module, args: Any, output: Any) -> None:
        if state.stack:
            trace.fn = state.stack.pop()

    hooks = (torch.nn.modules.module.register_module_forward_pre_hook(enter),
             torch.nn.modules.module.register_module_forward_hook(leave, always_call=True))
    try:
        with TorchTracer(state):
            yield
    finally:
        for h in hooks:
            h.remove()


def finish(trace: Trace) -> None:
    """Replace every tensor in the trace by a numpy array; forget the per-trace state."""
    trace.sessions.pop("torch", None)
    records = trace.records
    for i, rec in enumerate(records):
        if isinstance(rec[2], Tensor):
            records[i] = (rec[0], rec[1], to_numpy(rec[2]), rec[3], rec[4])
    for vid, value in list(trace.snapshots.items()):
        trace.snapshots[vid] = to_numpy(value)
