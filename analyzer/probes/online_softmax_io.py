"""Online softmax (numpy), the data-movement variant: row softmax over column blocks, three passes
against two, on rows longer than the declared fast memory.

Baseline: pass 1 finds the row maximum block by block, pass 2 accumulates the sum of
exp(x - max), pass 3 writes exp(x - max) / sum. Online: pass 1 keeps a running maximum m
and a running sum d rescaled by exp(m_old - m_new) whenever the maximum grows; pass 2
writes the output. One read of the input less, slightly more arithmetic. With the input larger
than fast memory, the baseline reads it from slow memory three times and the online version
twice: the saving is data reused while it is in fast memory (each block serves the maximum and
the sum at once), caching in the hardware sense.
"""
import numpy as np

CLAIM = "inlining"             # the filing (fusion); measured as traffic it reads caching: see the entry's filing_note
SIZES = (1024, 2048, 4096)  # row length: 8 rows of 64 KiB and up
FAST_MEMORY = 8192       # bytes: the input never fits, so each pass reads it from slow memory
ROWS = 8
BLOCK = 16


def inputs(size):
    rng = np.random.default_rng(size)
    return {"x": rng.standard_normal((ROWS, size)) * 3}


def blocks(x):
    return [x[:, j:j + BLOCK] for j in range(0, x.shape[1], BLOCK)]


def baseline(x):
    m = None
    for blk in blocks(x):                                 # pass 1: maximum
        bm = np.max(blk, axis=1)
        m = bm if m is None else np.maximum(m, bm)
    d = None
    for blk in blocks(x):                                 # pass 2: sum (needs the final m)
        s = np.sum(np.exp(blk - m[:, None]), axis=1)
        d = s if d is None else d + s
    return np.concatenate([np.exp(blk - m[:, None]) / d[:, None] for blk in blocks(x)], axis=1)  # pass 3


def optimized(x):
    m = d = None
    for blk in blocks(x):                                 # pass 1: maximum and sum together
        bm = np.max(blk, axis=1)
        if m is None:
            m, d = bm, np.sum(np.exp(blk - bm[:, None]), axis=1)
            continue
        m_new = np.maximum(m, bm)
        d = d * np.exp(m - m_new) + np.sum(np.exp(blk - m_new[:, None]), axis=1)
        m = m_new
    return np.concatenate([np.exp(blk - m[:, None]) / d[:, None] for blk in blocks(x)], axis=1)  # pass 2
