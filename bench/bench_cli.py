"""CLI speed: `taxo classify` start-up against `python -c pass`, and validation of 10,000 entries.

Run: python bench/bench_cli.py [--entries N]
Prints medians and ratios measured in this one run (shared machines are noisy; compare ratios).
Targets (issue 2): classify <= 6x python start-up, also with 10,000 entries; validate 10,000 <= 5 s.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAXO = [str(Path(sys.executable).parent / "taxo")] if (Path(sys.executable).parent / "taxo").exists() \
    else [sys.executable, "-m", "taxonomy"]


def median_ms(command: list[str], runs: int, env: dict) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def synthetic_catalog(target: Path, count: int) -> None:
    """`count` valid entries made from the bundled fft entry, each with its own id and alias."""
    template = (ROOT / "catalog" / "fft.yaml").read_text(encoding="utf-8")
    template = template.replace("probes:\n  - {name: fft, front_end: scalar}\n", "").replace("related: [common-subexpression-elimination, "
                                                            "memoization, strassen, winograd-convolution]", "related: []")
    for i in range(count):
        text = (template.replace("id: fft", f"id: synthetic-{i}")
                .replace("name: Fast Fourier Transform", f"name: Synthetic optimization {i}")
                .replace("aliases: [FFT, Cooley-Tukey FFT, radix-2 FFT, Cooley-Tukey algorithm]",
                         f"aliases: [SYN{i}, synthetic alias {i}]"))
        (target / f"synthetic-{i}.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="taxo-bench-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "NO_COLOR": "1"}
    try:
        python = median_ms([sys.executable, "-c", "pass"], args.runs, env)
        subprocess.run(TAXO + ["classify", "fft"], stdout=subprocess.DEVNULL, env=env)  # warm the cache
        bundled = median_ms(TAXO + ["classify", "fft"], args.runs, env)
        by_alias = median_ms(TAXO + ["classify", "Cooley-Tukey algorithm"], args.runs, env)
        print(f"python -c pass                     {python:7.1f} ms")
        print(f"taxo classify fft (bundled)         {bundled:7.1f} ms  {bundled / python:4.1f}x  (target <= 6x)")
        print(f"taxo classify <alias> (bundled)     {by_alias:7.1f} ms  {by_alias / python:4.1f}x")

        big = work / "catalog"
        big.mkdir()
        synthetic_catalog(big, args.entries)
        start = time.perf_counter()
        result = subprocess.run(TAXO + ["validate", "--catalog", str(big)], capture_output=True, text=True, env=env)
        validate_s = time.perf_counter() - start
        print(f"taxo validate {args.entries:,} entries       {validate_s:7.2f} s   (target <= 5 s) "
              f"exit {result.returncode}: {result.stdout.strip().splitlines()[-1]}")
        start = time.perf_counter()
        subprocess.run(TAXO + ["classify", "SYN4242", "--catalog", str(big)], stdout=subprocess.DEVNULL, env=env)
        print(f"first alias lookup, cold index       {(time.perf_counter() - start) * 1000:7.1f} ms  (builds the index once)")
        for label, query in (("id", "synthetic-4242"), ("alias", "synthetic alias 4242")):
            ms = median_ms(TAXO + ["classify", query, "--catalog", str(big)], args.runs, env)
            print(f"taxo classify by {label:<5} ({args.entries:,})    {ms:7.1f} ms  {ms / python:4.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
