"""A web server on 127.0.0.1 serving images, and the answers a remote image can get."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from tests.support.images import png

PNG = png(64, 48)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10"/></svg>'
)
# path -> (status, headers, body)
ANSWERS = {
    "/kuva.png": (200, {"Content-Type": "image/png"}, PNG),
    "/kuva.svg": (200, {"Content-Type": "image/svg+xml"}, SVG),
    "/teksti.png": (200, {"Content-Type": "text/html"}, b"<p>not an image</p>"),
    "/vale.png": (200, {"Content-Type": "image/png"}, b"<html>an error page</html>"),
    "/valtava.png": (200, {"Content-Type": "image/png", "Content-Length": str(10**9)}, b""),
    "/metadata.png": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
    "/sisaverkko.png": (302, {"Location": "http://10.0.0.1/kuva.png"}, b""),
    "/mapped.png": (302, {"Location": "http://[::ffff:10.0.0.1]/kuva.png"}, b""),
    "/siirretty.png": (301, {"Location": "/kuva.png"}, b""),
    "/kehä.png": (302, {"Location": "/kehä.png"}, b""),
    "/puuttuu.png": (404, {"Content-Type": "text/plain"}, b"no"),
}
# Served a byte every DRIP_SECONDS for DRIP_BYTES: each read gets a byte well within
# any timeout, the whole in 10 s. The headers, or the body after them.
DRIP_SECONDS = 0.25
DRIP_BYTES = 40
DRIPPED = {
    "/tippuva.png": b"",
    "/tippuva-otsake.png": b"HTTP/1.0 200 OK\r\nContent-Type: image/png\r\n" + b"X: " * 20,
}


@dataclass
class ImageServer:
    port: int
    requests: Counter = field(default_factory=Counter)
    scheme: str = "http"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.host}{path}"


@contextmanager
def image_server(certificate=None) -> Iterator[ImageServer]:
    """The server, on a free port, until the block ends.

    ``certificate``: a trustme LeafCert: the server speaks HTTPS with it.
    """
    served = ImageServer(0)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            path = unquote(self.path)
            served.requests[path] += 1  # with its query: a test can count its own requests
            if path.split("?")[0] in DRIPPED:
                self.drip(DRIPPED[path.split("?")[0]])
                return
            status, headers, body = ANSWERS.get(path.split("?")[0], (404, {}, b""))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def drip(self, head: bytes):
            if not head:  # the body drips
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(DRIP_BYTES))
                self.end_headers()
                self.wfile.flush()
            for byte in (head or PNG)[:DRIP_BYTES]:
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return  # the client gave up
                time.sleep(DRIP_SECONDS)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.port = server.server_address[1]
    if certificate is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        certificate.configure_cert(context)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        served.scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def dripping_tcp_server() -> Iterator[int]:
    """A server that sends a byte every DRIP_SECONDS to whoever connects (a TLS
    handshake that never ends); its port, until the block ends."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                # A TLS record's header (a handshake of 16 KiB), then its bytes one by one.
                connection.sendall(b"\x16\x03\x03\x40\x00")
                for _ in range(DRIP_BYTES):
                    if stop.is_set():
                        break
                    try:
                        connection.sendall(b"\x00")
                    except OSError:
                        break
                    time.sleep(DRIP_SECONDS)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()
