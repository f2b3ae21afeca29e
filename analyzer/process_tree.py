"""The processes of one probe run, found through /proc: measured together, killed together.

A probe starts as one worker process in its own session (``start_new_session``). Its
descendants are tracked by polling /proc: a process belongs to the run when its parent
does, or when it is in the worker's session or process group. A child that calls
``setsid()`` leaves the session but not the family; one that double-forks is reparented
to the worker, which makes itself a *child subreaper* (``become_subreaper``), so the
family stays connected while the worker lives. Each process is remembered with its start
time, so a recycled pid is never mistaken for a member (and never killed).

    >>> tree = ProcessTree(worker_pid)                  # doctest: +SKIP
    >>> tree.refresh(); tree.resident_bytes()           # doctest: +SKIP
    52428800
    >>> tree.kill()           # stop everything, then SIGKILL it   # doctest: +SKIP

Limits (stated in docs/trust-model.md): a process that escapes between two polls (50 ms)
by double-forking while the worker has turned its subreaper flag off is not found.
"""
from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
PR_SET_CHILD_SUBREAPER = 36
_FREEZE_ROUNDS = 50     # SIGSTOP sweeps before the SIGKILL: enough to outpace a fork loop


@dataclass(frozen=True)
class Stat:
    """The fields of /proc/<pid>/stat that tie a process to a family."""
    ppid: int
    pgid: int
    sid: int
    started: int        # clock ticks after boot: (pid, started) names one process for good
    zombie: bool


def read_stat(pid: int) -> Stat | None:
    """/proc/<pid>/stat, or None when the process is gone."""
    try:
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    except OSError:
        return None
    try:
        data = os.read(fd, 4096)
    except OSError:
        return None
    finally:
        os.close(fd)
    # comm (field 2) may hold spaces and parentheses: split after the LAST ')'
    fields = data[data.rindex(b")") + 2:].split(None, 20)
    return Stat(int(fields[1]), int(fields[2]), int(fields[3]), int(fields[19]), fields[0] == b"Z")


def all_processes() -> dict[int, Stat]:
    """Every process on the machine; empty without /proc (then only the process group is killed)."""
    stats: dict[int, Stat] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return stats
    for name in names:
        if name.isdigit() and (stat := read_stat(int(name))) is not None:
            stats[int(name)] = stat
    return stats


def resident_bytes_of(pid: int) -> int:
    """Resident set size of one process (0 once it has exited)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class ProcessTree:
    """The worker ``root`` and every process found descending from it; see the module docstring."""
    root: int
    members: dict[int, int] = field(default_factory=dict)     # pid -> start time

    def __post_init__(self) -> None:
        stat = read_stat(self.root)
        if stat is not None:
            self.members[self.root] = stat.started

    def refresh(self) -> dict[int, Stat]:
        """Forget members that exited, adopt new descendants; returns the /proc snapshot."""
        stats = all_processes()
        self.members = {pid: t for pid, t in self.members.items()
                        if pid in stats and stats[pid].started == t and not stats[pid].zombie}
        grew = True
        while grew:         # a child seen before its parent is adopted on the next sweep
            grew = False
            for pid, stat in stats.items():
                if pid in self.members or stat.zombie:
                    continue
                parent_started = self.members.get(stat.ppid)
                if ((parent_started is not None and parent_started <= stat.started)
                        or self.root in (stat.sid, stat.pgid)):
                    self.members[pid] = stat.started
                    grew = True
        return stats

    def resident_bytes(self) -> int:
        """Sum of the members' resident memory (pages shared between them count once per process)."""
        return sum(resident_bytes_of(pid) for pid in self.members)

    def kill(self) -> None:
        """Freeze the whole family with SIGSTOP until no new member appears, then SIGKILL it."""
        stopped: set[int] = set()
        for _ in range(_FREEZE_ROUNDS):
            self.refresh()
            fresh = self.members.keys() - stopped
            if not fresh:
                break
            for pid in fresh:
                _signal(pid, signal.SIGSTOP)
            stopped |= fresh
        for pid in self.members:
            _signal(pid, signal.SIGKILL)
        try:
            os.killpg(self.root, signal.SIGKILL)
        except OSError:
            pass
        self.members.clear()


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except OSError:     # exited meanwhile
        pass


def become_subreaper() -> bool:
    """Make this process adopt its orphaned descendants (Linux ≥ 3.4); False where unsupported."""
    import ctypes
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
