r"""Conditional probabilities: is ``P(… | …)`` the probability of the right variables, given the right ones?

A likelihood is the probability of the labels given the inputs (and the parameters); a sheet that
writes ``P(x_1, …, x_n | y_1, …, y_n, θ)`` has the conditioning the wrong way round. The written
text is read for the *names* on each side of the bar (subscripts, ``\dots`` and layout are left out),
so even a formula the reader cannot read as a value (``x_1 = x_1, \dots``) is graded.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from symcheck.grading._items import Item

if TYPE_CHECKING:
    from symcheck.grading._claims import ClaimMaker
    from symcheck.sheet import ClaimResult

__all__ = ["conditional_claim", "split_probability", "variables"]

_SKIPPED = {
    "dots",
    "ldots",
    "cdots",
    "left",
    "right",
    "mid",
    "quad",
    "qquad",
    "big",
    "Big",
    "middle",
    "text",
    "mathbf",
    "boldsymbol",
    "bm",
    "mathit",
    "mathrm",
    "mathcal",
    "hat",
    "bar",
    "tilde",
    "vec",
    "operatorname",
}


def variables(text: str) -> list[str]:
    """The names of the random variables and parameters in one side of ``P(… | …)``, in order."""
    names: list[str] = []
    position = 0
    while position < len(text):
        character = text[position]
        if character in "_^":
            position += 1
            if position < len(text) and text[position] == "{":
                depth = 0
                while position < len(text):
                    depth += {"{": 1, "}": -1}.get(text[position], 0)
                    position += 1
                    if depth == 0:
                        break
            else:
                position += 1
            continue
        command = re.match(r"\\([A-Za-z]+)", text[position:])
        if command:
            if command.group(1) not in _SKIPPED:
                names.append("\\" + command.group(1))
            position += len(command.group(0))
            continue
        if character.isalpha():
            names.append(character)
        position += 1
    return list(dict.fromkeys(names))


def split_probability(text: str) -> tuple[str, str] | None:
    """The two sides of the bar in the first ``P(… | …)`` of ``text``, or None."""
    start = re.search(r"\b[Pp]\s*\(", text)
    if start is None:
        return None
    depth = 0
    opening = text.index("(", start.start())
    for position in range(opening, len(text)):
        depth += {"(": 1, ")": -1}.get(text[position], 0)
        if depth == 0:
            inner = text[opening + 1 : position]
            break
    else:
        return None
    bar = re.search(r"\\mid|\\vert|\|", inner)
    if bar is None:
        return None
    return inner[: bar.start()], inner[bar.end() :].replace(";", ",")


def conditional_claim(maker: ClaimMaker, item: Item) -> ClaimResult | None:
    """The claim a ``P(… | …)`` formula makes about a conditional quantity of its part, if it is one."""
    text = maker.submission.text[item.start : item.end]
    split = split_probability(text)
    if split is None or item.part is None:
        return None
    part = maker.homework.part(item.part)
    quantity = next((q for q in part.quantities if q.kind == "conditional"), None) if part else None
    if quantity is None:
        return None
    written_of, written_given = (set(variables(side)) for side in split)
    expected_of, expected_given = set(quantity.of), set(quantity.given)
    right = written_of == expected_of and written_given == expected_given
    swapped = not right and bool(written_of & expected_given) and expected_of <= written_given
    base = maker._base(
        item, quantity.part, item.start, item.end, verdict="correct" if right else "wrong", quantity=quantity.id
    )
    return maker.wording.conditional(base, quantity, written_of, written_given, swapped)
