"""taxo's knowledge base: the catalog of optimizations, its taxonomy, and the `taxo` command."""
from __future__ import annotations

__version__ = "0.1.0"


def __getattr__(name: str):
    """``CATEGORIES``: the filings, read from categories.yaml (the only list) on first use."""
    if name == "CATEGORIES":
        from .categories import category_ids

        return category_ids()
    raise AttributeError(f"module 'taxonomy' has no attribute {name!r}")
