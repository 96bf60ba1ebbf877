"""The peak of a process tree's summed PSS, sampled cheaply enough to time the same run.

Reading a process's PSS (``smaps_rollup``) walks its page tables: 1–10 ms for
each of Chromium's processes, ~16 ms of CPU a sample for a build's tree. Its
RSS, and how much of it is file-backed or shared (``statm``), are counters
read in microseconds. So each sample reads every process's ``statm``, and its
PSS only when the estimate below has moved by more than ``RESAMPLE_KB`` since
the last read, when that read is older than ``PSS_MAX_AGE``, or when a process
of the same program started, ended, or mapped more or fewer shared pages since
(which shares that program's pages anew). In between, a process's PSS is its
last PSS plus its new anonymous memory (a new page of it is private) plus its
new shared memory at the share it had of its shared memory at that read. On
20-lesson builds the summed estimate stayed within ±12 MB of every PSS read at
the same moment in 98 % of samples, and its peak within 1 MB of theirs.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

# Every 100 ms a 30-lesson -j 2 build took 1 % longer than unsampled (4 % every
# 50 ms; reading every PSS every 50 ms, 10 %), and saw its ~0.3 s Pandoc runs.
SAMPLE_SECONDS = 0.1
RESAMPLE_KB = 4096
PSS_MAX_AGE = 2.0
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True)
class Resident:
    """A process's resident memory in kB: anonymous, and file-backed or shared."""

    anonymous_kb: int
    shared_kb: int


@dataclass
class ProcessMemory:
    """What is known of one process: its name, and its PSS when it had ``resident``."""

    name: str
    pss_kb: int = 0
    resident: Resident = Resident(0, 0)
    read_at: float = float("-inf")

    def estimate(self, resident: Resident) -> int:
        """The PSS now, from the last read and the resident memory then and now."""
        last = self.resident
        private_kb = min(self.pss_kb, last.anonymous_kb)
        share = (self.pss_kb - private_kb) / last.shared_kb if last.shared_kb else 1.0
        grown = resident.anonymous_kb - last.anonymous_kb
        grown += (resident.shared_kb - last.shared_kb) * min(share, 1.0)
        return max(0, round(self.pss_kb + grown))


def read_parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            stat = stream.read()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and brackets.
    return int(stat[stat.rindex(b")") + 2 :].split()[1])


def read_name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as stream:
            program = stream.read().split(b"\0")[0].decode(errors="replace")
    except OSError:
        return "?"
    # Chromium rewrites its argv[0] into its whole command line, spaces and all.
    return os.path.basename(program.split(" ")[0]) or "?"


def read_resident(pid: int) -> Resident | None:
    try:
        with open(f"/proc/{pid}/statm", "rb") as stream:
            fields = stream.read().split()
    except OSError:
        return None
    resident, shared = int(fields[1]) * PAGE_KB, int(fields[2]) * PAGE_KB
    return Resident(resident - shared, shared)


def read_pss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as stream:
            for line in stream:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None  # a zombie has no memory left to map


class ProcessTree:
    """The descendants of one process, found by reading only new processes' parents."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.parents: dict[int, int | None] = {}

    def members(self) -> list[int]:
        listed = {int(name) for name in os.listdir("/proc") if name.isdigit()}
        for pid in self.parents.keys() - listed:
            del self.parents[pid]
        for pid in listed - self.parents.keys():
            self.parents[pid] = read_parent(pid)
        children: dict[int, list[int]] = {}
        for pid, parent in self.parents.items():
            children.setdefault(parent, []).append(pid)
        members, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            members.append(pid)
            todo.extend(children.get(pid, []))
        return members


class TreeMemory(threading.Thread):
    """Samples a process tree's summed PSS until stopped; keeps the peak and its parts."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.tree = ProcessTree(pid)
        self.known: dict[int, ProcessMemory] = {}
        self.alive: set[int] = set()
        self.peak_kb = 0
        self.peak_sizes: list[tuple[str, int]] = []
        self.samples = self.pss_reads = 0
        self.stopped = threading.Event()

    def sample(self) -> list[tuple[str, int]]:
        """(name, PSS in kB) of each process of the tree now, read or estimated."""
        now = time.monotonic()
        # A process that has ended but is not yet reaped has no memory left.
        alive = {}
        for pid in self.tree.members():
            resident = read_resident(pid)
            if resident is not None and resident.anonymous_kb + resident.shared_kb > 0:
                alive[pid] = resident
                if pid not in self.known:
                    self.known[pid] = ProcessMemory(read_name(pid))
        # A program's pages are shared anew when one of its processes starts, ends
        # or maps more or fewer of them (a second Pandoc reading its binary in
        # halves the first one's share of it, with no change to the first one).
        reshared = {self.known[pid].name for pid in self.alive ^ alive.keys()}
        for pid, resident in alive.items():
            moved = resident.shared_kb - self.known[pid].resident.shared_kb
            if abs(moved) > RESAMPLE_KB:
                reshared.add(self.known[pid].name)
        for pid in self.alive - alive.keys():
            del self.known[pid]
        self.alive = set(alive)
        sizes = []
        for pid, resident in alive.items():
            pss_kb = self.process_pss_kb(pid, resident, now, reshared)
            if pss_kb is not None:
                sizes.append((self.known[pid].name, pss_kb))
        self.samples += 1
        return sizes

    def process_pss_kb(
        self, pid: int, resident: Resident, now: float, reshared: set[str]
    ) -> int | None:
        """The PSS of one process of the tree, read again or estimated."""
        process = self.known[pid]
        estimate = process.estimate(resident)
        stale = process.name in reshared or now - process.read_at > PSS_MAX_AGE
        if stale or abs(estimate - process.pss_kb) > RESAMPLE_KB:
            pss_kb = read_pss_kb(pid)
            if pss_kb is None:
                return None
            process.pss_kb, process.resident, process.read_at = pss_kb, resident, now
            self.pss_reads += 1
            return pss_kb
        return estimate

    def run(self) -> None:
        while not self.stopped.is_set():
            sizes = self.sample()
            total = sum(size for _, size in sizes)
            if total > self.peak_kb:
                self.peak_kb, self.peak_sizes = total, sizes
            self.stopped.wait(SAMPLE_SECONDS)
