"""The corpus check: every page of the instructor's two MkDocs sites, built and compared.

Run by ``make corpus`` (``python -m tests.support.corpus_check``) and by
tests/corpus/test_corpus.py.
Each site is built once, by build.py in a subprocess (-j 2, SOURCE_DATE_EPOCH fixed);
when a page fails, the error is that page's and the rest of the site is built again
without it, so that one broken page does not hide the others. Then, page by page:

Content: the handout keeps what the site shows. Eight counts, the same on both sides:
code blocks, admonitions (collapsible ``???`` ones included), admonitions with a
title, math (inline and display), images, tables, footnotes (distinct definitions)
and list items (task-list items included).

* The site (the oracle): the page body as MkDocs reads it (front matter out, no
  Jinja: MkDocs has none) through plain Python-Markdown with the extensions of
  mkdocs.yml, read by coursebuild.site.load_site (MkDocs' built-ins first) and
  configured by coursebuild.markdown_reader.extension_config as the build
  configures them, but WITHOUT html_bridge: the site's own HTML. Counted with
  html.parser: ``<pre>`` (not a line-number column), ``div.admonition`` and
  ``<details>``, a non-empty ``p.admonition-title``/``<summary>``,
  ``span.arithmatex`` and ``div.arithmatex``, ``<img>`` but emoji, ``<table>``
  (not Pygments' line-number table), the distinct texts of ``div.footnote > ol >
  li``, and ``<li>`` of ``<ul>``/``<ol>`` outside the footnotes.
* The handout: Pandoc's AST as the Typst writer gets it. The HTML the build gives
  Pandoc (lesson/make.read_lesson, in this process), Pandoc with the handout's
  own arguments and filters (convert.HANDOUT_ARGUMENTS) and one more filter last,
  which prints the document as JSON inside a raw Typst block: every filter runs
  for Typst (FORMAT == "typst") exactly as in the build. Counted: CodeBlock; the
  ``#admonition(`` raw inline handout.lua makes of an admonition, and those
  followed by ``[`` (a title, not ``none``); Math, and the raw Typst typst_math.lua
  makes of each formula (``#math.equation(…, alt: …)``, or ``$…$``); Image but
  emoji (twemoji class), and the raw ``#image(``/``#box(image(`` handout.lua
  makes of each with its alt text; Table;
  Note (handout.lua keeps one Note a distinct footnote text); list items of
  BulletList and OrderedList, outside notes. Counting the AST, not the Typst
  text, needs no parsing of Typst's escapes and tells code from prose exactly.

Accounted for, where the two legitimately differ:

* mermaid fences are ``<pre class="mermaid">`` on the site and images in the
  pipeline (drawn to SVG): both sides count them as images, not code;
* emoji are images in both outputs but not content: neither side counts them;
* handout.lua lists the footnote texts again under an empty "Lähteet" heading: a
  list whose every item is a footnote's text is not counted (nor its text scanned);
* a section whose whole body is TODO is dropped by the build and kept by the
  oracle; its body is the one word, so it holds nothing counted;
* an ``<iframe>`` becomes a link (a "Video:" paragraph); neither side counts it,
  nor an ``<audio>`` or ``<video>`` (a card linking to its file);
* a custom element whose ``src`` is an image file (``<gif-player src=…gif>``, which
  the site's script draws) is an image in the pipeline: the site's side counts it;
* the untitled admonition Python-Markdown titles with its kind ("Note") keeps a
  title in the handout (localised, "Huomio"), so it counts as titled on both sides.

Raw markup: dialect syntax left as text (``!!!``, ``???``, ``===`` at a line start,
``==x==``, a ``:shortcode:`` of the twemoji index, ``++key++``, ``$$``, ``\\begin``,
``[^``, a code fence, ``(1)!``, ``{ width``). Looked for in each slide's text and,
separately, its speaker notes (the deck's HTML, leaf ``<section>`` elements; text in
``pre``, ``code``, ``math`` and ``svg`` left out); in the handout's AST text (code,
math, raw Typst and image alt text left out); and in the PDF's text (pdftotext), where
code cannot be told from prose, so only kinds the page shows nowhere, not even in
code, are looked for there. What the site itself shows as prose (an undefined
``[^x]`` stays text on the site) is allowed as often as the site shows it.

Decks: each shown slide by slide in one headless Chromium (coursebuild.browser), as
``build.py --check`` shows them: no slide overflows or is shrunk, no figure is under
its minimum, no course figure's text under 18 px, every image decodes, no TeX as
text, no heading-only slide; no console error, no failed or blocked request.
Then axe-core (tests/deck_axe.py) on every slide and its speaker notes at once, in
reveal.js's print view: a serious or critical finding fails the page; every finding
is tallied by impact and rule in the report.
"""
