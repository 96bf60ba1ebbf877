"""The build's own CDP client (coursebuild/browser/cdp.py, headless.py) against a real Chromium.

A Chromium started over its debugging pipe, as a build without the test
suite's browser starts one: what a page script throws, a page that hangs,
crashes or opens a dialog, a message over the size limit, and what is left
once the browser is closed or its build killed.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from coursebuild.browser import cdp
from coursebuild.browser.chromium import LAUNCH_ARGUMENTS, chromium_path
from coursebuild.browser.headless import Browser, Page, PageError

ROOT = Path(__file__).resolve().parents[2]


def run(work):
    """Run ``work(browser)`` against a Chromium of its own; its result. The browser is closed."""

    async def main():
        browser = await Browser.launch(chromium_path(), LAUNCH_ARGUMENTS)
        try:
            return await work(browser)
        finally:
            await browser.close()

    return asyncio.run(main())


async def new_page(browser: Browser, timeout: float = 10.0) -> Page:
    return await Page.open(browser, await browser.new_context(), 640, 360, timeout)


def test_a_page_evaluates_with_its_argument_and_answers_json():
    async def work(browser):
        page = await new_page(browser)
        return await page.evaluate(
            "async ({a, b}) => ({sum: a + b, size: [innerWidth, innerHeight]})", {"a": 2, "b": 3}
        )

    assert run(work) == {"sum": 5, "size": [640, 360]}


def test_what_a_script_throws_is_its_message():
    async def work(browser):
        page = await new_page(browser)
        with pytest.raises(PageError) as thrown:
            await page.evaluate("() => { throw new Error('liian monta diaa'); }")
        return str(thrown.value)

    assert run(work) == "liian monta diaa"


def test_a_wait_that_never_ends_stops_at_the_pages_timeout_and_the_page_still_works():
    async def work(browser):
        page = await new_page(browser, timeout=0.5)
        with pytest.raises(PageError) as waited:
            await page.wait_for("() => false")
        return str(waited.value), await page.evaluate("() => 6 * 7")

    message, after = run(work)
    assert "more than 0 s" in message or "more than 1 s" in message
    assert after == 42


def test_a_dialog_does_not_hold_the_page():
    async def work(browser):
        page = await new_page(browser)
        return await page.evaluate("() => { alert('hei'); return confirm('jatketaanko?'); }")

    assert run(work) is False  # dismissed


def test_a_crashed_page_fails_at_once_not_at_its_timeout():
    async def work(browser):
        page = await new_page(browser, timeout=30.0)
        started = asyncio.get_running_loop().time()
        waiting = asyncio.ensure_future(page.evaluate("() => new Promise(() => {})"))
        crash = asyncio.ensure_future(page.call("Page.crash"))
        with pytest.raises(PageError) as crashed:
            await waiting
        await asyncio.gather(crash, return_exceptions=True)
        return str(crashed.value), asyncio.get_running_loop().time() - started

    message, seconds = run(work)
    assert "crashed" in message or "closed" in message
    assert seconds < 10


def test_an_answer_over_the_size_limit_closes_the_connection_not_the_memory(monkeypatch):
    monkeypatch.setattr(cdp, "MAX_MESSAGE_BYTES", 1024 * 1024)

    async def work(browser):
        page = await new_page(browser)
        small = await page.evaluate("() => 'x'.repeat(1000)")
        with pytest.raises(PageError) as refused:
            await page.evaluate("() => 'x'.repeat(2_000_000)")
        return small, str(refused.value), browser.chromium.pid

    small, message, pid = run(work)
    assert small == "x" * 1000
    assert "Chromium sent a message over 1 MB" in message
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped by close


def test_a_closed_browser_leaves_no_process_and_no_profile():
    async def work(browser):
        await new_page(browser)
        return browser.chromium.pid, browser.chromium.profile

    pid, profile = run(work)
    assert not profile.exists()
    assert group_ends(pid), "Chromium's processes still run 5 s after it was closed"


def group_ends(group: int, seconds: float = 5.0) -> bool:
    """Whether every process of ``group`` is gone within ``seconds`` (reaped: an
    orphan's zombie counts until init collects it)."""
    for _ in range(int(seconds / 0.05)):
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_chromium_that_cannot_start_says_why(tmp_path):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho '[1:1:ERROR:ozone] Missing X server or $DISPLAY' >&2\n")
    broken.chmod(0o755)

    async def main():
        browser = await Browser.launch(str(broken), [])
        try:
            with pytest.raises(cdp.ProtocolError) as failed:
                await browser.new_context()
        finally:
            await browser.close()
        return str(failed.value)

    assert "Missing X server" in asyncio.run(main())


KILLED_BUILD = """
import asyncio, os, sys
sys.path.insert(0, {root!r})
from coursebuild.browser.chromium import LAUNCH_ARGUMENTS, chromium_path
from coursebuild.browser.headless import Browser

async def main():
    browser = await Browser.launch(chromium_path(), LAUNCH_ARGUMENTS)
    await browser.new_context()
    print(browser.chromium.pid, browser.chromium.profile, flush=True)
    os.kill(os.getpid(), {signal})

asyncio.run(main())
"""


@pytest.fixture
def short_tmpdir(monkeypatch):
    """A temporary folder with a short path, as TMPDIR: Chromium's singleton socket goes
    there, and a Unix socket's path is at most 107 bytes (pytest-xdist's are long)."""
    folder = Path(tempfile.mkdtemp(prefix="kb-", dir="/tmp"))
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr("tempfile.tempdir", None)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_killed_builds_browser_exits_and_its_profile_goes_at_the_next_start(short_tmpdir):
    script = KILLED_BUILD.format(root=str(ROOT), signal=int(signal.SIGKILL))
    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    pid, profile = killed.stdout.split()
    # Chromium, its renderers and zygotes exit once its pipe closes.
    assert group_ends(int(pid)), "the killed build's Chromium is still running"
    assert Path(profile).is_dir()  # nobody was left to remove it

    async def work(browser):
        return browser.chromium.profile

    own = run(work)
    assert not Path(profile).exists()
    assert own.parent == Path(profile).parent == short_tmpdir
