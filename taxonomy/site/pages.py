"""What each page shows, as plain values for the templates: no I/O, no HTML except
Markdown and SVG, which are built by the safe renderers in this package."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from ..model import Category, Entry, Reference, Taxonomy
from .markdown import arxiv_href, doi_href, render_inline, render_markdown, safe_href
from .measurement import COSTS as GROWTH_UNITS
from .measurement import MeasurementView
from .svg import attribution_bars, css_class, growth_plot

_SAFE_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,100}$")


def slug(entry_id: str) -> str:
    """A file name for an id: the id itself when it is plain, else a readable stem plus a hash,
    so an id like `../../x` can never write outside the site.

    >>> slug("fft"), slug("../x")
    ('fft', 'x-d6b96a97')
    """
    if _SAFE_SLUG.match(entry_id) and ".." not in entry_id:
        return entry_id
    stem = re.sub(r"[^a-z0-9]+", "-", entry_id.lower()).strip("-")[:60] or "entry"
    return f"{stem}-{hashlib.sha256(entry_id.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None = None      # None: shown as plain text
    note: str = ""


@dataclass(frozen=True)
class ProbeView:
    """One probe of an entry as the page shows it: its record's view, or why there is none."""
    probe: str
    front_end: str
    view: MeasurementView | None
    error: str | None = None


