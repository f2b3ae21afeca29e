"""Validation: read every file, check each against the schema, then check them together.

Files are independent until the cross-entry checks, so large catalogs are read and
schema-checked on every core; positions for cross-entry problems are re-read on demand.
`validate_files` checks named files only (as yamllint does), against the rest of their catalog.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .checks import catalog_problems, entry_problems, probes_dir
from .entry_files import catalog_files, refusal
from .loader import LoadedCatalog, add_entry, display_path, display_paths, read_files
from .model import Entry
from .parallel import few_collections, map_chunks
from .problems import Problem
from .schema import schema_problems
from .yaml_source import Document, document_problems, read_document

MISSING_CATALOG = "catalog directory not found; pass --catalog PATH"


@dataclass
class ValidationResult:
    """Every problem in a catalog, with the number of files read."""

    catalog: LoadedCatalog
    problems: list[Problem]
    files: int

    @property
    def ok(self) -> bool:
        return not self.problems


def file_problems(document: Document, label: str) -> list[Problem]:
    """What reading found, then what the schema finds: every problem of one file on its own."""
    problems = document_problems(document, label)
    if isinstance(document.data, dict):
        problems += schema_problems(document, label)
    return problems


def check_file(path: Path, label: str | None = None) -> tuple[str, object, list[Problem]]:
    """(label, data or None, problems) for one file: parse and schema, nothing across files."""
    label = label or display_path(path)
    document = read_document(path, label)
    if isinstance(document, Problem):
        return label, None, [document]
    return label, document.data, file_problems(document, label)


def _check_files(paths: list[Path]) -> list[tuple[str, object, list[Problem], list[Problem]]]:
    """(label, Entry or the data that is not one, problems of the file, its `entry_problems`)
    for each file: everything that needs no other file, done where the file is read."""
    probes, out = probes_dir(), []
    for path, label in zip(paths, display_paths(paths)):
        document = read_document(path, label)
        if isinstance(document, Problem):
            out.append((label, None, [document], []))
        elif isinstance(document.data, dict):
            entry = Entry.from_dict(document.data, label)
            alone = [Problem(label, *document.where(place), message) for message, place in entry_problems(entry, probes)]
            out.append((label, entry, file_problems(document, label), alone))
        else:
            out.append((label, document.data, file_problems(document, label), []))
    return out


def _ordered(catalog: LoadedCatalog, problems: list[Problem], only: set[str] | None = None,
             alone: list[Problem] | None = None) -> list[Problem]:
    """`problems` plus the checks across entries, one message per place, sorted by file and line.

    A value the schema already explains (`category: TODO`) is not reported again by the checks
    across entries. With `only`, problems of other files are left out. `alone` are the entries'
    own problems (`entry_problems`) when they were found already.
    """
    flagged = {(p.path, p.line, p.col) for p in problems if p.line is not None}
    checked = catalog_problems(catalog) if alone is None else catalog_problems(catalog, each_entry=False) + alone
    problems = problems + [p for p in checked if (p.path, p.line, p.col) not in flagged]
    if only is not None:
        problems = [p for p in problems if p.path in only]
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.col or 0, p.message))


def validate_catalog(root: Path, workers: int | None = None) -> ValidationResult:
    """All problems of the catalog at `root`, sorted by file and line."""
    catalog = LoadedCatalog(root=root)
    if not root.is_dir():
        return ValidationResult(catalog, [Problem(str(root), None, None, MISSING_CATALOG)], 0)
    with few_collections():
        return _validate_catalog(root, workers)


def _validate_catalog(root: Path, workers: int | None) -> ValidationResult:
    catalog = LoadedCatalog(root=root)
    paths, refused = catalog_files(root, display_path)
    results = map_chunks(_check_files, paths, workers)
    problems: list[Problem] = list(refused)
    alone: list[Problem] = []
    for label, read, found, own in sorted(results, key=lambda r: r[0]):
        problems.extend(found)
        alone.extend(own)
        if isinstance(read, Entry):
            catalog.entries.append(read)
        elif read is not None or not found:
            add_entry(catalog, label, read)
    problems.extend(catalog.problems)
    return ValidationResult(catalog, _ordered(catalog, problems, alone=alone), len(paths) + len(refused))


def validate_files(files: Sequence[Path], root: Path | None = None) -> ValidationResult:
    """The problems of `files` only, checked against the other entries of their catalog.

    The catalog is `root`, or else the folder of the first file; like yamllint, a file that
    cannot be read is reported, not skipped.
    """
    root = root if root is not None else (Path(files[0]).parent if files else Path("."))
    catalog = LoadedCatalog(root=root)
    named = {os.path.realpath(f) for f in files}
    others = catalog_files(root, display_path)[0] if root.is_dir() else []
    for label, data in read_files([p for p in others if os.path.realpath(p) not in named]):
        if not isinstance(data, Problem):
            add_entry(catalog, label, data)
    problems: list[Problem] = []
    labels = set()
    for path in _unique(Path(f) for f in files):
        label = display_path(path)
        labels.add(label)
        reason = refusal(path, path.parent)
        document = read_document(path, label) if reason is None else Problem(label, None, None, reason)
        if isinstance(document, Problem):
            problems.append(document)
            continue
        catalog.documents[label] = document  # positions of cross-entry problems come from here
        problems.extend(file_problems(document, label))
        add_entry(catalog, label, document.data)
    problems.extend(catalog.problems)
    return ValidationResult(catalog, _ordered(catalog, problems, only=labels), len(labels))


def _unique(paths: Iterable[Path]) -> list[Path]:
    seen, out = set(), []
    for path in paths:
        if os.path.realpath(path) not in seen:
            seen.add(os.path.realpath(path))
            out.append(path)
    return out
