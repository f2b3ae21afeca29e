"""The bulk simulation reuses the lines of dead allocations for later ones
(analyzer/traffic/placement.py); the line-by-line reference (analyzer/traffic/lines.py) gives every
allocation lines of its own. Random numpy programs that make and drop arrays of many sizes, moved
through small fast memories both ways, must agree on every figure, and the recycled state must
cover the live arrays, not every one ever made."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

from analyzer.ops import Op
from analyzer.trace import ArrayCost, Trace
from analyzer.tracers import array_release, run
from analyzer.traffic import traffic
from analyzer.traffic.bulk import Bulk
from analyzer.traffic.layout import index
from analyzer.traffic.lines import LineByLine

N = 24          # columns: a (24, 24) float64 is 72 lines of 64 bytes (more than a touch done line by line)


@pytest.fixture
def release_at_once(monkeypatch):
    """Arrays the program drops leave the trace at once, so the allocator reuses their addresses."""
    monkeypatch.setattr(array_release, "RELEASE_AFTER", 0)


def churn_steps(seed: int, count: int = 60) -> list[tuple]:
    rng = np.random.default_rng(seed)
    kinds = ["grow", "chain", "drop", "iadd", "out", "view", "sum", "elem", "setelem", "keep", "empty"]
    return [(kinds[rng.integers(len(kinds))], *rng.integers(0, 1 << 16, size=3).tolist()) for _ in range(count)]


def churn(steps: list[tuple]) -> Callable[..., Any]:
    """Arrays of 1 to N rows made, combined, written in place and dropped: allocations of many sizes
    dying in every order, some while resident, some after being written out (spilled)."""
    def run_steps(a, b):
        pool, words = [a, b], [a[0, 0] * 1.0]
        for kind, i, j, r in steps:
            p, q = pool[i % len(pool)], pool[j % len(pool)]
            k = min(len(p), len(q), 1 + r % N)
            if kind == "grow":
                pool.append(p[:k] + q[:k])                      # a new allocation of k rows
            elif kind == "chain":                               # temporaries that die at once
                x = p[:k]
                for _ in range(1 + r % 3):
                    x = np.tanh(x * 0.5 + 1.0)
                pool.append(x)
            elif kind == "drop" and len(pool) > 3:
                del pool[i % len(pool)]                         # dropped by the program
            elif kind == "iadd":
                p[:k] += q[:k]
            elif kind == "out":
                np.multiply(q[:k], 0.5, out=p[:k])
            elif kind == "view":
                pool.append((p[::-1], p[::2], p[:, ::-1], p[:k].copy())[r % 4])
            elif kind == "sum":
                words.append(p[:k].sum())
            elif kind == "elem":
                words.append(p[r % len(p), r % N])
            elif kind == "setelem":
                p[r % len(p), j % N] = words[r % len(words)]
            elif kind == "keep":                                # read again much later: spilled between
                pool.insert(0, p * 2.0)
            elif kind == "empty":                               # lines read before they are written
                e = np.empty((k, N))
                e[r % k] = q[0]
                pool.append(e)
        return pool[-1], pool[0], sum(words[-3:])
    return run_steps


def churned(seed: int) -> Trace:
    rng = np.random.default_rng(seed)
    trace = Trace()
    run(churn(churn_steps(seed)), {"a": rng.normal(size=(N, N)), "b": rng.normal(size=(N, N))}, trace)
    return trace


def figures(trace: Trace, fast_memory: int, line: int, bulk: bool) -> tuple:
    r = traffic(trace, fast_memory, line, bulk=bulk)
    return r.reads, r.writes, dict(r.kinds), dict(r.by_value)


@pytest.mark.parametrize("seed", range(16))
def test_recycled_lines_move_the_same_bytes_as_lines_of_their_own(seed, release_at_once):
    trace = churned(seed)
    for fast_memory in (256, 1024, 4096, 16384, 65536):
        for line in (8, 64):
            assert figures(trace, fast_memory, line, True) == figures(trace, fast_memory, line, False), \
                (fast_memory, line)


def test_the_random_programs_recycle_lines_that_were_spilled_and_reused():
    # the comparison means something only if lines are reused, and dead data was written out
    trace = churned(1)
    assert index(trace, 64).top < index(trace, 64, recycle=False).top / 2
    assert traffic(trace, 4096, 64).kinds["spill"] > 0


def chain(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    for _ in range(100):
        x = np.tanh(x * 0.5 + w)
    return x


def test_the_state_covers_the_live_arrays_not_every_one_ever_made(release_at_once):
    rng = np.random.default_rng(0)
    trace = Trace()
    run(chain, {"x": rng.normal(size=(64, 64)), "w": rng.normal(size=(64, 64))}, trace)
    lines_per_array = 64 * 64 * 8 // 64 + 1
    assert index(trace, 64, recycle=False).top // 64 >= 300 * lines_per_array
    assert index(trace, 64).top // 64 <= 5 * lines_per_array        # x, w, two temporaries, the result
    simulation = Bulk(trace, 4096, 64)
    assert len(simulation.log.stamp) <= 5 * lines_per_array
    assert simulation.run() == LineByLine(trace, 4096, 64).run()


def test_lines_that_may_still_be_resident_are_not_reused():
    # y's last reader is a record the simulation does not walk (a call): y is never dropped, its
    # lines stay until evicted, and z must not land on them (it would hit where it misses)
    x, w = np.arange(64.0), np.arange(64.0) + 1
    t = Trace()
    a, b = t.input("x", x), t.input("w", w)
    y = t.emit(Op.MUL, (a, t.const(2.0)), x * 2.0, ArrayCost(64, 0, 0, 512, "multiply"))
    t.emit(Op.CALL, (y,), None)
    z = t.emit(Op.ADD, (b, t.const(1.0)), w + 1.0, ArrayCost(0, 64, 0, 512, "add"))
    u = t.emit(Op.ADD, (a, z), x + w + 1.0, ArrayCost(0, 64, 0, 512, "add"))
    t.outputs = (u,)
    assert index(t, 64).span[y][0] != index(t, 64).span[z][0]
    for line in (8, 64):
        assert figures(t, 1536, line, True) == figures(t, 1536, line, False)
