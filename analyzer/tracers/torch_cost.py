"""What one aten op costs, from the shapes of its operands and result.

The conventions are the array front-end's, so both front-ends' traces compare: an
elementwise op costs one flop of its kind per output element; ``(m,k) @ (k,n)`` costs
``m*k*n`` mults and ``m*(k-1)*n`` adds (plus ``m*n`` adds for a bias); views, copies and
concatenations cost no flops. Unlike ``FlopCounterMode``, which counts only matmuls and
convolutions, elementwise, normalization, softmax and quantized ops cost their arithmetic
too. A fused kernel (scaled-dot-product attention) costs its reference decomposition, so
fusing changes boundaries, not arithmetic. An unknown op costs one other flop per output
element: visible, never free.

>>> import torch
>>> cost_of("mm", (torch.ones(2, 3), torch.ones(3, 4)), torch.ones(2, 4))
(24, 16, 0)
"""
from __future__ import annotations

import math
from typing import Any, Callable

import torch

from analyzer.ops import Op

# kinds: how flops follow from shapes
ADDITIVE, MULTIPLICATIVE, ELEMENTWISE, MOVING, FREE = "add", "mul", "elementwise", "moving", "free"

_ELEMENTWISE_OPS = {
    "add": Op.ADD, "sub": Op.SUB, "rsub": Op.SUB, "mul": Op.MUL, "div": Op.DIV, "neg": Op.NEG,
    "abs": Op.ABS, "exp": Op.EXP, "log": Op.LOG, "sqrt": Op.SQRT, "sin": Op.SIN, "cos": Op.COS,
    "tanh": Op.TANH, "pow": Op.POW, "maximum": Op.MAX, "minimum": Op.MIN, "clamp": Op.CLIP,
    "where": Op.WHERE, "round": Op.ROUND, "lt": Op.LT, "le": Op.LE, "gt": Op.GT, "ge": Op.GE,
    "eq": Op.EQ, "ne": Op.NE, "remainder": Op.MOD, "floor_divide": Op.FLOORDIV,
}
_MOVEMENT_OPS = {
    **dict.fromkeys(("view", "_unsafe_view", "reshape", "squeeze", "unsqueeze", "expand",
                     "flatten", "unflatten", "view_as_real", "view_as_complex"), Op.RESHAPE),
    **dict.fromkeys(("t", "transpose", "permute", "swapaxes", "movedim"), Op.TRANSPOSE),
    **dict.fromkeys(("slice", "select", "index", "index_select", "embedding", "narrow", "split",
                     "split_with_sizes", "unbind", "chunk", "gather", "as_strided", "diagonal",
                     "_local_scalar_dense"), Op.GETITEM),
    **dict.fromkeys(("cat", "stack", "repeat", "tile", "pad", "constant_pad_nd"), Op.CONCAT),
    **dict.fromkeys(("clone", "contiguous", "detach", "alias", "lift_fresh", "lift_fresh_copy",
                     "_unsafe_view_copy", "dropout", "native_dropout", "int_repr", "dequantize",
                     "resolve_conj", "resolve_neg"), Op.COPY),
    **dict.fromkeys(("_to_copy", "to", "type_as"), Op.CAST),
    **dict.fromkeys(("copy_", "fill_", "zero_", "index_put_", "index_copy_", "masked_scatter_",
                     "slice_scatter", "select_scatter", "index_put"), Op.SETITEM),
}
# factory ops: their value does not follow from their inputs (never redundant, never folded)
_FACTORY = {"empty", "empty_like", "empty_strided", "zeros", "zeros_like", "ones", "ones_like",
            "full", "full_like", "arange", "randn", "rand", "randint", "randn_like", "rand_like",
            "normal", "uniform_", "normal_", "scalar_tensor", "new_empty", "new_zeros", "new_ones",
            "new_full", "bernoulli", "bernoulli_", "linspace", "eye", "tensor"}


def _numel(x: Any) -> int:
    return x.numel() if hasattr(x, "numel") else 1


def _matrix(k: int, out: int, bias: bool) -> tuple[int, int, int]:
    return out * k, out * (k - 1) + (out if bias else 0), 0


