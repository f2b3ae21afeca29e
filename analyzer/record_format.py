"""What every reader of a stored measurement needs before it reads one: the format version, the
error it raises and the command that re-measures. Standard library only and no dataclasses, so
`taxo classify` can show a stored verdict without building the full record (analyzer.measurement).
"""
from __future__ import annotations

FORMAT = 5
REFRESH_COMMAND = "taxo analyze --all --store"


class MeasurementError(ValueError):
    """A stored or transmitted measurement that cannot be read; ``str()`` says what and how to fix."""


def rank_shares(shares: dict[str, float], threshold: float = 0.005) -> list[tuple[str, float]]:
    """The shares worth showing, largest (in size) first.

    >>> rank_shares({"caching": 0.2, "unexplained": 0.8, "inlining": 0.001})
    [('unexplained', 0.8), ('caching', 0.2)]
    """
    found = [(k, v) for k, v in shares.items() if abs(v) >= threshold]
    return sorted(found, key=lambda kv: -abs(kv[1]))


def check_format(data: object, where: str) -> dict:
    """``data`` as a mapping of the current format, or MeasurementError naming what is wrong."""
    if not isinstance(data, dict):
        raise MeasurementError(f"{where}: expected a mapping, found {type(data).__name__}")
    version = data.get("format")
    if version != FORMAT:
        found = "no format version" if version is None else f"format {version!r:.20}"
        raise MeasurementError(f"{where}: {found}, this taxo reads format {FORMAT}; "
                               f"re-measure with `{REFRESH_COMMAND}`")
    return data
