"""A mermaid diagram's text is read from the back row: 16 px on its slide, or a warning.

The diagram's SVG records its smallest text (mermaid's own labels are 16 px at
the drawing's natural size) and the 16 px it must reach on a slide. The
layout pass gives the diagram the room that takes: with text after it, the
diagram may take the slide and the text continue; a drawing too wide even
alone is named in a warning, and --check leaves it to that warning.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursebuild.browser.chromium import inspect_deck, open_browser
from tests.support.course_factory import MERMAID_FENCE, make_site, mkdocs_yml, run_build
from tests.support.deck_slides import slides

TALL = "graph TD\n" + "".join(
    f"    V{n}[Vaihe {n}] --> V{n + 1}[Vaihe {n + 1}]\n" for n in range(4)
)
WIDE = "graph LR\n" + "".join(
    f"    S{n}[Pitkä vaiheen nimi {n}] --> S{n + 1}[Pitkä vaiheen nimi {n + 1}]\n"
    for n in range(14)
)
POINTS = "".join(f"- Kohta {n}, joka selittää kaaviota\n" for n in range(1, 6))
PAGE = f"""# Kaaviot

## Osio

### Pitkä kaavio

```mermaid
{TALL}```

{POINTS}
### Leveä kaavio

```mermaid
{WIDE}```
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("diagram-text")
    config = mkdocs_yml("attr_list", MERMAID_FENCE)
    make_site(root, {"mkdocs.yml": config, "docs/kaaviot.md": PAGE})
    result = run_build(root, "--out", str(root / "out"))
    assert result.returncode == 0, result.stderr
    return root / "out" / "kaaviot.html", result.stderr


@pytest.fixture(scope="module")
def report(built):
    with open_browser() as browser:
        return inspect_deck(browser, built[0])


def test_each_diagram_records_its_smallest_text_and_the_size_it_must_reach(built):
    deck = built[0].read_text(encoding="utf-8")
    found = re.findall(r'<img[^>]*class="mermaid"[^>]*>', deck)
    assert len(found) == 2
    for tag in found:
        # mermaid's labels: 16 px at the drawing's size, 12 pt.
        assert 'data-min-text-pt="12"' in tag and 'data-text-goal-px="16"' in tag, tag


def test_a_tall_diagram_keeps_its_text_size_and_what_follows_continues(built, report):
    run = [s for s in slides(built[0]) if s.title.startswith("Pitkä kaavio")]
    assert len(run) == 2 and "<img" in run[0].shown and "<img" not in run[1].shown
    points = [point for slide in run for point in slide.points]
    assert points == [f"Kohta {n}, joka selittää kaaviota" for n in range(1, 6)]
    (drawn,) = [f for s in report.slides for f in s.figure_text if s.title == "Pitkä kaavio"]
    assert drawn["px"] >= 16


def test_a_diagram_too_wide_to_reach_16_px_is_named_in_a_warning_not_a_check_failure(built, report):
    (drawn,) = [f for s in report.slides for f in s.figure_text if s.title == "Leveä kaavio"]
    assert drawn["px"] < 16 and drawn["largest"]
    warning = re.search(
        r"kaaviot\.md: slide 'Leveä kaavio': (.*)'s text is drawn at ([\d.]+) px", built[1]
    )
    assert warning, built[1]
    assert float(warning.group(2)) == pytest.approx(drawn["px"], abs=0.2)
    assert [p for s in report.slides for p in s.problems()] == []
