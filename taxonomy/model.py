"""The knowledge base as frozen values: entries, references, positions, categories. No I/O here."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class Reference:
    """A published source: title, authors (first author first), year and a resolvable identifier."""

    title: str
    authors: tuple[str, ...]
    year: int | None
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None
    note: str | None = None

    @property
    def link(self) -> str | None:
        """The best address for a reader: the DOI, then arXiv, then the URL."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        return self.url

    @property
    def citation(self) -> str:
        """`Cooley et al. (1965). An Algorithm for …` — short enough for a terminal line.

        >>> Reference("T", ("  ", "J. Tukey"), 1965).citation, Reference("T", (), None).citation
        ('Tukey (1965). T', 'Anonymous (None). T')
        """
        names = [a.split()[-1] for a in self.authors if a.split()] or ["Anonymous"]
        first = names[0]
        who = first if len(names) == 1 else (f"{first} & {names[1]}" if len(names) == 2 else f"{first} et al.")
        return f"{who} ({self.year}). {self.title}"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reference:
        return cls(title=str(data.get("title", "")), authors=tuple(str(a) for a in data.get("authors") or ()),
                   year=data.get("year"), doi=data.get("doi"), arxiv=data.get("arxiv"),
                   url=data.get("url"), note=data.get("note"))


@dataclass(frozen=True)
class Position:
    """One side of a contested classification: the category someone argues for, and why."""

    category: str
    argument: str
    source: str | None = None


@dataclass(frozen=True)
class ProbeRef:
    """An analyzer probe that measures an entry: ``analyzer/probes/<name>.py`` and its front-end."""

    name: str
    front_end: str


@dataclass(frozen=True)
class Entry:
    """One optimization of the catalog. `data` keeps the file's mapping for JSON output."""

    id: str
    name: str
    category: str
    summary: str
    description: str = ""
    rationale: str = ""
    domain: str = "classic"
    exact: bool | None = None
    aliases: tuple[str, ...] = ()
    positions: tuple[Position, ...] = ()
    related: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    tags: tuple[str, ...] = ()
    introduced: int | None = None
    inverse: str | None = None
    probes: tuple[ProbeRef, ...] = ()
    improves: str | None = None        # ai-specific: cost, quality or both
    saved_by: str | None = None        # beyond-the-four: what produces the saving
    filing_note: str | None = None     # why the filing differs from the measured verdict
    path: str = ""
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def contested(self) -> bool:
        """True when someone argues for a category other than the catalog's."""
        return any(p.category != self.category for p in self.positions)

    def to_dict(self) -> dict[str, Any]:
        """The entry as written, with every documented field present (empty where absent)."""
        out: dict[str, Any] = {"id": self.id, "name": self.name, "aliases": list(self.aliases),
                               "category": self.category, "summary": self.summary,
                               "description": self.description, "rationale": self.rationale,
                               "positions": [], "domain": self.domain, "exact": self.exact,
                               "related": list(self.related), "references": [], "tags": list(self.tags)}
        out.update(self.data)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str = "") -> Entry:
        """Build from a parsed file; tolerant of missing fields (validation reports them)."""
        def strings(key: str) -> tuple[str, ...]:
            value = data.get(key) or ()
            return tuple(str(v) for v in value) if isinstance(value, list) else ()

        def records(key: str) -> list[dict]:
            value = data.get(key) or ()
            return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

        return cls(
            id=str(data.get("id", "")), name=str(data.get("name", data.get("id", ""))),
            category=str(data.get("category", "")), summary=str(data.get("summary", "")),
            description=str(data.get("description", "")), rationale=str(data.get("rationale", "")),
            domain=str(data.get("domain", "classic")), exact=data.get("exact"),
            aliases=strings("aliases"), related=strings("related"), tags=strings("tags"),
            positions=tuple(Position(str(p.get("category", "")), str(p.get("argument", "")), p.get("source"))
                            for p in records("positions")),
            references=tuple(Reference.from_dict(r) for r in records("references")),
            introduced=data.get("introduced") if isinstance(data.get("introduced"), int) else None,
            inverse=data.get("inverse"),
            probes=tuple(ProbeRef(str(p.get("name", "")), str(p.get("front_end", ""))) for p in records("probes")),
            improves=_text(data.get("improves")), saved_by=_text(data.get("saved_by")),
            filing_note=_text(data.get("filing_note")), path=path, data=dict(data))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Color:
    """A category's colour: an ANSI colour name for terminals, CSS colours for the site."""

    terminal: str = "white"
    light: str = "#777777"
    dark: str = "#999999"

    @classmethod
    def from_dict(cls, data: Any) -> Color:
        data = data if isinstance(data, dict) else {}
        return cls(**{k: str(data[k]) for k in ("terminal", "light", "dark") if k in data})


@dataclass(frozen=True)
class Category:
    """A filing of the taxonomy (or an analyzer outcome that is not a filing: unexplained, none).

    `mechanism`: the analyzer measures it as a way of removing work (the four of the claim).
    `verdict`: the analyzer's verdict that agrees with filing an entry here.
    """

    id: str
    name: str
    definition: str
    measures: str = ""
    examples: tuple[str, ...] = ()
    color: Color = Color()
    mechanism: bool = False
    verdict: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Category:
        return cls(id=data["id"], name=data["name"], definition=" ".join(str(data["definition"]).split()),
                   measures=" ".join(str(data.get("measures", "")).split()),
                   examples=tuple(data.get("examples", ())), color=Color.from_dict(data.get("color")),
                   mechanism=bool(data.get("mechanism", False)), verdict=data.get("verdict"))


@dataclass(frozen=True)
class Taxonomy:
    """The categories and the claim the project tests."""

    categories: tuple[Category, ...]
    claim: str
    critics: tuple[dict[str, str], ...] = ()
    outcomes: tuple[Category, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Taxonomy:
        return cls(categories=tuple(Category.from_dict(c) for c in data["categories"]),
                   claim=" ".join(data["claim"].split()), critics=tuple(data.get("critics", ())),
                   outcomes=tuple(Category.from_dict(c) for c in data.get("outcomes", ())))

    def category(self, category_id: str) -> Category | None:
        """A filing or an outcome by id (None for anything else, a value that is no id included)."""
        try:
            return self._by_id.get(category_id)
        except TypeError:           # unhashable: a list where an id was expected
            return None

    @cached_property
    def _by_id(self) -> dict[str, Category]:
        """Filings and outcomes by id, the first of each id (the site asks once per entry)."""
        by_id: dict[str, Category] = {}
        for c in (*self.categories, *self.outcomes):
            by_id.setdefault(c.id, c)
        return by_id

    @property
    def ids(self) -> tuple[str, ...]:
        """The filings, in their order."""
        return tuple(c.id for c in self.categories)

    @property
    def mechanisms(self) -> tuple[str, ...]:
        """The categories the analyzer measures as mechanisms (the four of the claim)."""
        return tuple(c.id for c in self.categories if c.mechanism)

    @property
    def verdicts(self) -> tuple[str, ...]:
        """Every verdict the analyzer can reach: the filings' verdicts, then the outcomes."""
        seen = [c.verdict for c in self.categories if c.verdict]
        return tuple(dict.fromkeys([*seen, *(o.id for o in self.outcomes)]))

    def agrees(self, category_id: str, verdict: str | None) -> bool:
        """True when a measured verdict supports filing under ``category_id``."""
        category = self.category(category_id)
        return category is not None and verdict is not None and category.verdict == verdict
