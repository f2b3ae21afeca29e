"""Fixtures: tiny probes written to a temporary folder, measured in-process or in a subprocess."""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any, Callable

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:       # plain `pytest` from anywhere finds the analyzer package
    sys.path.insert(0, str(REPO))

from analyzer.probe import catalog_probe_path, load
from analyzer.analysis import measure, passes, trace_version


@pytest.fixture
def write_probe(tmp_path: Path) -> Callable[[str, str], Path]:
    """write_probe(name, source) -> path of a probe file holding the dedented source."""
    def write(name: str, source: str) -> Path:
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(source))
        return path
    return write


@pytest.fixture
def measure_source(write_probe: Callable[[str, str], Path]) -> Callable[..., dict[str, Any]]:
    """measure_source(source, sizes=None) -> the result dict of a tiny probe, measured in-process."""
    def go(source: str, sizes: tuple[int, ...] | None = None, name: str = "tiny") -> dict[str, Any]:
        return measure(load(write_probe(name, source)), sizes)
    return go


@pytest.fixture
def catalog_trace() -> Callable[..., Any]:
    """catalog_trace(probe, version, size) -> (raw output, Measured)."""
    return trace_catalog


def trace_catalog(probe: str, version: str, size: int):
    """(raw output, Measured) of one version of a catalog probe at one size."""
    out, trace, _ = trace_version(load(catalog_probe_path(probe)), version, size)
    return out, passes(trace)
