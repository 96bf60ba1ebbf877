"""One Chromium for a test worker's builds: started as a build starts it, reached over DevTools.

Starting Chromium costs a build about a second of CPU; the suite runs some 300
builds. A build given COURSEBUILD_BROWSER_ENDPOINT (coursebuild/browser/chromium.py)
uses the running browser instead, with its own pages. The browser is started by
Playwright in a process of its own, with the build's own arguments, so that it
lays decks out as a build's own does (tests/browser/test_layout.py builds with a
Chromium of its own and compares). Tests about which Chromium a build starts
(CHROMIUM in their environment) get no endpoint (course_factory.run_build).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from coursebuild.browser.chromium import BROWSER_ENDPOINT

READY = "ready"


@contextmanager
def shared_browser() -> Iterator[str]:
    """Chromium running until the block ends; its DevTools address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.shared_browser", str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={key: value for key, value in os.environ.items() if key != BROWSER_ENDPOINT},
    )
    try:
        line = child.stdout.readline().strip()
        if line != READY:
            raise RuntimeError(f"the shared Chromium did not start: {line!r}")
        yield f"http://127.0.0.1:{port}"
    finally:
        child.stdin.close()  # the child closes its browser and ends
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        child.stdout.close()


def serve(port: int) -> None:
    """In the child: the build's Chromium, listening on ``port`` too, until stdin closes."""
    from playwright.sync_api import sync_playwright

    from coursebuild.browser.chromium import LAUNCH_ARGUMENTS, chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[*LAUNCH_ARGUMENTS, f"--remote-debugging-port={port}"],
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        print(READY, flush=True)
        sys.stdin.read()  # until the parent closes it (or ends)
        browser.close()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
