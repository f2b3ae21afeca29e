"""The CLI glue: ``taxo analyze`` (registered in typer by the lead) and ``python -m analyzer``.

Parses options, calls the runner, renders. Every failure is ONE line on stderr naming
the probe and the cause, and exit status 1; never a traceback.
"""
from __future__ import annotations

import json
import sys
from typing import Any

from analyzer import AnalysisError
from analyzer.probe import ProbeError, catalog_probe_path, resolve
from analyzer.runner import Job, analyze_all, run_probe


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


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def analyze_command(target: str | None, *, all_probes: bool, size: int | None,
                    sizes: str | None, timeout: float, as_json: bool,
                    catalog_probes: dict[str, tuple[str, str]], store: bool = False) -> int:
    """Implements `taxo analyze`. target: a probe file path or a catalog id.
    catalog_probes maps catalog entry id -> (probe name, catalog category).
    Prints the report (or JSON) and returns the exit status (0 ok, 1 any error).
    Errors: ONE clear line naming the probe and the cause, no traceback, exit 1.
    store (with all_probes): save each result for `taxo classify` (analyzer/measurements/)."""
    try:
        chosen = _sizes(size, sizes)
        if timeout <= 0:
            raise AnalysisError(f"--timeout must be positive, not {timeout:g}")
        if all_probes:
            if target:
                raise AnalysisError("give a probe or --all, not both")
            if store and chosen is not None:
                raise AnalysisError("--store keeps results at each probe's own SIZES; drop --size/--sizes")
            return _analyze_all(catalog_probes, chosen, timeout, as_json, store)
        if store:
            raise AnalysisError("--store goes with --all (stored results cover the whole catalog)")
        if not target:
            raise AnalysisError("name a probe file or a catalog id, or pass --all")
        job = _job(target, chosen, catalog_probes)
        result = run_probe(job, timeout)
    except (AnalysisError, ProbeError) as e:
        return _error(str(e))
    if as_json:
        print(json.dumps(result, indent=2))
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
                 timeout: float, as_json: bool, store: bool = False) -> int:
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
    with Progress(console=console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"analyzing {len(jobs)} probes", total=len(jobs))
        results.update(analyze_all(jobs, timeout, on_done=lambda job, r: progress.advance(task)))
    if as_json:
        print(json.dumps({e: (r if isinstance(r, dict) else {"error": r}) for e, r in sorted(results.items())},
                         indent=2))
    else:
        render_all([(e, catalog[e][1], results[e]) for e in sorted(results)])
    failed = [e for e, r in results.items() if isinstance(r, str)]
    if store:
        from analyzer import store as stored

        for entry, result in sorted(results.items()):
            if isinstance(result, dict):
                stored.save(catalog[entry][0], result)
        print(f"stored {len(results) - len(failed)} results in {stored.DIRECTORY}", file=sys.stderr)
    return 1 if failed else 0


def local_catalog() -> dict[str, tuple[str, str]]:
    """Without the catalog: every probe file, with its own CLAIM as the category."""
    import importlib.util

    from analyzer.probe import PROBES_DIR, catalog_probe_names, declared_claim
    has_torch = importlib.util.find_spec("torch") is not None
    return {name: (name, declared_claim(PROBES_DIR / f"{name}.py") or "") for name in catalog_probe_names()
            if has_torch or not name.startswith("torch_")}


