"""The Cooley-Tukey recursion evaluated per output, against the same recursion memoized: the FFT as caching.

Splitting the DFT's sum into even and odd indices and factoring w^k out of the odd half (the
distributive step) gives, for a sub-sequence of length m and 0 <= k < m,

    X[k] = E[k mod m/2] + w_m^k * O[k mod m/2]

with E and O the transforms of the even and odd sub-sequences. The baseline evaluates this
recursion separately for every output index, sharing nothing: n - 1 multiplications and n - 1
additions per output, n(n - 1) of each in all, no fewer than the direct DFT's n^2 (the
restructuring alone saves nothing). The optimized version memoizes the same recursion on
(sub-sequence, index): each of the n values of each of the log2(n) levels is computed once,
n log2(n) multiplications and additions, the FFT's O(n log n). The radix-2 butterfly halves the
multiplications again with w^(k + m/2) = -w^k, a second identity (the `fft` probe measures it).

Both versions multiply by every twiddle factor, w^0 = 1 included, as the `fft` probe does. The
twiddle factors and the index map k -> k mod m/2 are tables built once at import, as an FFT
library's plan is, so the traced work is the transform's own arithmetic.
"""
import cmath
import random

CLAIM = "caching"
SIZES = (16, 32, 64)

LENGTHS = [2 ** j for j in range(1, 13)]
TWIDDLES = {m: [cmath.exp(-2j * cmath.pi * k / m) for k in range(m)] for m in LENGTHS}
HALF_INDEX = {m: [k % (m // 2) for k in range(m)] for m in LENGTHS}


def inputs(size):
    rng = random.Random(size)
    return {"x": [complex(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(size)]}


def transform_at(seq, k):
    """X[k] of the sequence `seq`, by the recursion, sharing nothing."""
    w = TWIDDLES.get(len(seq))
    if w is None:                       # one point is its own transform
        return seq[0]
    half = HALF_INDEX[len(seq)][k]
    even = transform_at(seq[0::2], half)
    odd = transform_at(seq[1::2], half)
    return even + w[k] * odd


def baseline(x):
    return [transform_at(x, k) for k in range(len(x))]


def memoized_transform_at(seq, path, k, memo):
    """The same recursion, each (sub-sequence, index) computed once; `path` names the
    sub-sequence by the even/odd choices that lead to it."""
    key = (path, k)
    if key in memo:
        return memo[key]
    w = TWIDDLES.get(len(seq))
    if w is None:
        return seq[0]
    half = HALF_INDEX[len(seq)][k]
    even = memoized_transform_at(seq[0::2], (*path, "even"), half, memo)
    odd = memoized_transform_at(seq[1::2], (*path, "odd"), half, memo)
    value = memo[key] = even + w[k] * odd
    return value


def optimized(x):
    memo = {}
    return [memoized_transform_at(x, (), k, memo) for k in range(len(x))]
