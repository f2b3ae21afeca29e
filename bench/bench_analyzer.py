"""Speed of the analyzer: `python bench/bench_analyzer.py` prints the figures of one run.

Goals (issue 3): scalar tracer >= 1,000,000 traced ops/s; array tracer <= 2 us added per
numpy call; every pass linear, a 1,000,000-op trace analyzed in <= 5 s; `--all` over the
catalog probes <= 60 s on a 2-core machine. Issue 17: scalar tracer >= 3,000,000 ops/s, all
passes together in at most the tracing time, a trace <= 100 bytes per op.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from analyzer.trace import Trace  # noqa: E402
from analyzer.tracers import run  # noqa: E402
from analyzer.analysis import passes  # noqa: E402


def scalar_workload(x: float, r: float, n: int) -> float:
    """5 traced ops per iteration: the chaotic logistic map (fresh values, bounded) plus one
    loop-invariant product recomputed at every iteration (redundant), like a real probe."""
    for _ in range(n):
        gain = r * r
        x = (x * (1.0 - x)) * (gain - 11.31)
    return x


class Unrecorded:
    """The floor of any operator-overloading tracer: a number whose operators make a new
    object as ``Scalar``'s do (no ``__init__`` frame) and record nothing."""
    __slots__ = ("v",)

    def __init__(self, v: float) -> None:
        self.v = v

    def __mul__(a, b):
        s = _new(Unrecorded)
        s.v = a.v * (b.v if type(b) is Unrecorded else b)
        return s

    def __sub__(a, b):
        s = _new(Unrecorded)
        s.v = a.v - (b.v if type(b) is Unrecorded else b)
        return s

    def __rsub__(a, b):
        s = _new(Unrecorded)
        s.v = b - a.v
        return s

    __rmul__ = __mul__


_new = object.__new__


def bench_scalar(ops: int = 1_000_000) -> Trace:
    n = ops // 5
    t0 = time.perf_counter()
    scalar_workload(0.3, 3.9, n)
    plain = time.perf_counter() - t0
    import gc
    gc.disable()                    # as tracing runs: the collector paused
    try:
        t0 = time.perf_counter()
        scalar_workload(Unrecorded(0.3), Unrecorded(3.9), n)
        floor = time.perf_counter() - t0
    finally:
        gc.enable()
    trace = Trace()
    t0 = time.perf_counter()
    run(scalar_workload, {"x": 0.3, "r": 3.9, "n": n}, trace)
    traced = time.perf_counter() - t0
    recorded = sum(1 for r in trace.records if r[0].value in ("add", "sub", "mul"))
    print(f"scalar tracer: {recorded:,} ops in {traced:.3f} s = {recorded / traced / 1e6:.2f} M traced ops/s "
          f"(untraced {plain:.3f} s; slowdown {traced / plain:.0f}x)   goal >= 3.00 M/s")
    print(f"  the floor, operators that record nothing: {ops / floor / 1e6:.2f} M ops/s "
          f"({floor / plain:.0f}x untraced); tracing costs {traced / floor:.2f}x the floor")
    return trace


