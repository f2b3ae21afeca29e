"""Memoized Fibonacci: the naive recursion reaches fib(k) along many paths; the memo computes each once."""
CLAIM = "caching"
SIZES = (10, 14, 18)


def inputs(size):
    return {"n": size}


def baseline(n):
    if n < 2:
        return n
    return baseline(n - 1) + baseline(n - 2)


def fib(n, memo):
    if n in memo:          # the traced n is a dict key
        return memo[n]
    value = n if n < 2 else fib(n - 1, memo) + fib(n - 2, memo)
    memo[n] = value
    return value


def optimized(n):
    return fib(n, {})
