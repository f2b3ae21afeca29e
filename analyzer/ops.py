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
    EXPM1 = "expm1"
    LOG = "log"
    LOG1P = "log1p"
    LOG2 = "log2"
    LOG10 = "log10"
    SQRT = "sqrt"
    HYPOT = "hypot"
    SIN = "sin"
    COS = "cos"
    TAN = "tan"
    ASIN = "asin"
    ACOS = "acos"
    ATAN = "atan"
    ATAN2 = "atan2"
    SINH = "sinh"
    COSH = "cosh"
    TANH = "tanh"
    FMOD = "fmod"
    ROUND = "round"
    FLOOR = "floor"
    CEIL = "ceil"
    TRUNC = "trunc"
    CAST = "cast"
    WHERE = "where"
    CLIP = "clip"
    # bitwise and shift operators (integers; one 'other' flop each)
    AND = "and"
    OR = "or"
    XOR = "xor"
    LSHIFT = "lshift"
    RSHIFT = "rshift"
    INVERT = "invert"
    # comparisons: a traced bool on scalars; a branch on one is a guard (BRANCH)
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
    # a dense linear-algebra routine (svd, qr, eigh, ...); ArrayCost.name says which
    LINALG = "linalg"
    # library routines costed by a formula of their own (tracers/library_cost.py); name says which
    CONTRACT = "contract"       # einsum, tensordot, inner, outer, vdot, kron
    FFT = "fft"                 # the fft family: 5 n log2 n per complex transform
    CONVOLVE = "convolve"       # convolve, correlate, polymul
    SCAN = "scan"               # cumsum, cumprod
    POLYVAL = "polyval"         # Horner's rule
    SORT = "sort"               # sort, argsort
    # a new version of a buffer written through another view of it (no cost, not an op)
    ALIAS = "alias"
    OTHER = "other"

    # Members are singletons: identity hashing is correct, and far faster than Enum's
    # name-based __hash__ on the hot paths (every pass tests set membership per record).
    __hash__ = object.__hash__


# Elementary functions (math.*, cmath.*, numpy ufuncs): one 'other' flop per element.
TRANSCENDENTAL = frozenset({
    Op.EXP, Op.EXPM1, Op.LOG, Op.LOG1P, Op.LOG2, Op.LOG10, Op.SQRT, Op.HYPOT, Op.SIN, Op.COS,
    Op.TAN, Op.ASIN, Op.ACOS, Op.ATAN, Op.ATAN2, Op.SINH, Op.COSH, Op.TANH, Op.FMOD,
})
BITWISE = frozenset({Op.AND, Op.OR, Op.XOR, Op.LSHIFT, Op.RSHIFT, Op.INVERT})
# Operations that compute something (they cost flops and can be redundant, dead or static).
ARITHMETIC = frozenset({
    Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.FLOORDIV, Op.MOD, Op.POW, Op.NEG, Op.ABS, Op.CONJ,
    Op.REAL, Op.IMAG, Op.MAX, Op.MIN, *TRANSCENDENTAL, *BITWISE,
    Op.ROUND, Op.FLOOR, Op.CEIL, Op.TRUNC, Op.CAST, Op.WHERE, Op.CLIP,
    Op.LT, Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE,
    Op.MATMUL, Op.SUM, Op.MEAN, Op.REDUCE, Op.CONCAT, Op.GETITEM, Op.SETITEM, Op.RESHAPE,
    Op.TRANSPOSE, Op.COPY, Op.ALLOC, Op.LINALG, Op.OTHER,
    Op.CONTRACT, Op.FFT, Op.CONVOLVE, Op.SCAN, Op.POLYVAL, Op.SORT,
})
SOURCES = frozenset({Op.INPUT, Op.CONST})
GUARDS = frozenset({Op.BRANCH, Op.KEY, Op.INDEX, Op.ESCAPE})
COMPARISONS = frozenset({Op.LT, Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE})
COMMUTATIVE = frozenset({Op.ADD, Op.MUL, Op.MAX, Op.MIN, Op.EQ, Op.NE, Op.HYPOT,
                         Op.AND, Op.OR, Op.XOR})
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
