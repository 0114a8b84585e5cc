"""MathML for the HTML pages, converted from our LaTeX by latex2mathml and checked on the way.

latex2mathml is lenient to a fault: an unknown command becomes an identifier that shows
``\\foo`` on the page, an unbalanced brace is dropped, ``\\frac{1}`` yields a fraction with one
child, ``%`` silently comments out the rest, and text containing ``<`` or ``&`` comes out as
malformed XML. A published solution sheet must never show any of that, so :func:`mathml`
checks the source before converting and the MathML tree after, raises :class:`MathMLError` naming
the offending command when something is wrong, and serialises the tree itself so the result is
always well-formed XML.

latex2mathml is imported inside :func:`mathml` (it is only needed when HTML is built).

>>> mathml(r"\\delta_{i k}").split("<mrow>", 1)[1]
'<msub><mi>δ</mi><mrow><mi>i</mi><mi>k</mi></mrow></msub></mrow></math>'
>>> mathml(r"\\foo{x}")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
  ...
symcheck.printing.mathml.MathMLError: unknown command \\foo (latex2mathml would ...)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from symcheck.errors import SymcheckError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["MathMLError", "mathml", "mathml_forms"]


class MathMLError(SymcheckError):
    """LaTeX that cannot be turned into faithful MathML; ``command`` names the culprit when known."""

    def __init__(self, reason: str, *, source: str, command: str | None = None) -> None:
        self.reason = reason
        self.source = source
        self.command = command
        shown = source if len(source) <= 80 else source[:77] + "..."
        super().__init__(f"cannot convert LaTeX {shown!r} to MathML: {reason}")


_MACRO_DEFINITIONS = frozenset(
    {
        r"\def",
        r"\edef",
        r"\gdef",
        r"\let",
        r"\newcommand",
        r"\renewcommand",
        r"\providecommand",
        r"\newenvironment",
        r"\renewenvironment",
        r"\DeclareMathOperator",
    }
)
"""Refused outright: symcheck never expands user macros (and latex2mathml's expansion is unbounded)."""

_ARITY = {"mfrac": 2, "mroot": 2, "msub": 2, "msup": 2, "munder": 2, "mover": 2, "msubsup": 3, "munderover": 3}
"""MathML elements with a fixed number of children; fewer means latex2mathml lost an argument."""

_LATEX2MATHML_ERRORS = {
    "NumeratorNotFoundError": ("a fraction has no numerator", r"\over"),
    "DenominatorNotFoundError": ("a fraction has no denominator", r"\over"),
    "ExtraLeftOrMissingRightError": (r"\left and \right do not pair up", r"\left"),
    "MissingSuperScriptOrSubscriptError": ("a ^ or _ has no script after it", "^"),
    "DoubleSubscriptsError": ("double subscript: group it, x_{a b}", "_"),
    "DoubleSuperscriptsError": ("double superscript: group or parenthesise it", "^"),
    "MissingEndError": (r"a \begin{...} has no matching \end{...}", r"\begin"),
    "InvalidAlignmentError": ("invalid column alignment in an array", r"\begin{array}"),
    "InvalidWidthError": ("invalid width", None),
    "InvalidStyleForGenfracError": (r"invalid style argument to \genfrac", r"\genfrac"),
    "LimitsMustFollowMathOperatorError": (r"\limits does not follow an operator", r"\limits"),
}

_ALIGNED = re.compile(r"\\(begin|end)\s*\{aligned\}")
"""amsmath's ``aligned`` (what one writes inside ``$$``) is ``align*`` to latex2mathml, which lacks it."""
_COMMAND = re.compile(r"\\[A-Za-z]+\*?")
_ESCAPE_OR_COMMAND = re.compile(r"\\(?:[A-Za-z]+\*?|.)", re.DOTALL)
_RAW_BACKSLASH = re.compile(r"\\(?:[A-Za-z]+|.|$)", re.DOTALL)
_BEGIN = re.compile(r"\\begin\s*\{([^}]*)\}")
_ENTITY = re.compile(r"&#x([0-9A-Fa-f]+);")
_STRAY_AMPERSAND = re.compile(r"&(?!#x[0-9A-Fa-f]+;)")


def mathml(latex_source: str, *, display: bool = False, operator_spacing: bool = True) -> str:
    """MathML (a ``<math>`` element, as text) for ``latex_source``, a LaTeX math body without ``$``.

    ``display`` selects block (display) rather than inline layout. Raises :class:`MathMLError`
    when the LaTeX is malformed or uses something latex2mathml would render wrongly.
    ``operator_spacing`` puts TeX's thin spaces around named operators (``1 \\log 0.1``), which
    browsers do not add by themselves; a consumer that spaces operators itself (Typst) turns it off.
    """
    spaced, unspaced = mathml_forms(latex_source, display=display)
    return spaced if operator_spacing else unspaced


def mathml_forms(latex_source: str, *, display: bool = False) -> tuple[str, str]:
    """The MathML of :func:`mathml` with and without operator spacing, from one conversion."""
    from xml.etree.ElementTree import tostring

    from latex2mathml.converter import convert_to_element

    _check_source(latex_source)
    try:
        element = convert_to_element(
            _ALIGNED.sub(r"\\\1{align*}", latex_source), display="block" if display else "inline"
        )
    except RecursionError as error:
        raise MathMLError("nesting is too deep", source=latex_source) from error
    except Exception as error:  # latex2mathml signals every malformed input with some exception
        reason, command = _LATEX2MATHML_ERRORS.get(
            type(error).__name__, ("the input ends inside a command or group", _last_command(latex_source))
        )
        raise MathMLError(reason, source=latex_source, command=command) from error
    _check_tree(element, latex_source)
    _decode_entities(element)
    _ordinary_dots_and_punctuation(element)
    unspaced = tostring(element, encoding="unicode")
    _space_operators(element)
    return tostring(element, encoding="unicode"), unspaced


def _check_source(source: str) -> None:
    """Problems latex2mathml would not report: braces, unknown environments, macros, %, $, #."""
    depth = 0
    opened: list[int] = []
    position = 0
    while position < len(source):
        char = source[position]
        if char == "\\":
            position += 2  # an escaped character (\{ \} \% \\ ...) or the first letter of a command
            continue
        if char == "{":
            opened.append(position)
            depth += 1
        elif char == "}":
            if depth == 0:
                raise MathMLError(f"unbalanced '}}' at offset {position}", source=source, command="}")
            opened.pop()
            depth -= 1
        elif char in "%$#":
            meaning = {"%": "starts a comment", "$": "ends math mode", "#": "is a macro parameter"}[char]
            raise MathMLError(
                f"unescaped '{char}' at offset {position} {meaning}; write \\{char}", source=source, command=char
            )
        position += 1
    if opened:
        raise MathMLError(f"unbalanced '{{' at offset {opened[-1]} is never closed", source=source, command="{")
    for command in _commands(source):
        if command in _MACRO_DEFINITIONS:
            raise MathMLError(f"{command} defines a macro, which is not supported", source=source, command=command)
    supported = _supported_environments()
    for environment in _BEGIN.findall(source):
        if environment.strip() not in supported:
            command = rf"\begin{{{environment}}}"
            raise MathMLError(f"unsupported environment {command}", source=source, command=command)


def _supported_environments() -> frozenset[str]:
    from latex2mathml import commands

    return frozenset(name.lstrip("\\") for name in commands.MATRICES) - {"substack"} | {"aligned"}


def _check_tree(element: Element, source: str) -> None:
    """Problems visible only in the result: commands left as text, stray &, lost arguments."""
    for node in element.iter():
        for text in (node.text, node.tail):
            if not text:
                continue
            raw = _RAW_BACKSLASH.search(text)
            if raw:
                what = "unknown command" if _COMMAND.fullmatch(raw.group()) else "unprocessed escape"
                raise MathMLError(
                    f"{what} {raw.group()} (latex2mathml would print it literally)",
                    source=source,
                    command=raw.group(),
                )
            if _STRAY_AMPERSAND.search(text):
                raise MathMLError("'&' outside an alignment environment", source=source, command="&")
        expected = _ARITY.get(node.tag)
        if expected is not None and len(node) != expected:
            raise MathMLError(
                f"<{node.tag}> has {len(node)} of its {expected} parts: an argument is missing",
                source=source,
                command=_last_command(source),
            )


_DOTS = frozenset("…⋯∂∇∞")
"""Symbols TeX sets as ordinary atoms that latex2mathml writes as operators (spaced by a browser)."""
_PUNCTUATION = frozenset(";:")


def _ordinary_dots_and_punctuation(element: Element) -> None:
    """``\\dots``, ``\\partial``, ``\\nabla``, ``\\infty`` and ``/`` as ordinary atoms and ``;`` as
    punctuation, as TeX sets them.

    latex2mathml writes ``\\dots`` and ``\\partial`` as operators, which a browser spaces
    (``y₁, … ,yₙ``, ``∂S/ ∂z``), and ``;`` as an identifier, which it does not space at all (``xₙ;θ``).
    """
    for node in element.iter():
        text = (node.text or "").strip()
        if node.tag == "mo" and text in _DOTS and not node.attrib:
            node.tag = "mi"
        elif node.tag == "mi" and text in _PUNCTUATION and not node.attrib:
            node.tag = "mo"
        elif node.tag == "mo" and text == "/" and not node.attrib:
            node.set("lspace", "0")  # an ordinary symbol in TeX: a/b, ∂L/∂z
            node.set("rspace", "0")


def _decode_entities(element: Element) -> None:
    """latex2mathml stores characters as ``&#x…;`` text; make them characters so serialising escapes right."""
    for node in element.iter():
        if node.text:
            node.text = _ENTITY.sub(lambda match: chr(int(match[1], 16)), node.text)
        if node.tail:
            node.tail = _ENTITY.sub(lambda match: chr(int(match[1], 16)), node.tail)


def _commands(source: str) -> list[str]:
    """The control words of ``source`` in order (``\\\\def`` is a line break then "def", not \\def)."""
    return [token for token in _ESCAPE_OR_COMMAND.findall(source) if _COMMAND.fullmatch(token)]


def _last_command(source: str) -> str | None:
    commands = _commands(source)
    return commands[-1] if commands else None


# --------------------------------------------------------------------------- operator spacing

_FUNCTION_NAMES = frozenset(
    (
        "arccos",
        "arcsin",
        "arctan",
        "arg",
        "ch",
        "cos",
        "cosh",
        "cot",
        "coth",
        "csc",
        "deg",
        "det",
        "dim",
        "exp",
        "gcd",
        "hom",
        "inf",
        "ker",
        "lg",
        "lim",
        "ln",
        "log",
        "max",
        "min",
        "sec",
        "sh",
        "sin",
        "sinh",
        "sup",
        "tan",
        "tanh",
        "th",
    )
)
"""Named operators that latex2mathml prints as ``<mi>`` (\\log, \\sin, \\exp, ...); every alphabetic
``<mo>`` (\\max, \\lim, \\det, \\operatorname{diag}) is one too."""
_BINARY_NAMES = frozenset({"mod"})
"""``\\bmod`` is a binary operator, spaced by the browser like ``+``."""
_ROWS = frozenset({"math", "mrow", "mstyle", "mtd", "msqrt", "mpadded", "mphantom", "menclose", "merror"})
"""Elements whose children are set one after the other: where spaces between atoms belong."""
_SCRIPTED = frozenset({"msub", "msup", "msubsup", "munder", "mover", "munderover"})
_LARGE_OPERATORS = frozenset("∑∏∐∫∬∭∮⋃⋂⋁⋀⨁⨂⨀")
_OPENING = frozenset("([{⟨⌈⌊")
_CLOSING = frozenset(")]}⟩⌉⌋")
_SIGNS = frozenset("−-+±∓")
THIN_SPACE = "0.1667em"
"""TeX's thin space (3 mu), the space between a named operator and an ordinary atom."""


def _tag(node: Element) -> str:
    return node.tag.rsplit("}", 1)[-1]


def _named_operator(node: Element) -> bool:
    """An operator atom in TeX's sense: ``log``, ``max``, ``diag``, or one with scripts (``\\max_i``, ``\\log_2``)."""
    tag = _tag(node)
    if tag in _SCRIPTED and len(node):
        return _named_operator(node[0])
    text = (node.text or "").strip()
    if tag == "mi":
        return text in _FUNCTION_NAMES
    if tag == "mo":
        return text not in _BINARY_NAMES and any(char.isalpha() for char in text)
    return False


def _large_operator(node: Element) -> bool:
    tag = _tag(node)
    if tag in _SCRIPTED and len(node):
        return _large_operator(node[0])
    return tag == "mo" and (node.text or "").strip() in _LARGE_OPERATORS


def _opens(node: Element) -> bool:
    """An opening fence, alone or starting a fenced row (``(``, ``\\left(``)."""
    tag = _tag(node)
    if tag == "mrow" and len(node):
        return _opens(node[0])
    if tag != "mo":
        return False
    return node.get("form") == "prefix" or (node.text or "").strip() in _OPENING


def _space_before(previous: Element, first: bool) -> bool:
    """Whether TeX puts a thin space between ``previous`` and a named operator after it."""
    if _named_operator(previous) or _large_operator(previous):
        return True
    if _tag(previous) == "mo":
        text = (previous.text or "").strip()
        return text in _CLOSING or (first and text in _SIGNS)  # Close–Op, and a leading sign is an ordinary atom
    return _tag(previous) != "mspace"


def _space_after(following: Element) -> bool:
    """Whether TeX puts a thin space between a named operator and ``following``: not before ``(``,
    nor before an operator that brings its own space (``+``, ``=``, ``,``)."""
    if _named_operator(following) or _large_operator(following):
        return True
    if _opens(following):
        return False
    return _tag(following) not in ("mo", "mspace")


def _thin_space(template: Element) -> Element:
    return template.makeelement("mspace", {"width": THIN_SPACE})


def _core_operator(node: Element) -> Element:
    while _tag(node) in _SCRIPTED and len(node):
        node = node[0]
    return node


def _space_operators(element: Element) -> None:
    """TeX's spacing around named operators, which MathML leaves to the browser and browsers omit.

    ``1 \\log 0.1`` came out as "1log0.1": a browser spaces an ``<mo>`` by its operator
    dictionary, but ``log`` is an ``<mi>``, and an alphabetic ``<mo>`` (``max``) gets the
    dictionary's default thick spaces on both sides, before a parenthesis too. Following TeX's
    table of spacing between atom classes (an ordinary atom, a closing fence or another operator
    next to an operator: a thin space; an operator before an opening fence or a binary operator:
    none), explicit ``<mspace>`` elements are inserted and such ``<mo>`` get no spaces of their own.
    """
    for node in list(element.iter()):
        if _tag(node) not in _ROWS:
            continue
        children = list(node)
        if not any(_named_operator(child) for child in children):
            continue
        spaced: list[Element] = []
        for position, child in enumerate(children):
            if _named_operator(child):
                core = _core_operator(child)
                if _tag(core) == "mo":
                    core.set("lspace", "0")
                    core.set("rspace", "0")
                spaced_already = bool(spaced) and _tag(spaced[-1]) == "mspace"
                if position > 0 and not spaced_already and _space_before(children[position - 1], position == 1):
                    spaced.append(_thin_space(child))
                spaced.append(child)
                if position + 1 < len(children) and _space_after(children[position + 1]):
                    spaced.append(_thin_space(child))
            else:
                spaced.append(child)
        for child in children:
            node.remove(child)
        node.extend(spaced)
