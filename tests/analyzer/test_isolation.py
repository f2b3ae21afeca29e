"""Isolation and bad input: one clear line, exit status 1, no traceback; the others finish.

Hostile probes below try to break each promise of docs/trust-model.md."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from analyzer import AnalysisError
from analyzer.command import analyze_command
from analyzer.limits import default_memory, parse_size, total_memory
from analyzer.process_tree import read_stat
from analyzer.runner import REPO_ROOT, Job, analyze_all, run_probe

GOOD = """
def inputs(size):
    return {"x": 2.0}
def baseline(x):
    return x * x + x * x
def optimized(x):
    return 2.0 * (x * x)
"""

BAD = {
    "raises": (GOOD.replace("return 2.0 * (x * x)", "return 1 / 0"),
               "probe 'raises': optimized raised ZeroDivisionError: division by zero (line 7)"),
    "hangs": (GOOD.replace("return 2.0 * (x * x)", "while True:\n        pass"),
              "probe 'hangs' timed out after 2 s"),
    "explodes": (GOOD.replace("return 2.0 * (x * x)", "return [x] * 10**12"),
                 "probe 'explodes' ran out of memory: the system refused an allocation"),
    "invalid": ("def baseline(x):\n    return x +\n", "probe 'invalid' is not valid Python: line 2: invalid syntax"),
    "incomplete": ("def baseline(x):\n    return x\n",
                   "probe 'incomplete' lacks optimized, inputs (a probe defines baseline, optimized and inputs)"),
}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=60)


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_probe_is_one_line_naming_it_and_its_cause(name, write_probe):
    source, message = BAD[name]
    path = write_probe(name, source)
    with pytest.raises(AnalysisError) as err:
        run_probe(Job(name, path), timeout=2)
    assert str(err.value) == message


@pytest.mark.parametrize("name", list(BAD))
def test_the_cli_prints_one_line_and_exits_1_without_traceback(name, write_probe):
    source, message = BAD[name]
    done = cli(str(write_probe(name, source)), "--timeout", "2")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [f"taxo: {message}"]


def test_under_all_the_others_finish(write_probe):
    jobs = [Job("good", write_probe("good", GOOD)), Job("raises", write_probe("raises", BAD["raises"][0])),
            Job("hangs", write_probe("hangs", BAD["hangs"][0]))]
    results = analyze_all(jobs, timeout=2)
    assert results["good"]["verdict"] == "caching"
    assert results["raises"] == BAD["raises"][1]
    assert results["hangs"] == BAD["hangs"][1]


def test_all_marks_a_failed_entry_in_the_table_and_exits_1(capsys):
    catalog = {"memoization": ("memoization", "caching"), "ghost": ("no_such_probe", "caching")}
    status = analyze_command(None, all_probes=True, size=10, sizes=None, timeout=30, as_json=False,
                             catalog_probes=catalog)
    out = capsys.readouterr().out
    assert status == 1
    assert "ERROR" in out and "ghost" in out
    assert "memoization" in out and "agree" in out


def test_probe_output_does_not_corrupt_the_result(write_probe):
    path = write_probe("chatty", GOOD.replace("def baseline(x):", "def baseline(x):\n    print('{not json')"))
    assert run_probe(Job("chatty", path))["verdict"] == "caching"


# --- Hostile probes: each promise of docs/trust-model.md, and a probe that tries to break it ---

def gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for its new parent counts as gone)."""
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        stat = read_stat(pid)
        if stat is None or stat.zombie:
            return True
        time.sleep(0.02)
    return False


def pids_in(folder: Path) -> list[int]:
    return [int(p.read_text()) for p in sorted(folder.glob("*.pid")) if p.read_text()]


SLEEPER = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(60)"

ESCAPES = {
    # a child in a session of its own: killpg of the worker's group does not reach it
    "setsid_child": """
        def baseline(x):
            subprocess.Popen([sys.executable, "-c", SLEEPER, PIDS + "/child.pid"], start_new_session=True)
            time.sleep(60)
    """,
    # a grandchild whose parent exits at once: without the subreaper it is adopted by init
    "double_fork": """
        def baseline(x):
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    open(PIDS + "/grandchild.pid", "w").write(str(os.getpid()))
                    time.sleep(60)
                os._exit(0)
            time.sleep(60)
    """,
}


