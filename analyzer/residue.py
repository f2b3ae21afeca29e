"""What the saving no mechanism explains is made of, where it can be measured.

`unexplained` is a remainder; this module says what is in it instead of calling all of it
"an algebraic restructuring":

- **novel work**: flops of the optimized version whose results are values the baseline never
  computes (Strassen's seven products, the FFT's partial transforms). A value is compared by
  content, rounded to float32 precision as value numbering does, so last-bit noise does not make a
  value new. An array value the baseline never computes whole counts by the share of its rows
  (last axis) no baseline value has: attention over the unpadded tokens computes rows the padded
  baseline computed too. Novel values are the measured signature of an algebraic restructuring;
- **added work**: flops the optimized version does beyond the baseline's (a trade, not a saving).

>>> from analyzer.trace import Trace
>>> from analyzer.tracers.scalar import scalar
>>> b, o = Trace(), Trace()
>>> x, y = scalar(3.0, b.input("x", 3.0), b), scalar(3.0, o.input("x", 3.0), o)
>>> _ = x * x; _ = y * y + 1.0
>>> novel_work(b, o)
1
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from analyzer.array_summary import flat_key, is_array, row_keys
from analyzer.ops import ARITHMETIC
from analyzer.passes.redundancy import _rounded
from analyzer.trace import OPS, Trace


def _fingerprint(value: Any) -> Any:
    """A hashable key equal for values that agree up to float32 rounding (None: not a number)."""
    if is_array(value):
        if value.dtype.kind not in "fciub":
            return None
        return value.shape, flat_key(value)
    if isinstance(value, (bool, np.bool_)):
        return ("b", bool(value))
    if isinstance(value, (int, np.integer)):
        return ("i", int(value))
    if isinstance(value, (float, complex, np.floating, np.complexfloating)):
        a = np.asarray([value])
        return ("f", _rounded(a).tobytes())
    return None


def _values(trace: Trace) -> Iterable[tuple[int, Any]]:
    arithmetic = bytes(op in ARITHMETIC for op in OPS)     # code -> is arithmetic
    for i, (code, value) in enumerate(zip(trace.ops, trace.values)):
        if arithmetic[code] and i not in trace.overwritten:
            yield i, trace.snapshots.get(i, value)


def novel_work(baseline: Trace, optimized: Trace) -> int:
    """Flops of the optimized trace whose result the baseline never computes (inputs and
    constants count as computed: a copy of an input is not new); an array value's flops by the
    share of its rows the baseline never computes (``BaselineRows``)."""
    known = set()
    for i, value in enumerate(baseline.values):
        if i in baseline.overwritten:
            continue
        key = _fingerprint(baseline.snapshots.get(i, value))
        if key is not None:
            known.add(key)
    rows = BaselineRows(baseline)
    total = 0.0
    for i, value in _values(optimized):
        c = optimized.cost_of(i)
        work = c[0] + c[1] + c[2]
        if work and _fingerprint(value) not in known:
            total += work * rows.new_share(value)
    return round(total)


class BaselineRows:
    """The rows (last axis, ``content_hash.row_hashes``) of the baseline's array values, by row
    width and kind of number, made the first time a width is asked for."""

    def __init__(self, baseline: Trace) -> None:
        self.baseline = baseline
        self.by_width: dict[tuple[int, str], np.ndarray] = {}

    def new_share(self, value: Any) -> float:
        """The share of ``value``'s rows that no baseline value has (1 for a value without rows
        of its own: a number, a vector)."""
        if not is_array(value) or value.ndim < 2 or value.size == 0 or value.dtype.kind not in "fciub":
            return 1.0
        keys = np.asarray(row_keys(value)).ravel()
        return float(np.count_nonzero(~np.isin(keys, self._rows(value.shape[-1], value.dtype.kind)))) / len(keys)

    def _rows(self, width: int, kind: str) -> np.ndarray:
        found = self.by_width.get((width, kind))
        if found is None:
            t = self.baseline
            parts = [np.asarray(row_keys(v)).ravel() for i, value in enumerate(t.values)
                     if i not in t.overwritten and is_array(v := t.snapshots.get(i, value))
                     and v.ndim >= 1 and v.shape[-1] == width and v.dtype.kind == kind and v.size]
            found = self.by_width[width, kind] = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        return found
