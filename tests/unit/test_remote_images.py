"""Remote images: fetched once into the cache from public addresses only; else a placeholder."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
import trustme

from coursebuild.core.words import WORDS
from coursebuild.reading import remote_images
from coursebuild.reading.course import open_course
from coursebuild.reading.images import FigureSet
from coursebuild.reading.lesson_file import load_lesson
from coursebuild.reading.read_page import page_warnings, read_page
from coursebuild.reading.remote_images import RemoteImages, is_public
from tests.support.image_server import (
    DRIP_SECONDS,
    PNG,
    SVG,
    dripping_tcp_server,
    image_server,
)


@pytest.fixture(scope="module")
def server():
    with image_server() as served:
        yield served


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:10.0.0.1", False),  # an IPv4-mapped private address
        ("::ffff:93.184.215.14", True),
    ],
)
def test_only_globally_routable_addresses_are_public(address, public):
    assert is_public(address) is public


def fetcher(tmp_path, server, allowed=True, text="Kuvaa ei voitu hakea") -> RemoteImages:
    hosts = frozenset({server.host}) if allowed else frozenset()
    return RemoteImages(tmp_path / "cache", hosts, text)


def test_an_image_is_fetched_once_into_the_cache(tmp_path, server):
    images = fetcher(tmp_path, server)
    first = images.local_file(server.url("/kuva.png"))
    assert first.read_bytes() == PNG and first.name == "kuva.png"  # the page's name for it
    assert first.parent.parent == tmp_path / "cache"
    again = fetcher(tmp_path, server).local_file(server.url("/kuva.png"))  # the next build
    assert again == first
    assert server.requests["/kuva.png"] == 1
    assert images.failures == []


def test_an_svg_and_a_redirect_inside_the_allowed_host_are_followed(tmp_path, server):
    images = fetcher(tmp_path, server)
    assert images.local_file(server.url("/kuva.svg")).read_bytes() == SVG
    assert images.local_file(server.url("/siirretty.png")).read_bytes() == PNG
    assert images.failures == []


@pytest.mark.parametrize(
    "path, why",
    [
        ("/metadata.png", "169.254.169.254 is 169.254.169.254, not a public address"),
        ("/sisaverkko.png", "10.0.0.1 is 10.0.0.1, not a public address"),
        ("/mapped.png", "not a public address"),
        ("/teksti.png", "it is not an image (text/html)"),
        ("/vale.png", "served as image/png, but it has no image header"),
        ("/valtava.png", "more than the limit"),
        ("/kehä.png", "more than 3 redirects"),
        ("/puuttuu.png", "the server answered 404"),
    ],
)
def test_what_cannot_be_shown_is_a_placeholder_and_says_why(tmp_path, server, path, why):
    images = fetcher(tmp_path, server)
    url = server.url(path)
    shown = images.local_file(url)
    assert shown.parent.name.endswith("-unavailable")
    card = shown.read_text(encoding="utf-8")
    assert "Kuvaa ei voitu hakea" in card and url.removeprefix("http://") in card
    [failure] = images.failures
    assert failure.startswith(f"{url}: ") and why in failure


def test_a_private_address_is_refused_unless_the_build_allows_its_host(tmp_path, server):
    for url in (server.url("/kuva.png?a"), f"http://localhost:{server.port}/kuva.png?a"):
        images = fetcher(tmp_path, server, allowed=False)
        assert images.local_file(url).parent.name.endswith("-unavailable")
        assert "not a public address" in images.failures[0]
    assert server.requests["/kuva.png?a"] == 0  # refused before connecting
    allowed = fetcher(tmp_path, server, allowed=True)
    assert allowed.local_file(server.url("/kuva.png?a")).read_bytes() == PNG


def test_the_connection_goes_to_the_address_checked(tmp_path, server, monkeypatch):
    """A second lookup could answer differently (DNS rebinding): there is none."""
    lookups = []
    real_lookup = socket.getaddrinfo

    def lookup(host, *args, **kwargs):
        if host != "kuvat.example":
            return real_lookup(host, *args, **kwargs)  # the address itself, as given
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) == 1 else "10.0.0.1"  # rebinding
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, server.port))]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    images = RemoteImages(tmp_path / "cache", frozenset({"kuvat.example"}))
    path = images.local_file(f"http://kuvat.example:{server.port}/kuva.png?pinned")
    assert path.read_bytes() == PNG
    assert lookups == ["kuvat.example"]  # one lookup: the connection went to its answer
    assert server.requests["/kuva.png?pinned"] == 1


def test_an_unreachable_server_is_a_placeholder_within_the_timeout(tmp_path, server):
    images = RemoteImages(tmp_path / "cache", frozenset({"127.0.0.1"}))
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # nothing listens once it closes
    shown = images.local_file(f"http://127.0.0.1:{port}/kuva.png")
    assert shown.parent.name.endswith("-unavailable")
    assert "cannot fetch it" in images.failures[0]


def test_a_page_fetches_at_most_its_share(tmp_path, server, monkeypatch):
    monkeypatch.setattr(remote_images, "MAX_REMOTE_IMAGES", 2)
    images = fetcher(tmp_path, server)
    shown = [images.local_file(server.url(f"/kuva.png?{n}")) for n in range(3)]
    assert [path.suffix for path in shown] == [".png", ".png", ".svg"]
    assert "more than 2 remote images" in images.failures[0]


@pytest.mark.parametrize("language", sorted(WORDS))
def test_a_page_read_shows_the_placeholder_in_its_sites_language(tmp_path, language):
    site = tmp_path / "sivusto"
    (site / "docs").mkdir(parents=True)
    (site / "mkdocs.yml").write_text(
        f"site_name: S\ntheme:\n  name: material\n  language: {language}\n", encoding="utf-8"
    )
    page = site / "docs" / "sivu.md"
    page.write_text("# Sivu\n\nTeksti.\n\n![Kaavio](http://10.0.0.1/kaavio.png)\n", "utf-8")
    course = open_course(site)
    lesson = load_lesson(page)
    figures = FigureSet(tmp_path / "out" / "images", frozenset(), tmp_path / "m", tmp_path / "c")
    _, found = read_page(lesson, course, figures)
    [shown] = found.images
    assert Path(shown).parent.parent == tmp_path / "c"
    assert Path(shown).name == "kaavio.svg"
    assert WORDS[language]["image_not_fetched"] in Path(shown).read_text(encoding="utf-8")
    [warning] = page_warnings(lesson, found)
    assert warning.startswith(f"{page}:5: image http://10.0.0.1/kaavio.png: 10.0.0.1 is 10.0.0.1")
    assert warning.endswith("; shown as a placeholder")


def test_a_page_fetches_within_its_time(tmp_path, server, monkeypatch):
    monkeypatch.setattr(remote_images, "PAGE_BUDGET_SECONDS", 0.0)
    images = fetcher(tmp_path, server)
    images.local_file(server.url("/kuva.png?eka"))  # the first starts the clock
    shown = images.local_file(server.url("/kuva.png?toka"))
    assert shown.parent.name.endswith("-unavailable")
    assert "the page's 0 s for fetching are spent" in images.failures[0]
    assert server.requests["/kuva.png?toka"] == 0


@pytest.mark.parametrize("path", ["/tippuva.png", "/tippuva-otsake.png"])
def test_a_server_sending_slowly_gets_no_more_than_the_pages_time(
    tmp_path, server, monkeypatch, path
):
    # A byte every quarter second keeps each read well within its timeout:
    # the page's deadline is what ends the fetch (its 15 s would fail the page).
    monkeypatch.setattr(remote_images, "PAGE_BUDGET_SECONDS", 1.0)
    images = fetcher(tmp_path, server)
    started = time.monotonic()
    shown = images.local_file(server.url(path))
    assert time.monotonic() - started < 1.0 + DRIP_SECONDS * 2
    assert shown.parent.name.endswith("-unavailable")
    assert images.failures == [f"{server.url(path)}: the page's 1 s for fetching are spent"]


def test_a_tls_handshake_sent_slowly_gets_no_more_than_the_pages_time(tmp_path, monkeypatch):
    monkeypatch.setattr(remote_images, "PAGE_BUDGET_SECONDS", 1.0)
    with dripping_tcp_server() as port:
        images = RemoteImages(tmp_path / "cache", frozenset({"127.0.0.1"}))
        started = time.monotonic()
        shown = images.local_file(f"https://127.0.0.1:{port}/kuva.png")
        assert time.monotonic() - started < 1.0 + DRIP_SECONDS * 2
    assert shown.parent.name.endswith("-unavailable")
    assert "the page's 1 s for fetching are spent" in images.failures[0]


@pytest.fixture(scope="module")
def authority():
    """A certificate authority of the tests' own, trusted by every TLS check these tests make."""
    certificate_authority = trustme.CA()
    with certificate_authority.cert_pem.tempfile() as bundle, pytest.MonkeyPatch.context() as patch:
        patch.setenv("SSL_CERT_FILE", bundle)  # OpenSSL's default trust: this CA's alone
        yield certificate_authority


