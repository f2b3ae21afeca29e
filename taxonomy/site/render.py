"""Write the static site: index, one page per entry, category pages, the debate, the method, a sitemap.

>>> from pathlib import Path; import tempfile
>>> report = render_site(None, Path(tempfile.mkdtemp()))
>>> report.entries > 0 and report.pages == report.entries + report.categories + 3  # index, debate, method
True
"""
from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..categories import css as category_css
from ..measured import stored
from ..control_chars import one_line
from ..loader import load_catalog, load_taxonomy
from ..parallel import few_collections, map_chunks
from ..paths import default_catalog
from .measurement import measurement_view
from .fragments import rendered_per_arguments
from .output_folder import MARKER as SITE_MARKER, new_site_folder, replace_folder
from .pages import ProbeView, Site, category_context, debate_context, entry_context, row, slug
from .svg import css_class

HERE = Path(__file__).parent
OTHER_FILES = 7          # sitemap, robots.txt, search index, static files and the marker
PAGE_FAILED = "its page could not be rendered; run taxo validate on it"
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
    skipped: int        # catalog files that could not be read or rendered, or repeated ids
    seconds: float
    skipped_files: tuple[str, ...] = ()  # `path: why`, one per skipped file

    def __str__(self) -> str:
        lines = [f"wrote {self.pages} pages ({self.entries} entries, {self.categories} categories) "
                 f"and {self.files - self.pages} other files to {one_line(str(self.out_dir))} "
                 f"in {self.seconds:.2f} s" + (f"; skipped {self.skipped} files:" if self.skipped else "")]
        return "\n".join(lines + [f"  skipped {one_line(why)}" for why in self.skipped_files])


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from .anchors import anchor_headings
    from .fragments import rendered_once

    # auto_reload off: a render loads each template once, not a stat of base.html per page
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, auto_reload=False,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["anchor_headings"] = anchor_headings
    env.globals["measurement_section"] = rendered_once(env.get_template("measurement.html"))
    return env


def index_record(entry) -> dict:
    """What the site's search reads of one entry."""
    from ..search import search_record

    return {"id": entry.id, "c": entry.category, "d": entry.domain, "y": entry.introduced, **search_record(entry)}


