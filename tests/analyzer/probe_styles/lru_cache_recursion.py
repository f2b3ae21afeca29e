"""lru_cache: the ways to climb n stairs by steps of 1 or 2, a naive recursion with literal
base cases, against the same recursion memoized with functools.lru_cache."""
import functools

CLAIM = "caching"
SIZES = (12,)


def inputs(size):
    return {"n": size}


def ways(n):
    if n < 2:
        return 1
    return ways(n - 1) + ways(n - 2)


def baseline(n):
    return ways(n)


def optimized(n):
    @functools.lru_cache(maxsize=None)      # a fresh cache per call: nothing leaks between runs
    def cached(k):
        if k < 2:
            return 1
        return cached(k - 1) + cached(k - 2)
    return cached(n)
