"""Text alternatives for the deck's MathML, from each formula's TeX source.

Pandoc's ``--mathml`` keeps the TeX in an ``<annotation>``; every ``<math>``
gets it as ``alttext`` (MathML's own attribute, which math-aware screen
readers know) and, made linear as one would say it, as ``aria-label``: the
accessible name Chromium gives the formula (it ignores ``alttext``). The
MathML stays below the label for readers that walk it.

Made linear: symbols become their characters (a screen reader names σ, ∑ and
≤ in its own language), ``\\frac{a}{b}`` becomes ``(a)/(b)``, a group of more
than one token after ``^`` or ``_`` is put in parentheses, markup and spacing
commands are dropped and any other command is said by its name.
"""

from __future__ import annotations

import html
import re
import unicodedata


def words(text: str) -> list[str]:
    return text.split()


SYMBOLS = {
    **dict(
        zip(
            words(
                "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa "
                "lambda mu nu xi pi rho sigma tau upsilon phi varphi chi psi omega "
                "Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega"
            ),
            "αβγδεεζηθϑικλμνξπρστυφφχψωΓΔΘΛΞΠΣΦΨΩ",
            strict=True,
        )
    ),
    **dict(
        pair.split("=", 1)
        for pair in words(
            "cdot=· times=× div=÷ pm=± mp=∓ ast=* star=⋆ circ=∘ bullet=• odot=⊙ otimes=⊗ "
            "oplus=⊕ sum=∑ prod=∏ int=∫ iint=∬ oint=∮ partial=∂ nabla=∇ infty=∞ prime=′ "
            "le=≤ leq=≤ ge=≥ geq=≥ ne=≠ neq=≠ approx=≈ equiv=≡ sim=~ simeq=≃ propto=∝ "
            "ll=≪ gg=≫ in=∈ notin=∉ subset=⊂ subseteq=⊆ supset=⊃ cup=∪ cap=∩ emptyset=∅ "
            "forall=∀ exists=∃ neg=¬ land=∧ lor=∨ wedge=∧ vee=∨ to=→ rightarrow=→ "
            "leftarrow=← gets=← Rightarrow=⇒ Leftarrow=⇐ leftrightarrow=↔ "
            "Leftrightarrow=⇔ mapsto=↦ implies=⇒ iff=⇔ uparrow=↑ downarrow=↓ ldots=… "
            "dots=… cdots=⋯ vdots=⋮ ddots=⋱ lvert=| rvert=| vert=| mid=| lVert=‖ rVert=‖ "
            "Vert=‖ langle=⟨ rangle=⟩ lfloor=⌊ rfloor=⌋ lceil=⌈ rceil=⌉ lbrace={ "
            "rbrace=} top=ᵀ intercal=ᵀ perp=⊥ parallel=∥ angle=∠ degree=° hbar=ℏ ell=ℓ "
            "setminus=∖"
        )
    ),
    "|": "‖",
    "{": "{",
    "}": "}",
    "%": "%",
    "$": "$",
    "_": "_",
    "#": "#",
    "&": "&",
    "\\": "; ",  # a line break in an aligned environment
}
# Spacing, sizing and style: nothing to say.
SILENT = frozenset(
    words(
        ", ; : ! quad qquad enspace thinspace displaystyle textstyle scriptstyle limits nolimits "
        "left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr "
        "nonumber notag"
    )
)
# Said as their argument: \text{a}, \mathbf{x}.
WRAPPERS = frozenset(
    words(
        "text textrm textit textbf textsf texttt mbox mathrm mathit mathbf mathsf mathtt mathcal "
        "mathscr mathfrak mathbb boldsymbol bm operatorname emph underline"
    )
)
# Accents, put on the letter as combining characters: \hat{y} is ŷ.
ACCENTS = {
    **dict.fromkeys(("hat", "widehat"), "\u0302"),
    **dict.fromkeys(("bar", "overline"), "\u0304"),
    **dict.fromkeys(("tilde", "widetilde"), "\u0303"),
    "vec": "\u20d7",
    "dot": "\u0307",
    "ddot": "\u0308",
}
# Their first argument is not said: \color{red}, \begin{aligned}.
SKIPPED = frozenset(words("color label hspace mspace begin end phantom hphantom vphantom"))
FRACTIONS = frozenset(words("frac dfrac tfrac cfrac"))
ARGUMENTS = {
    **dict.fromkeys(FRACTIONS, 2),
    **dict.fromkeys((*WRAPPERS, *ACCENTS, *SKIPPED, "sqrt"), 1),
}
TOKEN = re.compile(r"\\([a-zA-Z]+|.)|(\s+)|(.)", re.DOTALL)


