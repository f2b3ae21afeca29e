"""Equivalence: do the two versions compute the same function on these inputs?

The error is normwise: ``max |b - o| / max |b|`` over every number in the output, so an
output element that is zero up to rounding (common in an FFT) does not inflate it. Below
``tolerance`` the difference is numerical noise (float64 reassociation, as FFT and
Strassen cause) and the outputs are ``equal``; above it the function ``changed``.

>>> compare([1.0, 2.0], [1.0, 2.0 + 1e-14]).equal, compare([1.0], [1.1]).equal
(True, False)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

TOLERANCE = 1e-8


@dataclass(frozen=True)
class Equivalence:
    equal: bool
    max_rel_error: float | None     # None when the outputs do not even have the same shape
    reason: str = ""

    @property
    def label(self) -> str:
        return "equal" if self.equal else "changed"

    @property
    def finite_error(self) -> float | None:
        """The error as a record holds it: None when unknown or not finite."""
        e = self.max_rel_error
        return None if e is None or math.isinf(e) or math.isnan(e) else e


def _leaves(obj: Any, out: list) -> None:
    """Flatten nested lists/tuples/dicts into numbers and arrays."""
    if isinstance(obj, dict):
        for k in sorted(obj, key=repr):
            _leaves(obj[k], out)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _leaves(v, out)
    else:
        out.append(obj)


def _array_error(b: Any, o: Any) -> tuple[float, float]:
    """(max |b - o|, max |b|) of two numpy arrays of one shape."""
    import numpy as np
    if b.size == 0:
        return 0.0, 0.0
    if b.dtype == object or o.dtype == object:
        b, o = b.astype(complex), o.astype(complex)
    return float(np.max(np.abs(b - o))), float(np.max(np.abs(b)))


def _leaf_error(b: Any, o: Any) -> tuple[float, float] | str:
    """(max |b - o|, max |b|) of two leaves, or why they cannot be compared."""
    if getattr(b, "shape", ()) != getattr(o, "shape", ()):
        return f"shapes {getattr(b, 'shape', ())} and {getattr(o, 'shape', ())}"
    if hasattr(b, "shape") and hasattr(b, "ravel"):
        return _array_error(b, o)
    if isinstance(b, int) and isinstance(o, int):       # exact, even beyond float range
        return (0.0, 0.0) if b == o else "integer outputs differ"
    try:
        return abs(b - o), abs(b)
    except TypeError:
        return (0.0, 0.0) if b == o else f"values differ: {b!r} != {o!r}"


def compare(baseline: Any, optimized: Any, tolerance: float = TOLERANCE) -> Equivalence:
    b_leaves: list = []
    o_leaves: list = []
    _leaves(baseline, b_leaves)
    _leaves(optimized, o_leaves)
    if len(b_leaves) != len(o_leaves):
        return Equivalence(False, None, f"outputs have {len(b_leaves)} and {len(o_leaves)} parts")
    worst_diff, scale = 0.0, 0.0
    for b, o in zip(b_leaves, o_leaves):
        err = _leaf_error(b, o)
        if isinstance(err, str):
            return Equivalence(False, None if "shape" in err else math.inf, err)
        diff, size = err
        if diff != diff:    # NaN
            return Equivalence(False, math.inf, "NaN in the output")
        worst_diff, scale = max(worst_diff, diff), max(scale, size)
    error = worst_diff / scale if scale > 0 else (0.0 if worst_diff == 0 else math.inf)
    return Equivalence(error <= tolerance, error)