def _mm(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    return _matrix(args[0].shape[-1], out.numel(), False)


def _addmm(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:      # bias + a @ b
    return _matrix(args[1].shape[-1], out.numel(), True)


def _convolution(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    weight = args[1]
    k = math.prod(weight.shape[1:])         # in_channels / groups * kernel elements
    transposed = len(args) > 6 and bool(args[6])
    if transposed:                          # every input element scatters into out_channels * kernel
        k = weight.shape[1] * math.prod(weight.shape[2:])
        return args[0].numel() * k, args[0].numel() * k, 0
    return _matrix(k, out.numel(), len(args) > 2 and args[2] is not None)


def _linear_dynamic(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    """int8 x int8 products accumulated in int32, plus quantizing the input and rescaling the output."""
    m, a, _ = _matrix(args[0].shape[-1], out.numel(), True)
    return m, a, args[0].numel() + out.numel()


def _softmax(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    n = out.numel()
    return 0, 2 * n, 3 * n      # subtract the max, sum; max, exp, divide


def _normalization(n: int, groups: int, weight: Any, bias: Any) -> tuple[int, int, int]:
    """mean (n adds), centre (n adds), square (n mults), variance sum (n adds), scale by
    1/std (n mults), weight (n mults), bias (n adds); per group: two divides and an rsqrt."""
    return (2 + (weight is not None)) * n, (3 + (bias is not None)) * n, 3 * groups


def _layer_norm(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    n = out.numel()
    weight = args[2] if len(args) > 2 else None
    bias = args[3] if len(args) > 3 else None
    return _normalization(n, n // max(1, math.prod(args[1])), weight, bias)


def _batch_norm(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    """Training mode (batch statistics); eval mode is split in two records by the tracer."""
    return _normalization(out.numel(), out.shape[1] if out.dim() > 1 else 1, args[1], args[2])


def _attention(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    """Reference decomposition: (q @ k^T) * scale (+ mask), softmax, @ v."""
    q, k, v = args[0], args[1], args[2]
    heads = math.prod(q.shape[:-2])
    scores = heads * q.shape[-2] * k.shape[-2]
    # is_causal (True among the flags) or an attn_mask (keyword-only in the CPU flash kernel)
    masked = any(a is True for a in args[3:6]) or any(
        isinstance(a, torch.Tensor) for a in (*args[3:], *(kwargs or {}).values()))
    sm = _softmax((), _Numel(scores))  # type: ignore[arg-type]
    pv = heads * q.shape[-2] * v.shape[-1]
    return (scores * q.shape[-1] + scores + pv * k.shape[-2],
            scores * (q.shape[-1] - 1) + (scores if masked else 0) + sm[1] + pv * (k.shape[-2] - 1),
            sm[2])


class _Numel:
    def __init__(self, n: int) -> None:
        self.n = n

    def numel(self) -> int:
        return self.n


def _summing(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    return 0, _numel(args[0]) - _numel(out), 0


def _averaging(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    return 0, _numel(args[0]) - _numel(out), _numel(out)


def _reducing(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    return 0, 0, _numel(args[0])


# name -> (Op, cost function of (args, first output) -> (mults, adds, other))
_SPECIAL: dict[str, tuple[Op, Callable[[tuple, Any], tuple[int, int, int]]]] = {
    "mm": (Op.MATMUL, _mm), "bmm": (Op.MATMUL, _mm), "matmul": (Op.MATMUL, _mm),
    "dot": (Op.MATMUL, _mm), "mv": (Op.MATMUL, _mm),
    "addmm": (Op.MATMUL, _addmm), "baddbmm": (Op.MATMUL, _addmm), "addmv": (Op.MATMUL, _addmm),
    "linear": (Op.MATMUL, lambda a, o, kw=None: _matrix(a[0].shape[-1], o.numel(), len(a) > 2 and a[2] is not None)),
    "convolution": (Op.MATMUL, _convolution), "_convolution": (Op.MATMUL, _convolution),
    "linear_dynamic": (Op.MATMUL, _linear_dynamic),
    "_softmax": (Op.OTHER, _softmax), "_safe_softmax": (Op.OTHER, _softmax),
    "softmax": (Op.OTHER, _softmax), "_log_softmax": (Op.OTHER, _softmax),
    "native_layer_norm": (Op.OTHER, _layer_norm), "native_batch_norm": (Op.OTHER, _batch_norm),
    "_native_batch_norm_legit": (Op.OTHER, _batch_norm),
    "_scaled_dot_product_flash_attention_for_cpu": (Op.MATMUL, _attention),
    "_scaled_dot_product_attention_math": (Op.MATMUL, _attention),
    "_scaled_dot_product_flash_attention": (Op.MATMUL, _attention),
    "_scaled_dot_product_efficient_attention": (Op.MATMUL, _attention),
    "sum": (Op.SUM, _summing), "mean": (Op.MEAN, _averaging),
    **dict.fromkeys(("amax", "amin", "max", "min", "argmax", "argmin", "prod", "var", "std",
                     "norm", "linalg_vector_norm", "all", "any", "topk", "sort", "cumsum"),
                    (Op.REDUCE, _reducing)),
}


def classify(name: str) -> tuple[Op, str, Callable | None]:
    """(Op, kind, cost function or None) of an aten op by its overload-packet name."""
    base = name[:-1] if name.endswith("_") and name not in _MOVEMENT_OPS else name
    if name in _FACTORY:
        return Op.ALLOC, FREE, None
    if name in _MOVEMENT_OPS:
        return _MOVEMENT_OPS[name], MOVING, None
    if base in _SPECIAL:
        op, fn = _SPECIAL[base]
        return op, "special", fn
    op = _ELEMENTWISE_OPS.get(base, Op.OTHER)
    kind = ADDITIVE if op in (Op.ADD, Op.SUB) else MULTIPLICATIVE if op is Op.MUL else ELEMENTWISE
    return op, kind, None


def cost_of(name: str, args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    """(mults, adds, other) of one op; ``out`` is its first output."""
    op, kind, fn = classify(name)
    if fn is not None:
        return fn(args, out, kwargs)
    if kind == MOVING or kind == FREE:
        return 0, 0, 0
    n = _numel(out)
    return (0, n, 0) if kind == ADDITIVE else (n, 0, 0) if kind == MULTIPLICATIVE else (0, 0, n)
