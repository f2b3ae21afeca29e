"""Equivalence: do the two versions compute the same function on these inputs?

Each *output* (the value returned, or each item of a returned tuple, list or dict; a list of
numbers is one output) is compared on its own, in float64 whatever its dtype, normwise:
``max |b - o| / max |b|``, so an element that is zero up to rounding (common in an FFT) does
not inflate the error, and a large output does not hide a small one's change. NaN in the
same places is equal (and so is an infinity of the same sign); integer and boolean outputs
(token ids, counts, masks) must be equal exactly; text and other values with their own
equality compare with ``==``. ``max_rel_error`` is the largest error over the outputs.

The tolerance follows the dtype of the *baseline's* output: the baseline defines the
function, so an optimized version that computes in a lower precision (mixed precision) is
a different function. With u the unit roundoff of the dtype:

- float64 (u = 1.1e-16): ``1e-8``. Reassociation changes a sum of n terms by at most n u
  (worst case; about sqrt(n) u typically), so 1e-8 leaves room for n up to 1e7 and for the
  growth of FFT and Strassen-like algorithms, while staying six times below float32's unit
  roundoff (6.0e-8): a value that passed through float32 reads as changed.
- float32 (u = 6.0e-8): ``1e-5``, about 170 u: the typical sqrt(n) u of a reduction up to
  n = 28,000 terms (a 4,096-long dot product gives 64 u = 3.8e-6), and fifty times below
  float16's unit roundoff, so a float16 round trip reads as changed.
- float16 (u = 4.9e-4) and bfloat16 (u = 3.9e-3): ``4 u`` (``2**-9`` = 2.0e-3 and
  ``2**-6`` = 1.6e-2): libraries accumulate these in float32, so what differs between two
  versions is the final rounding of each element: one ulp, at most 2 u of the largest
  magnitude, and 4 u leaves room for one more.
- complex64 and complex128 follow float32 and float64.

>>> compare([1.0, 2.0], [1.0, 2.0 + 1e-14]).equal, compare([1.0], [1.1]).equal
(True, False)
>>> import numpy as np
>>> compare(np.array([100], np.int8), np.array([-28], np.int8)).equal    # off by 128
False
>>> print(compare(np.float32([1, 2]), np.float32([1, 2.00001])).reason)
float32 outputs: tolerance 1e-05 of each output's largest magnitude

``comparable(value)`` says why an output cannot be compared at all (a generator, an object
without equality), so the analysis can refuse it rather than call the function changed.
"""
from __future__ import annotations

import math
import types
from dataclasses import dataclass
from typing import Any

TOLERANCE = 1e-8
TOLERANCES = {"float64": 1e-8, "complex128": 1e-8, "longdouble": 1e-8, "float32": 1e-5, "complex64": 1e-5,
              "float16": 2.0 ** -9, "bfloat16": 2.0 ** -6}


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


# ---- outputs as (dtype name, float64 or exact array) ------------------------------------

def _is_number(x: Any) -> bool:
    if isinstance(x, (int, float, complex)):
        return True
    return (type(x).__module__ == "numpy" and getattr(x, "ndim", 1) == 0      # numpy scalars, not arrays
            and getattr(getattr(x, "dtype", None), "kind", "") in "biufc")


def _numeric_sequence(x: Any) -> bool:
    """A (nested) list or tuple of numbers only: one output, not one per number."""
    if not isinstance(x, (list, tuple)) or not x or hasattr(x, "_fields"):
        return False
    return all(_is_number(v) or _numeric_sequence(v) for v in x)


def _tensor(x: Any) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "detach") and hasattr(x, "dtype")


def _as_array(x: Any) -> tuple[str, Any]:
    """(dtype name, numpy array) of a numeric output; bfloat16 tensors become float32."""
    import numpy as np
    if _tensor(x):
        dtype = str(x.dtype).removeprefix("torch.")
        t = x.detach().cpu()
        if dtype == "bfloat16":
            t = t.float()
        return dtype, t.resolve_conj().resolve_neg().numpy() if t.is_complex() else t.numpy()
    if isinstance(x, bool):
        return "bool", np.asarray(x)
    if isinstance(x, int) and not -2 ** 63 <= x < 2 ** 63:
        return "int", np.asarray(x, dtype=object)
    a = np.asarray(x)
    return a.dtype.name, a


def _leaves(obj: Any, out: list) -> None:
    """The outputs: nested tuples, lists and dicts opened down to numbers, arrays and values."""
    if isinstance(obj, dict):
        for k in sorted(obj, key=repr):
            _leaves(obj[k], out)
    elif isinstance(obj, (list, tuple)) and not _numeric_sequence(obj):
        for v in obj:
            _leaves(v, out)
    else:
        out.append(obj)


def comparable(obj: Any) -> str | None:
    """Why ``obj`` cannot be compared as an output, or None when it can.

    >>> comparable((x for x in [1])), comparable([1.0, {"a": 2}])
    ('a generator: return a list (list(...)) or an array', None)
    """
    leaves: list = []
    try:
        _leaves(obj, leaves)
    except RecursionError:
        return "a structure nested too deeply to compare"
    for leaf in leaves:
        if isinstance(leaf, types.GeneratorType) or hasattr(type(leaf), "__next__"):
            kind = "a generator" if isinstance(leaf, types.GeneratorType) else f"an iterator ({type(leaf).__name__})"
            return f"{kind}: return a list (list(...)) or an array"
        if _is_number(leaf) or _tensor(leaf) or hasattr(leaf, "__array__") or leaf is None:
            continue
        if isinstance(leaf, (str, bytes, set, frozenset)):
            continue
        if type(leaf).__eq__ is object.__eq__:
            return (f"an object of type {type(leaf).__name__} that defines no equality: return numbers, "
                    "arrays, or tuples/lists/dicts of them")
    return None


