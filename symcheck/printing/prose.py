r"""Mathematics inside prose: find it, and spell it as LaTeX so every format can typeset it.

Sentences written for readers (a question's statement, a step's justification, a grader's
diagnosis) carry formulas in two ways: between dollars, as LaTeX (``the correct form is
$\hat{y}_{k} - 1$``), and in a plain-text shorthand with Unicode letters (``∂L/∂z_k = ŷ_k − y_k``,
``Π_i p(x_i)^{y_i}``, ``e^{−z}``). Printed as they stand, the second kind shows markup to the
reader (``_``, ``^{…}``). :func:`prose_pieces` cuts a sentence into text and formulas, turning
the shorthand into LaTeX: ``_ik`` becomes ``_{ik}``, ``ŷ`` ``\hat{y}``, ``Σ_j`` ``\sum_{j}``,
``−`` ``-``, ``log`` ``\log``.

Finding the shorthand is a heuristic, kept on the safe side: a run of words becomes a formula only
when it has markup (``_``, ``^``, a prime, ``∂``, ``Σ``) or a relation between mathematical atoms
(``i = k``, ``λ > 0``); ordinary words (two letters or more, bar a few products such as ``yz``),
dotted names (``bce.likelihood``) and snake_case names are never taken for mathematics, and a
formula that cannot be spelt (an unknown character, a backslash) stays text. The caller decides
whether a spelt formula can be printed (publishing validates it for every format) and keeps the
text otherwise.

:func:`written_form` says what a student's written answer is: a formula (LaTeX, possibly between
``$$``), prose with formulas between ``$``, or prose.

>>> [(piece.math, piece.text) for piece in prose_pieces("so ∂L/∂z_k = ŷ_k − y_k, as claimed")]
[(False, 'so '), (True, '\\partial L/\\partial z_{k} = \\hat{y}_{k} - y_{k}'), (False, ', as claimed')]
>>> written_form(r"L = - \sum y_i \log(\hat{y}_i)").kind
'math'
>>> written_form("MSE is a linear function").kind
'prose'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from symcheck.printing.notation import greek_name

__all__ = ["ProsePiece", "WrittenForm", "prose_pieces", "shorthand_latex", "written_form"]


@dataclass(frozen=True)
class ProsePiece:
    """A piece of a sentence: text as written (``math`` False) or a formula's LaTeX body (``math`` True).

    ``source`` is the formula as it stood in the sentence (``$…$`` included), for a caller that
    cannot print the LaTeX and shows the source instead.
    """

    text: str
    math: bool = False
    source: str = ""
    dollars: bool = False
    """True for a formula written between ``$`` (LaTeX by its author), False for the shorthand."""
    code: bool = False
    """LaTeX source named in a sentence (``\\begin{cases} is not supported``): shown as code, not typeset."""


@dataclass(frozen=True)
class WrittenForm:
    """What a student's written answer is: ``math`` (``latex`` holds the body), or ``prose``
    (``pieces`` hold its text and any formulas between ``$``)."""

    kind: Literal["math", "prose"]
    latex: str = ""
    pieces: tuple[ProsePiece, ...] = ()


# --------------------------------------------------------------------------- LaTeX between dollars

_DOLLAR_MATH = re.compile(r"(?<!\\)\$\$((?:[^$\\]|\\.)+?)\$\$|(?<![\\$])\$(?!\$)((?:[^$\\]|\\.)+?)\$", re.DOTALL)
"""``$…$``, and ``$$…$$`` in a sentence (set inline there); not ``\\$``."""


def prose_pieces(text: str) -> tuple[ProsePiece, ...]:
    """``text`` cut into text and formulas: ``$…$`` as written, the Unicode shorthand spelt as LaTeX."""
    pieces: list[ProsePiece] = []
    position = 0
    for match in _DOLLAR_MATH.finditer(text):
        pieces.extend(_shorthand_pieces(text[position : match.start()]))
        body = match.group(1) if match.group(1) is not None else match.group(2)
        pieces.append(ProsePiece(body.strip(), math=True, source=match.group(), dollars=True))
        position = match.end()
    pieces.extend(_shorthand_pieces(text[position:]))
    return _merged(pieces)


def _merged(pieces: list[ProsePiece]) -> tuple[ProsePiece, ...]:
    merged: list[ProsePiece] = []
    for piece in pieces:
        if not piece.text and not piece.math:
            continue
        plain = not (piece.math or piece.code)
        if merged and plain and not (merged[-1].math or merged[-1].code):
            merged[-1] = ProsePiece(merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return tuple(merged)


# --------------------------------------------------------------------------- a student's answer

_TEXT_GROUP = re.compile(r"\\(?:text|mathrm|textrm|mbox|operatorname|mathit|textit|textbf|mathbf)\s*\{[^{}]*\}")
_TWO_WORDS = re.compile(r"(?<![\\A-Za-z])([A-Za-z]{2,})\s+([A-Za-z]{2,})(?![A-Za-z])")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ALIGNMENT = re.compile(r"(?<!\\)&|\\\\")


def written_form(text: str) -> WrittenForm:
    """A formula (``$$…$$``, or LaTeX without words), or prose (words, ``$…$`` formulas)."""
    stripped = text.strip()
    if "$$" in stripped:  # formulas the sheet set apart: each one typeset, words between them as words
        segments = [segment.strip() for segment in stripped.split("$$") if segment.strip()]
        if all(not _is_prose(segment) and "$" not in segment for segment in segments):
            return WrittenForm("math", latex=r" \qquad ".join(_unaligned(segment) for segment in segments))
        return WrittenForm("prose", pieces=prose_pieces(stripped))
    if "$" in stripped or _is_prose(stripped):
        return WrittenForm("prose", pieces=prose_pieces(stripped))
    return WrittenForm("math", latex=_unaligned(stripped))


def _unaligned(latex: str) -> str:
    """A row cut from an aligned block: its ``&`` and ``\\\\`` align nothing here."""
    return latex if "\\begin" in latex else " ".join(_ALIGNMENT.sub(" ", latex).split())


def _is_prose(text: str) -> bool:
    """Two words in a row, one of three letters or more, outside ``\\text{…}``: a sentence, not a formula."""
    bare = _TEXT_GROUP.sub(" ", text)
    bare = re.sub(r"\\[A-Za-z]+", " ", bare)
    return any(max(len(first), len(second)) >= 3 for first, second in _TWO_WORDS.findall(bare))


def bold_spans(text: str) -> list[tuple[str, bool]]:
    """``**…**`` (Markdown bold, as students type it) split out: (text, bold) pairs."""
    spans: list[tuple[str, bool]] = []
    position = 0
    for match in _BOLD.finditer(text):
        if match.start() > position:
            spans.append((text[position : match.start()], False))
        spans.append((match.group(1), True))
        position = match.end()
    if position < len(text):
        spans.append((text[position:], False))
    return spans


# --------------------------------------------------------------------------- the Unicode shorthand

_FUNCTIONS = {
    "log": r"\log",
    "ln": r"\ln",
    "exp": r"\exp",
    "sin": r"\sin",
    "cos": r"\cos",
    "tan": r"\tan",
    "tanh": r"\tanh",
    "max": r"\max",
    "min": r"\min",
    "lim": r"\lim",
    "det": r"\det",
}
_OPERATOR_NAMES = frozenset({"softmax", "sigmoid", "diag", "log1p", "argmax", "argmin", "LeakyReLU", "ReLU", "tr"})
_FUNCTION_WORDS = frozenset(_FUNCTIONS) | _OPERATOR_NAMES
_FUNCTION_NAME = re.compile(
    "(?<![A-Za-z])(?:" + "|".join(sorted(_FUNCTION_WORDS, key=len, reverse=True)) + ")(?![a-z])"
)
"""Words that are mathematics in a formula (``log ŷ_c``, ``softmax(z)``), never on their own."""
_SHORT_WORDS = frozenset(
    (
        "am",
        "an",
        "as",
        "at",
        "be",
        "by",
        "do",
        "go",
        "he",
        "id",
        "ie",
        "if",
        "in",
        "is",
        "it",
        "me",
        "my",
        "no",
        "of",
        "ok",
        "on",
        "or",
        "so",
        "to",
        "up",
        "us",
        "vs",
        "we",
        "eg",
    )
)
"""Two-letter words of English; any other two letters standing alone (``yz``) are a product."""
_WORDS = _SHORT_WORDS | frozenset(
    ("the", "and", "for", "not", "are", "has", "was", "but", "its", "all", "any", "one", "two", "how", "why")
)
"""Short words of English, never a product of variables even beside markup."""

_RELATIONS = frozenset("=≠≈≤≥<>∈∉←→↦≡∝")
_OPERATORS = _RELATIONS | frozenset("−-+×·/±⊙~|")
_ALLOWED = frozenset("()[]{}.,'^_* \u0302") | frozenset("−-+×·/±⊙~|=≠≈≤≥<>∈∉←→↦≡∝")
_STRONG_MARKS = frozenset("*_^∂Σ∑Π∏∇′″‖√ᵀ⁰¹²³⁴⁵⁶⁷⁸⁹⁻₀₁₂₃₄₅₆₇₈₉")
"""A token with one of these is mathematics on its own: markup, a derivative, a sum, a power."""
_OPEN, _CLOSE = "([{", ")]}"
_END_PUNCTUATION = ",;:.?!"
_QUOTED_END = re.compile(r"[“”‘’\"«»][)\]}.,;:?!“”‘’\"'«»]*$")
_QUOTES = "“”‘’\"'«»"
_IDENTIFIER = re.compile(r"[A-Za-z]\w*\.[A-Za-z_]\w*|\w*_[A-Za-z]{4,}\w*|\w*[A-Za-z]/[A-Za-z]{2,}\w*")
"""``bce.likelihood``, ``one_hot``, ``ml_theory/answer``: names and paths, never mathematics."""
_NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?")
_LETTERS = re.compile(r"[A-Za-z]{2,}")
_SOURCE_TOKEN = re.compile(r"\\[A-Za-z]{2,}")
"""A LaTeX command in a sentence: the sentence names source, which is shown as code."""
_LONE = re.compile(r"(?<![\w.])[^\W\d_]\u0302?(?![\w'’]|\.\w)")
"""A letter standing alone, which may name a variable (``for every x``)."""
_SHORT_RUN = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,3}(?![A-Za-z])")
_HYPHENATED = re.compile(r"[A-Za-z]{2,}-[A-Za-z]|[A-Za-z]-[A-Za-z]{2,}")
"""``log-softmax``, ``k-th``, ``one-hot``: words."""
_ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z]{2,5}(?![A-Za-z])")


def _letter(char: str) -> bool:
    return char.isalpha() and (char.isascii() or greek_name(char) is not None or char in "ŷŶȳℓ")


def _kind(token: str) -> str:
    """``word``, ``strong`` (mathematics on its own), ``relation``, ``operator``, ``atom`` (a letter,
    a number, a call such as ``σ(z)``: mathematics next to other mathematics) or ``function``."""
    if _IDENTIFIER.search(token):
        return "word"
    if "\\" in token or "$" in token or any(quote in token for quote in _QUOTES):
        return "word"
    if any(char in _STRONG_MARKS for char in token):
        return "strong" if _mathematical(token) else "word"
    if all(char in _OPERATORS for char in token):
        return "relation" if any(char in _RELATIONS for char in token) else "operator"
    inner = token.strip(_OPEN + _CLOSE + "−-")
    if inner in _FUNCTIONS:
        return "function"  # log ŷ_c, max z: an argument follows
    if inner in _OPERATOR_NAMES:
        return "word"  # "the softmax": a noun, unless it is called, softmax(z)
    if not inner:
        return "atom" if token else "word"
    if _NUMBER.fullmatch(inner):
        return "atom"
    if len(inner) == 2 and inner.isascii() and inner.isalpha() and inner.lower() not in _SHORT_WORDS:
        return "atom"
    return "atom" if _mathematical(token) else "word"


def _mathematical(token: str) -> bool:
    """Only letters standing alone (or function names), numbers, operators and brackets."""
    if _HYPHENATED.search(token):
        return False
    bare = token
    if any(mark in token for mark in "(_^∂/"):
        bare = _ACRONYM.sub("", bare)  # BCE(y_1), ∂MSE/∂z: a named function, as capitals
    bare = _FUNCTION_NAME.sub("", bare)
    if any(char in _STRONG_MARKS for char in token):  # (XᵀXw)_j, (Xv)_i: letters side by side multiply
        bare = _SHORT_RUN.sub(lambda run: "" if run.group().lower() not in _WORDS else run.group(), bare)
    bare = re.sub(r"[_^]\{?[A-Za-z0-9]+\}?", "", bare)  # scripts may hold letters: S_xx, z_{ik}
    if _LETTERS.search(bare):
        return False
    return all(
        _letter(char) or char.isdigit() or char in _ALLOWED or char in _SYMBOLS or char in _ACCENTED or char in _SCRIPTS
        for char in bare
    )


@dataclass(frozen=True)
class _Token:
    text: str
    space: str
    """The whitespace after the token."""


_SPACE = re.compile(r"\s+")


def _tokens(text: str) -> list[_Token]:
    """Whitespace-separated tokens, a ``{…}`` group kept whole (``e^{z_j − β}``) when it closes."""
    tokens: list[_Token] = []
    position = 0
    length = len(text)
    while position < length:
        end = position
        while end < length and not text[end].isspace():
            closing = _closing_brace(text, end) if text[end] == "{" else None
            end = end + 1 if closing is None else closing + 1
        space = _SPACE.match(text, end)
        space_end = space.end() if space else end
        tokens.append(_Token(text[position:end], text[end:space_end]))
        position = space_end
    return tokens


def _closing_brace(text: str, opening: int) -> int | None:
    depth = 0
    for position in range(opening, len(text)):
        if text[position] == "{":
            depth += 1
        elif text[position] == "}":
            depth -= 1
            if depth == 0:
                return position
    return None


def _shorthand_pieces(text: str) -> list[ProsePiece]:
    """Plain text with the formulas of its shorthand found and spelt as LaTeX."""
    marked = any(char in _STRONG_MARKS or char in _OPERATORS for char in text)
    if not text or not (marked or _LONE.search(text) or _SOURCE_TOKEN.search(text)):
        return [ProsePiece(text)] if text else []
    leading = text[: len(text) - len(text.lstrip())]
    tokens = _tokens(text.lstrip())
    pieces: list[ProsePiece] = [ProsePiece(leading)] if leading else []
    run: list[tuple[str, str, str]] = []  # (kind, token, space after)

    def flush() -> None:
        pieces.extend(_run_pieces(run))
        run.clear()

    sentence_start = True
    for token in tokens:
        core, before, after = _split_punctuation(token.text)
        if _SOURCE_TOKEN.search(core):
            flush()
            pieces.extend(
                (ProsePiece(before), ProsePiece(core, code=True, source=core), ProsePiece(after + token.space))
            )
            sentence_start = False
            continue
        kind = _kind(core) if core else "word"
        if core == "A" and sentence_start:
            kind = "word"  # the article, not the matrix A
        sentence_start = token.text.rstrip(_QUOTES + ")").endswith((".", "!", "?", ":"))
        if kind == "word":
            flush()
            pieces.append(ProsePiece(token.text + token.space))
            continue
        if before:
            flush()
            pieces.append(ProsePiece(before))
        if after:
            run.append((kind, core, ""))
            flush()
            pieces.append(ProsePiece(after + token.space))
        else:
            run.append((kind, core, token.space))
    flush()
    return pieces


def _split_punctuation(token: str) -> tuple[str, str, str]:
    """A token as (core, punctuation before, punctuation after): quotes before and after, and the
    sentence's ``,;:.?!`` after, unless a bracket of the token is still open (``max(z,``)."""
    start = 0
    while start < len(token) and token[start] in _QUOTES:
        start += 1
    end = len(token)
    while end > start and (token[end - 1] in _QUOTES or token[end - 1] in _END_PUNCTUATION):
        if token[end - 1] == "." and token[start:end].endswith(".."):
            break  # x_1..x_n
        end -= 1
    quoted = _QUOTED_END.search(token, start, end)
    if quoted is not None:  # δ_kc”) : the quotation ends, then the sentence's bracket
        end = quoted.start()
    core = token[start:end]
    trailing = token[end:]
    if trailing and trailing[0] in _END_PUNCTUATION and _depth(core) > 0:
        core, trailing = core + trailing[0], trailing[1:]
    return core, token[:start], trailing


