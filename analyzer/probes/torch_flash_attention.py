"""FlashAttention's IO-aware tiling against standard attention, on torch tensors: the torch
variant of flash_attention_io (the same tiles, sized to the declared fast memory).

Standard attention materializes the N x N scores and probabilities and reads them back; the
tiled version keeps a block of query rows, its running maximum, sum and output in fast memory,
streams the key/value blocks past it with an online softmax, and writes each output block
once (Dao et al. 2022, Algorithm 1 with FlashAttention-2's loop order). float64, so equality
is judged at float64's tolerance.
"""
import math

import torch

CLAIM = "inlining"
SIZES = (128, 256)          # sequence length N
D = 16                      # head dimension d
FAST_MEMORY = 16384         # bytes: far below the N x N scores at every size
BLOCK = FAST_MEMORY // (64 * D)     # 16 rows of Q (and of K, V)

torch.set_num_threads(1)


def inputs(size):
    g = torch.Generator().manual_seed(size)
    return {name: torch.randn(size, D, generator=g, dtype=torch.float64) for name in ("q", "k", "v")}


def baseline(q, k, v):
    s = q @ k.T / math.sqrt(D)                      # N x N scores, to slow memory
    p = torch.softmax(s, dim=1)                     # N x N probabilities, to slow memory
    return p @ v


def optimized(q, k, v):
    n = q.shape[0]
    rows = []
    for i in range(0, n, BLOCK):
        qi = q[i:i + BLOCK]
        o = m = l = None
        for j in range(0, n, BLOCK):
            s = qi @ k[j:j + BLOCK].T / math.sqrt(D)    # B x B block of scores, in fast memory
            mt = s.amax(dim=1)
            if m is None:
                p = torch.exp(s - mt[:, None])
                m, l, o = mt, p.sum(dim=1), p @ v[j:j + BLOCK]
                continue
            m_new = torch.maximum(m, mt)
            scale = torch.exp(m - m_new)
            p = torch.exp(s - m_new[:, None])
            l = l * scale + p.sum(dim=1)
            o = o * scale[:, None] + p @ v[j:j + BLOCK]
            m = m_new
        rows.append(o / l[:, None])                 # O_i written once
    return torch.cat(rows)
