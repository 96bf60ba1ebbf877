"""The preview's HTTP server, in this process over real sockets: who it answers, and how quietly."""

from __future__ import annotations

import http.client
import socket
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from coursebuild.preview.server import EVENTS_PATH, Pages, open_server

INDEX = b"<!doctype html><html><body>INDEX-CONTENT</body></html>"
DECK = (
    b'<!doctype html><html><head><meta http-equiv="Content-Security-Policy"'
    b" content=\"default-src 'none'; script-src 'sha256-deck'\"></head><body>"
    b'<div class="slides">DECK-CONTENT</div><div class="deck-footer"></div></body></html>'
)
STATE = b'{"secret": "STATE-CONTENT"}'
BIG_SIZE = 2 * 1024 * 1024
EVENTS_URL = EVENTS_PATH + "?page=/deck.html"


@dataclass
class Served:
    """A running server's port, its pages' events and its output folder."""

    port: int
    pages: Pages
    out: Path

    @property
    def own_host(self) -> str:
        return f"127.0.0.1:{self.port}"


@pytest.fixture
def served(tmp_path):
    """A PreviewServer on a free port of 127.0.0.1, serving a small output folder."""
    out = (tmp_path / "out").resolve()
    out.mkdir()
    (out / "index.html").write_bytes(INDEX)
    (out / "deck.html").write_bytes(DECK)
    (out / ".build-state.json").write_bytes(STATE)
    (out / "big.bin").write_bytes(b"x" * BIG_SIZE)
    pages = Pages()
    server = open_server("127.0.0.1", 0, out, pages)
    serving = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    serving.start()
    try:
        yield Served(server.server_address[1], pages, out)
    finally:
        pages.close()  # ends the event streams still open
        server.shutdown()
        server.server_close()
        serving.join(10)


