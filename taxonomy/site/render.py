"""Write the static site: index, one page per entry, category pages, the debate, a sitemap.

>>> from pathlib import Path; import tempfile
>>> report = render_site(None, Path(tempfile.mkdtemp()))
>>> report.entries > 0 and report.pages == report.entries + report.categories + 2
True
"""
from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..entry_view import stored_measurement
from ..loader import load_catalog, load_taxonomy
from ..parallel import map_chunks
from ..paths import default_catalog
from .measurement import measurement_view
from .pages import Site, category_context, debate_context, entry_context, row, slug
from .svg import css_class

HERE = Path(__file__).parent
# No inline script or style, nothing from another origin; images only inline SVG or data:.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'none'")


@dataclass(frozen=True)
class RenderReport:
    """What `render_site` wrote."""

    out_dir: Path
    entries: int
    categories: int
    pages: int          # HTML pages
    files: int          # every file, including sitemap, CSS, JS and search index
    skipped: int        # catalog files that could not be read, or repeated ids
    seconds: float

    def __str__(self) -> str:
        return (f"wrote {self.pages} pages ({self.entries} entries, {self.categories} categories) "
                f"and {self.files - self.pages} other files to {self.out_dir} in {self.seconds:.2f} s"
                + (f"; skipped {self.skipped} unreadable or duplicate entries" if self.skipped else ""))


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def search_index_js(site: Site) -> str:
    """The index's data and taxo search's ranking as a script assigning two globals: `<script src>`
    works from file://, where fetch() of a local JSON file does not. `<`, `>`, `&` and the line
    separators are \\u-escaped so the text can never end a script or break the statement."""
    from ..search import RANKING, search_record

    records = [{"id": e.id, "c": e.category, "d": e.domain, "y": e.introduced, **search_record(e)}
               for e in site.entries]
    lines = []
    for name, value in (("TAXO_SEARCH", RANKING), ("TAXO_INDEX", records)):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                           ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
            text = text.replace(char, code)
        lines.append(f"window.{name} = {text};\n")
    return "".join(lines)


_shared: dict = {}       # what forked workers inherit: no pickling of the site


def build_site(catalog_root: Path | None, measurement_for: Callable[[str | None], dict | None]) -> tuple[Site, int]:
    loaded = load_catalog(catalog_root or default_catalog())
    entries, seen, skipped = [], set(), len(loaded.problems)
    for entry in sorted(loaded.entries, key=lambda e: (e.name.casefold(), e.id)):
        if not entry.id or entry.id in seen:
            skipped += 1
            continue
        seen.add(entry.id)
        entries.append(entry)
    measurements = {e.id: view for e in entries if (view := measurement_view(measurement_for(e.probe)))}
    on_torch = {e.id: view for e in entries if e.torch_probe
                and (view := measurement_view(measurement_for(e.torch_probe)))}
    site = Site(load_taxonomy(), entries, measurements, {}, torch_measurements=on_torch)
    used: set[str] = set()
    for entry in entries:
        stem = slug(entry.id)
        while stem in used:                     # two ids hashed to one stem: vanishingly rare
            stem += "-"
        used.add(stem)
        site.slugs[entry.id] = stem
    return site, skipped


def render_site(catalog_root: Path | None, out_dir: Path, *, base_url: str = "",
                measurement_for: Callable[[str | None], dict | None] = stored_measurement) -> RenderReport:
    """Render the catalog at `catalog_root` (default: the bundled one) into `out_dir`.

    `base_url` (e.g. `https://example.org/taxo/`) makes the sitemap and canonical links
    absolute, as search engines want; without it they are relative to the site root.
    `measurement_for(probe)` returns the analyzer's stored result for a probe, or None.
    """
    started = time.perf_counter()
    site, skipped = build_site(catalog_root, measurement_for)
    env = _environment()
    out_dir = Path(out_dir)
    for sub in ("entries", "categories", "static"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    base = base_url.rstrip("/") + "/" if base_url else ""
    common = {"csp": CSP, "nav_categories": site.taxonomy.categories}
    urls: list[str] = []

    def write(path: str, template, **context) -> None:
        root = "../" * path.count("/")
        canonical = base + path if base else ""
        html = template.render(root=root, canonical=canonical, **common, **context)
        (out_dir / path).write_text(html, encoding="utf-8")
        urls.append(base + path)

    write("index.html", env.get_template("index.html"), **index_context(site))
    _shared.update(site=site, env=env, out_dir=out_dir, base=base, common=common)
    urls.extend(map_chunks(_write_entries, [e.id for e in site.entries]))
    _shared.clear()
    category_template = env.get_template("category.html")
    for category in site.taxonomy.categories:
        write(f"categories/{category.id}.html", category_template, **category_context(site, category, "../"))
    write("debate.html", env.get_template("debate.html"), **debate_context(site, ""))
    pages = len(urls)
    (out_dir / "sitemap.xml").write_text(env.get_template("sitemap.xml").render(urls=urls), encoding="utf-8")
    (out_dir / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n", encoding="utf-8")
    (out_dir / "search-index.js").write_text(search_index_js(site), encoding="utf-8")
    for name in ("site.css", "site.js"):
        shutil.copyfile(HERE / "static" / name, out_dir / "static" / name)
    return RenderReport(out_dir, len(site.entries), len(site.taxonomy.categories), pages, pages + 5, skipped,
                        time.perf_counter() - started)


def _write_entries(ids: list[str]) -> list[str]:
    """Write the pages of these entries; runs in a worker for large catalogs."""
    site, base, out_dir = _shared["site"], _shared["base"], _shared["out_dir"]
    template = _shared["env"].get_template("entry.html")
    urls = []
    for entry_id in ids:
        path = f"entries/{site.slugs[entry_id]}.html"
        html = template.render(root="../", canonical=base + path if base else "", **_shared["common"],
                               **entry_context(site, site.by_id[entry_id], "../"))
        (out_dir / path).write_text(html, encoding="utf-8")
        urls.append(base + path)
    return urls


def index_context(site: Site) -> dict:
    known = set(site.taxonomy.ids)
    counts = [{"id": c.id, "name": c.name, "class": css_class(c.id), "count": len(site.in_category(c.id)),
               "href": site.category_href(c.id, "")} for c in site.taxonomy.categories]
    domains: dict[str, int] = {}
    for entry in site.entries:
        domains[entry.domain] = domains.get(entry.domain, 0) + 1
    return {"claim": site.taxonomy.claim, "total": len(site.entries), "counts": counts,
            "other_count": sum(1 for e in site.entries if e.category not in known),
            "domains": [{"id": d, "count": n} for d, n in sorted(domains.items())],
            "rows": [row(site, e, "") for e in site.entries]}
