"""Data flows one way: YAML -> model -> checks -> views; probe -> trace -> passes -> attribution ->
verdict -> record -> views. No module imports from a stage after its own."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def imports(path: Path) -> set[str]:
    """Every module a file imports, absolute (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found |= {base} | {f"{base}.{a.name}" for a in node.names}
    return found


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


# (files, modules they must not import, why)
RULES = [
    ("analyzer", ("taxonomy",), "the analyzer knows nothing of the catalog; the catalog reads its records"),
    ("analyzer/passes", ("analyzer.attribution", "analyzer.verdict", "analyzer.analysis", "analyzer.report",
                         "analyzer.command", "analyzer.worker", "analyzer.runner", "analyzer.tracers"),
     "a pass reads a trace, never what comes after it or the tracers that wrote it"),
    ("analyzer/tracers", ("analyzer.passes", "analyzer.attribution", "analyzer.verdict", "analyzer.report",
                          "analyzer.analysis"), "tracers only record"),
    ("taxonomy/site", ("taxonomy.cli", "taxonomy.fast"), "views never reach back into the command line"),
]


@pytest.mark.parametrize("folder, banned, why", RULES, ids=[r[0] for r in RULES])
def test_no_module_imports_against_the_flow(folder, banned, why):
    offenders = [(p.relative_to(ROOT).as_posix(), m) for p in files(folder) for m in imports(p)
                 if any(m == b or m.startswith(b + ".") for b in banned)]
    assert offenders == [], why


@pytest.mark.parametrize("path", ["analyzer/measurement.py", "analyzer/store.py", "taxonomy/model.py"])
def test_records_and_the_model_use_only_the_standard_library(path):
    allowed = set(sys.stdlib_module_names) | {"__future__", "analyzer", "analyzer.measurement"}
    outside = {m for m in imports(ROOT / path) if m.split(".")[0] not in allowed and m not in allowed}
    assert outside == set()
