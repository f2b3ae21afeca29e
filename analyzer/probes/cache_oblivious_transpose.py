"""Cache-oblivious matrix transpose (numpy element access): the two-loop transpose against recursive
halving of the longer side (Frigo, Leiserson, Prokop & Ramachandran 1999).

The naive loop reads a row by row but writes b column by column: once n lines exceed fast
memory, every write lands on a line evicted since its neighbours were written, so each
element costs a line read and a line written back. The recursive version halves the block
until it is small, without knowing the line or fast-memory size; some level of the recursion
has blocks whose rows of a and columns of b fit together, so each line is moved about once:
Theta(n^2 / L) lines against Theta(n^2). Same element reads and writes, no arithmetic: the
saving is data movement alone (caching in the hardware sense). The recursion runs on an
explicit stack, so no probe-function calls are added.
"""
import numpy as np

CLAIM = "caching"
SIZES = (16, 32, 64)
FAST_MEMORY = 1024      # bytes: 16 lines, fewer than the rows of the smallest matrix
BASE = 4                # blocks of at most 4 x 4 are transposed element by element


def inputs(size):
    rng = np.random.default_rng(size)
    return {"a": rng.standard_normal((size, size))}


def baseline(a):
    n = a.shape[0]
    b = np.empty_like(a)
    for i in range(n):
        for j in range(n):
            b[j, i] = a[i, j]
    return b


def optimized(a):
    n = a.shape[0]
    b = np.empty_like(a)
    stack = [(0, n, 0, n)]      # blocks of a: rows r0:r1, columns c0:c1
    while stack:
        r0, r1, c0, c1 = stack.pop()
        if (r1 - r0) <= BASE and (c1 - c0) <= BASE:
            for i in range(r0, r1):
                for j in range(c0, c1):
                    b[j, i] = a[i, j]
        elif r1 - r0 >= c1 - c0:
            mid = (r0 + r1) // 2
            stack += [(mid, r1, c0, c1), (r0, mid, c0, c1)]
        else:
            mid = (c0 + c1) // 2
            stack += [(r0, r1, mid, c1), (r0, r1, c0, mid)]
    return b
