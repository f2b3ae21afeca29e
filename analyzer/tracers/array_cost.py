"""What one numpy call costs, from the shapes of its operands and result.

Elementwise ops cost one flop of their kind per output element; ``(m,k) @ (k,n)`` costs
``m*k*n`` mults and ``m*(k-1)*n`` adds; a reduction of n elements into s outputs costs
``n - s`` (adds for a sum, comparisons for a max); views, copies and concatenations cost no
flops; dense linear algebra (svd, qr, eigh, ...) costs the textbook estimate in
``linalg_flops``; library routines with a formula of their own (einsum along its contraction
path, the fft family, convolve, cumsum, polyval, sort, tensordot, ...) are in ``library_cost``.
A call with several outputs (``divmod``, ``svd``) is one op: its flops count every output,
its bytes are those of every output newly materialized. ``bytes`` are the bytes newly
materialized (a view or a write into ``out=`` materializes nothing).

>>> cost_of(Op.MATMUL, "matmul", [np.ones((2, 3))], np.ones((2, 4)))[:4]
(24, 16, 0, 64)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from analyzer.ops import Op
from analyzer.trace import ArrayCost

UFUNC_OPS = {
    "add": Op.ADD, "subtract": Op.SUB, "multiply": Op.MUL, "divide": Op.DIV,
    "true_divide": Op.DIV, "floor_divide": Op.FLOORDIV, "remainder": Op.MOD,
    "power": Op.POW, "negative": Op.NEG, "absolute": Op.ABS, "conjugate": Op.CONJ,
    "maximum": Op.MAX, "minimum": Op.MIN, "exp": Op.EXP, "log": Op.LOG, "sqrt": Op.SQRT,
    "sin": Op.SIN, "cos": Op.COS, "tanh": Op.TANH, "rint": Op.ROUND, "matmul": Op.MATMUL,
    "expm1": Op.EXPM1, "log1p": Op.LOG1P, "log2": Op.LOG2, "log10": Op.LOG10,
    "hypot": Op.HYPOT, "tan": Op.TAN, "arcsin": Op.ASIN, "arccos": Op.ACOS, "arctan": Op.ATAN,
    "arctan2": Op.ATAN2, "sinh": Op.SINH, "cosh": Op.COSH, "fmod": Op.FMOD, "fabs": Op.ABS,
    "floor": Op.FLOOR, "ceil": Op.CEIL, "trunc": Op.TRUNC,
    "bitwise_and": Op.AND, "bitwise_or": Op.OR, "bitwise_xor": Op.XOR, "invert": Op.INVERT,
    "left_shift": Op.LSHIFT, "right_shift": Op.RSHIFT,
    "less": Op.LT, "less_equal": Op.LE, "greater": Op.GT, "greater_equal": Op.GE,
    "equal": Op.EQ, "not_equal": Op.NE,
}
FUNCTION_OPS = {
    "dot": Op.MATMUL, "matmul": Op.MATMUL, "sum": Op.SUM, "mean": Op.MEAN,
    "max": Op.REDUCE, "min": Op.REDUCE, "amax": Op.REDUCE, "amin": Op.REDUCE,
    "argmax": Op.REDUCE, "argmin": Op.REDUCE, "concatenate": Op.CONCAT, "stack": Op.CONCAT,
    "vstack": Op.CONCAT, "hstack": Op.CONCAT, "append": Op.CONCAT, "reshape": Op.RESHAPE,
    "ravel": Op.RESHAPE, "squeeze": Op.RESHAPE, "expand_dims": Op.RESHAPE,
    "transpose": Op.TRANSPOSE, "swapaxes": Op.TRANSPOSE, "copy": Op.COPY, "astype": Op.CAST,
    "zeros_like": Op.ALLOC, "ones_like": Op.ALLOC, "empty_like": Op.ALLOC,
    "full_like": Op.ALLOC, "where": Op.WHERE, "clip": Op.CLIP, "round": Op.ROUND,
    "around": Op.ROUND, "abs": Op.ABS, "maximum": Op.MAX, "exp": Op.EXP,
    # numpy.linalg (functions named as numpy names them)
    "svd": Op.LINALG, "qr": Op.LINALG, "eigh": Op.LINALG, "eigvalsh": Op.LINALG,
    "eig": Op.LINALG, "eigvals": Op.LINALG, "cholesky": Op.LINALG, "inv": Op.LINALG,
    "solve": Op.LINALG, "det": Op.LINALG, "slogdet": Op.LINALG,
    "nansum": Op.SUM, "nanmean": Op.MEAN, "nanmax": Op.REDUCE, "nanmin": Op.REDUCE,
    "nanargmax": Op.REDUCE, "nanargmin": Op.REDUCE, "any": Op.REDUCE, "all": Op.REDUCE,
    "count_nonzero": Op.REDUCE,
    # data movement: no flops (bytes if a copy is made)
    **dict.fromkeys(("flip", "fliplr", "flipud", "rot90", "moveaxis", "rollaxis", "permute_dims",
                     "matrix_transpose"), Op.TRANSPOSE),
    **dict.fromkeys(("roll", "tile", "repeat", "pad", "broadcast_to", "diag", "diagonal", "diagflat",
                     "triu", "tril", "take", "take_along_axis", "compress", "extract", "delete",
                     "insert", "resize", "fftshift", "ifftshift", "real", "imag"), Op.COPY),
    **dict.fromkeys(("split", "array_split", "hsplit", "vsplit", "dsplit", "atleast_1d", "atleast_2d",
                     "atleast_3d", "broadcast_arrays", "meshgrid", "shape", "ndim", "size",
                     "result_type", "may_share_memory", "shares_memory"), Op.RESHAPE),
    **dict.fromkeys(("column_stack", "dstack", "block", "concat", "row_stack"), Op.CONCAT),
}


def materialized(result: Any) -> int:
    return result.nbytes if type(result) is np.ndarray and result.base is None else 0


# How an op's flops follow from shapes (looked up per call: no Enum attribute access on
# the hot path, which is slow since Python 3.11).
ADDITIVE, MULTIPLICATIVE, ELEMENTWISE, MATRIX, SUMMING, AVERAGING, REDUCING, MOVING, LINALG = range(9)
KIND = {op: ELEMENTWISE for op in Op}
KIND.update({Op.ADD: ADDITIVE, Op.SUB: ADDITIVE, Op.MUL: MULTIPLICATIVE, Op.MATMUL: MATRIX,
              Op.SUM: SUMMING, Op.MEAN: AVERAGING, Op.REDUCE: REDUCING, Op.LINALG: LINALG})
KIND.update({op: MOVING for op in (Op.CONCAT, Op.RESHAPE, Op.TRANSPOSE, Op.COPY, Op.ALLOC,
                                     Op.CAST, Op.GETITEM, Op.SETITEM)})
new_cost = tuple.__new__


def cost_of(op: Op, name: str, raw: list, result: Any, reduce_: bool = False) -> ArrayCost:
    """Flops from shapes: an elementwise op costs one flop of its kind per output element."""
    if type(result) is np.ndarray:
        size = result.size
        nbytes = result.nbytes if result.base is None else 0
    elif isinstance(result, (tuple, list)):     # several outputs, of different shapes
        size = sum(int(np.size(r)) for r in result)
        nbytes = sum(materialized(r) for r in result)
    else:
        size, nbytes = int(np.size(result)), 0
    kind = KIND[op]
    if reduce_:
        kind = SUMMING if kind == ADDITIVE else REDUCING
    if kind == ADDITIVE:
        c = (0, size, 0)
    elif kind == MULTIPLICATIVE:
        c = (size, 0, 0)
    elif kind == ELEMENTWISE:
        c = (0, 0, size)
    elif kind == MOVING:
        c = (0, 0, 0)
    elif kind == MATRIX:
        a = raw[0] if type(raw[0]) is np.ndarray else np.asarray(raw[0])
        k = a.shape[-1] if a.ndim else 1
        c = (size * k, size * (k - 1), 0)
    elif kind == LINALG:
        flops = linalg_flops(name, np.shape(raw[0]) if raw else (), result)
        c = (flops // 2, flops - flops // 2, 0)     # LAWN 41 counts about as many mults as adds
    else:
        n = int(np.size(raw[0])) if raw else size
        # n elements reduced into size outputs: n - size adds (a mean then divides each
        # output) or comparisons (max, argmax, any)
        c = {SUMMING: (0, n - size, 0), AVERAGING: (0, n - size, size)}.get(kind, (0, 0, n - size))
    return new_cost(ArrayCost, (*c, nbytes, name))


def linalg_flops(name: str, shape: tuple[int, ...], result: Any) -> int:
    """Flops (mults + adds) of one dense linear-algebra call on real ``shape`` (..., m, n).

    Textbook estimates, leading terms only (complex input costs about 4x; not modelled):
    svd: Golub & Van Loan, *Matrix Computations* (4th ed.), Fig. 8.6.1 (Golub-Reinsch,
    M >= k): values only 4Mk^2 - 4k^3/3; thin U 14Mk^2 + 8k^3; full U 4M^2k + 8Mk^2 + 9k^3.
    qr: LAPACK Working Note 41: geqrf 2Mk^2 - 2k^3/3, plus orgqr 4mqk - 2(m+q)k^2 + 4k^3/3
    to form Q (m x q). eigh: symmetric QR, GVL §8.3: values 4n^3/3, with vectors 9n^3.
    eig: Francis QR, GVL §7.5: values 10n^3, with vectors 25n^3. LU (det, slogdet) 2n^3/3,
    inv 2n^3, solve 2n^3/3 + 2n^2 r, cholesky n^3/3.

    >>> linalg_flops("eigh", (10, 10), ("w", "v")), linalg_flops("eigvalsh", (10, 10), None)
    (9000, 1333)
    """
    if len(shape) < 2:
        return 0
    m, n = shape[-2], shape[-1]
    batch = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    big, k = max(m, n), min(m, n)
    several = isinstance(result, (tuple, list))
    if name == "svd":
        if not several:                             # compute_uv=False
            f = 4 * big * k * k - 4 * k ** 3 / 3
        elif np.shape(result[0])[-2:] == (m, m) and np.shape(result[-1])[-2:] == (n, n):
            f = 4 * big * big * k + 8 * big * k * k + 9 * k ** 3     # full_matrices=True
        else:
            f = 14 * big * k * k + 8 * k ** 3
    elif name == "qr":
        f = 2 * big * k * k - 2 * k ** 3 / 3        # mode='r' and 'raw': R (or reflectors) only
        if several and np.ndim(result[1]) == np.ndim(result[0]):    # (Q, R): Q formed
            q = np.shape(result[0])[-1]
            f += 4 * m * q * k - 2 * (m + q) * k * k + 4 * k ** 3 / 3
    elif name in ("eigh", "eigvalsh"):
        f = 9 * n ** 3 if several else 4 * n ** 3 / 3
    elif name in ("eig", "eigvals"):
        f = 25 * n ** 3 if several else 10 * n ** 3
    elif name in ("det", "slogdet"):
        f = 2 * n ** 3 / 3
    elif name == "inv":
        f = 2 * n ** 3
    elif name == "cholesky":
        f = n ** 3 / 3
    elif name == "solve":
        rhs = np.shape(result)
        r = rhs[-1] if len(rhs) == len(shape) else 1
        f = 2 * n ** 3 / 3 + 2 * n * n * r
    else:
        f = 0
    return batch * int(f)

