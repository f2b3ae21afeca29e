"""A large catalog that looks like the real one: every bundled entry in turn, renamed per copy.

Copy `i` of bundled entry `stem` is `<stem>-<i>.yaml`; its name and every alias get ` <i>` appended
(so every key stays unique), and its `related` and `inverse` ids point to the copies made in the
same round, so the result validates like the bundled catalog. Text, probes, positions and
references are the bundled entry's own, so files have the real catalog's sizes and shapes.

Run: python bench/realistic_catalog.py DIR [--entries N]
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
_FLOW_LIST = re.compile(r"^(aliases|related): \[.*\]$", re.M)
_SCALAR = re.compile(r"^(id|name|inverse): (.*)$", re.M)


def realistic_catalog(target: Path, count: int, source: Path = ROOT / "catalog") -> list[Path]:
    """Write `count` entries into `target` (which must exist); return their paths."""
    templates = sorted(source.glob("*.yaml"))
    stems = [p.stem for p in templates]
    position = {stem: n for n, stem in enumerate(stems)}
    texts = [p.read_text(encoding="utf-8") for p in templates]

    def copy_of(stem: str, round_start: int) -> str:
        number = round_start + position[stem]
        return f"{stem}-{number if number < count else position[stem]}"  # the last round is partial

    written = []
    for i in range(count):
        stem, round_start = stems[i % len(stems)], i - i % len(stems)

        def flow_list(match: re.Match) -> str:
            field, values = match.group(1), yaml.safe_load(match.group(0))[match.group(1)]
            if field == "aliases":
                values = [f"{alias} {i}" for alias in values]
            else:
                values = [copy_of(r, round_start) if r in position else r for r in values]
            return f"{field}: {json.dumps(values, ensure_ascii=False)}"

        def scalar(match: re.Match) -> str:
            field, value = match.group(1), yaml.safe_load(match.group(2))
            if field == "id":
                value = f"{stem}-{i}"
            elif field == "name":
                value = f"{value} {i}"
            elif value in position:
                value = copy_of(value, round_start)
            return f"{field}: {json.dumps(value, ensure_ascii=False)}"

        text = _SCALAR.sub(scalar, _FLOW_LIST.sub(flow_list, texts[i % len(texts)]))
        path = target / f"{stem}-{i}.yaml"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    args.directory.mkdir(parents=True, exist_ok=True)
    realistic_catalog(args.directory, args.entries)


if __name__ == "__main__":
    main()
