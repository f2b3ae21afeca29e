"""Redundancy: value numbering on runtime values.

An op is redundant when an op of the same kind already ran on the same input *values*
(not the same syntax: a memoized recursion reaches ``fib(5)`` along many paths). Values
are numbered by content (``content_hash``: rounded to float32 precision, then hashed),
then confirmed against the first value of the bucket: a number within a relative 1e-9, an
array by equal bytes or else equal rounded contents (``array_summary.same_contents``: the
same whether the trace kept the array or only its summary), so last-bit differences (BLAS
kernels chosen by shape, reassociation) do not hide a recomputation. Rows (below) are
compared by their rounded hash alone.

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
from itertools import compress
from typing import Any, Mapping

import numpy as np

from analyzer.array_summary import ArraySummary, flat_key, is_array, row_keys, same_contents
from analyzer.kernels import KERNELS, by_code
from analyzer.measurement import Mechanism
from analyzer.passes import Pass
from analyzer.passes.columns import TYPES, Columns, columns, distinct, weighted_work, value_types
from analyzer.passes.first_occurrence import first_occurrence
from analyzer.passes.near_misses import matches
from analyzer.passes.shares import Shares
from analyzer.passes.content_hash import NearRows, rounded, whole_hash
from analyzer.ops import ARITHMETIC, COMMUTATIVE, COMPARISONS, IMPURE, Op
from analyzer.recorder import COMPILED
from analyzer.trace import CODE, NONE, OPS, WIDE, Trace

RTOL = 1e-9
_IDENTITY = {Op.ADD: (0, 0), Op.SUB: (None, 0), Op.MUL: (1, 1), Op.DIV: (None, 1), Op.POW: (None, 1),
             Op.OR: (0, 0), Op.XOR: (0, 0), Op.LSHIFT: (None, 0), Op.RSHIFT: (None, 0)}  # x|0, x^0, x<<0
_PURE = ARITHMETIC - IMPURE
_FLOATING = frozenset({float, complex, np.float64, np.complex128})
_COMPLEX = frozenset({complex, np.complex128})
_FLOATING_CODE = np.array([t in _FLOATING for t in TYPES] + [False])      # by ``value_types`` code
_COMPLEX_CODE = np.array([t in _COMPLEX for t in TYPES] + [False])
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
# reductions: read row by row when they reduce the last axis and keep it (``_reduction_rows``)
REDUCTIONS = frozenset({Op.SUM, Op.MEAN})
REDUCTION_KERNELS = frozenset({"amax", "amin", "max", "min", "var", "std", "norm", "linalg_vector_norm",
                               "logsumexp", "prod", "var_mean", "std_mean"})
# matmul records whose output row i is the left operand's row i times the right operand
MATMUL_ROWS = frozenset({"matmul", "dot", "mm", "bmm", "addmm", "baddbmm", "addmv", "mv",
                         "linear", "linear_dynamic"})
ATTENTION = "scaled_dot_product_attention"
_MASK64 = (1 << 64) - 1
_K = [np.uint64(k) for k in (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB,
                             0xD6E8FEB86659FD93, 0xA0761D6478BD642F, 0xE7037ED1A0B428DB)]


@dataclass(frozen=True)
class Redundancy:
    fraction: Mapping[int, float]   # record id -> share of its work that is recomputation (a ``Shares``)
    ops: int                        # whole ops that are redundant

    def work(self, trace: Trace, part: int | None = None) -> float:
        """Redundant work: flops, or one cost component (0 mults, 1 adds, 2 other)."""
        return weighted_work(self.fraction, trace, part)


def _close(a: Any, b: Any) -> bool:
    if is_array(a):         # as rows are: equal bytes, or equal contents rounded to float32 (a
        return is_array(b) and same_contents(a, b)      # summary has no contents left to compare)
    return a == b or abs(a - b) <= RTOL * max(abs(a), abs(b))


def _float_keys_array(values: np.ndarray) -> np.ndarray:
    """Elementwise: a 24-bit mantissa and the exponent packed in one int64 (float32
    precision without float32's overflow). In C when built (from the bits: the same keys)."""
    if KERNELS is not None and values.dtype == np.float64:
        return np.frombuffer(KERNELS.float_keys(np.ascontiguousarray(values)), dtype=np.int64)
    return _float_keys_numpy(values)


def _float_keys_numpy(values: np.ndarray) -> np.ndarray:
    """``_float_keys_array`` in numpy: frexp's mantissa times 2**24, rounded half to even, times
    4096, plus frexp's exponent + 2048."""
    with np.errstate(all="ignore"):         # (in place: two arrays of the values' length, not ten)
        mantissa, exponent = np.frexp(values)
        mantissa *= 2**24
        np.rint(mantissa, out=mantissa)
        keys = mantissa.view(np.int64)      # each float becomes the integer in its own 8 bytes
        np.copyto(keys, mantissa, casting="unsafe")
        keys *= 4096
        exponent += 2048
        keys += exponent
        return keys


def _near_some(arr: np.ndarray, rest: np.ndarray, leads: np.ndarray) -> np.ndarray:
    """Of the real values at ``rest`` (with the first values of their keys at ``leads``): True for
    those whose key has two values that may be within RTOL of each other. Sorted, a key's values
    are not when each is more than 2 RTOL of the larger apart from the next (all of a key's values
    have one sign and about one magnitude); NaN may be anything (the value itself, again)."""
    firsts = distinct(leads)
    group = np.concatenate([leads, firsts])
    value = arr[np.concatenate([rest, firsts])]
    order = np.lexsort((value, group))
    group, value = group[order], value[order]
    with np.errstate(invalid="ignore", over="ignore"):
        apart = np.abs(value[1:] - value[:-1]) > 2 * RTOL * np.maximum(np.abs(value[1:]), np.abs(value[:-1]))
    near = (group[1:] == group[:-1]) & ~apart      # (a NaN is apart from nothing: its gap is NaN)
    near_groups = distinct(group[1:][near])
    at = np.minimum(np.searchsorted(near_groups, leads), max(len(near_groups) - 1, 0))
    return near_groups[at] == leads if len(near_groups) else np.zeros(len(leads), dtype=bool)


def _close_to(arr: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """``_close(lead[k], arr[k])`` for every k, in numpy (``lead`` is overwritten: a real one
    serves as the buffer of the tolerances)."""
    with np.errstate(invalid="ignore", over="ignore"):
        if lead.dtype.kind == "c":
            return (arr == lead) | (np.abs(arr - lead) <= RTOL * np.maximum(np.abs(arr), np.abs(lead)))
        close = arr == lead
        diff = np.subtract(arr, lead)
        np.abs(diff, out=diff)
        for scale in (lead, arr):       # d <= RTOL * max(a, b) is d <= RTOL * a or d <= RTOL * b
            np.abs(scale, out=lead)     # (NaN in a or b makes d NaN: false both ways)
            lead *= RTOL
            close |= diff <= lead
        return close


def _float_keys(values: np.ndarray) -> list[int]:
    return _float_keys_array(values).tolist()


_rounded = rounded      # the name analyzer.residue imports


class ValueNumbers:
    """Numbers the values of a trace by content: equal (within RTOL) values, equal numbers.

    Floats and complex numbers are numbered all at once (``_number_scalars``) into
    ``scalar_numbers``; any other value when it is first asked for (``of``).
    """

    MAX_BUCKET = 8      # values that share a rounded key but differ: a few are confirmed, then new

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.number: dict[int, int] = {}
        self.buckets: dict[Any, Any] = {}      # rounded key -> ((value, number), ...), first value first
        self.rows: dict[int, np.ndarray] = {}
        self.canonical_rows: dict[int, np.ndarray] = {}
        self.near = NearRows()
        self._next = 0
        self._floats: tuple | None = None     # the floats' buckets, until _index_floats makes them
        self._near: tuple | None = None       # and those of groups with near misses
        self._number_scalars(trace.values)

    def _new(self) -> int:
        self._next += 1
        return self._next - 1

    def _number_scalars(self, values: list[Any]) -> None:
        """Number every Python float/complex (and numpy float64/complex128) value at once.

        Each value finds the first value of its rounded key (``first_occurrence``, by hashing:
        the value a sweep in trace order would meet first); a value equal to it, or within RTOL
        of it, takes its number, in numpy. The values that are not (near misses: several values
        near one another, NaN) are confirmed as a sweep would, in numpy rounds or one by one
        (``near_misses.matches``): equal numbers exactly where such a sweep gives them.

        Most values of a long trace are the first of their key: compared with nothing.
        """
        n = len(values)
        self.scalar_numbers = numbers = np.full(n, -1, dtype=np.int64)
        types = value_types(self.trace)
        floating = by_code(_FLOATING_CODE, types)
        ids = np.flatnonzero(floating)
        if not len(ids):
            return
        as_complex = bool(by_code(_COMPLEX_CODE, types).any())   # real values: as complex numbers, their imaginary
        arr = _picked(values, floating, as_complex)         # keys would all be 0.0's (2048), their arithmetic the same
        del floating
        m = len(ids)
        base = self._next
        self._next += m                             # a number for each value, used by the first of each key
        if KERNELS is not None and not as_complex:     # first values, numbers and comparisons in one pass in C
            heads, rest, leads = KERNELS.number_floats(arr, RTOL, ids, numbers, base)
            rest, leads = (np.frombuffer(b, dtype=np.int64) for b in (rest, leads))
            heads, real, imag = np.frombuffer(heads, dtype=bool), None, None     # (keys: when needed)
        else:
            real, imag, lead, heads, rest = self._first_values(arr, as_complex)
            numbers[ids] = lead + base if base else lead    # its first value's number, unless not close (below)
            leads = lead[rest]
        self._floats = (arr, real, imag, heads, ids, base)
        if len(rest):
            self._number_near_misses(rest, ids, arr, leads, base)

    @staticmethod
    def _first_values(arr: np.ndarray, as_complex: bool) -> tuple:
        """(real keys, imaginary keys or None, the first position of each value's key, whether each
        is that first, the positions not close to their first value), in numpy."""
        if not as_complex:
            real, imag = _float_keys_array(arr), None
        else:
            real, imag = _float_keys_array(arr.real), _float_keys_array(arr.imag)
            imag = imag if (imag != 2048).any() else None
        lead = first_occurrence(real) if imag is None else first_occurrence(real, imag)
        heads = lead == np.arange(len(lead))
        # each value not the first of its key is compared with that first value (a first value is
        # close to itself, and takes its number even as NaN: it is the very same object)
        at = np.flatnonzero(~heads)
        far = ~_close_to(arr[at], arr[lead[at]])
        return real, imag, lead, heads, at[far]     # (positions in ``ids``, in trace order)

    def _number_near_misses(self, rest: np.ndarray, ids: np.ndarray, arr: np.ndarray, leads: np.ndarray,
                            base: int) -> None:
        """Number the values at ``rest`` (positions in ``ids``, in trace order; the first values of
        their keys at ``leads``, whose numbers are ``base + leads``): those not close to the first
        value of their rounded key, as ``_place`` would one after another (``near_misses.matches``),
        with their buckets. The values compared are gathered into a few short arrays first."""
        match = np.full(len(rest), -1, dtype=np.int64)
        if arr.dtype.kind == "f":       # a key none of whose values is close to another: all new
            compared = np.flatnonzero(_near_some(arr, rest, leads))
        else:
            compared = np.arange(len(rest))
        if len(compared):
            some, some_leads = rest[compared], leads[compared]
            pos = distinct(np.concatenate([some, some_leads]))     # every position compared, ascending
            vals = np.fromiter(map(self.trace.values.__getitem__, ids[pos].tolist()), object, len(pos))
            at = np.searchsorted(pos, some)
            group = np.arange(len(pos))         # each compared value's group: its first value's place
            group[at] = np.searchsorted(pos, some_leads)
            found = matches(at, arr[pos], vals, group, np.arange(len(pos)), RTOL, self.MAX_BUCKET)
            match[compared] = np.where(found >= 0, pos[found], -1)
        new = match < 0
        made = np.flatnonzero(new)
        taken = np.empty(len(rest), dtype=np.int64)
        taken[made] = self._next + np.arange(len(made))     # new numbers go out in trace order
        self._next += len(made)
        lead = ~new & (match == leads)
        taken[lead] = base + leads[lead]
        other = ~new & ~lead                # the number an earlier near miss took
        taken[other] = taken[np.searchsorted(rest, match[other])]
        self.scalar_numbers[ids[rest]] = taken
        if not len(made):
            return
        # buckets: each key's first value, then its first near misses with new numbers (as lists
        # when another value needs them: _index_floats)
        g_made = leads[made]
        order = np.argsort(g_made, kind="stable")
        ordered = g_made[order]
        starts = np.r_[True, ordered[1:] != ordered[:-1]]
        rank = np.arange(len(ordered)) - np.maximum.accumulate(np.where(starts, np.arange(len(ordered)), 0))
        kept = rank < self.MAX_BUCKET - 1
        heads = np.flatnonzero(starts)
        slot = np.repeat(np.arange(len(heads)), np.diff(np.r_[heads, len(ordered)]))[kept]
        near = made[order[kept]]
        self._near = (ordered[heads], slot, ids[rest[near]], taken[near])

    def _index_floats(self) -> None:
        """Put the buckets of the floats numbered at once in ``buckets`` (when another value
        needs them: its key may be one of theirs)."""
        arr, real, imag, heads, ids, base = self._floats
        values = self.trace.values

        def key(at: np.ndarray) -> list[Any]:       # the bucket keys of the values at ``at``
            if real is None:        # (numbered in C: real values, the keys it hashed)
                return _float_keys(arr[at])
            return (real[at].tolist() if imag is None else
                    [(kr, ki) if ki != 2048 else kr for kr, ki in zip(real[at].tolist(), imag[at].tolist())])
        first = np.flatnonzero(heads)
        table = dict(zip(key(first), zip(zip(map(values.__getitem__, ids[first].tolist()), (first + base).tolist()))))
        if self._near is not None:      # keys with near misses: their first value, then theirs
            groups, slot, near_ids, near_numbers = self._near
            buckets = [[(values[i], base + g)] for i, g in zip(ids[groups].tolist(), groups.tolist())]
            for b, i, n in zip(slot.tolist(), near_ids.tolist(), near_numbers.tolist()):
                buckets[b].append((values[i], n))
            table.update(zip(key(groups), buckets))
        table.update(self.buckets)
        self.buckets, self._floats, self._near = table, None, None

    def _place(self, key: Any, bucket: Any, value: Any) -> int:
        """The number of the first value of ``bucket`` within RTOL of ``value``, or a new one."""
        for rep, n in bucket:
            if rep is value or _close(rep, value):
                return n
        n = self._new()
        if len(bucket) < self.MAX_BUCKET:
            self.buckets[key] = [*bucket, (value, n)]
        return n

    def _assign(self, i: int, value: Any, key: Any) -> int:
        if self._floats is not None:
            self._index_floats()
        bucket = self.buckets.get(key)
        if bucket is None:
            n = self._new()
            self.buckets[key] = [(value, n)]
        else:
            n = self._place(key, bucket, value)
        self.number[i] = n
        return n

    def of(self, i: int) -> int:
        n = self.number.get(i)
        if n is not None:
            return n
        if i < len(self.scalar_numbers) and self.scalar_numbers[i] >= 0:
            return int(self.scalar_numbers[i])
        if i in self.trace.overwritten:     # its contents are gone: a number of its own
            n = self.number[i] = self._new()
            return n
        value = self.trace.value(i)
        if is_array(value):
            if value.ndim >= 2 and value.shape[-1] >= 16 or i in self.rows:    # rows: one call each
                content = whole_hash(value.shape, self.row_keys(i))
            else:
                content = flat_key(value)
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
            keys = self.rows[i] = row_keys(self.trace.value(i))
        return keys

    def row_ids(self, i: int) -> np.ndarray:
        """``row_keys``, except that computed float32 rows equal up to float32 noise share
        one (``NearRows``): the row keys an op's rows are numbered by."""
        ids = self.canonical_rows.get(i)
        if ids is None:
            value, keys = self.trace.value(i), self.row_keys(i)
            computed = OPS[self.trace.ops[i]] not in (Op.INPUT, Op.CONST)
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
    if is_array(v) and v.ndim >= 1 and v.shape[-1] in (width, 1) and v.ndim <= len(lead) + 1:
        rows = vn.row_ids(s)
        try:
            return np.broadcast_to(rows, lead)
        except ValueError:
            pass
    return vn.of(s)


def _reduction_rows(vn: ValueNumbers, tag: int, srcs: tuple, result: np.ndarray) -> np.ndarray | None:
    """A reduction over the last axis that keeps it (``x.mean(-1, keepdim=True)``, an RMS norm's
    mean square): output row i is input row i reduced, so it is keyed by that row."""
    v = vn.trace.value(srcs[0]) if srcs else None
    if not is_array(v) or v.ndim != result.ndim or v.shape[:-1] != result.shape[:-1] \
            or result.shape[-1] != 1 or v.shape[-1] < 2:
        return None
    lead = result.shape[:-1]
    return _combine(tag, [np.broadcast_to(vn.row_ids(srcs[0]), lead), *(vn.of(s) for s in srcs[1:])], lead)


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
    if not (is_array(a) and is_array(b)) or a.ndim == 0 or b.ndim == 0:
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
    then scalars (scale, dropout), which enter whole. With fewer key/value heads than query
    heads (grouped-query attention), each key/value head serves a group of query heads."""
    if len(srcs) < 3:
        return None
    q, k, v = (vn.trace.value(s) for s in srcs[:3])
    if not all(is_array(x) and x.ndim >= 2 for x in (q, k, v)) or k.shape[:-1] != v.shape[:-1]:
        return None
    if len(srcs) > 3 and type(vn.trace.value(srcs[3])) is ArraySummary:
        return None         # a mask is read element by element (the tracers keep boolean and float32 ones)
    lead = result.shape[:-1]                        # (..., L)
    try:
        with np.errstate(over="ignore"):
            pairs = vn.row_ids(srcs[1]).astype(np.uint64) * _K[1] + vn.row_ids(srcs[2]).astype(np.uint64)
            if q.ndim >= 3 and k.ndim == q.ndim and k.shape[-3] != q.shape[-3] and q.shape[-3] % k.shape[-3] == 0:
                # grouped-query attention (enable_gqa): query head h reads key/value head h // group
                pairs = np.repeat(pairs, q.shape[-3] // k.shape[-3], axis=-2)
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
    if not is_array(result) or result.ndim == 0 or result.size == 0:
        return None
    tag = hash((op.value, name))
    if op is Op.MATMUL:
        if name == ATTENTION:
            return _attention_rows(vn, tag, srcs, result)
        return _matmul_rows(vn, tag, srcs, result) if name in MATMUL_ROWS else None
    if op in REDUCTIONS or (op is Op.OTHER and name in REDUCTION_KERNELS):
        return _reduction_rows(vn, tag, srcs, result)
    if op in ELEMENTWISE or (op is Op.OTHER and name in ROW_KERNELS):
        if result.ndim == 1 and not any(is_array(vn.trace.value(s)) and vn.trace.value(s).ndim > 1 for s in srcs):
            return None                             # one row: the op's own key decides
        return _elementwise_rows(vn, op, tag, srcs, result)
    return None


_CODES = np.arange(len(OPS))
_PURE_CODE = np.isin(_CODES, [CODE[op] for op in _PURE])
_COMMUTATIVE_CODE = np.isin(_CODES, [CODE[op] for op in COMMUTATIVE])
_NO_IDENTITY = 2            # a _LEFT/_RIGHT entry: the op has no identity constant on that side
_LEFT = np.array([_NO_IDENTITY if _IDENTITY.get(op, (None,))[0] is None else _IDENTITY[op][0] for op in OPS],
                 dtype=np.int8)
_RIGHT = np.array([_IDENTITY[op][1] if op in _IDENTITY else _NO_IDENTITY for op in OPS], dtype=np.int8)
_PURE_BYTES, _COMMUTATIVE_BYTES = _PURE_CODE.tobytes(), _COMMUTATIVE_CODE.tobytes()


def _picked(values: list[Any], picked: np.ndarray, as_complex: bool) -> np.ndarray:
    """The ``values`` where ``picked`` (bool) is true, as float64 or complex128."""
    dtype = complex if as_complex else float
    if COMPILED:
        return np.frombuffer(COMPILED.floats(values, picked.view(np.uint8), as_complex), dtype)
    return np.fromiter(compress(values, picked.tobytes()), dtype, int(np.count_nonzero(picked)))


def _scalar_repeats(vn: ValueNumbers, trace: Trace, c: Columns) -> tuple[np.ndarray, list[int]]:
    """Value numbering of the scalar ops of one or two operands, in numpy: (ids of the ops whose
    (op, operand numbers) an earlier op already had, ids of scalar pure ops with more operands,
    left to the record-by-record sweep).

    Each op's key (op, number, number) is packed into one 64-bit integer, so equal keys are equal
    integers (nothing to confirm); a commutative op's numbers are sorted first. An earlier equal
    key is found by hashing (``first_occurrence``).
    """
    if KERNELS is not None:
        return _scalar_repeats_in_c(vn, trace, c)
    codes = c.codes
    candidate = c.scalar & _PURE_CODE[codes]
    candidate &= c.src0 != NONE
    wide = np.flatnonzero(candidate & (c.src0 == WIDE)).tolist()
    candidate &= c.src0 >= 0
    ids = np.flatnonzero(candidate)
    del candidate
    if not len(ids):
        return ids, wide
    code, first, last = codes[ids], c.src0[ids], c.src1[ids]        # (record ids: int32)
    two = last >= 0
    np.copyto(last, first, where=~two)          # one operand: it is the last too
    # x + 0, x * 1, 0 + x ... with a CONSTANT 0 or 1 (not a bool, not a computed zero) cost work
    # but are never redundant
    right, left = _RIGHT[code], _LEFT[code]
    identity_value = _identity_values(trace, codes)
    identity = right == identity_value[last]    # (_NO_IDENTITY is neither 0 nor 1, nor -1)
    identity |= left == identity_value[first]
    del identity_value, right, left
    if identity.any():
        keep = ~identity
        ids, code, two, first, last = ids[keep], code[keep], two[keep], first[keep], last[keep]
    del identity
    numbers = vn.scalar_numbers
    a, b = numbers[first], numbers[last]
    if (a < 0).any() or (b < 0).any():         # (b is a where there is one operand)
        numbers = numbers.copy()
        operands = np.stack([first, np.where(two, last, -1)], axis=1).ravel()
        operands = operands[operands >= 0]
        unnumbered = operands[numbers[operands] < 0].astype(np.int64)
        heads = first_occurrence(unnumbered) == np.arange(len(unnumbered))
        for s in unnumbered[heads].tolist():     # ints, bools...: in first-use order
            numbers[s] = vn.of(s)
        a, b = numbers[first], numbers[last]
    del first, last
    swap = two & _COMMUTATIVE_CODE[code] & (b < a)
    low = np.where(swap, b, a)
    np.copyto(b, a, where=swap)
    a = low
    b += 1
    b *= two                                    # b + 1: 0 where there is one operand
    del swap, two, low
    # only an op whose first number is some other op's first too, and whose second is some other
    # op's second, can repeat one: the rest (most, where values are used once) need no hashing
    maybe = _used_again(a)
    maybe &= _used_again(b)                     # (0, one operand: another such op can repeat it)
    maybe = np.flatnonzero(maybe)
    code, a, b = code[maybe], a[maybe], b[maybe]
    if vn._next >= 1 << 28:     # more values than the packed key has bits for: three columns
        firsts = first_occurrence(code.astype(np.int64), a, b)
    else:
        key = a.view(np.uint64)
        key <<= np.uint64(29)
        key |= b.view(np.uint64)
        key |= code.astype(np.uint64) << np.uint64(57)
        firsts = first_occurrence(key)
    return ids[maybe[firsts != np.arange(len(maybe))]], wide


def _identity_values(trace: Trace, codes: np.ndarray) -> np.ndarray:
    """int8 of each record: 0 or 1 for a CONSTANT 0 or 1 (not a bool), else -1; checked in Python,
    as _is_identity does."""
    identity_value = np.full(len(codes), -1, dtype=np.int8)
    values = trace.values
    for k in np.flatnonzero(codes == CODE[_CONST]).tolist():
        value = values[k]
        if type(value) is not bool:
            try:
                identity_value[k] = 0 if value == 0 else 1 if value == 1 else -1
            except (TypeError, ValueError):     # an array constant (no scalar op reads it as x + 0)
                pass
    return identity_value


def _scalar_repeats_in_c(vn: ValueNumbers, trace: Trace, c: Columns) -> tuple[np.ndarray, list[int]]:
    """``_scalar_repeats`` in one pass in C (``analyzer.kernels``): it names the operands that have
    no number yet, which are numbered here (``vn.of``, in the order the ops read them), then keys
    every op."""
    def ask(numbers: np.ndarray) -> tuple:
        return KERNELS.scalar_repeats(c.codes, c.src0, c.src1, c.scalar, numbers, _PURE_BYTES, _COMMUTATIVE_BYTES,
                                      _LEFT, _RIGHT, identity_value, WIDE)
    identity_value = _identity_values(trace, c.codes)
    repeats, unnumbered, wide = ask(vn.scalar_numbers)
    if repeats is None:
        numbers = vn.scalar_numbers.copy()
        for s in np.frombuffer(unnumbered, dtype=np.int64).tolist():     # ints, bools...
            numbers[s] = vn.of(s)
        repeats, _, wide = ask(numbers)
    return np.frombuffer(repeats, dtype=np.int64), np.frombuffer(wide, dtype=np.int64).tolist()


def _used_again(numbers: np.ndarray) -> np.ndarray:
    """True where a number (>= 0) occurs more than once in ``numbers``."""
    return (np.bincount(numbers) > 1)[numbers]


def redundant_ops(trace: Trace) -> Redundancy:
    """Value-number every pure op; the ones that repeat an earlier (op, input values) are redundant."""
    records, sources = trace.records, trace.sources
    c = columns(trace)
    vn = ValueNumbers(trace)
    of = vn.of
    scalar_repeats, wide = _scalar_repeats(vn, trace, c)
    seen: set[tuple] = set()
    seen_rows: set[int] = set()
    fraction: dict[int, float] = {}
    whole = 0
    for i in wide:              # scalar ops of three or more operands (rare)
        op, srcs = OPS[c.codes[i]], sources(i)
        if op in _IDENTITY and _is_identity(records, op, srcs):
            continue
        key = (op, *[of(s) for s in srcs])
        if key in seen:
            fraction[i] = 1.0
            whole += 1
        seen.add(key)
    pure, identity, commutative = _PURE, _IDENTITY, COMMUTATIVE
    for i, extra in sorted(trace.extras.items()):       # array ops
        op, srcs = OPS[c.codes[i]], sources(i)
        if op not in pure or not srcs:
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
        rows = _row_keys(vn, op, records[i])
        if rows is not None:
            keys = rows.ravel().tolist()
            repeated = sum(map(seen_rows.__contains__, keys))
            seen_rows.update(keys)
            if repeated:
                fraction[i] = repeated / len(keys)
    whole += len(scalar_repeats)
    ids = scalar_repeats.astype(np.int64)       # (ascending)
    shares = np.ones(len(ids))
    if fraction:                # in record order, as one sweep would list them (no id is in both)
        ids = np.concatenate([ids, np.fromiter(fraction, np.int64, len(fraction))])
        shares = np.concatenate([shares, np.fromiter(fraction.values(), np.float64, len(fraction))])
        order = np.argsort(ids, kind="stable")
        ids, shares = ids[order], shares[order]
    return Redundancy(Shares(ids, shares), whole)


def _evidence(result: Redundancy, trace: Trace) -> dict[str, float]:
    return {"redundant_ops": result.ops, "redundant_flops": round(result.work(trace), 3)}


PASS = Pass("redundancy", "values computed again from equal inputs", Mechanism.CACHING,
            redundant_ops, lambda result: result.fraction, _evidence)
