"""FFT convolution: direct linear convolution of two real length-n sequences against zero-padding both to
N = 2n, transforming them with a scalar radix-2 FFT, multiplying the spectra pointwise and
transforming back.

Direct: n^2 real multiplications. FFT: three length-N transforms of (N/2) log2 N complex
multiplications each, plus N pointwise products (a complex product counts as one).
"""
import cmath
import random

CLAIM = "unexplained"        # filed beyond-the-four (algebraic restructuring), as measured
SIZES = (32, 64, 128)      # at n = 16 the three transforms cost more than direct convolution (782 vs 481 flops)


def inputs(size):
    rng = random.Random(size)
    return {"x": [rng.uniform(-1, 1) for _ in range(size)],
            "h": [rng.uniform(-1, 1) for _ in range(size)]}


def baseline(x, h):
    y = [None] * (len(x) + len(h) - 1)
    for i in range(len(x)):
        for j in range(len(h)):
            p = x[i] * h[j]
            y[i + j] = p if y[i + j] is None else y[i + j] + p
    return y


def fft(a, sign):
    n = len(a)
    if n == 1:
        return list(a)
    even, odd = fft(a[0::2], sign), fft(a[1::2], sign)
    w = [cmath.exp(sign * 2j * cmath.pi * k / n) for k in range(n // 2)]
    t = [w[k] * odd[k] for k in range(n // 2)]
    return [even[k] + t[k] for k in range(n // 2)] + [even[k] - t[k] for k in range(n // 2)]


def optimized(x, h):
    m = len(x) + len(h) - 1
    n = 1 << (m - 1).bit_length()
    xs = fft(list(x) + [0.0] * (n - len(x)), -1)
    hs = fft(list(h) + [0.0] * (n - len(h)), -1)
    y = fft([a * b for a, b in zip(xs, hs)], 1)
    return [(v * (1.0 / n)).real for v in y[:m]]
