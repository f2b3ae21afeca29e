"""Literal accumulator: the sum of squares below n by a loop from ``total = 0``, against the
closed form (n-1)n(2n-1)/6 (an identity, none of the four mechanisms)."""
CLAIM = "unexplained"
SIZES = (100,)


def inputs(size):
    return {"n": size}


def baseline(n):
    total = 0
    for i in range(n):
        total = total + i * i
    return total


def optimized(n):
    return (n - 1) * n * (2 * n - 1) // 6
