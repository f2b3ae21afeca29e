"""Loop interchange (numpy element access): summing a row-major matrix column by column, against row
by row.

Both versions read every element once and do the same additions (in another order). Column by
column, consecutive reads are a row apart, so each touches a different 64-byte line; once a
column's lines exceed fast memory, a line is evicted before the next column would use its
other 7 elements, and every element costs a whole line: 8x the bytes of reading row by row,
where each line is used whole while it is in fast memory. The saving is data movement alone,
spatial reuse in fast memory: caching in the hardware sense.
"""
import numpy as np

CLAIM = "caching"
SIZES = (32, 64, 128)
FAST_MEMORY = 1024      # bytes: 16 lines, fewer than the rows of the smallest matrix


def inputs(size):
    rng = np.random.default_rng(size)
    return {"a": rng.standard_normal((size, size))}


def baseline(a):
    n = a.shape[0]
    s = a[0, 0] * 0.0
    for j in range(n):          # column by column: a stride of one row between reads
        for i in range(n):
            s = s + a[i, j]
    return s


def optimized(a):
    n = a.shape[0]
    s = a[0, 0] * 0.0
    for i in range(n):          # row by row: consecutive reads share a line
        for j in range(n):
            s = s + a[i, j]
    return s
