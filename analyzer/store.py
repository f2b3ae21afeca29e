"""Stored measurements of the catalog's probes: ``analyzer/measurements/<probe>.json``.

``taxo classify`` shows the measurement beside the catalog's claim without running anything,
so this module imports only the standard library. ``load`` returns None when a probe was never
measured and raises ``MeasurementError`` (one line: which file, what is wrong, how to fix it)
when a file is damaged or of another format, so no view silently shows less. ``save`` writes a
temporary file and renames it over the old one: an interrupted refresh leaves either the old
file or the new one, never half of either. Refreshed by ``taxo analyze --all --store``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from analyzer.record_format import REFRESH_COMMAND, MeasurementError, check_format, rank_shares

DIRECTORY = Path(__file__).resolve().parent / "measurements"


def path(probe: str, directory: Path | None = None) -> Path:
    return (directory or DIRECTORY) / f"{probe}.json"


class Headline:
    """What an entry card shows of a stored measurement, read without building the full record.

    The same names as ``Measurement`` offers: ``verdict``, ``direction``, ``explanation``,
    ``measure``, ``ranked()``. The format version and these fields are checked; the full record
    (``load``) checks everything, and the tests recompute every stored file.
    """
    __slots__ = ("probe", "verdict", "direction", "explanation", "measure", "shares")

    def __init__(self, data: dict, where: str) -> None:
        attribution = data.get("attribution")
        shares = attribution.get("shares") if isinstance(attribution, dict) else None
        fields = (data.get("probe"), data.get("verdict"), data.get("direction"), data.get("explanation"))
        if not all(isinstance(f, str) for f in fields) or not isinstance(shares, dict) \
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in shares.values()):
            raise MeasurementError(f"{where}: damaged (probe, verdict, direction, explanation or shares); "
                                   f"re-measure with `{REFRESH_COMMAND}`")
        self.probe, self.verdict, self.direction, self.explanation = fields
        measure = attribution.get("measure")
        self.measure = measure if isinstance(measure, str) else None
        self.shares = {str(k): float(v) for k, v in shares.items()}

    def ranked(self, threshold: float = 0.005) -> list[tuple[str, float]]:
        return rank_shares(self.shares, threshold)


def _read(probe: str, directory: Path | None) -> tuple[dict | None, str]:
    where = path(probe, directory)
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, str(where)
    except (OSError, UnicodeDecodeError) as e:
        raise MeasurementError(f"{where}: cannot be read ({e}); re-measure with `{REFRESH_COMMAND}`") from None
    try:
        return check_format(json.loads(text), str(where)), str(where)
    except MeasurementError as e:
        hint = "" if REFRESH_COMMAND in str(e) else f"; re-measure with `{REFRESH_COMMAND}`"
        raise MeasurementError(f"{e}{hint}") from None
    except ValueError as e:
        raise MeasurementError(f"{where}: damaged ({e}); re-measure with `{REFRESH_COMMAND}`") from None


def load_headline(probe: str, directory: Path | None = None) -> Headline | None:
    """The stored verdict and explanation of ``probe`` (None when never measured), cheaply."""
    data, where = _read(probe, directory)
    return None if data is None else Headline(data, where)


def load(probe: str, directory: Path | None = None) -> Measurement | None:
    """The stored measurement of ``probe``; None when there is none; MeasurementError when unreadable."""
    from analyzer.measurement import Measurement

    data, where = _read(probe, directory)
    if data is None:
        return None
    try:
        return Measurement.from_json(data, where)
    except MeasurementError as e:
        hint = "" if REFRESH_COMMAND in str(e) else f"; re-measure with `{REFRESH_COMMAND}`"
        raise MeasurementError(f"{e}{hint}") from None


def save(measurement: Measurement, directory: Path | None = None) -> Path:
    """Store a measurement atomically; run-to-run noise (seconds) is left out."""
    if not measurement.probe.isidentifier():
        raise MeasurementError(f"cannot store a measurement of probe '{measurement.probe[:40]}': "
                               "a probe name is letters, digits and _")
    data = measurement.to_json()
    data.pop("seconds", None)
    data["refresh"] = REFRESH_COMMAND
    import tempfile  # only writers pay for it: `taxo classify` reads

    target = path(measurement.probe, directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
