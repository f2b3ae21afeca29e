"""Loop tiling (blocking) of matrix multiplication on Python lists: the naive i-j-k loop nest against
the same arithmetic in TILE x TILE blocks sized to the fast memory.

Once the matrices exceed fast memory, the naive order reads all of b again for every row of
the result: Theta(n^3) bytes. The blocked order keeps one block of a, b and c in fast memory
while it is reused TILE times: Theta(n^3 / sqrt(M)) bytes (Hong & Kung 1981). The products
and additions are the same, one for one (only the order of the additions into c changes), so
flops, calls and bytes materialized are equal: the saving is data movement alone, reuse in
fast memory, which is caching in the hardware sense.
"""
CLAIM = "caching"
SIZES = (16, 32, 48)
FAST_MEMORY = 4096      # bytes: 512 float64, so 16 x 16 matrices and up do not fit together
TILE = 8                # a block of a, b and c: 3 x 8 x 8 floats = 1.5 KiB, one 64-byte line per block row


def inputs(size):
    def matrix(seed):
        return [[((i * 31 + j * 17 + seed) % 23) / 7.0 for j in range(size)] for i in range(size)]
    return {"a": matrix(1), "b": matrix(2)}


def baseline(a, b):
    n = len(a)
    c = []
    for i in range(n):
        row = []
        for j in range(n):
            s = 0.0
            for k in range(n):
                s = s + a[i][k] * b[k][j]
            row.append(s)
        c.append(row)
    return c


def optimized(a, b):
    n = len(a)
    c = [[0.0] * n for _ in range(n)]
    for i0 in range(0, n, TILE):
        for j0 in range(0, n, TILE):
            for k0 in range(0, n, TILE):
                for i in range(i0, min(i0 + TILE, n)):
                    for j in range(j0, min(j0 + TILE, n)):
                        s = c[i][j]
                        for k in range(k0, min(k0 + TILE, n)):
                            s = s + a[i][k] * b[k][j]
                        c[i][j] = s
    return c
