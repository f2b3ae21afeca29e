"""The child entry point: trace one probe, run the passes, print ONE JSON object.

``python -m analyzer.worker PROBE.py [--sizes 8,16] [--claim caching] [--memory BYTES]``
prints ``{"ok": true, "result": {...}}`` or ``{"ok": false, "error": "one line"}``.
``measure(probe, sizes)`` is the same analysis in-process (tests call it directly).
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import sys
import time
import traceback
from typing import Any, Callable

from analyzer.attribution import Measured, attribute, savings
from analyzer.growth import exponents
from analyzer.passes.boundaries import boundaries
from analyzer.passes.equivalence import compare
from analyzer.passes.liveness import dead_ops
from analyzer.passes.redundancy import redundant_ops
from analyzer.passes.staging import static_ops
from analyzer.probe import Probe, ProbeError, load
from analyzer.trace import Trace
from analyzer.tracers import run
from analyzer.verdict import decide, explain


def passes(trace: Trace) -> Measured:
    """Every pass over one trace; peak memory comes from liveness.

    The garbage collector is paused, as while tracing: the passes build millions of small
    keys, and collecting over a large trace would make them quadratic in practice.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        cost = trace.cost()
        live = dead_ops(trace)
        cost.peak_bytes = live.peak_bytes
        return Measured(trace, cost, redundant_ops(trace), live, static_ops(trace), boundaries(trace))
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


def _inputs(probe: Probe, size: int) -> dict[str, Any]:
    values = _call(probe, f"inputs({size})", lambda: probe.module.inputs(size))
    if not isinstance(values, dict):
        raise ProbeError(f"probe '{probe.name}': inputs({size}) must return a dict of name -> value")
    return values


def trace_version(probe: Probe, version: str, size: int) -> tuple[Any, Trace, Any]:
    """(raw output, trace, cost of prepare or None) of one version at one size.

    ``optimized`` runs as the analysis runs it: ``prepare`` first takes the STATIC inputs,
    and what it returns replaces them (traced separately: that work happens ahead of time).
    """
    mod, static = probe.module, frozenset(probe.static)
    values = _inputs(probe, size)
    prepared_cost = None
    if version == "optimized" and probe.prepare is not None:
        p_trace = Trace()
        ahead = {k: values.pop(k) for k in probe.static if k in values}
        prepared = _call(probe, "prepare", lambda: run(probe.prepare, ahead, p_trace, mod, frozenset(ahead)))
        if not isinstance(prepared, dict):
            raise ProbeError(f"probe '{probe.name}': prepare must return a dict of name -> value")
        prepared_cost = p_trace.cost()
        values.update(prepared)
        static = frozenset(prepared)
    trace = Trace()
    out = _call(probe, version, lambda: run(getattr(mod, version), values, trace, mod, static))
    return out, trace, prepared_cost


def measure_size(probe: Probe, size: int) -> dict[str, Any]:
    """Trace both versions at one size; returns the objects the views need."""
    b_out, b_trace, _ = trace_version(probe, "baseline", size)
    o_out, o_trace, prepared_cost = trace_version(probe, "optimized", size)
    b, o = passes(b_trace), passes(o_trace)
    eq = compare(b_out, o_out)
    a = attribute(b, o)
    v = decide(eq, a)
    return {"size": size, "b": b, "o": o, "eq": eq, "attribution": a, "verdict": v,
            "prepare": prepared_cost}


def _finite(x: float | None) -> float | None:
    return None if x is None or math.isinf(x) or math.isnan(x) else x


def _evidence(m: Measured) -> dict[str, Any]:
    t = m.trace
    return {"redundant_ops": m.redundancy.ops, "redundant_flops": round(m.redundancy.work(t), 3),
            "dead_ops": len(m.liveness.dead), "dead_flops": m.liveness.work(t),
            "static_ops": len(m.staging.static), "static_flops": m.staging.work(t),
            "calls": m.boundaries.calls, "calls_by_function": m.boundaries.calls_by_function,
            "launches": m.boundaries.launches, "intermediates": m.boundaries.intermediates,
            "intermediate_bytes": m.boundaries.intermediate_bytes}


def measure(probe: Probe, sizes: tuple[int, ...] | None = None, claim: str | None = None) -> dict[str, Any]:
    """The full JSON-ready result; verdict and attribution come from the largest size."""
    started = time.perf_counter()
    sizes = tuple(sorted(sizes or probe.sizes))
    per_size, last = [], None
    for size in sizes:
        last = measure_size(probe, size)
        per_size.append({"size": size, "baseline": last["b"].cost.as_dict(),
                         "optimized": last["o"].cost.as_dict(), "verdict": last["verdict"].category})
    assert last is not None
    b, o, eq, a, v = last["b"], last["o"], last["eq"], last["attribution"], last["verdict"]
    claim = claim or probe.claim
    prepared_flops = last["prepare"].flops if last["prepare"] else 0
    result: dict[str, Any] = {
        "probe": probe.name, "path": str(probe.path), "doc": probe.doc,
        "sizes": list(sizes), "size": last["size"],
        "verdict": v.category, "direction": v.direction,
        "explanation": explain(v, eq, a, b, o, probe.static, prepared_flops),
        "equivalence": eq.label, "max_rel_error": _finite(eq.max_rel_error), "equivalence_note": eq.reason,
        "cost": {"baseline": b.cost.as_dict(), "optimized": o.cost.as_dict()},
        "savings": savings(b.cost, o.cost),
        "attribution": a.as_dict(),
        "evidence": {"baseline": _evidence(b), "optimized": _evidence(o)},
        "growth": exponents(sizes, [{"baseline": p["baseline"], "optimized": p["optimized"]}
                                    for p in per_size]) if len(sizes) > 1 else None,
        "per_size": per_size,
        "claim": claim, "agrees": (claim == v.category) if claim else None,
    }
    if last["prepare"] is not None:
        result["cost"]["prepare"] = last["prepare"].as_dict()
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _limit_memory(nbytes: int) -> None:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (nbytes, nbytes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyzer.worker")
    parser.add_argument("probe")
    parser.add_argument("--sizes", default=None)
    parser.add_argument("--claim", default=None)
    parser.add_argument("--memory", type=int, default=0)
    args = parser.parse_args(argv)
    out = sys.stdout
    name = args.probe.rsplit("/", 1)[-1].removesuffix(".py")
    try:
        if args.memory:
            _limit_memory(args.memory)
        sys.stdout = sys.stderr     # the probe's own prints must not corrupt the JSON line
        probe = load(args.probe)
        sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None
        payload: dict[str, Any] = {"ok": True, "result": measure(probe, sizes, args.claim)}
    except ProbeError as e:
        payload = {"ok": False, "error": str(e)}
    except MemoryError:
        limit = f" (limit {args.memory / 2**30:.3g} GiB)" if args.memory else ""
        payload = {"ok": False, "error": f"probe '{name}' ran out of memory{limit}"}
    except RecursionError:
        payload = {"ok": False, "error": f"probe '{name}' exceeded the recursion limit"}
    except SystemExit as e:
        payload = {"ok": False, "error": f"probe '{name}' called sys.exit({e.code!r})"}
    except Exception as e:  # noqa: BLE001 — an analyzer bug still yields one line
        payload = {"ok": False, "error": f"probe '{name}': analyzer failed: {type(e).__name__}: {e}"}
    finally:
        sys.stdout = out
    out.write(json.dumps(payload) + "\n")
    out.flush()
    return 0 if payload["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
