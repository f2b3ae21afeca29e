"""The measurement record: what one analysis found, as the views read it.

The worker builds a ``Measurement``; ``taxo analyze`` (text and ``--json``), ``classify``, the
site, findings, tables and export read it, and ``analyzer.store`` keeps it on disk. It is the
only shape the analyzer and the knowledge base share, so it is strict: ``from_json`` rejects a
file of another format version, a missing field or a wrong type with a ``MeasurementError``
naming what is wrong, rather than letting a view silently show less.

Standard library only: ``taxo classify`` imports it on its fast path.

>>> m = Measurement.from_json(example())
>>> m.verdict, m.attribution.shares["caching"], m.savings["flops"]
('caching', 0.9, 90)
>>> Measurement.from_json(m.to_json()) == m
True
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any, Mapping

from analyzer.record_format import FORMAT, REFRESH_COMMAND, MeasurementError, check_format, rank_shares


class Mechanism(str, Enum):
    """The four classical mechanisms the analyzer measures (categories.yaml: mechanism: true)."""

    INLINING = "inlining"
    PARTIAL_EVALUATION = "partial-evaluation"
    DEAD_CODE_ELIMINATION = "dead-code-elimination"
    CACHING = "caching"


AI_SPECIFIC = "ai-specific"     # the outputs differ: a different function
UNEXPLAINED = "unexplained"     # work saved that none of the mechanisms reproduces
NONE = "none"                   # nothing saved
VERDICTS = (*(m.value for m in Mechanism), AI_SPECIFIC, UNEXPLAINED, NONE)
SHARE_KEYS = (*(m.value for m in Mechanism), UNEXPLAINED)
PRICED_MEASURES = ("flops", "traffic", "launches")      # what a machine prices (analyzer.machines)
VERSIONS = ("baseline", "optimized")


def _fail(where: str, what: str) -> MeasurementError:
    return MeasurementError(f"{where}: {what}")


def _number(value: Any, where: str, *, integer: bool = False, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    ok = isinstance(value, int) if integer else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok or (isinstance(value, float) and not math.isfinite(value)):
        raise _fail(where, f"expected {'a whole number' if integer else 'a number'}, found {value!r:.40}")
    return value


def _text(value: Any, where: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _fail(where, f"expected text, found {value!r:.40}")
    return value


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, f"expected a mapping, found {type(value).__name__}")
    return value


def _get(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise _fail(where, f"missing field '{key}'")
    return data[key]


@dataclass(frozen=True)
class Cost:
    """What one version cost: operations, arithmetic, memory and boundaries."""

    ops: int = 0            # records in the trace
    mults: int = 0
    adds: int = 0
    other: int = 0          # flops that are neither (exp, max, compare, ...)
    flops: int = 0          # mults + adds + other
    bytes: int = 0          # bytes materialized
    calls: int = 0          # probe-function calls
    launches: int = 0       # array operations launched (numpy calls, aten ops)
    peak_bytes: int = 0     # peak live bytes
    input_bytes: int = 0    # bytes of inputs read
    traffic: int = 0        # bytes moved between slow memory and a fast memory of fast_memory bytes

    def to_json(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: Any, where: str) -> Cost:
        data = _mapping(data, where)
        return cls(**{f.name: _number(_get(data, f.name, where), f"{where}.{f.name}", integer=True)
                      for f in fields(cls)})


@dataclass(frozen=True)
class Attribution:
    """How much of the saving each mechanism explains, in one measure (flops, mults, ...)."""

    measure: str | None                         # None: nothing was saved
    savings: float                              # S in that measure
    shares: Mapping[str, float]                 # mechanism or "unexplained" -> share of S
    removable: Mapping[str, Mapping[str, float]]    # version -> mechanism -> amount
    explained: Mapping[str, float]              # mechanism -> removable(baseline) - removable(optimized)

    def ranked(self, threshold: float = 0.005) -> list[tuple[str, float]]:
        """The shares worth showing, largest first."""
        return rank_shares(dict(self.shares), threshold)

    def to_json(self) -> dict[str, Any]:
        return {"measure": self.measure, "savings": self.savings, "shares": dict(self.shares),
                "removable": {v: dict(r) for v, r in self.removable.items()},
                "explained": dict(self.explained)}

    @classmethod
    def from_json(cls, data: Any, where: str) -> Attribution:
        data = _mapping(data, where)
        per_mechanism = lambda value, at: {m.value: float(_number(_get(_mapping(value, at), m.value, at),  # noqa: E731
                                                                  f"{at}.{m.value}")) for m in Mechanism}
        shares = _mapping(_get(data, "shares", where), f"{where}.shares")
        removable = _mapping(_get(data, "removable", where), f"{where}.removable")
        return cls(
            measure=_text(_get(data, "measure", where), f"{where}.measure", optional=True),
            savings=float(_number(_get(data, "savings", where), f"{where}.savings")),
            shares={k: float(_number(_get(shares, k, f"{where}.shares"), f"{where}.shares.{k}"))
                    for k in SHARE_KEYS},
            removable={v: per_mechanism(_get(removable, v, f"{where}.removable"), f"{where}.removable.{v}")
                       for v in VERSIONS},
            explained=per_mechanism(_get(data, "explained", where), f"{where}.explained"))


@dataclass(frozen=True)
class Priced:
    """The savings in one currency: estimated seconds on a declared machine (``analyzer.machines``).

    Each version's flops, traffic and launches are priced at the machine's rates and added
    (``Machine.serial_seconds``: no overlap of arithmetic and data movement, an upper bound of the
    roofline's estimate), so what each mechanism explains in every measure adds up to the
    seconds saved: ``seconds[m]`` is mechanism m's flops, traffic and launches explained, priced;
    ``unexplained`` is the rest. Probe-function calls are not priced (no machine declares their cost).
    """
    machine: str
    baseline: float                     # estimated seconds of each version
    optimized: float
    by_measure: Mapping[str, float]     # flops, traffic, launches -> seconds saved in that measure
    seconds: Mapping[str, float]        # mechanism or "unexplained" -> seconds of the saving it explains

    @property
    def saved(self) -> float:
        return self.baseline - self.optimized

    @property
    def shares(self) -> dict[str, float]:
        return {k: (v / self.saved if self.saved else 0.0) + 0.0 for k, v in self.seconds.items()}

    def to_json(self) -> dict[str, Any]:
        return {"machine": self.machine, "baseline": self.baseline, "optimized": self.optimized,
                "saved": self.saved, "by_measure": dict(self.by_measure), "seconds": dict(self.seconds),
                "shares": self.shares}

    @classmethod
    def from_json(cls, data: Any, where: str) -> Priced:
        data = _mapping(data, where)
        seconds = _mapping(_get(data, "seconds", where), f"{where}.seconds")
        by_measure = _mapping(_get(data, "by_measure", where), f"{where}.by_measure")
        return cls(machine=_text(_get(data, "machine", where), f"{where}.machine"),
                   baseline=float(_number(_get(data, "baseline", where), f"{where}.baseline")),
                   optimized=float(_number(_get(data, "optimized", where), f"{where}.optimized")),
                   by_measure={k: float(_number(_get(by_measure, k, f"{where}.by_measure"),
                                                f"{where}.by_measure.{k}")) for k in PRICED_MEASURES},
                   seconds={k: float(_number(_get(seconds, k, f"{where}.seconds"), f"{where}.seconds.{k}"))
                            for k in SHARE_KEYS})


_COUNTS = ("calls_by_function", "traffic_kinds", "uncosted")     # Evidence fields that map names to counts


@dataclass(frozen=True)
class Evidence:
    """What each pass found in one version (the counts behind the shares)."""

    redundant_ops: int = 0
    redundant_flops: float = 0.0
    dead_ops: int = 0
    dead_flops: int = 0
    static_ops: int = 0
    static_flops: int = 0
    calls: int = 0
    launches: int = 0
    intermediates: int = 0
    intermediate_bytes: int = 0
    escapes: int = 0            # array values that left the trace (written into untraced arrays, made lists)
    calls_by_function: Mapping[str, int] = field(default_factory=dict)
    traffic_kinds: Mapping[str, int] = field(default_factory=dict)   # cold, result, reuse, spill, unplaced
    uncosted: Mapping[str, int] = field(default_factory=dict)        # library calls outside the cost model

    def to_json(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in _COUNTS:
            out[name] = dict(getattr(self, name))
        return out

    @classmethod
    def from_json(cls, data: Any, where: str) -> Evidence:
        data = _mapping(data, where)
        values: dict[str, Any] = {}
        for f in fields(cls):
            at = f"{where}.{f.name}"
            if f.name in _COUNTS:
                calls = _mapping(_get(data, f.name, where), at)
                values[f.name] = {str(k): _number(v, f"{at}.{k}", integer=True) for k, v in calls.items()}
            else:
                values[f.name] = _number(_get(data, f.name, where), at, integer=f.type == "int")
        return cls(**values)


@dataclass(frozen=True)
class SizeRun:
    """Both versions' costs at one size, and the verdict at that size."""

    size: int
    baseline: Cost
    optimized: Cost
    verdict: str

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "baseline": self.baseline.to_json(),
                "optimized": self.optimized.to_json(), "verdict": self.verdict}

    @classmethod
    def from_json(cls, data: Any, where: str) -> SizeRun:
        data = _mapping(data, where)
        return cls(size=_number(_get(data, "size", where), f"{where}.size", integer=True),
                   baseline=Cost.from_json(_get(data, "baseline", where), f"{where}.baseline"),
                   optimized=Cost.from_json(_get(data, "optimized", where), f"{where}.optimized"),
                   verdict=_verdict(_get(data, "verdict", where), f"{where}.verdict"))


