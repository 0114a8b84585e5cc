"""Typst math for formulas that exist only as LaTeX in a report, through their validated MathML.

Steps of a derivation are printed for Typst by the Typst printer from their SymPy statements. A
grader's expected answer or correction, a step's "compared with" and a reading's expected value
reach publishing as LaTeX only. Typst cannot read LaTeX without ``@preview`` packages (which need
the network), so those formulas take the road the HTML already takes: LaTeX → MathML by
:func:`symcheck.printing.mathml`, which validates it, then this translation of the MathML tree
into Typst. Translating a tree is exact where parsing LaTeX text would guess: every fraction,
script, fence and table is already an element.

Only the MathML that latex2mathml produces is handled; any other element raises
:class:`TypstMathError`, so nothing is silently dropped from a PDF.

>>> mathml_to_typst('<math><mfrac><mi>a</mi><mn>2</mn></mfrac></math>')
'frac(a, 2)'
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from functools import lru_cache

from symcheck.errors import SymcheckError

__all__ = ["TypstMathError", "mathml_to_typst"]


class TypstMathError(SymcheckError):
    """MathML with an element or attribute the translation does not know."""


_ESCAPED = frozenset("\\$#\"_^/&@*'()[]{},;<>~|")
"""Characters with a meaning in Typst math (scripts, fractions, calls, alignment, shorthands):
escaped with a backslash wherever they stand for themselves. ``,`` and ``;`` are escaped because
inside a call's argument they would separate arguments."""

