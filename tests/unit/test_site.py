"""An MkDocs site as a course: mkdocs.yml settings, and pages in the order the nav shows them."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from coursebuild.core.errors import BuildError
from coursebuild.reading.mkdocs_config import copyright_holder, find_site, load_site
from coursebuild.reading.navigation import SitePage, front_matter_priority
from coursebuild.reading.site_yaml import PythonTag

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

MKDOCS_YML = """\
site_name: Testisivusto
theme:
  name: material
  language: fi
plugins:
  - awesome-nav
"""

# Derived by hand from docs/.nav.yml, the chapter folders' .nav.yml files and the pages'
# `priority:` values; a folder without .nav.yml lists its pages by priority.
SYVAOPPIMINEN_ORDER = [
    ("index.md", None),
    ("neuroverkot/neuroverkot_101.md", "1. Neuroverkot"),  # 100
    ("neuroverkot/syvaoppiminen_FC.md", "1. Neuroverkot"),  # 110
    ("tensorit/vektorointi.md", "2. Tensorit"),  # .nav.yml
    ("tensorit/pytorch.md", "2. Tensorit"),
    ("vastavirta/backpropagation.md", "3. Vastavirta"),
    ("mallinnus/yleiskatsaus.md", "4. Mallinnus"),  # .nav.yml
    ("mallinnus/datanlataus.md", "4. Mallinnus"),
    ("mallinnus/kaytannot.md", "4. Mallinnus"),
    ("konvoluutio/cnn.md", "5. Konvoluutio"),
    ("siirtovaikutus/pretrained.md", "6. Siirtovaikutus"),  # 600
    ("siirtovaikutus/transferlearning.md", "6. Siirtovaikutus"),  # 610
    ("kieli/nlp.md", "7. Kieli"),  # 700
    ("kieli/rnn.md", "7. Kieli"),  # 710
    ("kieli/transformers.md", "7. Kieli"),  # no priority: after those with one
    ("aikasarjat/aikasarjat.md", "8. Aikasarjat"),
    ("exercises.md", None),  # the root's "*"; images/ and javascripts/ hold no pages
]

ML_PERUSTEET_ORDER = [
    ("index.md", None),
    ("1_koneoppiminen/yleista.md", "1. Koneoppiminen"),
    ("1_koneoppiminen/miksi.md", "1. Koneoppiminen"),
    ("1_koneoppiminen/tyypit.md", "1. Koneoppiminen"),
    ("1_koneoppiminen/datasetti.md", "1. Koneoppiminen"),
    ("1_koneoppiminen/tyonkulku.md", "1. Koneoppiminen"),  # the "*"
    ("2_naivebayes/enkoodaus.md", "2. Naive Bayes"),  # no .nav.yml: 200
    ("2_naivebayes/intuitio.md", "2. Naive Bayes"),  # 210
    ("2_naivebayes/naive.md", "2. Naive Bayes"),  # 220
    ("3_puut/suorituskyky.md", "3. Puut ja Metsät"),
    ("3_puut/entropia.md", "3. Puut ja Metsät"),
    ("3_puut/puu.md", "3. Puut ja Metsät"),
    ("3_puut/metsa.md", "3. Puut ja Metsät"),
    ("4_knn/skaalaus.md", "4. k-NN"),
    ("4_knn/dimensio.md", "4. k-NN"),
    ("4_knn/knn.md", "4. k-NN"),
    ("5_klusterointi/sykliset.md", "5. Klusterointi"),
    ("5_klusterointi/kMeans.md", "5. Klusterointi"),
    ("6_linear/normal_equation.md", "6. Lineaarinen regressio"),
    ("6_linear/regressiomallinsuorituskyky.md", "6. Lineaarinen regressio"),
    ("6_linear/hill_climbing.md", "6. Lineaarinen regressio"),
    ("6_linear/gradient_descent.md", "6. Lineaarinen regressio"),
    ("7_luokittelu/jakauma.md", "7. Lineaarinen luokittelu"),  # 700
    ("7_luokittelu/logistic.md", "7. Lineaarinen luokittelu"),  # 710
    ("8_aikasarjat/aikasarjat.md", "8. Aikasarjat"),
    ("exercises.md", None),
]


def corpus_site(name: str) -> Path:
    root = CORPUS / name
    # A missing corpus must fail the run, not skip it: these are the real sites.
    assert (root / "mkdocs.yml").is_file(), f"corpus site missing: {root}"
    return root


def make_site(root: Path, files: dict[str, str]) -> Path:
    """Write mkdocs.yml (unless given) and ``files`` (relative path -> text) under ``root``."""
    for name, text in {"mkdocs.yml": MKDOCS_YML, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def page(priority: int | None = None, title: str = "Sivu") -> str:
    front = "" if priority is None else f"---\npriority: {priority}\n---\n\n"
    return f"{front}# {title}\n"


def order(site) -> list[tuple[str, str | None]]:
    return [(p.path.relative_to(site.docs_dir).as_posix(), p.chapter) for p in site.pages]


def load_error(root: Path) -> BuildError:
    with pytest.raises(BuildError) as caught:
        load_site(root)
    return caught.value


@pytest.mark.parametrize(
    ("name", "expected"),
    [("syvaoppiminen", SYVAOPPIMINEN_ORDER), ("ml-perusteet", ML_PERUSTEET_ORDER)],
)
def test_corpus_pages_come_in_nav_order_with_chapters(name, expected):
    site = load_site(corpus_site(name))
    assert order(site) == expected
    assert all(p.path.is_absolute() and p.path.is_file() for p in site.pages)


def test_corpus_site_settings():
    site = load_site(corpus_site("syvaoppiminen"))
    assert site.root == corpus_site("syvaoppiminen").resolve()
    assert site.config_path == site.root / "mkdocs.yml"
    assert site.docs_dir == site.root / "docs"
    assert (site.title, site.language) == ("Syväoppiminen I", "fi")
    assert site.licence == (
        "Copyright © 2026 Kajaanin Ammattikorkeakoulu Oy. Licenced under BY-NC-SA 4.0"
    )
    assert site.author == "Kajaanin Ammattikorkeakoulu Oy"
    assert load_site(corpus_site("ml-perusteet")).title == "Johdatus Koneoppimiseen"


def test_corpus_extensions_merge_the_repeated_superfences_at_its_first_place():
    extensions = load_site(corpus_site("syvaoppiminen")).markdown_extensions
    names = [name for name, _ in extensions]
    assert names[:5] == [
        "pymdownx.highlight",
        "pymdownx.inlinehilite",
        "pymdownx.snippets",
        "pymdownx.superfences",
        "attr_list",
    ]
    assert names[-1] == "pymdownx.arithmatex"
    assert len(names) == len(set(names)) == 14
    configs = dict(extensions)
    fence = configs["pymdownx.superfences"]["custom_fences"][0]
    assert fence["format"] == "python/name:pymdownx.superfences.fence_code_format"
    assert isinstance(fence["format"], PythonTag)
    assert configs["pymdownx.emoji"]["emoji_index"] == (
        "python/name:material.extensions.emoji.twemoji"
    )
    assert configs["pymdownx.arithmatex"] == {"generic": True}
    assert configs["admonition"] == {}


@pytest.mark.parametrize("name", ["syvaoppiminen", "ml-perusteet"])
def test_corpus_site_loads_fast(name):
    root = corpus_site(name)
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        load_site(root)
        timings.append(time.perf_counter() - start)
    # It runs on every build, and a build with nothing to do has ~0.1 s in all.
    assert min(timings) < 0.03


def test_find_site_from_a_page_a_folder_and_outside(tmp_path):
    root = make_site(tmp_path / "site", {"docs/luku/a.md": page()})
    assert find_site(root / "docs" / "luku" / "a.md") == root.resolve()
    assert find_site(root / "docs" / "luku") == root.resolve()
    assert find_site(root) == root.resolve()
    (tmp_path / "muu").mkdir()
    assert find_site(tmp_path / "muu") is None


def test_glob_takes_the_rest_by_priority_then_name_then_folders(tmp_path):
    root = make_site(
        tmp_path,
        {
            "docs/.nav.yml": 'nav:\n  - b.md\n  - "*"\n',
            "docs/a.md": page(20),
            "docs/b.md": page(),
            "docs/c.md": page(10),
            "docs/d.md": page(),
            "docs/index.md": page(),
            "docs/page10.md": page(),
            "docs/page9.md": page(),
            "docs/alaluku/x.md": page(),
            "docs/luku-yksi/y.md": page(),
        },
    )
    assert order(load_site(root)) == [
        ("b.md", None),
        ("c.md", None),  # priority 10
        ("a.md", None),  # priority 20
        ("d.md", None),  # no priority: by name, numbers by value
        ("index.md", None),
        ("page9.md", None),
        ("page10.md", None),
        ("alaluku/x.md", "Alaluku"),  # folders after pages, titled from their names
        ("luku-yksi/y.md", "Luku yksi"),
    ]


def test_glob_leaves_out_pages_the_nav_lists_after_it(tmp_path):
    root = make_site(
        tmp_path,
        {
            "docs/.nav.yml": 'nav:\n  - "*"\n  - Lopuksi: loppu.md\n',
            "docs/a.md": page(),
            "docs/loppu.md": page(1),
        },
    )
    assert order(load_site(root)) == [("a.md", None), ("loppu.md", None)]


def test_site_without_nav_files_puts_index_first_then_priorities(tmp_path):
    root = make_site(
        tmp_path,
        {
            "docs/index.md": page(),
            "docs/aaa.md": page(),
            "docs/zzz.md": page(5),
            "docs/02_perusteet/b.md": page(200),
            "docs/02_perusteet/a.md": page(210),
            "docs/01_johdanto/index.md": page(),
            "docs/01_johdanto/z.md": page(100),
            "docs/images/kuva.png": "",
            "docs/javascripts/mathjax.js": "",
            "docs/notes.txt": "",
        },
    )
    assert order(load_site(root)) == [
        ("index.md", None),
        ("zzz.md", None),
        ("aaa.md", None),
        ("01_johdanto/index.md", "01 johdanto"),
        ("01_johdanto/z.md", "01 johdanto"),
        ("02_perusteet/b.md", "02 perusteet"),
        ("02_perusteet/a.md", "02 perusteet"),
    ]


def test_chapter_is_the_top_level_section_for_nested_folders(tmp_path):
    root = make_site(
        tmp_path,
        {
            "docs/.nav.yml": "nav:\n  - Ensimmäinen: luku1\n  - Liitteet:\n    - liite.md\n",
            "docs/luku1/.nav.yml": "nav:\n  - osa\n  - a.md\n",
            "docs/luku1/a.md": page(),
            "docs/luku1/osa/b.md": page(),
            "docs/liite.md": page(),
            "docs/piilossa.md": page(),  # not in the nav, and no "*" to take it
        },
    )
    assert order(load_site(root)) == [
        ("luku1/osa/b.md", "Ensimmäinen"),
        ("luku1/a.md", "Ensimmäinen"),
        ("liite.md", "Liitteet"),
        ("piilossa.md", None),  # MkDocs builds it too: after the nav's pages, in no chapter
    ]


def test_nav_options_title_hide_and_flatten(tmp_path):
    root = make_site(
        tmp_path,
        {
            "docs/.nav.yml": "flatten_single_child_sections: true\n",
            "docs/kaksi/.nav.yml": "title: Kaksi sivua\n",
            "docs/kaksi/a.md": page(),
            "docs/kaksi/b.md": page(),
            "docs/yksi/c.md": page(),
            "docs/salainen/.nav.yml": "hide: true\n",
            "docs/salainen/d.md": page(),
        },
    )
    assert order(load_site(root)) == [
        # A one-page section is flattened into its page, which sorts among pages: first.
        ("yksi/c.md", None),
        ("kaksi/a.md", "Kaksi sivua"),
        ("kaksi/b.md", "Kaksi sivua"),
        ("salainen/d.md", None),  # hidden from the nav, still a page of the site
    ]


def test_nav_entry_naming_a_missing_file_is_an_error_on_its_line(tmp_path):
    root = make_site(
        tmp_path,
        {
            "docs/luku/.nav.yml": "nav:\n  - a.md\n  # poistettu\n  - puuttuu.md\n",
            "docs/luku/a.md": page(),
        },
    )
    error = load_error(root)
    assert error.path == tmp_path / "docs" / "luku" / ".nav.yml"
    assert error.line == 4
    assert "puuttuu.md" in error.message and "does not exist" in error.message


def test_titled_nav_entry_naming_a_missing_folder_is_an_error(tmp_path):
    root = make_site(tmp_path, {"docs/.nav.yml": 'nav:\n  - "1. Luku": lukuu\n'})
    error = load_error(root)
    assert (error.path.name, error.line) == (".nav.yml", 2)
    assert "'lukuu'" in error.message


def test_nav_yml_syntax_error_names_its_line(tmp_path):
    root = make_site(tmp_path, {"docs/.nav.yml": "nav:\n  - a.md\n  - [b.md\n", "docs/a.md": ""})
    error = load_error(root)
    assert error.path.name == ".nav.yml"
    assert error.line == 4
    assert error.message.startswith("not valid YAML")


def test_mkdocs_nav_is_used_without_awesome_nav(tmp_path):
    root = make_site(
        tmp_path,
        {
            "mkdocs.yml": (
                "site_name: S\nnav:\n  - Koti: index.md\n  - Luku:\n    - luku/b.md\n"
                "    - luku/a.md\n  - Linkki: https://example.com/\n"
            ),
            "docs/.nav.yml": 'nav:\n  - "*"\n',  # ignored: no awesome-nav plugin
            "docs/index.md": page(),
            "docs/luku/a.md": page(1),
            "docs/luku/b.md": page(2),
        },
    )
    site = load_site(root)
    assert order(site) == [("index.md", None), ("luku/b.md", "Luku"), ("luku/a.md", "Luku")]
    assert site.language == "en"


def test_docs_dir_setting(tmp_path):
    root = make_site(
        tmp_path,
        {
            "mkdocs.yml": MKDOCS_YML + "docs_dir: sisalto\n",
            "sisalto/index.md": page(),
            "docs/muu.md": page(),
        },
    )
    site = load_site(root)
    assert site.docs_dir == (tmp_path / "sisalto").resolve()
    assert site.pages == (SitePage(site.docs_dir / "index.md", None),)


def test_missing_docs_dir_is_a_config_error_on_its_line(tmp_path):
    root = make_site(tmp_path, {"mkdocs.yml": MKDOCS_YML + "docs_dir: puuttuu\n"})
    error = load_error(root)
    assert error.message.startswith("Config value 'docs_dir': The path ")
    assert (error.path, error.line) == (tmp_path / "mkdocs.yml", 7)


def test_missing_site_name_is_a_config_error(tmp_path):
    root = make_site(tmp_path, {"mkdocs.yml": "theme: material\n", "docs/index.md": page()})
    error = load_error(root)
    assert error.message == "Config value 'site_name': Required configuration not provided."
    assert error.path == tmp_path / "mkdocs.yml"


def test_missing_mkdocs_yml_is_an_error(tmp_path):
    error = load_error(tmp_path)
    assert error.path == tmp_path / "mkdocs.yml"
    assert "not found" in error.message


def test_mkdocs_yml_syntax_error_names_its_line(tmp_path):
    root = make_site(tmp_path, {"mkdocs.yml": "site_name: S\ntheme:\n  name: [material\n"})
    error = load_error(root)
    assert (error.path, error.line) == (tmp_path / "mkdocs.yml", 4)


def test_repeated_extension_keeps_its_first_place_and_takes_the_later_config(tmp_path):
    root = make_site(
        tmp_path,
        {
            "mkdocs.yml": MKDOCS_YML
            + (
                "markdown_extensions:\n"
                "  - toc:\n      permalink: true\n      toc_depth: 3\n"
                "  - admonition\n"
                "  - toc:\n      toc_depth: 2\n"
                "  - admonition: {}\n"
            ),
            "docs/index.md": page(),
        },
    )
    # MkDocs replaces the earlier config with the later one (no merging of keys), and a later
    # mention without config leaves the earlier config in place.
    assert load_site(root).markdown_extensions == (
        ("toc", {"toc_depth": 2}),
        ("admonition", {}),
    )


@pytest.mark.parametrize(
    ("extensions", "message"),
    [
        ("  - toc: 3\n", "Invalid config options for Markdown Extension 'toc'."),
        ("  - [toc]\n", "Invalid Markdown Extensions configuration"),
    ],
)
def test_invalid_extension_config_is_a_config_error(tmp_path, extensions, message):
    root = make_site(
        tmp_path,
        {"mkdocs.yml": MKDOCS_YML + "markdown_extensions:\n" + extensions, "docs/a.md": page()},
    )
    error = load_error(root)
    assert error.message == f"Config value 'markdown_extensions': {message}"
    assert error.line == 7


def test_python_tags_are_kept_as_text_never_imported(tmp_path, monkeypatch):
    marker = tmp_path / "imported"
    module = tmp_path / "lib" / "pahamoduuli.py"
    module.parent.mkdir()
    module.write_text(f"open({str(marker)!r}, 'w').close()\ndef f(*a): pass\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(module.parent))
    root = make_site(
        tmp_path / "site",
        {
            "mkdocs.yml": MKDOCS_YML
            + (
                "markdown_extensions:\n"
                "  - pymdownx.emoji:\n"
                "      emoji_index: !!python/name:pahamoduuli.f\n"
                "  - toc:\n"
                "      slugify: !!python/object/apply:pahamoduuli.f\n"
                "        kwds: {case: lower}\n"
            ),
            "docs/index.md": page(),
        },
    )
    configs = dict(load_site(root).markdown_extensions)
    assert configs["pymdownx.emoji"] == {"emoji_index": "python/name:pahamoduuli.f"}
    assert configs["toc"] == {"slugify": "python/object/apply:pahamoduuli.f"}
    assert isinstance(configs["toc"]["slugify"], PythonTag)
    assert "pahamoduuli" not in sys.modules
    assert not marker.exists()


def test_env_tags_give_their_default_or_none(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_NAME", "Ympäristöstä")
    root = make_site(
        tmp_path,
        {
            "mkdocs.yml": (
                "site_name: !ENV [SITE_NAME, 'Oletusnimi']\n"
                "site_author: !ENV AUTHOR\n"
                "plugins:\n  - awesome-nav\n"
            ),
            "docs/index.md": page(),
        },
    )
    site = load_site(root)
    assert site.title == "Oletusnimi"
    assert site.author == ""  # no copyright, site_author None: no author (not the site name)


def test_author_falls_back_to_site_author(tmp_path):
    root = make_site(
        tmp_path,
        {
            "mkdocs.yml": MKDOCS_YML + "site_author: Maija Meikäläinen\ncopyright: CC BY 4.0\n",
            "docs/index.md": page(),
        },
    )
    site = load_site(root)
    assert (site.author, site.licence) == ("Maija Meikäläinen", "CC BY 4.0")


def test_copyright_html_becomes_plain_text_and_names_the_holder(tmp_path):
    root = make_site(
        tmp_path,
        {
            "mkdocs.yml": MKDOCS_YML
            + (
                "copyright: |\n"
                '  Copyright &copy; 2024&ndash;2026 <a href="https://x.fi">Oppilaitos Oy</a>.<br>\n'
                "  <!-- vanha: CC BY -->Licenced under <em>CC&nbsp;BY-SA 4.0</em> &amp; MIT\n"
            ),
            "docs/index.md": page(),
        },
    )
    site = load_site(root)
    assert site.licence == (
        "Copyright © 2024–2026 Oppilaitos Oy. Licenced under CC BY-SA 4.0 & MIT"
    )
    assert site.author == "Oppilaitos Oy"


@pytest.mark.parametrize(
    ("text", "holder"),
    [
        ("© 2025 Jane Q. Doe", "Jane Q. Doe"),
        ("Copyright (c) 2020, 2023 Acme", "Acme"),
        ("Copyright 2026 by Opettaja | Kaikki oikeudet", "Opettaja"),
        ("Copyright 2026", None),
        ("Copyright © 2026. All rights reserved.", None),
        ("Licenced under CC BY 4.0", None),
    ],
)
def test_copyright_holder(text, holder):
    assert copyright_holder(text) == holder


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("---\ntitle: A\npriority: 120\n---\n# A\n", 120),
        ("---\r\npriority: 7   # comment\r\n---\r\n# A\r\n", 7),
        ("---\ntitle: A\n---\n# A\n\npriority: 3\n", None),  # in the body, not front matter
        ("# A\n---\npriority: 3\n---\n", None),  # no front matter
        ("---\npriority: 3\n", None),  # never closed: not front matter
        ("---\n---\n# A\n", None),
    ],
)
def test_front_matter_priority(tmp_path, text, priority):
    path = tmp_path / "page.md"
    path.write_bytes(text.encode("utf-8"))
    assert front_matter_priority(path) == priority


def test_front_matter_priority_that_is_not_a_number_is_an_error(tmp_path):
    path = tmp_path / "page.md"
    path.write_text("---\ntitle: A\npriority: ensin\n---\n# A\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        front_matter_priority(path)
    assert (caught.value.path, caught.value.line) == (path, 3)


# -- what MkDocs makes of a site: nav titles, pages left out of the nav, INHERIT, docs_dir: . --

PLAIN_YML = "site_name: Testisivusto\n"


def test_a_nav_title_names_its_page_in_mkdocs_nav_and_in_a_nav_file(tmp_path):
    plain = make_site(
        tmp_path / "plain",
        {
            "mkdocs.yml": PLAIN_YML + "nav:\n  - Alku: index.md\n  - Luku:\n    - Osa yksi: a.md\n",
            "docs/index.md": page(),
            "docs/a.md": page(),
        },
    )
    titles = [(p.path.name, p.chapter, p.title) for p in load_site(plain).pages]
    assert titles == [("index.md", None, "Alku"), ("a.md", "Luku", "Osa yksi")]
    awesome = make_site(
        tmp_path / "awesome",
        {
            "docs/.nav.yml": "nav:\n  - Ensin: b.md\n  - a.md\n",
            "docs/a.md": page(),
            "docs/b.md": page(),
        },
    )
    titles = [(p.path.name, p.title) for p in load_site(awesome).pages]
    assert titles == [("b.md", "Ensin"), ("a.md", None)]


def test_pages_the_nav_leaves_out_follow_it_in_path_order(tmp_path):
    root = make_site(
        tmp_path,
        {
            "mkdocs.yml": PLAIN_YML + "nav:\n  - b.md\n",
            "docs/b.md": page(),
            "docs/z.md": page(),
            "docs/luku/a10.md": page(),
            "docs/luku/a9.md": page(),
        },
    )
    assert order(load_site(root)) == [
        ("b.md", None),
        ("luku/a9.md", None),  # natural order: 9 before 10
        ("luku/a10.md", None),
        ("z.md", None),
    ]


def test_inherit_merges_the_parent_settings_as_mkdocs_does(tmp_path):
    root = make_site(
        tmp_path,
        {
            "base/common.yml": (
                "site_name: Yhteinen\ncopyright: © 2026 Perusta\n"
                "theme:\n  name: material\n  language: fi\n"
                "markdown_extensions:\n  - admonition\n  - footnotes\n"
            ),
            "mkdocs.yml": (
                "INHERIT: base/common.yml\nsite_name: Oma\n"
                "theme:\n  language: sv\nmarkdown_extensions:\n  - tables\n"
            ),
            "docs/index.md": page(),
        },
    )
    site = load_site(root)
    assert site.title == "Oma"  # the inheriting file wins
    assert site.language == "sv"  # mappings merge key by key
    assert site.author == "Perusta"  # what it does not set comes from the parent
    assert [name for name, _ in site.markdown_extensions] == ["tables"]  # lists are replaced
    assert site.settings_files == (root / "base" / "common.yml", root / "mkdocs.yml")


def test_an_inherited_setting_is_wrong_at_its_own_file_and_line(tmp_path):
    root = make_site(
        tmp_path,
        {
            "base.yml": "site_name: Yhteinen\n\ndocs_dir: puuttuu\n",
            "mkdocs.yml": "INHERIT: base.yml\n",
        },
    )
    error = load_error(root)
    assert (error.path, error.line) == (root / "base.yml", 3)
    assert "docs_dir" in error.message


@pytest.mark.parametrize(
    "files, expected",
    [
        (
            {"mkdocs.yml": "site_name: S\n\nINHERIT: ../muualla.yml\n"},
            "is outside the site's folder",
        ),
        ({"mkdocs.yml": "site_name: S\n\nINHERIT: /etc/passwd\n"}, "is outside the site's folder"),
        (
            {"mkdocs.yml": "site_name: S\n\nINHERIT: a.yml\n", "a.yml": "INHERIT: mkdocs.yml\n"},
            "loop",
        ),
        ({"mkdocs.yml": "site_name: S\n\nINHERIT: puuttuu.yml\n"}, "is not a file"),
        ({"mkdocs.yml": "site_name: S\n\nINHERIT: [a.yml]\n"}, "expected the path"),
    ],
)
def test_inherit_reads_only_files_inside_the_site_and_never_in_a_loop(tmp_path, files, expected):
    (tmp_path / "muualla.yml").write_text("site_name: Ulkona\n", encoding="utf-8")
    root = make_site(tmp_path / "site", {"docs/index.md": page(), **files})
    error = load_error(root)
    assert expected in error.message
    if "loop" in expected:  # found where the loop closes
        assert (error.path, error.line) == (root / "a.yml", 1)
    else:
        assert (error.path, error.line) == (root / "mkdocs.yml", 3)


def test_docs_dir_dot_reads_the_site_folder_without_site_dir_or_an_output_folder(tmp_path):
    root = make_site(
        tmp_path,
        {
            "mkdocs.yml": PLAIN_YML + "docs_dir: .\nsite_dir: julkaistu\n",
            "README.md": page(),
            "luku.md": page(),
            "julkaistu/vanha.md": page(),  # MkDocs' own output: no page
            "build/kopio.md": page(),  # this build's output folder
            "build/.build-state.json": "{}",
        },
    )
    site = load_site(root)
    assert site.docs_dir == root.resolve()
    assert order(site) == [("README.md", None), ("luku.md", None)]


def test_site_url_must_be_a_web_address(tmp_path):
    root = make_site(
        tmp_path, {"mkdocs.yml": PLAIN_YML + "site_url: javascript:alert(1)\n", "docs/a.md": page()}
    )
    error = load_error(root)
    assert "site_url" in error.message and error.line == 2
    good = make_site(
        tmp_path / "hyva",
        {"mkdocs.yml": PLAIN_YML + "site_url: https://x.fi/k/\n", "docs/a.md": page()},
    )
    assert load_site(good).site_url == "https://x.fi/k/"


PAGES_YML = "site_name: Testisivusto\nplugins:\n  - search\n  - awesome-pages\n"


def test_awesome_pages_files_give_the_order_titles_and_the_rest(tmp_path):
    root = make_site(
        tmp_path,
        {
            "mkdocs.yml": PAGES_YML,
            "docs/.pages": (
                "nav:\n  - johdanto.md\n  - Harjoitukset: harjoitukset\n  - ...\n  - loppu.md\n"
            ),
            "docs/johdanto.md": page(),
            "docs/loppu.md": page(),
            "docs/b.md": page(),
            "docs/a.md": page(),
            "docs/harjoitukset/.pages": "title: Ei tämä\nnav:\n  - ... | glob=h*.md\n",
            "docs/harjoitukset/h1.md": page(),
            "docs/harjoitukset/vastaukset.md": page(),
            "docs/piilo/.pages": "hide: true\n",
            "docs/piilo/p.md": page(),
        },
    )
    site = load_site(root)
    assert order(site) == [
        ("johdanto.md", None),
        ("harjoitukset/h1.md", "Harjoitukset"),  # the title in the parent's nav wins
        ("a.md", None),  # "...": the rest, in the default order
        ("b.md", None),
        ("loppu.md", None),
        ("harjoitukset/vastaukset.md", None),  # not in the nav: after it
        ("piilo/p.md", None),
    ]
    docs = root / "docs"
    assert site.nav_files == tuple(
        docs / folder / ".pages" for folder in ("", "harjoitukset", "piilo")
    )


def test_awesome_pages_regex_filter_is_refused_at_its_line(tmp_path):
    root = make_site(
        tmp_path,
        {
            "mkdocs.yml": PAGES_YML,
            "docs/.pages": "nav:\n  - a.md\n  - ... | regex=^b\n",
            "docs/a.md": page(),
        },
    )
    error = load_error(root)
    assert (error.path, error.line) == (root / "docs" / ".pages", 3)
    assert "regex" in error.message


def test_without_its_plugin_a_pages_file_is_not_read(tmp_path):
    root = make_site(
        tmp_path,
        {
            "mkdocs.yml": PLAIN_YML,
            "docs/.pages": "nav:\n  - b.md\n",
            "docs/a.md": page(),
            "docs/b.md": page(),
        },
    )
    assert order(load_site(root)) == [("a.md", None), ("b.md", None)]