def _verdict(value: Any, where: str) -> str:
    if value not in VERDICTS:
        raise _fail(where, f"'{value!s:.40}' is not a verdict ({', '.join(VERDICTS)})")
    return value


@dataclass(frozen=True)
class Measurement:
    """One probe analyzed: verdict, the numbers that produced it, and how they grow with size."""

    probe: str
    doc: str
    front_ends: tuple[str, ...]         # the front-ends that traced it: scalar, numpy, torch
    sizes: tuple[int, ...]
    size: int                           # the size the verdict comes from (the largest)
    verdict: str                        # one of VERDICTS
    direction: str                      # "forward", or "reverse": work traded for memory
    explanation: str                    # one paragraph with the numbers behind the verdict
    equivalence: str                    # "equal" or "changed"
    max_rel_error: float | None
    equivalence_note: str | None
    baseline: Cost
    optimized: Cost
    prepare: Cost | None                # ahead-of-time work of the optimized version
    attribution: Attribution
    evidence: Mapping[str, Evidence]    # version -> what the passes found
    growth: Mapping[str, Mapping[str, float | None]] | None   # version -> cost -> exponent
    per_size: tuple[SizeRun, ...]
    fast_memory: int = 0                # bytes of fast memory the traffic measure assumed
    novel_flops: int | None = None      # unexplained: optimized flops on values the baseline never computes
    priced: Priced | None = None        # the savings in estimated seconds, by mechanism
    claim: str | None = None            # what the probe or entry claims
    seconds: float | None = None        # how long it took (not stored)

    @property
    def agrees(self) -> bool | None:
        return None if self.claim is None else self.claim == self.verdict

    @property
    def savings(self) -> dict[str, int]:
        b, o = self.baseline.to_json(), self.optimized.to_json()
        return {k: b[k] - o[k] for k in b}

    @property
    def measure(self) -> str | None:
        return self.attribution.measure

    def ranked(self, threshold: float = 0.005) -> list[tuple[str, float]]:
        return self.attribution.ranked(threshold)

    def cost(self, version: str) -> Cost | None:
        return {"baseline": self.baseline, "optimized": self.optimized, "prepare": self.prepare}[version]

    def to_json(self) -> dict[str, Any]:
        """The ``taxo analyze --json`` object (and the stored file, less ``seconds``)."""
        cost = {"baseline": self.baseline.to_json(), "optimized": self.optimized.to_json()}
        if self.prepare is not None:
            cost["prepare"] = self.prepare.to_json()
        out = {"format": FORMAT, "probe": self.probe, "doc": self.doc, "front_ends": list(self.front_ends),
               "sizes": list(self.sizes), "size": self.size, "verdict": self.verdict,
               "direction": self.direction, "explanation": self.explanation,
               "equivalence": self.equivalence, "max_rel_error": self.max_rel_error,
               "equivalence_note": self.equivalence_note, "cost": cost, "savings": self.savings,
               "attribution": self.attribution.to_json(),
               "evidence": {v: e.to_json() for v, e in self.evidence.items()},
               "growth": None if self.growth is None else {v: dict(g) for v, g in self.growth.items()},
               "per_size": [p.to_json() for p in self.per_size],
               "fast_memory": self.fast_memory, "novel_flops": self.novel_flops,
               "priced": None if self.priced is None else self.priced.to_json(),
               "claim": self.claim, "agrees": self.agrees}
        if self.seconds is not None:
            out["seconds"] = self.seconds
        return out

    @classmethod
    def from_json(cls, data: Any, where: str = "measurement") -> Measurement:
        """Read a record; raises MeasurementError naming the first thing that is wrong."""
        data = check_format(data, where)
        at = lambda key: f"{where}.{key}"  # noqa: E731
        get = lambda key: _get(data, key, where)  # noqa: E731
        cost = _mapping(get("cost"), at("cost"))
        evidence = _mapping(get("evidence"), at("evidence"))
        growth = get("growth")
        if growth is not None:
            growth = {v: {c: _number(e, f"{at('growth')}.{v}.{c}", optional=True)
                          for c, e in _mapping(_get(_mapping(growth, at("growth")), v, at("growth")),
                                               f"{at('growth')}.{v}").items()} for v in VERSIONS}
        direction = _text(get("direction"), at("direction"))
        if direction not in ("forward", "reverse"):
            raise _fail(at("direction"), f"'{direction:.20}' is neither forward nor reverse")
        equivalence = _text(get("equivalence"), at("equivalence"))
        if equivalence not in ("equal", "changed"):
            raise _fail(at("equivalence"), f"'{equivalence:.20}' is neither equal nor changed")
        sizes, per_size = get("sizes"), get("per_size")
        if not isinstance(sizes, list) or not isinstance(per_size, list):
            raise _fail(where, "sizes and per_size must be lists")
        front_ends = get("front_ends")
        if not isinstance(front_ends, list) or not all(isinstance(f, str) for f in front_ends):
            raise _fail(at("front_ends"), "expected a list of front-end names")
        claim = data.get("claim")
        return cls(
            probe=_text(get("probe"), at("probe")), doc=_text(get("doc"), at("doc")),
            front_ends=tuple(front_ends),
            sizes=tuple(_number(s, at("sizes"), integer=True) for s in sizes),
            size=_number(get("size"), at("size"), integer=True),
            verdict=_verdict(get("verdict"), at("verdict")), direction=direction,
            explanation=_text(get("explanation"), at("explanation")), equivalence=equivalence,
            max_rel_error=_number(get("max_rel_error"), at("max_rel_error"), optional=True),
            equivalence_note=_text(get("equivalence_note"), at("equivalence_note"), optional=True),
            baseline=Cost.from_json(_get(cost, "baseline", at("cost")), f"{at('cost')}.baseline"),
            optimized=Cost.from_json(_get(cost, "optimized", at("cost")), f"{at('cost')}.optimized"),
            prepare=Cost.from_json(cost["prepare"], f"{at('cost')}.prepare") if "prepare" in cost else None,
            attribution=Attribution.from_json(get("attribution"), at("attribution")),
            evidence={v: Evidence.from_json(_get(evidence, v, at("evidence")), f"{at('evidence')}.{v}")
                      for v in VERSIONS},
            growth=growth,
            per_size=tuple(SizeRun.from_json(p, f"{at('per_size')}[{k}]") for k, p in enumerate(per_size)),
            fast_memory=_number(get("fast_memory"), at("fast_memory"), integer=True),
            novel_flops=_number(get("novel_flops"), at("novel_flops"), integer=True, optional=True),
            priced=None if get("priced") is None else Priced.from_json(get("priced"), at("priced")),
            claim=None if claim is None else _text(claim, at("claim")),
            seconds=_number(data.get("seconds"), at("seconds"), optional=True))

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2)


