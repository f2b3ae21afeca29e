"""Dynamic int8 quantization in torch: an MLP's Linear layers in float32, against torch.ao.quantization.quantize_dynamic's int8 Linear layers.

``prepare`` quantizes the STATIC model once. The optimized version computes a different
function (int8 weights, an input quantized on the fly): its outputs differ beyond noise.
"""
import warnings

import torch
from torch import nn

CLAIM = "ai-specific"
SIZES = (8, 16, 32)     # rows of the input batch
STATIC = ("model",)
WIDTH = 64

torch.set_num_threads(1)
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=UserWarning)


def inputs(size):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(WIDTH, 2 * WIDTH), nn.ReLU(), nn.Linear(2 * WIDTH, WIDTH))
    return {"model": model.eval().requires_grad_(False), "x": torch.randn(size, WIDTH)}


def baseline(model, x):
    return model(x)


def prepare(model):
    return {"model": torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)}


def optimized(x, model):
    return model(x)
