"""Section 7: the peer, Marp to HTML and PDF, against our text-edit build."""

from __future__ import annotations

from bench.builds import build_command
from bench.context import Bench
from bench.marp import MARP_VERSION, install_marp, marp_commands, marp_many_command
from bench.measure import run
from bench.table import section

# Our deck, handout and slide PDF against Marp's HTML and PDF (issue 23).
PEER_SHARE = 0.5


def bench_marp(bench: Bench) -> None:
    """Section 7: the peer, Marp to HTML and PDF, against our text-edit build."""
    series, table = bench.series, bench.table
    section(f"7. peer: Marp CLI {MARP_VERSION} → HTML and PDF (Chromium)")
    install_marp()
    marp = marp_commands(bench.marp_page, bench.work)
    for _ in range(bench.runs):
        series.run("marp html", **marp["html"])
        series.run("marp pdf", **marp["pdf"])
        bench.edit_one()
        series.run("ours", build_command(bench.one, bench.out_one))
    html, pdf, ours = series["marp html"], series["marp pdf"], series["ours"]
    table.add("Marp → HTML", html.text())
    table.add("Marp → PDF", pdf.text())
    peer = html.median + pdf.median
    ratio = ours.median / peer
    table.add(
        "our deck + handout (text-edit build) vs Marp HTML + PDF",
        ours.text(),
        f"{ratio:.2f} × Marp's {peer:.3f} s",
        f"≤ {PEER_SHARE} ×",
        ratio <= PEER_SHARE,
    )
    if bench.many_memory is not None:
        marp_memory(bench)


def marp_memory(bench: Bench) -> None:
    """Marp's peak memory converting as many decks as the big build makes, to PDF in one
    run (Marp runs a Chromium too), against our build's peak.

    Not to HTML as well: that runs no browser, and its peak was 273–307 MB in
    every run against the PDF's 805–815 MB, for 14 s of the benchmark's ten minutes.
    """
    ours = bench.many_memory
    command = marp_many_command(bench.marp_page, bench.work / "marp-many", bench.count)
    peer = run(**command, memory=True).tree_pss_mb
    bench.table.add(
        f"(peer) Marp's peak memory, {bench.count} decks to PDF in one run",
        f"{peer:.0f} MB",
        "sum of PSS, as ours",
    )
    ratio = ours.tree_pss_mb / peer
    bench.table.add(
        f"peak memory, {bench.count}-lesson clean build, against Marp's on the same decks",
        f"{ours.tree_pss_mb:.0f} MB",
        f"{ratio:.2f} × Marp's {peer:.0f} MB",
        "≤ 1 ×",
        ratio <= 1,
    )
