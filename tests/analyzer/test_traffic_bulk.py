"""The bulk simulation (analyzer/traffic/bulk.py) is the line-by-line one (analyzer/traffic/lines.py):
random numpy programs, traced once, moved through small fast memories both ways, must agree on every
figure. The programs mix what the bulk path decides differently: words among lines, lines touched
in an order unlike their age (rows one by one, then the whole), in-place updates, views, element
reads and writes, and buffers that die while resident."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

from analyzer.ops import Op
from analyzer.trace import Trace
from analyzer.tracers import run
from analyzer.traffic import traffic

N = 24          # (24, 24) float64: 4.5 KiB, 72 lines of 64 bytes (more than a touch done line by line)


def random_steps(seed: int, count: int = 40) -> list[tuple]:
    """A program as data: which op, on which pool entries, decided by a seeded generator."""
    rng = np.random.default_rng(seed)
    kinds = ["add", "scale", "iadd", "out", "view", "rows", "sum", "elem", "word", "setelem", "input"]
    return [(kinds[rng.integers(len(kinds))], *rng.integers(0, 1 << 16, size=4).tolist()) for _ in range(count)]


def program(steps: list[tuple]) -> Callable[..., Any]:
    def run_steps(a, b, x):
        pool, words = [a, b], [x[0] * 1.0]
        for kind, i, j, k, r in steps:
            p, q = pool[i % len(pool)], pool[j % len(pool)]
            w = words[k % len(words)]
            if kind == "add":
                pool.append(p + q)
            elif kind == "scale":
                pool.append(p * w)                              # a word read by an array op
            elif kind == "iadd":
                p += q                                          # read and rewritten in place
            elif kind == "out":
                np.multiply(p, 0.5, out=pool[k % len(pool)])    # overwritten in place
            elif kind == "view":
                pool.append((p.T, p[::-1], p[:, ::-1], p.T.copy())[r % 4])
            elif kind == "rows":                                # rows in an order unlike their age
                order = np.random.default_rng(r).permutation(N)[:N // 2]
                pool.append(np.stack([p[int(row)] + 1.0 for row in order]).sum(axis=0) + np.zeros((N, N)))
            elif kind == "sum":
                words.append(p.sum())
            elif kind == "elem":
                words.append(p[r % N - N // 2, k % N])                 # negative indices too
            elif kind == "word":
                words.append(w * words[r % len(words)] + 1.0)   # words among lines in the LRU order
            elif kind == "setelem":
                p[r % N, k % N] = w
            elif kind == "input":
                words.append(w + x[r % len(x)])                 # scalar-input lines
        return pool[-1], pool[len(pool) // 2], sum(words[-3:])
    return run_steps


def traced(seed: int) -> Trace:
    rng = np.random.default_rng(seed)
    trace = Trace()
    run(program(random_steps(seed)), {"a": rng.normal(size=(N, N)), "b": rng.normal(size=(N, N)),
                                      "x": rng.normal(size=24).tolist()}, trace)
    return trace


def figures(trace: Trace, fast_memory: int, line: int, bulk: bool) -> tuple:
    r = traffic(trace, fast_memory, line, bulk=bulk)
    return r.reads, r.writes, dict(r.kinds), dict(r.by_value)


@pytest.mark.parametrize("seed", range(24))
def test_random_programs_move_the_same_bytes_in_bulk_as_line_by_line(seed):
    trace = traced(seed)
    for fast_memory in (64, 256, 1024, 4096, 16384):
        for line in (8, 64):
            if fast_memory >= line:
                assert figures(trace, fast_memory, line, True) == figures(trace, fast_memory, line, False), \
                    (fast_memory, line)


def test_the_random_programs_evict_words_and_lines_alike():
    # the comparison means something only if the bulk path meets words, spills and re-reads
    r = traffic(traced(0), 1024, 64)
    assert r.kinds["spill"] > 0 and r.kinds["reuse"] > 0


@pytest.mark.parametrize("line", [8, 64])
def test_walks_longer_than_twice_fast_memory_and_large_dead_buffers_move_the_same_bytes(line):
    trace = Trace()
    rng = np.random.default_rng(3)
    run(lambda a, b: (a + b) * a.sum() + b.T, {"a": rng.normal(size=(128, 128)), "b": rng.normal(size=(128, 128))},
        trace)
    for fast_memory in (512, 2048, 8192):
        assert figures(trace, fast_memory, line, True) == figures(trace, fast_memory, line, False)


def by_columns_with_temporaries(a):
    s = a[0, 0] * 0.0
    for j in range(a.shape[1]):
        for i in range(a.shape[0]):
            s = s + a[i, j] * 2.0           # a temporary word between element reads
    return s + a.sum()


@pytest.mark.parametrize("fast_memory", [512, 4096, 1 << 20])
def test_element_loops_move_the_same_bytes_in_bulk_as_line_by_line(fast_memory):
    # each element read follows a word: with nothing evicted (1 MiB) the markers that order them
    # pile up and are pruned; with little room, words and lines leave in one order
    trace = Trace()
    run(by_columns_with_temporaries, {"a": np.random.default_rng(5).normal(size=(48, 48))}, trace)
    for line in (8, 64):
        assert figures(trace, fast_memory, line, True) == figures(trace, fast_memory, line, False)


def random_scalar_program(seed: int) -> Trace:
    """Scalar records as the planned loop of ``Simulation`` meets them: inputs on a few lines, words of
    several sizes, one source read twice (``x * x``), three sources, guards without a value, calls
    that read a word (not walked: it is never dropped), results no one reads."""
    rng = np.random.default_rng(seed)
    t = Trace()
    values = (1.5, 3, 2 + 1j, np.float32(0.5), np.int16(3))
    pool = [t.input(f"x[{k}]", 1.0 + k) for k in range(int(rng.integers(1, 20)))]
    pool.append(t.const(2.0))
    for _ in range(int(rng.integers(20, 300))):
        op = (Op.ADD, Op.MUL, Op.NEG, Op.WHERE, Op.BRANCH, Op.CALL)[int(rng.integers(6))]
        arity = {Op.NEG: 1, Op.BRANCH: 1, Op.WHERE: 3}.get(op, 2)
        srcs = tuple(pool[-1 - int(rng.integers(min(6, len(pool))))] if rng.random() < 0.7 else
                     pool[int(rng.integers(len(pool)))] for _ in range(arity))
        if op is Op.MUL and rng.random() < 0.3:
            srcs = (srcs[0], srcs[0])
        value = None if op in (Op.BRANCH, Op.CALL) else values[int(rng.integers(len(values)))]
        i = t.emit(op, srcs, value)
        if value is not None and rng.random() < 0.9:
            pool.append(i)
    t.outputs = tuple(pool[-2:])
    return t


@pytest.mark.parametrize("seed", range(40))
def test_random_scalar_programs_move_the_same_bytes_planned_as_record_by_record(seed):
    trace = random_scalar_program(seed)
    for fast_memory in (16, 24, 64, 128, 256, 1024):
        for line in (8, 16, 64):
            if fast_memory >= line:
                assert figures(trace, fast_memory, line, True) == figures(trace, fast_memory, line, False), \
                    (fast_memory, line)


def keeps_a_word_across_element_reads(a, w0):
    w = w0 * 1.0                # a word read again at the end: older than every line after it
    s = a[0] * 0.0
    for i in range(len(a)):
        s = s + a[i]            # each element read: a marker, then its line
    for i in range(len(a) - 1, -1, -2):
        s = s + a[i] * w        # back over the lines, reading the old word in between
    return s + w


@pytest.mark.parametrize("fast_memory", [72, 128, 136, 144, 192, 200, 256, 512])
def test_a_word_older_than_the_lines_after_its_marker_leaves_first(fast_memory, monkeypatch):
    """The oldest line may be the one touched right after the first marker (its tick is the
    marker's clock): the word before that marker is older and leaves first. The compiled walk and
    the Python loop agree on it, and both with the line-by-line simulation."""
    import analyzer.traffic.simulation as simulation

    trace = Trace()
    run(keeps_a_word_across_element_reads, {"a": np.arange(40.0), "w0": 3.0}, trace)
    compiled = figures(trace, fast_memory, 8, True), figures(trace, fast_memory, 64, True)
    monkeypatch.setattr(simulation, "COMPILED", None)
    python = figures(trace, fast_memory, 8, True), figures(trace, fast_memory, 64, True)
    assert compiled == python
    assert python == (figures(trace, fast_memory, 8, False), figures(trace, fast_memory, 64, False))
    assert python[1][2]["spill"] > 0 or fast_memory > 200, "the old word is evicted and read back"


def element_styles(b, c, a):
    """Element reads the compiled walk meets in other code: negative indices into float32, a reversed
    view (negative stride), a transposed view, three indices, a read after an in-place write, and
    numpy integers as indices (those go back to Python). (``a`` comes last: not at address 0, where
    an address wrongly below it would be refused rather than used.)"""
    s = a[0] * 0.0
    for i in range(len(a)):
        s = s + a[-i - 1] * a[len(a) - 1 - i]   # float32; one element by a negative index and a positive
    r = b[::-1]
    for i in range(0, len(r), 3):
        s = s + r[i, i % 4] * 2.0               # a view with a negative stride
    t = b.T
    for j in range(4):
        for i in range(0, b.shape[0], 5):
            s = s + t[j, i]
    for i in range(2):
        for j in range(3):
            for k in range(4):
                s = s + c[i, j, k]              # three indices
    for i in range(0, len(a), 4):
        a[i] = a[i] * 2.0                       # written in place, then read
        s = s + a[i]
    for i in np.arange(0, len(a), 7):
        s = s + a[i]                            # numpy integer indices
    return s


@pytest.mark.parametrize("fast_memory", [64, 128, 256, 1024, 4096])
def test_element_reads_of_every_style_move_the_same_bytes_compiled_and_in_python(fast_memory, monkeypatch):
    import analyzer.traffic.simulation as simulation

    rng = np.random.default_rng(11)
    trace = Trace()
    run(element_styles, {"b": rng.normal(size=(40, 4)), "c": rng.normal(size=(2, 3, 4)),
                         "a": rng.normal(size=48).astype(np.float32)}, trace)
    compiled = [figures(trace, fast_memory, line, True) for line in (8, 64) if fast_memory >= line]
    monkeypatch.setattr(simulation, "COMPILED", None)
    python = [figures(trace, fast_memory, line, True) for line in (8, 64) if fast_memory >= line]
    by_line = [figures(trace, fast_memory, line, False) for line in (8, 64) if fast_memory >= line]
    assert compiled == python == by_line
