"""Which Chromium a build uses: CHROMIUM, else the headless shell, else the full browser."""

from __future__ import annotations

import pytest

from coursebuild.browser import chromium
from coursebuild.core.errors import BuildError


def launcher(folder, name: str, text: str = "#!/bin/sh\n"):
    path = folder / name
    path.write_text(text)
    return path


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """The default places in tmp_path, nothing installed yet, CHROMIUM unset."""
    shell, full = tmp_path / "chromium-headless-shell", tmp_path / "chromium"
    monkeypatch.setattr(chromium, "DEFAULT_CHROMIUMS", (str(shell), str(full)))
    monkeypatch.delenv("CHROMIUM", raising=False)
    return tmp_path


def test_the_headless_shell_comes_first(installed):
    launcher(installed, "chromium")
    shell = launcher(installed, "chromium-headless-shell")
    assert chromium.chromium_path() == str(shell)


def test_the_full_chromium_when_the_shell_is_missing(installed):
    full = launcher(installed, "chromium")
    assert chromium.chromium_path() == str(full)


def test_chromium_names_another(installed, monkeypatch):
    launcher(installed, "chromium-headless-shell")
    other = launcher(installed, "mine")
    monkeypatch.setenv("CHROMIUM", str(other))
    assert chromium.chromium_path() == str(other)


def test_none_installed_names_both_places(installed):
    with pytest.raises(BuildError) as error:
        chromium.chromium_path()
    message = str(error.value)
    assert str(installed / "chromium-headless-shell") in message
    assert str(installed / "chromium") + ";" in message
    assert "make" in message


def test_a_chromium_named_but_missing_is_not_replaced(installed, monkeypatch):
    launcher(installed, "chromium-headless-shell")
    monkeypatch.setenv("CHROMIUM", str(installed / "gone"))
    with pytest.raises(BuildError, match="gone"):
        chromium.chromium_path()


def test_the_signature_follows_the_chromium_used(installed):
    full = launcher(installed, "chromium", "#!/bin/sh\nexec full\n")
    only_full = chromium.chromium_signature()
    assert only_full == f"{full.stat().st_size}:{full.stat().st_mtime_ns}"
    launcher(installed, "chromium-headless-shell", "#!/bin/sh\nexec the shell\n")
    # The shell installed beside it: the decks are laid out again, by the shell.
    assert chromium.chromium_signature() != only_full