def get(
    port: int, path: str, headers: dict[str, str]
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """Status, headers and body of GET ``path`` with exactly the Host given in ``headers``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def raw_exchange(port: int, request: bytes) -> bytes:
    """The server's whole reply to ``request``, sent byte for byte."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        return b"".join(iter(lambda: connection.recv(65536), b""))


def status_of(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


def open_events(port: int, headers: dict[str, str]) -> tuple[http.client.HTTPConnection, object]:
    """A connection to the event stream and its response, its body not read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", EVENTS_URL, headers=headers)
    return connection, connection.getresponse()


def handler_threads() -> list[threading.Thread]:
    """The threads ThreadingHTTPServer started for requests, still running."""
    return [t for t in threading.enumerate() if t.name.endswith("(process_request_thread)")]


def wait_for_handlers(seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while handler_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not handler_threads(), "requests still being handled"


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}"])
def test_the_servers_own_address_is_served(served, host):
    status, _, body = get(served.port, "/", {"Host": host.format(port=served.port)})
    assert status == 200
    assert b"INDEX-CONTENT" in body


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "127.0.0.1:{other}",
        "attacker.com",
        "127.0.0.1",  # port 80, by default
        "127.0.0.2:{port}",
        "[::1]:{port}",
        "localhost.evil.example:{port}",
        "127.0.0.1.nip.io:{port}",
        "127.0.0.1:{port}@evil.example",
        "",
    ],
)
def test_another_host_is_refused_421_without_the_file(served, host):
    named = host.format(port=served.port, other=served.port % 65535 + 1)
    for path in ("/", "/deck.html"):
        status, _, body = get(served.port, path, {"Host": named})
        assert status == 421, (named, path)
        assert b"INDEX-CONTENT" not in body
        assert b"DECK-CONTENT" not in body


def test_a_request_without_host_is_refused_421(served):
    reply = raw_exchange(served.port, b"GET /index.html HTTP/1.0\r\n\r\n")
    assert status_of(reply) == 421
    assert b"INDEX-CONTENT" not in reply


def test_a_second_host_header_is_refused_421(served):
    request = (
        f"GET /index.html HTTP/1.1\r\nHost: {served.own_host}\r\n"
        "Host: evil.example\r\nConnection: close\r\n\r\n"
    )
    reply = raw_exchange(served.port, request.encode())
    assert status_of(reply) == 421
    assert b"INDEX-CONTENT" not in reply


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example:{port}",
        "http://127.0.0.1:{other}",
        "https://127.0.0.1:{port}",
        "http://127.0.0.1:{port}/",
        "null",
    ],
)
def test_the_event_stream_refuses_another_origin_403(served, origin):
    named = origin.format(port=served.port, other=served.port % 65535 + 1)
    connection, response = open_events(served.port, {"Host": served.own_host, "Origin": named})
    try:
        assert response.status == 403
    finally:
        connection.close()
    assert served.pages.count() == 0


@pytest.mark.parametrize("origin", ["http://127.0.0.1:{port}", "http://localhost:{port}", None])
def test_the_event_stream_opens_for_its_own_origin_or_none(served, origin):
    headers = {"Host": served.own_host}
    if origin is not None:
        headers["Origin"] = origin.format(port=served.port)
    connection, response = open_events(served.port, headers)
    try:
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/event-stream"
        assert response.readline() == b": connected\n"
    finally:
        connection.close()


def test_a_file_request_from_another_origin_is_refused_403(served):
    headers = {"Host": served.own_host, "Origin": "http://evil.example"}
    status, _, body = get(served.port, "/index.html", headers)
    assert status == 403
    assert b"INDEX-CONTENT" not in body


def test_dot_files_in_the_output_folder_are_not_served(served):
    assert (served.out / ".build-state.json").read_bytes() == STATE
    for path in ("/.build-state.json", "/%2Ebuild-state.json", "/./.build-state.json"):
        status, _, body = get(served.port, path, {"Host": served.own_host})
        assert status == 404, path
        assert b"STATE-CONTENT" not in body


def test_a_deck_is_sent_with_the_reload_script_and_a_widened_policy(served):
    status, headers, body = get(served.port, "/deck.html", {"Host": served.own_host})
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"DECK-CONTENT" in body
    assert b"<script data-shell=" in body
    assert b"connect-src 'self'" in body


def abandon_file_request(port: int, number: int) -> None:
    """Ask for the big file and close at once; every other time with a reset."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        if number % 2:
            # Linger 0: close sends RST, as a killed browser's socket does.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.sendall(f"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())


def abandon_event_stream(port: int, number: int) -> None:
    """Open the event stream and go away: at once, or after its first line."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(f"GET {EVENTS_URL} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        if number % 2:
            received = b""
            while b": connected" not in received:
                received += client.recv(4096)


def test_clients_that_go_away_leave_no_traceback(served, capfd):
    for number in range(200):
        abandon_file_request(served.port, number)
    for number in range(10):
        abandon_event_stream(served.port, number)
    # The streams' next writes meet the closed sockets.
    for message in ("one", "two", "three"):
        served.pages.failed(message)
        time.sleep(0.1)
    served.pages.close()
    wait_for_handlers()
    status, _, body = get(served.port, "/", {"Host": served.own_host})
    assert status == 200
    assert b"INDEX-CONTENT" in body
    errors = capfd.readouterr().err
    for word in ("Traceback", "BrokenPipeError", "ConnectionResetError", "Exception"):
        assert word not in errors, errors[:2000]


@pytest.mark.parametrize(
    ("host", "bound", "accepted"),
    [
        ("127.0.0.1", "127.0.0.1", True),
        ("localhost", "127.0.0.1", True),
        ("[::1]", "::1", True),
        ("localhost", "::1", True),
        ("127.0.0.1", "::1", False),
        ("[::1]", "127.0.0.1", False),
        ("localhost", "192.0.2.7", False),
        ("192.0.2.7", "192.0.2.7", True),
        ("192.0.2.8", "192.0.2.7", False),
        # A wildcard address answers to any IP literal, never to a name but localhost.
        ("192.0.2.7", "0.0.0.0", True),
        ("[2001:db8::1]", "::", True),
        ("localhost", "0.0.0.0", True),
        ("evil.example", "0.0.0.0", False),
        ("evil.example", "::", False),
        ("[127.0.0.1]", "0.0.0.0", False),  # brackets hold IPv6 only
        ("::1", "::", False),  # IPv6 without brackets is no Host
    ],
)
def test_the_host_rule(host, bound, accepted):
    from coursebuild.preview.server import accepted_host

    assert accepted_host(host, bound) is accepted


def ipv6_loopback_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback here")
def test_an_ipv6_server_answers_to_its_bracketed_address(tmp_path):
    out = tmp_path.resolve()
    (out / "index.html").write_bytes(INDEX)
    server = open_server("::1", 0, out, Pages())
    serving = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    serving.start()
    try:
        port = server.server_address[1]
        for host, expected in ((f"[::1]:{port}", 200), (f"localhost:{port}", 200)):
            connection = http.client.HTTPConnection("::1", port, timeout=10)
            try:
                connection.request("GET", "/", headers={"Host": host})
                assert connection.getresponse().status == expected, host
            finally:
                connection.close()
        connection = http.client.HTTPConnection("::1", port, timeout=10)
        try:
            connection.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
            assert connection.getresponse().status == 421
        finally:
            connection.close()
    finally:
        server.shutdown()
        server.server_close()
        serving.join(10)
