"""Redundancy: value numbering on runtime values.

An op is redundant when an op of the same kind already ran on the same input *values*
(not the same syntax: a memoized recursion reaches ``fib(5)`` along many paths). Values
are numbered by content: hashed after rounding to float32 precision (a 24-bit mantissa),
then confirmed against the first value of the bucket with a relative tolerance of 1e-9,
so last-bit differences (BLAS kernels chosen by shape, reassociation) do not hide a
recomputation. Rows (below) are compared by their rounded hash alone.

Inside a matmul or an elementwise array op, each output row is numbered too: a KV cache
saves re-projecting the *rows* of earlier tokens while ``X[:t] @ Wk`` as a whole differs
at every step. Identity ops with a constant (``x + 0``, ``x * 1``) cost work but are never
redundant.

Before::  a*b + a*b   -> the second a*b is redundant (1 of 3 ops)
After::   c = a*b; c + c

Unsafe when: an op's result depends on something besides its inputs (``IMPURE`` ops are
skipped), or two different values agree to 1e-9 relative (they are taken as one value).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzer.measurement import Mechanism
from analyzer.passes import Pass
from analyzer.ops import ARITHMETIC, COMMUTATIVE, IMPURE, Op
from analyzer.trace import Trace, record_cost

RTOL = 1e-9
_IDENTITY = {Op.ADD: (0, 0), Op.SUB: (None, 0), Op.MUL: (1, 1), Op.DIV: (None, 1), Op.POW: (None, 1),
             Op.OR: (0, 0), Op.XOR: (0, 0), Op.LSHIFT: (None, 0), Op.RSHIFT: (None, 0)}  # x|0, x^0, x<<0
_PURE = ARITHMETIC - IMPURE
_ROWWISE = frozenset({Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.MAX, Op.MIN, Op.EXP, Op.LOG, Op.SQRT,
                      Op.TANH, Op.NEG, Op.ABS, Op.POW, Op.SIN, Op.COS})


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


def _rounded(a: np.ndarray) -> np.ndarray:
    """Equal up to last-bit noise -> equal bytes (almost always)."""
    if a.dtype.kind == "f":
        return _float_keys_array(a)
    if a.dtype.kind == "c":
        return np.stack([_float_keys_array(a.real), _float_keys_array(a.imag)], axis=-1)
    return a


class ValueNumbers:
    """Numbers the values of a trace by content: equal (within RTOL) values, equal numbers."""

    MAX_BUCKET = 8      # values that share a rounded key but differ: a few are confirmed, then new

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.number: dict[int, int] = {}
        self.buckets: dict[Any, list[tuple[Any, int]]] = {}
        self.rows: dict[int, list[int]] = {}
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
            key: Any = (value.shape, value.dtype.kind, hash(_rounded(value).tobytes()))
        elif isinstance(value, np.generic):
            key = complex(np.complex64(value)) if value.dtype.kind in "fc" else value.item()
        else:
            try:
                key = hash(value)
            except TypeError:
                key = id(value)
        return self._assign(i, value, key)

    def row_keys(self, i: int) -> list[int]:
        """One content hash per row of a 2-D array value (a 1-D value is one row)."""
        keys = self.rows.get(i)
        if keys is None:
            a = np.atleast_2d(_rounded(np.asarray(self.trace.value(i))))
            a = np.ascontiguousarray(a.reshape(a.shape[0], -1))
            keys = self.rows[i] = [hash(r.tobytes()) for r in a]
        return keys


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


_CONST = Op.CONST


def _row_keys(vn: ValueNumbers, op: Op, rec: tuple) -> list[tuple] | None:
    """Per-row keys of a matmul (rows of the left operand) or a 2-D elementwise op."""
    srcs, result = rec[1], rec[2]
    if not isinstance(result, np.ndarray) or result.ndim == 0:
        return None
    if op is Op.MATMUL:
        left = vn.trace.value(srcs[0])
        if not isinstance(left, np.ndarray) or left.ndim > 2 or len(srcs) < 2:
            return None
        right = vn.of(srcs[1])
        return [(op, r, right) for r in vn.row_keys(srcs[0])]
    if op not in _ROWWISE or result.ndim != 2:
        return None
    parts = []
    for s in srcs:
        v = vn.trace.value(s)
        if isinstance(v, np.ndarray) and v.ndim == 2 and v.shape[0] == result.shape[0] > 1:
            parts.append(vn.row_keys(s))
        else:
            parts.append([vn.of(s)] * result.shape[0])
    return [(op, *row) for row in zip(*parts)]


def redundant_ops(trace: Trace) -> Redundancy:
    """Value-number every pure op; the ones that repeat an earlier (op, input values) are redundant."""
    vn = ValueNumbers(trace)
    number, of = vn.number, vn.of  # noqa: F841 (number: read through get below)
    records = trace.records
    seen: set[tuple] = set()
    seen_rows: set[tuple] = set()
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
        numbers = [of(s) for s in srcs]
        if op in commutative:
            numbers.sort()
        key = (op, extra[4], *numbers)
        if key in seen:
            fraction[i] = 1.0
            whole += 1
            continue
        seen.add(key)
        if extra[0] + extra[1] + extra[2] == 0:
            continue
        rows = _row_keys(vn, op, rec)
        if rows:
            repeated = sum(1 for r in rows if r in seen_rows)
            seen_rows.update(rows)
            if repeated:
                fraction[i] = repeated / len(rows)
    return Redundancy(fraction, whole)


def _evidence(result: Redundancy, trace: Trace) -> dict[str, float]:
    return {"redundant_ops": result.ops, "redundant_flops": round(result.work(trace), 3)}


PASS = Pass("redundancy", "values computed again from equal inputs", Mechanism.CACHING,
            redundant_ops, lambda result: result.fraction, _evidence)
