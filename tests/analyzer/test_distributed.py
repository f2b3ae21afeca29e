"""`taxo analyze --all --scheduler ADDRESS`: the probes run as Dask tasks, isolated on the workers,
and the answer is the one a local run gives (docs/distributed.md).

The cluster tests use a LocalCluster of two worker processes with one thread each; they are
skipped where the `cluster` extra (distributed) is not installed. The test of that refusal runs
everywhere.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from importlib.util import find_spec
from pathlib import Path

import pytest

import analyzer
from analyzer import cluster
from analyzer.cluster import Shipped, WrongVersion, analyze_on_cluster, run_shipped
from analyzer.command import analyze_command
from analyzer.process_tree import read_stat
from analyzer.runner import REPO_ROOT, Cancelled, Job

needs_distributed = pytest.mark.skipif(find_spec("distributed") is None,
                                       reason="the cluster extra is not installed: pip install -e '.[cluster]'")

# small catalog probes, each a few hundred milliseconds at size 8
CATALOG = {"memoization": ("memoization", "caching"), "horners-method": ("horners_method", "caching"),
           "constant-folding": ("constant_folding", "partial-evaluation"), "inlining": ("inlining", "inlining")}

GOOD = """
def inputs(size):
    return {"x": 2.0}
def baseline(x):
    return x * x + x * x
def optimized(x):
    return 2.0 * (x * x)
"""


@pytest.fixture(scope="module")
def scheduler():
    """The address of a two-worker LocalCluster whose workers import this checkout's analyzer."""
    from distributed import Client, LocalCluster
    with LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=":0") as local, \
            Client(local, set_as_default=False) as client:
        # eval is a builtin, so it travels by name; a function of this file would not import there
        assert set(client.run(eval, "__import__('analyzer').__file__").values()) == {analyzer.__file__}
        yield local.scheduler_address


def probe(tmp_path: Path, name: str, source: str) -> Job:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return Job(name, path, (8,))


def all_as_json(capsys, **options) -> tuple[int, dict]:
    status = analyze_command(None, all_probes=True, size=None, sizes="8,16", timeout=30, as_json=True,
                             catalog_probes=CATALOG, **options)
    return status, json.loads(capsys.readouterr().out)


@needs_distributed
def test_all_on_the_cluster_equals_all_here(scheduler, capsys):
    status_here, here = all_as_json(capsys)
    status_there, there = all_as_json(capsys, scheduler=scheduler)
    assert status_here == status_there == 0
    assert set(there) == set(CATALOG)
    for entry in CATALOG:
        assert there[entry]["verdict"] == here[entry]["verdict"]
        assert there[entry]["cost"] == here[entry]["cost"]
        assert there[entry]["attribution"] == here[entry]["attribution"]


@needs_distributed
def test_a_probe_past_its_time_limit_or_crashing_fails_alone(scheduler, tmp_path):
    jobs = [probe(tmp_path, "hangs", GOOD.replace("return 2.0 * (x * x)", "while True:\n        pass")),
            probe(tmp_path, "crashes", "import os, signal\n"
                  + GOOD.replace("return 2.0 * (x * x)", "os.kill(os.getpid(), signal.SIGKILL)")),
            probe(tmp_path, "good", GOOD)]
    results = analyze_on_cluster(jobs, scheduler, timeout=2)
    assert results["hangs"] == "probe 'hangs' timed out after 2 s"
    assert results["crashes"] == "probe 'crashes' crashed: killed by SIGKILL"
    assert results["good"]["verdict"] == "caching"


@needs_distributed
def test_a_probe_runs_from_the_source_it_was_shipped_with(scheduler, tmp_path):
    from distributed import Client
    job = probe(tmp_path, "only_here", GOOD)
    shipped = Shipped.of(job)
    job.path.unlink()       # the worker never reads the submitting side's files
    with Client(scheduler, set_as_default=False) as client:
        result = client.submit(run_shipped, shipped, 30.0, None, cluster.taxo_version()).result()
    assert result["probe"] == "only_here" and result["verdict"] == "caching"


