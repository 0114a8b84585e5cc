"""Score a grade report against a sample sheet's truth table (``tests/grading/truth/<homework>/<student>.toml``).

A truth claim is matched with the report's claims whose text overlaps it in the sheet. A wrong truth
claim is *flagged* when one of the claims it overlaps is wrong; a correct one is *called wrong* when
one of the claims that overlap it most is wrong, and *judged correct* when one of those is correct
and none is wrong. These are the bars of the issues:
at least 90% of wrong claims flagged, no correct claim called wrong, at least 75% of correct claims
judged correct.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from symcheck.reader import read_submission
from symcheck.sheet import ClaimResult, GradeReport

ROOT = Path(__file__).resolve().parents[2]
TRUTH = Path(__file__).resolve().parent / "truth"


@dataclass
class Score:
    sheet: str
    wrong: int = 0
    flagged: int = 0
    correct: int = 0
    judged_correct: int = 0
    called_wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    ungraded: list[str] = field(default_factory=list)

    @property
    def flagged_share(self) -> float:
        return self.flagged / self.wrong if self.wrong else 1.0

    @property
    def correct_share(self) -> float:
        return self.judged_correct / self.correct if self.correct else 1.0

    def line(self) -> str:
        return (
            f"{self.sheet}: wrong flagged {self.flagged}/{self.wrong} ({self.flagged_share:.0%}), "
            f"correct judged correct {self.judged_correct}/{self.correct} ({self.correct_share:.0%}), "
            f"correct called wrong {len(self.called_wrong)}"
        )


def truth_files(homework: str) -> list[Path]:
    return sorted((TRUTH / homework).glob("*.toml"))


def load_truth(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def sheet_of(homework_folder: str, truth: dict) -> Path:
    return ROOT / "derivations" / "sheets" / homework_folder / "samples" / truth["sheet"]


def _spans(text: str, written: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(written)
    while start != -1:
        spans.append((start, start + len(written)))
        start = text.find(written, start + 1)
    return spans


def _claim_spans(submission, claim: ClaimResult) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """Where a claim's text stands: at its location (the same text may occur more than once)."""
    if not claim.written:
        return []
    spans = _spans(submission.text, claim.written)
    if claim.location is None or len(spans) <= 1:
        return spans
    return [span for span in spans if _same_place(submission.place(span[0]), claim.location)] or spans


def _same_place(found, location) -> bool:  # type: ignore[no-untyped-def]
    return (found.line, found.column) == (location.line, location.column)


def _best(located: list[tuple[ClaimResult, list[tuple[int, int]]]], start: int, end: int) -> list[ClaimResult]:
    """The report's claims that best match a truth claim's text. A claim judges what ends it (the right term of
    a link ``b = c``), so claims that end where the truth claim ends come first; among those, and otherwise,
    the largest share of common characters."""
    best: list[ClaimResult] = []
    best_key = (False, 0.0)
    for claim, claim_spans in located:
        for a, b in claim_spans:
            common = min(b, end) - max(a, start)
            if common <= 0:
                continue
            share = common / (max(b, end) - min(a, start))
            key = (_same_end(b, end, a, start), share)
            if key > (best_key[0], best_key[1] + 1e-9):
                best, best_key = [claim], key
            elif key[0] == best_key[0] and abs(share - best_key[1]) <= 1e-9 and claim not in best:
                best.append(claim)
    return best


def _same_end(claim_end: int, end: int, claim_start: int, start: int) -> bool:
    """Whether a claim ends where the truth claim ends (give or take a closing period, brace or ``\\``)."""
    return abs(claim_end - end) <= 3 and claim_end > start


def score(report: GradeReport, sheet: Path, truth: dict) -> Score:
    submission = read_submission(sheet, "abcdefgh")
    text = submission.text
    located = [(claim, _claim_spans(submission, claim)) for claim in report.claims]
    result = Score(truth.get("student", sheet.stem))
    for entry in truth.get("claim", []):
        spans = _spans(text, entry["written"])
        if not spans:
            continue
        start, end = spans[0]
        overlapping = _best(located, start, end)
        verdicts = {claim.verdict for claim in overlapping}
        touching = {
            claim.verdict for claim, claim_spans in located if any(a < end and start < b for a, b in claim_spans)
        }
        label = f"{entry['part']} {entry['written'][:70]!r}"
        if entry["truth"] == "wrong":
            result.wrong += 1
            if "wrong" in touching:
                result.flagged += 1
            else:
                result.missed.append(f"{label} -> {sorted(verdicts) or 'no claim'}")
        else:
            result.correct += 1
            # wrong here: the claim that best matches it, or any claim lying within its text (a clause of it)
            inside = [
                claim
                for claim, claim_spans in located
                if claim.verdict == "wrong" and any(a >= start and b <= end + 3 for a, b in claim_spans)
            ]
            wrong = [claim for claim in overlapping if claim.verdict == "wrong"] + inside
            if wrong:
                result.called_wrong.append(label + " :: " + "; ".join(dict.fromkeys(c.diagnosis or "" for c in wrong)))
            elif "correct" in verdicts:
                result.judged_correct += 1
            else:
                result.ungraded.append(f"{label} -> {sorted(verdicts) or 'no claim'}")
    return result
