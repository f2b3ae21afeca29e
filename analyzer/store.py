"""Stored results for the catalog: ``analyzer/measurements/<probe>.json``.

``taxo classify`` shows the measurement beside the catalog's claim without running
anything, so ``load`` imports only json. Results are refreshed by
``python -m analyzer.refresh`` (all probes, in parallel, isolated), which calls ``save``.
"""
from __future__ import annotations

import json

DIRECTORY = __file__.rpartition("/")[0] + "/measurements"
REFRESH_COMMAND = "python -m analyzer.refresh"


def path(probe: str) -> str:
    return f"{DIRECTORY}/{probe}.json"


def load(probe: str) -> dict | None:
    """The stored result of ``probe`` (a dict as ``taxo analyze --json`` prints), or None."""
    try:
        with open(path(probe), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def save(probe: str, result: dict) -> None:
    """Store a result; drops what changes from run to run (timing, absolute paths)."""
    stable = {k: v for k, v in result.items() if k not in ("seconds", "path")}
    stable["refresh"] = REFRESH_COMMAND
    with open(path(probe), "w", encoding="utf-8") as f:
        json.dump(stable, f, indent=1, sort_keys=True)
        f.write("\n")
