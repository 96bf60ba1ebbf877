"""Worker processes live no longer than the build that started them.

A killed build (SIGKILL, the OOM killer) cannot clean up after itself: its
workers would be left orphaned, blocked on a queue nobody reads. Linux ends a
process when its parent dies if it asked to (PR_SET_PDEATHSIG). Ctrl-C reaches
the whole process group; workers ignore it and the build stops them itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Iterator

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """Be killed when the process ``parent`` ends (Linux only; elsewhere nothing happens)."""
    if not sys.platform.startswith("linux"):
        return
    # Imported here, as the others below: only a worker, or an interrupted build,
    # needs them, and the build's own process starts sooner without.
    import ctypes
    import ctypes.util

    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the request was made: no signal will come


def start_worker(parent: int) -> None:
    """Initializer of the build's worker processes: die with ``parent``, leave Ctrl-C to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


def stop_workers() -> None:
    """Kill this process's worker processes now: Ctrl-C does not wait for them to finish."""
    import multiprocessing

    for child in multiprocessing.active_children():
        child.kill()
    for child in multiprocessing.active_children():
        child.join(timeout=5)


class Interrupts:
    """Ctrl-C as KeyboardInterrupt in the build's process, once.

    While outputs are being written (``held``) it waits until they are all
    written, so an interrupted build leaves each output whole, old or new.
    Later Ctrl-Cs are ignored: the build is already stopping.
    """

    def __init__(self) -> None:
        self.received = False
        self.holding = 0
        self.owner: int | None = None  # the build's process

    def install(self) -> None:
        self.owner = os.getpid()
        signal.signal(signal.SIGINT, self.handle)
        # Ctrl-C reaches the browser's driver in the same moment: the thread
        # that reaps it can find the layout's event loop already closed, and
        # asyncio says so before the handler has run to quiet it.
        logging.getLogger("asyncio").addFilter(not_a_closed_loop_warning)

    def handle(self, signum, frame) -> None:
        # A worker inherits this handler when it is forked, until its initializer
        # ignores Ctrl-C: a Ctrl-C in between is the build's to handle, not the worker's
        # (raised there, multiprocessing would print "Process ForkProcess-1:").
        if self.received or os.getpid() != self.owner:
            return
        self.received = True
        quiet_teardown()
        if not self.holding:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self.holding += 1
        try:
            yield
        finally:
            self.holding -= 1
        if self.received and not self.holding:
            raise KeyboardInterrupt


def not_a_closed_loop_warning(record) -> bool:
    """False for asyncio's "Loop … that handles pid … is closed", of a child gone with it."""
    return not str(record.msg).startswith("Loop %r that handles pid %r is closed")


def quiet_teardown() -> None:
    """Once interrupted, what is being torn down has nothing more to say.

    Ctrl-C reaches Playwright's driver too (it is in the build's process
    group): it dies, and asyncio would log and print the transports it leaves
    behind, one warning or traceback each.
    """
    import logging
    import threading

    logging.disable(logging.CRITICAL)
    sys.unraisablehook = lambda unraisable: None
    threading.excepthook = lambda arguments: None


INTERRUPTS = Interrupts()
