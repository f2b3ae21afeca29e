"""Verdict: the category the measurements support, with the numbers that produced it.

Changed outputs -> ``ai-specific``; nothing saved on any cost -> ``none``; otherwise the
mechanism with the largest share, ``unexplained`` included. It never forces one of the
four: when value numbering, liveness and staging do not reproduce the savings, it says so.

>>> from analyzer.passes.equivalence import Equivalence
>>> decide(Equivalence(False, 0.1), None).category
'ai-specific'
"""
from __future__ import annotations

from dataclasses import dataclass

from analyzer.attribution import CACHING, DCE, INLINING, MECHANISMS, PARTIAL_EVALUATION, Measured
from analyzer.measurement import AI_SPECIFIC, NONE, UNEXPLAINED, Attribution
from analyzer.passes.equivalence import Equivalence


@dataclass(frozen=True)
class Verdict:
    category: str
    direction: str = "forward"      # "reverse": the optimized version trades work for memory


TIE_ORDER = (CACHING, DCE, PARTIAL_EVALUATION, INLINING)    # equal shares: the first of these wins


def decide(eq: Equivalence, attribution: Attribution | None) -> Verdict:
    if not eq.equal:
        return Verdict(AI_SPECIFIC)
    if attribution is None or attribution.measure is None:
        return Verdict(NONE)
    order = (*TIE_ORDER, UNEXPLAINED)
    direction = "reverse" if attribution.savings < 0 else "forward"
    if all(attribution.shares[m] <= 0 for m in order):
        return Verdict(UNEXPLAINED, direction)  # savings no pass accounts for: never a tie-break winner
    best = max(order, key=lambda m: (attribution.shares[m], -order.index(m)))
    return Verdict(best, direction)


def _n(x: float) -> str:
    return f"{round(x):,}"


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def explain(v: Verdict, eq: Equivalence, a: Attribution, b: Measured, o: Measured,
            static_names: tuple[str, ...] = (), prepared_flops: int = 0, novel_flops: int | None = None) -> str:
    """One plain-language paragraph with the real numbers behind the verdict.

    ``novel_flops`` (analyzer.residue.novel_work) says what an unexplained residue is made of;
    the caller computes it once for the record and the paragraph."""
    unit = a.measure or "flops"
    total_b = {"mults": b.cost.mults, "boundaries": b.boundaries.total, "bytes": b.cost.bytes}.get(unit, b.cost.flops)
    scalar_only = b.cost.launches == 0 and o.cost.launches == 0
    if v.category == AI_SPECIFIC:
        err = "different shapes" if eq.max_rel_error is None else f"{eq.max_rel_error:.3g} (relative)"
        return (f"The outputs differ by {err}, beyond numerical noise: the optimized version "
                f"computes a different function, which no semantics-preserving pass does. "
                f"It costs {_n(o.cost.flops)} flops against {_n(b.cost.flops)} and reads "
                f"{_n(o.cost.input_bytes)} bytes of inputs against {_n(b.cost.input_bytes)}: ai-specific.")
    if v.category == NONE:
        return (f"The optimized version saves nothing: {_n(o.cost.flops)} flops against "
                f"{_n(b.cost.flops)}, {o.cost.calls} calls against {b.cost.calls}, and no less memory: none.")
    if a.measure == "traffic":
        return _traffic_explanation(v, a, b, o)
    if v.direction == "reverse":
        more = f"The optimized version does {_n(-a.savings)} more {unit} than the baseline " \
               f"({_n(o.cost.flops)} against {_n(b.cost.flops)} flops), "
        if v.category == CACHING:
            why = f"{_n(a.removable['optimized'][CACHING])} of them recomputing values it had already computed"
        else:
            why = "extra work that none of the four mechanisms accounts for"
        if o.cost.peak_bytes < b.cost.peak_bytes:
            gain = (f"In exchange its peak live memory drops from {_n(b.cost.peak_bytes)} to "
                    f"{_n(o.cost.peak_bytes)} bytes" + (
                        f", and it moves {_n(b.cost.traffic - o.cost.traffic)} fewer bytes between slow and fast "
                        f"memory ({_n(o.cost.traffic)} against {_n(b.cost.traffic)})."
                        if o.cost.traffic < b.cost.traffic else "."))
        else:
            gain = "It saves no memory the analyzer measures (it may save memory traffic, which is not traced)."
        return f"{more}{why}: {v.category} in reverse. {gain}"
    if v.category == CACHING:
        if scalar_only:
            rb, ro = b.redundancy.ops, o.redundancy.ops
            return (f"The baseline computed {_n(rb)} of its {_n(b.cost.ops)} operations on values it "
                    f"had already computed; the optimized version "
                    f"{'computes each once' if ro == 0 else f'recomputes only {_n(ro)} of its {_n(o.cost.ops)}'}"
                    f": caching ({_pct(a.shares[CACHING], 1)} of the {_n(a.savings)} {unit} saved).")
        return (f"The baseline spent {_n(a.removable['baseline'][CACHING])} of its {_n(total_b)} {unit} "
                f"recomputing values (or rows of values) it had already computed; the optimized version "
                f"spends {_n(a.removable['optimized'][CACHING])}: caching explains "
                f"{_pct(a.shares[CACHING], 1)} of the {_n(a.savings)} {unit} saved.")
    if v.category == DCE:
        return (f"{_n(a.removable['baseline'][DCE])} of the baseline's {_n(total_b)} {unit} produce "
                f"values that never reach the output; the optimized version skips them: dead-code "
                f"elimination ({_pct(a.shares[DCE], 1)} of the {_n(a.savings)} {unit} saved).")
    if v.category == PARTIAL_EVALUATION:
        names = ", ".join(static_names) or "constants"
        return (f"{_n(a.removable['baseline'][PARTIAL_EVALUATION])} of the baseline's {_n(total_b)} {unit} "
                f"depend only on inputs known ahead of time ({names}); the optimized version does that "
                f"work once, in prepare ({_n(prepared_flops)} flops ahead of time): partial evaluation "
                f"({_pct(a.shares[PARTIAL_EVALUATION], 1)} of the {_n(a.savings)} {unit} saved).")
    if v.category == INLINING:
        bb, ob = b.boundaries, o.boundaries
        crossed = [f"{x} -> {y} {what}" for x, y, what in (
            (bb.calls, ob.calls, "calls"), (bb.launches, ob.launches, "array operations launched"),
            (bb.intermediates, ob.intermediates,
             f"materialized intermediates ({_n(bb.intermediate_bytes)} -> {_n(ob.intermediate_bytes)} bytes)"))
            if x != y]
        if a.measure == "bytes":
            crossed.append(f"{_n(b.cost.bytes)} -> {_n(o.cost.bytes)} bytes materialized")
        return (f"Both versions do the same arithmetic ({_n(b.cost.flops)} flops); the optimized version "
                f"crosses fewer boundaries: {', '.join(crossed)}: inlining.")
    found = {m: a.removable["baseline"][m] for m in (CACHING, DCE, PARTIAL_EVALUATION)}
    return (f"The optimized version saves {_n(a.savings)} of the baseline's {_n(total_b)} {unit} "
            f"({_pct(a.savings, total_b)}), but the baseline has only {_n(found[CACHING])} {unit} of "
            f"recomputation, {_n(found[DCE])} dead and {_n(found[PARTIAL_EVALUATION])} static: "
            f"{_pct(a.shares[UNEXPLAINED], 1)} of the saving is explained by none of the four classical "
            f"mechanisms: unexplained. {_residue(o, novel_flops)}")


