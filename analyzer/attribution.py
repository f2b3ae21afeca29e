"""Attribution: how much of the saved work each classical mechanism explains.

For mechanism m, the work it explains is what m could remove from the baseline minus what
m could still remove from the optimized version: an optimization *exercises* caching when
it removes redundancy, not merely when the baseline had some. Shares are those amounts
over the savings S; what no mechanism explains is ``unexplained``.

An op removable by several mechanisms is counted once, in the order of the pass registry
(``analyzer.passes``): dead (DCE removes it whole), redundant (a cache removes every repeat,
at run time), static (what is left of work on inputs known ahead of time: its first
computation, which only partial evaluation moves out of the call). So hoisting static work at run time is caching, and moving it
into ``prepare`` is partial evaluation.

The measure is flops when flops were saved; otherwise multiplications when those were
saved (Winograd trades multiplications for additions); otherwise, when the arithmetic is
unchanged, boundaries (calls, launches, intermediates: inlining, except those of ops another
mechanism removes, ``_boundaries_removable``), then bytes materialized
(the same calls, fused through buffers: inlining); otherwise flops again,
which makes S negative for a trade-off such as recomputation (shares then say which
mechanism the optimized version runs *in reverse*).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from analyzer.measurement import PRICED_MEASURES, UNEXPLAINED, Attribution, Cost, Mechanism, Priced
from analyzer.machines import DEFAULT_MACHINE, Machine
from analyzer.passes import Pass, registry
from analyzer.passes.boundaries import intermediates, launches
from analyzer.passes.columns import as_arrays, columns, reads
from analyzer.trace import Trace

CACHING, DCE, PARTIAL_EVALUATION, INLINING = (Mechanism.CACHING.value, Mechanism.DEAD_CODE_ELIMINATION.value,
                                              Mechanism.PARTIAL_EVALUATION.value, Mechanism.INLINING.value)
MECHANISMS = tuple(m.value for m in Mechanism)
COST_PARTS = {"flops": None, "mults": 0}


@dataclass(frozen=True)
class Measured:
    """One traced version and what each registered pass found in it (pass name -> result)."""
    trace: Trace
    cost: Cost
    found: Mapping[str, Any]

    def claims(self, p: Pass) -> tuple[np.ndarray, np.ndarray]:
        """What pass ``p`` finds removable (``p.removable``) as arrays: (op ids, share of each op's
        work), in the order it lists them; made once per pass (attribution asks for every measure)."""
        made = self.__dict__.setdefault("_claims", {})        # (not a field: frozen, compared by fields)
        if p.name not in made:
            made[p.name] = as_arrays(p.removable(self.found[p.name]))
        return made[p.name]

    @property
    def redundancy(self) -> Any:
        return self.found["redundancy"]

    @property
    def liveness(self) -> Any:
        return self.found["liveness"]

    @property
    def staging(self) -> Any:
        return self.found["staging"]

    @property
    def boundaries(self) -> Any:
        return self.found["boundaries"]

    def evidence(self) -> dict[str, Any]:
        """Every pass's counts, merged: the record's ``Evidence`` fields."""
        out: dict[str, Any] = {}
        for p in registry():
            out.update(p.evidence(self.found[p.name], self.trace))
        moved = self.found.get("traffic")
        out["traffic_kinds"] = dict(moved.kinds) if moved is not None else {}
        out["uncosted"] = dict(getattr(self.trace, "uncosted", {}))
        out["escapes"] = self.trace.escaped_arrays()
        return out


def savings(baseline: Cost, optimized: Cost) -> dict[str, int]:
    b, o = baseline.to_json(), optimized.to_json()
    return {k: b[k] - o[k] for k in b}


def claim_order(prepared: bool) -> tuple[Pass, ...]:
    """The passes in the order they claim work: the registry's, except that when the optimized
    version has a ``prepare``, staging claims before redundancy. Static work moved ahead of time
    is partial evaluation even where the baseline repeated it (a specialized interpreter, the
    first Futamura projection); without ``prepare``, removing the repeats at run time is caching.
    """
    passes = registry()
    if not prepared:
        return passes
    staging = [p for p in passes if p.removes is Mechanism.PARTIAL_EVALUATION]
    rest = [p for p in passes if p.removes is not Mechanism.PARTIAL_EVALUATION]
    first = [p for p in rest if p.removes is Mechanism.DEAD_CODE_ELIMINATION]
    return (*first, *staging, *(p for p in rest if p not in first))


def removable(m: Measured, measure: str, passes: tuple[Pass, ...] | None = None) -> dict[str, float]:
    """Work each mechanism could remove from one version, each op's work counted once.

    Passes claim work in registry order: an op's work goes first to the first pass that
    finds it removable, up to the share that pass names; later passes get what is left.
    (In numpy; each pass's total is summed in the order the pass lists its ops, one at a time,
    so the figures are those of a loop over them.)
    """
    passes = passes or registry()
    made = m.__dict__.setdefault("_removable", {})      # attribute and priced ask the same (not a field)
    key = (measure, tuple(p.name for p in passes))
    if key not in made:
        trace = m.trace
        work = _launches(trace) if measure == "launches" else trace.work_weights(COST_PARTS[measure])
        out = {mechanism: 0.0 for mechanism in MECHANISMS}
        for mechanism, ids, take in _claims(m, passes):
            claimed = take * work[ids]
            out[mechanism] += float(np.cumsum(claimed)[-1]) if len(claimed) else 0.0
        made[key] = out
    return dict(made[key])


def _claims(m: Measured, passes: tuple[Pass, ...]):
    """(mechanism, record ids, share of each claimed) for each pass in ``passes``' order: a record's
    share goes first to the first pass that finds it removable, later passes get what is left."""
    left = np.ones(len(m.trace))        # the share of each op's work not claimed yet
    for p in passes:
        if p.removable is None:
            continue
        ids, shares = m.claims(p)
        take = np.minimum(left[ids], shares)
        taken = take > 0
        left[ids[taken]] -= take[taken]
        yield p.removes.value, ids[taken], take[taken]


def _boundaries_removable(m: Measured, passes: tuple[Pass, ...]) -> dict[str, float]:
    """Boundaries each mechanism could remove from one version. An array op another pass removes
    takes its launch and intermediate with it (a repeated ``v.sum()`` dropped is caching, not
    fusion), and so does what only it reads: the ``ones`` that a repeated ``triu`` masks is gone
    with it, the whole common subexpression. Every other boundary is what inlining removes."""
    trace = m.trace
    share = {mechanism: np.zeros(len(trace)) for mechanism in MECHANISMS}
    for mechanism, ids, take in _claims(m, passes):
        share[mechanism][ids] += take
    _feeders_go_along(trace, share)
    units = _boundary_units(trace)
    out = {mechanism: float(units @ s) for mechanism, s in share.items()}
    out[INLINING] = float(m.boundaries.total) - sum(v for k, v in out.items() if k != INLINING)
    return out


def _feeders_go_along(trace: Trace, share: dict[str, np.ndarray]) -> None:
    """Give to a mechanism, whole, each unclaimed record that is no output and whose every reader
    that mechanism removes whole, until no more are found (in ``share``, in place)."""
    sources, readers = reads(trace, columns(trace))
    n = len(trace)
    read_by = np.bincount(sources, minlength=n)
    unclaimed = sum(share.values()) == 0
    unclaimed[list(trace.outputs)] = False
    for mechanism, s in share.items():
        whole = s >= 1.0
        while True:
            by_whole = np.bincount(sources[whole[readers]], minlength=n)
            found = unclaimed & (read_by > 0) & (by_whole == read_by)
            if not found.any():
                break
            whole |= found
            unclaimed &= ~found
            s[found] = 1.0


def _boundary_units(trace: Trace) -> np.ndarray:
    """Of each record, the array-op boundaries it crosses (``passes.boundaries``): 1 for a launch,
    1 more for the intermediate it materializes, 0 for the rest."""
    work = np.zeros(len(trace))
    launched = launches(trace)
    work[launched] = 1.0
    work[intermediates(trace, launched)] += 1.0
    return work


def _launches(trace: Trace) -> np.ndarray:
    """1.0 for each array op launched (``passes.boundaries.launches``), 0.0 for the rest."""
    work = np.zeros(len(trace))
    work[launches(trace)] = 1.0
    return work


SIGNIFICANCE = 0.01     # a change of arithmetic within 1% of the baseline's is negligible


def negligible(change: float, baseline: float) -> bool:
    """True when a change is too small a share of the baseline's cost to decide anything.

    >>> negligible(300, 2_000_000), negligible(0, 0), negligible(100, 3096)
    (True, True, False)
    """
    return abs(change) <= SIGNIFICANCE * baseline


def arithmetic_unchanged(saved: dict[str, int], b: Measured) -> bool:
    """Flops and multiplications both equal, or differing by a negligible share."""
    return negligible(saved["flops"], b.cost.flops) and negligible(saved["mults"], b.cost.mults)


def _relative_arithmetic_change(saved: dict[str, int], b: Measured) -> float:
    return max(abs(saved["flops"]) / max(b.cost.flops, 1), abs(saved["mults"]) / max(b.cost.mults, 1))


def _traffic_decides(saved: dict[str, int], b: Measured, o: Measured) -> bool:
    """Data movement decides when it is what the optimization saves, priced on the default machine
    (analyzer.machines: the roofline's peak flop rate, bandwidth and launch overhead): less traffic
    (more than 1% of the baseline's), arithmetic unchanged, negligibly changed or increased, and
    more time saved in traffic than the added arithmetic costs and than the launches saved.
    With real arithmetic saved, flops decide. Recomputation that costs more time than the traffic
    it saves (activation checkpointing, which trades work for peak memory) stays caching in reverse.
    """
    if saved["traffic"] <= 0 or negligible(saved["traffic"], b.cost.traffic):
        return False
    if saved["flops"] > 0 and not negligible(saved["flops"], b.cost.flops):
        return False
    machine = DEFAULT_MACHINE
    traffic_time = machine.seconds_of("traffic", saved["traffic"])
    added_arithmetic = machine.seconds_of("flops", max(-saved["flops"], 0))
    launches_saved = machine.seconds_of("launches", max(saved["launches"], 0))
    return traffic_time > added_arithmetic and traffic_time > launches_saved


def _traffic_removable(m: Measured) -> dict[str, float]:
    """Traffic each mechanism could remove: spilled intermediates (written out, read back) are what
    fusion keeps in fast memory (inlining); data read again after eviction is what reuse in fast
    memory saves (tiling, blocking, interchange: caching in the hardware sense)."""
    kinds = m.found["traffic"].kinds
    return {**{k: 0.0 for k in MECHANISMS}, INLINING: float(kinds["spill"]), CACHING: float(kinds["reuse"])}


def _measure(saved: dict[str, int], b: Measured, o: Measured) -> str | None:
    """Which measure the savings are counted in (docs/analyzer.md, "Which measure").

    Boundaries decide when the arithmetic is unchanged or changes negligibly (within 1%) and the
    boundaries change by a larger share of their own total than the arithmetic does: a few hundred
    flops of mask bookkeeping do not outweigh dozens of kernel launches saved, but one call saved
    out of 130 does not outweigh 24 flops of 3,096 folded ahead of time.
    """
    boundary_saved = b.boundaries.total - o.boundaries.total
    same_arithmetic = arithmetic_unchanged(saved, b)
    if _traffic_decides(saved, b, o):
        return "traffic"
    if same_arithmetic and boundary_saved > 0 and \
            boundary_saved / b.boundaries.total > _relative_arithmetic_change(saved, b):
        return "boundaries"
    if same_arithmetic and boundary_saved == 0 and saved["flops"] == 0 and saved["bytes"] > 0:
        return "bytes"  # the same calls and arithmetic, less memory materialized: fused through buffers
    if saved["flops"] > 0:
        return "flops"
    if saved["mults"] > 0:
        return "mults"
    if any(v > 0 for v in saved.values()) or boundary_saved > 0:
        return "flops"
    return None


def attribute(b: Measured, o: Measured, prepared: bool = False) -> Attribution:
    """Attribute the savings; ``prepared``: the optimized version ran a ``prepare`` step."""
    saved = savings(b.cost, o.cost)
    measure = _measure(saved, b, o)
    zero = {m: 0.0 for m in MECHANISMS}
    if measure is None:
        return Attribution(None, 0.0, {**zero, UNEXPLAINED: 0.0}, {"baseline": zero, "optimized": zero}, zero)
    if measure == "traffic":
        s = float(saved["traffic"])
        rb, ro = _traffic_removable(b), _traffic_removable(o)
    elif measure == "boundaries":
        s = float(b.boundaries.total - o.boundaries.total)
        order = claim_order(prepared)
        rb, ro = _boundaries_removable(b, order), _boundaries_removable(o, order)
    elif measure == "bytes":
        s = float(b.cost.bytes - o.cost.bytes)
        rb, ro = {**zero, INLINING: float(b.cost.bytes)}, {**zero, INLINING: float(o.cost.bytes)}
    else:
        s = float(saved[measure])
        order = claim_order(prepared)
        rb, ro = removable(b, measure, order), removable(o, measure, order)
    explained = {m: rb[m] - ro[m] for m in MECHANISMS}
    shares = {m: (explained[m] / s if s else 0.0) + 0.0 for m in MECHANISMS}  # + 0.0: no -0.0
    shares[UNEXPLAINED] = max(0.0, 1.0 - sum(max(v, 0.0) for v in shares.values())) if s else 0.0
    return Attribution(measure, s, shares, {"baseline": rb, "optimized": ro}, explained)


def priced(b: Measured, o: Measured, prepared: bool = False, machine: Machine = DEFAULT_MACHINE) -> Priced:
    """The savings in estimated seconds on ``machine``, split by mechanism (``Priced``).

    In each measure, a mechanism explains what it does in ``attribute``: flops and launches of the
    ops the passes find removable (claimed in the same order), traffic spilled (inlining) or
    reused (caching), and, when the arithmetic is unchanged, the launches saved beyond those
    (inlining: the same work in fewer kernels). Each is priced at the machine's rate and summed;
    what the savings leave over is unexplained.

    >>> from analyzer.tracers import run
    >>> def twice(x): return (x * 2.0) * (x * 2.0)
    >>> def once(x): y = x * 2.0; return y * y
    >>> b, o = Trace(), Trace()
    >>> _ = run(twice, {"x": 3.0}, b); _ = run(once, {"x": 3.0}, o)
    >>> from analyzer.analysis import passes
    >>> p = priced(passes(b), passes(o))
    >>> round(p.shares["caching"], 2)      # one multiplication of three saved, found redundant
    1.0
    """
    order = claim_order(prepared)
    explained = {}
    for measure in ("flops", "launches"):           # each pass over each version once
        before, after = removable(b, measure, order), removable(o, measure, order)
        explained[measure] = {m: before[m] - after[m] for m in MECHANISMS}
    flops, launches = explained["flops"], explained["launches"]
    if arithmetic_unchanged(savings(b.cost, o.cost), b):    # the same work in fewer kernels: fusion
        launches[INLINING] += b.cost.launches - o.cost.launches - sum(launches.values())
    rb, ro = _traffic_removable(b), _traffic_removable(o)
    seconds = {m: machine.seconds_of("flops", flops[m]) + machine.seconds_of("traffic", rb[m] - ro[m])
               + machine.seconds_of("launches", launches[m]) for m in MECHANISMS}
    before = machine.serial_seconds(b.cost.flops, b.cost.traffic, b.cost.launches)
    after = machine.serial_seconds(o.cost.flops, o.cost.traffic, o.cost.launches)
    by_measure = {k: machine.seconds_of(k, getattr(b.cost, k) - getattr(o.cost, k)) + 0.0 for k in PRICED_MEASURES}
    saved = before - after
    explained = sum(v for v in seconds.values() if v > 0)
    seconds[UNEXPLAINED] = max(0.0, saved - explained) if saved > 0 else 0.0
    return Priced(machine.name, before, after, by_measure, {k: v + 0.0 for k, v in seconds.items()})
