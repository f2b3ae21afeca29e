"""FlashAttention's IO-aware tiling (Dao et al. 2022) against standard attention, with tiles sized to the
declared fast memory: the data-movement variant of flash_attention.

Standard attention writes the N x N scores S and probabilities P to slow memory and reads them
back: Theta(N d + N^2) bytes. The tiled version keeps a block of B_r = M / (64 d) query rows
(an eighth of fast memory for Q_i and as much for O_i; temporaries and 64-byte lines need the
slack) and its running maximum m, sum l and output O_i in fast memory, streams the key/value
blocks past it with an online softmax, and writes O_i once: S and P never leave fast memory,
and K and V are read N / B_r times: Theta(N^2 d^2 / M) bytes (Theorem 2). Query blocks are the
outer loop, as in FlashAttention-2; Algorithm 1's order has the same bound. Same O(N^2 d)
arithmetic plus the rescaling.
"""
import numpy as np

CLAIM = "inlining"
SIZES = (128, 256, 512)     # sequence length N
D = 16                      # head dimension d
FAST_MEMORY = 16384         # bytes: far below the N x N scores at every size
BLOCK = FAST_MEMORY // (64 * D)     # 16 rows of Q (and of K, V)


def inputs(size):
    rng = np.random.default_rng(size)
    return {"q": rng.standard_normal((size, D)), "k": rng.standard_normal((size, D)),
            "v": rng.standard_normal((size, D))}


def baseline(q, k, v):
    s = q @ k.T / np.sqrt(D)                        # N x N scores, to slow memory
    p = np.exp(s - np.max(s, axis=1)[:, None])
    p = p / np.sum(p, axis=1)[:, None]              # N x N probabilities, to slow memory
    return p @ v


def optimized(q, k, v):
    n = q.shape[0]
    rows = []
    for i in range(0, n, BLOCK):
        qi = q[i:i + BLOCK]
        o = m = l = None
        for j in range(0, n, BLOCK):
            s = qi @ k[j:j + BLOCK].T / np.sqrt(D)  # B x B block of scores, in fast memory
            mt = np.max(s, axis=1)
            if m is None:
                p = np.exp(s - mt[:, None])
                m, l, o = mt, np.sum(p, axis=1), p @ v[j:j + BLOCK]
                continue
            m_new = np.maximum(m, mt)
            scale = np.exp(m - m_new)
            p = np.exp(s - m_new[:, None])
            l = l * scale + np.sum(p, axis=1)
            o = o * scale[:, None] + p @ v[j:j + BLOCK]
            m = m_new
        rows.append(o / l[:, None])                 # O_i written once
    return np.concatenate(rows)
