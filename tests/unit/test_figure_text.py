"""Text sizes: measured on the figure, recorded in its SVG, readable on a slide."""

from __future__ import annotations

import functools
import json
import os
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from coursebuild import figure_files
from coursebuild.core.errors import BuildError
from coursebuild.core.state import BuildState
from coursebuild.figure_cache import CACHE_ENV
from coursebuild.figure_files import FigureSVGs, figure_to_svg, render_figure, render_figures
from figures.catalogue import FIGURES, FigureSpec, slide_figure_names
from figures.text_size import (
    MIN_SLIDE_TEXT_PX,
    SVG_ATTRIBUTE,
    format_pt,
    slide_text_px,
    smallest_text_pt,
    with_min_text_attribute,
)

BUILDUP = next(spec for spec in FIGURES if spec.name == "100_ShallowBuildUp")
SVG = "{http://www.w3.org/2000/svg}"
# Two figures that draw in well under a second.
SMALL_FIGURES = ("100_ShallowReLU", "100_ShallowApproximate")


def hand_made_figure() -> Figure:
    """Texts of known sizes; the smallest shown are the 9.5 pt tick labels."""
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.set_title("Otsikko", fontsize=20)
    ax.set_xlabel("$x$", fontsize=16)
    ax.text(0.5, 0.5, r"$\theta_{10}$", fontsize=12)
    ax.tick_params(labelsize=9.5)
    # Not shown, so not counted: hidden, blank, or in a hidden axes.
    ax.text(0.1, 0.1, "piilossa", fontsize=5, visible=False)
    fig.text(0.0, 0.0, "   ", fontsize=4)
    hidden_axes = fig.add_axes((0.0, 0.0, 0.1, 0.1), visible=False)
    hidden_axes.text(0.0, 0.0, "pieni", fontsize=3)
    return fig


def test_smallest_text_counts_tick_labels_which_exist_only_once_drawn():
    assert smallest_text_pt(hand_made_figure()) == 9.5


def test_smallest_text_without_tick_labels_is_the_next_smallest_text():
    fig = hand_made_figure()
    fig.axes[0].tick_params(labelbottom=False, labelleft=False)
    assert smallest_text_pt(fig) == 12.0


def test_a_figure_without_text_is_refused():
    fig = Figure()
    fig.add_subplot().set_axis_off()
    with pytest.raises(ValueError, match="no visible text"):
        smallest_text_pt(fig)


@pytest.mark.parametrize(
    ("size", "text"), [(12.5, "12.5"), (13.0, "13"), (10.0 + 1 / 3, "10.33"), (9.999, "10")]
)
def test_sizes_are_written_with_at_most_two_decimals(size, text):
    assert format_pt(size) == text


def test_the_attribute_goes_into_the_root_start_tag_only():
    svg = b'<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="10pt"><g><svg x="1"/></g></svg>'
    marked = with_min_text_attribute(svg, 12.5)
    assert marked.count(b"data-min-text-pt") == 1
    assert ElementTree.fromstring(marked).attrib == {"data-min-text-pt": "12.5", "width": "10pt"}


@pytest.mark.parametrize(
    ("min_pt", "width_pt", "height_pt", "px"),
    [
        # 864 × 345 pt is 1152 × 460 px: the box itself, scale 1, so 18 pt is 24 px.
        (18.0, 864.0, 345.0, 24.0),
        # Twice as wide as the box: halved.
        (18.0, 1728.0, 345.0, 12.0),
        # Twice as tall: the height decides.
        (18.0, 864.0, 690.0, 12.0),
        # Half the box: scaled up twice.
        (9.0, 432.0, 172.5, 24.0),
    ],
)
def test_text_on_the_slide_scales_with_the_fit_into_the_box(min_pt, width_pt, height_pt, px):
    assert slide_text_px(min_pt, width_pt, height_pt) == pytest.approx(px)


def test_saved_svg_records_the_smallest_text_and_stays_byte_identical():
    first = figure_to_svg(hand_made_figure(), "Otsikko")
    assert first == figure_to_svg(hand_made_figure(), "Otsikko")
    root = ElementTree.fromstring(first)
    assert root.attrib[SVG_ATTRIBUTE] == "9.5"
    assert root.attrib["width"] == "288pt"


# -- every course figure on a slide -------------------------------------------


@functools.cache
def rendered(name: str, lang: str) -> FigureSVGs:
    """The figure's SVGs as the stage makes them, drawn once for this module's tests."""
    return render_figure(next(spec for spec in FIGURES if spec.name == name), lang)


def svg_slide_px(svg: bytes) -> float:
    """The smallest text's px on a slide, from the SVG's own attributes."""
    root = ElementTree.fromstring(svg)
    width, height = (float(root.attrib[key].removesuffix("pt")) for key in ("width", "height"))
    return slide_text_px(float(root.attrib[SVG_ATTRIBUTE]), width, height)


