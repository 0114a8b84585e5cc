"""The samples' README tables agree with the truth tables the grading tests score against.

Each homework's ``samples/README.md`` shows, per sheet, how many claims a teacher grades and how many are
correct and wrong; ``tests/grading/truth/<homework>/<stem>.toml`` holds those claims one by one. A truth entry
changed (a line judged right under error carried forward) without its README row is caught here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRUTH = Path(__file__).resolve().parent / "truth"
HOMEWORKS = {"ml_theory": "ml_theory", "regression": "regression"}
ROW = re.compile(
    r"^\| \[`?(?P<file>[\w.]+)`?\]\([\w.]+\) \|.*\| (?P<claims>\d+) \| (?P<correct>\d+) \| (?P<wrong>\d+) \|$"
)


def _rows(folder: str) -> dict[str, tuple[int, int, int]]:
    text = (ROOT / "derivations" / "sheets" / folder / "samples" / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        found = ROW.match(line)
        if found:
            rows[Path(found["file"]).stem] = (int(found["claims"]), int(found["correct"]), int(found["wrong"]))
    return rows


CASES = [(folder, stem) for folder in HOMEWORKS for stem in sorted(p.stem for p in (TRUTH / folder).glob("*.toml"))]


@pytest.mark.parametrize(("folder", "stem"), CASES, ids=[f"{f}-{s}" for f, s in CASES])
def test_the_readme_row_counts_the_truth_table(folder: str, stem: str) -> None:
    claims = tomllib.loads((TRUTH / folder / f"{stem}.toml").read_text(encoding="utf-8"))["claim"]
    truths = [claim["truth"] for claim in claims]
    counted = (len(truths), truths.count("correct"), truths.count("wrong"))
    assert _rows(folder).get(stem) == counted
