"""Where the figure cache lives, and what it refuses to return."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coursebuild.figure_cache import CACHE_ENV, cache_folder, cached_svgs, store_svgs


@pytest.mark.parametrize(
    "environment, expected",
    [
        ({CACHE_ENV: "/srv/c"}, Path("/srv/c/figures")),
        ({CACHE_ENV: "off"}, None),
        ({CACHE_ENV: ""}, None),
        ({"XDG_CACHE_HOME": "/x"}, Path("/x/coursebuild/figures")),
        ({"HOME": "/home/opettaja"}, Path("/home/opettaja/.cache/coursebuild/figures")),
    ],
)
def test_the_cache_folder(monkeypatch, environment, expected):
    for name in (CACHE_ENV, "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert cache_folder() == expected


def test_an_entry_is_returned_only_for_its_name_key_and_count(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    svgs = [b"<svg>1</svg>", "<svg>ä</svg>".encode()]
    store_svgs("kuva", "abc", svgs)
    assert cached_svgs("kuva", "abc", 2) == svgs
    assert cached_svgs("kuva", "abd", 2) is None  # other inputs
    assert cached_svgs("toinen", "abc", 2) is None
    assert cached_svgs("kuva", "abc", 3) is None  # a slide step more than cached


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"svgs": [1], "sha256": "x"}', b"\xff"])
def test_an_entry_that_is_not_ours_is_none(monkeypatch, tmp_path, content):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    store_svgs("kuva", "abc", [b"<svg/>"])
    (tmp_path / "figures" / "kuva-abc.json").write_bytes(content)
    assert cached_svgs("kuva", "abc", 1) is None


def test_an_entry_over_the_size_limit_is_not_read(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr("coursebuild.figure_cache.MAX_ENTRY_BYTES", 10)
    store_svgs("kuva", "abc", [b"<svg>pitka</svg>"])
    assert cached_svgs("kuva", "abc", 1) is None


def test_playwrights_driver_is_kept_compiled_in_the_builds_cache(monkeypatch, tmp_path):
    from coursebuild.browser.chromium import cache_driver_code

    monkeypatch.delenv("NODE_COMPILE_CACHE", raising=False)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    cache_driver_code()
    assert os.environ["NODE_COMPILE_CACHE"] == str(tmp_path / "node")
    monkeypatch.delenv("NODE_COMPILE_CACHE")
    monkeypatch.setenv(CACHE_ENV, "off")
    cache_driver_code()
    assert "NODE_COMPILE_CACHE" not in os.environ
