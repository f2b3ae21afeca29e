"""The classical passes, as a registry: each finds one kind of removable work in a trace.

A ``Pass`` names what it finds, which mechanism would remove it, how to run it, and which ops'
work it could remove (op index -> fraction of that op's work). ``PASSES`` is in attribution
order: an op removable by several mechanisms is counted once, by the first pass that claims it
(dead before redundant before static, see ``analyzer.attribution``). The equivalence pass is
not here: it compares outputs, not traces.

Adding a pass: write ``analyzer/passes/<name>.py`` with a ``PASS``, and list it below.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from analyzer.measurement import Mechanism


@dataclass(frozen=True)
class Pass:
    name: str                                   # "liveness"
    finds: str                                  # what it finds, in a few words
    removes: Mechanism                          # the mechanism that removes what it finds
    run: Callable[[Any], Any]                   # trace -> result
    removable: Callable[[Any], Mapping[int, float]] | None   # result -> {op: share of its work}; None: no arithmetic
    evidence: Callable[[Any, Any], dict[str, Any]]           # (result, trace) -> counts for the record


def registry() -> tuple[Pass, ...]:
    """Every pass, in attribution order."""
    from analyzer.passes import boundaries, liveness, redundancy, staging

    return (liveness.PASS, redundancy.PASS, staging.PASS, boundaries.PASS)


def for_mechanism(mechanism: Mechanism) -> Pass:
    return next(p for p in registry() if p.removes is mechanism)
