"""The per-page table and problem lists, written to build/corpus-report.txt."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tests.support.corpus.building import SiteBuild
from tests.support.corpus.layout import PROJECT_ROOT

REPORT_FILE = PROJECT_ROOT / "build" / "corpus-report.txt"


CHECKS = (
    "build",
    "content",
    "slide markup",
    "handout markup",
    "handout figures",
    "slide pdf",
    "index",
    "deck",
    "accessibility",
)
CHECKED: list[SiteBuild] = []  # what this process checked, for the pytest summary


def report_table(sites: Iterable[SiteBuild]) -> str:
    """One line a page: slides (continued share, longest run, smallest figure text,
    boxes shown closed, excerpts), handout pages, build time, warnings and the
    failing checks."""
    header = ("site", "page", "slides", "cont.", "run", "fig px", "closed", "excerpts")
    header += ("pages", "build s", "warnings")
    header += ("result",)
    rows = [header]
    for site in sites:
        for page in site.pages:
            rows.append(
                (
                    site.name,
                    page.name,
                    "-" if page.slides is None else str(page.slides),
                    share(page.continued, page.slides),
                    "-" if page.longest_run is None else str(page.longest_run),
                    "-" if page.smallest_text is None else f"{page.smallest_text:.0f}",
                    "-" if page.closed is None else str(page.closed),
                    "-" if page.excerpts is None else str(page.excerpts),
                    "-" if page.handout_pages is None else str(page.handout_pages),
                    "-" if page.seconds is None else f"{page.seconds:.1f}",
                    str(len(page.warnings)),
                    ", ".join(c for c in CHECKS if c in page.problems) or "ok",
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {2, 3, 4, 5, 6, 7, 8, 9, 10}
    lines = [
        "  ".join(
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def share(part: int | None, whole: int | None) -> str:
    return "-" if part is None or not whole else f"{100 * part / whole:.0f} %"


def problems(site: SiteBuild, check: str) -> list[str]:
    """Every problem one check found on the site, each line naming the page."""
    found = [f"{site.name}: {error}" for error in site.general_errors] if check == "build" else []
    for page in site.pages:
        found += [f"{site.name}/{page.name}: {m}" for m in page.problems.get(check, [])]
    return found


def axe_summary(sites: Iterable[SiteBuild]) -> list[str]:
    """axe's findings on every deck, by impact and rule: the moderate and minor ones too."""
    total: Counter = Counter()
    for site in sites:
        for page in site.pages:
            total += page.axe or Counter()
    found = [f"  {impact:9} {rule}: {count}" for (impact, rule), count in sorted(total.items())]
    return ["axe on every deck: " + (f"{total.total()} element(s)" if found else "nothing"), *found]


def full_report(sites: list[SiteBuild]) -> str:
    lines = [report_table(sites), ""]
    for site in sites:
        lines.append(f"{site.name}: built in {site.seconds:.0f} s ({len(site.commands)} build(s))")
    lines += axe_summary(sites)
    for check in CHECKS:
        found = [line for site in sites for line in problems(site, check)]
        if found:
            lines += ["", f"{check}: {len(found)} problem(s)", *(f"  {line}" for line in found)]
    return "\n".join(lines)


def write_report(sites: list[SiteBuild]) -> str:
    text = full_report(sites)
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    REPORT_FILE.write_text(text + "\n", encoding="utf-8")
    return text