def _depth(text: str) -> int:
    return sum(char in _OPEN for char in text) - sum(char in _CLOSE for char in text)


def _run_pieces(run: list[tuple[str, str, str]]) -> list[ProsePiece]:
    """A run of mathematical tokens: one formula when it qualifies, else the text as written.

    Sentence punctuation inside an open bracket belongs to the formula (``max(z, 0)``); a comma at
    depth 0 has already ended the run. Operators at either end, an unmatched bracket and an article
    ``a`` before a formula are left to the text around it.
    """
    if not run:
        return []
    split = _unclosed(run)
    if split is not None and split > 0:
        return [*_run_pieces(run[:split]), *_run_pieces(run[split:])]
    items = list(run)
    prefix: list[str] = []
    suffix: list[str] = []
    if len(items) > 1 and items[0][1] == "a" and items[1][0] not in ("operator", "relation"):
        prefix.append(items[0][1] + items[0][2])
        items = items[1:]
    while items and (items[0][0] == "relation" or (items[0][0] == "operator" and items[0][1] not in "−-+")):
        prefix.append(items[0][1] + items[0][2])
        items = items[1:]
    while items and items[-1][0] in ("operator", "relation"):
        suffix.insert(0, items[-1][1] + items[-1][2])
        items = items[:-1]
    if not items:
        return [ProsePiece("".join(prefix + suffix))]
    body = "".join(token + space for _, token, space in items)
    trailing_space = body[len(body.rstrip()) :]
    body = body.rstrip()
    body, opened, closed = _balanced(body)
    kinds = [kind for kind, _, _ in items]
    relation_between = "relation" in kinds[1:-1] and sum(kind in ("atom", "strong") for kind in kinds) >= 2
    operation_between = "operator" in kinds[1:-1] and any(
        kind == "atom" and any(_letter(char) for char in token) for kind, token, _ in items
    )
    qualifies = (
        "strong" in kinds or relation_between or operation_between or (len(items) == 1 and _lone_letter(items[0][1]))
    )
    latex = shorthand_latex(body) if qualifies else None
    if latex is None:
        return [ProsePiece("".join(prefix) + opened + body + closed + trailing_space + "".join(suffix))]
    pieces = [ProsePiece("".join(prefix) + opened)] if prefix or opened else []
    pieces.append(ProsePiece(latex, math=True, source=body))
    pieces.append(ProsePiece(closed + trailing_space + "".join(suffix)))
    return pieces


