"""Load a catalog directory and the taxonomy: every file is read, none can stop the others.

Only regular `.yaml` files inside the catalog are read (`entry_files`); the others are named in
`LoadedCatalog.problems`, so a view can say which files it skipped.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .entry_files import catalog_files
from .model import Entry, Taxonomy
from .parallel import few_collections, map_chunks
from .paths import CATEGORIES_PATH
from .problems import Problem
from .yaml_source import Document, read_document


@dataclass
class LoadedCatalog:
    """What a directory held: entries that could be read, their documents, and the problems."""

    root: Path
    entries: list[Entry] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)  # label -> document
    problems: list[Problem] = field(default_factory=list)

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def where(self, label: str, path: tuple, *, key: bool = False) -> tuple[int | None, int | None]:
        """(line, col) of a value in a file; re-reads the file if its document was not kept."""
        document = self.documents.get(label)
        if document is None:
            document = read_document(self.root / Path(label).name, label)
            if isinstance(document, Problem):
                return None, None
            self.documents[label] = document
        return document.where(path, key=key)


def display_path(path: Path) -> str:
    """The path as a contributor would type it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def display_paths(paths: list[Path]) -> list[str]:
    """`display_path` of each path, each folder's worked out once (relpath is slow for 10,000 files).

    >>> display_paths([Path("catalog/fft.yaml"), Path("catalog/lru-cache.yaml")]) == [
    ...     display_path(Path("catalog/fft.yaml")), display_path(Path("catalog/lru-cache.yaml"))]
    True
    """
    folders: dict[str, str] = {}
    labels = []
    for path in paths:
        folder, name = os.path.split(path)
        if not folder or name in ("", ".", ".."):
            labels.append(display_path(path))
            continue
        if folder not in folders:
            folders[folder] = display_path(Path(folder))
        labels.append(name if folders[folder] == "." else os.path.join(folders[folder], name))
    return labels


def load_catalog(root: Path) -> LoadedCatalog:
    """Read every entry file under `root`. Unreadable files become problems, not exceptions.

    Large catalogs are read on every core; positions are re-read on demand (`where`).
    """
    loaded = LoadedCatalog(root=root)
    if not root.is_dir():
        loaded.problems.append(Problem(str(root), None, None, "catalog directory not found; pass --catalog PATH"))
        return loaded
    files, refused = catalog_files(root, display_path)
    loaded.problems.extend(refused)
    with few_collections():
        results = map_chunks(_read_entries, files)
        for label, result in results:
            if isinstance(result, Problem):
                loaded.problems.append(result)
            elif isinstance(result, Entry):
                loaded.entries.append(result)
            else:
                add_entry(loaded, label, result)
    return loaded


def _read_entries(paths: list[Path]) -> list[tuple[str, object]]:
    """`read_files`, with each mapping made an Entry already (in the worker, for large catalogs)."""
    return [(label, Entry.from_dict(data, label) if isinstance(data, dict) else data)
            for label, data in read_files(paths)]


def read_files(paths: list[Path]) -> list[tuple[str, object]]:
    """(label, data or Problem) for each file."""
    out = []
    for path, label in zip(paths, display_paths(paths)):
        result = read_document(path, label)
        out.append((label, result if isinstance(result, Problem) else result.data))
    return out


def add_entry(loaded: LoadedCatalog, label: str, data: object) -> None:
    """Add one file's data as an entry, or a problem when its top level is not a mapping."""
    if isinstance(data, dict):
        loaded.entries.append(Entry.from_dict(data, label))
    else:
        kind = {list: "list", str: "text", type(None): "nothing"}.get(type(data), type(data).__name__)
        loaded.problems.append(Problem(label, 1, 1, f"the top level is a {kind}, not a mapping of fields; "
                                                    "start from `taxo new NAME`"))


def load_taxonomy(path: Path = CATEGORIES_PATH) -> Taxonomy:
    """The bundled categories file (trusted, but read through the same safe reader)."""
    document = read_document(path)
    if isinstance(document, Problem):
        raise RuntimeError(str(document))
    return Taxonomy.from_dict(document.data)
