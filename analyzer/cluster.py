"""Running ``analyze --all`` on a Dask cluster: one task per probe, each isolated on its worker.

The submitting side reads each probe file and ships its source text with its name, sizes,
claim and fast memory (``Shipped``); a worker writes the source into a scratch folder of its
own and runs it with ``run_probe``, exactly as ``taxo analyze`` does locally: a subprocess in
its own session, watched for time and memory, killed whole. Probe code never runs inside the
Dask worker process. The answer is what ``analyze_all`` returns: name -> result dict, or the
one-line error string of a probe that failed.

    >>> results = analyze_on_cluster(jobs, "tcp://10.0.0.5:8786")    # doctest: +SKIP

Everything that stops the whole run (no ``distributed``, an unreachable scheduler, no workers,
a worker with another taxo) is an ``AnalysisError`` of one line naming the address and what
to do; ``MissingExtra`` when the ``cluster`` extra is not installed. Ctrl-C cancels every
submitted task (the workers kill the running probes) and raises ``Cancelled``. The design and
its trust model are in docs/distributed.md.
"""
from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from analyzer import AnalysisError
from analyzer.runner import DEFAULT_TIMEOUT, Cancelled, Job

CONNECT_SECONDS = 10.0      # to reach the scheduler
WORKERS_SECONDS = 30.0      # for a first worker to join, and before giving up on a cluster that has none left
POLL_SECONDS = 0.5          # how often the submitting side and each task look around
INSTALL_HINT = "pip install 'taxo[cluster]'"


class MissingExtra(AnalysisError):
    """``--scheduler`` without the ``cluster`` extra (``distributed``) installed."""


class WrongVersion(AnalysisError):
    """A worker runs another taxo than the submitting machine."""


@dataclass(frozen=True)
class Shipped:
    """A probe as it travels: its source text, not a path (workers need none of our files)."""
    name: str                   # the job's name (catalog entry id or file stem)
    filename: str               # the probe file's own name: the probe is named after its stem
    source: str
    sizes: tuple[int, ...] | None
    claim: str | None
    fast_memory: int | None

    @classmethod
    def of(cls, job: Job) -> Shipped:
        """Read the job's probe file; AnalysisError (one line) if it cannot be read."""
        try:
            source = job.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise AnalysisError(f"probe '{job.name}': cannot read {job.path}: {getattr(e, 'strerror', e)}") from None
        return cls(job.name, job.path.name, source, job.sizes, job.claim, job.fast_memory)


