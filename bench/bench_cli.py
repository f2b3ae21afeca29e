"""CLI speed: `taxo classify` start-up against `python -c pass`; lookups and validation of a
realistic 10,000-entry catalog (every bundled entry in turn, see realistic_catalog.py) against
check-jsonschema and yamllint on the same files, where those are installed.

Run: python bench/bench_cli.py [--entries N] [--runs N]
Prints medians and ratios measured in this one run (shared machines are noisy; compare ratios),
and the load average, which says how shared the machine was.
Targets (issue 17): classify <= 6x python start-up; on 10,000 entries a miss or a typo <= 2x a
hit, a first lookup with an empty cache <= validate; validate 10,000 <= 5 s on 2 cores.
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

from realistic_catalog import realistic_catalog

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TAXO = [str(BIN / "taxo")] if (BIN / "taxo").exists() else [sys.executable, "-m", "taxonomy"]
SCHEMA = ROOT / "taxonomy" / "schema" / "entry.schema.json"


def seconds(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def median_ms(command: list[str], runs: int, env: dict) -> float:
    return statistics.median(seconds(command, env) for _ in range(runs)) * 1000


def anchor(tool: str) -> list[str] | None:
    """The tool installed beside this Python, else on PATH, else None (its line is skipped)."""
    found = BIN / tool if (BIN / tool).exists() else shutil.which(tool)
    return [str(found)] if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="taxo-bench-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "NO_COLOR": "1"}
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    try:
        python = median_ms([sys.executable, "-c", "pass"], args.runs, env)
        subprocess.run(TAXO + ["classify", "fft"], stdout=subprocess.DEVNULL, env=env)  # warm the cache
        bundled = median_ms(TAXO + ["classify", "fft"], args.runs, env)
        by_alias = median_ms(TAXO + ["classify", "Cooley-Tukey algorithm"], args.runs, env)
        print(f"python -c pass                          {python:8.1f} ms")
        print(f"taxo classify fft (bundled)             {bundled:8.1f} ms  {bundled / python:5.1f}x python   (target <= 6x)")
        print(f"taxo classify <alias> (bundled)         {by_alias:8.1f} ms  {by_alias / python:5.1f}x python")
        bundled_validate = median_ms(TAXO + ["validate", "--catalog", str(ROOT / "catalog")], 5, env)
        print(f"taxo validate (bundled catalog)          {bundled_validate:8.1f} ms  {bundled_validate / python:5.1f}x python")

        big = work / "catalog"
        big.mkdir()
        files = realistic_catalog(big, args.entries)
        megabytes = sum(f.stat().st_size for f in files) / 1e6
        print(f"realistic catalog: {args.entries:,} entries, {megabytes:.0f} MB of YAML")
        start, cpu = time.perf_counter(), os.times()
        result = subprocess.run(TAXO + ["validate", "--catalog", str(big)], capture_output=True, text=True, env=env)
        validate, used = time.perf_counter() - start, os.times()
        print(f"taxo validate                           {validate:8.2f} s                     (target <= 5 s) "
              f"exit {result.returncode}: {result.stdout.strip().splitlines()[-1]}; "
              f"{sum(used[2:4]) - sum(cpu[2:4]):.1f} s of CPU in taxo and its workers")
        for name, command in (("check-jsonschema", ["--schemafile", str(SCHEMA), *map(str, files)]),
                              ("yamllint", ["-d", "relaxed", *map(str, files)])):
            tool = anchor(name)
            if tool is None:
                print(f"{name}: not installed, skipped (pip install {name})")
                continue
            other = seconds(tool + command, env)
            print(f"{name + ' (same files)':<39} {other:8.2f} s   taxo validate is {other / validate:4.1f}x faster")

        cold = seconds(TAXO + ["classify", "SYN4242", "--catalog", str(big)], env)
        cache = sum(f.stat().st_size for f in (work / "cache").rglob("*") if f.is_file()) / 1e6
        print(f"first lookup, empty cache (a miss)      {cold:8.2f} s   {cold / validate:4.2f}x validate "
              f"(target <= 1x); cache {cache:.1f} MB")
        hit = median_ms(TAXO + ["classify", "Fast Fourier Transform 58", "--catalog", str(big)], args.runs, env)
        print(f"hit by name                             {hit:8.1f} ms  {hit / python:5.1f}x python")
        for label, query in (("hit by id", "fft-58"), ("hit by alias", "Cooley-Tukey FFT 58"),
                             ("miss", "SYN4242"), ("typo", "Fast Fourier Transfrm 58")):
            ms = median_ms(TAXO + ["classify", query, "--catalog", str(big)], args.runs, env)
            print(f"{label:<39} {ms:8.1f} ms  {ms / hit:5.2f}x the hit by name" +
                  ("   (target <= 2x)" if label in ("miss", "typo") else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
