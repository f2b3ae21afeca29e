"""GPT-2-small scale (issue 12): `python bench/bench_transformers.py [--timeout S] [--memory SIZE]`.

Two cases, each analyzed as a user would run it, by `taxo analyze` in its own process with
its defaults (time limit, memory limit), on GPT2Config() defaults (124M parameters, random
weights, float32, nothing downloaded):

- forward:  one 32-token forward pass (baseline and optimized the same: verdict none);
- decoding: greedy decoding of 8 tokens after a 32-token prompt, use_cache=False against
  use_cache=True (verdict caching).

Goal: each under 60 s wall and 4 GB peak resident memory on a 2-core machine. Wall time
depends on what else runs: the CPU seconds (user + sys of the whole process tree) are
printed too. Skipped (exit 0) when transformers is not installed.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WALL_GOAL, MEMORY_GOAL = 60.0, 4 * 2**30

PROBE = '''"""GPT-2 small ({case})."""
import torch
from transformers import GPT2Config, GPT2LMHeadModel
SIZES = (32,)
torch.set_num_threads(1)
_MODEL = []
def inputs(size):
    if not _MODEL:      # built once: both versions only read it
        torch.manual_seed(0)
        _MODEL.append(GPT2LMHeadModel(GPT2Config()).eval())
    torch.manual_seed(1)
    return {{"model": _MODEL[0], "ids": torch.randint(50257, (1, size))}}
def run(model, ids, use_cache):
    with torch.inference_mode():
        {body}
def baseline(model, ids):
    return run(model, ids, {baseline})
def optimized(model, ids):
    return run(model, ids, {optimized})
'''
CASES = {
    "forward": dict(body="return model(ids, use_cache=use_cache).logits", baseline=False, optimized=False,
                    expected="none"),
    "decoding": dict(body="return model.generate(ids, max_new_tokens=8, do_sample=False, "
                          "use_cache=use_cache, pad_token_id=0)", baseline=False, optimized=True,
                     expected="caching"),
}


def measure(case: str, spec: dict, folder: Path, extra: list[str]) -> dict:
    path = folder / f"gpt2_{case}.py"
    path.write_text(PROBE.format(case=case, **{k: spec[k] for k in ("body", "baseline", "optimized")}),
                    encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    taxo = Path(sys.executable).with_name("taxo")     # the console script beside this Python
    proc = subprocess.run([str(taxo), "analyze", str(path), "--json", *extra],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = after.ru_maxrss * 1024     # the largest process of the tree: the probe's worker
    try:
        record = json.loads(proc.stdout)
    except json.JSONDecodeError:
        record = {"verdict": "error: " + (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return {"case": case, "wall": wall, "cpu": cpu, "peak": peak, "verdict": record.get("verdict"),
            "expected": spec["expected"], "caching": (record.get("attribution") or {}).get("shares", {}).get("caching")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/bench_transformers.py")
    parser.add_argument("--timeout", help="passed to taxo analyze (default: its own)")
    parser.add_argument("--memory", help="passed to taxo analyze (default: its own)")
    args = parser.parse_args(argv)
    try:
        import transformers  # noqa: F401
    except ImportError:
        print("skipped: transformers is not installed (pip install transformers)")
        return 0
    extra = [f"--{k}={v}" for k, v in (("timeout", args.timeout), ("memory", args.memory)) if v]
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        for case, spec in CASES.items():
            r = measure(case, spec, Path(folder), extra)
            fits = r["wall"] <= WALL_GOAL and r["peak"] <= MEMORY_GOAL and r["verdict"] == r["expected"]
            ok &= fits
            share = f", caching {r['caching']:.1%}" if isinstance(r["caching"], float) else ""
            print(f"{case:9s} wall {r['wall']:6.1f} s (goal <= {WALL_GOAL:g})  cpu {r['cpu']:6.1f} s  "
                  f"peak {r['peak'] / 2**30:4.2f} GiB (goal <= 4)  verdict {r['verdict']} "
                  f"(expected {r['expected']}{share})  {'ok' if fits else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
