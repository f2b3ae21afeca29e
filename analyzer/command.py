"""The CLI glue: ``taxo analyze`` (registered in typer by the lead) and ``python -m analyzer``.

Parses options, calls the runner, renders. Every failure is ONE line on stderr naming
the probe and the cause, and exit status 1; never a traceback.
"""
from __future__ import annotations

import json
import sys
from typing import Any

from dataclasses import replace

from analyzer import AnalysisError
from analyzer.cluster import MissingExtra
from analyzer.measurement import Measurement, MeasurementError
from analyzer.probe import ProbeError, catalog_probe_path, resolve
from analyzer.runner import Cancelled, Job, analyze_all, run_probe


def _record(job: Job, result: dict[str, Any] | str) -> Measurement | str:
    """The child's result as a record (or the error line it already is)."""
    if isinstance(result, str):
        return result
    try:
        return Measurement.from_json(result, f"probe '{job.name}'")
    except MeasurementError as e:
        return f"the analyzer sent a result it cannot read: {e}"


def _sizes(size: int | None, sizes: str | None) -> tuple[int, ...] | None:
    if size is not None and sizes:
        raise AnalysisError("give --size or --sizes, not both")
    if size is not None:
        if size <= 0:
            raise AnalysisError(f"--size must be a positive integer, not {size}")
        return (size,)
    if sizes:
        try:
            parsed = tuple(int(s) for s in sizes.split(",") if s.strip())
        except ValueError:
            raise AnalysisError(f"--sizes must be positive integers separated by commas, not {sizes!r}") from None
        if not parsed or any(s <= 0 for s in parsed):
            raise AnalysisError(f"--sizes must be positive integers separated by commas, not {sizes!r}")
        return parsed
    return None


def _size(text: str, option: str) -> int:
    from analyzer.limits import parse_size
    try:
        return parse_size(text, minimum=64)     # one 64-byte line
    except ValueError as e:
        raise AnalysisError(f"{option}: {e}") from None


def _memory(memory: str | None) -> int | None:
    if memory is None:
        return None
    from analyzer.limits import parse_size
    try:
        return parse_size(memory)
    except ValueError as e:
        raise AnalysisError(f"--memory: {e}") from None


def _error(message: str) -> int:
    print(f"taxo: {message}", file=sys.stderr)
    return 1


def _cancelled(running: list[str], queued: list[str]) -> int:
    """Ctrl-C: say what was stopped and what never ran; exit status 130, as for SIGINT."""
    parts = [f"stopped {len(running)} running ({', '.join(running)})" if running else "nothing was running"]
    if queued:
        parts.append(f"skipped {len(queued)} queued ({', '.join(queued)})")
    print(f"cancelled: {'; '.join(parts)}; no results were written", file=sys.stderr)
    return 130


def analyze_command(target: str | None, *, all_probes: bool, size: int | None,
                    sizes: str | None, timeout: float, as_json: bool,
                    catalog_probes: dict[str, tuple[str, str]], store: bool = False,
                    memory: str | None = None, fast_memory: str | None = None,
                    scheduler: str | None = None) -> int:
    """Implements `taxo analyze`. target: a probe file path or a catalog id.
    catalog_probes maps catalog entry id -> (probe name, catalog category).
    Prints the report (or JSON) and returns the exit status (0 ok, 1 any error).
    Errors: ONE clear line naming the probe and the cause, no traceback, exit 1.
    store (with all_probes): save each result for `taxo classify` (analyzer/measurements/).
    memory: resident memory per probe, a size such as 8GiB (default: the probe's MEMORY, else
    half the RAM shared by the probes that run at once). Ctrl-C: exit 130, nothing written.
    scheduler (with all_probes): run the probes on the Dask cluster at that address
    (analyzer.cluster); exit 2 when the `cluster` extra is not installed."""
    try:
        chosen = _sizes(size, sizes)
        limit = _memory(memory)
        if timeout <= 0:
            raise AnalysisError(f"--timeout must be positive, not {timeout:g}")
        if all_probes:
            if target:
                raise AnalysisError("give a probe or --all, not both")
            if store and chosen is not None:
                raise AnalysisError("--store keeps results at each probe's own SIZES; drop --size/--sizes")
            if scheduler is not None:
                from analyzer.cluster import require_distributed
                require_distributed()
            return _analyze_all(catalog_probes, chosen, timeout, as_json, store, limit, scheduler)
        if scheduler is not None:
            raise AnalysisError("--scheduler goes with --all (one probe runs here)")
        if store:
            raise AnalysisError("--store goes with --all (stored results cover the whole catalog)")
        if not target:
            raise AnalysisError("name a probe file or a catalog id, or pass --all")
        job = _job(target, chosen, catalog_probes)
        if fast_memory is not None:
            job = replace(job, fast_memory=_size(fast_memory, "--fast-memory"))
        result = _record(job, run_probe(job, timeout, limit))
        if isinstance(result, str):
            raise AnalysisError(result)
    except MissingExtra as e:
        _error(str(e))
        return 2
    except (AnalysisError, ProbeError) as e:
        return _error(str(e))
    except KeyboardInterrupt:       # run_probe has killed the probe's processes
        return _cancelled([target] if target else [], [])
    if as_json:
        print(result.dumps())
    else:
        from analyzer.report import render
        render(result)
    return 0


