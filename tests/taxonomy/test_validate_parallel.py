"""`taxo validate` on many cores finds what it finds on one, and what checking each file by
name finds: an entry's own checks run in the worker that read it, the others in the parent."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import taxonomy.parallel
from taxonomy.validate import validate_catalog, validate_files

ROOT = Path(__file__).parents[2]
CASES = [*(ROOT / "tests" / "taxonomy" / "examples").rglob("*.yaml"), *(ROOT / "tests" / "contributing" / "hostile").glob("*.yaml")]


@pytest.fixture
def mixed_catalog(tmp_path: Path) -> Path:
    """Every valid and invalid example and every hostile case in one folder."""
    for path in CASES:
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_workers_find_what_one_process_finds(mixed_catalog, monkeypatch):
    alone = validate_catalog(mixed_catalog, workers=1).problems
    monkeypatch.setattr(taxonomy.parallel, "PARALLEL_FROM", 2)  # fork workers even for a few files
    spread = validate_catalog(mixed_catalog, workers=2).problems
    assert len(alone) > len(CASES) // 2, "the cases hold problems"
    assert [str(p) for p in spread] == [str(p) for p in alone]


def test_the_whole_catalog_finds_what_naming_every_file_finds(mixed_catalog):
    files = sorted(mixed_catalog.glob("*.yaml"))
    whole = validate_catalog(mixed_catalog, workers=1).problems
    named = validate_files(files, mixed_catalog).problems  # each entry's own checks run in the parent here
    assert [str(p) for p in whole] == [str(p) for p in named]
