"""Radix-2 Cooley-Tukey FFT against the direct n-point DFT, on complex scalars.

Every twiddle multiplication is counted, including the ones by w^0 = 1: the direct DFT
does n^2 complex multiplications, the FFT (n/2)*log2(n).
"""
import cmath
import random

CLAIM = "unexplained"        # filed beyond-the-four (algebraic restructuring), as measured
SIZES = (16, 32, 64, 128, 256)


def twiddles(n):
    return [cmath.exp(-2j * cmath.pi * m / n) for m in range(n)]


def inputs(size):
    rng = random.Random(size)
    return {"x": [complex(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(size)]}


def baseline(x):
    n = len(x)
    w = twiddles(n)
    out = []
    for k in range(n):
        acc = x[0] * w[0]
        for j in range(1, n):
            acc = acc + x[j] * w[(j * k) % n]
        out.append(acc)
    return out


def fft(x):
    n = len(x)
    if n == 1:
        return list(x)
    even, odd = fft(x[0::2]), fft(x[1::2])
    w = twiddles(n)
    t = [w[k] * odd[k] for k in range(n // 2)]
    return [even[k] + t[k] for k in range(n // 2)] + [even[k] - t[k] for k in range(n // 2)]


def optimized(x):
    return fft(x)