def _unclosed(run: list[tuple[str, str, str]]) -> int | None:
    """The index of the token that opens a bracket the run never closes (``(n_i is an OCR slip``)."""
    depth = 0
    opened: list[int] = []
    for index, (_, token, _) in enumerate(run):
        for char in token:
            if char in _OPEN:
                opened.append(index)
                depth += 1
            elif char in _CLOSE and opened:
                opened.pop()
                depth -= 1
    return opened[0] if opened else None


def _lone_letter(token: str) -> bool:
    """A variable named in a sentence (``x``, ``K``, ``θ``, ``ŷ``); not the words ``a`` and ``I`` (nor
    ``A`` starting a sentence, which the caller has made a word)."""
    if token in _ACCENTED or (len(token) == 2 and token[1] in _COMBINING and token[0].isascii()):
        return True
    return len(token) == 1 and _letter(token) and token not in "aI"


def _balanced(body: str) -> tuple[str, str, str]:
    """``body`` without unmatched opening brackets at its start and closing ones at its end."""
    opened = ""
    closed = ""
    while body and body[0] in _OPEN and _unmatched_opening(body):
        opened += body[0]
        body = body[1:]
    while body and body[-1] in _CLOSE and _depth(body) < 0:
        closed = body[-1] + closed
        body = body[:-1]
    if body.startswith("(") and _matching(body, 0) == len(body) - 1:  # "(k = i)": the brackets are the prose's
        return body[1:-1], opened + "(", ")" + closed
    return body, opened, closed


