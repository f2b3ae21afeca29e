"""torch.fx constant folding: a symbolically traced module before and after the compiler's own const_fold.split_const_subgraphs().

The forward pass derives an effective weight from parameters alone (``tanh(w) * 0.5 + 1``)
on every call; ``prepare`` runs fx's constant folding, which evaluates that subgraph once
and stores the result as an attribute. The analyzer must find static exactly the aten ops
of the nodes fx folded.
"""
import warnings

import torch
from torch import fx, nn
from torch.fx.experimental.const_fold import split_const_subgraphs

CLAIM = "partial-evaluation"
SIZES = (8, 16, 32)     # rows of the input batch
STATIC = ("model",)
WIDTH = 32

torch.set_num_threads(1)
# const_fold's own get_attr bookkeeping warns on every fold; the folded module is correct
warnings.filterwarnings("ignore", message="Attempted to insert a get_attr Node")


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.randn(WIDTH, WIDTH))
        self.b = nn.Parameter(torch.randn(WIDTH))

    def forward(self, x):
        w = torch.tanh(self.w) * 0.5 + 1.0     # parameters only: foldable
        return torch.relu(x @ w + self.b)


def inputs(size):
    torch.manual_seed(0)
    model = fx.symbolic_trace(Net().double().eval().requires_grad_(False))
    return {"model": model, "x": torch.randn(size, WIDTH, dtype=torch.float64)}


def baseline(model, x):
    return model(x)


def prepare(model):
    folded = split_const_subgraphs(model)
    folded.run_folding()
    return {"model": folded}


def optimized(x, model):
    return model(x)
