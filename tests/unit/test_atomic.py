"""Outputs are replaced whole or not at all."""

from __future__ import annotations

import os

import pytest

from coursebuild.core.atomic import write_atomic
from coursebuild.core.errors import BuildError


def test_write_creates_folders_and_file(tmp_path):
    target = tmp_path / "images" / "a.svg"
    write_atomic(target, b"<svg/>")
    assert target.read_bytes() == b"<svg/>"


def test_failed_rename_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "a.svg"
    target.write_bytes(b"old")

    def failing_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(BuildError, match="disk full"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.svg"]