def bench_memory(ops: int = 1_000_000) -> None:
    """Issue 17: what a trace holds per record, by tracemalloc over tracing the scalar workload."""
    import tracemalloc
    tracemalloc.start()
    trace = Trace()
    run(scalar_workload, {"x": 0.3, "r": 3.9, "n": ops // 5}, trace)
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"trace memory: {held / len(trace):.0f} bytes per record held, {peak / len(trace):.0f} at peak "
          f"({len(trace):,} records)   goal <= 100")


def bench_array(calls: int = 20_000, rounds: int = 5) -> None:
    """Issue 3/17: what tracing adds to one numpy call, best of ``rounds`` rounds of ``calls`` calls
    each, untraced and traced alternated (a round is a few tens of milliseconds: the best one is the
    one the load hit least). The trace keeps every result, as a real run does."""
    from analyzer.tracers import tracing
    from analyzer.tracers.array import traced_array
    a, b = np.ones(16), np.full(16, 2.0)
    trace = Trace()
    best = {"plain": 9e9, "traced": 9e9, "operator": 9e9}
    with tracing(trace):    # as in a real run: the collector paused
        ta, tb = traced_array(a, trace.input("a", a), trace), traced_array(b, trace.input("b", b), trace)
        for _ in range(rounds):
            t0 = time.perf_counter()
            for _ in range(calls):
                np.add(a, b)
            best["plain"] = min(best["plain"], (time.perf_counter() - t0) / calls)
            t0 = time.perf_counter()
            for _ in range(calls):
                np.add(ta, tb)
            best["traced"] = min(best["traced"], (time.perf_counter() - t0) / calls)
            t0 = time.perf_counter()
            for _ in range(calls):
                ta + tb
            best["operator"] = min(best["operator"], (time.perf_counter() - t0) / calls)
    plain, traced, operator = best["plain"], best["traced"], best["operator"]
    print(f"array tracer: np.add on 16 floats {plain * 1e6:.2f} us untraced, {traced * 1e6:.2f} us traced "
          f"= {(traced - plain) * 1e6:.2f} us added per numpy call (x{traced / plain:.1f}); "
          f"via the + operator {(operator - plain) * 1e6:.2f} us added (best of {rounds} rounds of "
          f"{calls:,} calls; {len(trace):,} records kept)   goal <= 2 us")


def array_chain(x: np.ndarray, w: np.ndarray, n: int) -> np.ndarray:
    """3 numpy calls per step on arrays the size of ``x``; the probe holds two of them live."""
    for _ in range(n // 3):
        x = np.tanh(x * 0.5 + w)
    return x


def bench_array_memory(ops: int = 2_000, side: int = 512) -> None:
    """Issue 17: peak memory (tracemalloc) of tracing a chain of numpy calls on side x side float64
    arrays and running the passes on it, against the peak of the untraced chain."""
    import tracemalloc
    x, w = np.random.default_rng(0).standard_normal((2, side, side))
    tracemalloc.start()
    array_chain(x, w, ops)
    untraced = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    t0 = time.perf_counter()
    trace = Trace()
    run(array_chain, {"x": x, "w": w, "n": ops}, trace)
    (held, traced), tracing = tracemalloc.get_traced_memory(), time.perf_counter() - t0
    t0 = time.perf_counter()
    passes(trace)
    peak, took = tracemalloc.get_traced_memory()[1], time.perf_counter() - t0
    tracemalloc.stop()
    n, mib = len(trace.extras), 2**20
    print(f"array trace memory: {n:,} numpy calls on {side}x{side} float64 ({x.nbytes / mib:.0f} MiB each), "
          f"the untraced chain's peak {untraced / mib:.0f} MiB: tracing peak {traced / mib:,.0f} MiB "
          f"({traced / untraced:.1f}x; {tracing:.1f} s), the trace holds {(held - untraced) / n / 1024:,.1f} KiB "
          f"per call after it; with the passes peak {peak / mib:,.0f} MiB ({peak / untraced:.1f}x, "
          f"{(peak - untraced) / n / 1024:,.1f} KiB per call; {took:.1f} s)   goal: kilobytes per call")


def bench_passes(rounds: int = 7) -> None:
    """Issue 17: the passes against the tracing, at three lengths (the best of ``rounds`` each), and
    at 1 M ops the median of each round's own ratio (the passes of the trace just made: the two
    share the machine's load of the moment). They run in a process with the probe worker's
    settings (``analyzer.runner.SPEED_ENV``: its malloc settings and one BLAS thread), as `taxo
    analyze` runs them: with glibc's defaults each pass's temporaries fault in afresh, and an idle
    BLAS pool spins beside them."""
    import statistics
    from analyzer.runner import SPEED_ENV
    if any(os.environ.get(k) != v for k, v in SPEED_ENV.items()):
        subprocess.run([sys.executable, __file__, "passes"], env={**os.environ, **SPEED_ENV}, check=True)
        return
    times: dict[int, float] = {}
    tracing: dict[int, float] = {}
    ratios: list[float] = []
    for _ in range(rounds):
        for ops in (250_000, 500_000, 1_000_000):
            trace = Trace()
            t0 = time.perf_counter()
            run(scalar_workload, {"x": 0.3, "r": 3.9, "n": ops // 5}, trace)
            traced = time.perf_counter() - t0
            t0 = time.perf_counter()
            passes(trace)
            took = time.perf_counter() - t0
            tracing[ops], times[ops] = min(tracing.get(ops, 9e9), traced), min(times.get(ops, 9e9), took)
            if ops == 1_000_000:
                ratios.append(took / traced)
            del trace
    parts = ", ".join(f"{ops:,} ops {s:.2f} s" for ops, s in times.items())
    ratio = times[1_000_000] / times[250_000]
    print(f"passes (cost, redundancy, liveness, staging, boundaries, traffic): {parts}; "
          f"4x the ops -> {ratio:.1f}x the time (linear = 4)   goal <= 5 s at 1,000,000")
    print(f"passes / tracing at 1,000,000 ops (best of {rounds}): {times[1_000_000]:.3f} s / "
          f"{tracing[1_000_000]:.3f} s = {times[1_000_000] / tracing[1_000_000]:.2f}x; median of the rounds' "
          f"ratios {statistics.median(ratios):.2f}x (from {min(ratios):.2f} to {max(ratios):.2f})   goal <= 1.00x")


PROBE_5M = '''"""The logistic map with a loop-invariant product: 5 traced ops per iteration in the baseline
(r * r recomputed every time), 3 in the optimized version (hoisted): caching."""
CLAIM = "caching"
SIZES = (1_000_000,)


def inputs(size):
    return {"x": 0.3, "r": 3.9, "n": size}


def baseline(x, r, n):
    for _ in range(n):
        gain = r * r
        x = (x * (1.0 - x)) * (gain - 11.31)
    return x


def optimized(x, r, n):
    gain = r * r - 11.31
    for _ in range(n):
        x = (x * (1.0 - x)) * gain
    return x
'''


def bench_analyze_5m() -> None:
    """Issue 17: `taxo analyze` with defaults on a probe of 5 M scalar ops per version (the baseline;
    3 M the optimized), against running the two versions untraced (best of 3), in one process each.
    Wall clock and CPU time both: the untraced run is a tenth of a second, so its wall time moves
    with the load; CPU time (the analysis's workers included) moves less."""
    import resource
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe5m.py"
        path.write_text(PROBE_5M)
        untraced = subprocess.run(
            [sys.executable, "-c", "import sys, time, runpy; m = runpy.run_path(sys.argv[1]); best = cpu = 9e9\n"
             "for _ in range(3):\n t0, c0 = time.perf_counter(), time.process_time(); [m[v](**m['inputs'](1_000_000)) "
             "for v in ('baseline', 'optimized')]; best = min(best, time.perf_counter() - t0); "
             "cpu = min(cpu, time.process_time() - c0)\nprint(best, cpu)", str(path)],
            capture_output=True, text=True, check=True)
        plain, plain_cpu = map(float, untraced.stdout.split())
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "analyzer", str(path)], cwd=ROOT, capture_output=True, text=True)
        took = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(f"taxo analyze on a 5 M-op probe: {took:.1f} s, the two versions untraced {plain:.3f} s = "
          f"{took / plain:.0f}x; CPU time {cpu:.1f} s against {plain_cpu:.3f} s = {cpu / plain_cpu:.0f}x "
          f"(exit {done.returncode})   goal <= 40x")


def bench_traffic() -> None:
    """Issue 13: the traffic measure costs at most as much again as the analysis without it."""
    from analyzer.analysis import trace_version
    from analyzer.passes import registry
    from analyzer.probe import catalog_probe_path, load
    from analyzer.traffic import traffic

    def timed(make_trace, fast_memory):
        t0 = time.perf_counter()
        trace = make_trace()
        for p in registry():
            p.run(trace)
        analysis = time.perf_counter() - t0
        t0 = time.perf_counter()
        traffic(trace, fast_memory)
        return analysis, time.perf_counter() - t0

    def scalar() -> Trace:
        trace = Trace()
        run(scalar_workload, {"x": 0.3, "r": 3.9, "n": 200_000}, trace)
        return trace
    cases = {"scalar 1,000,000 ops, 512 KiB": (scalar, 512 * 1024)}
    for name in ("flash_attention_io", "loop_tiling", "operator_fusion"):
        probe = load(catalog_probe_path(name))
        make = (lambda p: lambda: trace_version(p, "baseline", p.sizes[-1])[1])(probe)
        memory = probe.fast_memory or 512 * 1024
        cases[f"{name} baseline at {probe.sizes[-1]}, {memory // 1024} KiB"] = (make, memory)
    parts = []
    for label, (make, memory) in cases.items():
        analysis, moved = timed(make, memory)
        parts.append(f"{label}: {analysis:.2f} s + {moved:.2f} s ({(analysis + moved) / analysis:.2f}x)")
    print(f"traffic (trace + passes, + traffic): {'; '.join(parts)}   goal <= 2.00x")


def bench_traffic_catalog(repeats: int = 3) -> None:
    """Issue 13 over the catalog: each probe's analysis (``measure``, every size) with the traffic
    measure against the same analysis with a traffic model that moves nothing; best of
    ``repeats`` each, alternated, so load hits both alike."""
    import statistics
    from types import MappingProxyType

    import analyzer.analysis as analysis
    from analyzer.probe import catalog_probe_names, catalog_probe_path, load
    from analyzer.traffic import KINDS, Traffic, traffic

    def nothing(trace, fast_memory=0, line=64):
        return Traffic(fast_memory, line, 0, 0, MappingProxyType(dict.fromkeys(KINDS, 0)), MappingProxyType({}))

    ratios = {}
    for name in catalog_probe_names():
        if name.startswith("torch_"):
            try:
                import torch  # noqa: F401
            except ImportError:
                continue
        probe = load(catalog_probe_path(name))
        best = {}
        for _ in range(repeats):
            for label, model in (("with", traffic), ("without", nothing)):
                analysis.traffic = model
                t0 = time.perf_counter()
                analysis.measure(probe)
                best[label] = min(best.get(label, float("inf")), time.perf_counter() - t0)
        ratios[name] = best["with"] / best["without"]
    analysis.traffic = traffic
    worst = sorted(ratios, key=ratios.get)[-3:]
    print(f"traffic over {len(ratios)} catalog probes (measure with / without): median "
          f"{statistics.median(ratios.values()):.2f}x, worst {', '.join(f'{n} {ratios[n]:.2f}x' for n in worst)}"
          f"   goal <= 2.00x")


def bench_all() -> None:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "analyzer", "--all"], cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - t0
    probes = len(list((ROOT / "analyzer" / "probes").glob("[!_]*.py")))
    print(f"--all over {probes} catalog probes: {took:.1f} s (exit {done.returncode})   goal <= 60 s")


if __name__ == "__main__" and sys.argv[1:] == ["passes"]:
    bench_passes()
elif __name__ == "__main__":
    bench_scalar()
    bench_memory()
    bench_array()
    bench_array_memory()
    bench_passes()
    bench_analyze_5m()
    bench_traffic()
    bench_traffic_catalog()
    bench_all()
