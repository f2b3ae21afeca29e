"""Isolation: every probe runs in its own process, with a time and a memory limit.

``run_probe`` returns the worker's result dict, or raises ``AnalysisError`` with one line
naming the probe and the cause (raised, timed out, out of memory, crashed).
``analyze_all`` runs many probes in parallel on ``os.cpu_count()`` workers; a failed probe
is a value in the answer, never an exception, so the others finish.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from analyzer import AnalysisError

DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY = 2 * 2**30
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Job:
    name: str                   # what the user calls it (catalog entry id or file stem)
    path: Path
    sizes: tuple[int, ...] | None = None
    claim: str | None = None


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"      # one core per probe: --all runs probes side by side
    return env


def run_probe(job: Job, timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY) -> dict[str, Any]:
    name = job.path.stem
    cmd = [sys.executable, "-m", "analyzer.worker", str(job.path), "--memory", str(memory)]
    if job.sizes:
        cmd += ["--sizes", ",".join(map(str, job.sizes))]
    if job.claim:
        cmd += ["--claim", job.claim]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_child_env(), start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AnalysisError(f"probe '{name}' timed out after {timeout:g} s") from None
    for line in reversed(out.strip().splitlines()):
        try:
            payload = json.loads(line)
        except ValueError:
            continue
        if payload.get("ok"):
            return payload["result"]
        raise AnalysisError(payload.get("error", f"probe '{name}' failed"))
    if proc.returncode < 0:
        sig = signal.Signals(-proc.returncode).name
        hint = " (out of memory?)" if sig in ("SIGKILL", "SIGSEGV", "SIGABRT") else ""
        raise AnalysisError(f"probe '{name}' crashed: killed by {sig}{hint}")
    last = (err.strip().splitlines() or ["no output"])[-1]
    if "MemoryError" in err:
        raise AnalysisError(f"probe '{name}' ran out of memory (limit {memory / 2**30:.3g} GiB)")
    raise AnalysisError(f"probe '{name}' crashed (exit {proc.returncode}): {last[:200]}")


def analyze_all(jobs: list[Job], timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY,
                workers: int | None = None,
                on_done: Callable[[Job, dict[str, Any] | str], None] | None = None
                ) -> dict[str, dict[str, Any] | str]:
    """Run every job in parallel; name -> result dict, or the one-line error string."""
    results: dict[str, dict[str, Any] | str] = {}

    def one(job: Job) -> dict[str, Any] | str:
        try:
            return run_probe(job, timeout, memory)
        except AnalysisError as e:
            return str(e)

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        futures = {pool.submit(one, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            results[job.name] = future.result()
            if on_done:
                on_done(job, results[job.name])
    return {job.name: results[job.name] for job in jobs}