def taxo_version() -> str | None:
    """The installed taxo's version, or None when taxo is not installed (only on sys.path)."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("taxo")
    except PackageNotFoundError:
        return None


def run_shipped(probe: Shipped, timeout: float, memory: int | None, version: str | None) -> dict[str, Any] | str:
    """On a worker: run one shipped probe isolated; its result dict or its one-line error.

    Raises WrongVersion when this worker's taxo is not ``version``. The probe is stopped
    (its family killed) as soon as the task is cancelled or its submitter goes away.
    """
    import os

    from analyzer.runner import memory_limit, run_probe
    here = taxo_version()
    if here != version:
        raise WrongVersion(_version_message(_worker_address(), here, version))
    folder = Path(tempfile.mkdtemp(prefix="taxo-shipped-"))
    try:
        path = folder / Path(probe.filename).name
        path.write_text(probe.source, encoding="utf-8")
        job = Job(probe.name, path, probe.sizes, probe.claim, probe.fast_memory)
        with _cancelled_when_unwanted() as cancel:
            try:
                # the default share of RAM is split among the probes this machine runs at once
                return run_probe(job, timeout, memory_limit(job, memory, os.cpu_count() or 1), cancel)
            except AnalysisError as e:
                return str(e)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _cancelled_when_unwanted() -> Iterator[threading.Event]:
    """An event set once no client wants the running task any more (cancelled, its client left, the
    worker is closing).

    Dask cannot interrupt a running task; the worker only marks it. A small thread watches
    that mark so run_probe can kill the probe's family instead of letting it run to its timeout.
    """
    from distributed import get_worker
    cancel, finished = threading.Event(), threading.Event()
    worker = get_worker()
    key = worker.get_current_task()

    def watch() -> None:
        while not finished.wait(POLL_SECONDS):
            task = worker.state.tasks.get(key)
            if (task is None or task.state in ("cancelled", "released", "forgotten")
                    or worker.status.name in ("closing", "closed", "failed")):     # e.g. its scheduler died
                cancel.set()
                return
    watcher = threading.Thread(target=watch, name=f"taxo-watch-{key}", daemon=True)
    watcher.start()
    try:
        yield cancel
    finally:
        finished.set()
        watcher.join()


def _worker_address() -> str:
    from distributed import get_worker
    return get_worker().address


def _version_message(worker: str, theirs: str | None, ours: str | None) -> str:
    if ours is None:
        return ("this machine runs taxo from a checkout that is not installed; "
                "install it (pip install -e '.[cluster]') so workers can be checked against it")
    if theirs is None:
        return f"worker {worker} has no taxo installed: install taxo {ours} there ({INSTALL_HINT})"
    return f"worker {worker} runs taxo {theirs}, this machine {ours}: install taxo {ours} on every worker"


def analyze_on_cluster(jobs: list[Job], address: str, timeout: float = DEFAULT_TIMEOUT, memory: int | None = None,
                       on_done: Callable[[Job, dict[str, Any] | str], None] | None = None
                       ) -> dict[str, dict[str, Any] | str]:
    """``analyze_all`` on the Dask cluster whose scheduler is at ``address``; the same answer."""
    distributed = require_distributed()
    results: dict[str, dict[str, Any] | str] = {}
    shipped: dict[str, Shipped] = {}
    for job in jobs:
        try:
            shipped[job.name] = Shipped.of(job)
        except AnalysisError as e:
            results[job.name] = str(e)
    version = taxo_version()
    with _quiet(), _connect(distributed, address) as client:
        _check_workers(client, address, version)
        futures = {client.submit(run_shipped, probe, timeout, memory, version,
                                 key=f"taxo-probe-{uuid.uuid4().hex}"): job
                   for job in jobs if (probe := shipped.get(job.name)) is not None}
        try:
            for future, job in _completed(distributed, client, futures, address):
                results[job.name] = _answer(future, job, address)
                if on_done:
                    on_done(job, results[job.name])
        except KeyboardInterrupt:
            raise _cancel(client, futures) from None
        except BaseException:
            if client.status == "running":
                with contextlib.suppress(Exception):
                    client.cancel(list(futures))
            raise
    return {job.name: results[job.name] for job in jobs}


def require_distributed() -> Any:
    """The ``distributed`` module, or MissingExtra saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise MissingExtra(f"--scheduler needs Dask's distributed: {INSTALL_HINT}") from None
    return distributed


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Dask logs reconnection attempts and worker deaths; taxo says what went wrong in one line."""
    # dask's logging config gives some of its loggers levels of their own: silence each
    loggers = [logging.getLogger(name) for name in ["distributed", *logging.root.manager.loggerDict]
               if name == "distributed" or name.startswith("distributed.")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


@contextlib.contextmanager
def _connect(distributed: Any, address: str) -> Iterator[Any]:
    # A bare connection first: a Client that fails to start is left half-built, and Python
    # prints a traceback when it collects it at exit.
    import asyncio
    try:
        asyncio.run(_reach(address))
        client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (ValueError, TypeError) as e:
        raise AnalysisError(f"not a Dask scheduler address: {address!r} ({_first_line(e)}); "
                            "pass one like tcp://10.0.0.5:8786") from None
    except OSError as e:
        raise AnalysisError(f"cannot reach the Dask scheduler at {address} ({_first_line(e)}): start one with "
                            "`dask scheduler` and pass the address it prints") from None
    try:
        with client.as_current():   # distributed.wait finds its client there
            yield client
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=CONNECT_SECONDS)


async def _reach(address: str) -> None:
    from distributed.comm import connect
    comm = await connect(address, timeout=CONNECT_SECONDS)
    await comm.close()


def _check_workers(client: Any, address: str, version: str | None) -> None:
    """Refuse, before anything runs, a cluster without workers or with a worker of another taxo."""
    from distributed import TimeoutError as DaskTimeout     # asyncio's: not the builtin before Python 3.11
    try:
        client.wait_for_workers(1, timeout=WORKERS_SECONDS)
    except (TimeoutError, DaskTimeout):
        raise AnalysisError(f"the Dask scheduler at {address} has no workers (waited {WORKERS_SECONDS:g} s): "
                            f"start some with `dask worker {address}`") from None
    for worker, theirs in client.run(taxo_version, on_error="return").items():
        if isinstance(theirs, BaseException):     # taxo_version pickles by reference: no analyzer there
            theirs = None
        if theirs != version:
            raise WrongVersion(_version_message(worker, theirs, version))


def _completed(distributed: Any, client: Any, futures: dict[Any, Job], address: str) -> Iterator[tuple[Any, Job]]:
    """(future, job) as each task finishes; AnalysisError when the scheduler or every worker is gone."""
    pending, alone_since = set(futures), None
    while pending:
        if client.status != "running":
            raise _lost(address)
        try:
            done = distributed.wait(list(pending), timeout=POLL_SECONDS * 2, return_when="FIRST_COMPLETED").done
        except (TimeoutError, distributed.TimeoutError):
            done = set()
        except distributed.CancelledError:      # only Ctrl-C cancels, and it is not waiting: the scheduler did
            raise _lost(address) from None
        for future in done:
            pending.discard(future)
            yield future, futures[future]
        if not done and client.status == "running":
            # an adaptive cluster may have none for a while; a cluster that keeps none never finishes
            with contextlib.suppress(OSError):      # the connection broke: seen at the top of the loop
                alone_since = None if client.nthreads() else alone_since or time.monotonic()
            if alone_since is not None and time.monotonic() - alone_since > WORKERS_SECONDS:
                raise AnalysisError(f"the Dask scheduler at {address} has had no workers for {WORKERS_SECONDS:g} s "
                                    f"with {len(pending)} probes left: start workers with `dask worker {address}`")


def _answer(future: Any, job: Job, address: str) -> dict[str, Any] | str:
    """The task's value; a probe its worker died under is a failed probe, not a failed run."""
    from distributed import KilledWorker
    if future.status == "finished":
        return future.result()
    if future.status == "cancelled":       # only Ctrl-C cancels, and then nothing is read: the scheduler did
        raise _lost(address)
    error = future.exception()
    if isinstance(error, WrongVersion):
        raise WrongVersion(str(error))
    if isinstance(error, KilledWorker):
        worker = getattr(getattr(error, "last_worker", None), "address", "?")
        return (f"probe '{job.name}': the Dask workers running it died (the last: {worker}); "
                "see that worker's log, or run the probe alone with `taxo analyze`")
    return f"probe '{job.name}': failed on the cluster: {type(error).__name__}: {_first_line(error)}"


def _cancel(client: Any, futures: dict[Any, Job]) -> Cancelled:
    """Ctrl-C: cancel every task not finished; workers kill the running probes within a poll."""
    unfinished = [f for f in futures if f.status == "pending"]
    try:
        processing = {key for keys in client.call_stack().values() for key in keys}
    except Exception:   # noqa: BLE001 — the cancel matters more than the report
        processing = set()
    client.cancel(unfinished)
    running = [futures[f].name for f in unfinished if f.key in processing]
    queued = [futures[f].name for f in unfinished if f.key not in processing]
    return Cancelled(running, queued)


def _lost(address: str) -> AnalysisError:
    return AnalysisError(f"lost the connection to the Dask scheduler at {address}: check that it is still "
                         "running, then run again")


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
