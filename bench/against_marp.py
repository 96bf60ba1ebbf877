"""Section 7: the peer, Marp to HTML and PDF, against our text-edit build."""

from __future__ import annotations

from bench.builds import build_command
from bench.context import Bench
from bench.marp import MARP_VERSION, install_marp, marp_commands
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
