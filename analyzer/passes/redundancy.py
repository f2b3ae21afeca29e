"""Redundancy: value numbering on runtime values.

An op is redundant when an op of the same kind already ran on the same input *values*
(not the same syntax: a memoized recursion reaches ``fib(5)`` along many paths). Values
are numbered by content (``content_hash``: rounded to float32 precision, then hashed),
then confirmed against the first value of the bucket with a relative tolerance of 1e-9,
so last-bit differences (BLAS kernels chosen by shape, reassociation) do not hide a
recomputation. Rows (below) are compared by their rounded hash alone.

Inside an op, each output row (the last axis, of values of any rank) is numbered too: a KV
cache saves re-projecting the *rows* of earlier tokens while ``X[:t] @ Wk`` as a whole
differs at every step. An output row's key holds everything it is computed from:

- elementwise ops (and kernels that work row by row: ``ROW_KERNELS``): the row of each
  operand that broadcasts to it, and the whole of the others;
- matmuls (``MATMUL_ROWS``): the row of the left operand and the matrix it meets (per batch
  index of a batched matmul), plus a bias's row;
- attention (``ATTENTION``, sources ``q, k, v[, mask]``): the query row and the set of
  (key row, value row) pairs the mask lets it see; softmax attention does not depend on the
  order of that set, so a causal prefix computed again at the next step is recomputation.

Identity ops with a constant (``x + 0``, ``x * 1``) cost work but are never redundant.

Before::  a*b + a*b   -> the second a*b is redundant (1 of 3 ops)
After::   c = a*b; c + c

Unsafe when: an op's result depends on something besides its inputs (``IMPURE`` ops are
skipped), or two different values agree to 1e-9 relative (they are taken as one value). A
record's name must not claim row-wise work that is not (a ufunc's ``accumulate`` recorded
as its ufunc is read row by row).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzer.measurement import Mechanism
from analyzer.passes import Pass
from analyzer.passes.content_hash import NearRows, rounded, row_hashes, whole_hash
from analyzer.ops import ARITHMETIC, COMMUTATIVE, COMPARISONS, IMPURE, Op
from analyzer.trace import Trace, record_cost

RTOL = 1e-9
_IDENTITY = {Op.ADD: (0, 0), Op.SUB: (None, 0), Op.MUL: (1, 1), Op.DIV: (None, 1), Op.POW: (None, 1),
             Op.OR: (0, 0), Op.XOR: (0, 0), Op.LSHIFT: (None, 0), Op.RSHIFT: (None, 0)}  # x|0, x^0, x<<0
_PURE = ARITHMETIC - IMPURE
# ops whose output element depends on the same element of each (broadcast) operand
ELEMENTWISE = frozenset({
    Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.FLOORDIV, Op.MOD, Op.POW, Op.NEG, Op.ABS, Op.CONJ, Op.REAL,
    Op.IMAG, Op.MAX, Op.MIN, Op.EXP, Op.EXPM1, Op.LOG, Op.LOG1P, Op.LOG2, Op.LOG10, Op.SQRT,
    Op.HYPOT, Op.SIN, Op.COS, Op.TAN, Op.ASIN, Op.ACOS, Op.ATAN, Op.ATAN2, Op.SINH, Op.COSH,
    Op.TANH, Op.FMOD, Op.ROUND, Op.FLOOR, Op.CEIL, Op.TRUNC, Op.CAST, Op.WHERE, Op.CLIP,
    Op.AND, Op.OR, Op.XOR, Op.LSHIFT, Op.RSHIFT, Op.INVERT, *COMPARISONS,
})
# kernels recorded as Op.OTHER that work row by row along the last axis (front-ends record a
# softmax or a normalization over another axis under another name)
ROW_KERNELS = frozenset({
    "gelu", "silu", "relu", "sigmoid", "erf", "rsqrt", "reciprocal", "sign", "leaky_relu", "elu",
    "hardtanh", "hardswish", "hardsigmoid", "mish", "softplus", "logit", "masked_fill", "lerp",
    "native_layer_norm", "layer_norm", "rms_norm", "_fused_rms_norm", "_softmax", "softmax",
    "_log_softmax", "log_softmax", "_safe_softmax", "logical_not", "logical_and",
    "logical_or", "isnan", "isinf", "isfinite", "nan_to_num", "clamp_min", "clamp_max", "atan2",
})
# matmul records whose output row i is the left operand's row i times the right operand
MATMUL_ROWS = frozenset({"matmul", "dot", "mm", "bmm", "addmm", "baddbmm", "addmv", "mv",
                         "linear", "linear_dynamic"})
ATTENTION = "scaled_dot_product_attention"
_MASK64 = (1 << 64) - 1
_K = [np.uint64(k) for k in (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB,
                             0xD6E8FEB86659FD93, 0xA0761D6478BD642F, 0xE7037ED1A0B428DB)]


@dataclass(frozen=True)
class Redundancy:
    fraction: dict[int, float]      # record id -> share of its work that is recomputation
    ops: int                        # whole ops that are redundant

    def work(self, trace: Trace, part: int | None = None) -> float:
        """Redundant work: flops, or one cost component (0 mults, 1 adds, 2 other)."""
        return sum(f * (sum(record_cost(trace.records[i])[:3]) if part is None
                        else record_cost(trace.records[i])[part])
                   for i, f in self.fraction.items())


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=0.0, equal_nan=True))
    return a == b or abs(a - b) <= RTOL * max(abs(a), abs(b))


def _float_keys_array(values: np.ndarray) -> np.ndarray:
    """Elementwise: a 24-bit mantissa and the exponent packed in one int64 (float32
    precision without float32's overflow)."""
    with np.errstate(all="ignore"):
        mantissa, exponent = np.frexp(values)
        return np.rint(mantissa * 2**24).astype(np.int64) * 4096 + (exponent + 2048)


def _float_keys(values: np.ndarray) -> list[int]:
    return _float_keys_array(values).tolist()


_rounded = rounded      # the name analyzer.residue imports


class ValueNumbers:
    """Numbers the values of a trace by content: equal (within RTOL) values, equal numbers."""

    MAX_BUCKET = 8      # values that share a rounded key but differ: a few are confirmed, then new

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.number: dict[int, int] = {}
        self.buckets: dict[Any, list[tuple[Any, int]]] = {}
        self.rows: dict[int, np.ndarray] = {}
        self.canonical_rows: dict[int, np.ndarray] = {}
        self.near = NearRows()
        self._next = 0
        self._number_scalars(trace)

    def _new(self) -> int:
        self._next += 1
        return self._next - 1

    def _number_scalars(self, trace: Trace) -> None:
        """Number every Python float/complex/int value at once (vectorized rounding)."""
        ids, vals = [], []
        for i, rec in enumerate(trace.records):
            tv = type(rec[2])
            if tv is float or tv is complex or tv is np.float64 or tv is np.complex128:
                ids.append(i)
                vals.append(rec[2])
        if not ids:
            return
        arr = np.asarray(vals, dtype=complex)
        with np.errstate(all="ignore"):
            real, imag = _float_keys(arr.real), _float_keys(arr.imag)
        buckets, number, assign = self.buckets, self.number, self._assign
        for i, v, kr, ki in zip(ids, vals, real, imag):
            key = (kr, ki) if ki != 2048 else kr    # imag == 0: the key of the real part
            bucket = buckets.get(key)
            if bucket is not None and (bucket[0][0] == v):   # the common case, inlined
                number[i] = bucket[0][1]
            else:
                assign(i, v, key)

    def _assign(self, i: int, value: Any, key: Any) -> int:
        bucket = self.buckets.get(key)
        if bucket is None:
            n = self._new()
            self.buckets[key] = [(value, n)]
        else:
            for rep, n in bucket:
                if rep is value or _close(rep, value):
                    break
            else:
                n = self._new()
                if len(bucket) < self.MAX_BUCKET:
                    bucket.append((value, n))
        self.number[i] = n
        return n

    def of(self, i: int) -> int:
        n = self.number.get(i)
        if n is not None:
            return n
        value = self.trace.value(i)
        if isinstance(value, np.ndarray):
            if value.ndim >= 2 and value.shape[-1] >= 16 or i in self.rows:    # rows: one call each
                content = whole_hash(value, self.row_keys(i))
            else:
                content = hash(rounded(value).tobytes())
            key: Any = (value.shape, value.dtype.kind, content)
        elif isinstance(value, np.generic):
            key = complex(np.complex64(value)) if value.dtype.kind in "fc" else value.item()
        else:
            try:
                key = hash(value)
            except TypeError:
                key = id(value)
        return self._assign(i, value, key)

    def row_keys(self, i: int) -> np.ndarray:
        """One content hash per row (last axis) of an array value: shape ``value.shape[:-1]``."""
        keys = self.rows.get(i)
        if keys is None:
            keys = self.rows[i] = row_hashes(self.trace.value(i))
        return keys

    def row_ids(self, i: int) -> np.ndarray:
        """``row_keys``, except that computed float32 rows equal up to float32 noise share
        one (``NearRows``): the row keys an op's rows are numbered by."""
        ids = self.canonical_rows.get(i)
        if ids is None:
            value, keys = self.trace.value(i), self.row_keys(i)
            computed = self.trace.records[i][0] not in (Op.INPUT, Op.CONST)
            if computed and isinstance(value, np.ndarray) and value.dtype == np.float32:
                keys = self.near.canonical(value, keys)
            ids = self.canonical_rows[i] = keys
        return ids


def _is_identity(records: list[tuple], op: Op, srcs: tuple[int, ...]) -> bool:
    """x + 0, 0 + x, x - 0, x * 1, 1 * x, x / 1, x ** 1, x | 0, x ^ 0, x << 0 with a CONSTANT 0 or 1.

    A zero that was computed (fib(0) in a recursion) is an ordinary operand: repeating
    ``fib(1) + fib(0)`` is recomputation.
    """
    left, right = _IDENTITY[op]
    b = records[srcs[-1]]
    if b[0] is _CONST and b[2] == right and type(b[2]) is not bool:
        return True
    a = records[srcs[0]]
    return left is not None and a[0] is _CONST and a[2] == left and type(a[2]) is not bool


def _is_array_identity(records: list[tuple], op: Op, srcs: tuple[int, ...]) -> bool:
    """``_is_identity`` for an array op, whose constants may be arrays (never identities)."""
    left, right = _IDENTITY[op]
    b = records[srcs[-1]]
    if b[0] is _CONST and type(b[2]) in _NUMBER and b[2] == right:
        return True
    a = records[srcs[0]]
    return left is not None and a[0] is _CONST and type(a[2]) in _NUMBER and a[2] == left


_CONST = Op.CONST
_NUMBER = frozenset({int, float, complex})      # not bool: True + x is not an identity


def _combine(tag: int, parts: list[Any], lead: tuple[int, ...]) -> np.ndarray:
    """One uint64 key per output row from the op's tag and each operand's part (an array of
    row hashes broadcastable to ``lead``, or one number for a whole operand)."""
    with np.errstate(over="ignore"):
        h = np.full(lead, tag & _MASK64, dtype=np.uint64)
        for k, part in enumerate(parts):
            p = np.asarray(part).astype(np.uint64) if isinstance(part, np.ndarray) else np.uint64(part & _MASK64)
            h = h * _K[k % len(_K)] + p
    return h


def _operand(vn: ValueNumbers, s: int, lead: tuple[int, ...], width: int) -> Any:
    """An operand's part in an elementwise row key: its rows broadcast to the output's rows
    when it has rows of the output's width (or 1), else its whole value number."""
    v = vn.trace.value(s)
    if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[-1] in (width, 1) and v.ndim <= len(lead) + 1:
        rows = vn.row_ids(s)
        try:
            return np.broadcast_to(rows, lead)
        except ValueError:
            pass
    return vn.of(s)


def _elementwise_rows(vn: ValueNumbers, op: Op, tag: int, srcs: tuple, result: np.ndarray) -> np.ndarray:
    lead, width = result.shape[:-1], result.shape[-1]
    parts = [_operand(vn, s, lead, width) for s in srcs]
    if op in COMMUTATIVE and len(parts) == 2:
        a, b = (np.asarray(p).astype(np.uint64) if isinstance(p, np.ndarray) else np.uint64(p & _MASK64)
                for p in parts)
        parts = [np.minimum(a, b), np.maximum(a, b)]
    return _combine(tag, parts, lead)


def _matrix_slices(vn: ValueNumbers, s: int) -> Any:
    """The right operand of a matmul: one number if it is one matrix, else a hash per matrix
    of its batch (shape ``value.shape[:-2]``)."""
    v = vn.trace.value(s)
    if v.ndim <= 2:
        return vn.of(s)
    rows = vn.row_ids(s).astype(np.uint64)
    with np.errstate(over="ignore"):
        return (rows * _K[0] ** np.arange(rows.shape[-1], dtype=np.uint64)).sum(axis=-1, dtype=np.uint64)


def _matmul_rows(vn: ValueNumbers, tag: int, srcs: tuple, result: np.ndarray) -> np.ndarray | None:
    if len(srcs) < 2:
        return None
    a, b = vn.trace.value(srcs[0]), vn.trace.value(srcs[1])
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.ndim == 0 or b.ndim == 0:
        return None
    if b.ndim == 1:                                 # matrix @ vector: an output element per row
        if a.ndim < 2 or result.shape != a.shape[:-1]:
            return None
        lead, right = result.shape, vn.of(srcs[1])
    else:
        if a.ndim >= 2 and (result.ndim != max(a.ndim, b.ndim) or result.shape[-2] != a.shape[-2]):
            return None
        lead = result.shape[:-1]
        right = _matrix_slices(vn, srcs[1])
        if isinstance(right, np.ndarray):
            right = right[..., None] if a.ndim >= 2 else right
    try:
        left = np.broadcast_to(vn.row_ids(srcs[0]), lead)
        if isinstance(right, np.ndarray):
            right = np.broadcast_to(right, lead)
    except ValueError:
        return None
    width = result.shape[-1] if b.ndim > 1 else 1
    extra = [_operand(vn, s, lead, width) if b.ndim > 1 else vn.of(s) for s in srcs[2:]]
    return _combine(tag, [left, right, *extra], lead)


def _attention_rows(vn: ValueNumbers, tag: int, srcs: tuple, result: np.ndarray) -> np.ndarray | None:
    """Row i of softmax(q k^T + mask) v: the query row and the SET of (key, value) rows the
    mask lets it see (a sum of their pair hashes: softmax attention ignores their order).
    Sources: q, k, v, then a mask of rank >= 2 (boolean: True sees; additive: -inf hides),
    then scalars (scale, dropout), which enter whole."""
    if len(srcs) < 3:
        return None
    q, k, v = (vn.trace.value(s) for s in srcs[:3])
    if not all(isinstance(x, np.ndarray) and x.ndim >= 2 for x in (q, k, v)) or k.shape[:-1] != v.shape[:-1]:
        return None
    lead = result.shape[:-1]                        # (..., L)
    try:
        with np.errstate(over="ignore"):
            pairs = vn.row_ids(srcs[1]).astype(np.uint64) * _K[1] + vn.row_ids(srcs[2]).astype(np.uint64)
            pairs = pairs[..., None, :]             # (..., 1, S)
            mask = vn.trace.value(srcs[3]) if len(srcs) > 3 else None
            if isinstance(mask, np.ndarray) and mask.ndim >= 2:
                if mask.dtype.kind == "b":
                    terms = np.where(mask, pairs, np.uint64(0))
                else:                               # additive: -inf hides, other values weigh
                    bias = rounded(mask)
                    bias = bias.view(np.uint32).astype(np.uint64) if bias.dtype.itemsize == 4 else bias.view(np.uint64)
                    terms = np.where(np.isneginf(mask), np.uint64(0), (pairs + bias * _K[2]) * _K[3])
                seen = terms.sum(axis=-1, dtype=np.uint64)
            else:
                seen = pairs.sum(axis=-1, dtype=np.uint64)
            seen = np.broadcast_to(seen, lead)
            query = np.broadcast_to(vn.row_ids(srcs[0]), lead)
    except ValueError:                              # shapes that do not broadcast: no rows
        return None
    rest = srcs[4:] if isinstance(mask, np.ndarray) and mask.ndim >= 2 else srcs[3:]
    return _combine(tag, [query, seen, *(vn.of(s) for s in rest)], lead)   # scale, dropout: whole


def _row_keys(vn: ValueNumbers, op: Op, rec: tuple) -> np.ndarray | None:
    """Per-row keys of one op's output (None: the op is not read row by row)."""
    srcs, result, name = rec[1], rec[2], rec[4][4]
    if not isinstance(result, np.ndarray) or result.ndim == 0 or result.size == 0:
        return None
    tag = hash((op.value, name))
    if op is Op.MATMUL:
        if name == ATTENTION:
            return _attention_rows(vn, tag, srcs, result)
        return _matmul_rows(vn, tag, srcs, result) if name in MATMUL_ROWS else None
    if op in ELEMENTWISE or (op is Op.OTHER and name in ROW_KERNELS):
        if result.ndim == 1 and not any(isinstance(vn.trace.value(s), np.ndarray) and np.ndim(vn.trace.value(s)) > 1
                                         for s in srcs):
            return None                             # one row: the op's own key decides
        return _elementwise_rows(vn, op, tag, srcs, result)
    return None


def redundant_ops(trace: Trace) -> Redundancy:
    """Value-number every pure op; the ones that repeat an earlier (op, input values) are redundant."""
    vn = ValueNumbers(trace)
    number, of = vn.number, vn.of
    records = trace.records
    seen: set[tuple] = set()
    seen_rows: set[int] = set()
    fraction: dict[int, float] = {}
    whole = 0
    pure, identity, commutative = _PURE, _IDENTITY, COMMUTATIVE
    get = number.get
    for i, rec in enumerate(records):
        op, srcs, _, _, extra = rec
        if op not in pure or not srcs:
            continue
        if extra is None:   # scalar: the hot path, keyed (op, numbers...)
            if op in identity and _is_identity(records, op, srcs):
                continue
            if len(srcs) == 2:
                a, b = get(srcs[0]), get(srcs[1])
                if a is None:
                    a = of(srcs[0])
                if b is None:
                    b = of(srcs[1])
                key: tuple = (op, b, a) if op in commutative and b < a else (op, a, b)
            else:
                key = (op, *[of(s) for s in srcs])
            size = len(seen)
            seen.add(key)
            if len(seen) == size:
                fraction[i] = 1.0
                whole += 1
            continue
        if op in identity and _is_array_identity(records, op, srcs):     # x + 0 on a tensor
            continue
        numbers = [of(s) for s in srcs]
        if op in commutative:
            numbers.sort()
        key = (op, extra[4], *numbers)
        if key in seen:
            fraction[i] = 1.0
            whole += 1
            continue
        seen.add(key)
        if extra[0] + extra[1] + extra[2] == 0:     # moves data: no rows of work
            continue
        rows = _row_keys(vn, op, rec)
        if rows is not None:
            keys = rows.ravel().tolist()
            repeated = sum(map(seen_rows.__contains__, keys))
            seen_rows.update(keys)
            if repeated:
                fraction[i] = repeated / len(keys)
    return Redundancy(fraction, whole)


def _evidence(result: Redundancy, trace: Trace) -> dict[str, float]:
    return {"redundant_ops": result.ops, "redundant_flops": round(result.work(trace), 3)}


PASS = Pass("redundancy", "values computed again from equal inputs", Mechanism.CACHING,
            redundant_ops, lambda result: result.fraction, _evidence)
