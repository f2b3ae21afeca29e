"""Checks across entries: ids, names and aliases that collide, links that lead nowhere."""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from .loader import LoadedCatalog
from .paths import analyzer_dir
from .lookup import normalize
from .problems import Problem
from .schema import _field, entry_schema

_PROBE_NAME = re.compile(r"[a-z0-9_]+$")  # as the schema requires; anything else never touches the disk


def probes_dir() -> Path | None:
    """analyzer/probes, found without importing the analyzer (which pulls in numpy)."""
    root = analyzer_dir()
    return root / "probes" if root else None


def catalog_problems(catalog: LoadedCatalog, probes: Path | None = None, *,
                     each_entry: bool = True) -> list[Problem]:
    """Every cross-entry problem, each at the line of the offending value.

    With `each_entry=False`, the problems an entry has on its own (`entry_problems`) are left
    to the caller, which found them where the file was read.
    """
    problems: list[Problem] = []
    probes = probes if probes is not None else probes_dir()

    def at(entry, path, message, key=False):
        line, col = catalog.where(entry.path, path, key=key)
        problems.append(Problem(entry.path, line, col, message))

    keyed = [_keyed(entry) for entry in catalog.entries]  # each name normalized once
    owners = _claims(catalog.entries, keyed)  # normalized key -> (entry, path of the field) that owns it
    ids = {e.id for e in catalog.entries}
    for entry, labelled in zip(catalog.entries, keyed):
        seen_here: set[str] = set()
        for text, path, key in labelled:
            if not key or key in seen_here:
                continue
            seen_here.add(key)
            other, other_path = owners[key]
            if other is entry:
                continue
            if other.id != entry.id:
                what = "id" if path == ("id",) else ("name" if path == ("name",) else "alias")
                at(entry, path, f"{what} '{text}' is already used by {other.path} ({other_path[0]}); "
                                "each name may point to one entry")
            elif path == ("id",):
                at(entry, path, f"duplicate id '{text}' (also in {other.path}); ids must be unique")
        for i, related in enumerate(entry.related):
            if related == entry.id:
                at(entry, ("related", i), f"related lists the entry itself ('{related}'); remove it")
            elif related not in ids:
                at(entry, ("related", i), f"related id '{related}' does not exist in the catalog")
        # inverse and probe of the wrong type are the schema's to report; only text is looked up
        if isinstance(entry.inverse, str) and entry.inverse and entry.inverse not in ids:
            at(entry, ("inverse",), f"inverse '{entry.inverse}' does not exist in the catalog")
        if each_entry:
            for message, path in entry_problems(entry, probes):
                at(entry, path, message)
    return problems


def entry_problems(entry, probes: Path | None) -> list[tuple[str, tuple]]:
    """(message, field path) for what is wrong in one entry whatever the others hold: an id
    that is not the file name, its probes, placeholders, blank text and unusable addresses.

    Needs no other entry, so `taxo validate` runs it where the file is read, on every core.
    """
    out: list[tuple[str, tuple]] = []

    def at(path: tuple, message: str) -> None:  # named as in catalog_problems: the doc test finds messages by it
        out.append((message, path))

    stem = os.path.splitext(os.path.basename(entry.path))[0]  # Path(...).stem, without pathlib's parsing
    if entry.id and entry.id != stem:
        at(("id",), f"id '{entry.id}' differs from the file name; rename the file to {entry.id}.yaml "
                    f"or set id: {stem}")
    out += probe_problems(entry, probes)
    for path, text in _flagged_strings(entry.data):
        if "TODO" in text:
            at(path, f"{_field(path)} still holds a TODO placeholder; {_fix(path)}")
        elif text.isspace():
            at(path, f"{_field(path)} is only spaces; {_fix(path)}")
        elif path[-1:] in (("url",), ("source",)) and text.startswith(("http:", "https:")):
            if (reason := _address_problem(text)) is not None:
                at(path, f"{_field(path)}: {reason}; write the address you looked up")
    return out


def _keyed(entry) -> list[tuple[str, tuple, str]]:
    """(text, field path, normalized key) of the entry's id, name and each alias, in that order."""
    labelled = [(entry.id, ("id",)), (entry.name, ("name",))] + [
        (alias, ("aliases", i)) for i, alias in enumerate(entry.aliases)]
    return [(text, path, normalize(text)) for text, path in labelled]


