"""KV cache in a GPT-style torch decoder: greedy generation re-running the whole prefix, against caching each layer's keys and values.

The baseline feeds the whole sequence through the model at every step: the projections,
MLPs and logits of the earlier tokens are recomputed, row for row. The optimized version
feeds only the new token and appends its keys and values to a per-layer cache
(``torch.cat``), as Hugging Face's ``past_key_values`` does. Float64, so the two agree to
rounding.
"""
import math

import torch
from torch import nn
from torch.nn import functional as F

CLAIM = "caching"
SIZES = (4, 8, 12)      # tokens generated
D, HEADS, LAYERS, VOCAB, PROMPT, CONTEXT = 32, 2, 2, 64, 4, 32

torch.set_num_threads(1)


class Block(nn.Module):
    """Pre-norm transformer block on a (tokens, D) sequence, with an optional (keys, values) cache."""

    def __init__(self) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.fc, self.out = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)
        self.register_buffer("mask", torch.ones(CONTEXT, CONTEXT, dtype=torch.bool).triu(1))

    def forward(self, x, cache=None):
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=1)
        if cache is not None:
            k, v = torch.cat([cache[0], k]), torch.cat([cache[1], v])
        t, s, hd = x.shape[0], k.shape[0], D // HEADS
        q, kh, vh = (a.view(-1, HEADS, hd).transpose(0, 1) for a in (q, k, v))
        att = (q @ kh.transpose(1, 2)) / math.sqrt(hd)
        att = att.masked_fill(self.mask[s - t:s, :s], float("-inf")).softmax(-1)
        y = (att @ vh).transpose(0, 1).reshape(t, D)
        x = x + self.proj(y)
        x = x + self.out(F.gelu(self.fc(self.ln2(x))))
        return x, (k, v)


class GPT(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.tok, self.pos = nn.Embedding(VOCAB, D), nn.Embedding(CONTEXT, D)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.ln, self.head = nn.LayerNorm(D), nn.Linear(D, VOCAB, bias=False)

    def forward(self, idx, start=0, caches=None):
        x = self.tok(idx) + self.pos(torch.arange(start, start + idx.shape[0]))
        new = []
        for i, block in enumerate(self.blocks):
            x, kv = block(x, caches[i] if caches else None)
            new.append(kv)
        return self.head(self.ln(x)), new


def inputs(size):
    torch.manual_seed(0)
    model = GPT().double().eval().requires_grad_(False)
    return {"model": model, "prompt": torch.randint(VOCAB, (PROMPT,)), "steps": size}


def baseline(model, prompt, steps):
    tokens = prompt
    for _ in range(steps):
        logits, _ = model(tokens)
        tokens = torch.cat([tokens, logits[-1].argmax().view(1)])
    return tokens, logits[-1]


def optimized(model, prompt, steps):
    tokens = prompt
    logits, caches = model(tokens)
    for _ in range(steps):
        nxt = logits[-1].argmax().view(1)
        tokens = torch.cat([tokens, nxt])
        if tokens.shape[0] > prompt.shape[0] + steps - 1:
            break
        logits, caches = model(nxt, tokens.shape[0] - 1, caches)
    return tokens, logits[-1]
