"""``python -m analyzer PROBE [--size N] [--sizes A,B,C] [--timeout S] [--json] [--all [--scheduler ADDRESS]]``

Mirrors ``taxo analyze`` until the taxo CLI registers it. PROBE is a probe file or the name
of a probe in analyzer/probes. ``--all`` runs every probe there, its CLAIM as the category.

Example:
    python -m analyzer fft --sizes 16,32,64
    python -m analyzer --all
"""
from __future__ import annotations

import argparse
import sys

from analyzer.command import analyze_command, local_catalog
from analyzer.runner import DEFAULT_TIMEOUT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analyzer", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Measure which classical mechanism explains the work a probe's optimized version saves.",
        epilog="Example:\n    python -m analyzer fft --sizes 16,32,64\n    python -m analyzer --all")
    parser.add_argument("probe", nargs="?", help="a probe file, or the name of a probe in analyzer/probes")
    parser.add_argument("--size", type=int, default=None, help="run one size")
    parser.add_argument("--sizes", default=None, help="run these sizes, e.g. 16,32,64")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per probe (default 60)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--all", action="store_true", help="run every probe in parallel")
    parser.add_argument("--memory", default=None, help="resident memory per probe, e.g. 8GiB")
    parser.add_argument("--fast-memory", default=None, help="bytes of fast memory for the traffic measure, e.g. 32KiB")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="with --all: run the probes on the Dask cluster at ADDRESS (docs/distributed.md)")
    args = parser.parse_args(argv)
    return analyze_command(args.probe, all_probes=args.all, size=args.size, sizes=args.sizes,
                           timeout=args.timeout, as_json=args.json, catalog_probes=local_catalog(),
                           memory=args.memory, fast_memory=args.fast_memory, scheduler=args.scheduler)


if __name__ == "__main__":
    sys.exit(main())
