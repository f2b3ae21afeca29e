"""My nn.Module, before and after: <one line saying what the optimization changes>.

Copy this file, replace the two modules, and run ``taxo analyze path/to/this_file.py``.
The analyzer traces every aten op both versions run (docs/torch.md), checks that they
compute the same function (within the tolerance of the outputs' dtype), and says which
mechanism explains the work saved: caching, dead-code elimination, partial evaluation,
inlining (fewer kernels launched, fewer intermediates), or none of the four.

- ``inputs(size)`` must be deterministic: seed before drawing random tensors.
- Weights known ahead of time go in ``STATIC``; ``prepare`` may transform them once
  (folding, quantizing, fusing): that work is ahead of time and is not charged per call.
- Float32 is fine; float64 makes "equal up to rounding" stricter.
"""
import torch
from torch import nn

CLAIM = None            # or the verdict you expect: "caching", "inlining", ...
SIZES = (16, 32)        # what ``size`` means is yours: rows of the batch, tokens, pixels
STATIC = ("model",)     # inputs known ahead of time (weights); () if none
MEMORY = "4GiB"         # the resident memory the probe may use (default: a share of RAM)

torch.set_num_threads(1)


class Before(nn.Module):
    def __init__(self, width: int = 64) -> None:
        super().__init__()
        self.layer = nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer(x) + self.layer(x)        # replace with your module


def inputs(size):
    torch.manual_seed(0)
    return {"model": Before().eval(), "x": torch.randn(size, 64)}


def prepare(model):
    """Work done once, ahead of time, on the STATIC inputs (delete if you need none)."""
    return {"model": model}


def baseline(model, x):
    with torch.inference_mode():
        return model(x)


def optimized(x, model):
    with torch.inference_mode():
        y = model.layer(x)                          # replace with your optimized version
        return y + y
