"""Library routines costed by a formula of their own, and the cost of any numpy function call.

``function_cost(func, args, kwargs, result)`` binds the call's arguments by name and looks the
function up: first in ``LIBRARY`` (einsum along its contraction path, the fft family at
5 n log2 n, convolve/correlate by their overlaps, cumsum/cumprod, polyval by Horner's rule,
sort, dot/inner/vdot/outer/tensordot/kron/cross, prod/var/std/norm, lstsq/pinv/matrix_power),
then in ``array_cost.FUNCTION_OPS`` (reductions, movement, the other linear algebra). A
function in neither is *uncosted*: ``function_cost`` returns None and the tracer lists it in
``Trace.uncosted`` rather than inventing a cost.

>>> import numpy as np
>>> op, cost = function_cost(np.fft.fft, (np.ones(8),), {}, np.ones(8, complex))
>>> op, cost.mults + cost.adds                     # 5 * 8 * log2(8)
(<Op.FFT: 'fft'>, 120)
>>> function_cost(np.median, (np.ones(8),), {}, 1.0) is None
True
"""
from __future__ import annotations

import inspect
import math
import string
from collections import Counter
from typing import Any, Callable

import numpy as np

from analyzer.ops import Op
from analyzer.trace import ArrayCost
from analyzer.tracers.array_cost import FUNCTION_OPS, cost_of, materialized, new_cost

# Each formula takes the call's arguments by name (defaults applied) and its result, and
# returns (mults, adds, other), or None when the call takes a form it does not model.
Counts = tuple[int, int, int]


def _size(x: Any) -> int:
    return int(np.size(x))


def _outputs_bytes(result: Any) -> int:
    if isinstance(result, (tuple, list)):
        return sum(materialized(r) for r in result)
    return materialized(result)


def _axis_length(x: Any, axis: Any) -> tuple[int, int]:
    """(length along ``axis``, number of such lines) of ``x``; axis None means flattened."""
    n = _size(x)
    if axis is None:
        return n, 1 if n else 0
    length = np.shape(x)[axis]
    return length, n // length if length else 0


def _reduction(kind: str) -> Callable[[dict, Any], Counts]:
    """prod: n - s mults; var: mean, n subtractions, n squares, a sum, s divisions; std: + s roots."""
    def count(args: dict, result: Any) -> Counts:
        n, s = _size(args["a"]), _size(result)
        if kind == "prod":
            return n - s, 0, 0
        return n, (n - s) + n + (n - s), 2 * s + (s if kind == "std" else 0)
    return count


def _scan(multiplying: bool) -> Callable[[dict, Any], Counts]:
    """cumsum/cumprod: a line of length L costs L - 1 adds (mults)."""
    def count(args: dict, result: Any) -> Counts:
        length, lines = _axis_length(args["a"], args.get("axis"))
        k = max(length - 1, 0) * lines
        return (k, 0, 0) if multiplying else (0, k, 0)
    return count


def _sort(args: dict, result: Any) -> Counts:
    """A comparison sort of a line of length L: L log2 L comparisons (the information bound)."""
    length, lines = _axis_length(args["a"], args.get("axis", -1))
    return 0, 0, round(lines * length * math.log2(length)) if length > 1 else 0


def _dot(args: dict, result: Any) -> Counts:
    """dot/inner: each output sums K products, K the last axis of a (1 when either is a number)."""
    a, b = args["a"], args["b"]
    k = 1 if np.ndim(a) == 0 or np.ndim(b) == 0 else np.shape(a)[-1]
    s = _size(result)
    return s * k, s * (k - 1), 0


