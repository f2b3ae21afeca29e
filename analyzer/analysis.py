"""One analysis, in-process: probe -> traces -> passes -> attribution -> verdict -> Measurement.

``measure(probe, sizes)`` traces both versions at every size, runs the registered passes on
each trace, attributes the savings at the largest size and returns the ``Measurement`` record.
The worker (``analyzer.worker``) runs it in a child process; tests call it directly.
"""
from __future__ import annotations

import gc
import time
import traceback
from dataclasses import dataclass, replace
from typing import Any, Callable

from analyzer.attribution import Measured, attribute, priced
from analyzer.growth import exponents
from analyzer.measurement import UNEXPLAINED, Cost, Evidence, Measurement, Priced, SizeRun
from analyzer.passes import registry
from analyzer.passes.columns import scalar_bytes, shared
from analyzer.passes.equivalence import Equivalence, comparable, compare
from analyzer.probe import Probe, ProbeError, load
from analyzer.trace import Trace
from analyzer.tracers import run
from analyzer.residue import novel_work
from analyzer.traffic import DEFAULT_FAST_MEMORY, traffic
from analyzer.verdict import Verdict, decide, explain


def passes(trace: Trace, fast_memory: int | None = None) -> Measured:
    """Every registered pass over one trace; peak memory comes from liveness; ``found["traffic"]``
    is the data movement through a fast memory of ``fast_memory`` bytes (``analyzer.traffic``).

    The garbage collector is paused, as while tracing: the passes build millions of small
    keys, and collecting over a large trace would make them quadratic in practice.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with shared(trace):     # columns, reads and value types: made once for every pass
            found = {p.name: p.run(trace) for p in registry()}
            moved = found["traffic"] = traffic(trace, fast_memory or DEFAULT_FAST_MEMORY)
            cost = replace(trace.cost(scalar_bytes(trace)), peak_bytes=found["liveness"].peak_bytes,
                           traffic=moved.total)
        return Measured(trace, cost, found)
    finally:
        if was_enabled:
            gc.enable()


def _where(probe: Probe, exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(probe.path)]
    return f" (line {frames[-1].lineno})" if frames else ""


def _call(probe: Probe, what: str, fn: Callable[[], Any]) -> Any:
    """Run user code; any exception becomes a one-line ProbeError."""
    try:
        return fn()
    except (ProbeError, MemoryError, RecursionError):
        raise
    except Exception as e:  # noqa: BLE001
        msg = str(e).splitlines()[0] if str(e) else ""
        raise ProbeError(f"probe '{probe.name}': {what} raised {type(e).__name__}"
                         f"{': ' + msg if msg else ''}{_where(probe, e)}") from None


def _inputs(probe: Probe, size: int, module: Any = None) -> dict[str, Any]:
    module = module or probe.module
    values = _call(probe, f"inputs({size})", lambda: module.inputs(size))
    if not isinstance(values, dict):
        raise ProbeError(f"probe '{probe.name}': inputs({size}) must return a dict of name -> value")
    return values


def fresh_module(probe: Probe) -> Any:
    """The probe's module loaded anew, so nothing one run leaves in module state (a cache dict,
    a counter, a traced value) reaches the next: each (size, version) run gets its own."""
    return load(probe.path).module


def _check_output(probe: Probe, version: str, size: int, out: Any, given: dict[str, Any], module: Any) -> None:
    """A ProbeError when an output cannot be compared: a generator, an object without
    equality, or None (named as in-place work when the version changed its inputs: ``given``
    after the run against a fresh ``inputs(size)``, which the protocol makes deterministic)."""
    where = f"probe '{probe.name}': {version}"
    if out is None:
        before = _inputs(probe, size, module)
        changed = [k for k, v in given.items() if k in before and not _same(before[k], v)]
        if changed:
            raise ProbeError(f"{where} returned None and changed its input {', '.join(map(repr, changed))} "
                             "in place: return the result (e.g. return " + changed[0] + ")")
        raise ProbeError(f"{where} returned None: return what it computes")
    problem = comparable(out)
    if problem is not None:
        raise ProbeError(f"{where} returned {problem}")


def _same(a: Any, b: Any) -> bool:
    try:
        return compare(a, b, tolerance=0.0).equal
    except Exception:  # noqa: BLE001 — inputs of any type: unknown counts as unchanged
        return True


def trace_version(probe: Probe, version: str, size: int) -> tuple[Any, Trace, Cost | None]:
    """(raw output, trace, cost of prepare or None) of one version at one size.

    Each call runs in a fresh copy of the probe's module (``fresh_module``). ``optimized``
    runs as the analysis runs it: ``prepare`` first takes the STATIC inputs, and what it
    returns replaces them (traced separately: that work happens ahead of time).
    """
    mod = fresh_module(probe)
    static = frozenset(probe.static)
    values = _inputs(probe, size, mod)
    prepared_cost = None
    prepare = getattr(mod, "prepare", None) if probe.prepare is not None else None
    if version == "optimized" and prepare is not None:
        p_trace = Trace()
        ahead = {k: values.pop(k) for k in probe.static if k in values}
        prepared = _call(probe, "prepare", lambda: run(prepare, ahead, p_trace, mod, frozenset(ahead)))
        if not isinstance(prepared, dict):
            raise ProbeError(f"probe '{probe.name}': prepare must return a dict of name -> value")
        prepared_cost = p_trace.cost()
        values.update(prepared)
        static = frozenset(prepared)
    trace = Trace()
    out = _call(probe, version, lambda: run(getattr(mod, version), values, trace, mod, static))
    _check_output(probe, version, size, out, values, mod)
    return out, trace, prepared_cost


@dataclass(frozen=True)
class SizeResult:
    """Both versions measured at one size, before they become a record."""
    size: int
    baseline: Measured
    optimized: Measured
    equivalence: Equivalence
    attribution: Any
    verdict: Verdict
    prepare: Cost | None
    priced: Priced


def measure_size(probe: Probe, size: int, fast_memory: int | None = None) -> SizeResult:
    fast_memory = fast_memory or probe.fast_memory
    b_out, b_trace, _ = trace_version(probe, "baseline", size)
    b = passes(b_trace, fast_memory)        # (before the next trace: their peaks do not add up)
    o_out, o_trace, prepared_cost = trace_version(probe, "optimized", size)
    o = passes(o_trace, fast_memory)
    eq = compare(b_out, o_out)
    a = attribute(b, o, prepared=prepared_cost is not None)
    return SizeResult(size, b, o, eq, a, decide(eq, a), prepared_cost,
                      priced(b, o, prepared=prepared_cost is not None))


def measure(probe: Probe, sizes: tuple[int, ...] | None = None, claim: str | None = None,
            fast_memory: int | None = None) -> Measurement:
    """The full record; verdict and attribution come from the largest size. ``fast_memory``
    (bytes) overrides the probe's FAST_MEMORY for the traffic measure."""
    started = time.perf_counter()
    sizes = tuple(sorted(set(sizes or probe.sizes)))
    runs = []
    for size in sizes:      # a size that fails stops the analysis, naming the size among several
        try:
            runs.append(measure_size(probe, size, fast_memory))
        except ProbeError as e:
            if len(sizes) == 1:
                raise
            raise ProbeError(f"{e} (at size {size} of {', '.join(map(str, sizes))})") from None
    last = runs[-1]
    b, o, eq, a, v = last.baseline, last.optimized, last.equivalence, last.attribution, last.verdict
    per_size = tuple(SizeRun(r.size, r.baseline.cost, r.optimized.cost, r.verdict.category)
                     for r in runs)
    growth = exponents(sizes, [{"baseline": p.baseline.to_json(), "optimized": p.optimized.to_json()}
                               for p in per_size]) if len(sizes) > 1 else None
    front_ends = sorted(b.trace.front_ends | o.trace.front_ends)
    prepared_flops = last.prepare.flops if last.prepare else 0
    novel = novel_work(b.trace, o.trace) if v.category == UNEXPLAINED else None
    return Measurement(
        probe=probe.name, doc=probe.doc, front_ends=tuple(front_ends), sizes=sizes, size=last.size,
        verdict=v.category, direction=v.direction,
        explanation=explain(v, eq, a, b, o, probe.static, prepared_flops, novel),
        equivalence=eq.label, max_rel_error=eq.finite_error, equivalence_note=eq.reason or None,
        baseline=b.cost, optimized=o.cost,
        prepare=last.prepare if last.prepare is not None else None,
        attribution=a, evidence={"baseline": Evidence(**b.evidence()), "optimized": Evidence(**o.evidence())},
        growth=growth, per_size=per_size, fast_memory=b.found["traffic"].fast_memory,
        novel_flops=novel, priced=last.priced,
        claim=claim or probe.claim,
        seconds=round(time.perf_counter() - started, 3))
