"""Activation checkpointing in torch: the input gradient of a deep tanh MLP, against torch.utils.checkpoint recomputing each segment's activations during the backward pass.

Recomputation is caching in reverse: the optimized version does MORE work (the forward
pass of every checkpointed segment runs twice) and what it saves is memory: the
activations inside a segment are dropped after the forward pass (peak live bytes).
"""
import torch
from torch import nn
from torch.utils.checkpoint import checkpoint_sequential

CLAIM = "caching"
SIZES = (4, 8, 16)      # layers
WIDTH, ROWS, SEGMENTS = 64, 16, 2

torch.set_num_threads(1)


def inputs(size):
    torch.manual_seed(0)
    layers = []
    for _ in range(size):
        layers += [nn.Linear(WIDTH, WIDTH), nn.Tanh()]
    model = nn.Sequential(*layers).double()
    return {"model": model, "x": torch.randn(ROWS, WIDTH, dtype=torch.float64, requires_grad=True)}


def baseline(model, x):
    loss = model(x).sum()
    return torch.autograd.grad(loss, x)[0]


def optimized(model, x):
    loss = checkpoint_sequential(model, SEGMENTS, x, use_reentrant=False).sum()
    return torch.autograd.grad(loss, x)[0]
