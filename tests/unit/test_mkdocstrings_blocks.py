"""mkdocstrings' ``::: name`` blocks: a box with the name, never an import of the site's code."""

from __future__ import annotations

from coursebuild.reading.mkdocstrings_blocks import api_blocks_as_names


def test_a_block_is_a_titled_box_and_its_options_go_with_it():
    text = (
        'Teksti.\n\n=== "Koodi"\n\n    ::: odak.learn.raytracing.create_ray\n'
        "        options:\n          show_source: false\n\nLoppu.\n"
        "```\n::: ei.tama\n```\n"
    )
    shown, found = api_blocks_as_names(text, first_line=3)
    assert shown.split("\n") == [
        "Teksti.", "", '=== "Koodi"', "",
        '    !!! note "`odak.learn.raytracing.create_ray`"', "", "", "", "Loppu.",
        "```", "::: ei.tama", "```", "",
    ]  # fmt: skip
    assert found == [(7, "odak.learn.raytracing.create_ray")]
