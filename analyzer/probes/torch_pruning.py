"""Magnitude pruning in torch: an MLP against the same MLP with torch.nn.utils.prune.l1_unstructured removing 75% of each Linear's weights.

What it really does to the work: ``prune`` keeps the dense weight and a mask and, before
every forward call, recomputes ``weight = weight_orig * weight_mask``. The matmuls stay
dense (zeros are multiplied like any number), so the pruned model does MORE work, not
less; the extra multiply depends only on static weights (a partial evaluator, or
``prune.remove``, would hoist it). The function changes: ai-specific, with no savings.
"""
import copy

import torch
from torch import nn
from torch.nn.utils import prune

CLAIM = "ai-specific"
SIZES = (8, 16, 32)     # rows of the input batch
STATIC = ("model",)
WIDTH, AMOUNT = 64, 0.75

torch.set_num_threads(1)


def inputs(size):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(WIDTH, WIDTH), nn.ReLU(), nn.Linear(WIDTH, WIDTH)).double()
    return {"model": model.eval(), "x": torch.randn(size, WIDTH, dtype=torch.float64)}


def baseline(model, x):
    with torch.no_grad():
        return model(x)


def prepare(model):
    pruned = copy.deepcopy(model)
    for layer in pruned:
        if isinstance(layer, nn.Linear):
            prune.l1_unstructured(layer, "weight", amount=AMOUNT)
    return {"model": pruned}


def optimized(x, model):
    with torch.no_grad():
        return model(x)
