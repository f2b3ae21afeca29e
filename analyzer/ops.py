"""The closed vocabulary of operations a trace may contain, and named property sets.

Every record in a trace carries one ``Op``. Passes never test op names: they test
membership in the sets below, so adding an op means deciding its properties here.

>>> Op.MUL in COMMUTATIVE, Op.SUB in COMMUTATIVE
(True, False)
"""
from __future__ import annotations

from enum import Enum


class Op(Enum):
    # sources: values that enter the computation (no cost)
    INPUT = "input"
    CONST = "const"
    # boundaries: a call of one of the probe's own functions (no value, no cost)
    CALL = "call"
    # scalar and elementwise arithmetic
    ADD = "add"
    SUB = "sub"
    MUL = "mul"
    DIV = "div"
    FLOORDIV = "floordiv"
    MOD = "mod"
    POW = "pow"
    NEG = "neg"
    ABS = "abs"
    CONJ = "conj"
    REAL = "real"
    IMAG = "imag"
    MAX = "max"
    MIN = "min"
    EXP = "exp"
    LOG = "log"
    SQRT = "sqrt"
    SIN = "sin"
    COS = "cos"
    TANH = "tanh"
    ROUND = "round"
    CAST = "cast"
    WHERE = "where"
    CLIP = "clip"
    # comparisons: on scalars they concretize to a bool and decide control flow
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    EQ = "eq"
    NE = "ne"
    # guards: a traced value was concretized (branch, dict key, index, escape); no cost
    BRANCH = "branch"
    KEY = "key"
    INDEX = "index"
    ESCAPE = "escape"
    # array-level operations (one record per numpy call)
    MATMUL = "matmul"
    SUM = "sum"
    MEAN = "mean"
    REDUCE = "reduce"
    CONCAT = "concat"
    GETITEM = "getitem"
    SETITEM = "setitem"
    RESHAPE = "reshape"
    TRANSPOSE = "transpose"
    COPY = "copy"
    ALLOC = "alloc"
    OTHER = "other"

    # Members are singletons: identity hashing is correct, and far faster than Enum's
    # name-based __hash__ on the hot paths (every pass tests set membership per record).
    __hash__ = object.__hash__


# Operations that compute something (they cost flops and can be redundant, dead or static).
ARITHMETIC = frozenset({
    Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.FLOORDIV, Op.MOD, Op.POW, Op.NEG, Op.ABS, Op.CONJ,
    Op.REAL, Op.IMAG, Op.MAX, Op.MIN, Op.EXP, Op.LOG, Op.SQRT, Op.SIN, Op.COS, Op.TANH,
    Op.ROUND, Op.CAST, Op.WHERE, Op.CLIP, Op.LT, Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE,
    Op.MATMUL, Op.SUM, Op.MEAN, Op.REDUCE, Op.CONCAT, Op.GETITEM, Op.SETITEM, Op.RESHAPE,
    Op.TRANSPOSE, Op.COPY, Op.ALLOC, Op.OTHER,
})
SOURCES = frozenset({Op.INPUT, Op.CONST})
GUARDS = frozenset({Op.BRANCH, Op.KEY, Op.INDEX, Op.ESCAPE})
COMPARISONS = frozenset({Op.LT, Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE})
COMMUTATIVE = frozenset({Op.ADD, Op.MUL, Op.MAX, Op.MIN, Op.EQ, Op.NE})
# How a scalar op is counted: one multiplication, one addition, or one other flop.
MULTIPLICATIONS = frozenset({Op.MUL})
ADDITIONS = frozenset({Op.ADD, Op.SUB})
# Array ops that move or allocate data without arithmetic.
MOVEMENT = frozenset({Op.CONCAT, Op.GETITEM, Op.SETITEM, Op.RESHAPE, Op.TRANSPOSE, Op.COPY,
                      Op.ALLOC, Op.CAST})
# Ops whose result depends on something besides their inputs; never redundant, never folded.
IMPURE = frozenset({Op.INPUT, Op.CALL, Op.ALLOC})

# (mults, adds, other) of ONE scalar op; array ops carry their own cost.
SCALAR_COST = {op: ((1, 0, 0) if op in MULTIPLICATIONS else (0, 1, 0) if op in ADDITIONS else (0, 0, 1))
               for op in ARITHMETIC}
