"""What the analyzer measured for an entry: one stored record per probe the entry lists.

The knowledge base reads the analyzer's ``Measurement`` records (``analyzer.store``, standard
library only, so `taxo classify` stays fast) and never runs a probe. A probe never measured has
no record; a damaged or outdated file is an ``error`` the views show, never a silent omission.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from pathlib import Path

from analyzer import store
from analyzer.record_format import MeasurementError

from .categories import taxonomy
from .model import Entry, ProbeRef

TORCH = "torch"


@dataclass(frozen=True)
class ProbeResult:
    """One of an entry's probes and its stored measurement (or why it cannot be shown)."""

    probe: ProbeRef
    measurement: Any = None         # the full Measurement, or a store.Headline on the card's fast path
    error: str | None = None

    @property
    def verdict(self) -> str | None:
        return self.measurement.verdict if self.measurement else None

    @property
    def title(self) -> str:
        return "Measured on torch.nn modules" if self.probe.front_end == TORCH else "Measured by the analyzer"

    @property
    def rerun(self) -> str:
        return f"taxo analyze {self.probe.name}"


def stored(probe: str, directory: Path | None = None) -> tuple[Measurement | None, str | None]:
    """(record, None), (None, None) when never measured, or (None, one-line error).

    Read once per process and file version: validating many entries that share a probe reads it once.
    """
    try:
        stamp = store.path(probe, directory).stat().st_mtime_ns
    except OSError:
        stamp = None
    return _stored(probe, directory, stamp)


@lru_cache(maxsize=1024)
def _stored(probe: str, directory: Path | None, stamp: int | None) -> tuple[Measurement | None, str | None]:
    try:
        return store.load(probe, directory), None
    except MeasurementError as e:
        return None, str(e)


def headline(probe: str, directory: Path | None = None) -> tuple[Any, str | None]:
    """Like ``stored``, but only what a card shows (no full record: `taxo classify` stays fast)."""
    try:
        return store.load_headline(probe, directory), None
    except MeasurementError as e:
        return None, str(e)


def results(entry: Entry, directory: Path | None = None, *, full: bool = True) -> tuple[ProbeResult, ...]:
    """Every probe of the entry, in the order it lists them, with its stored record
    (``full=False``: only the headline fields a card shows)."""
    read = stored if full else headline
    return tuple(ProbeResult(p, *read(p.name, directory)) for p in entry.probes)


def primary(entry: Entry, directory: Path | None = None) -> ProbeResult | None:
    """The entry's first probe with a stored record (the headline measurement), if any."""
    return next((r for r in results(entry, directory) if r.measurement), None)


def agrees(entry: Entry, verdict: str | None) -> bool:
    """True when a measured verdict supports the entry's filing (categories.yaml: `verdict`)."""
    return taxonomy().agrees(entry.category, verdict)
