"""Where a lesson page means Jinja: in its text, never in its code, never as a comment.

A page is Markdown first. render.py lets Jinja fill ``{{ … }}`` and run
``{% … %}`` in the page's text, but what the site's parser (Python-Markdown
with pymdownx.superfences) reads as code is the author's literal text, and
``{#`` never opens a Jinja comment. The parts Jinja must not read, found as
that parser finds them:

- fenced code (a ```` ```mermaid ```` diagram too): a line of three or more
  backticks or tildes, at any indent (in a list, an admonition, a block
  quote), with a language, ``{ .attrs }`` or ``title="…"`` options, up to a
  line with the same fence at the same indent. A fence never closed, or with
  a line indented less than its opening line, is not code (superfences leaves
  it to the paragraph it is in);
- indented code: a block after a blank line, indented four columns more than
  the list item, admonition, details, tab, footnote or block quote it is in;
- code spans: a run of backticks not escaped by ``\\``, up to the next run of
  the same length in the same paragraph, list item, heading or table row
  (Python-Markdown's rule, also when no run is as long);
- every ``{#``. An attribute list (``## Osa {#ankkuri}``) or ``${#arr[@]}`` is
  text, and a page cannot open a Jinja comment at all: a comment could only
  hide text, and an unclosed or mismatched one hid everything up to the next
  ``#}``. A note to fellow authors is an HTML comment.

Math (``$…$``, ``\\(…\\)``) is text: a formula may show a value of the network.
LaTeX with ``{{`` in it is read as Jinja too (an error at its line when it is
not an expression); write ``{ {``.

Each part is replaced by a placeholder holding as many newlines as the part,
so Jinja's line numbers stay the page's; the rendered text gets the parts back
(also where a loop repeats one or a ``{% raw %}`` block shows one). Code in a
Jinja tag (``{{ x `y` }}``) is a syntax error at its line. The tests check
the scanner against Python-Markdown itself (tests/test_jinja_regions.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TAB_LENGTH = 4  # Python-Markdown's: indentation is counted in columns of four

# pymdownx.superfences' opening fence (RE_NESTED_FENCE_START): a language,
# {attributes} or key="value" options, nothing else, on the fence's line.
FENCE_OPENING = re.compile(
    r"""(?x)
    (?P<fence>~{3,}|`{3,})
    (?:[ \t]*\.?[\w#.+-]+(?=[\t ]|$))?
    (?:
        [ \t]*\{[^\n]*\}
        | (?:[ \t]*[a-zA-Z][a-zA-Z0-9_]*(?:=(?P<quote>"|').*?(?P=quote))?(?=[\t ]|$))+
    )?[ \t]*$
    """
)
FENCE_PREFIX = " \t>"  # what superfences allows before a fence: indent, block quotes

# Blocks whose later indented blocks are their content, not code, as
# Python-Markdown's list, admonition, footnote and pymdownx's details and
# tabbed processors read them; each with the most columns its marker may be
# indented by.
CONTAINERS = (
    (3, re.compile(r"(?:[*+-]|\d+\.)[ ]+")),
    (3, re.compile(r"\[\^[^\]]*\]:")),
    (0, re.compile(r'!!! ?[\w-]+(?: +[\w-]+)*(?: +".*?")? *$')),
    (0, re.compile(r'\?\?\?\+? ?(?:[\w-]+(?: +[\w-]+)*?)?(?: +".*?")? *$')),
    (0, re.compile(r'===(?:\+|\+!|!\+|!)? +".*?" *$')),
)
# Lines Python-Markdown starts a new block at wherever they stand in a
# paragraph (it searches the block for them), so a code span ends before them.
SPLITS_BLOCK = re.compile(r"[ \t]*(?:#|>|!!!|\?\?\?|===|\[\^[^\]]*\]:)")
# Of those, the ones that are a whole block: the next line starts another.
ONE_LINE_BLOCK = re.compile(r"[ \t]*(?:#|!!!|\?\?\?|===)")
# In a list, each item is read apart; in a table, each row. A paragraph goes on
# over a line that looks like an item or a row: Python-Markdown wants a blank line first.
LIST_ITEM = re.compile(r"[ \t]*(?:[*+-]|\d+\.)[ ]+")
TABLE_RULE = re.compile(r"[ \t]*[|:-][|: \t-]*$")
BACKTICKS = re.compile(r"`+")
# One level of a block quote, as Python-Markdown strips it (at any indent: in a list too).
QUOTE = re.compile(r"[ \t]*>[ ]?")


@dataclass(frozen=True)
class Line:
    start: int  # offset of the line's first character in the page
    end: int  # offset of its newline (or of the page's end)
    text: str


def page_lines(body: str) -> list[Line]:
    lines, start = [], 0
    for text in body.split("\n"):
        lines.append(Line(start, start + len(text), text))
        start += len(text) + 1
    return lines


def is_blank(text: str) -> bool:
    return not text.strip(" \t")


def indent_of(text: str) -> int:
    """Columns of leading whitespace, tabs expanded as Python-Markdown does."""
    expanded = text.expandtabs(TAB_LENGTH)
    return len(expanded) - len(expanded.lstrip(" "))


def prefix_columns(text: str) -> tuple[int, int]:
    """Characters and columns of superfences' prefix (spaces, tabs, ``>``) on a line."""
    characters = columns = 0
    for character in text:
        if character not in FENCE_PREFIX:
            break
        columns += TAB_LENGTH - columns % TAB_LENGTH if character == "\t" else 1
        characters += 1
    return characters, columns


def fenced_blocks(lines: list[Line]) -> list[tuple[int, int]]:
    """Fenced code as (first, last) line indices, the fence lines included."""
    blocks, index = [], 0
    while index < len(lines):
        characters, columns = prefix_columns(lines[index].text)
        opening = FENCE_OPENING.match(lines[index].text, characters)
        if opening:
            end, closed = fence_end(lines, index, opening.group("fence"), columns)
            if closed:
                blocks.append((index, end))
            index = end  # superfences reads the lines up to here as the fence's
        index += 1
    return blocks


def fence_end(lines: list[Line], opening: int, fence: str, columns: int) -> tuple[int, bool]:
    """The line that ends a fence opened at ``columns``, and whether it closed it.

    A line indented less than the opening one ends the fence unclosed: not
    code; so does the page's end.
    """
    closer = re.compile(re.escape(fence) + r"[ \t]*$")
    for index in range(opening + 1, len(lines)):
        text = lines[index].text
        if is_blank(text):
            continue
        characters, indent = prefix_columns(text)
        if indent < columns:
            return index, False
        if indent == columns and closer.match(text, characters):
            return index, True
    return len(lines), False


def opened_container(text: str, base: int) -> bool:
    """Whether a line, inside containers whose content starts at ``base``, opens one."""
    indent = indent_of(text)
    relative = indent - base
    if relative < 0:
        return False
    content = text.expandtabs(TAB_LENGTH)[indent:]
    return any(relative <= most and pattern.match(content) for most, pattern in CONTAINERS)


def split_blocks(rows: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines, as Python-Markdown splits a page into blocks."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for row in rows:
        if is_blank(row[1]):
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(row)
    return [block for block in blocks if block]


def indented_code_lines(lines: list[Line], fenced: list[tuple[int, int]]) -> set[int]:
    """Indices of lines Python-Markdown reads as indented code blocks."""
    inside_fence = {index for first, last in fenced for index in range(first + 1, last + 1)}
    # A fence is one line for the block structure: superfences stashes it so.
    rows = [(index, line.text) for index, line in enumerate(lines) if index not in inside_fence]
    return indented_code_rows(rows)


def indented_code_rows(rows: list[tuple[int, str]]) -> set[int]:
    """Indented code among (line index, text) rows; a block quote's inside read on its own."""
    code: set[int] = set()
    for quote in quoted_runs(rows):
        code |= indented_code_rows([(index, QUOTE.sub("", text, count=1)) for index, text in quote])
    containers: list[int] = []  # content columns of the open containers, innermost last
    pending = split_blocks(rows)
    while pending:
        block = pending.pop(0)
        indent = indent_of(block[0][1])
        while containers and containers[-1] > indent:
            containers.pop()  # a block indented less than a container's content ends it
        base = containers[-1] if containers else 0
        if indent - base >= TAB_LENGTH:
            taken = code_lines(block, base)
            code.update(index for index, _ in taken)
            if len(taken) < len(block):
                pending.insert(0, block[len(taken) :])
            continue
        for _, text in block:
            open_containers(text, containers)
    return code


def quoted_runs(rows: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Runs of consecutive rows that start with ``>``: each one block quote's lines."""
    runs: list[list[tuple[int, str]]] = []
    after_quote = False
    for row in rows:
        quoted = QUOTE.match(row[1]) is not None
        if quoted and not after_quote:
            runs.append([])
        if quoted:
            runs[-1].append(row)
        after_quote = quoted
    return runs


def code_lines(block: list[tuple[int, str]], base: int) -> list[tuple[int, str]]:
    """The lines of an indented code block: the block's lines up to one indented less."""
    taken = []
    for row in block:
        if indent_of(row[1]) - base < TAB_LENGTH:
            break
        taken.append(row)
    return taken


def open_containers(text: str, containers: list[int]) -> None:
    """Push the content column of a container this line opens, closing deeper ones."""
    indent = indent_of(text)
    probe = list(containers)
    while probe and probe[-1] > indent:
        probe.pop()
    base = probe[-1] if probe else 0
    if opened_container(text, base):
        containers[:] = [*probe, base + TAB_LENGTH]


def inline_groups(lines: list[Line], code: set[int]) -> list[tuple[int, int]]:
    """Stretches of text a code span can extend over: one paragraph, item, heading or row."""
    groups: list[tuple[int, int]] = []
    kind = None  # of the block the last line is in: None after a blank line or code
    for index, line in enumerate(lines):
        if index in code or is_blank(line.text):
            kind = None
            continue
        if kind is None or SPLITS_BLOCK.match(line.text):
            kind = block_kind(lines, index)
        elif not (kind == "list" and LIST_ITEM.match(line.text)) and kind != "table":
            groups[-1] = (groups[-1][0], line.end)
            continue
        groups.append((line.start, line.end))
        if ONE_LINE_BLOCK.match(line.text):
            kind = None
    return groups


def block_kind(lines: list[Line], index: int) -> str:
    """How the block starting at line ``index`` splits its text: a list, a table or not."""
    if LIST_ITEM.match(lines[index].text):
        return "list"
    following = lines[index + 1].text if index + 1 < len(lines) else ""
    if "-" in following and TABLE_RULE.match(following):
        return "table"
    return "paragraph"


def code_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Python-Markdown's code spans in one block of text, as (start, end) offsets."""
    spans, position = [], 0
    while True:
        run = BACKTICKS.search(text, position)
        if run is None:
            return spans
        start = run.start()
        if escaped(text, start):
            position = start + 1  # a later tick of the run may open a span
            continue
        end = closing_run(text, run)
        if end is None:
            position = run.end()
        else:
            spans.append((offset + end[0], offset + end[1]))
            position = end[1]


def escaped(text: str, position: int) -> bool:
    """Whether an odd number of backslashes stands just before ``position``."""
    count = 0
    while position - count > 0 and text[position - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def closing_run(text: str, opening: re.Match) -> tuple[int, int] | None:
    """The span an opening backtick run makes, as BacktickInlineProcessor finds it."""
    ticks = len(opening.group())
    longest, longest_end = 0, 0
    for run in BACKTICKS.finditer(text, opening.end()):
        length = len(run.group())
        if length == ticks:
            return opening.start(), run.end()
        if length > longest:
            longest, longest_end = length, run.end()
    if 0 < longest < ticks:
        # No run as long: the longest shorter one closes, the extra ticks are code.
        return opening.start(), longest_end
    return None


def code_regions(body: str) -> list[tuple[int, int]]:
    """The page's code as sorted (start, end) offsets: fences, indented blocks, spans."""
    lines = page_lines(body)
    fenced = fenced_blocks(lines)
    in_fence = {index for first, last in fenced for index in range(first, last + 1)}
    code = indented_code_lines(lines, fenced) - in_fence
    regions = [(lines[first].start, lines[last].end) for first, last in fenced]
    regions += [(lines[index].start, lines[index].end) for index in sorted(code)]
    for start, end in inline_groups(lines, code | in_fence):
        regions += code_spans(body[start:end], start)
    return sorted(regions)


def protected_regions(body: str) -> list[tuple[int, int]]:
    """What Jinja must not read: the page's code and every ``{#`` outside it."""
    regions, position = [], 0
    for start, end in [*code_regions(body), (len(body), len(body))]:
        for hash_open in re.finditer(r"\{#", body[position:start]):
            regions.append((position + hash_open.start(), position + hash_open.end()))
        if start < end:
            regions.append((start, end))
        position = max(position, end)
    return regions


@dataclass(frozen=True)
class Shielded:
    """A page with its protected parts as placeholders, and how to put them back."""

    template: str
    parts: tuple[str, ...]
    marker: str

    def restore(self, text: str) -> str:
        """``text`` with every placeholder replaced by the part it stands for."""
        if not self.parts:
            return text
        pattern = re.escape(self.marker) + r"(\d+)\n*" + re.escape(self.marker)
        return re.sub(pattern, lambda match: self.parts[int(match.group(1))], text)


def unused_marker(body: str) -> str:
    """A private-use character the page does not contain, to build placeholders from."""
    present = set(body)
    return next(chr(code) for code in range(0xE000, 0xF900) if chr(code) not in present)


def shield(body: str) -> Shielded:
    """The page as Jinja may read it: code and ``{#`` replaced by line-keeping placeholders."""
    marker = unused_marker(body)
    pieces, parts, position = [], [], 0
    for start, end in protected_regions(body):
        part = body[start:end]
        pieces.append(body[position:start])
        newlines = "\n" * part.count("\n")  # Jinja counts lines: the placeholder keeps them
        pieces.append(f"{marker}{len(parts)}{newlines}{marker}")
        parts.append(part)
        position = end
    pieces.append(body[position:])
    return Shielded("".join(pieces), tuple(parts), marker)
