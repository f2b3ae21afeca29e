"""Isolation: every probe runs in its own process group, watched, and is killed whole.

``run_probe`` starts ``python -m analyzer.worker`` in a new session, in a fresh scratch
directory, with a scrubbed environment, and returns the result dict the worker sends on a
dedicated pipe (never fd 1: a probe cannot forge its result by printing). Every 50 ms it
finds the worker's descendants (``process_tree``), sums their resident memory and checks
the clock; at the time or memory limit, on Ctrl-C, and after a normal exit, the whole
family is killed and the scratch directory removed. Anything else goes wrong: an
``AnalysisError`` whose message is one line naming the probe and the cause.

``analyze_all`` runs many probes on ``os.cpu_count()`` threads; a failed probe is a value
in the answer, never an exception, so the others finish. Ctrl-C raises ``Cancelled``
naming the probes it stopped and the ones that never started. What isolation promises and
what it cannot is in docs/trust-model.md.
"""
from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable

from analyzer import AnalysisError
from analyzer.limits import declared_memory, default_memory, format_size
from analyzer.process_tree import ProcessTree, become_subreaper
from analyzer.recorder import ENVIRONMENT

DEFAULT_TIMEOUT = 60.0
REPO_ROOT = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.05
OUTPUT_KEPT = 2**20             # of the probe's stdout+stderr, the last MiB is kept
RESULT_LIMIT = 64 * 2**20       # a real result is a few hundred KiB at most
_ENV_KEPT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", ENVIRONMENT)     # (TAXO_PURE_TRACER: the tracer asked for)
# one core per probe: --all runs them side by side (and an idle BLAS pool's threads spin on the
# core beside the probe's for a while after each call)
ONE_THREAD_ENV = dict.fromkeys(("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"), "1")


@dataclass(frozen=True)
class Job:
    name: str                   # what the user calls it (catalog entry id or file stem)
    path: Path
    sizes: tuple[int, ...] | None = None
    claim: str | None = None
    fast_memory: int | None = None  # bytes of fast memory for the traffic measure (default: the probe's)


class Cancelled(KeyboardInterrupt):
    """Ctrl-C during ``analyze_all``: ``running`` were stopped, ``queued`` never started."""

    def __init__(self, running: list[str], queued: list[str]) -> None:
        super().__init__(f"cancelled {len(running)} running and {len(queued)} queued probes")
        self.running, self.queued = running, queued


class _Stopped(Exception):
    """A run stopped because ``cancel`` was set."""


