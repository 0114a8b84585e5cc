"""Which part of the homework each heading of a sheet starts, and so where each formula and sentence stands.

Headings are read as a student writes them: ``Answer 1`` then ``a)``, ``(b)`` …; ``2(c)`` at once; parts
in any order. A part letter without a question belongs to the question in force; before any
question it belongs to the first question that has that letter; a letter that goes back (``a)``
after ``e)``) with no new question heading starts the next question, as sheets that skip "Answer 2"
do. ``a) contd.`` continues the part in force. This is only where a formula *stands*: the part a
claim answers is the part of the quantity it turns out to be about.
"""

from __future__ import annotations

from dataclasses import dataclass

from symcheck.grading._spec import Homework
from symcheck.submission import Heading

__all__ = ["Place", "assign_parts"]


@dataclass(frozen=True)
class Place:
    """Where a heading leaves the sheet: a question (or None) and a part of it (or None)."""

    question: str | None
    part: str | None


def _first_question_with(homework: Homework, letter: str) -> str | None:
    for part in homework.parts:
        if part.letter == letter:
            return part.question_number
    return None


def _next_question(homework: Homework, question: str, letter: str) -> str | None:
    numbers = sorted({part.question_number for part in homework.parts}, key=int)
    later = [number for number in numbers if int(number) > int(question)]
    for number in later:
        if homework.part(f"{number}({letter})") is not None:
            return number
    return None


def assign_parts(homework: Homework, headings: tuple[Heading, ...]) -> list[Place]:
    """The place each heading leaves the sheet in, in order (one per heading)."""
    places: list[Place] = []
    question: str | None = None
    letter: str | None = None
    seen: set[tuple[str | None, str]] = set()
    for heading in headings:
        if (heading.question is not None and homework.question(heading.question) is not None) or (
            heading.question is not None and any(part.question_number == heading.question for part in homework.parts)
        ):
            question = heading.question
            letter = None
        if heading.letter is not None and heading.continued and letter is not None:
            places.append(places[-1] if places else Place(question, None))
            continue
        if heading.letter is not None:
            if question is None:
                question = _first_question_with(homework, heading.letter)
            elif heading.question is None and (question, heading.letter) in seen:
                question = _next_question(homework, question, heading.letter) or question
            letter = heading.letter
            seen.add((question, letter))
        part = f"{question}({letter})" if question is not None and letter is not None else None
        if part is not None and homework.part(part) is None:
            part = None
        places.append(Place(question, part))
    return places