def _claims(entries, keyed) -> dict[str, tuple]:
    """Normalized key -> (entry, field path) of the entry it leads to.

    Ids claim their keys first, then names, then aliases, each in file order: an alias that
    collides with another entry's name is the alias's fault, wherever its file sorts.
    """
    owners: dict[str, tuple] = {}
    for kind in ("id", "name", "aliases"):
        for entry, labelled in zip(entries, keyed):
            for text, path, key in labelled:
                if key and path[0] == kind:
                    owners.setdefault(key, (entry, path))
    return owners


def _fix(path: tuple) -> str:
    """What to do about a placeholder: never advise removing what the schema requires."""
    node, removable = entry_schema(), False
    for step in path:
        if isinstance(step, int):
            removable = node.get("minItems", 0) == 0
            node = node.get("items", {})
        else:
            required = set(node.get("required", ())).union(*(alt.get("required", ()) for alt in node.get("anyOf", ())))
            removable = step not in required
            node = node.get("properties", {}).get(step, {})
        node = entry_schema().get("definitions", {}).get(node["$ref"].rsplit("/", 1)[-1], {}) \
            if "$ref" in node else node
    what = "the item" if path and isinstance(path[-1], int) else "the field"
    return f"fill it in or remove {what}" if removable else "fill it in"


def _address_problem(url: str) -> str | None:
    """Why a browser or the site could not use this http(s) address, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parses the port: "https://x:99999" raises here
    except ValueError as exc:
        return f"{url!r} is not a valid address ({exc})"
    if not parts.hostname:
        return f"{url!r} names no host"
    return None


def _flagged_strings(value, path: tuple = ()) -> list[tuple[tuple, str]]:
    """The (path, string) pairs inside an entry's data that a check looks at further: those
    holding TODO, blank ones, and the http(s) addresses of `url` and `source` fields.

    >>> _flagged_strings({"id": "a", "references": [{"url": "https://x", "title": "TODO"}]})
    [(('references', 0, 'url'), 'https://x'), (('references', 0, 'title'), 'TODO')]
    """
    if isinstance(value, str):
        return [(path, value)] if "TODO" in value or value.isspace() else []
    found: list[tuple[tuple, str]] = []
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        if item.__class__ is str:  # most values: looked at here, without a call or a path
            if "TODO" in item or item.isspace() or (  # isspace: not empty, and only spaces
                    key in ("url", "source") and item.startswith(("http:", "https:"))):
                found.append((path + (key,), item))
        elif isinstance(item, (dict, list)):
            found.extend(_flagged_strings(item, path + (key,)))
    return found


def probe_problems(entry, probes: Path | None) -> list[tuple[str, tuple]]:
    """(message, field path) for each probe that is missing, measured by another front-end,
    unreadable, or measured otherwise than the entry is filed without a filing_note."""
    from .measured import agrees, stored

    out: list[tuple[str, tuple]] = []
    headline = None
    for k, probe in enumerate(entry.probes):
        if not _PROBE_NAME.match(probe.name):
            continue  # the schema reports the form
        if probes is not None and not (probes / f"{probe.name}.py").is_file():
            out.append((f"probe '{probe.name}' does not exist; write analyzer/probes/{probe.name}.py "
                        "or remove it from probes", ("probes", k, "name")))
            continue
        measurement, error = stored(probe.name)
        if error:
            out.append((f"the stored measurement of probe '{probe.name}' cannot be read: {error}", ("probes", k)))
        elif measurement is not None:
            if measurement.front_ends and probe.front_end not in measurement.front_ends:
                out.append((f"probe '{probe.name}' is traced by the {', '.join(measurement.front_ends)} front-end, "
                            f"not {probe.front_end}; write front_end: {measurement.front_ends[0]}",
                            ("probes", k, "front_end")))
            headline = headline or measurement
    if headline is not None and not agrees(entry, headline.verdict) and not entry.filing_note:
        out.append((f"filed {entry.category}, but its probe '{headline.probe}' measures {headline.verdict}; "
                    "file it where the measurement points, or say why in filing_note", ("category",)))
    if entry.saved_by and entry.category != "beyond-the-four":
        out.append((f"saved_by is for beyond-the-four entries, not {entry.category}; remove it",
                    ("saved_by",)))
    return out