def tokens_of(tex: str) -> list[str]:
    """Control sequences (``\\name``), whitespace as one " ", and single characters."""
    return [
        "\\" + match[1] if match[1] is not None else " " if match[2] else match[3]
        for match in TOKEN.finditer(tex)
    ]


def group(tokens: list[str], at: int) -> tuple[list[str], int]:
    """The argument starting at ``tokens[at]``: a braced group's inside, else one token."""
    while at < len(tokens) and tokens[at] == " ":
        at += 1
    if at >= len(tokens):
        return [], at
    if tokens[at] != "{":
        # A command is taken with its own arguments: x^\frac{3}{2}.
        taken, at = [tokens[at]], at + 1
        for _ in range(ARGUMENTS.get(taken[0][1:], 0) if taken[0].startswith("\\") else 0):
            inside, at = group(tokens, at)
            taken += ["{", *inside, "}"]
        return taken, at
    depth, start = 0, at
    for index in range(at, len(tokens)):
        depth += {"{": 1, "}": -1}.get(tokens[index], 0)
        if depth == 0:
            return tokens[start + 1 : index], index + 1
    return tokens[start + 1 :], len(tokens)


def bracketed(text: str) -> str:
    """``text`` as a unit: in parentheses unless it is one word, number or symbol."""
    text = text.strip()
    return text if re.fullmatch(r"\w+|\W", text) else f"({text})"


def linear(tokens: list[str]) -> str:
    """The tokens said one after another."""
    out: list[str] = []
    at = 0
    while at < len(tokens):
        token = tokens[at]
        at += 1
        name = token[1:] if token.startswith("\\") and len(token) > 1 else None
        if name in FRACTIONS:
            top, at = group(tokens, at)
            bottom, at = group(tokens, at)
            out.append(f"{bracketed(linear(top))}/{bracketed(linear(bottom))}")
        elif name == "sqrt":
            inside, at = group(tokens, at)
            out.append(f"√{bracketed(linear(inside))}")
        elif name in WRAPPERS:
            inside, at = group(tokens, at)
            out.append(linear(inside))
        elif name in ACCENTS:
            inside, at = group(tokens, at)
            text = linear(inside)
            out.append(text + ACCENTS[name] if len(text) == 1 else f"{name}({text})")
        elif name in SKIPPED:
            _, at = group(tokens, at)
        elif name in SILENT:
            out.append(" ")
        elif name is not None:
            out.append(SYMBOLS.get(name, f" {name} "))
        elif token in ("^", "_"):
            inside, at = group(tokens, at)
            out.append(token + bracketed(linear(inside)))
        elif token == "&":
            out.append(" ")
        elif token not in ("{", "}"):
            out.append(token)
    return " ".join("".join(out).split())


def spoken(tex: str) -> str:
    """The formula ``tex`` made linear, as a screen reader should say it."""
    # Composed: y and a combining hat is ŷ, a letter a screen reader knows.
    return unicodedata.normalize("NFC", linear(tokens_of(tex)))


MATH = re.compile(r"<math\b(?P<attributes>[^>]*)>(?P<body>.*?)</math>", re.DOTALL)
TEX_ANNOTATION = re.compile(
    r'<annotation encoding="application/x-tex">(?P<tex>.*?)</annotation>', re.DOTALL
)


def label_formula(match: re.Match[str]) -> str:
    attributes, body = match["attributes"], match["body"]
    annotation = TEX_ANNOTATION.search(body)
    if annotation is None or " alttext=" in attributes:
        return match[0]  # labelled already (a deck the layout pass gave back), or no TeX
    tex = html.unescape(annotation["tex"]).strip()
    labels = f' alttext="{html.escape(tex)}" aria-label="{html.escape(spoken(tex))}"'
    return f"<math{attributes}{labels}>{body}</math>"


def label_math(fragment: str) -> str:
    """Every ``<math>`` in the HTML ``fragment`` given its TeX and its spoken form."""
    return MATH.sub(label_formula, str(fragment))
