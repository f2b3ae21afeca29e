"""Dict dispatch: a tiny interpreter runs a fixed program through ``HANDLERS[op](x, k)``,
against the program's arithmetic written out (the same operations, without the calls)."""
import random

CLAIM = "inlining"
SIZES = (16,)


def mul(x, k):
    return x * k


def add(x, k):
    return x + k


HANDLERS = {"mul": mul, "add": add}
PROGRAM = (("mul", 3.0), ("add", 1.0), ("mul", 0.5))


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)]}


def baseline(xs):
    out = []
    for x in xs:
        for op, k in PROGRAM:
            x = HANDLERS[op](x, k)
        out.append(x)
    return out


def optimized(xs):
    return [(x * 3.0 + 1.0) * 0.5 for x in xs]
