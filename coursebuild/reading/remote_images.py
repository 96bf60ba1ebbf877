"""A page's ``http(s)://`` images, fetched once into the output's cache so the deck stays offline.

A lesson is untrusted, and the build runs where private addresses answer (a
cloud's metadata service at 169.254.169.254, the CI's own network): an image
address is a request the build makes for the page's author. So a fetch

- goes only to addresses that are globally routable, checked after DNS
  resolution, the connection made to the very address checked (no second
  lookup an attacker's DNS could answer differently), and again after each
  redirect; a host the build is started with (``--allow-image-host``) is the
  one exception, for a course's own server, and the tests' local one;
- is one try, with a short timeout, within a time budget for the whole page
  that no server can stretch (one sending a byte a second keeps each read
  within a timeout: every read waits at most until the page's deadline, and
  so does the name's lookup);
- keeps at most ``MAX_IMAGE_BYTES``, and only an image: a PNG, JPEG, GIF or
  WebP whose header gives a size within the pixel limit, or an SVG.

What cannot be fetched becomes a placeholder image showing its address, and
a warning: never a failed page. The cache is by address and content hash; a
cached image is not fetched again.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import imagesize

from coursebuild.core import limits
from coursebuild.core.atomic import write_atomic
from coursebuild.reading.placeholder_card import write_placeholder

TIMEOUT_SECONDS = 4.0  # a connection, and each read
PAGE_BUDGET_SECONDS = 8.0  # all of a page's fetches: the page's reading has 15 s in all (limits.py)
MAX_REDIRECTS = 3
MAX_REMOTE_IMAGES = 20  # a page's; the rest are placeholders
RASTER_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
}
SVG_TYPE = "image/svg+xml"
USER_AGENT = "coursebuild (lesson images)"
URL_SAFE = "/%:@!$&'()*+,;=-._~"  # kept as they are: escapes already made, and reserved characters


class FetchRefused(Exception):
    """Why an image was not fetched, in words for the warning."""


@dataclass
class RemoteImages:
    """The remote images of one page: fetched into ``cache``, or a placeholder each."""

    cache: Path
    allowed_hosts: frozenset[str] = frozenset()  # "host" or "host:port", given by the build
    unavailable_text: str = "Image could not be fetched"
    failures: list[str] = field(default_factory=list)  # "address: why", for the warnings
    fetched: int = 0
    started: float | None = None

    def local_file(self, url: str) -> Path:
        """The cached image of ``url``, fetched now if it is not cached; else a placeholder."""
        cached = self.cached(url)
        if cached is not None:
            return cached
        try:
            self.check_budget()
            data, suffix = self.fetch(url)
        except FetchRefused as why:
            self.failures.append(f"{url}: {why}")
            return self.placeholder(url)
        # A folder by address and content; the file keeps the page's name for it, which
        # an alt text made from a file name, and a warning about the image, then say.
        folder = self.cache / f"{url_key(url)}-{hashlib.sha256(data).hexdigest()[:16]}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (file_stem(url) + suffix)
        write_atomic(path, data)
        return path

    def cached(self, url: str) -> Path | None:
        key = url_key(url)
        found = sorted(self.cache.glob(f"{key}-*/*")) if self.cache.is_dir() else []
        # A placeholder is no image: the next build tries again.
        return next((path for path in found if path.parent.name != f"{key}-unavailable"), None)

    @property
    def deadline(self) -> float:
        """When the page's time for fetching ends (time.monotonic), counted from its first."""
        return self.started + PAGE_BUDGET_SECONDS

    def check_budget(self) -> None:
        self.started = self.started or time.monotonic()
        if self.fetched >= MAX_REMOTE_IMAGES:
            raise FetchRefused(f"the page has more than {MAX_REMOTE_IMAGES} remote images")
        if time.monotonic() >= self.deadline:
            raise budget_spent()
        self.fetched += 1

    def fetch(self, url: str) -> tuple[bytes, str]:
        """The image's bytes and file suffix, following at most MAX_REDIRECTS redirects."""
        for _ in range(MAX_REDIRECTS + 1):
            status, headers, body = self.get(url)
            if status in (301, 302, 303, 307, 308):
                location = headers.get("location")
                if not location:
                    raise FetchRefused(f"a redirect ({status}) without an address")
                url = urljoin(url, location)
                continue
            if status != 200:
                raise FetchRefused(f"the server answered {status}")
            return image_bytes(body, headers.get("content-type", ""))
        raise FetchRefused(f"more than {MAX_REDIRECTS} redirects")

    def get(self, url: str) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused("only http:// and https:// images are fetched")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = self.checked_address(parts.hostname, port)
        connection = pinned_connection(parts.scheme, parts.hostname, address, port, self.deadline)
        # A page may write the address unescaped ("/kehä.png"); HTTP needs it escaped.
        path = quote(parts.path or "/", safe=URL_SAFE) + (
            f"?{quote(parts.query, safe=URL_SAFE + '?')}" if parts.query else ""
        )
        try:
            connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
            response = connection.getresponse()
            headers = {name.lower(): value for name, value in response.getheaders()}
            body = b"" if response.status != 200 else read_limited(response)
            return response.status, headers, body
        except (OSError, http.client.HTTPException) as error:
            if time.monotonic() >= self.deadline:
                raise budget_spent() from None
            raise FetchRefused(f"cannot fetch it: {error}") from None
        finally:
            connection.close()

    def checked_address(self, host: str, port: int) -> str:
        """The address to connect to: the host's, if every one of them may be reached."""
        infos = look_up(host, port, self.deadline)
        addresses = [info[4][0] for info in infos]
        if not addresses:
            raise FetchRefused(f"no address for {host}")
        allowed = (
            host.lower() in self.allowed_hosts or f"{host.lower()}:{port}" in self.allowed_hosts
        )
        for address in addresses:
            if not allowed and not is_public(address):
                raise FetchRefused(f"{host} is {address}, not a public address")
        return addresses[0]

    def placeholder(self, url: str) -> Path:
        """An SVG card saying the image is missing, and from where: shown where the image was."""
        path = self.cache / f"{url_key(url)}-unavailable" / (file_stem(url) + ".svg")
        return write_placeholder(path, url, self.unavailable_text)


