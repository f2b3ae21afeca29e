"""Where taxo's data lives: the bundled catalog, the taxonomy file and the entry schema."""
from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMA_PATH = PACKAGE_DIR / "schema" / "entry.schema.json"
CATEGORIES_PATH = PACKAGE_DIR / "categories.yaml"


def default_catalog() -> Path:
    """The catalog shipped in the wheel, or the checkout's `catalog/` for an editable install."""
    bundled = PACKAGE_DIR / "catalog"
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent / "catalog"


def cache_dir() -> Path:
    """Where derived, throw-away files go (the lookup index); honours XDG_CACHE_HOME."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "taxo"


@lru_cache(maxsize=1)
def analyzer_dir() -> Path | None:
    """The analyzer package's folder (probes/, measurements/), found without importing it (numpy)."""
    spec = importlib.util.find_spec("analyzer")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])
