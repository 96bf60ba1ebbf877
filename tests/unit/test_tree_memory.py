"""The benchmark's memory sampler: a process tree's summed PSS, its PSS read only now and then."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from bench import tree_memory
from bench.tree_memory import ProcessMemory, Resident, TreeMemory

MB = 1024

# Keeps memory, starts DEPTH generations of itself below it, says "ready" once
# they all hold theirs, and holds it HOLD seconds more. What it keeps: KEPT
# megabytes of its own, or (a path) that file mapped, every page of it read.
HOLDER = textwrap.dedent(
    """
    import mmap, subprocess, sys, time
    kept, hold, depth = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    if kept.isdigit():
        memory = bytes(range(256)) * (int(kept) * 4096)  # written: every page resident
    else:
        with open(kept, "rb") as stream:
            memory = mmap.mmap(stream.fileno(), 0, prot=mmap.PROT_READ)
        total = sum(memory[offset] for offset in range(0, len(memory), 4096))
    if depth:
        command = [sys.executable, __file__, kept, str(hold), str(depth - 1)]
        child = subprocess.Popen(command, stdout=subprocess.PIPE)
        child.stdout.readline()
    print("ready", flush=True)
    time.sleep(hold)
    if depth:
        child.communicate()
    """
)


def holder_command(folder, kept: int | str, hold: float, depth: int) -> list[str]:
    script = folder / "holder.py"
    script.write_text(HOLDER)
    return [sys.executable, str(script), str(kept), str(hold), str(depth)]


def sampled(command: list[str]) -> TreeMemory:
    with subprocess.Popen(command, stdout=subprocess.PIPE) as process:
        sampler = TreeMemory(process.pid)
        sampler.start()
        process.stdout.readline()
    sampler.stopped.set()
    sampler.join()
    return sampler


def test_an_estimate_counts_new_private_memory_whole_and_new_shared_at_the_old_share():
    # Read when 60 MB were anonymous and 80 MB shared, at a PSS of 100 MB: its
    # shared memory counted (100 - 60) / 80 = half.
    process = ProcessMemory("x", pss_kb=100 * MB, resident=Resident(60 * MB, 80 * MB))
    assert process.estimate(Resident(70 * MB, 100 * MB)) == (100 + 10 + 20 // 2) * MB
    assert process.estimate(Resident(50 * MB, 80 * MB)) == 90 * MB


def test_the_peak_sums_a_child_and_its_grandchild(tmp_path):
    sampler = sampled(holder_command(tmp_path, 64, 1.5, 1))
    names = [name for name, _ in sampler.peak_sizes]
    assert len(names) == 2, sampler.peak_sizes
    # Two processes each holding 64 MB written, and an interpreter each (~10 MB).
    assert 2 * 64 * MB <= sampler.peak_kb <= 2 * (64 + 25) * MB, sampler.peak_sizes


def test_a_process_at_rest_is_read_again_only_when_its_reading_is_old(tmp_path, monkeypatch):
    monkeypatch.setattr(tree_memory, "PSS_MAX_AGE", 0.5)
    started = time.monotonic()
    sampler = sampled(holder_command(tmp_path, 16, 2.0, 0))
    seconds = time.monotonic() - started
    assert sampler.samples >= 20
    # Its first reading, one each half second at rest, and a few while it grew.
    assert sampler.pss_reads <= seconds / 0.5 + 6, (sampler.pss_reads, sampler.samples)
    assert 16 * MB <= sampler.peak_kb <= (16 + 25) * MB


def test_pages_two_processes_share_count_once_in_the_sum(tmp_path):
    shared = tmp_path / "shared.bin"
    shared.write_bytes(bytes(range(256)) * (128 * 4096))
    sampler = sampled(holder_command(tmp_path, str(shared), 1.5, 1))
    # Each process's PSS holds half the file once both have read it in: the first
    # one's last reading (the whole file) would count it one and a half times.
    assert 128 * MB <= sampler.peak_kb <= (128 + 2 * 25) * MB, sampler.peak_sizes