def _matching(body: str, opening: int) -> int | None:
    depth = 0
    for position in range(opening, len(body)):
        if body[position] in _OPEN:
            depth += 1
        elif body[position] in _CLOSE:
            depth -= 1
            if depth == 0:
                return position
    return None


def _unmatched_opening(body: str) -> bool:
    """Whether the bracket at ``body[0]`` is never closed."""
    depth = 0
    for char in body:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth == 0:
                return False
    return True


# --------------------------------------------------------------------------- spelling the shorthand

_SYMBOLS = {
    "−": "-",
    "·": r"\cdot ",
    "×": r"\times ",
    "±": r"\pm ",
    "≤": r"\leq ",
    "≥": r"\geq ",
    "≠": r"\neq ",
    "≈": r"\approx ",
    "∈": r"\in ",
    "∉": r"\notin ",
    "←": r"\leftarrow ",
    "→": r"\to ",
    "↦": r"\mapsto ",
    "⊙": r"\odot ",
    "∞": r"\infty ",
    "~": r"\sim ",
    "∝": r"\propto ",
    "≡": r"\equiv ",
    "…": r"\ldots ",
    "∂": r"\partial ",
    "∇": r"\nabla ",
    "Σ": r"\sum ",
    "∑": r"\sum ",
    "Π": r"\prod ",
    "∏": r"\prod ",
    "‖": r"\| ",
    "ℓ": r"\ell ",
    "√": r"\surd ",
    "½": r"\tfrac{1}{2}",
    "⊤": r"\top ",
    "ℝ": r"\mathbb{R}",
    "′": "'",
    "″": "''",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
}
_ACCENTED = {"ŷ": r"\hat{y}", "Ŷ": r"\hat{Y}", "ȳ": r"\bar{y}"}
_COMBINING = {"\u0302": "hat", "\u0304": "bar", "\u0303": "tilde"}
_SUPERSCRIPT = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵀ", [*"0123456789", "-", "T"], strict=True))
_SUBSCRIPT = dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789", strict=True))
_SCRIPTS = frozenset(_SUPERSCRIPT) | frozenset(_SUBSCRIPT)
_LATEX_CAPITALS = frozenset(
    ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega")
)
_PLAIN = frozenset("0123456789.,;:()[]|=+-/<>! '")
_COMMAND_SPACE = re.compile(r"(\\[A-Za-z]+) (?=[_^(),'/}])")
"""The space after a command is only needed before a letter: ``\\sum_{j}``, ``\\sigma(z)``."""
_SCIENTIFIC = re.compile(r"(\d(?:\.\d+)?)e([+-]?)0*(\d+)")


