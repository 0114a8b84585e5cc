r"""Where the answers are in a submission's text: its formulas, its part headings, its sentences.

* **Formulas**: ``$…$``, ``\(…\)`` (inline), ``$$…$$``, ``\[…\]`` and display environments such as
  ``align*`` (display), anywhere outside code, comments and a LaTeX preamble.
* **Headings** start a part. They are found at the start of a line, after Markdown or LaTeX markup
  (``#``, ``**``, ``- ``, ``\section*{…}``, ``\item[…]``): ``Answer 1``, ``Ans 2``, ``Question 2``,
  ``Q2 — …``, ``Problem 3`` name a question; ``(b)``, ``b)``, ``b.``, ``Part (b)`` a part of the current
  question; ``2(c)``, ``2c)``, ``2.c``, ``Q2(c)`` both. A numbered list item (``- 1) MSE assumes …``)
  is not a question. ``a) contd.`` continues the part it is in. Where OCR runs a line together
  (``… $z : D_a \times m$ (b) We have …``), a marker of the *next* part in the middle of a line
  starts that part too, and so does one at the head of a display formula (``$$(c) \frac…$$``).
* **Sentences**: the prose between formulas and headings, split at sentence ends, blank lines and
  list items; inline formulas stay inside the sentence that holds them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from symcheck.submission import Formula, Heading, Sentence

__all__ = ["Layout", "find_layout"]

_DISPLAY_ENVIRONMENTS = (
    "equation",
    "equation*",
    "align",
    "align*",
    "aligned",
    "gather",
    "gather*",
    "gathered",
    "multline",
    "multline*",
    "eqnarray",
    "eqnarray*",
    "displaymath",
    "flalign",
    "flalign*",
    "alignat",
    "alignat*",
)
_ENVIRONMENT = re.compile(r"\\begin\{(" + "|".join(re.escape(name) for name in _DISPLAY_ENVIRONMENTS) + r")\}")

_QUESTION_WORD = r"(?:answer|ans|question|qn|qu|q|problem|prob|exercise|ex|task|solution|sol)"
_MARKUP = re.compile(
    r"^(?:[ \t]*(?:#{1,6}[ \t]*|>[ \t]*|[-*+•][ \t]+|\*\*|__|\*|_|\\textbf\{|\\textit\{|\\emph\{|\\noindent\s*))*"
)
_LIST_NUMBER = re.compile(r"^[ \t]*(?:[-*+•][ \t]+)(\d+)[.)]")
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # question and part together: Q2(c), 2(c), 2c), 2.c, 1. (a), Question 2 (c), Ans 2b
    (re.compile(_QUESTION_WORD + r"\.?\s*(\d+)\s*[.:\-–—]?\s*\(([a-z])\)", re.I), "qp"),
    (re.compile(_QUESTION_WORD + r"\.?\s*(\d+)\s*([a-z])\)?(?![a-z])", re.I), "qp"),
    (re.compile(r"(\d+)\s*\(([a-z])\)"), "qp"),
    (re.compile(r"(\d+)([a-z])\)"), "qp"),
    (re.compile(r"(\d+)\.\s?\(?([a-z])[).:](?!\d)"), "qp"),
    (re.compile(r"(\d+)\.([a-z])(?![a-z])"), "qp"),
    # a question alone: Answer 1, Ans 2, Q2 — …, Question 3:, Problem 1
    (re.compile(_QUESTION_WORD + r"\.?\s*(\d+)(?![\d(])", re.I), "q"),
    # a part alone: (b), b), b., Part (b), Part b
    (re.compile(r"part\s*\(?([a-z])\)?(?![a-z])", re.I), "p"),
    (re.compile(r"\(([a-z])\)"), "p"),
    (re.compile(r"([a-z])\)"), "p"),
    (re.compile(r"([a-z])\.(?=\s|$)"), "p"),
)
_CONTINUED = re.compile(r"\s*\)?\s*(?:\(?\s*)?(?:contd|cont'd|cont\.|continued|ctd)\b", re.I)
_LATEX_HEADING = re.compile(r"^[ \t]*\\(?:section|subsection|subsubsection|paragraph|subparagraph)\*?\{([^{}\n]*)\}")
_LATEX_ITEM = re.compile(r"^[ \t]*\\item\s*(?:\[([^\]\n]*)\])?")
_ENUMERATE = re.compile(r"\\begin\{enumerate\}(\[[^\]\n]*\])?|\\end\{enumerate\}")
_MID_LINE_PART = re.compile(r"(?<=\s)\(([a-z])\)(?=\s+(?:[A-Z$\\]))")
_DISPLAY_PART = re.compile(r"\s*\(([a-z])\)\s*")
_BULLET = re.compile(r"^[ \t]*(?:[-*+•]|\d+[.)]|\\item(?:\[[^\]\n]*\])?)[ \t]+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[ \t]+(?=\S)|(?<=[.!?])$", re.MULTILINE)
_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class Layout:
    headings: tuple[Heading, ...]
    formulas: tuple[Formula, ...]
    sentences: tuple[Sentence, ...]


def _is_masked(offset: int, masked: tuple[tuple[int, int], ...]) -> bool:
    return any(start <= offset < end for start, end in masked)


def _escaped(text: str, position: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= 0 and text[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _closing(text: str, position: int, closer: str, *, same_paragraph: bool) -> int:
    """The offset of ``closer`` after ``position`` (unescaped), or −1; inline math stays in its paragraph."""
    while True:
        found = text.find(closer, position)
        if found == -1:
            return -1
        if same_paragraph and "\n\n" in text[position:found]:
            return -1
        if not _escaped(text, found):
            return found
        position = found + 1


def _math_spans(text: str, masked: tuple[tuple[int, int], ...]) -> Iterator[tuple[int, int, int, int, str]]:
    """Every formula as (outer start, outer end, body start, body end, delimiter), in order."""
    position = 0
    length = len(text)
    while position < length:
        character = text[position]
        if character not in "$\\" or _is_masked(position, masked) or _escaped(text, position):
            position += 1
            continue
        span = _one_span(text, position)
        if span is None:
            position += 1
            continue
        yield span
        position = span[1]


def _one_span(text: str, position: int) -> tuple[int, int, int, int, str] | None:
    if text.startswith("$$", position):
        close = _closing(text, position + 2, "$$", same_paragraph=False)
        return None if close == -1 else (position, close + 2, position + 2, close, "$$")
    if text.startswith("$", position):
        close = _closing(text, position + 1, "$", same_paragraph=True)
        if close == -1 or close == position + 1:
            return None
        return position, close + 1, position + 1, close, "$"
    for opener, closer in (("\\[", "\\]"), ("\\(", "\\)")):
        if text.startswith(opener, position):
            close = _closing(text, position + 2, closer, same_paragraph=opener == "\\(")
            return None if close == -1 else (position, close + 2, position + 2, close, opener)
    environment = _ENVIRONMENT.match(text, position)
    if environment is not None:
        name = environment.group(1)
        end_marker = f"\\end{{{name}}}"
        close = text.find(end_marker, environment.end())
        if close == -1:
            return None
        end = close + len(end_marker)
        return position, end, position, end, name
    return None


def _line_bounds(text: str, start: int, end: int) -> tuple[bool, bool]:
    """Whether only whitespace stands before ``start`` and after ``end`` on their lines."""
    before = text.rfind("\n", 0, start) + 1
    after = text.find("\n", end)
    after = len(text) if after == -1 else after
    return not text[before:start].strip(), not text[end:after].strip()


# --------------------------------------------------------------------------- headings


def _match_heading(line: str, letters: frozenset[str]) -> tuple[str | None, str | None, int] | None:
    """(question, letter, length of the marker) of a heading at the start of ``line``, if it is one."""
    for pattern, kind in _PATTERNS:
        found = pattern.match(line)
        if found is None:
            continue
        if kind == "qp":
            question, letter = found.group(1), found.group(2).lower()
            if letter not in letters:
                continue
            return question, letter, found.end()
        if kind == "q":
            return found.group(1), None, found.end()
        letter = found.group(1)
        if letter.lower() != letter or letter not in letters:
            continue
        return None, letter, found.end()
    return None


class _Headings:
    """Scans lines for headings; knows the current question and letter for mid-line markers."""

    def __init__(self, text: str, letters: frozenset[str], latex: bool) -> None:
        self.text = text
        self.letters = letters
        self.latex = latex
        self.found: list[Heading] = []
        self.letter: str | None = None
        self.enumerations: list[int] = []

    def add(self, start: int, end: int, question: str | None, letter: str | None, continued: bool) -> None:
        self.found.append(Heading(start, end, self.text[start:end], question, letter, continued))
        if letter is not None and not continued:
            self.letter = letter
        elif question is not None and letter is None:
            self.letter = None

    def next_letter(self) -> str | None:
        if self.letter is None:
            return "a"
        following = chr(ord(self.letter) + 1)
        return following if following in self.letters else None

    def line(self, start: int, end: int) -> None:
        line = self.text[start:end]
        if self.latex and self._latex_line(start, line):
            return
        numbered = _LIST_NUMBER.match(line)
        markup = _MARKUP.match(line)
        offset = markup.end() if markup else 0
        found = _match_heading(line[offset:], self.letters)
        if found is None:
            return
        question, letter, length = found
        if numbered is not None and letter is None:
            return  # "- 1) MSE assumes …" is a list item, not question 1
        marker_end = start + offset + length
        continued = bool(_CONTINUED.match(self.text, marker_end, end))
        self.add(start + offset, marker_end, question, letter, continued)

    def _latex_line(self, start: int, line: str) -> bool:
        for found in _ENUMERATE.finditer(line):
            if found.group(0).startswith("\\end"):
                if self.enumerations:
                    self.enumerations.pop()
            else:
                lettered = found.group(1) is not None and re.search(r"\(?a\)?|alph", found.group(1)) is not None
                self.enumerations.append(0 if lettered else -1)
        heading = _LATEX_HEADING.match(line)
        if heading is not None:
            found = _match_heading(heading.group(1).strip(), self.letters)
            if found is not None:
                question, letter, _ = found
                self.add(start + heading.start(1), start + heading.end(1), question, letter, False)
            return True
        item = _LATEX_ITEM.match(line)
        if item is None:
            return False
        if item.group(1) is not None:
            found = _match_heading(item.group(1).strip(), self.letters)
            if found is not None:
                self.add(start + item.start(1), start + item.end(1), found[0], found[1], False)
            return True
        if self.enumerations and self.enumerations[-1] >= 0:
            self.enumerations[-1] += 1
            letter = chr(ord("a") + self.enumerations[-1] - 1)
            if letter in self.letters:
                self.add(start + item.start(), start + item.end(), None, letter, False)
        return True


def _headings(
    text: str,
    masked: tuple[tuple[int, int], ...],
    spans: list[tuple[int, int, int, int, str]],
    letters: frozenset[str],
    latex: bool,
) -> list[Heading]:
    scanner = _Headings(text, letters, latex)
    displays = [(outer_start, outer_end) for outer_start, outer_end, *_, delimiter in spans if delimiter != "$"]
    inline = [(outer_start, outer_end) for outer_start, outer_end, *_, delimiter in spans if delimiter == "$"]
    position = 0
    for line in text.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        if _is_masked(start, masked) or any(a <= start < b for a, b in displays):
            continue
        scanner.line(start, end)
        for found in _MID_LINE_PART.finditer(text, start, end):
            inside = any(a <= found.start() < b for a, b in inline) or _is_masked(found.start(), masked)
            if found.group(1) == scanner.next_letter() and found.start() > start + 1 and not inside:
                scanner.add(found.start(), found.end(), None, found.group(1), False)
    for _outer_start, _, body_start, body_end, delimiter in spans:
        if delimiter == "$":
            continue
        found = _DISPLAY_PART.match(text, body_start, body_end)
        if found is not None and found.group(1) in letters:
            scanner.found.append(
                Heading(
                    found.start(1) - 1,
                    found.end(1) + 1,
                    text[found.start(1) - 1 : found.end(1) + 1],
                    None,
                    found.group(1),
                )
            )
    return sorted(scanner.found, key=lambda heading: heading.start)


# --------------------------------------------------------------------------- sentences


def _sentences(
    text: str,
    masked: tuple[tuple[int, int], ...],
    displays: list[tuple[int, int]],
    headings: list[Heading],
) -> Iterator[tuple[int, int]]:
    """Spans of prose sentences: between displays, headings and masks, split at sentence ends."""
    cuts = sorted([*masked, *displays, *((heading.start, heading.end) for heading in headings)])
    segments: list[tuple[int, int]] = []
    position = 0
    for start, end in cuts:
        if start > position:
            segments.append((position, start))
        position = max(position, end)
    segments.append((position, len(text)))
    for start, end in segments:
        yield from _split_prose(text, start, end)


def _split_prose(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    segment = text[start:end]
    breaks = {0, len(segment)}
    breaks.update(match.start() for match in re.finditer(r"\n[ \t]*\n", segment))
    breaks.update(match.start() for match in _BULLET.finditer(segment))
    inline = [match.span() for match in re.finditer(r"(?<!\\)\$[^$\n]+\$|\\\(.*?\\\)", segment)]
    for match in _SENTENCE_END.finditer(segment):
        cut = match.start()
        if not any(a < cut < b for a, b in inline) and not re.search(r"\d\.$", segment[max(0, cut - 2) : cut]):
            breaks.add(cut)
    ordered = sorted(breaks)
    for first, last in itertools.pairwise(ordered):
        piece = segment[first:last]
        stripped = piece.strip()
        bullet = _BULLET.match(stripped + " ")
        if bullet is not None:
            lead = piece.find(stripped) + bullet.end()
            piece_start = first + min(lead, len(piece))
        else:
            piece_start = first + (len(piece) - len(piece.lstrip()))
        piece_end = first + len(piece.rstrip())
        if piece_end > piece_start and _WORD.search(_without_math(segment[piece_start:piece_end])):
            yield start + piece_start, start + piece_end


def _without_math(text: str) -> str:
    return re.sub(r"(?<!\\)\$[^$]*\$|\\\(.*?\\\)|\\[A-Za-z]+", " ", text)


# --------------------------------------------------------------------------- the whole layout


def _heading_index(headings: list[Heading], offset: int) -> int:
    index = -1
    for position, heading in enumerate(headings):
        if heading.start <= offset:
            index = position
        else:
            break
    return index


def find_layout(text: str, masked: tuple[tuple[int, int], ...], letters: frozenset[str], *, latex: bool) -> Layout:
    """The headings, formulas and sentences of ``text`` (``letters``: the part letters a heading may name)."""
    spans = list(_math_spans(text, masked))
    headings = _headings(text, masked, spans, letters, latex)
    formulas = []
    for outer_start, outer_end, body_start, body_end, delimiter in spans:
        display_part = _DISPLAY_PART.match(text, body_start, body_end) if delimiter != "$" else None
        if display_part is not None and display_part.group(1) in letters:
            body_start = display_part.end()
        if body_start >= body_end or not text[body_start:body_end].strip():
            continue
        first, last = _line_bounds(text, outer_start, outer_end)
        formulas.append(
            Formula(
                start=body_start,
                end=body_end,
                body=text[body_start:body_end],
                display=delimiter not in ("$", "\\("),
                delimiter=delimiter,
                heading=_heading_index(headings, body_start),
                line_start=first,
                line_end=last,
            )
        )
    displays = [
        (outer_start, outer_end) for outer_start, outer_end, *_, delimiter in spans if delimiter not in ("$", "\\(")
    ]
    sentences = tuple(
        Sentence(start, end, text[start:end], _heading_index(headings, start))
        for start, end in _sentences(text, masked, displays, headings)
    )
    return Layout(tuple(headings), tuple(formulas), sentences)