def child_env(scratch: str) -> dict[str, str]:
    """The worker's whole environment: nothing of the caller's but what running Python needs."""
    env = {k: os.environ[k] for k in _ENV_KEPT if k in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env.update(HOME=scratch, TMPDIR=scratch, PYTHONDONTWRITEBYTECODE="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])))
    env.update(ONE_THREAD_ENV)
    env.update(MALLOC_ENV)
    return env


# glibc's malloc in the worker: large blocks (the passes' arrays of every record) come from the heap
# and go back to it, not to fresh mappings whose every page faults in again (a 5 M-op probe's
# analysis spent half its system time, 0.8 of 1.7 s, faulting in pages it had just unmapped), and
# the heap keeps what is freed at its top rather than trimming it (each pass's temporaries would
# fault in again: the passes at 1 M ops took 1.3x their time). The worker lives for one probe:
# what it keeps is its peak, which it had anyway.
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(1 << 32), "MALLOC_TRIM_THRESHOLD_": str(1 << 40)}
SPEED_ENV = {**ONE_THREAD_ENV, **MALLOC_ENV}    # what of the worker's environment moves its speed (bench/ runs so)


def memory_limit(job: Job, memory: int | None, workers: int = 1) -> int:
    """--memory if given, else the probe's MEMORY, else a share of RAM for ``workers`` probes."""
    if memory is not None:
        return memory
    try:
        declared = declared_memory(job.path)
    except ValueError as e:
        raise AnalysisError(f"probe '{job.name}': {e}") from None
    return declared if declared is not None else default_memory(workers)


class _Tail:
    """The last ``keep`` bytes of a stream, and how many bytes it carried in all."""

    def __init__(self, keep: int) -> None:
        self.keep, self.total, self.data, self.closed = keep, 0, bytearray(), False

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self.data += chunk
        if len(self.data) > 2 * self.keep:
            del self.data[:-self.keep]

    def last_line(self) -> str:
        lines = bytes(self.data[-self.keep:]).decode("utf-8", "replace").strip().splitlines()
        line = lines[-1] if lines else "no output"
        # printed to a terminal by the caller: control characters are shown, not obeyed
        return "".join(c if c.isprintable() else repr(c)[1:-1] for c in line)[:200]


def run_probe(job: Job, timeout: float = DEFAULT_TIMEOUT, memory: int | None = None,
              cancel: threading.Event | None = None) -> dict[str, Any]:
    """Run one probe isolated; its result dict, or AnalysisError (one line)."""
    limit = memory_limit(job, memory)
    scratch = tempfile.mkdtemp(prefix="taxo-probe-")
    result_read, result_write = os.pipe()
    cmd = [sys.executable, "-m", "analyzer.worker", str(job.path.resolve()), "--result-fd", str(result_write)]
    if job.sizes:
        cmd += ["--sizes", ",".join(map(str, job.sizes))]
    if job.claim:
        cmd += ["--claim", job.claim]
    if job.fast_memory:
        cmd += ["--fast-memory", str(job.fast_memory)]
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                pass_fds=(result_write,), cwd=scratch, env=child_env(scratch),
                                start_new_session=True)
    except OSError as e:
        os.close(result_read)
        _remove(scratch)
        raise AnalysisError(f"probe '{job.name}': cannot start the worker: {e.strerror}") from None
    finally:
        os.close(result_write)
    assert proc.stdout is not None
    output, result = _Tail(OUTPUT_KEPT), _Tail(RESULT_LIMIT)
    tree = ProcessTree(proc.pid)
    try:
        stop = _watch(proc, tree, {proc.stdout.fileno(): output, result_read: result}, result, timeout, limit,
                      cancel)
    finally:
        tree.kill()         # also after a normal exit: a daemon the probe left behind dies here
        proc.wait()
        proc.stdout.close()
        os.close(result_read)
        _remove(scratch)
    if stop == "timeout":
        raise AnalysisError(f"probe '{job.name}' timed out after {timeout:g} s")
    if stop == "memory":
        raise AnalysisError(f"probe '{job.name}' used more than {format_size(limit)} of resident memory "
                            "(the limit; raise it with --memory or MEMORY in the probe)")
    if stop == "result":
        raise AnalysisError(f"probe '{job.name}' sent a result over {format_size(RESULT_LIMIT)}")
    return _outcome(job.name, proc.returncode, result, output)


def _watch(proc: subprocess.Popen, tree: ProcessTree, streams: dict[int, _Tail], result: _Tail,
           timeout: float, limit: int, cancel: threading.Event | None) -> str:
    """Read the streams until the worker exits or closes the result pipe; why it stopped, or "done"."""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        for fd in streams:
            os.set_blocking(fd, False)
            selector.register(fd, selectors.EVENT_READ)
        next_check = 0.0
        while True:
            for key, _ in selector.select(POLL_SECONDS):
                _drain(key.fd, streams[key.fd], selector)
            if result.total > RESULT_LIMIT:
                return "result"
            if (result.closed and result.total) or proc.poll() is not None:
                for fd, stream in streams.items():
                    _drain(fd, stream, selector)    # what the worker wrote before it exited
                return "done"
            now = time.monotonic()
            if cancel is not None and cancel.is_set():
                raise _Stopped
            if now >= deadline:
                return "timeout"
            if now >= next_check:
                next_check = now + POLL_SECONDS
                tree.refresh()
                if tree.resident_bytes() > limit:
                    return "memory"


def _drain(fd: int, stream: _Tail, selector: selectors.BaseSelector, budget: int = 8 * 2**20) -> None:
    """Read what is there (up to ``budget`` bytes, so a flood cannot starve the watchdog)."""
    while budget > 0:
        try:
            chunk = os.read(fd, 2**16)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:       # EOF: every writer closed it
            stream.closed = True
            if fd in selector.get_map():
                selector.unregister(fd)
            return
        stream.add(chunk)
        budget -= len(chunk)