def example(**changes: Any) -> dict[str, Any]:
    """A small, valid record as JSON (tests and doctests build on it)."""
    cost = {f.name: 0 for f in fields(Cost)}
    zero = {m.value: 0.0 for m in Mechanism}
    evidence = {f.name: 0 for f in fields(Evidence)} | {name: {} for name in _COUNTS}
    data = {"format": FORMAT, "probe": "example", "doc": "An example.", "front_ends": ["scalar"],
            "sizes": [8], "size": 8, "verdict": "caching", "direction": "forward",
            "explanation": "The baseline recomputed 90 flops.", "equivalence": "equal",
            "max_rel_error": 0.0, "equivalence_note": None,
            "cost": {"baseline": cost | {"ops": 100, "adds": 100, "flops": 100},
                     "optimized": cost | {"ops": 10, "adds": 10, "flops": 10}},
            "attribution": {"measure": "flops", "savings": 90.0,
                            "shares": zero | {"caching": 0.9, UNEXPLAINED: 0.1},
                            "removable": {"baseline": zero | {"caching": 81.0}, "optimized": zero},
                            "explained": zero | {"caching": 81.0}},
            "evidence": {"baseline": evidence, "optimized": evidence}, "growth": None,
            "per_size": [], "fast_memory": 524288, "novel_flops": None, "priced": None, "claim": None}
    data.update(changes)
    return data
