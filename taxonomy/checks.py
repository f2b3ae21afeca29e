"""Checks across entries: ids, names and aliases that collide, links that lead nowhere."""
from __future__ import annotations

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


def catalog_problems(catalog: LoadedCatalog, probes: Path | None = None) -> list[Problem]:
    """Every cross-entry problem, each at the line of the offending value."""
    problems: list[Problem] = []
    probes = probes if probes is not None else probes_dir()

    def at(entry, path, message, key=False):
        line, col = catalog.where(entry.path, path, key=key)
        problems.append(Problem(entry.path, line, col, message))

    owners: dict[str, tuple] = {}  # normalized key -> (entry, path of the field)
    ids = {e.id for e in catalog.entries}
    for entry in catalog.entries:
        stem = Path(entry.path).stem
        if entry.id and entry.id != stem:
            at(entry, ("id",), f"id '{entry.id}' differs from the file name; rename the file to {entry.id}.yaml "
                               f"or set id: {stem}")
        labelled = [(entry.id, ("id",)), (entry.name, ("name",))] + [
            (alias, ("aliases", i)) for i, alias in enumerate(entry.aliases)]
        seen_here: set[str] = set()
        for text, path in labelled:
            key = normalize(text)
            if not key or key in seen_here:
                continue
            seen_here.add(key)
            if key in owners and owners[key][0].id != entry.id:
                other, other_path = owners[key]
                what = "id" if path == ("id",) else ("name" if path == ("name",) else "alias")
                at(entry, path, f"{what} '{text}' is already used by {other.path} ({other_path[0]}); "
                                "each name may point to one entry")
            elif key in owners:
                at(entry, path, f"duplicate id '{text}' (also in {owners[key][0].path}); ids must be unique")
            else:
                owners[key] = (entry, path)
        for i, related in enumerate(entry.related):
            if related == entry.id:
                at(entry, ("related", i), f"related lists the entry itself ('{related}'); remove it")
            elif related not in ids:
                at(entry, ("related", i), f"related id '{related}' does not exist in the catalog")
        # inverse and probe of the wrong type are the schema's to report; only text is looked up
        if isinstance(entry.inverse, str) and entry.inverse and entry.inverse not in ids:
            at(entry, ("inverse",), f"inverse '{entry.inverse}' does not exist in the catalog")
        for field in ("probe", "torch_probe"):
            name = getattr(entry, field)
            if (isinstance(name, str) and _PROBE_NAME.match(name) and probes is not None
                    and not (probes / f"{name}.py").is_file()):
                at(entry, (field,), f"{field.replace('_', ' ')} '{name}' does not exist; "
                                    f"write analyzer/probes/{name}.py or remove the field")
        for path, text in _strings(entry.data):
            if "TODO" in text:
                at(entry, path, f"{_field(path)} still holds a TODO placeholder; {_fix(path)}")
            elif text and not text.strip():
                at(entry, path, f"{_field(path)} is only spaces; {_fix(path)}")
            elif path[-1:] in (("url",), ("source",)) and text.startswith(("http:", "https:")):
                if (reason := _address_problem(text)) is not None:
                    at(entry, path, f"{_field(path)}: {reason}; write the address you looked up")
    return problems


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


def _strings(value, path: tuple = ()):
    """Every (path, string) inside an entry's data."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))
