"""What one aten op costs, from the shapes of its operands and result.

The conventions are the array front-end's, so both front-ends' traces compare: an
elementwise op costs one flop of its kind per output element; ``(m,k) @ (k,n)`` costs
``m*k*n`` mults and ``m*(k-1)*n`` adds (plus ``m*n`` adds for a bias); views, copies and
concatenations cost no flops. Unlike ``FlopCounterMode``, which counts only matmuls and
convolutions, elementwise, normalization, softmax and quantized ops cost their arithmetic
too. A kernel that computes a formula costs that formula, op by op, as if it were written
out (``gelu`` is ``0.5 * x * (1 + erf(x / sqrt(2)))``: 3 mults, 1 add, 1 erf per element;
``rsqrt`` is a square root and a division; a softmax row of n is a max, n subtractions,
n exps, a sum and n divisions), so writing a kernel out or fusing it changes boundaries,
not arithmetic. An unknown op costs one other flop per output element: visible, never free.

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


def _per_element(mults: int, adds: int, other: int) -> Callable[..., tuple[int, int, int]]:
    """The cost of a formula applied to every output element."""
    def cost(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
        n = out.numel()
        return mults * n, adds * n, other * n
    return cost


def _gelu(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    """exact: 0.5 * x * (1 + erf(x / sqrt 2)); tanh: 0.5 * x * (1 + tanh(c * (x + 0.044715 * x**3)))."""
    approximate = (kwargs or {}).get("approximate", args[1] if len(args) > 1 else "none")
    n = out.numel()
    return (6 * n, 2 * n, n) if approximate == "tanh" else (3 * n, n, n)


def _rows(args: tuple, out: Any) -> tuple[int, int]:
    """(rows, row length) of a softmax over ``dim`` (args[1])."""
    x = args[0]
    if x.dim() == 0:
        return 1, 1
    n = x.shape[args[1] if len(args) > 1 and isinstance(args[1], int) else -1]
    return x.numel() // max(1, n), n


def _softmax(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    """Per row of n: max (n - 1), subtract it (n), exp (n), sum (n - 1), divide (n)."""
    rows, n = _rows(args, out)
    return 0, rows * (2 * n - 1), rows * (3 * n - 1)


def _log_softmax(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    """Per row of n: max (n - 1), subtract it (n), exp (n), sum (n - 1), log (1), subtract (n)."""
    rows, n = _rows(args, out)
    return 0, rows * (3 * n - 1), rows * 2 * n


def _softmax_backward(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    """grad * y - y * sum(grad * y), per row of n."""
    rows, n = _rows((args[1], args[2]), out)
    return rows * 2 * n, rows * (2 * n - 1), 0


def _log_softmax_backward(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
    """grad - exp(y) * sum(grad), per row of n."""
    rows, n = _rows((args[1], args[2]), out)
    return rows * n, rows * (2 * n - 1), rows * n


def _pooling(adds: bool, dims: int) -> Callable[..., tuple[int, int, int]]:
    """max: window - 1 comparisons per output element; average: window - 1 adds and a divide."""
    def cost(args: tuple, out: Any, kwargs: dict | None = None) -> tuple[int, int, int]:
        size = args[1] if len(args) > 1 else (kwargs or {}).get("kernel_size", 1)
        size = list(size) if isinstance(size, (list, tuple)) else [size]
        window = math.prod(size * dims if len(size) == 1 else size)
        n = out.numel()
        return (0, n * (window - 1), n) if adds else (0, 0, n * (window - 1))
    return cost


def _normalization(n: int, groups: int, weight: Any, bias: Any) -> tuple[int, int, int]:
    """Per group of m: mean (m - 1 adds, a divide), centre (m adds), square (m mults),
    variance (m - 1 adds, a divide), + eps (an add), rsqrt (a square root and a divide),
    scale by it (m mults), weight (m mults), bias (m adds)."""
    return ((2 + (weight is not None)) * n, (3 + (bias is not None)) * n - groups, 4 * groups)


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
    rows, n = heads * q.shape[-2], k.shape[-2]
    sm = (0, rows * (2 * n - 1), rows * (3 * n - 1))      # a softmax over each row of scores
    pv = heads * q.shape[-2] * v.shape[-1]
    return (scores * q.shape[-1] + scores + pv * k.shape[-2],
            scores * (q.shape[-1] - 1) + (scores if masked else 0) + sm[1] + pv * (k.shape[-2] - 1),
            sm[2])


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
    "softmax": (Op.OTHER, _softmax), "_log_softmax": (Op.OTHER, _log_softmax),
    "log_softmax": (Op.OTHER, _log_softmax),
    "_softmax_backward_data": (Op.OTHER, _softmax_backward),
    "_log_softmax_backward_data": (Op.OTHER, _log_softmax_backward),
    "gelu": (Op.OTHER, _gelu),
    "silu": (Op.OTHER, _per_element(1, 1, 3)),      # x * 1 / (1 + exp(-x)): neg, exp, add, divide, mult
    "sigmoid": (Op.OTHER, _per_element(0, 1, 3)),   # 1 / (1 + exp(-x))
    "rsqrt": (Op.OTHER, _per_element(0, 0, 2)),     # 1 / sqrt(x)
    "reciprocal": (Op.OTHER, _per_element(0, 0, 1)),
    "mish": (Op.OTHER, _per_element(1, 1, 3)),      # x * tanh(log(1 + exp(x)))
    "softplus": (Op.OTHER, _per_element(0, 1, 2)),  # log(1 + exp(x))
    "hardswish": (Op.OTHER, _per_element(2, 1, 3)), # x * min(max(x + 3, 0), 6) / 6
    **{f"{kind}_pool{d}d{suffix}": (Op.REDUCE, _pooling(kind == "avg", d))
       for kind in ("max", "avg") for d in (1, 2, 3) for suffix in ("", "_with_indices")},
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
    if base in _MOVEMENT_OPS:       # in place: detach_, unsqueeze_, t_
        return _MOVEMENT_OPS[base], MOVING, None
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


# fused attention kernels: recorded under one name, reading (q, k, v[, mask])
ATTENTION_KERNELS = frozenset({
    "_scaled_dot_product_flash_attention_for_cpu", "_scaled_dot_product_attention_math",
    "_scaled_dot_product_flash_attention", "_scaled_dot_product_efficient_attention",
    "_scaled_dot_product_cudnn_attention", "_scaled_dot_product_fused_attention_overrideable"})
ATTENTION = "scaled_dot_product_attention"
_LAST_AXIS_SOFTMAX = frozenset({"_softmax", "_safe_softmax", "softmax", "_log_softmax", "log_softmax"})
_NORMALIZATIONS = frozenset({"native_layer_norm", "layer_norm", "rms_norm", "_fused_rms_norm"})


def record_name(name: str) -> Callable[[tuple, Any], str] | None:
    """How a call of ``name`` is named in its record, when that depends on its arguments
    (None: the op's name). A softmax or a normalization works row by row along the last
    axis under its own name; over another axis it is named with it, so the passes do not
    read it row by row. Every fused attention kernel is ``scaled_dot_product_attention``.

    >>> import torch
    >>> record_name("_softmax")((torch.ones(2, 3), 0, False), None)
    '_softmax(dim=0)'
    """
    if name in ATTENTION_KERNELS:
        return lambda args, out: ATTENTION
    if name in _LAST_AXIS_SOFTMAX:
        def softmax(args: tuple, out: Any) -> str:
            x, dim = args[0], args[1] if len(args) > 1 else -1
            return name if x.dim() == 0 or dim in (-1, x.dim() - 1) else f"{name}(dim={dim})"
        return softmax
    if name in _NORMALIZATIONS:
        def normalization(args: tuple, out: Any) -> str:
            dims = len(args[1]) if len(args) > 1 and isinstance(args[1], (list, tuple)) else 1
            return name if dims == 1 else f"{name}({dims} dims)"
        return normalization
    return None