def _tensordot(args: dict, result: Any) -> Counts:
    """Each output sums K products; K is the contracted size: |a| |b| = |out| K^2."""
    s = _size(result)
    k = math.isqrt(_size(args["a"]) * _size(args["b"]) // s) if s else 0
    return s * k, s * (k - 1), 0


def _vdot(args: dict, result: Any) -> Counts:
    n = _size(args["a"])
    return n, n - 1, 0


def _products(args: dict, result: Any) -> Counts:
    """outer, kron: one multiplication per output element."""
    return _size(result), 0, 0


def _cross(args: dict, result: Any) -> Counts:
    """3-vectors: 6 mults and 3 subtractions each; 2-vectors: 2 mults and 1 subtraction."""
    if np.ndim(result) and np.shape(result)[-1] == 3:
        v = _size(result) // 3
        return 6 * v, 3 * v, 0
    v = _size(result)
    return 2 * v, v, 0


def _trace(args: dict, result: Any) -> Counts:
    shape = np.shape(args.get("a", args.get("x")))
    axes = (args.get("axis1", -2), args.get("axis2", -1)) if "axis1" in args else (-2, -1)
    k = min(shape[axes[0]], shape[axes[1]])
    return 0, _size(result) * max(k - 1, 0), 0


def _diff(args: dict, result: Any) -> Counts:
    return 0, _size(result), 0


def _polyval(args: dict, result: Any) -> Counts:
    """Horner's rule: degree d costs d mults and d adds per point (numpy's loop does one more
    of each, starting from zero; the textbook count is the algorithm's)."""
    p = args["p"]
    if np.ndim(p) != 1:
        return None  # type: ignore[return-value]
    d = max(_size(p) - 1, 0)
    points = _size(result)
    return d * points, d * points, 0


def _convolve(args: dict, result: Any) -> Counts:
    """Each output sums the products where the two sequences overlap (numpy computes only
    those): 'full' costs n*m mults; 'valid' and 'same' keep a window of the full output."""
    n, m = _size(args.get("a", args.get("a1"))), _size(args.get("v", args.get("a2")))
    if n == 0 or m == 0:
        return 0, 0, 0
    mode = args.get("mode", "full")
    full = n + m - 1
    k = np.arange(full)
    overlap = np.minimum(np.minimum(k + 1, full - k), min(n, m))
    if mode in ("valid", 0):
        window = overlap[min(n, m) - 1: max(n, m)]
    elif mode in ("same", 1):
        start = (min(n, m) - 1) // 2
        window = overlap[start: start + max(n, m)]
    else:
        window = overlap
    products = int(window.sum())
    return products, products - len(window), 0


def _elementwise(per_element: int, reduce_: bool = False) -> Callable[[dict, Any], Counts]:
    """isclose: |a - b| <= atol + rtol |b| is 6 flops an element; allclose also reduces."""
    def count(args: dict, result: Any) -> Counts:
        n = max(_size(args.get("a")), _size(args.get("b", args.get("a"))))
        return 0, 0, per_element * n + (max(n - 1, 0) if reduce_ else 0)
    return count


def _nonzero(args: dict, result: Any) -> Counts:
    """One comparison with zero per element."""
    return 0, 0, _size(args.get("a"))


# fft family: a radix-2 complex transform of length n has log2 n stages of n/2 butterflies,
# each one complex multiplication (4 real mults + 2 adds) and two complex additions (4 adds):
# 5 n log2 n real flops, 2/5 of them mults (Cooley & Tukey 1965; the "5 N log2 N" of FFTW's
# benchmarks, Frigo & Johnson, Proc. IEEE 93(2), 2005). A transform of real data costs half.
# An n-dimensional transform of N points costs 5 N log2 N (the sum over its axes).
_FFT_ONE_AXIS = {"fft", "ifft", "rfft", "irfft", "hfft", "ihfft"}
_FFT_FROM_REAL = {"rfft", "rfft2", "rfftn", "ihfft"}
_FFT_REAL = _FFT_FROM_REAL | {"irfft", "irfft2", "irfftn", "hfft"}


def _fft(name: str) -> Callable[[dict, Any], Counts]:
    def count(args: dict, result: Any) -> Counts:
        shape = np.shape(result)
        nd = len(shape)
        if name in _FFT_ONE_AXIS:
            axes, given = [args.get("axis", -1)], [args.get("n")]
        else:
            s, axes = args.get("s"), args.get("axes")
            if axes is None:
                axes = [-2, -1] if name.endswith("2") else list(range(nd - len(s) if s else 0, nd))
            given = list(s) if s is not None else [None] * len(axes)
        axes = [a % nd for a in axes]
        lengths = [shape[a] for a in axes]
        if name in _FFT_FROM_REAL:      # the last axis transforms real data of the input's length
            lengths[-1] = given[-1] or np.shape(args["a"])[axes[-1]]
        points = math.prod(lengths)
        batch = _size(result) // max(math.prod(shape[a] for a in axes), 1)
        flops = 5 * batch * points * math.log2(points) if points > 1 else 0.0
        if name in _FFT_REAL:
            flops /= 2
        mults = round(flops * 2 / 5)
        return mults, round(flops) - mults, 0
    return count


def _linalg(name: str) -> Callable[[dict, Any], Counts]:
    def count(args: dict, result: Any) -> Counts:
        flops = linalg_extra_flops(name, args, result)
        return flops // 2, flops - flops // 2, 0     # about as many mults as adds (LAWN 41)
    return count


def linalg_extra_flops(name: str, args: dict, result: Any) -> int:
    """lstsq: Golub & Van Loan, *Matrix Computations* (4th ed.), §5.5's table: the SVD route
    (numpy's gelsd) 4Mk^2 + 8k^3, plus 4Mkr to apply it to r right-hand sides. pinv: a thin
    SVD (14Mk^2 + 8k^3, GVL Fig. 8.6.1) and the product V S^+ U^T (2mnk). matrix_rank: the
    singular values (4Mk^2 - 4k^3/3). matrix_power(a, p): binary powering, floor(log2 p) +
    popcount(p) - 1 products of 2n^3 (plus an inverse, 2n^3, for p < 0)."""
    shape = np.shape(args.get("a", args.get("A", args.get("x"))))
    if len(shape) < 2:
        return 0
    m, n = shape[-2], shape[-1]
    batch = math.prod(shape[:-2])
    big, k = max(m, n), min(m, n)
    if name == "lstsq":
        b = np.shape(args["b"])
        r = b[-1] if len(b) == 2 else 1
        f = 4 * big * k * k + 8 * k ** 3 + 4 * big * k * r
    elif name == "pinv":
        f = 14 * big * k * k + 8 * k ** 3 + 2 * m * n * k
    elif name == "matrix_rank":
        f = 4 * big * k * k - 4 * k ** 3 / 3
    else:   # matrix_power
        p = int(args["n"])
        f = (max(abs(p).bit_length() - 1 + bin(abs(p)).count("1") - 1, 0) * 2 * n ** 3
             + (2 * n ** 3 if p < 0 else 0))
    return batch * int(f)


def _norm(args: dict, result: Any) -> Counts:
    """Vector 2-norm (and Frobenius): n squares, n - s adds, s roots. 1-norm: n absolute
    values and n - s adds; inf-norm: n absolute values and n - s comparisons. Matrix 2-norm
    and nuclear norm: the singular values (4Mk^2 - 4k^3/3 each matrix)."""
    x, order, axis = args["x"], args.get("ord"), args.get("axis")
    n, s = _size(x), _size(result)
    matrix = (isinstance(axis, tuple) and len(axis) == 2) or (axis is None and np.ndim(x) == 2)
    if matrix and order in (2, -2, "nuc"):
        rows, cols = np.shape(x)[-2:] if axis is None else (np.shape(x)[axis[0]], np.shape(x)[axis[1]])
        big, k = max(rows, cols), min(rows, cols)
        f = s * int(4 * big * k * k - 4 * k ** 3 / 3)
        return f // 2, f - f // 2, 0
    if order in (None, 2, "fro"):
        return n, n - s, s
    if order in (1, -1):
        return 0, n - s, n
    return 0, 0, n + (n - s)


LIBRARY: dict[str, tuple[Op, Callable[[dict, Any], Counts]]] = {
    "einsum": (Op.CONTRACT, lambda args, result: einsum_counts(args)),
    "tensordot": (Op.CONTRACT, _tensordot), "vdot": (Op.CONTRACT, _vdot),
    "outer": (Op.CONTRACT, _products), "kron": (Op.CONTRACT, _products), "cross": (Op.CONTRACT, _cross),
    "dot": (Op.MATMUL, _dot), "inner": (Op.MATMUL, _dot),
    **{name: (Op.FFT, _fft(name)) for name in ("fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft",
                                                 "irfft", "rfft2", "irfft2", "rfftn", "irfftn", "hfft", "ihfft")},
    "convolve": (Op.CONVOLVE, _convolve), "correlate": (Op.CONVOLVE, _convolve),
    "polymul": (Op.CONVOLVE, _convolve),
    "cumsum": (Op.SCAN, _scan(False)), "cumprod": (Op.SCAN, _scan(True)),
    "polyval": (Op.POLYVAL, _polyval),
    "sort": (Op.SORT, _sort), "argsort": (Op.SORT, _sort),
    "prod": (Op.REDUCE, _reduction("prod")), "var": (Op.REDUCE, _reduction("var")),
    "std": (Op.REDUCE, _reduction("std")), "norm": (Op.REDUCE, _norm),
    "trace": (Op.SUM, _trace), "diff": (Op.SUB, _diff),
    "isclose": (Op.OTHER, _elementwise(6)), "allclose": (Op.OTHER, _elementwise(6, reduce_=True)),
    "array_equal": (Op.EQ, _elementwise(2)), "nonzero": (Op.OTHER, _nonzero),
    "argwhere": (Op.OTHER, _nonzero), "flatnonzero": (Op.OTHER, _nonzero),
    **{name: (Op.LINALG, _linalg(name)) for name in ("lstsq", "pinv", "matrix_rank", "matrix_power")},
}


def einsum_counts(args: dict) -> Counts:
    """(mults, adds, 0) of ``np.einsum`` along the contraction path it takes.

    Without ``optimize`` (numpy's default) einsum runs one loop nest over every index:
    N = the product of all index sizes, N (k - 1) mults for k operands and N - |out| adds.
    With ``optimize`` it contracts pairwise along ``np.einsum_path``'s path, and each step
    costs the same formula over its own indices.

    >>> a = np.ones((2, 3)); b = np.ones((3, 4)); c = np.ones((4, 5))
    >>> einsum_counts({"operands": ("ij,jk->ik", a, b)})
    (24, 16, 0)
    >>> einsum_counts({"operands": ("ij,jk,kl->il", a, b, c)})       # one nest: 2*3*4*5 = 120
    (240, 110, 0)
    >>> einsum_counts({"operands": ("ij,jk,kl->il", a, b, c), "optimize": True})  # jk,kl then ij,jl
    (90, 65, 0)
    """
    operands = args["operands"]
    if not operands or not isinstance(operands[0], str):
        return None  # type: ignore[return-value]    # the interleaved form: not modelled
    subscripts, arrays = operands[0], operands[1:]
    terms, output, sizes = einsum_terms(subscripts, [np.shape(a) for a in arrays])
    optimize = args.get("optimize", False)
    if optimize is False or len(arrays) < 3:
        path = [tuple(range(len(terms)))]
    else:
        path = [tuple(step) for step in np.einsum_path(subscripts, *arrays, optimize=optimize)[0][1:]]
    mults = adds = 0
    for step in path:
        picked = [terms.pop(p) for p in sorted(step, reverse=True)]
        rest = "".join(terms) + output
        letters = dict.fromkeys("".join(picked))
        kept = "".join(x for x in letters if x in rest)
        every = math.prod(sizes[x] for x in letters)
        mults += every * (len(picked) - 1)
        adds += every - math.prod(sizes[x] for x in kept)
        terms.append(kept)
    return mults, adds, 0


def einsum_terms(subscripts: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str, dict[str, int]]:
    """(input terms, output term, size of each index) with '...' spelled out as letters.

    >>> einsum_terms("...i,i", [(2, 3), (3,)])
    (['ai', 'i'], 'a', {'a': 2, 'i': 3})
    """
    text = subscripts.replace(" ", "")
    lhs, arrow, rhs = text.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError("einsum: as many terms as operands")
    spare = [c for c in string.ascii_letters if c not in text]
    ellipsis_dims = max((len(shape) - (len(t) - 3) for t, shape in zip(terms, shapes) if "..." in t), default=0)
    ellipsis = "".join(spare[:ellipsis_dims])
    sizes: dict[str, int] = {}
    spelled = []
    for term, shape in zip(terms, shapes):
        if "..." in term:
            own = len(shape) - (len(term) - 3)
            term = term.replace("...", ellipsis[ellipsis_dims - own:])
        for letter, dim in zip(term, shape):
            sizes[letter] = max(sizes.get(letter, 1), dim)
        spelled.append(term)
    if arrow:
        output = rhs.replace("...", ellipsis)
    else:       # implicit: the ellipsis, then the indices seen once, in alphabetical order
        seen = Counter("".join(spelled))
        output = ellipsis + "".join(sorted(x for x, c in seen.items() if c == 1 and x not in ellipsis))
    return spelled, output, sizes


_SIGNATURES: dict[Any, inspect.Signature | None] = {}


def _arguments(func: Any, args: tuple, kwargs: dict) -> dict[str, Any] | None:
    """The call's arguments by parameter name, defaults applied (None if it cannot bind)."""
    sig = _SIGNATURES.get(func, False)
    if sig is False:
        try:
            sig = inspect.signature(func)
        except (TypeError, ValueError):
            sig = None
        _SIGNATURES[func] = sig
    if sig is None:
        return None
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError:
        return None
    bound.apply_defaults()
    return {k: v for k, v in bound.arguments.items() if v is not np._NoValue}


def function_cost(func: Any, args: tuple, kwargs: dict, result: Any) -> tuple[Op, ArrayCost] | None:
    """(op, cost) of one numpy function call on raw operands, or None when it is uncosted."""
    name = func.__name__
    formula = LIBRARY.get(name)
    if formula is not None:
        arguments = _arguments(func, args, kwargs)
        counts = formula[1](arguments, result) if arguments is not None else None
        if counts is None:
            return None
        return formula[0], new_cost(ArrayCost, (*(int(c) for c in counts), _outputs_bytes(result), name))
    op = FUNCTION_OPS.get(name)
    if op is None:
        return None
    operands = list(args) or list(kwargs.values())     # np.linalg.svd(a=x) too
    return op, cost_of(op, name, operands, result)
