"""``python -m analyzer.refresh [PROBE ...]``: re-measure the catalog probes and store the results.

Runs every probe in analyzer/probes (or the ones named) isolated and in parallel, and
writes ``analyzer/measurements/<probe>.json`` for each; a failed probe keeps its old file
and makes the exit status 1.
"""
from __future__ import annotations

import argparse
import sys

from analyzer import store
from analyzer.measurement import Measurement
from analyzer.probe import catalog_probe_names, catalog_probe_path
from analyzer.runner import DEFAULT_TIMEOUT, Job, analyze_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyzer.refresh", description=__doc__.splitlines()[0])
    parser.add_argument("probes", nargs="*", help="probe names (default: all)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    args = parser.parse_args(argv)
    names = args.probes or catalog_probe_names()
    unknown = [n for n in names if not catalog_probe_path(n).is_file()]
    if unknown:
        print(f"error: no probe named {', '.join(unknown)}", file=sys.stderr)
        return 1
    results = analyze_all([Job(n, catalog_probe_path(n)) for n in names], args.timeout)
    status = 0
    for name, result in results.items():
        if isinstance(result, str):
            print(f"{name}: error: {result}", file=sys.stderr)
            status = 1
            continue
        measurement = Measurement.from_json(result, f"probe '{name}'")
        print(f"{name}: {measurement.verdict} -> {store.save(measurement)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
