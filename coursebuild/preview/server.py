"""The preview's HTTP server: the output folder's files, and server-sent events to each page.

Only what it sends carries the reload script (preview_client.js); the files
on disk stay what build.py wrote. The deck's Content-Security-Policy is
widened in what is sent by exactly that script's hash and the events' URL.

It answers only requests addressed to itself: a web page elsewhere can make a
browser send requests here under its own name (DNS rebinding) or from its own
origin, and neither gets a page or the events.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import ipaddress
import mimetypes
import queue
import re
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

CLIENT_SCRIPT = (Path(__file__).with_name("client.js")).read_text(encoding="utf-8")
CLIENT_SOURCE = "'sha256-{}'".format(
    base64.b64encode(hashlib.sha256(CLIENT_SCRIPT.encode("utf-8")).digest()).decode("ascii")
)
EVENTS_PATH = "/__preview/events"
CSP_META = re.compile(rb'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(">)')
FIRST_PORT, LAST_PORT = 8000, 8100
KEEPALIVE_SECONDS = 15
# What deck.html.j2 puts around the slides: the part of a deck the preview swaps in place.
SLIDES_START = b'<div class="slides">'
SLIDES_END = b'<div class="deck-footer"'
# A Host header's value, or an origin's after "http://": a name or IPv4 address,
# or an IPv6 address in brackets, and a port.
AUTHORITY = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?")
DEFAULT_PORT = 80  # http's: a browser leaves it out of Host and Origin
LOCALHOST = "localhost"
# Beside ConnectionError (EPIPE, ECONNRESET, ECONNABORTED): a socket the client left.
DEAD_SOCKET_ERRNOS = {errno.ENOTCONN, errno.ENETRESET, errno.ETIMEDOUT}


def widened_policy(policy: str) -> str:
    """The deck's policy with the reload script's hash and the events' connection allowed."""
    directives = [directive.strip() for directive in policy.split(";")]
    for number, directive in enumerate(directives):
        if directive.startswith("script-src"):
            sources = [s for s in directive.split()[1:] if s != "'none'"]
            directives[number] = " ".join(["script-src", *sources, CLIENT_SOURCE])
    directives.append("connect-src 'self'")
    return "; ".join(directives)


def shell_digest(page: bytes) -> str:
    """The page without its slides, digested: decks with the same digest may swap slides.

    When the template changes its markers, the digest covers the whole page and
    every change reloads the page: slower, never wrong.
    """
    start = page.find(SLIDES_START)
    end = page.find(SLIDES_END, start + 1)
    if start >= 0 and end >= 0:
        page = page[:start] + page[end:]
    return hashlib.sha256(page).hexdigest()[:32]


def injected(page: bytes) -> bytes:
    """``page`` with the reload script before its last </body>, and its policy widened."""
    shell = shell_digest(page).encode("ascii")
    page = CSP_META.sub(
        lambda m: m[1] + widened_policy(m[2].decode()).encode() + m[3], page, count=1
    )
    # The digest is an attribute: the script's text, and so its hash in the policy, stay fixed.
    script = b'<script data-shell="' + shell + b'">' + CLIENT_SCRIPT.encode("utf-8") + b"</script>"
    end = page.rfind(b"</body>")
    if end < 0:
        return page + script
    return page[:end] + script + page[end:]


def served_file(out_dir: Path, url_path: str) -> Path | None:
    """The file inside ``out_dir`` that ``url_path`` names, or None: nothing outside is served."""
    path = unquote(url_path)
    if "\0" in path:
        return None
    relative = path.lstrip("/")
    # The state file, the lock and the caches are the build's, not pages.
    if any(part.startswith(".") for part in Path(relative).parts):
        return None
    target = (out_dir / relative).resolve()
    if not target.is_relative_to(out_dir):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def authority_parts(authority: str) -> tuple[str, int] | None:
    """The host (lower case) and port ``authority`` names, or None when it is no host[:port]."""
    match = AUTHORITY.fullmatch(authority)
    if match is None:
        return None
    return match["host"].lower(), int(match["port"] or DEFAULT_PORT)


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``host`` spells out (IPv6 in brackets), or None for a name."""
    try:
        if host.startswith("["):
            return ipaddress.IPv6Address(host[1:-1])
        return ipaddress.IPv4Address(host)
    except ValueError:
        return None


def accepted_host(host: str, bound: str) -> bool:
    """Whether a server bound to the address ``bound`` answers to the name ``host``.

    Its own address, localhost when it listens on loopback, and any IP address
    when it listens on all: an address cannot be rebound, a name can.
    """
    bound_address = ipaddress.ip_address(bound)
    if host == LOCALHOST:
        return bound_address.is_loopback or bound_address.is_unspecified
    address = ip_literal(host)
    if address is None:
        return False
    return bound_address.is_unspecified or address == bound_address


def is_dead_socket(error: BaseException | None) -> bool:
    """Whether ``error`` says only that the client went away."""
    if isinstance(error, ConnectionError):
        return True
    return isinstance(error, OSError) and error.errno in DEAD_SOCKET_ERRNOS


def page_name(url_path: str) -> str:
    """The output file a page's URL path shows, relative to the output folder."""
    name = unquote(url_path).lstrip("/")
    return name or "index.html"