@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("spec", FIGURES, ids=lambda spec: spec.name)
def test_every_figure_is_readable_on_a_slide(spec, lang):
    """The layout the slides show must give every text at least 18 px.

    A figure whose handout layout is too dense for a slide (the build-up
    figure, ten panels a–j) is exempt only if it has slide figures: the slides
    show those instead, and each of them must pass.
    """
    svgs = rendered(spec.name, lang)
    handout_px = svg_slide_px(svgs.handout)
    if handout_px >= MIN_SLIDE_TEXT_PX:
        return
    assert spec.slide_steps > 0, (
        f"{spec.name}: smallest text {handout_px:.1f} px on a slide, "
        f"below {MIN_SLIDE_TEXT_PX} px, and no slide figures to show instead"
    )
    assert len(svgs.slides) == spec.slide_steps
    for name, svg in zip(slide_figure_names(spec), svgs.slides, strict=True):
        px = svg_slide_px(svg)
        assert px >= MIN_SLIDE_TEXT_PX, f"{name}: smallest text {px:.1f} px on a slide"


def test_only_the_buildup_figure_needs_its_slide_figures():
    """The exemption is used where meant, and nowhere else."""
    needing = [
        spec.name
        for spec in FIGURES
        if svg_slide_px(rendered(spec.name, "fi").handout) < MIN_SLIDE_TEXT_PX
    ]
    assert needing == [BUILDUP.name]


# -- the figures stage --------------------------------------------------------


def svg_title(path) -> str:
    return ElementTree.parse(path).getroot().find(f"{SVG}title").text


@pytest.fixture(scope="module")
def buildup_build(tmp_path_factory):
    """One Finnish build of the build-up figure, with its state saved."""
    out = tmp_path_factory.mktemp("figures")
    state = BuildState.load(out)
    built = render_figures(out, "fi", state, specs=(BUILDUP,))
    state.save()
    return out, built


def test_stage_writes_the_slide_figures_beside_the_handout_figure(buildup_build):
    out, (built,) = buildup_build
    names = sorted(path.name for path in (out / "images").iterdir())
    assert names == sorted(f"{name}.svg" for name in (BUILDUP.name, *slide_figure_names(BUILDUP)))
    assert built.path == out / "images" / f"{BUILDUP.name}.svg"
    assert [path.name for path in built.slide_paths] == [
        f"{BUILDUP.name}-slide-{k}.svg" for k in (1, 2, 3, 4)
    ]
    assert built.size == built.path.stat().st_size
    assert not built.skipped
    for k, path in enumerate(built.slide_paths, start=1):
        assert svg_title(path) == f"{BUILDUP.titles['fi']} ({k}/4)"
    for path in (built.path, *built.slide_paths):
        assert SVG_ATTRIBUTE in ElementTree.parse(path).getroot().attrib


def test_stage_records_all_of_a_figures_files_under_one_key(buildup_build):
    out, _ = buildup_build
    entries = json.loads((out / ".build-state.json").read_text(encoding="utf-8"))["entries"]
    assert list(entries) == [f"figure:{BUILDUP.name}"]
    outputs = entries[f"figure:{BUILDUP.name}"]["outputs"]
    assert sorted(outputs) == sorted(
        f"images/{name}.svg" for name in (BUILDUP.name, *slide_figure_names(BUILDUP))
    )


def test_a_missing_slide_figure_redraws_the_whole_figure(buildup_build):
    out, _ = buildup_build
    (fresh,) = render_figures(out, "fi", BuildState.load(out), specs=(BUILDUP,))
    assert fresh.skipped
    fresh.slide_paths[2].unlink()
    (rebuilt,) = render_figures(out, "fi", BuildState.load(out), specs=(BUILDUP,))
    assert not rebuilt.skipped
    assert all(path.is_file() for path in rebuilt.slide_paths)


def test_a_failing_figure_writes_nothing(tmp_path):
    # Drawn fine, but one slide figure more than its spec promises.
    wrong = FigureSpec("broken", BUILDUP.module, BUILDUP.titles, slide_steps=3)
    message = r"figure broken failed: .*expected 3 slide figures, got 4"
    with pytest.raises(BuildError, match=message):
        render_figures(tmp_path, "fi", specs=(BUILDUP, wrong))
    assert not (tmp_path / "images").exists()


def drawing_pids(record: Path, draw):
    """draw_figures, writing the id of the process that draws each figure to ``record``."""

    def draw_recording(spec: FigureSpec, lang: str):
        with record.open("a", encoding="utf-8") as stream:
            stream.write(f"{os.getpid()}\n")
        time.sleep(0.3)  # the other process takes the other figure meanwhile
        return draw(spec, lang)

    return draw_recording


def test_figures_drawn_side_by_side_are_the_bytes_drawn_one_after_another(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "off")  # drawn both times, not read from the cache
    specs = tuple(spec for spec in FIGURES if spec.name in SMALL_FIGURES)
    record = tmp_path / "pids"
    # The children are forked: they draw with the patched function.
    monkeypatch.setattr(
        figure_files, "draw_figures", drawing_pids(record, figure_files.draw_figures)
    )
    render_figures(tmp_path / "one", "fi", specs=specs, processes=1)
    one = record.read_text().split()
    record.unlink()
    render_figures(tmp_path / "two", "fi", specs=specs, processes=2)
    two = record.read_text().split()
    assert len(set(one)) == 1 and len(set(two)) == 2
    files = sorted(path.name for path in (tmp_path / "one" / "images").iterdir())
    assert len(files) == len(specs)
    for name in files:
        drawn = (tmp_path / "two" / "images" / name).read_bytes()
        assert drawn == (tmp_path / "one" / "images" / name).read_bytes(), name