def _job(target: str, sizes: tuple[int, ...] | None, catalog: dict[str, tuple[str, str]]) -> Job:
    if target in catalog and not target.endswith(".py"):
        probe, category = catalog[target]
        path = catalog_probe_path(probe)
        if not path.is_file():
            raise AnalysisError(f"catalog entry '{target}' names probe '{probe}', which does not exist")
        return Job(target, path, sizes, category)
    path = resolve(target)
    return Job(path.stem, path, sizes)


def _analyze_all(catalog: dict[str, tuple[str, str]], sizes: tuple[int, ...] | None,
                 timeout: float, as_json: bool, store: bool = False, memory: int | None = None,
                 scheduler: str | None = None) -> int:
    from rich.progress import Progress
    from analyzer.report import console, render_all
    jobs, missing = [], {}
    for entry, (probe, category) in sorted(catalog.items()):
        path = catalog_probe_path(probe)
        if path.is_file():
            jobs.append(Job(entry, path, sizes, category))
        else:
            missing[entry] = f"probe '{probe}' does not exist"
    results: dict[str, Any] = dict(missing)
    try:
        with Progress(console=console(stderr=True), transient=True) as progress:
            where = f" on {scheduler}" if scheduler else ""
            task = progress.add_task(f"analyzing {len(jobs)} probes{where}", total=len(jobs))
            advance = lambda job, r: progress.advance(task)     # noqa: E731
            if scheduler is None:
                done = analyze_all(jobs, timeout, memory, on_done=advance)
            else:
                from analyzer.cluster import analyze_on_cluster
                done = analyze_on_cluster(jobs, scheduler, timeout, memory, on_done=advance)
    except Cancelled as stop:
        return _cancelled(stop.running, stop.queued)
    by_name = {job.name: job for job in jobs}
    results.update({name: _record(by_name[name], r) for name, r in done.items()})
    if as_json:
        print(json.dumps({e: (r.to_json() if isinstance(r, Measurement) else {"error": r})
                          for e, r in sorted(results.items())}, indent=2))
    else:
        render_all([(e, catalog[e][1], results[e]) for e in sorted(results)])
    failed = [e for e, r in results.items() if isinstance(r, str)]
    if store:
        from analyzer import store as stored

        for entry, result in sorted(results.items()):
            if isinstance(result, Measurement):
                stored.save(result)
        print(f"stored {len(results) - len(failed)} results in {stored.DIRECTORY}", file=sys.stderr)
    return 1 if failed else 0


def local_catalog() -> dict[str, tuple[str, str]]:
    """Without the catalog: every probe file, with its own CLAIM as the category."""
    import importlib.util

    from analyzer.probe import PROBES_DIR, catalog_probe_names, declared_claim
    has_torch = importlib.util.find_spec("torch") is not None
    return {name: (name, declared_claim(PROBES_DIR / f"{name}.py") or "") for name in catalog_probe_names()
            if has_torch or not name.startswith("torch_")}


