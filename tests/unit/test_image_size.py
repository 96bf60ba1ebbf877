"""Natural image sizes read from file headers, as a browser gives them (CSS px)."""

from __future__ import annotations

import struct
import zlib

import pytest

from coursebuild.deck.image_size import natural_size


def png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


@pytest.mark.parametrize(
    ("name", "content", "size"),
    [
        # matplotlib writes pt: 648 pt is 864 CSS px (1 pt = 4/3 px).
        ("a.svg", b'<svg width="648pt" height="259.2pt" viewBox="0 0 648 259.2">', (864.0, 345.6)),
        (
            "b.svg",
            b'<?xml version="1.0"?>\n<svg xmlns="x" width="936" height="76.6">',
            (936.0, 76.6),
        ),
        ("c.svg", b'<svg viewBox="0 0 36 36" xmlns="x">', (36.0, 36.0)),  # Twemoji: no size
        ("d.svg", b'<svg width="2in" viewBox="0 0 100 50">', (192.0, 96.0)),  # one side scales
        ("e.png", png(799, 533), (799.0, 533.0)),
        ("f.gif", b"GIF89a" + struct.pack("<HH", 31, 7), (31.0, 7.0)),
    ],
)
def test_natural_size(tmp_path, name, content, size):
    path = tmp_path / name
    path.write_bytes(content)
    assert natural_size(path) == pytest.approx(size)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("g.svg", b'<svg width="100%" height="100%">'),  # no absolute size
        ("h.jpg", b"\xff\xd8\xff\xe0"),  # JPEG: the browser rotates by EXIF; it is loaded
        ("i.webp", b"RIFF...."),
    ],
)
def test_sizes_not_read_are_none(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert natural_size(path) is None
    assert natural_size(tmp_path / "missing.png") is None
