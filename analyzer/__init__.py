"""taxo's analyzer: measure which classical mechanism an optimization exercises.

Probe -> tracer -> trace -> passes -> attribution -> verdict -> views. The public API:

    >>> from analyzer import analyze                       # doctest: +SKIP
    >>> analyze("fft", sizes=(16, 32)).verdict             # doctest: +SKIP
    'unexplained'

This module imports nothing heavy: ``analyzer.store`` must stay fast to import.
"""
from __future__ import annotations

from typing import Any


class AnalysisError(Exception):
    """A probe that could not be analyzed; ``str()`` is one line naming the probe and the cause."""


def analyze(probe: str, *, sizes: tuple[int, ...] | None = None, timeout: float = 60.0,
            claim: str | None = None) -> Any:
    """Analyze one probe (a file path or a catalog probe name) in its own process.

    Returns its ``Measurement`` record; raises ``AnalysisError``.
    """
    from analyzer.measurement import Measurement, MeasurementError
    from analyzer.probe import ProbeError, resolve
    from analyzer.runner import Job, run_probe
    try:
        path = resolve(probe)
        return Measurement.from_json(run_probe(Job(path.stem, path, sizes, claim), timeout), f"probe '{probe}'")
    except (ProbeError, MeasurementError) as e:
        raise AnalysisError(str(e)) from None


__all__ = ["AnalysisError", "analyze"]
