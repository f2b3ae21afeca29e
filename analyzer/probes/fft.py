"""Radix-2 Cooley-Tukey FFT against the direct n-point DFT, on complex scalars.

Every twiddle multiplication is counted, including the ones by w^0 = 1: the direct DFT
does n^2 complex multiplications, the FFT (n/2)*log2(n). The twiddle factors and the DFT's
index table are built when the probe loads (for every size it runs), so what is measured is the
transform's own arithmetic, not the setup of its tables.
"""
import cmath
import random

CLAIM = "unexplained"        # filed beyond-the-four (algebraic restructuring), as measured
SIZES = (16, 32, 64, 128, 256)


def twiddles(n):
    return [cmath.exp(-2j * cmath.pi * m / n) for m in range(n)]


TABLES = {n: (twiddles(n), [[(j * k) % n for j in range(n)] for k in range(n)]) for n in (2 ** e for e in range(9))}
HALF_TWIDDLES = {n: twiddles(n) for n in (2 ** e for e in range(1, 9))}


def inputs(size):
    rng = random.Random(size)
    return {"x": [complex(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(size)]}


def baseline(x):
    n = len(x)
    w, index = TABLES[n]
    out = []
    for k in range(n):
        acc = x[0] * w[0]
        row = index[k]
        for j in range(1, n):
            acc = acc + x[j] * w[row[j]]
        out.append(acc)
    return out


def fft(x):
    n = len(x)
    if n == 1:
        return list(x)
    even, odd = fft(x[0::2]), fft(x[1::2])
    w, half = HALF_TWIDDLES[n], len(x) // 2
    t = [w[k] * odd[k] for k in range(half)]
    return [even[k] + t[k] for k in range(half)] + [even[k] - t[k] for k in range(half)]


def optimized(x):
    return fft(x)
