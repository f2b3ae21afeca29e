"""The taxonomy's one list of categories, read from categories.yaml and kept for the process.

Everything that names categories (the CLI's choices, colours, table order, the site's CSS,
findings) asks this module; nothing else spells the list out. The file is parsed through the
lookup cache (marshal, keyed by size and mtime), so `taxo classify` pays no PyYAML import.

>>> "caching" in taxonomy().mechanisms
True
"""
from __future__ import annotations

from functools import lru_cache

from .model import Taxonomy
from .paths import CATEGORIES_PATH

_ANSI = {"black": "30", "red": "31", "green": "32", "yellow": "33", "blue": "34",
         "magenta": "35", "cyan": "36", "white": "37"}


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    """The bundled taxonomy (trusted, but read through the same safe reader as entries)."""
    from .index import _Cache, read_cached

    data = read_cached(CATEGORIES_PATH, _Cache(CATEGORIES_PATH.parent))
    if not isinstance(data, dict):
        raise RuntimeError(f"{CATEGORIES_PATH}: cannot be read; reinstall taxo")
    return Taxonomy.from_dict(data)


def category_ids() -> tuple[str, ...]:
    """The filings, in order: ``('inlining', ..., 'beyond-the-four')``."""
    return taxonomy().ids


def ansi_code(category_id: str) -> str:
    """The terminal colour of a filing or outcome (white for anything unknown)."""
    category = taxonomy().category(category_id)
    return _ANSI.get(category.color.terminal, "37") if category else "37"


def css() -> str:
    """CSS custom properties and classes for every filing and outcome, light and dark."""
    every = (*taxonomy().categories, *taxonomy().outcomes)
    light = " ".join(f"--{c.id}: {c.color.light};" for c in every)
    dark = " ".join(f"--{c.id}: {c.color.dark};" for c in every)
    classes = "\n".join(f".c-{c.id} {{ background: var(--{c.id}); }} "
                        f"svg.chart rect.c-{c.id} {{ fill: var(--{c.id}); }}" for c in every)
    return (f"/* generated from taxonomy/categories.yaml */\n:root {{ {light} }}\n"
            f"@media (prefers-color-scheme: dark) {{ :root {{ {dark} }} }}\n{classes}\n")