def hostile(body: str, folder: Path, **names: object) -> str:
    """A probe whose baseline is ``body``; ``optimized`` and ``inputs`` are harmless."""
    constants = "".join(f"{k} = {v!r}\n" for k, v in {"PIDS": str(folder), "SLEEPER": SLEEPER, **names}.items())
    return (f"import json, os, subprocess, sys, time\n{constants}\n"
            f"def inputs(size):\n    return {{'x': 2.0}}\n"
            f"def optimized(x):\n    return 2.0 * (x * x)\n"
            + textwrap.dedent(body))


@pytest.mark.parametrize("escape", list(ESCAPES))
def test_at_the_timeout_every_descendant_dies_and_the_run_returns_within_a_second(escape, tmp_path, write_probe):
    path = write_probe(escape, hostile(ESCAPES[escape], tmp_path))
    started = time.monotonic()
    with pytest.raises(AnalysisError, match=f"probe '{escape}' timed out after 2 s"):
        run_probe(Job(escape, path), timeout=2)
    assert time.monotonic() - started < 3.0
    escaped = pids_in(tmp_path)
    assert escaped, "the probe did not start its child"
    assert all(gone(pid) for pid in escaped)


def test_a_daemon_left_behind_by_a_finished_probe_dies_with_the_run(tmp_path, write_probe):
    path = write_probe("daemon", hostile("""
        def baseline(x):
            subprocess.Popen([sys.executable, "-c", SLEEPER, PIDS + "/daemon.pid"], start_new_session=True)
            while not os.path.exists(PIDS + "/daemon.pid"):
                time.sleep(0.01)
            return x * x + x * x
    """, tmp_path))
    assert run_probe(Job("daemon", path), timeout=20)["verdict"] == "caching"
    assert all(gone(pid) for pid in pids_in(tmp_path))


