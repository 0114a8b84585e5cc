r"""Grade any student's sheet for a homework from one key per homework: claim by claim, with a verdict,
the correct value, a corrected formula and a diagnosis.

>>> from symcheck.grading import grade_submission, locate_homework
>>> homework = locate_homework("ml-theory")                       # doctest: +SKIP
>>> report = grade_submission(homework, "alice.md")               # doctest: +SKIP
>>> report.coverage                                               # doctest: +SKIP

A homework key (TOML, one per homework) describes the questions, never a student's text: its parts
and their data, the quantities a student may state with their correct values from the library, the
statements in words that count and their misconceptions, the notation students use, and points
(:mod:`symcheck.grading._homework`). The grader finds the claims of any sheet by itself
(:mod:`symcheck.grading._collect`, :mod:`symcheck.grading._claims`, :mod:`symcheck.grading._sentences`),
and every verdict is computed: numbers at the precision written, formulas by the engine's checks, and
mistakes recognised from a catalogue (:data:`MISTAKES`).

Untrusted text (sheets, keys) is never evaluated: LaTeX goes through :mod:`symcheck.reader` and
SymPy syntax through :func:`symcheck.pyexpr.read_sympy`.
"""

from symcheck.grading._class import ClassReport, grade_class
from symcheck.grading._grade import grade_submission, grade_text
from symcheck.grading._homework import CHECKS, load_homework
from symcheck.grading._locate import locate_homework, submissions_in
from symcheck.grading._mistakes import MISTAKES, Mistake
from symcheck.grading._spec import Homework

__all__ = [
    "CHECKS",
    "MISTAKES",
    "ClassReport",
    "Homework",
    "Mistake",
    "grade_class",
    "grade_submission",
    "grade_text",
    "load_homework",
    "locate_homework",
    "submissions_in",
]
