"""The first element above a threshold, squared: a comprehension that filters and squares every
match, of which the first is kept, against a loop that returns at the first match."""
CLAIM = "dead-code-elimination"
SIZES = (32,)


def inputs(size):
    return {"xs": [((7 * k) % 101) / 101.0 for k in range(size)], "t": 0.9}


def baseline(xs, t):
    hits = [x * x for x in xs if x > t]
    return hits[0]


def optimized(xs, t):
    for x in xs:
        if x > t:
            return x * x
