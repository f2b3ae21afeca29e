"""What one numpy call costs, from the shapes of its operands and result.

Elementwise ops cost one flop of their kind per output element; ``(m,k) @ (k,n)`` costs
``m*k*n`` mults and ``m*(k-1)*n`` adds; a sum over n elements into s costs ``n - s`` adds;
views, copies and concatenations cost no flops. ``bytes`` are the bytes newly
materialized (a view or a write into ``out=`` materializes nothing).

>>> import numpy as np
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
    "less": Op.LT, "less_equal": Op.LE, "greater": Op.GT, "greater_equal": Op.GE,
    "equal": Op.EQ, "not_equal": Op.NE,
}
FUNCTION_OPS = {
    "dot": Op.MATMUL, "matmul": Op.MATMUL, "sum": Op.SUM, "mean": Op.MEAN,
    "max": Op.REDUCE, "min": Op.REDUCE, "amax": Op.REDUCE, "amin": Op.REDUCE,
    "argmax": Op.REDUCE, "argmin": Op.REDUCE, "prod": Op.REDUCE, "std": Op.REDUCE,
    "var": Op.REDUCE, "norm": Op.REDUCE, "concatenate": Op.CONCAT, "stack": Op.CONCAT,
    "vstack": Op.CONCAT, "hstack": Op.CONCAT, "append": Op.CONCAT, "reshape": Op.RESHAPE,
    "ravel": Op.RESHAPE, "squeeze": Op.RESHAPE, "expand_dims": Op.RESHAPE,
    "transpose": Op.TRANSPOSE, "swapaxes": Op.TRANSPOSE, "copy": Op.COPY, "astype": Op.CAST,
    "zeros_like": Op.ALLOC, "ones_like": Op.ALLOC, "empty_like": Op.ALLOC,
    "full_like": Op.ALLOC, "where": Op.WHERE, "clip": Op.CLIP, "round": Op.ROUND,
    "around": Op.ROUND, "abs": Op.ABS, "maximum": Op.MAX, "exp": Op.EXP,
}


def materialized(result: Any) -> int:
    return result.nbytes if type(result) is np.ndarray and result.base is None else 0


# How an op's flops follow from shapes (looked up per call: no Enum attribute access on
# the hot path, which is slow since Python 3.11).
ADDITIVE, MULTIPLICATIVE, ELEMENTWISE, MATRIX, SUMMING, AVERAGING, REDUCING, MOVING = range(8)
KIND = {op: ELEMENTWISE for op in Op}
KIND.update({Op.ADD: ADDITIVE, Op.SUB: ADDITIVE, Op.MUL: MULTIPLICATIVE, Op.MATMUL: MATRIX,
              Op.SUM: SUMMING, Op.MEAN: AVERAGING, Op.REDUCE: REDUCING})
KIND.update({op: MOVING for op in (Op.CONCAT, Op.RESHAPE, Op.TRANSPOSE, Op.COPY, Op.ALLOC,
                                     Op.CAST, Op.GETITEM, Op.SETITEM)})
new_cost = tuple.__new__


def cost_of(op: Op, name: str, raw: list, result: Any, reduce_: bool = False) -> ArrayCost:
    """Flops from shapes: an elementwise op costs one flop of its kind per output element."""
    if type(result) is np.ndarray:
        size = result.size
        nbytes = result.nbytes if result.base is None else 0
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
    else:
        n = int(np.size(raw[0])) if raw else size
        c = {SUMMING: (0, n - size, 0), AVERAGING: (0, n - size, size)}.get(kind, (0, 0, n))
    return new_cost(ArrayCost, (*c, nbytes, name))