def _residue(o: Measured, novel: int | None) -> str:
    """What the unexplained part is made of, where the analyzer can see it."""
    if novel:
        return (f"{_n(novel)} of the optimized version's {_n(o.cost.flops)} flops compute values the baseline "
                f"never computes ({_pct(novel, o.cost.flops)}): new intermediates, the measured signature "
                f"of an algebraic restructuring.")
    return ("The optimized version computes no value the baseline does not, so the residue is no "
            "restructuring the analyzer can see: look for work it does not trace or cost.")


def _traffic_explanation(v: Verdict, a: Attribution, b: Measured, o: Measured) -> str:
    """Data movement decided: what moved less, and what the optimized version paid for it."""
    m = b.found["traffic"].fast_memory
    kinds_b, kinds_o = b.found["traffic"].kinds, o.found["traffic"].kinds
    parts = []
    if kinds_b["spill"] != kinds_o["spill"]:
        parts.append(f"intermediates written out and read back: {_n(kinds_b['spill'])} -> {_n(kinds_o['spill'])} "
                     f"bytes (kept in fast memory: fusion, inlining)")
    if kinds_b["reuse"] != kinds_o["reuse"]:
        parts.append(f"data read again after eviction: {_n(kinds_b['reuse'])} -> {_n(kinds_o['reuse'])} bytes "
                     f"(reused while in fast memory: caching)")
    extra = o.cost.flops - b.cost.flops
    trade = (f" In exchange it does {_n(extra)} more flops ({_n(b.cost.flops)} -> {_n(o.cost.flops)})."
             if extra > 0 else
             f" The arithmetic is unchanged ({_n(b.cost.flops)} flops)." if extra == 0 else "")
    return (f"Through a fast memory of {_n(m)} bytes, the optimized version moves {_n(o.cost.traffic)} bytes "
            f"between slow and fast memory against {_n(b.cost.traffic)}"
            f"{': ' + '; '.join(parts) if parts else ''}.{trade} "
            f"{_pct(max(a.shares[v.category], 0.0), 1) if v.category in a.shares else ''} of the "
            f"{_n(a.savings)} bytes saved is {v.category}.")
