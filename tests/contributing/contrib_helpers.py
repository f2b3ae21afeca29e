"""Shared by the tests of tests/contributing (a unique name: tests/taxonomy has a conftest too)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "tests" / "taxonomy" / "examples"


def run_validate(catalog: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m taxonomy validate --catalog DIR` in a real subprocess, as CI runs it."""
    environment = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "taxonomy", "validate", "--catalog", str(catalog), *args],
                          capture_output=True, text=True, env=environment, cwd=ROOT, timeout=120)
HOSTILE = Path(__file__).parent / "hostile"
