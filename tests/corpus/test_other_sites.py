"""Three course sites by other authors (English, French), built and checked as the instructor's are.

They are ../shared/corpus/others (see its README): other dialects and habits,
other languages. Each site is built once a session; every page must pass the
same checks as the instructor's two sites (tests/corpus/test_corpus.py, which
also holds the tests that each check can fail). A site that is missing fails.
"""

from __future__ import annotations

import pytest

from coursebuild.browser.chromium import open_browser
from tests.support.corpus import report
from tests.support.corpus.building import SiteBuild
from tests.support.corpus.layout import OTHER_SITES, site_root
from tests.support.corpus.run import check_corpus

# Not in `make test`: their 3½ minutes of one worker would put it over its ten
# (issue 20). `make test-other-sites` runs them; so does CI, after `make test`.
pytestmark = [pytest.mark.corpus, pytest.mark.other_sites]


@pytest.fixture(scope="module")
def others(tmp_path_factory) -> dict[str, SiteBuild]:
    missing = [name for name in OTHER_SITES if not (site_root(name) / "mkdocs.yml").is_file()]
    if missing:
        pytest.fail(f"the other authors' sites are missing: {', '.join(missing)}", pytrace=False)
    with open_browser() as browser:
        sites = check_corpus(tmp_path_factory.mktemp("others"), browser, OTHER_SITES)
    return {site.name: site for site in sites}


@pytest.mark.parametrize("check", report.CHECKS)
@pytest.mark.parametrize("name", OTHER_SITES)
def test_every_page_of_another_authors_site_passes(others, name, check):
    found = report.problems(others[name], check)
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


@pytest.mark.parametrize("name", OTHER_SITES)
def test_every_page_of_another_authors_site_is_built_and_opened_by_axe(others, name):
    pages = others[name].pages
    assert len(pages) >= 9  # each site keeps 9 to 12 pages (its README)
    assert [page.name for page in pages if not page.built] == []
    assert [page.name for page in pages if page.axe is None] == []