def look_up(host: str, port: int, deadline: float) -> list:
    """``socket.getaddrinfo`` of ``host``, waited for until ``deadline`` at most.

    A lookup has no timeout of its own: the system's resolver tries each name
    server in turn, and one that never answers (the page's author may run it)
    costs seconds a try. It runs on a thread of its own, left behind if it
    does not answer in time (the page's reading ends with its child process).
    """
    found: dict[str, object] = {}

    def lookup() -> None:
        try:
            found["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            found["error"] = error

    looking = threading.Thread(target=lookup, name="image-host-lookup", daemon=True)
    looking.start()
    looking.join(max(0.0, deadline - time.monotonic()))
    if looking.is_alive():
        raise budget_spent()
    if "error" in found:
        raise FetchRefused(f"cannot look up {host}: {found['error']}")
    return found["infos"]


def budget_spent() -> FetchRefused:
    return FetchRefused(f"the page's {PAGE_BUDGET_SECONDS:g} s for fetching are spent")


def file_stem(url: str) -> str:
    """The address's file name without its suffix, as a safe file name ("kaan_aksit")."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]).rsplit(".", 1)[0]
    return re.sub(r"[^\w-]+", "_", name)[:60].strip("_") or "image"


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def is_public(address: str) -> bool:
    """Whether ``address`` is globally routable: not loopback, private, link-local, shared…"""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    return ip.is_global and not ip.is_multicast


def pinned_connection(scheme: str, host: str, address: str, port: int, deadline: float):
    """A connection to ``address`` for ``host``, over by ``deadline``; TLS still checks
    the certificate is the host's."""
    kind = PinnedHTTP if scheme == "http" else PinnedHTTPS
    return kind(host, address, port, deadline)


def time_left(deadline: float) -> float:
    """The timeout of the next wait on the server: TIMEOUT_SECONDS, or less by the deadline."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise budget_spent()
    return min(TIMEOUT_SECONDS, left)


class DeadlineReads:
    """A socket's reads, each waiting at most until ``deadline``: the reads of a response
    (its status line, each header, the body) end there, however slowly it comes."""

    deadline = float("inf")

    def recv_into(self, buffer, *arguments):
        self.settimeout(time_left(self.deadline))
        return super().recv_into(buffer, *arguments)


class DeadlineSocket(DeadlineReads, socket.socket):
    pass


class DeadlineSSLSocket(DeadlineReads, ssl.SSLSocket):
    pass


class PinnedHTTP(http.client.HTTPConnection):
    """HTTP to the address checked, the Host header naming the site."""

    def __init__(self, host: str, address: str, port: int, deadline: float) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS)
        self.address = address
        self.deadline = deadline

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), time_left(self.deadline))
        self.sock = DeadlineSocket(raw.family, raw.type, raw.proto, fileno=raw.detach())
        self.sock.deadline = self.deadline
        self.sock.settimeout(time_left(self.deadline))  # sending the request


class PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, port: int, deadline: float) -> None:
        context = ssl.create_default_context()
        context.sslsocket_class = DeadlineSSLSocket
        super().__init__(host, port, timeout=TIMEOUT_SECONDS, context=context)
        self.address = address
        self.deadline = deadline

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), time_left(self.deadline))
        raw.settimeout(time_left(self.deadline))  # the handshake's, all of it
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)
        self.sock.deadline = self.deadline


def read_limited(response) -> bytes:
    declared = response.getheader("content-length")
    if declared and declared.isdigit() and int(declared) > limits.MAX_IMAGE_BYTES:
        raise FetchRefused(f"it is {int(declared) // limits.MEBIBYTE} MB, more than the limit")
    body = response.read(limits.MAX_IMAGE_BYTES + 1)
    if len(body) > limits.MAX_IMAGE_BYTES:
        raise FetchRefused(f"it is more than {limits.MAX_IMAGE_BYTES // limits.MEBIBYTE} MB")
    return body


def image_bytes(body: bytes, content_type: str) -> tuple[bytes, str]:
    """``body`` and its suffix if it is an image the build can show; else FetchRefused."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == SVG_TYPE:
        head = body[:1000].lstrip().lower()
        if head.startswith((b"<svg", b"<?xml")) and b"<svg" in body[:4096].lower():
            return body, ".svg"
        raise FetchRefused("served as SVG, but it is not one")
    if kind not in RASTER_TYPES:
        raise FetchRefused(f"it is not an image ({kind or 'no content type'})")
    width, height = imagesize.get(io.BytesIO(body))
    if width <= 0 or height <= 0:
        raise FetchRefused(f"served as {kind}, but it has no image header")
    if width * height > limits.MAX_IMAGE_PIXELS:
        raise FetchRefused(f"it is {width}×{height} pixels, more than the limit")
    return body, RASTER_TYPES[kind]
