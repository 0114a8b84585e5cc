"""The README's homework key (``examples/homework_minimal``) is the file, and it grades sheets as the README says.

The key in the README's "Write a homework key" is compared with the file byte for byte (so the README never
drifts from a key that works); the example sheet gets the verdicts and score the README's console shows; and
other students' sheets for the same key (other notation, other mistakes, other headings) are graded by it too.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from grading_cases import claim_of

from symcheck.grading import grade_submission

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "homework_minimal"
KEY = EXAMPLE / "key.toml"


def _readme_key() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Write a homework key", 1)[1]
    (block,) = re.findall(r"```toml\n(.*?)```", section.split("### ", 1)[0], flags=re.S)
    return block


def test_the_readme_shows_the_example_key() -> None:
    body = KEY.read_text(encoding="utf-8").split("\n\n", 1)[1]  # the file less its opening comment
    assert _readme_key().strip() == body.strip()


def test_the_example_sheet_is_graded_as_the_readme_shows() -> None:
    report = grade_submission(KEY, EXAMPLE / "sheet.md", timeout=10.0)
    verdicts = {claim.written: claim.verdict for claim in report.claims}
    assert verdicts[r"\sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2}"] == "correct"
    assert verdicts[r"\frac{e^{-z}}{(1 + e^{-z})^2} = \sigma(z)\,(1 - \sigma(z))"] == "correct"
    assert verdicts["The sigmoid is linear in $z$, since its graph is a straight line near 0."] == "wrong"
    assert verdicts[r"L = -\log(0.8)"] == "correct"
    assert verdicts[r"L = -\log_{10}(0.8)"] == "wrong"
    assert verdicts[r"-\log_{10}(0.8) \approx 0.097"] == "correct"  # the arithmetic of a wrong line is right
    base = claim_of(report, r"L = -\log_{10}(0.8)")
    assert "log base" in base.diagnosis
    assert "0.223144" in base.correction
    assert (report.summary.get("correct"), report.summary.get("wrong")) == (5, 2)
    assert report.score == pytest.approx((2.08, 3.0), abs=0.01)


@pytest.mark.parametrize(
    ("sheet", "expected"),
    [
        # other notation (x for the logit, Leibniz's d/dx), other headings, all correct
        (
            "Q1 a)\n\n$$\\frac{d\\sigma}{dx} = \\sigma(x)(1-\\sigma(x))$$\n\n"
            "b) The loss is $L = -\\ln 0.8 = 0.2231$.\n",
            {r"\frac{d\sigma}{dx} = \sigma(x)(1-\sigma(x))": "correct", r"L = -\ln 0.8": "correct"},
        ),
        # a sign slip and a loss with the wrong label: both wrong
        (
            "## 1(a)\n\n$$\\sigma'(z) = \\sigma(z)(\\sigma(z) - 1)$$\n\n## 1(b)\n\n$$L = -\\log(0.2)$$\n",
            {r"\sigma'(z) = \sigma(z)(\sigma(z) - 1)": "wrong", r"L = -\log(0.2)": "wrong"},
        ),
        # the parts in the other order, a number rounded too far
        (
            "Answer 1(b): $L \\approx 0.3$\n\nAnswer 1(a): $\\sigma'(s) = \\frac{e^{-s}}{(1+e^{-s})^2}$\n",
            {r"L \approx 0.3": "wrong", r"\sigma'(s) = \frac{e^{-s}}{(1+e^{-s})^2}": "correct"},
        ),
    ],
    ids=["other-notation", "other-mistakes", "other-order"],
)
def test_other_sheets_are_graded_by_the_same_key(tmp_path: Path, sheet: str, expected: dict[str, str]) -> None:
    path = tmp_path / "student.md"
    path.write_text(sheet, encoding="utf-8")
    report = grade_submission(KEY, path, timeout=10.0)
    for written, verdict in expected.items():
        assert claim_of(report, written).verdict == verdict, written


def test_the_command_grades_the_example_folder() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "symcheck", "grade", str(EXAMPLE), "--json"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1, done.stderr  # a claim is wrong
    assert '"wrong": 2' in done.stdout.replace(" ", " ")
