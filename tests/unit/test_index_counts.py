"""The index counts a lesson's deck and PDFs once while the file is unchanged (FileCounts)."""

from __future__ import annotations

import pytest

from coursebuild.core.state import file_signature
from coursebuild.course_index import FileCounts


def refuse(path):
    raise AssertionError(f"{path} was read again")


def test_an_unchanged_file_is_not_read_again(tmp_path):
    deck = tmp_path / "a.html"
    deck.write_text("<section></section>", encoding="utf-8")
    first = FileCounts()
    assert first.of(deck, lambda path: 12) == 12
    assert first.now == {"a.html": [file_signature(deck), 12]}
    again = FileCounts(first.now)
    assert again.of(deck, refuse) == 12
    assert again.now == first.now  # remembered for the next index too


def test_a_file_written_again_is_counted_again(tmp_path):
    deck = tmp_path / "a.html"
    deck.write_text("<section></section>", encoding="utf-8")
    known = FileCounts()
    known.of(deck, lambda path: 12)
    replacement = tmp_path / "uusi.html"
    replacement.write_text("<section></section><section></section>", encoding="utf-8")
    replacement.replace(deck)  # as the build writes: a new file in its place
    assert FileCounts(known.now).of(deck, lambda path: 13) == 13


@pytest.mark.parametrize(
    "remembered",
    [None, "12", [None, 12], ["signature", 12], [0, "12"], [0, True], [0, 12, 1]],
    ids=["none", "text", "no-signature", "bad-signature", "count-text", "count-bool", "long"],
)
def test_a_remembered_count_not_in_its_shape_is_not_used(tmp_path, remembered):
    deck = tmp_path / "a.html"
    deck.write_text("<section></section>", encoding="utf-8")
    if isinstance(remembered, list) and remembered and remembered[0] == 0:
        remembered = [file_signature(deck), *remembered[1:]]
    assert FileCounts({"a.html": remembered}).of(deck, lambda path: 7) == 7


def test_a_missing_file_is_counted_as_its_reader_says_and_not_remembered(tmp_path):
    counts = FileCounts()
    assert counts.of(tmp_path / "puuttuu.pdf", lambda path: None) is None
    assert counts.now == {}