_ACCENTS = {
    "^": "hat",
    "ˆ": "hat",
    "̂": "hat",
    "~": "tilde",
    "˜": "tilde",
    "̃": "tilde",
    "¯": "macron",
    "‾": "overline",
    "-": "macron",
    "˙": "dot",
    ".": "dot",
    "¨": "dot.double",
    "→": "arrow",
    "⃗": "arrow",
    "ˇ": "caron",
    "˘": "breve",
    "´": "acute",
    "`": "grave",
}
_VARIANTS = {
    "normal": "upright",
    "bold": "bold",
    "italic": "italic",
    "double-struck": "bb",
    "script": "cal",
    "fraktur": "frak",
    "sans-serif": "sans",
    "monospace": "mono",
}
_MATRIX_DELIMITERS = {("(", ")"): '"("', ("[", "]"): '"["', ("|", "|"): '"|"', ("‖", "‖"): '"||"', ("{", "}"): '"{"'}
_SPACES = ((0.2, "thin"), (0.25, "med"), (0.3, "thick"), (1.0, "quad"), (2.0, "wide"))
"""MathML widths (em) and the Typst space nearest to each."""
_EM = re.compile(r"^\s*(-?\d*\.?\d+)\s*em\s*$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _string(text: str) -> str:
    """A Typst string literal (text in math is set upright, as \\text{} is)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _character(char: str) -> str:
    return "\\" + char if char in _ESCAPED else char


class _Translator:
    """One method per MathML element, in the manner of a SymPy printer (``_<tag>``)."""

    def convert(self, node: ElementTree.Element) -> str:
        method: Callable[[ElementTree.Element], str] | None = getattr(self, "_" + _local(node.tag), None)
        if method is None:
            raise TypstMathError(f"<{_local(node.tag)}> has no Typst translation")
        return method(node)

    def _children(self, node: ElementTree.Element) -> str:
        return " ".join(part for part in (self.convert(child) for child in node) if part)

    # --- containers ---------------------------------------------------------------------------

    def _math(self, node: ElementTree.Element) -> str:
        return self._children(node)

    def _mstyle(self, node: ElementTree.Element) -> str:
        inner = self._children(node)
        return f"display({inner})" if node.get("displaystyle") == "true" else inner

    _mpadded = _math

    def _mrow(self, node: ElementTree.Element) -> str:
        children = list(node)
        if children and _is_fence(children[0], "prefix"):
            opening = children[0].text or ""
            closing_node = children[-1] if len(children) > 1 and _is_fence(children[-1], "postfix") else None
            closing = (closing_node.text or "") if closing_node is not None else ""
            inner_nodes = children[1:-1] if closing_node is not None else children[1:]
            if len(inner_nodes) == 1 and _local(inner_nodes[0].tag) == "mtable":
                return self._fenced_table(inner_nodes[0], opening, closing)
            inner = " ".join(part for part in (self.convert(child) for child in inner_nodes) if part)
            left = _character(opening) if opening not in ("", ".") else ""
            right = _character(closing) if closing not in ("", ".") else ""
            return "lr(" + " ".join(part for part in (left, inner, right) if part) + ")"
        return self._children(node)

    # --- tokens -------------------------------------------------------------------------------

    def _mi(self, node: ElementTree.Element) -> str:
        text = node.text or ""
        variant = node.get("mathvariant")
        if not text:
            return ""
        if len(text) == 1:
            body = _character(text)
            if variant is None or variant == "italic":
                return body
        else:
            if variant is None or variant == "normal":
                return f"op({_string(text)})"
            body = _string(text)
        function = _VARIANTS.get(variant or "")
        if function is None:
            raise TypstMathError(f"<mi mathvariant={variant!r}> has no Typst translation")
        return f"{function}({body})"

    def _mn(self, node: ElementTree.Element) -> str:
        text = node.text or ""
        body = text if re.fullmatch(r"\d+(?:\.\d+)?", text) else " ".join(_character(char) for char in text)
        variant = node.get("mathvariant")
        if variant is None or variant == "normal":
            return body
        function = _VARIANTS.get(variant)
        if function is None:
            raise TypstMathError(f"<mn mathvariant={variant!r}> has no Typst translation")
        return f"{function}({body})"

    def _mo(self, node: ElementTree.Element) -> str:
        text = node.text or ""
        if not text:
            return ""
        if len(text) > 1:
            limits = ", limits: #true" if node.get("movablelimits") == "true" else ""
            return f"op({_string(text)}{limits})"
        return _character(text)

    def _mtext(self, node: ElementTree.Element) -> str:
        text = node.text or ""
        if text and not text.strip():  # "\ ", a word space: Typst math drops a string of blanks
            return " ".join("thick" for _ in text)
        return _string(text) if text else ""

    def _mspace(self, node: ElementTree.Element) -> str:
        match = _EM.match(node.get("width", "0em"))
        if match is None:
            raise TypstMathError(f"<mspace width={node.get('width')!r}> has no Typst translation")
        width = float(match[1])
        if width <= 0:
            return ""
        return min(_SPACES, key=lambda space: abs(space[0] - width))[1]

    # --- layout -------------------------------------------------------------------------------

    def _base(self, node: ElementTree.Element) -> str:
        """A script's base: one atom, or a group that Typst attaches to as a whole."""
        base = self.convert(node)
        return base if _is_atom(base) else f"attach({base})" if base else '""'

    def _msub(self, node: ElementTree.Element) -> str:
        base, sub = _arguments(node, 2)
        return f"{self._base(base)}_({self.convert(sub)})"

    def _msup(self, node: ElementTree.Element) -> str:
        base, sup = _arguments(node, 2)
        return f"{self._base(base)}^({self.convert(sup)})"

    def _msubsup(self, node: ElementTree.Element) -> str:
        base, sub, sup = _arguments(node, 3)
        return f"{self._base(base)}_({self.convert(sub)})^({self.convert(sup)})"

    def _munder(self, node: ElementTree.Element) -> str:
        base, under = _arguments(node, 2)
        if node.get("accentunder") == "true" and _local(under.tag) == "mo" and (under.text or "") in "_‾¯":
            return f"underline({self.convert(base)})"
        return f"limits({self.convert(base)})_({self.convert(under)})"

    def _mover(self, node: ElementTree.Element) -> str:
        base, over = _arguments(node, 2)
        mark = (over.text or "").strip() if _local(over.tag) == "mo" else None
        if node.get("accent") == "true" and mark in _ACCENTS:
            return f"{_ACCENTS[mark]}({self.convert(base)})"
        return f"limits({self.convert(base)})^({self.convert(over)})"

    def _munderover(self, node: ElementTree.Element) -> str:
        base, under, over = _arguments(node, 3)
        return f"limits({self.convert(base)})_({self.convert(under)})^({self.convert(over)})"

    def _mfrac(self, node: ElementTree.Element) -> str:
        numerator, denominator = _arguments(node, 2)
        if node.get("linethickness") in ("0", "0px", "0pt", "0em"):
            return f"binom({self.convert(numerator)}, {self.convert(denominator)})"
        return f"frac({self.convert(numerator)}, {self.convert(denominator)})"

    def _menclose(self, node: ElementTree.Element) -> str:
        """``\\boxed``: the formula in a frame (the only enclosure latex2mathml writes that we accept)."""
        if node.get("notation") != "box":
            raise TypstMathError(f"<menclose notation={node.get('notation')!r}> has no Typst translation")
        return f"#box(stroke: 0.6pt, inset: (x: 3pt, y: 3pt), $display({self._children(node)})$)"

    def _msqrt(self, node: ElementTree.Element) -> str:
        return f"sqrt({self._children(node)})"

    def _mroot(self, node: ElementTree.Element) -> str:
        radicand, index = _arguments(node, 2)
        return f"root({self.convert(index)}, {self.convert(radicand)})"

    # --- tables -------------------------------------------------------------------------------

    def _cells(self, table: ElementTree.Element) -> list[list[str]]:
        rows = []
        for row in table:
            if _local(row.tag) != "mtr":
                raise TypstMathError(f"<{_local(row.tag)}> inside <mtable> has no Typst translation")
            cells = []
            for cell in row:
                if _local(cell.tag) != "mtd":
                    raise TypstMathError(f"<{_local(cell.tag)}> inside <mtr> has no Typst translation")
                cells.append(self._children(cell) or '""')
            rows.append(cells)
        return rows

    def _fenced_table(self, table: ElementTree.Element, opening: str, closing: str) -> str:
        rows = self._cells(table)
        if opening == "{" and closing in ("", "."):
            return "cases(" + ", ".join(" & quad ".join(row) for row in rows) + ")"
        delimiter = _MATRIX_DELIMITERS.get((opening, closing))
        if delimiter is None:
            raise TypstMathError(f"a table between {opening!r} and {closing!r} has no Typst translation")
        return f"mat(delim: {delimiter}, " + "; ".join(", ".join(row) for row in rows) + ")"

    def _mtable(self, node: ElementTree.Element) -> str:
        rows = self._cells(node)
        if _aligned(node):  # align* / aligned: Typst's own alignment points, right and left in turn
            return " \\ ".join(" & ".join("" if cell == '""' else cell for cell in row) for row in rows)
        return "mat(delim: #none, " + "; ".join(", ".join(row) for row in rows) + ")"


def _aligned(table: ElementTree.Element) -> bool:
    """An ``align*`` table as latex2mathml writes it: no space between a right- and a left-aligned column."""
    if not (table.get("columnspacing") or "").startswith("0em"):
        return False
    for row in table:
        alignments = [cell.get("columnalign") for cell in row]
        if any(
            alignment != ("right" if position % 2 == 0 else "left") for position, alignment in enumerate(alignments)
        ):
            return False
    return True


def _is_fence(node: ElementTree.Element, form: str) -> bool:
    return _local(node.tag) == "mo" and node.get("fence") == "true" and node.get("form") == form


def _arguments(node: ElementTree.Element, count: int) -> list[ElementTree.Element]:
    children = list(node)
    if len(children) != count:
        raise TypstMathError(f"<{_local(node.tag)}> has {len(children)} children instead of {count}")
    return children


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CALL = re.compile(r"[a-z][a-z.]*\(")


def _is_atom(source: str) -> bool:
    """True for one token or one call (``x``, ``\\(``, ``12``, ``"if"``, ``hat(y)``), which a script
    attaches to as a whole; anything longer is grouped with ``attach(...)`` first."""
    if len(source) == 1 or (len(source) == 2 and source[0] == "\\") or _NUMBER.fullmatch(source):
        return True
    if source.startswith('"'):
        return _skip_string(source, 0) == len(source)
    call = _CALL.match(source)
    return call is not None and _closing_parenthesis(source, call.end() - 1) == len(source) - 1


def _skip_string(source: str, position: int) -> int:
    """The offset just after the string literal that starts at ``position``."""
    position += 1
    while position < len(source) and source[position] != '"':
        position += 2 if source[position] == "\\" else 1
    return position + 1


def _closing_parenthesis(source: str, opening: int) -> int:
    """The offset of the parenthesis that closes the one at ``opening`` (escaped ones do not count)."""
    depth = 0
    position = opening
    while position < len(source):
        char = source[position]
        if char == "\\":
            position += 2
            continue
        if char == '"':
            position = _skip_string(source, position)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return -1


@lru_cache(maxsize=4096)
def mathml_to_typst(mathml_source: str) -> str:
    """Typst math (the body, without ``$``) for a ``<math>`` element produced by latex2mathml."""
    try:
        root = ElementTree.fromstring(mathml_source)
    except ElementTree.ParseError as error:
        raise TypstMathError(f"the MathML is not well-formed XML: {error}") from None
    return _Translator().convert(root)
