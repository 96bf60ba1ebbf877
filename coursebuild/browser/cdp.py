"""The Chrome DevTools Protocol, spoken to Chromium directly from Python.

The build lays its decks out and prints them with a handful of the
protocol's commands; driving them through Playwright cost a Node process
(~150 MB at a build's peak, ~0.5 s of CPU to start) between Python and
Chromium. A started browser is spoken to over its debugging pipe (file
descriptors 3 and 4, each message a JSON text ended by a NUL byte): no port
another process of the machine could reach. A browser already running (the
test suite's, at COURSEBUILD_BROWSER_ENDPOINT) is spoken to over its
WebSocket.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

# Chromium's answers are bounded by the build's own inputs (a slide PDF is at
# most a few MB, base64 in one message); a larger one is an error, not memory.
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
CLOSE_SECONDS = 5.0
# A build's Chromium profile, in the temporary folder: the prefix, then the
# build's process id (a build killed leaves it; the next start removes it).
PROFILE_PREFIX = "coursebuild-chromium-"
# What Chromium says on standard error when it cannot start, kept this long.
STDERR_TAIL = 2000


class ProtocolError(Exception):
    """The browser refused a command, closed, or took too long."""


class Connection:
    """Commands sent and answered by id; events handed to whoever listens for them."""

    def __init__(self, send_text: Callable[[bytes], None]) -> None:
        self.send_text = send_text
        self.next_id = 0
        self.waiting: dict[int, tuple[asyncio.Future, str | None]] = {}
        self.listeners: dict[tuple[str | None, str], list[Callable[[dict], None]]] = {}
        self.closed: ProtocolError | None = None

    async def send(
        self, method: str, params: dict | None = None, session: str | None = None
    ) -> dict:
        """Send a command (to ``session``'s target, else the browser); its result."""
        if self.closed is not None:
            raise self.closed
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        answer = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = (answer, session)
        self.send_text(json.dumps(message).encode("utf-8"))
        return await answer

    def on(self, session: str | None, event: str, listener: Callable[[dict], None]) -> None:
        self.listeners.setdefault((session, event), []).append(listener)

    def received(self, text: bytes) -> None:
        message = json.loads(text)
        if "id" in message:
            answer, _ = self.waiting.pop(message["id"], (None, None))
            if answer is None or answer.done():
                return
            if "error" in message:
                error = message["error"]
                answer.set_exception(ProtocolError(error.get("message", str(error))))
            else:
                answer.set_result(message.get("result", {}))
            return
        key = (message.get("sessionId"), message.get("method"))
        for listener in self.listeners.get(key, ()):
            listener(message.get("params", {}))

    def fail_session(self, session: str, error: ProtocolError) -> None:
        """Fail every command waiting on ``session``'s target (it crashed or went away)."""
        for number, (answer, on) in list(self.waiting.items()):
            if on == session:
                del self.waiting[number]
                if not answer.done():
                    answer.set_exception(error)

    def close(self, error: ProtocolError) -> None:
        self.closed = error
        for answer, _ in self.waiting.values():
            if not answer.done():
                answer.set_exception(error)
        self.waiting.clear()


class LaunchedChromium:
    """A Chromium this process started, spoken to over its debugging pipe."""

    def __init__(self, pid: int, profile: Path, connection: Connection) -> None:
        self.pid = pid
        self.profile = profile
        self.connection = connection
        self.reader: asyncio.Task | None = None

    @classmethod
    async def start(cls, executable: str, arguments: list[str]) -> LaunchedChromium:
        remove_orphaned_profiles()
        profile = Path(tempfile.mkdtemp(prefix=f"{PROFILE_PREFIX}{os.getpid()}-"))
        to_browser, from_us = os.pipe()
        to_us, from_browser = os.pipe()
        argv = [
            executable,
            *arguments,
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "--no-startup-window",
        ]
        try:
            # posix_spawn, not subprocess with preexec_fn: the build has threads,
            # and the pipe must be the child's descriptors 3 and 4.
            pid = os.posix_spawn(
                executable,
                argv,
                os.environ,
                setpgroup=0,  # a group of its own: closed, all its processes go at once
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, to_browser, 3),
                    (os.POSIX_SPAWN_DUP2, from_browser, 4),
                    (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
                    (
                        os.POSIX_SPAWN_OPEN,
                        2,
                        str(profile / "stderr.log"),
                        os.O_WRONLY | os.O_CREAT,
                        0o600,
                    ),
                ],
            )
        except OSError as error:
            for descriptor in (to_browser, from_us, to_us, from_browser):
                os.close(descriptor)
            shutil.rmtree(profile, ignore_errors=True)
            raise ProtocolError(f"cannot start Chromium ({executable}): {error}") from None
        os.close(to_browser)
        os.close(from_browser)
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=MAX_MESSAGE_BYTES)
        incoming, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(to_us, "rb", 0)
        )
        writer, _ = await loop.connect_write_pipe(asyncio.Protocol, os.fdopen(from_us, "wb", 0))
        connection = Connection(lambda text: writer.write(text + b"\0"))
        chromium = cls(pid, profile, connection)
        chromium.reader = asyncio.create_task(chromium.read(reader, incoming, writer))
        return chromium

    async def read(self, reader: asyncio.StreamReader, incoming, writer) -> None:
        try:
            while True:
                self.connection.received((await reader.readuntil(b"\0"))[:-1])
        except asyncio.LimitOverrunError:
            limit = f"{MAX_MESSAGE_BYTES // (1024 * 1024)} MB"
            self.connection.close(ProtocolError(f"Chromium sent a message over {limit}"))
        except (asyncio.IncompleteReadError, OSError):
            said = self.stderr_tail()
            self.connection.close(ProtocolError("Chromium closed" + (f": {said}" if said else "")))
        finally:
            # Closed here, not left to the end of the pipe: a loop that stops
            # right after Chromium is killed would leave it open, and its
            # garbage collection warns about it (a CI run failed a test so).
            incoming.close()
            writer.close()

    def stderr_tail(self) -> str:
        """Why Chromium says it stopped: its FATAL lines, else its ERROR lines (the last)."""
        try:
            text = (self.profile / "stderr.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        lines = text.splitlines()
        said = [line for line in lines if "FATAL" in line] or [
            line for line in lines if "ERROR" in line
        ]
        return "\n".join(said)[-STDERR_TAIL:]

    async def close(self) -> None:
        """Stop Chromium and remove its profile.

        Killed with its process group (renderers, zygotes), not asked to close:
        its profile is thrown away, and a graceful close (~0.1 s) would hold
        the build's end.
        """
        self.kill()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)
        shutil.rmtree(self.profile, ignore_errors=True)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def remove_orphaned_profiles() -> None:
    """Remove the profiles of builds no longer running (killed: Chromium exits, they stay)."""
    for profile in Path(tempfile.gettempdir()).glob(f"{PROFILE_PREFIX}*-*"):
        owner = profile.name.removeprefix(PROFILE_PREFIX).split("-", 1)[0]
        if not owner.isdigit() or int(owner) == os.getpid():
            continue
        try:
            os.kill(int(owner), 0)
        except ProcessLookupError:
            shutil.rmtree(profile, ignore_errors=True)
        except OSError:
            pass  # another user's running build