def test_an_image_over_https_is_fetched_and_its_slow_reads_end_in_time(
    tmp_path, authority, monkeypatch
):
    monkeypatch.setattr(remote_images, "PAGE_BUDGET_SECONDS", 1.0)
    with image_server(authority.issue_cert("127.0.0.1")) as secure:
        images = fetcher(tmp_path, secure)
        assert images.local_file(secure.url("/kuva.png")).read_bytes() == PNG
        started = time.monotonic()
        shown = images.local_file(secure.url("/tippuva.png"))
        assert time.monotonic() - started < 1.0 + DRIP_SECONDS * 2
    assert shown.parent.name.endswith("-unavailable")
    assert images.failures == [
        f"{secure.url('/tippuva.png')}: the page's 1 s for fetching are spent"
    ]


def test_https_to_the_address_checked_still_checks_the_certificate_names_the_host(
    tmp_path, authority
):
    # The connection goes to the address looked up, not by the name again: the
    # certificate must still be the named host's.
    with image_server(authority.issue_cert("kuvat.example")) as secure:
        images = fetcher(tmp_path, secure)
        shown = images.local_file(secure.url("/kuva.png"))
    assert shown.parent.name.endswith("-unavailable")
    assert "CERTIFICATE_VERIFY_FAILED" in images.failures[0]
    assert "not valid for '127.0.0.1'" in images.failures[0]


def test_a_lookup_that_does_not_answer_gets_no_more_than_the_pages_time(tmp_path, monkeypatch):
    # A name server that never answers: the system's lookup has no timeout of its own.
    def unanswered(*arguments, **keywords):
        time.sleep(5)
        raise socket.gaierror("no answer")

    monkeypatch.setattr(remote_images, "PAGE_BUDGET_SECONDS", 1.0)
    monkeypatch.setattr(socket, "getaddrinfo", unanswered)
    images = RemoteImages(tmp_path / "cache")
    started = time.monotonic()
    shown = images.local_file("https://kuvat.example/kuva.png")
    assert time.monotonic() - started < 1.5
    assert shown.parent.name.endswith("-unavailable")
    assert images.failures == [
        "https://kuvat.example/kuva.png: the page's 1 s for fetching are spent"
    ]