@dataclass
class Site:
    """The catalog and taxonomy as the pages need them, computed once."""

    taxonomy: Taxonomy
    entries: list[Entry]                                  # sorted by name
    measurements: dict[str, MeasurementView]              # entry id -> its headline measurement
    slugs: dict[str, str] = field(default_factory=dict)   # entry id -> file stem
    by_id: dict[str, Entry] = field(default_factory=dict)
    by_category: dict[str, list[Entry]] = field(default_factory=dict)
    probe_results: dict[str, list[ProbeView]] = field(default_factory=dict)  # entry id -> every probe
    probe_sources: dict[str, str] = field(default_factory=dict)   # probe name -> its source text
    method_html: Any = None                                       # docs/analyzer.md rendered, if shipped
    linked_from: dict[str, list[str]] = field(default_factory=dict)  # entry id -> ids whose related name it
    # (id of a measurement view, filing) -> its context: entries sharing a probe share its charts
    measured: dict[tuple[int, str], Any] = field(default_factory=dict, repr=False)
    # (id of a view, probe, front-end, first?, filing) -> what its section shows (_probe_context)
    probe_sections: dict[tuple, dict[str, Any]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {e.id: e for e in self.entries}
        for entry in self.entries:  # related is written one way; readers follow it both ways
            for target in entry.related:
                self.linked_from.setdefault(target, []).append(entry.id)
        for entry in self.entries:
            self.by_category.setdefault(entry.category, []).append(entry)

    def entry_href(self, entry_id: str, root: str) -> str | None:
        return f"{root}entries/{self.slugs[entry_id]}.html" if entry_id in self.slugs else None

    def category_href(self, category_id: str, root: str) -> str | None:
        return f"{root}categories/{category_id}.html" if category_id in self.taxonomy.ids else None

    def in_category(self, category_id: str) -> list[Entry]:
        return self.by_category.get(category_id, [])

    def entry_link(self, entry_id: str, root: str) -> Link:
        entry = self.by_id.get(entry_id)
        return Link(entry.name if entry else entry_id, self.entry_href(entry_id, root))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _strings(value: Any) -> list[str]:
    return [_text(v) for v in value] if isinstance(value, list) else []


def reference_view(reference: Reference) -> dict[str, Any]:
    links = [Link("DOI " + _text(reference.doi), doi_href(reference.doi)) if reference.doi else None,
             Link("arXiv:" + _text(reference.arxiv), arxiv_href(reference.arxiv)) if reference.arxiv else None,
             Link(_text(reference.url), safe_href(reference.url)) if reference.url else None]
    return {"title": reference.title, "authors": ", ".join(reference.authors), "year": reference.year,
            "links": [link for link in links if link], "note": reference.note}


def measurement_context(view: MeasurementView | None, entry: Entry, taxonomy: Taxonomy) -> dict[str, Any] | None:
    if view is None:
        return None
    growth_unit = view.measure if view.measure in GROWTH_UNITS else "flops"
    exponents = {v: e[growth_unit] for v, e in view.growth.items() if growth_unit in e}
    return {"view": view, "agrees": taxonomy.agrees(entry.category, view.verdict) if view.verdict else None,
            "verdict_class": css_class(view.verdict or ""), "bars": attribution_bars(view.shares),
            "plot": growth_plot(view.points, exponents, growth_unit), "growth_unit": growth_unit,
            "growth_costs": sorted({c for e in view.growth.values() for c in e}),
            "explanation": render_markdown(view.explanation)}


def entry_context(site: Site, entry: Entry, root: str) -> dict[str, Any]:
    data = entry.data
    complexity = data.get("complexity") if isinstance(data.get("complexity"), dict) else {}
    example = data.get("example") if isinstance(data.get("example"), dict) else {}
    implementations = [Link(_text(i.get("name")), safe_href(i.get("url")))
                       for i in data.get("implementations") or () if isinstance(i, dict)] \
        if isinstance(data.get("implementations"), list) else []
    inverse = None
    if entry.inverse:
        inverse = site.entry_link(entry.inverse, root) if entry.inverse in site.slugs else Link(_text(entry.inverse))
    return {
        "entry": entry, "category": site.taxonomy.category(entry.category),
        "category_class": css_class(entry.category), "category_href": site.category_href(entry.category, root),
        "description": render_markdown(entry.description), "rationale": render_markdown(entry.rationale),
        "positions": [{"category": p.category, "class": css_class(p.category),
                       "href": site.category_href(p.category, root), "argument": render_markdown(p.argument),
                       "source": render_inline(_text(p.source)), "agrees": p.category == entry.category}
                      for p in entry.positions],
        "complexity": {k: _text(complexity.get(k)) for k in ("before", "after", "measure")},
        "example": {k: _text(example.get(k)) for k in ("before", "after", "language")},
        "preconditions": [render_inline(t) for t in _strings(data.get("preconditions"))],
        "trade_offs": [render_inline(t) for t in _strings(data.get("trade_offs"))],
        "inverse": inverse, "related": [site.entry_link(r, root) for r in entry.related],
        "linked_from": [site.entry_link(r, root) for r in site.linked_from.get(entry.id, ())
                        if r not in entry.related],
        "references": [reference_view(r) for r in entry.references], "implementations": implementations,
        "measurements": [_probe_context(site, entry, p, k) for k, p in enumerate(site.probe_results.get(entry.id, ()))],
        "headline": _measured(site, site.measurements.get(entry.id), entry),
    }


def _measured(site: Site, view: MeasurementView | None, entry: Entry) -> dict[str, Any] | None:
    """`measurement_context`, made once per view and filing (its charts cost more than the page)."""
    key = (id(view), entry.category)  # the site holds every view, so an id stays its own
    if key not in site.measured:
        site.measured[key] = measurement_context(view, entry, site.taxonomy)
    return site.measured[key]


def _probe_context(site: Site, entry: Entry, probe: ProbeView, k: int) -> dict[str, Any]:
    """One probe's section of an entry page: `shared`, the same for every entry with this probe in
    this place (first or not) and filing, made once (the renderer keeps its HTML), and `rerun`."""
    key = (id(probe.view), probe.probe, probe.front_end, k == 0, entry.category)
    if key not in site.probe_sections:
        context = _measured(site, probe.view, entry) or {}
        site.probe_sections[key] = {
            **context, "view": probe.view, "probe": probe.probe, "error": probe.error, "filing": entry.category,
            "source": site.probe_sources.get(probe.probe), "method_href": "../method.html" if site.method_html else None,
            "title": "Measured on torch.nn modules" if probe.front_end == "torch" else "Measured by the analyzer",
            "anchor": "measurement" if k == 0 else f"measurement-{slug(probe.probe)}"}
    shared = site.probe_sections[key]
    return {**shared, "shared": shared, "rerun": entry.id if k == 0 else probe.probe}


def row(site: Site, entry: Entry, root: str) -> dict[str, Any]:
    """One entry as a line of a list: the index, a category page."""
    view = site.measurements.get(entry.id)
    return {"entry": entry, "href": site.entry_href(entry.id, root), "class": css_class(entry.category),
            "verdict": view.verdict if view else None, "verdict_class": css_class(view.verdict or "") if view else "",
            "agrees": site.taxonomy.agrees(entry.category, view.verdict) if view and view.verdict else None}


def category_context(site: Site, category: Category, root: str) -> dict[str, Any]:
    entries = site.in_category(category.id)
    measured = [e for e in entries if e.id in site.measurements]
    return {"category": category, "class": css_class(category.id), "rows": [row(site, e, root) for e in entries],
            "examples": [site.entry_link(x, root) for x in category.examples],
            "measured": len(measured),
            "confirmed": sum(1 for e in measured if site.taxonomy.agrees(category.id, site.measurements[e.id].verdict))}


def claims_context(site: Site, root: str) -> list[dict[str, Any]]:
    """The debate claim by claim (taxonomy.debate_claims), with links into the site: the figures are
    read from the same stored measurements the entry pages show."""
    from ..debate import Facts
    from ..debate_claims import claims

    views = {p.probe: (p.view, p.error) for probes in site.probe_results.values() for p in probes}
    facts = Facts(site.entries, site.taxonomy, lambda probe: views.get(probe, (None, None)))

    def evidence_href(e) -> str | None:
        entry, href = site.by_id.get(e.entry), site.entry_href(e.entry, root)
        names = [p.name for p in entry.probes] if entry else []
        if not href or e.probe not in names:
            return href
        k = names.index(e.probe)
        return f"{href}#" + ("measurement" if k == 0 else f"measurement-{slug(e.probe)}")

    return [{"claim": c, "points": [{"text": p.text, "links": [(site.entry_link(i, root), note) for i, note in p.items()]}
                                    for p in c.catalog],
             "evidence": [{"e": e, "href": evidence_href(e), "entry": site.entry_link(e.entry, root),
                           "class": css_class(e.verdict or "")} for e in c.measured]}
            for c in claims(facts)]


def debate_context(site: Site, root: str) -> dict[str, Any]:
    """The claim scored twice: by where the catalog files entries, and by what the analyzer measured."""
    known = set(site.taxonomy.ids)
    categories = []
    for category in site.taxonomy.categories:
        context = category_context(site, category, root)
        categories.append({"category": category, "class": context["class"], "count": len(context["rows"]),
                           "measured": context["measured"], "confirmed": context["confirmed"],
                           "href": site.category_href(category.id, root)})
    others = [e for e in site.entries if e.category not in known]
    measured = [e for e in site.entries if e.id in site.measurements]
    by_verdict = lambda v: [row(site, e, root) for e in measured if site.measurements[e.id].verdict == v]  # noqa
    four = sum(1 for e in site.entries if e.category in site.taxonomy.mechanisms)
    return {
        "claim": site.taxonomy.claim, "categories": categories, "total": len(site.entries), "four": four,
        "others": [row(site, e, root) for e in others],
        "measured": len(measured),
        "confirmed": sum(1 for e in measured if site.taxonomy.agrees(e.category, site.measurements[e.id].verdict)),
        "measured_four": sum(1 for e in measured if site.measurements[e.id].verdict in site.taxonomy.mechanisms),
        "ai_specific": by_verdict("ai-specific"), "unexplained": by_verdict("unexplained"),
        "disagree": [row(site, e, root) for e in measured
                     if site.measurements[e.id].verdict
                     and not site.taxonomy.agrees(e.category, site.measurements[e.id].verdict)],
        "contested": [{"row": row(site, e, root),
                       "alternatives": sorted({p.category for p in e.positions if p.category != e.category})}
                      for e in site.entries if e.contested],
        "critics": [{"argument": render_markdown(_text(c.get("argument"))),
                     "examples": [site.entry_link(x, root) for x in c.get("examples") or ()]}
                    for c in site.taxonomy.critics if isinstance(c, dict)],
        "claims": claims_context(site, root),
    }
