"""A web server on 127.0.0.1 serving images, and the answers a remote image can get."""

from __future__ import annotations

import threading
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


@dataclass
class ImageServer:
    port: int
    requests: Counter = field(default_factory=Counter)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"


@contextmanager
def image_server() -> Iterator[ImageServer]:
    """The server, on a free port, until the block ends."""
    served = ImageServer(0)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            path = unquote(self.path)
            served.requests[path] += 1  # with its query: a test can count its own requests
            status, headers, body = ANSWERS.get(path.split("?")[0], (404, {}, b""))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