@needs_distributed
def test_ctrl_c_cancels_the_tasks_and_the_workers_kill_the_running_probe(scheduler, tmp_path):
    pid_file = tmp_path / "pid"
    # the pid is written whole, then renamed into place: once the file exists, it holds the pid
    # (a bare open().write() can be seen empty, and stays so when the probe is killed unflushed)
    slow = probe(tmp_path, "slow", f"import os, time\nwith open({str(pid_file)!r} + '.part', 'w') as f:\n"
                 f"    f.write(str(os.getpid()))\nos.replace({str(pid_file)!r} + '.part', {str(pid_file)!r})\n"
                 + GOOD.replace("return 2.0 * (x * x)", "time.sleep(60)"))

    def interrupt_once_slow_runs(job, result):
        deadline = time.monotonic() + 20
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        raise KeyboardInterrupt

    with pytest.raises(Cancelled) as stop:
        analyze_on_cluster([slow, probe(tmp_path, "good", GOOD)], scheduler, timeout=60,
                           on_done=interrupt_once_slow_runs)
    assert stop.value.running == ["slow"]
    assert finished(int(pid_file.read_text()), within=5)


@needs_distributed
def test_a_worker_with_another_taxo_is_refused(scheduler, tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "taxo_version", lambda: "0.0.0-elsewhere")
    with pytest.raises(WrongVersion, match=r"worker tcp://\S+ runs taxo \S+, this machine 0\.0\.0-elsewhere: "
                                           r"install taxo 0\.0\.0-elsewhere on every worker"):
        analyze_on_cluster([probe(tmp_path, "good", GOOD)], scheduler)


@needs_distributed
def test_an_unreachable_scheduler_is_one_line_naming_it():
    unused = free_port()
    done = subprocess.run(
        [sys.executable, "-c", "import sys, analyzer.cluster as c; c.CONNECT_SECONDS = 1; "
         "from analyzer.__main__ import main; sys.exit(main(sys.argv[1:]))",
         "--all", "--sizes", "8", "--scheduler", f"tcp://127.0.0.1:{unused}"],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"taxo: cannot reach the Dask scheduler at tcp://127.0.0.1:{unused} (Timed out trying to connect to "
        f"tcp://127.0.0.1:{unused} after 1 s): start one with `dask scheduler` and pass the address it prints"]


@needs_distributed
def test_a_scheduler_without_workers_is_one_line(monkeypatch, tmp_path):
    from distributed import LocalCluster
    monkeypatch.setattr(cluster, "WORKERS_SECONDS", 0.5)
    with LocalCluster(processes=False, n_workers=0, dashboard_address=":0") as empty:
        with pytest.raises(analyzer.AnalysisError, match=r"the Dask scheduler at \S+ has no workers \(waited 0\.5 s\): "
                                                         r"start some with `dask worker \S+`"):
            analyze_on_cluster([probe(tmp_path, "good", GOOD)], empty.scheduler_address)


def test_without_the_extra_scheduler_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)     # `import distributed` raises ImportError
    status = analyze_command(None, all_probes=True, size=None, sizes=None, timeout=30, as_json=True,
                             catalog_probes=CATALOG, scheduler="tcp://127.0.0.1:8786")
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    assert captured.err == "taxo: --scheduler needs Dask's distributed: pip install 'taxo[cluster]'\n"


def test_scheduler_goes_with_all(capsys):
    status = analyze_command("memoization", all_probes=False, size=None, sizes=None, timeout=30, as_json=True,
                             catalog_probes=CATALOG, scheduler="tcp://127.0.0.1:8786")
    assert status == 1
    assert capsys.readouterr().err == "taxo: --scheduler goes with --all (one probe runs here)\n"


def finished(pid: int, within: float) -> bool:
    """The process exits (or is a zombie) within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        stat = read_stat(pid)
        if stat is None or stat.zombie:
            return True
        time.sleep(0.05)
    return False


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