def shorthand_latex(text: str) -> str | None:
    """The LaTeX of a formula written in the Unicode shorthand, or None when it cannot be spelt.

    >>> shorthand_latex("Π_i p(x_i)^{y_i} (1 − p(x_i))^{1−y_i}")
    '\\\\prod_{i} p(x_{i})^{y_{i}} (1 - p(x_{i}))^{1-y_{i}}'
    """
    if text.lstrip()[:1] in ("^", "_", ""):
        return None  # a script with nothing to attach to is not a formula
    try:
        latex = _Speller(text).spell()
    except ValueError:
        return None
    latex = _COMMAND_SPACE.sub(r"\1", " ".join(latex.split()))
    return None if latex[:1] in ("^", "_") else latex


class _Speller:
    """One pass over the shorthand, character by character (scripts read their argument)."""

    def __init__(self, text: str) -> None:
        self.text = _SCIENTIFIC.sub(lambda m: f"{m[1]}×10^{{{'-' if m[2] == '-' else ''}{m[3]}}}", text)
        self.position = 0

    def spell(self, stop: str | None = None) -> str:
        out: list[str] = []
        while self.position < len(self.text):
            char = self.text[self.position]
            if stop is not None and char == stop:
                return "".join(out)
            out.append(self._one(char))
        if stop is not None:
            raise ValueError("unclosed group")
        return "".join(out)

    def _one(self, char: str) -> str:
        text = self.text
        if char in "_^":
            self.position += 1
            return f"{char}{{{self._script(char)}}}"
        if char == "{":
            self.position += 1
            inner = self.spell("}")
            self.position += 1
            return rf"\{{{inner}\}}"
        if char == "}":
            raise ValueError("unmatched }")
        if text.startswith("..", self.position):
            self.position += 2
            while self.position < len(text) and text[self.position] == ".":
                self.position += 1
            return r", \ldots, "  # x_1..x_n is x_1, …, x_n
        if char.isascii() and char.isalpha():
            return self._word()
        if char == " " and self._between_numbers():
            self.position += 1
            return r"\ "  # [1 0 0]: the space between two numbers is the writer's
        self.position += 1
        if char in _SUPERSCRIPT or char in _SUBSCRIPT:
            table, mark = (_SUPERSCRIPT, "^") if char in _SUPERSCRIPT else (_SUBSCRIPT, "_")
            script = [table[char]]
            while self.position < len(text) and text[self.position] in table:
                script.append(table[text[self.position]])
                self.position += 1
            return f"{mark}{{{''.join(script)}}}"
        if char in _PLAIN:
            return char
        if char == "*":
            return "^{*}"  # w*, the optimum
        if char in _SYMBOLS:
            return _SYMBOLS[char]
        if char in _ACCENTED:
            return _ACCENTED[char] + self._combining_accents()
        return self._greek(char) + self._combining_accents()

    def _between_numbers(self) -> bool:
        before = self.text[: self.position].rstrip()
        after = self.text[self.position :].lstrip()
        return bool(before) and bool(after) and before[-1].isdigit() and after[0].isdigit()

    def _combining_accents(self) -> str:
        if self.position < len(self.text) and self.text[self.position] in _COMBINING:
            raise ValueError("an accent on an accented letter")
        return ""

    def _greek(self, char: str) -> str:
        name = greek_name(char)
        if name is None:
            raise ValueError(f"no spelling for {char!r}")
        if name[0].isupper() and name not in _LATEX_CAPITALS:
            raise ValueError(f"no LaTeX command for {name}")
        return f"\\{name} "

    def _word(self) -> str:
        """A run of Latin letters: a function name, or letters side by side (a product, ``yz``)."""
        text = self.text
        start = self.position
        while self.position < len(text) and text[self.position].isascii() and text[self.position].isalnum():
            self.position += 1
        word = text[start : self.position]
        for name in sorted(_FUNCTION_WORDS, key=len, reverse=True):
            if word == name or (word.startswith(name) and word[len(name) :].isdigit() and name not in _FUNCTIONS):
                break
        else:
            name = ""
        if name:
            self.position = start + len(name)
            return _FUNCTIONS[name] + " " if name in _FUNCTIONS else rf"\operatorname{{{name}}}"
        capitals = _ACRONYM.match(text, start)
        if capitals is not None:
            self.position = capitals.end()
            return rf"\operatorname{{{capitals.group()}}}"
        self.position = start + 1
        letter = text[start]
        if self.position < len(text) and text[self.position] in _COMBINING:
            accent = _COMBINING[text[self.position]]
            self.position += 1
            return rf"\{accent}{{{letter}}}"
        return letter

    def _script(self, mark: str) -> str:
        """The argument of ``_`` or ``^``: a ``{…}`` group, a sign and digits, or a run of letters and digits."""
        text = self.text
        if self.position >= len(text):
            raise ValueError(f"{mark} at the end")
        char = text[self.position]
        if char == "{":
            self.position += 1
            inner = self.spell("}")
            self.position += 1
            return inner
        start = self.position
        if char in "−-" and self.position + 1 < len(text) and text[self.position + 1].isdigit():
            self.position += 1
        while self.position < len(text) and text[self.position].isascii() and text[self.position].isalnum():
            self.position += 1
        if self.position > start:
            return text[start : self.position].replace("−", "-")
        if _letter(char) or char in _ACCENTED:
            self.position += 1
            return _ACCENTED.get(char) or self._greek(char)
        raise ValueError(f"{mark} before {char!r}")