class ConnectedChromium:
    """A Chromium already running, spoken to over its DevTools WebSocket; left running.

    Call ``import_modules`` on the thread that starts the one connecting.
    """

    @staticmethod
    def import_modules() -> None:
        """What connecting imports, imported before a thread of the build connects.

        The build forks a child to read each page (limits.py) while its browser's
        thread connects; a child forked while that thread imports a module waits
        forever on the module's lock if it imports the module too, and looking
        up a page's image address imports the idna codec, as the endpoint's does.
        """
        import encodings.idna  # noqa: F401  (socket.getaddrinfo's, for a str host)

        import websockets.asyncio.client  # noqa: F401

    def __init__(self, socket, connection: Connection) -> None:
        self.socket = socket
        self.connection = connection
        self.reader: asyncio.Task | None = None

    @classmethod
    async def connect(cls, endpoint: str) -> ConnectedChromium:
        """``endpoint``: the browser's DevTools address, http://127.0.0.1:PORT."""
        # Imported here: only a build given the test suite's browser needs it.
        from websockets.asyncio.client import connect  # by import_modules, already

        loop = asyncio.get_running_loop()
        version = await loop.run_in_executor(None, read_json, f"{endpoint}/json/version")
        socket = await connect(
            version["webSocketDebuggerUrl"], max_size=MAX_MESSAGE_BYTES, ping_interval=None
        )
        sending: set[asyncio.Task] = set()

        def send_text(text: bytes) -> None:
            task = asyncio.ensure_future(socket.send(text.decode("utf-8")))
            sending.add(task)
            task.add_done_callback(sending.discard)

        chromium = cls(socket, Connection(send_text))
        chromium.reader = asyncio.create_task(chromium.read())
        return chromium

    async def read(self) -> None:
        try:
            async for text in self.socket:
                self.connection.received(text)
        except Exception:  # the socket closed under us: every command waiting learns it
            pass
        self.connection.close(ProtocolError("the connection to Chromium closed"))

    async def close(self) -> None:
        await self.socket.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


def read_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=CLOSE_SECONDS) as answer:
        return json.loads(answer.read(1024 * 1024))