# ---- comparing one output ----------------------------------------------------------------

def _array_error(b: Any, o: Any) -> tuple[float, float] | str:
    """(error, tolerance) of two numeric outputs of one shape, or why they differ outright."""
    import numpy as np
    b_dtype, b = _as_array(b)
    o_dtype, o = _as_array(o)
    if b.shape != o.shape:
        return f"shapes {b.shape} and {o.shape}"
    if b.size == 0:
        return 0.0, TOLERANCES.get(b_dtype, 0.0)
    exact = False
    if b.dtype.kind not in "fc" and o.dtype.kind not in "fc":      # integers, bools, text, objects
        if b.shape == o.shape and np.array_equal(b, o):
            return 0.0, 0.0
        if not (_integral(b) and _integral(o)):
            floats = _as_floats(b), _as_floats(o)
            if floats[0] is None or floats[1] is None:
                return math.inf, 0.0
            b, o = floats     # object arrays of floats (or Fractions) compare with float64's tolerance
            b_dtype = "float64"
        else:
            exact = True
    tolerance = 0.0 if exact else TOLERANCES.get(b_dtype, TOLERANCES.get(o_dtype, TOLERANCE))
    kind = complex if "c" in (b.dtype.kind, o.dtype.kind) else float
    if exact:   # off by how much, in float64 (int8's 100 and -28 differ by 128, not by -128)
        b64, o64 = (np.array(x.tolist(), dtype=np.float64) for x in (b, o))
    else:
        b64 = b.astype(np.complex128 if kind is complex else np.float64)
        o64 = o.astype(b64.dtype)
    b_nan, o_nan = np.isnan(b64), np.isnan(o64)
    if not np.array_equal(b_nan, o_nan):
        return "NaN in different places"
    b_inf, o_inf = np.isinf(b64), np.isinf(o64)
    if not np.array_equal(b_inf, o_inf) or not np.array_equal(b64[b_inf], o64[o_inf]):
        return "infinities in different places"
    finite = ~(b_nan | b_inf)
    if not finite.any():
        return 0.0, tolerance
    diff = float(np.max(np.abs(b64[finite] - o64[finite])))
    scale = float(np.max(np.abs(b64[finite])))
    error = diff / scale if scale > 0 else (0.0 if diff == 0 else math.inf)
    if exact and error == 0:
        error = math.inf        # integers that differ beyond float64's 53 bits
    return error, tolerance


def _integral(a: Any) -> bool:
    """Integers or bools, as a dtype or as every element of an object array."""
    if a.dtype.kind in "biu":
        return True
    return a.dtype.kind == "O" and all(isinstance(v, int) for v in a.flat)


def _as_floats(a: Any) -> Any:
    """An object array's numbers as float64 (complex128 if any is complex), or None."""
    import numpy as np
    try:
        c = a.astype(np.complex128)
    except (TypeError, ValueError, OverflowError):
        return None
    return c.real.copy() if not np.any(c.imag) else c


def _leaf_error(b: Any, o: Any) -> tuple[float, float, str] | str:
    """(error, tolerance, dtype) of two outputs, or why they cannot be equal."""
    numeric_b = _is_number(b) or _tensor(b) or hasattr(b, "__array__") or _numeric_sequence(b)
    numeric_o = _is_number(o) or _tensor(o) or hasattr(o, "__array__") or _numeric_sequence(o)
    if numeric_b and numeric_o:
        if isinstance(b, int) and isinstance(o, int) and not isinstance(b, bool):     # exact, any size
            return (0.0, 0.0, "int") if b == o else "integer outputs differ"
        found = _array_error(b, o)
        return found if isinstance(found, str) else (*found, _as_array(b)[0])
    if numeric_b != numeric_o:
        return f"a {type(b).__name__} and a {type(o).__name__}"
    try:
        same = bool(b == o)
    except Exception:  # noqa: BLE001 — a user type's __eq__ may raise anything
        return f"values of type {type(b).__name__} that cannot be compared"
    return (0.0, 0.0, type(b).__name__) if same else f"values differ: {_short(b)} != {_short(o)}"


def _short(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def compare(baseline: Any, optimized: Any, tolerance: float | None = None) -> Equivalence:
    """Compare two versions' outputs; ``tolerance`` overrides the dtype's (for tests)."""
    b_leaves: list = []
    o_leaves: list = []
    _leaves(baseline, b_leaves)
    _leaves(optimized, o_leaves)
    if len(b_leaves) != len(o_leaves):
        return Equivalence(False, None, f"outputs have {len(b_leaves)} and {len(o_leaves)} parts")
    worst, equal = 0.0, True
    used: dict[str, float] = {}
    for b, o in zip(b_leaves, o_leaves):
        found = _leaf_error(b, o)
        if isinstance(found, str):
            return Equivalence(False, None if found.startswith("shapes") else math.inf, found)
        error, tol, dtype = found
        tol = tol if tolerance is None or tol == 0.0 else tolerance
        used[dtype] = min(tol, used.get(dtype, tol))
        worst = max(worst, error)
        equal = equal and error <= tol
    return Equivalence(equal, worst, _describe(used, equal))


def _describe(used: dict[str, float], equal: bool) -> str:
    """Which tolerances applied; said unless float64's default (or exact equality) held alone."""
    tolerances = set(used.values())
    if tolerances <= {TOLERANCE} or (equal and tolerances <= {0.0, TOLERANCE}):
        return ""
    parts = [f"{dtype} outputs: " + (f"tolerance {tol:.3g} of each output's largest magnitude" if tol
                                     else "compared exactly")
             for dtype, tol in sorted(used.items())]
    return "; ".join(parts)
