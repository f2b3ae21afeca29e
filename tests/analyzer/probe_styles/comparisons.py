"""Comparisons in the builtins' hands: ``sorted``, ``max`` over a generator, a dict keyed by a
test, a count of tests, a chained comparison; the optimized version no longer builds a list
nothing reads."""
CLAIM = "dead-code-elimination"
SIZES = (16,)


def inputs(size):
    return {"xs": [((7 * k) % 11) / 11.0 for k in range(size)], "t": 0.5}


def summary(xs, t, keep):
    top = sorted(xs)[-1]
    big = max(v * v for v in xs)
    tally = {}
    for v in xs:
        tally[v > t] = tally.get(v > t, 0) + 1
    above = sum(v > t for v in xs)
    inside = 0.0 < xs[0] < 1.0
    scaled = [v * 3.0 for v in xs] if keep else None
    return top, big, tally[True], above, inside


def baseline(xs, t):
    return summary(xs, t, True)


def optimized(xs, t):
    return summary(xs, t, False)
