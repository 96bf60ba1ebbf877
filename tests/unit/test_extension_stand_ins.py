"""Extensions read through others that read the same: extra, codehilite, mdx_math."""

from __future__ import annotations

from coursebuild.reading.html_bridge import PageContext
from coursebuild.reading.markdown_reader import page_to_html, usable_extensions


def test_extra_is_its_parts_and_codehilite_is_highlight():
    chosen, unknown = usable_extensions(
        [("markdown.extensions.extra", {}), ("codehilite", {"linenums": True}), ("tables", {})]
    )
    names = [name for name, _ in chosen]
    assert names == [
        "abbr", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html",
        "pymdownx.highlight", "tables",  # listed on its own: in its own place
    ]  # fmt: skip
    assert dict(chosen)["pymdownx.highlight"] == {"linenums": True}
    assert unknown == []


def test_mdx_math_reads_dollars_only_when_the_site_enables_them(tmp_path):
    def html(config: dict) -> str:
        chosen, unknown = usable_extensions([("mdx_math", config)])
        assert unknown == []
        context = PageContext(resolve_image=str, emoji_dir=None)
        return page_to_html("Nopeus $v$ ja \\(a\\).\n", chosen, tmp_path, context)

    assert html({"enable_dollar_delimiter": True}).count('class="math inline"') == 2
    assert html({}).count('class="math inline"') == 1


def test_a_site_listing_arithmatex_too_keeps_its_own():
    chosen, _ = usable_extensions([("mdx_math", {}), ("pymdownx.arithmatex", {"generic": True})])
    assert [name for name, _ in chosen] == ["pymdownx.arithmatex"]


def test_an_unknown_extension_is_named():
    assert usable_extensions([("markdown_katex", {})]) == ([], ["markdown_katex"])
