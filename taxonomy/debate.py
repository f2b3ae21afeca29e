"""The debate, claim by claim: the values both views show (docs/findings.md and the site's debate page).

A claim is answered by facts from the catalog (`Point`: a sentence and the entries it is about)
and by stored measurements (`ProbeEvidence`: a probe, what it tests, and its record's view, or
why there is none). The prose around them states the reasoning; every number in it is computed
here, at render time, from the catalog and the records, so `taxo analyze --all --store` and
`python -m taxonomy.findings` refresh it. The eight claims themselves are in `debate_claims`.

>>> evidence = ProbeEvidence("fft", "fft", "scalar", "the direct DFT against the FFT", None)
>>> evidence.summary
'not measured yet (measure it: taxo analyze fft; store it: taxo analyze --all --store)'
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from .model import Entry, Taxonomy
from .site.measurement import MeasurementView

# probe name -> (its stored record as the views show it, or None; a one-line error, or None)
ViewLookup = Callable[[str], "tuple[MeasurementView | None, str | None]"]
NOT_MEASURED = "not measured yet"
BOUNDARY_WORDS = {"calls": "calls", "launches": "array operations launched", "bytes": "bytes materialized"}


def count(n: float) -> str:
    """A count as the views print it: ``12,345``."""
    return f"{n:,.0f}"


def percent(share: float) -> str:
    return f"{share:.0%}"


@dataclass(frozen=True)
class Point:
    """One fact from the catalog: a sentence, then the entries it is about (shown as links),
    each with an optional note (a year, a category)."""

    text: str
    entries: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def items(self) -> list[tuple[str, str]]:
        """(entry id, note) pairs."""
        return [(e, self.notes[k] if k < len(self.notes) else "") for k, e in enumerate(self.entries)]


@dataclass(frozen=True)
class ProbeEvidence:
    """One probe cited by a claim, with what it tests and its stored measurement."""

    entry: str                          # the entry that lists it
    probe: str
    front_end: str
    shows: str                          # what the probe tests, one sentence
    view: MeasurementView | None
    error: str | None = None

    @property
    def measured(self) -> bool:
        return self.view is not None and self.view.verdict is not None

    @property
    def verdict(self) -> str | None:
        return self.view.verdict if self.view else None

    def share(self, key: str) -> float:
        return dict(self.view.shares).get(key, 0.0) if self.view else 0.0

    def cost(self, name: str, version: str = "baseline") -> float | None:
        """One cost of one version at the size the verdict comes from (None when not shown)."""
        for row in self.view.costs if self.view else ():
            if row.name == name:
                return row.baseline if version == "baseline" else row.optimized
        return None

    @property
    def unit(self) -> str:
        return self.view.measure if self.view and self.view.measure else "flops"

    @property
    def saved(self) -> float:
        """What the optimized version saves in the measure the verdict was decided on."""
        base, opt = self.cost(self.unit), self.cost(self.unit, "optimized")
        return (base or 0.0) - (opt or 0.0)

    @property
    def size(self) -> int | None:
        return int(max(self.view.sizes)) if self.view and self.view.sizes else None

    @property
    def label(self) -> str:
        """The verdict as shown: ``caching``, ``caching in reverse``."""
        if not self.measured:
            return ""
        return self.view.verdict + (" in reverse" if self.view.direction == "reverse" else "")

    @property
    def details(self) -> str:
        """The numbers behind the verdict, or why there is none: one line."""
        if self.error:
            return f"the stored measurement cannot be read: {self.error}"
        if not self.measured:
            return (f"{NOT_MEASURED} (measure it: taxo analyze {self.probe}; "
                    "store it: taxo analyze --all --store)")
        view, costs = self.view, self._costs()
        if view.verdict == "ai-specific":
            error = (f"outputs differ by {view.max_rel_error:.3g} (relative)" if view.max_rel_error is not None
                     else "outputs differ")
            return f"{error}; {costs}" if costs else error
        if view.verdict == "none":
            return "nothing saved"
        shares = ", ".join(f"{k} {percent(v)}" for k, v in sorted(view.shares, key=lambda kv: -abs(kv[1]))
                           if abs(v) >= 0.005)
        saved = f"the {count(abs(self.saved))} {self.unit}" if self.cost(self.unit) is not None else f"the {self.unit}"
        return f"{shares} of {saved} saved ({costs})"

    @property
    def summary(self) -> str:
        """``caching: caching 82%, unexplained 18% of the 7,296 flops saved (8,064 → 768 flops)``."""
        return f"{self.label}: {self.details}" if self.measured and not self.error else self.details

    def _costs(self) -> str:
        """``8,064 → 768 flops``, in the verdict's measure; for boundaries, each kind that changed."""
        names = (self.unit,) if self.cost(self.unit) is not None else ("calls", "launches", "bytes")
        shown = [(n, self.cost(n), self.cost(n, "optimized")) for n in names]
        return "; ".join(f"{count(b or 0)} → {count(o or 0)} {BOUNDARY_WORDS.get(n, n)}" for n, b, o in shown
                         if b is not None and (b != o or n == self.unit))


@dataclass(frozen=True)
class Claim:
    """One claim of the debate and the evidence that answers it."""

    number: int
    quote: str
    answer: str                         # the short answer
    catalog: tuple[Point, ...]
    measured: tuple[ProbeEvidence, ...]
    conclusion: str

    @property
    def anchor(self) -> str:
        return f"claim-{self.number}"


class Facts:
    """The catalog, the taxonomy and the stored measurements, as the claims ask for them."""

    def __init__(self, entries: Iterable[Entry], taxonomy: Taxonomy, view_for: ViewLookup) -> None:
        self.entries = sorted(entries, key=lambda e: e.id)
        self.by_id = {e.id: e for e in self.entries}
        self.taxonomy = taxonomy
        self.view_for = view_for

    def get(self, entry_id: str) -> Entry | None:
        return self.by_id.get(entry_id)

    def present(self, ids: Iterable[str]) -> tuple[str, ...]:
        """The ids that are in the catalog, in the order given."""
        return tuple(i for i in ids if i in self.by_id)

    def where(self, **fields: str) -> list[Entry]:
        """Entries whose fields equal the values given: ``where(category="caching", domain="ai")``."""
        return [e for e in self.entries if all(getattr(e, k) == v for k, v in fields.items())]

    def counts(self, entries: Iterable[Entry], field: str) -> Counter:
        return Counter(getattr(e, field) for e in entries)

    def by_category(self, entries: Iterable[Entry]) -> str:
        """``inlining 9, caching 6, …`` in the taxonomy's order, non-zero only."""
        found = self.counts(entries, "category")
        return ", ".join(f"{c} {found[c]}" for c in self.taxonomy.ids if found.get(c))

    def probe(self, entry_id: str, probe: str, shows: str) -> ProbeEvidence:
        entry = self.get(entry_id)
        ref = next((p for p in entry.probes if p.name == probe), None) if entry else None
        view, error = self.view_for(probe) if ref else (None, None)
        return ProbeEvidence(entry_id, probe, ref.front_end if ref else "", shows, view, error)

    def every_probe(self) -> list[ProbeEvidence]:
        """Every probe of every entry (torch ones included), with its stored view."""
        return [self.probe(e.id, p.name, "") for e in self.entries for p in e.probes]

    def alternatives(self, entry: Entry) -> list[str]:
        """The other categories argued for an entry, in the taxonomy's order."""
        argued = {p.category for p in entry.positions if p.category != entry.category}
        return [c for c in (*self.taxonomy.ids, "unexplained") if c in argued]


def listing(items: Iterable[str]) -> str:
    """``a, b and c``."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else "none"
