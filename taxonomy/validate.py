"""Validation: read every file, check each against the schema, then check them together.

Files are independent until the cross-entry checks, so large catalogs are read and
schema-checked on every core; positions for cross-entry problems are re-read on demand.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .checks import catalog_problems
from .loader import LoadedCatalog, add_entry, catalog_files, display_path
from .parallel import map_chunks
from .problems import Problem
from .schema import schema_problems
from .yaml_source import read_document


@dataclass
class ValidationResult:
    """Every problem in a catalog, with the number of files read."""

    catalog: LoadedCatalog
    problems: list[Problem]
    files: int

    @property
    def ok(self) -> bool:
        return not self.problems


def check_file(path: Path) -> tuple[str, object, list[Problem]]:
    """(label, data or None, problems) for one file: parse and schema, nothing across files."""
    label = display_path(path)
    document = read_document(path, label)
    if isinstance(document, Problem):
        return label, None, [document]
    problems = schema_problems(document, label) if isinstance(document.data, dict) else []
    return label, document.data, problems


def _check_files(paths: list[Path]) -> list[tuple[str, object, list[Problem]]]:
    return [check_file(path) for path in paths]


def validate_catalog(root: Path, workers: int | None = None) -> ValidationResult:
    """All problems of the catalog at `root`, sorted by file and line."""
    catalog = LoadedCatalog(root=root)
    if not root.is_dir():
        problem = Problem(str(root), None, None, "catalog directory not found; pass --catalog PATH")
        return ValidationResult(catalog, [problem], 0)
    paths = catalog_files(root)
    results = map_chunks(_check_files, paths, workers)
    problems: list[Problem] = []
    for label, data, file_problems in sorted(results, key=lambda r: r[0]):
        problems.extend(file_problems)
        if data is not None or not file_problems:
            add_entry(catalog, label, data)
    problems.extend(catalog.problems)
    problems.extend(catalog_problems(catalog))
    ordered = sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.col or 0, p.message))
    return ValidationResult(catalog, ordered, len(paths))
