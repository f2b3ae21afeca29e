from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from contrib_helpers import EXAMPLES, HOSTILE


@pytest.fixture
def hostile_catalog(tmp_path) -> Path:
    """Every invalid example and every hostile case beside the two valid examples."""
    root = tmp_path / "catalog"
    root.mkdir()
    for path in [*(EXAMPLES / "invalid").glob("*.yaml"), *HOSTILE.glob("*.yaml"), *(EXAMPLES / "valid").glob("*.yaml")]:
        shutil.copy(path, root)
    return root