class Pages:
    """The open pages' event queues, and the last build's error, if it failed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.listeners: list[tuple[str, queue.Queue]] = []
        self.error: str | None = None

    def connect(self, name: str) -> queue.Queue:
        events: queue.Queue = queue.Queue()
        with self.lock:
            self.listeners.append((name, events))
            if self.error is not None:
                events.put(("error", self.error))
        return events

    def disconnect(self, events: queue.Queue) -> None:
        with self.lock:
            self.listeners = [entry for entry in self.listeners if entry[1] is not events]

    def built(self, changed: set[str]) -> None:
        """A build succeeded: the pages whose file changed reload, the others drop any error."""
        with self.lock:
            self.error = None
            for name, events in self.listeners:
                events.put(("reload" if name in changed else "ok", ""))

    def failed(self, message: str) -> None:
        with self.lock:
            self.error = message
            for _, events in self.listeners:
                events.put(("error", message))

    def close(self) -> None:
        with self.lock:
            for _, events in self.listeners:
                events.put(None)

    def count(self) -> int:
        with self.lock:
            return len(self.listeners)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's 5 drops connections in a burst (tabs reloading at once), each
    # then retried a second later.
    request_queue_size = 64

    def __init__(self, address, out_dir: Path, pages: Pages) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6  # --host ::1 or ::
        super().__init__(address, PreviewHandler)
        self.out_dir = out_dir
        self.pages = pages

    def addressed_here(self, authority: str) -> bool:
        """Whether ``authority`` (host[:port]) names this server: its port, and its address."""
        parts = authority_parts(authority)
        if parts is None:
            return False
        host, port = parts
        bound, bound_port = self.server_address[:2]
        return port == bound_port and accepted_host(host, bound)

    def handle_error(self, request, client_address) -> None:
        """Nothing when the client went away (a closed tab); else the usual traceback."""
        if is_dead_socket(sys.exc_info()[1]):
            return
        super().handle_error(request, client_address)


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer

    def log_message(self, format: str, *args) -> None:
        pass  # one line per request would bury the build's messages

    def parse_request(self) -> bool:
        """The request line and headers; False, the refusal sent, unless addressed to us."""
        if not super().parse_request():
            return False
        refusal = self.refusal()
        if refusal is not None:
            self.send_error(*refusal)
            return False
        return True

    def refusal(self) -> tuple[HTTPStatus, str, str] | None:
        """Why this request is not answered, or None: every method is checked here."""
        hosts = self.header_values("Host")
        # Exactly one: with two, a proxy and this server might read different ones.
        if len(hosts) != 1 or not self.server.addressed_here(hosts[0]):
            return (
                HTTPStatus.MISDIRECTED_REQUEST,
                "Not this server's address",
                "The preview answers only at its own address and port, or localhost",
            )
        origins = self.header_values("Origin")
        # No Origin is fine: a page's own requests do not always send one.
        if origins and (len(origins) != 1 or not self.same_origin(origins[0])):
            return (
                HTTPStatus.FORBIDDEN,
                "Cross-origin request",
                "The preview answers only its own pages",
            )
        return None

    def header_values(self, name: str) -> list[str]:
        """Every value of the header ``name``, without the spaces around it."""
        return [value.strip(" \t") for value in self.headers.get_all(name) or []]

    def same_origin(self, origin: str) -> bool:
        """Whether ``origin`` is http:// and this server's address and port."""
        scheme, separator, authority = origin.partition("://")
        return scheme == "http" and separator != "" and self.server.addressed_here(authority)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == EVENTS_PATH:
            page = parse_qs(url.query).get("page", ["/"])[0]
            self.stream_events(page_name(page))
            return
        target = served_file(self.server.out_dir, url.path)
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        try:
            body = target.read_bytes()
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        if target.suffix == ".html":
            body = injected(body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind == "text/html" else ""))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def stream_events(self, name: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        events = self.server.pages.connect(name)
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                try:
                    event = events.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": keepalive\n\n")  # finds a closed tab
                    self.wfile.flush()
                    continue
                if event is None:
                    return
                self.wfile.write(event_bytes(*event))
                self.wfile.flush()
        except OSError:
            pass  # the tab was closed
        finally:
            self.server.pages.disconnect(events)
            self.close_connection = True


def event_bytes(kind: str, data: str) -> bytes:
    lines = "".join(f"data: {line}\n" for line in data.split("\n"))
    return f"event: {kind}\n{lines}\n".encode()


def open_server(host: str, port: int | None, out_dir: Path, pages: Pages) -> PreviewServer:
    """The server on ``port``, else on the first free port from 8000 upward."""
    ports = [port] if port is not None else range(FIRST_PORT, LAST_PORT)
    for candidate in ports:
        try:
            return PreviewServer((host, candidate), out_dir, pages)
        except OSError as error:
            last = error
    raise last
