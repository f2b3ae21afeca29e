"""torch.fx dead-code elimination: a symbolically traced module before and after the compiler's own Graph.eliminate_dead_code().

The traced graph computes a branch (``tanh(self.b(x)) * 2``) whose result never reaches
the output; ``prepare`` runs fx's pass on a copy of the graph. The analyzer must find dead
exactly the aten ops of the nodes fx removed.
"""
import copy

import torch
from torch import fx, nn

CLAIM = "dead-code-elimination"
SIZES = (8, 16, 32)     # rows of the input batch
STATIC = ("model",)
WIDTH = 32

torch.set_num_threads(1)


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(WIDTH, WIDTH), nn.Linear(WIDTH, WIDTH)

    def forward(self, x):
        unused = torch.tanh(self.b(x)) * 2     # noqa: F841 — the dead branch
        return torch.relu(self.a(x))


def inputs(size):
    torch.manual_seed(0)
    model = fx.symbolic_trace(Net().double().eval().requires_grad_(False))
    return {"model": model, "x": torch.randn(size, WIDTH, dtype=torch.float64)}


def baseline(model, x):
    return model(x)


def prepare(model):
    pruned = copy.deepcopy(model)
    pruned.graph.eliminate_dead_code()
    pruned.recompile()
    return {"model": pruned}


def optimized(x, model):
    return model(x)