def _outcome(name: str, returncode: int, result: _Tail, output: _Tail) -> dict[str, Any]:
    """The worker's answer from the result pipe, or the reason there is none."""
    if result.total:
        try:
            payload = json.loads(bytes(result.data))
        except ValueError:
            raise AnalysisError(f"probe '{name}' sent a damaged result (the result pipe carries one JSON object)") from None
        if isinstance(payload, dict) and payload.get("ok") and isinstance(payload.get("result"), dict):
            return payload["result"]
        if isinstance(payload, dict) and isinstance(payload.get("error"), str):
            raise AnalysisError(payload["error"])
        raise AnalysisError(f"probe '{name}' sent a damaged result (the result pipe carries one JSON object)")
    if returncode < 0:
        raise AnalysisError(f"probe '{name}' crashed: killed by {signal.Signals(-returncode).name}")
    raise AnalysisError(f"probe '{name}' exited (status {returncode}) without a result: {output.last_line()}")


def _remove(scratch: str) -> None:
    def writable_then_retry(fn: Callable[..., Any], path: str, _: Any) -> None:
        # a probe may have made a folder read-only; make it writable and try once more
        try:
            os.chmod(os.path.dirname(path), 0o700)
            fn(path)
        except OSError:
            pass
    if sys.version_info >= (3, 12):
        shutil.rmtree(scratch, onexc=writable_then_retry)
    else:
        shutil.rmtree(scratch, onerror=writable_then_retry)


def open_result_channel(fd: int) -> IO[str]:
    """In the worker, before any probe code runs: take the result pipe out of easy reach.

    The pipe moves to a high, close-on-exec descriptor (subprocesses the probe starts do not
    inherit it) and its number leaves ``sys.argv``; the worker becomes a child subreaper, so
    descendants that detach stay in its family. Probe code in the same process can still
    find the pipe in /proc/self/fd: see docs/trust-model.md.
    """
    import fcntl
    try:
        hidden = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 512)
    except OSError:         # fewer than 513 descriptors allowed: any free one, still close-on-exec
        hidden = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    os.close(fd)
    if "--result-fd" in sys.argv:
        at = sys.argv.index("--result-fd")
        del sys.argv[at:at + 2]
    become_subreaper()
    return os.fdopen(hidden, "w", encoding="utf-8")


def analyze_all(jobs: list[Job], timeout: float = DEFAULT_TIMEOUT, memory: int | None = None,
                workers: int | None = None,
                on_done: Callable[[Job, dict[str, Any] | str], None] | None = None
                ) -> dict[str, dict[str, Any] | str]:
    """Run every job in parallel; name -> result dict, or the one-line error string.

    ``memory`` applies to each probe; without it each gets its MEMORY or an equal share of
    the default. Ctrl-C kills the running probes, drops the queued ones and raises Cancelled.
    """
    workers = workers or os.cpu_count() or 1
    cancel = threading.Event()

    def one(job: Job) -> dict[str, Any] | str:
        try:
            return run_probe(job, timeout, memory_limit(job, memory, workers), cancel)
        except AnalysisError as e:
            return str(e)

    results: dict[str, dict[str, Any] | str] = {}
    pool = ThreadPoolExecutor(max_workers=workers)
    futures = {pool.submit(one, job): job for job in jobs}
    order = {future: k for k, future in enumerate(futures)}
    interrupted: list[bool] = []
    previous = None
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C only sets a flag: a KeyboardInterrupt raised inside the executor's or a future's
        # lock could leave it held, and the cancelling below would then wait for it forever
        previous = signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
    try:
        pending = set(futures)
        while pending:
            if interrupted:
                raise KeyboardInterrupt
            done, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=order.__getitem__):
                job = futures[future]
                results[job.name] = future.result()
                if on_done:
                    on_done(job, results[job.name])
        if interrupted:
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        cancel.set()
        queued = [job.name for future, job in futures.items() if future.cancel()]
        pool.shutdown(wait=True)    # each running probe sees `cancel` within 50 ms and kills its family
        running = [job.name for future, job in futures.items()
                   if not future.cancelled() and isinstance(future.exception(), _Stopped)]
        raise Cancelled(running, queued) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    pool.shutdown()
    return {job.name: results[job.name] for job in jobs}
