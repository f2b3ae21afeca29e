"""BatchNorm folding in torch: Conv2d followed by an eval-mode BatchNorm2d, against the BatchNorm folded into the convolution's weights and bias ahead of time.

The weights and the normalization statistics are STATIC; ``prepare`` folds them with
``torch.nn.utils.fusion.fuse_conv_bn_eval``. The tracer records the BatchNorm as the
per-channel scale and shift (static: foldable) and the per-element ``x * scale + shift``
(dynamic: it disappears only because convolution is linear, ``conv(x, W) * s ==
conv(x, W * s)``, an algebraic step no partial evaluator takes on its own).
"""
import torch
from torch import nn

CLAIM = "partial-evaluation"
SIZES = (4, 8, 16)      # image side
STATIC = ("conv", "bn")
C_IN, C_OUT, BATCH = 8, 16, 2

torch.set_num_threads(1)


def inputs(size):
    torch.manual_seed(0)
    conv = nn.Conv2d(C_IN, C_OUT, 3, padding=1, bias=False).double()
    bn = nn.BatchNorm2d(C_OUT).double()
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 2.0)
    return {"x": torch.randn(BATCH, C_IN, size, size, dtype=torch.float64),
            "conv": conv.eval().requires_grad_(False), "bn": bn.eval().requires_grad_(False)}


def baseline(x, conv, bn):
    return bn(conv(x))


def prepare(conv, bn):
    return {"conv": torch.nn.utils.fusion.fuse_conv_bn_eval(conv, bn)}


def optimized(x, conv):
    return conv(x)