def test_unbounded_output_is_counted_and_dropped_not_kept(write_probe):
    path = write_probe("flood", GOOD.replace("def baseline(x):", """def baseline(x):
    import os
    for _ in range(64):
        os.write(1, b"y" * 2**20)
        os.write(2, b"z" * 2**20)"""))
    # VmHWM, not ru_maxrss: Linux carries the forking process's peak (pytest's, large after the
    # in-process analyses) across exec into ru_maxrss, while VmHWM is this process's own peak
    code = ("import re; from pathlib import Path; from analyzer.runner import Job, run_probe;"
            f"result = run_probe(Job('flood', Path({str(path)!r})), timeout=60);"
            "hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1));"
            "print(result['verdict'], hwm // 1024)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    verdict, peak_mib = done.stdout.split()
    assert verdict == "caching"
    assert int(peak_mib) < 100, f"the parent grew to {peak_mib} MiB reading 128 MiB of probe output"


def test_a_crash_after_a_flood_of_output_is_still_one_short_line(write_probe):
    path = write_probe("noisy", GOOD.replace("def baseline(x):", """def baseline(x):
    import os
    for _ in range(64):
        os.write(2, b"\\x1b]0;title\\x07" * 2**16)
    os.write(2, b"\\nlast words\\x1b[31m\\n")
    os._exit(3)"""))
    with pytest.raises(AnalysisError) as err:
        run_probe(Job("noisy", path), timeout=20)
    assert str(err.value) == r"probe 'noisy' exited (status 3) without a result: last words\x1b[31m"


def test_printing_a_result_to_stdout_and_exiting_forges_nothing(write_probe):
    path = write_probe("forger", GOOD.replace("def baseline(x):", """def baseline(x):
    import os
    os.write(1, b'{"ok": true, "result": {"verdict": "inlining"}}\\n')
    os._exit(0)"""))
    with pytest.raises(AnalysisError, match="probe 'forger' exited \\(status 0\\) without a result"):
        run_probe(Job("forger", path), timeout=20)


FORGED = b'{"ok": true, "result": {"verdict": "inlining"}}\n'
SPRAY = f"""
import os
for fd in range(3, 1024):
    try:
        os.write(fd, {FORGED!r})
    except OSError:
        pass
"""


def test_the_result_pipe_is_not_where_the_runner_passed_it_nor_inherited_by_subprocesses(tmp_path, write_probe):
    path = write_probe("fd_forger", hostile("""
        def baseline(x):
            subprocess.run([sys.executable, "-c", SPRAY], close_fds=False)
            for fd in range(3, 64):
                try:
                    os.write(fd, FORGED)
                except OSError:
                    pass
            return x * x + x * x
    """, tmp_path, SPRAY=SPRAY, FORGED=FORGED))
    assert run_probe(Job("fd_forger", path), timeout=20)["verdict"] == "caching"


HOG = """
    def baseline(x):
        hold = [b"x" * (10 * 2**20) for _ in range(90)]     # 900 MiB, 10 MiB at a time
        time.sleep(60)
"""


def test_a_memory_hog_is_stopped_at_the_limit_with_the_limit_named(tmp_path, write_probe):
    path = write_probe("hog", hostile(HOG, tmp_path))
    with pytest.raises(AnalysisError) as err:
        run_probe(Job("hog", path), timeout=8, memory=256 * 2**20)
    assert str(err.value) == ("probe 'hog' used more than 256 MiB of resident memory "
                              "(the limit; raise it with --memory or MEMORY in the probe)")


def test_four_children_each_under_the_limit_are_stopped_together(tmp_path, write_probe):
    path = write_probe("swarm", hostile("""
        def baseline(x):
            grab = "import os, sys, time; b = b'x' * (150 * 2**20); open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(60)"
            for i in range(4):
                subprocess.Popen([sys.executable, "-c", grab, f"{PIDS}/{i}.pid"])
            time.sleep(60)
    """, tmp_path))
    with pytest.raises(AnalysisError, match="probe 'swarm' used more than 400 MiB of resident memory"):
        run_probe(Job("swarm", path), timeout=8, memory=400 * 2**20)
    assert all(gone(pid) for pid in pids_in(tmp_path))


def test_address_space_a_library_maps_but_does_not_touch_is_not_counted(write_probe):
    # the CUDA build of torch maps more than 2 GiB on import: RLIMIT_AS (or RLIMIT_DATA) would refuse this
    # the sizes and flags are module constants: arithmetic in the probe's own code is counted work
    path = write_probe("mapper", GOOD.replace("def baseline(x):", """import mmap
RESERVE, FLAGS = 8 * 2**30, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | 0x4000  # MAP_NORESERVE
def baseline(x):
    reserved = mmap.mmap(-1, RESERVE, flags=FLAGS)
    reserved[0] = 1"""))
    assert run_probe(Job("mapper", path), timeout=20, memory=256 * 2**20)["verdict"] == "caching"


def test_a_probe_states_its_own_memory_limit(tmp_path, write_probe):
    path = write_probe("greedy", 'MEMORY = "200MiB"\n' + hostile(HOG, tmp_path))
    with pytest.raises(AnalysisError, match="probe 'greedy' used more than 200 MiB of resident memory"):
        run_probe(Job("greedy", path), timeout=8)


def test_the_memory_option_beats_the_probes_own(tmp_path, write_probe, capsys):
    path = write_probe("greedy", 'MEMORY = "8GiB"\n' + hostile(HOG, tmp_path))
    status = analyze_command(str(path), all_probes=False, size=None, sizes=None, timeout=8, as_json=False,
                             catalog_probes={}, memory="300MiB")
    assert status == 1
    assert "probe 'greedy' used more than 300 MiB of resident memory" in capsys.readouterr().err


@pytest.mark.parametrize("declared, message", [
    ('MEMORY = "lots"', "greedy.py:1: MEMORY 'lots' is not a size like 512MiB, 8GiB or 2G"),
    ("MEMORY = 4", "greedy.py:1: MEMORY must be a string such as \"4GiB\", not 4"),
    ("MEMORY = str(4)", "greedy.py:1: MEMORY must be a literal value, not an expression"),
])
def test_a_bad_memory_setting_is_one_line_naming_the_file_and_line(declared, message, write_probe):
    path = write_probe("greedy", declared + "\n" + GOOD)
    with pytest.raises(AnalysisError) as err:
        run_probe(Job("greedy", path), timeout=20)
    assert str(err.value).startswith("probe 'greedy': ") and str(err.value).endswith(message)


@pytest.mark.parametrize("text, size", [("512MiB", 512 * 2**20), ("8GiB", 8 * 2**30), ("2G", 2 * 2**30),
                                        ("1.5 GiB", 3 * 2**29), ("300M", 300 * 2**20), ("2GB", 2 * 10**9),
                                        ("4gib", 4 * 2**30), (str(2**30), 2**30)])
def test_sizes_are_written_as_people_write_them(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "8 GiBs", "-1G", "1e9", "10MiB", "GiB"])
def test_a_size_that_is_not_one_says_how_to_write_it(text):
    with pytest.raises(ValueError, match="is not a size like 512MiB, 8GiB or 2G|too little"):
        parse_size(text)


