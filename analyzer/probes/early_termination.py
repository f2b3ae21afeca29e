"""Early termination of a threshold neuron: the full dot product then the threshold, against the
terms taken largest weight first, stopping as soon as the remaining ones cannot change the sign.

A neuron fires when sum(w_i * x_i) > 0, with inputs x_i in [0, 1] (outputs of a previous
sigmoid-like or clipped layer). The terms still to come can add at least the sum of their
negative weights and at most the sum of their positive ones, so once the partial sum s satisfies
s + (negative rest) > 0 the neuron fires, and once s + (positive rest) <= 0 it stays silent,
whatever those inputs are. The order and both bounds depend on the weights alone (STATIC) and are
computed once in prepare; each step then costs two comparisons with precomputed thresholds.

With weights 100, -1, 2 and the first input on, the sum is at least 99: one multiplication
decides the output where the baseline does three.

The skipped products are not dead in the baseline: each feeds the sum that decides the output.
They become unnecessary only after a runtime test on the partial sum, a guard, so removing them
is dead-code elimination only under a bound proven while running (as SnaPEA's exact mode is).
"""
import random

CLAIM = "dead-code-elimination"   # the catalog's filing (SnaPEA's exact mode); measured: unexplained
SIZES = (8, 16, 32)      # inputs per neuron
STATIC = ("weights",)
NEURONS = 4
BATCH = 16


def inputs(size):
    rng = random.Random(size)
    # heavy-tailed weights, as trained layers have: a few large terms decide most outputs
    weights = [[rng.gauss(0, 1) ** 3 for _ in range(size)] for _ in range(NEURONS)]
    xs = [[rng.random() for _ in range(size)] for _ in range(BATCH)]
    return {"weights": weights, "xs": xs}


def fires(w, x):
    total = w[0] * x[0]
    for i in range(1, len(w)):
        total = total + w[i] * x[i]
    return 1 if total > 0 else 0


def baseline(weights, xs):
    return [[fires(w, x) for w in weights] for x in xs]


def plan(w):
    """(order, fire_above, silent_at_most): the inputs by decreasing |weight|; after the term at
    step t, the neuron surely fires when the partial sum exceeds fire_above[t] (minus the
    negative weights still to come) and is surely silent when it is at most silent_at_most[t]."""
    order = sorted(range(len(w)), key=lambda i: -abs(w[i]))
    fire_above, silent_at_most = [], []
    for t in range(len(order)):
        rest = [w[i] for i in order[t + 1:]]
        fire_above.append(-sum(v for v in rest if v < 0))
        silent_at_most.append(-sum(v for v in rest if v > 0))
    return order, fire_above, silent_at_most


def prepare(weights):
    return {"plans": [(w, *plan(w)) for w in weights]}


def fires_early(neuron, x):
    w, order, fire_above, silent_at_most = neuron
    total = None
    for t, i in enumerate(order):
        term = w[i] * x[i]
        total = term if total is None else total + term
        if total > fire_above[t]:
            return 1
        if total <= silent_at_most[t]:
            return 0
    return 1 if total > 0 else 0


def optimized(xs, plans):
    return [[fires_early(neuron, x) for neuron in plans] for x in xs]