def script_json(value) -> str:
    r"""`value` as compact JSON that is safe inside a script: `<`, `>`, `&` and the line separators
    are \u-escaped, so the text can never end a script or break the statement.

    >>> script_json({"t": "</script>&"})
    '{"t":"\\u003c/script\\u003e\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                       ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


def search_index_js(site: Site, records: list[str] | None = None) -> str:
    """The index's data and taxo search's ranking as a script assigning two globals: `<script src>`
    works from file://, where fetch() of a local JSON file does not. Every value is `script_json`.

    `records` are the entries' `index_record`s as `script_json`, in site order, when the page
    writers made them (in the workers, for a large catalog)."""
    from ..search import RANKING

    records = records if records is not None else [script_json(index_record(e)) for e in site.entries]
    # A list's compact JSON is its items' joined by commas: the same text as one json.dumps
    return (f"window.TAXO_SEARCH = {script_json(RANKING)};\n"
            f"window.TAXO_INDEX = [{','.join(records)}];\n")


_shared: dict = {}       # what forked workers inherit: no pickling of the site


def probe_source(name: str) -> str | None:
    """The text of a catalog probe (shown on its entry's page), if the analyzer ships it."""
    from analyzer.probe import catalog_probe_path

    try:
        return catalog_probe_path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def method_page():
    """docs/analyzer.md as HTML (the method the measurements follow), or None where it is not shipped."""
    from ..paths import PACKAGE_DIR
    from .markdown import render_markdown

    for path in (PACKAGE_DIR / "docs" / "analyzer.md", PACKAGE_DIR.parent / "docs" / "analyzer.md"):
        if path.is_file():
            return render_markdown(path.read_text(encoding="utf-8"))
    return None


def build_site(catalog_root: Path | None, measurement_for: Callable[[str], tuple]) -> tuple[Site, list[str]]:
    """The site's data, and `path: why` for each catalog file left out."""
    loaded = load_catalog(catalog_root or default_catalog())
    entries, seen, skipped = [], set(), [str(p) for p in loaded.problems]
    for entry in sorted(loaded.entries, key=lambda e: (e.name.casefold(), e.id)):
        if not entry.id or entry.id in seen:
            why = "it has no id" if not entry.id else f"its id '{entry.id}' is used by another file"
            skipped.append(f"{entry.path}: {why}")
            continue
        seen.add(entry.id)
        entries.append(entry)
    probe_results: dict[str, list[ProbeView]] = {}
    views: dict[str, tuple] = {}  # probe -> (view, error): entries sharing a probe share its view
    for entry in entries:
        for probe in entry.probes:
            if probe.name not in views:
                record, error = measurement_for(probe.name)
                views[probe.name] = measurement_view(record), error
            probe_results.setdefault(entry.id, []).append(ProbeView(probe.name, probe.front_end, *views[probe.name]))
    headlines = {i: view for i, views in probe_results.items()
                 if (view := next((p.view for p in views if p.view), None))}
    site = Site(load_taxonomy(), entries, headlines, {}, probe_results=probe_results,
                probe_sources={p: text for p in {r.probe for views in probe_results.values() for r in views}
                               if (text := probe_source(p)) is not None},
                method_html=method_page())
    used: set[str] = set()
    for entry in entries:
        stem = slug(entry.id)
        while stem in used:                     # two ids hashed to one stem: vanishingly rare
            stem += "-"
        used.add(stem)
        site.slugs[entry.id] = stem
    return site, skipped


def render_site(catalog_root: Path | None, out_dir: Path, *, base_url: str = "",
                measurement_for: Callable[[str], tuple] = stored) -> RenderReport:
    """Render the catalog at `catalog_root` (default: the bundled one) into `out_dir`.

    `base_url` (e.g. `https://example.org/taxo/`) makes the sitemap and canonical links
    absolute, as search engines want; without it they are relative to the site root.
    `measurement_for(probe)` returns (the analyzer's stored record or None, an error line or None).
    """
    started = time.perf_counter()
    with few_collections():
        site, skipped = build_site(catalog_root, measurement_for)
        env = _environment()
        final_dir = Path(out_dir)
        out_dir = new_site_folder(final_dir)
        try:
            pages = _write_site(site, env, out_dir, base_url, skipped)
            replace_folder(out_dir, final_dir)
        finally:
            shutil.rmtree(out_dir, ignore_errors=True)  # gone already when the swap succeeded
    return RenderReport(final_dir, len(site.entries) - len(skipped_pages(skipped)), len(site.taxonomy.categories),
                        pages, pages + OTHER_FILES, len(skipped), time.perf_counter() - started, tuple(skipped))


def _write_site(site: Site, env, out_dir: Path, base_url: str, skipped: list[str]) -> int:
    """Write every file of the site into `out_dir`; return the number of HTML pages.

    An entry whose page cannot be rendered is left out and added to `skipped`.
    """
    for sub in ("entries", "categories", "static"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    base = base_url.rstrip("/") + "/" if base_url else ""
    common = {"csp": CSP, "site_header": rendered_per_arguments(env.get_template("header.html"),
                                                                nav_categories=site.taxonomy.categories)}
    urls: list[str] = []

    def write(path: str, template, **context) -> None:
        root = "../" * path.count("/")
        canonical = base + path if base else ""
        html = template.render(root=root, canonical=canonical, **common, **context)
        (out_dir / path).write_text(html, encoding="utf-8")
        urls.append(base + path)

    def other_pages() -> None:
        write("index.html", env.get_template("index.html"), **index_context(site))
        category_template = env.get_template("category.html")
        for category in site.taxonomy.categories:
            write(f"categories/{category.id}.html", category_template, **category_context(site, category, "../"))
        write("debate.html", env.get_template("debate.html"), **debate_context(site, ""))
        if site.method_html:
            write("method.html", env.get_template("method.html"), body=site.method_html)

    _shared.update(site=site, env=env, out_dir=out_dir, base=base, common=common)
    records, entry_urls = [], []
    # the index, category and debate pages are written while the workers write the entries'
    for url, failure, record in map_chunks(_write_entries, [e.id for e in site.entries], meanwhile=other_pages):
        records.append(record)
        if failure:
            skipped.append(failure)
        else:
            entry_urls.append(url)
    _shared.clear()
    urls[1:1] = entry_urls  # the sitemap lists the index, the entries, then the other pages
    pages = len(urls)
    (out_dir / "sitemap.xml").write_text(env.get_template("sitemap.xml").render(urls=urls), encoding="utf-8")
    (out_dir / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n", encoding="utf-8")
    (out_dir / "search-index.js").write_text(search_index_js(site, records), encoding="utf-8")
    for name in ("site.css", "site.js"):
        shutil.copyfile(HERE / "static" / name, out_dir / "static" / name)
    (out_dir / "static" / "categories.css").write_text(category_css(), encoding="utf-8")
    (out_dir / SITE_MARKER).write_text("Written by taxo render; the next render replaces this folder.\n",
                                       encoding="utf-8")
    return pages


def _write_entries(ids: list[str]) -> list[tuple[str, str | None, str]]:
    """Write the pages of these entries: (url, None, its search record), or ("", `path: why`,
    its search record) for a page that failed.

    Runs in a worker for large catalogs, which makes the search records there too. An entry
    that does not validate may not render (a broken address, say): it is left out and named,
    and the rest of the site is written.
    """
    site, base, out_dir = _shared["site"], _shared["base"], _shared["out_dir"]
    template = _shared["env"].get_template("entry.html")
    results: list[tuple[str, str | None, str]] = []
    for entry_id in ids:
        path = f"entries/{site.slugs[entry_id]}.html"
        entry = site.by_id[entry_id]
        record = script_json(index_record(entry))
        try:
            html = template.render(root="../", canonical=base + path if base else "", **_shared["common"],
                                   **entry_context(site, entry, "../"))
        except Exception as exc:  # noqa: BLE001 - one bad entry must not stop the site
            results.append(("", f"{entry.path}: {PAGE_FAILED} ({type(exc).__name__}: {exc})", record))
            continue
        (out_dir / path).write_text(html, encoding="utf-8")
        results.append((base + path, None, record))
    return results


def skipped_pages(skipped: list[str]) -> list[str]:
    """The skipped entries that were read but whose page failed."""
    return [why for why in skipped if PAGE_FAILED in why]


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