def test_the_default_is_half_the_ram_shared_by_the_probes_that_run_at_once():
    assert default_memory(1) == pytest.approx(total_memory() / 2, rel=1e-6)
    assert default_memory(4) == pytest.approx(total_memory() / 2 / 4, rel=1e-6)


def test_a_probe_runs_in_a_scratch_folder_with_a_scrubbed_environment(tmp_path, write_probe, monkeypatch):
    monkeypatch.setenv("TAXO_TEST_API_TOKEN", "hunter2")
    seen = tmp_path / "seen.json"
    path = write_probe("snoop", hostile("""
        def baseline(x):
            open("left-behind.txt", "w").write("x")
            json.dump({"cwd": os.getcwd(), "env": dict(os.environ)}, open(SEEN, "w"))
            return x * x + x * x
    """, tmp_path, SEEN=str(seen)))
    assert run_probe(Job("snoop", path), timeout=20)["verdict"] == "caching"
    found = json.loads(seen.read_text())
    env, cwd = found["env"], found["cwd"]
    assert "TAXO_TEST_API_TOKEN" not in env
    assert set(env) <= {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "HOME", "TMPDIR", "PYTHONPATH",
                        "PYTHONDONTWRITEBYTECODE", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                        "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
                        "TAXO_PURE_TRACER"}
    assert env["HOME"] == env["TMPDIR"] == cwd != os.getcwd()
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(REPO_ROOT)
    assert env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "1"
    assert not Path(cwd).exists(), "the scratch folder was not removed"


CANCEL_SCRIPT = """
import sys
from pathlib import Path
import analyzer.command as command, analyzer.store as store
probes = Path(sys.argv[1])
command.catalog_probe_path = lambda name: probes / f"{name}.py"
store.DIRECTORY = probes / "stored"
names = ["a_quick", "b_hangs", "c_hangs", "d_hangs", "e_hangs"]
sys.exit(command.analyze_command(None, all_probes=True, size=None, sizes=None, timeout=60, as_json=False,
                                 catalog_probes={n: (n, "caching") for n in names}, store=True))
"""


def test_ctrl_c_under_all_kills_the_running_drops_the_queued_and_writes_nothing(tmp_path):
    (tmp_path / "a_quick.py").write_text(hostile("""
        def baseline(x):
            open(PIDS + "/a_quick.done", "w").write("")
            return x * x + x * x
    """, tmp_path))
    for name in ("b_hangs", "c_hangs", "d_hangs", "e_hangs"):
        (tmp_path / f"{name}.py").write_text(hostile(f"""
            def baseline(x):
                open(PIDS + "/{name}.pid", "w").write(str(os.getpid()))
                time.sleep(60)
        """, tmp_path))
    proc = subprocess.Popen([sys.executable, "-c", CANCEL_SCRIPT, str(tmp_path)], cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not ((tmp_path / "a_quick.done").exists() and (tmp_path / "c_hangs.pid").exists()):
            assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        time.sleep(0.3)     # a_quick's result is in: it must not be stored either
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        assert time.monotonic() - started < 2
    finally:                # a failed run leaves nothing behind
        proc.kill()
        for pid in pids_in(tmp_path):
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    cancelled = [line for line in err.splitlines() if line.startswith("cancelled: ")]
    assert len(cancelled) == 1 and "no results were written" in cancelled[0]
    assert all(name in cancelled[0] for name in ("b_hangs", "c_hangs", "d_hangs", "e_hangs"))
    assert "a_quick" not in cancelled[0]
    assert not (tmp_path / "stored").exists() or not any((tmp_path / "stored").iterdir())
    assert all(gone(pid) for pid in pids_in(tmp_path))
