from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from contrib_helpers import EXAMPLES


@pytest.fixture
def hostile_catalog(tmp_path) -> Path:
    """Every invalid example beside the two valid ones."""
    root = tmp_path / "catalog"
    root.mkdir()
    for path in [*(EXAMPLES / "invalid").glob("*.yaml"), *(EXAMPLES / "valid").glob("*.yaml")]:
        shutil.copy(path, root)
    return root
