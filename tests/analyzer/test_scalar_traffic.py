"""The closed form of a scalar trace's traffic (analyzer/traffic/scalar.py) is the simulation's
figures exactly, wherever it answers: on catalog probes, probes written in everyday styles and
random scalar programs, at fast memories from a few words (where it must decline) to megabytes.
``traffic(..., bulk=False)`` is the simulation alone."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from analyzer.analysis import trace_version
from analyzer.ops import Op
from analyzer.probe import catalog_probe_names, catalog_probe_path, load
from analyzer.traffic.scalar import scalar_traffic
from analyzer.trace import Trace
from analyzer.tracers import run
from analyzer.traffic import traffic

MEMORIES = (8, 16, 64, 256, 4096, 65536, 8 << 20)
LINES = (8, 64)


def figures(r):
    return r.fast_memory, r.line, r.reads, r.writes, dict(r.kinds), dict(r.by_value)


def compare_at_every_memory(trace: Trace, memories=MEMORIES, lines=LINES) -> tuple[int, int]:
    """Asserts the closed form equals the simulation wherever it answers; (answered, declined)."""
    answered = declined = 0
    for line in lines:
        for fast_memory in (m for m in memories if m >= line):
            closed = scalar_traffic(trace, fast_memory, line)
            if closed is None:
                declined += 1
                continue
            answered += 1
            simulated = traffic(trace, fast_memory, line, bulk=False)
            assert figures(closed) == figures(simulated), (fast_memory, line)
            assert figures(traffic(trace, fast_memory, line)) == figures(simulated)   # traffic() uses it
    return answered, declined


# ---- by hand ----

def product_plus(x):
    return (x[0] * x[1]) + x[2]


def test_a_scalar_trace_that_fits_reads_each_input_line_once_and_writes_its_result():
    t = Trace()
    run(product_plus, {"x": [1.0, 2.0, 3.0]}, t)
    r = scalar_traffic(t, 1024, 64)
    assert (r.reads, r.writes) == (64, 8)
    assert dict(r.kinds) == {"cold": 64, "result": 8, "reuse": 0, "spill": 0, "unplaced": 0}
    assert dict(r.by_value) == {0: (64, 0), len(t) - 1: (0, 8)}     # x[0] owns the line; the sum is written


def test_it_answers_up_to_exactly_the_peak_of_resident_bytes_and_declines_above():
    # x's line (64) + x0 * x1 (8) + the sum (8), both alive while the sum is made: 80 bytes
    t = Trace()
    run(product_plus, {"x": [1.0, 2.0, 3.0]}, t)
    assert scalar_traffic(t, 80, 64) is not None
    assert scalar_traffic(t, 79, 64) is None


def test_it_declines_a_trace_with_arrays():
    t = Trace()
    run(lambda a, x: a * x[0], {"a": np.ones(4), "x": [2.0]}, t)
    assert scalar_traffic(t, 8 << 20, 64) is None


def test_it_declines_a_value_read_by_a_record_the_simulation_does_not_walk():
    # a word whose last reader is skipped is never dropped: written out at the end, a spill
    t = Trace()
    x = t.input("x", 2.0)
    y = t.emit(Op.MUL, (x, x), 4.0)
    t.emit(Op.ALIAS, (y,), None)
    t.outputs = (t.emit(Op.ADD, (x, x), 4.0),)
    assert scalar_traffic(t, 8 << 20, 64) is None
    assert traffic(t, 8 << 20, 64).kinds["spill"] == 8


# ---- the simulation's figures, wherever it answers ----

def scalar_catalog_probes() -> list[str]:
    return [n for n in catalog_probe_names() if not n.startswith("torch_")]


@pytest.mark.parametrize("name", scalar_catalog_probes())
def test_the_closed_form_is_the_simulation_on_catalog_probes(name):
    probe = load(catalog_probe_path(name))
    answered = declined = 0
    for size in dict.fromkeys((probe.sizes[0], probe.sizes[-1])):
        for version in ("baseline", "optimized"):
            trace = trace_version(probe, version, size)[1]
            if trace.extras:
                assert scalar_traffic(trace, 8 << 20, 64) is None
                continue
            a, d = compare_at_every_memory(trace)
            answered, declined = answered + a, declined + d
    assert not answered or declined        # a probe it answers has a fast memory too small for it


def test_the_closed_form_answers_on_most_scalar_catalog_probes():
    answered = 0
    for name in ("memoization", "strassen", "fft", "karatsuba", "prefix_sum"):
        probe = load(catalog_probe_path(name))
        answered += scalar_traffic(trace_version(probe, "baseline", probe.sizes[0])[1], 8 << 20, 64) is not None
    assert answered == 5


STYLES = Path(__file__).parent / "probe_styles"


@pytest.mark.parametrize("path", sorted(STYLES.glob("*.py")), ids=lambda p: p.stem)
def test_the_closed_form_is_the_simulation_on_probes_in_everyday_styles(path):
    probe = load(path)
    answered = 0
    for version in ("baseline", "optimized"):
        answered += compare_at_every_memory(trace_version(probe, version, probe.sizes[-1])[1])[0]
    assert answered


VALUES = (1.5, 3, True, 2 + 1j, np.float32(0.5), np.int16(3), 7.25)


def random_program(seed: int) -> Trace:
    """Inputs in a few groups (names may recur: each run of one name starts a line), constants,
    arithmetic of one to three sources on recent or old values, guards without a value, calls."""
    rng = random.Random(seed)
    t = Trace()
    pool: list[int] = []
    for _ in range(rng.randint(1, 4)):
        name = rng.choice("xyz")
        for k in range(rng.randint(1, 12)):
            pool.append(t.input(f"{name}[{k}]", rng.choice(VALUES)))
    for _ in range(rng.randint(0, 3)):
        pool.append(t.const(rng.choice((0.0, 1.0, 2))))
    for _ in range(rng.randint(5, 150)):
        op = rng.choice((Op.ADD, Op.MUL, Op.SUB, Op.NEG, Op.LT, Op.WHERE, Op.BRANCH, Op.CALL))
        if op is Op.CALL:
            t.emit(Op.CALL, (), None)
            continue
        arity = {Op.NEG: 1, Op.BRANCH: 1, Op.WHERE: 3}.get(op, 2)
        srcs = tuple(rng.choice(pool[-8:] if rng.random() < 0.7 else pool) for _ in range(arity))
        value = None if op is Op.BRANCH else rng.choice(VALUES)
        i = t.emit(op, srcs, value)
        if value is not None:
            pool.append(i)
    t.outputs = tuple(rng.sample(pool, rng.randint(1, min(3, len(pool)))))
    return t


def test_the_closed_form_is_the_simulation_on_random_scalar_programs():
    answered = declined = 0
    for seed in range(300):
        a, d = compare_at_every_memory(random_program(seed), (8, 16, 24, 64, 128, 256, 1024, 8192), (8, 16, 64))
        answered, declined = answered + a, declined + d
    assert answered > 1000 and declined > 1000
