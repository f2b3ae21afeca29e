from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent / "examples"


def run_taxo(*args: str, env: dict | None = None, cwd: str | None = None) -> subprocess.CompletedProcess:
    """Run the `taxo` script installed beside this Python (else `python -m taxonomy`) in a subprocess."""
    beside = Path(sys.executable).parent / "taxo"  # the script installed with this interpreter
    command = [str(beside)] if beside.exists() else [sys.executable, "-m", "taxonomy"]
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(command + list(args), capture_output=True, text=True, env=environment, cwd=cwd,
                          timeout=120)


@pytest.fixture
def taxo(tmp_path):
    """`taxo(...)` with a private cache directory, so tests never share a lookup index."""
    cache = tmp_path / "cache"

    def call(*args: str, env_extra: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
        return run_taxo(*args, env={"XDG_CACHE_HOME": str(cache), **(env_extra or {})}, **kwargs)

    return call


@pytest.fixture
def small_catalog(tmp_path) -> Path:
    """A copy of the two valid example entries."""
    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLES / "valid", root)
    return root
