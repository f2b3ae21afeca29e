"""taxo's knowledge base: the catalog of optimizations, its taxonomy, and the `taxo` command."""
from __future__ import annotations

__version__ = "0.1.0"
CATEGORIES = ("inlining", "partial-evaluation", "dead-code-elimination", "caching", "ai-specific")
