r"""Sentences that make claims: each clause matched with the key's statements, its polarity read, then judged.

A sentence is cut into clauses (at ``;``, ``,`` and words such as *while*, *but*, *because*, *so*). A
clause matches a statement of the key when every group of the statement's patterns finds a match in
it (``[['MSE'], ['linear']]``), searched in the clause's part first, then its question, then the whole
homework. A negation in the clause outside the matched words (*not*, *no*, *never*, *non-*, *n't*)
turns the claim round: "MSE is not linear" denies "MSE is linear". The claim is right when what it
asserts is what the statement's check computed.

A clause that matches no statement but reads as a claim (it has a verb of assertion) is reported as
not graded, so that a teacher sees what the key does not yet cover.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from symcheck.grading._parts import Place, assign_parts
from symcheck.grading._spec import Statement
from symcheck.grading._statements import Fact, StatementChecker
from symcheck.sheet import ClaimResult, ClaimVerdict

if TYPE_CHECKING:
    from symcheck.grading._claims import ClaimMaker

__all__ = ["sentence_claims"]

_CLAUSE = re.compile(
    r"\s*(?:;|:(?=\s)|,?\s+(?:while|whereas|but|however|because|since|so that|so|hence|thus|which means|and then"
    r"|though|although)\b)\s*",
    re.I,
)
_NEGATION = re.compile(
    r"\b(?:not|no|none|nothing|never|cannot|can't|isn't|aren't|doesn't|don't|won't|wouldn't|neither|nor|without)\b|n't\b",
    re.I,
)
_NON = re.compile(r"\bnon[- ]?$", re.I)
_CLAIM_VERB = re.compile(
    r"\b(?:is|are|was|were|be|becomes?|makes?|gives?|equals?|assumes?|penali[sz]es?|penali[sz]ed|pushe[sd]|pulls?|"
    r"maps?|transforms?|lies?|holds?|has|have|will|would|can|cannot|causes?|leads?|prevents?|reduces?|shrinks?|"
    r"increases?|decreases?|vanish(?:es)?|explodes?|overflows?|converges?|minimi[sz]es?|maximi[sz]es?|means?)\b",
    re.I,
)
_MATH = re.compile(r"(?<!\\)\$[^$]*\$|\\\(.*?\\\)")


_BRACKETS = re.compile(r"\[[^\]\n]{0,40}\]|\([^)\n]{0,40}\)|\{[^}\n]{0,40}\}")
_CONDITION = re.compile(r"^\W*(?:\d+\)\s*)?(?:if|when|else|where|for|in the case|whenever|exception)\b", re.I)


def _clauses(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each clause of a sentence, inline formulas and brackets (``[0, 1]``) kept whole.

    A colon ends a clause only after a few words (``… is used for feature selection: it simplifies``),
    not after a heading-like stub (``MSE bad: non-convex``), whose words the rest of the clause needs.
    """
    protected = [match.span() for match in _MATH.finditer(text)]
    protected += [match.span() for match in _BRACKETS.finditer(text)]
    start = 0
    for match in _CLAUSE.finditer(text):
        if any(a <= match.start() < b for a, b in protected):
            continue
        if match.group().strip() == ":" and len(re.findall(r"[A-Za-z]{2,}", text[start : match.start()])) < 4:
            continue
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _plain(text: str) -> str:
    """A clause as words: inline maths kept as its source, Markdown emphasis dropped."""
    return re.sub(r"\*\*|__|(?<!\w)[*_](?!\w)", "", text)


def _matches(statement: Statement, clause: str) -> list[tuple[int, int]] | None:
    """The spans that match every pattern group of ``statement`` in ``clause``, or None."""
    spans = []
    for group in statement.match:
        found = None
        for pattern in group:
            hit = re.search(pattern, clause, re.I)
            if hit is not None:
                found = hit.span()
                break
        if found is None:
            return None
        spans.append(found)
    return spans


def _whole_word(text: str, span: tuple[int, int]) -> bool:
    a, b = span
    return (a == 0 or not text[a - 1].isalnum()) and (b >= len(text) or not text[b].isalnum())


def _negated(clause: str, spans: list[tuple[int, int]]) -> bool:
    """Whether a negation governs the claim: one shortly before its last matched words (``is not linear``,
    ``non linear``), not one that qualifies something after them (``Gaussian noise, not Bernoulli``)."""
    last = max(spans, key=lambda span: span[0])
    if _NON.search(clause[max(0, last[0] - 4) : last[0]]):
        return True  # "non-linear", "non convex"
    window_start = max(0, last[0] - 40, clause.rfind(",", 0, last[0]) + 1)
    before = clause[window_start : last[0]]
    inside = [(a - window_start, b - window_start) for a, b in spans if a < last[0]]
    outside = "".join(" " if any(a <= i < b for a, b in inside) else char for i, char in enumerate(before))
    return len(_NEGATION.findall(outside)) % 2 == 1


def _statements_for(maker: ClaimMaker, place: Place) -> Iterator[Statement]:
    """The part's own statements, then its question's, then the others'. A misconception of another part is not
    searched: said in another part it may be about another object (the ridge Hessian *is* positive definite,
    the least-squares one need not be), and a sheet must never be marked wrong on a guess at its subject."""
    parts = maker.homework.parts
    own = maker.homework.part(place.part) if place.part else None
    if own is not None:
        yield from own.statements
    others = [p for p in parts if p is not own and p.question_number == place.question]
    others += [p for p in parts if p.question_number != place.question]
    for part in others:  # one group of words ('same') is too little to say which question a sentence answers
        yield from (s for s in part.statements if own is None or (s.misconception is None and len(s.match) > 1))


def _verdict(fact: Fact, asserted: bool) -> ClaimVerdict:
    if fact.truth is None:
        return "undecided"
    if fact.truth == asserted:
        return "correct"
    if asserted and fact.loose is not None:
        return "imprecise"
    return "wrong"


def _claim(maker: ClaimMaker, statement: Statement, fact: Fact, asserted: bool, start: int, end: int) -> ClaimResult:
    verdict = _verdict(fact, asserted)
    claim = statement.claim if asserted else f"Not so: {statement.claim[0].lower()}{statement.claim[1:]}"
    base = maker._base(None, statement.part, start, end, verdict=verdict, quantity=statement.id)  # type: ignore[arg-type]
    result = replace(
        base,
        kind="statement",
        statement=claim,
        derivation=statement.derivation,
        evidence=fact.evidence,
        expected=fact.holds or None,
    )
    if verdict == "correct":
        return replace(result, explanation=f"Right: ${fact.holds}$." if fact.holds else "Right.")
    if verdict == "undecided":
        return replace(result, explanation="Not decided: the computation behind this statement did not settle it.")
    if verdict == "imprecise":
        sentence = (
            f"Loosely put: the two are not equal, but one is a strictly monotone function of the other, "
            f"${fact.loose}$, so optimising one optimises the other."
        )
        return replace(result, correction=fact.loose, diagnosis=sentence, explanation=sentence)
    if asserted:
        words = statement.misconception or f"It is not so: ${fact.holds}$."
        sentence = f"{fact.hint} {words}" if fact.hint else words
    else:
        sentence = f"It is so: {statement.claim[0].lower()}{statement.claim[1:]}"
    correction = (statement.misconception or fact.holds) if asserted else statement.claim
    result = replace(result, mistake=statement.id)
    return replace(
        result,
        correction=correction,
        diagnosis=sentence,
        explanation=f"{sentence} (${fact.holds}$)." if fact.holds and asserted else sentence,
    )


def statement_claim(maker: ClaimMaker, statement: Statement, asserted: bool, start: int, end: int) -> ClaimResult:
    """The claim a sheet makes by asserting (or denying) one of the key's statements, judged by its check."""
    checker = getattr(maker, "_checker", None)
    if checker is None:
        checker = StatementChecker(maker.homework, maker.judge.resolver, maker.judge.comparer, maker.judge.table)
        maker._checker = checker  # type: ignore[attr-defined]
    return _claim(maker, statement, checker.fact(statement), asserted, start, end)


def sentence_claims(maker: ClaimMaker, guarded: Callable) -> Iterator[tuple[int, ClaimResult]]:
    """Every claim the sheet's sentences make (graded or not), with the offset where each starts."""
    submission = maker.submission
    places = assign_parts(maker.homework, submission.headings)
    checker = getattr(maker, "_checker", None) or StatementChecker(
        maker.homework, maker.judge.resolver, maker.judge.comparer, maker.judge.table
    )
    maker._checker = checker  # type: ignore[attr-defined]
    for sentence in submission.sentences:
        place = places[sentence.heading] if sentence.heading >= 0 else Place(None, None)
        previous = ""
        produced: list[tuple[int, int, ClaimResult]] = []
        for start, end in _clauses(sentence.text):
            clause = _plain(sentence.text[start:end])
            absolute = sentence.start + start

            def judge(
                clause: str = clause,
                a: int = absolute,
                e: int = sentence.start + end,
                before: str = previous,
                place: Place = place,
            ) -> list[ClaimResult]:
                return _judge_clause(maker, checker, place, clause, a, e, before)

            previous = clause
            produced += [
                (absolute, sentence.start + end, claim)
                for claim in guarded(absolute, sentence.start + end, place.part, judge)
            ]
        yield from _with_reasons(maker, produced)


def _with_reasons(maker: ClaimMaker, produced: list[tuple[int, int, ClaimResult]]) -> Iterator[tuple[int, ClaimResult]]:
    """A sentence's clauses after a graded statement that match none (``…, because the logarithm is strictly
    increasing``) are that statement's reasons: its claim quotes them, rather than each being 'not graded'."""
    kept: list[tuple[int, int, ClaimResult]] = []
    for start, end, claim in produced:
        last = kept[-1][2] if kept else None
        if (
            last is not None
            and last.kind == "statement"
            and last.verdict != "not graded"
            and claim.kind == "sentence"
            and claim.verdict == "not graded"
        ):
            begin = kept[-1][0]
            kept[-1] = (begin, end, replace(last, written=maker.submission.text[begin:end]))
            continue
        kept.append((start, end, claim))
    for start, _, claim in kept:
        yield start, claim


def _judge_clause(
    maker: ClaimMaker, checker: StatementChecker, place: Place, clause: str, start: int, end: int, before: str = ""
) -> list[ClaimResult]:
    """The claims one clause makes. A clause may take its subject from the clause before it (``MSE is not a good
    choice because it is not differentiable``) when what it says of it (its last matched words) is its own."""
    found = []
    joined = f"{before} {clause}" if before else clause
    offset = len(joined) - len(clause)
    for order, statement in enumerate(_statements_for(maker, place)):
        spans = _matches(statement, clause)
        text = clause
        if spans is None and before:
            spans = _matches(statement, joined)
            # only the first group (the subject) may come from the clause before; what is said of it is this clause's
            if spans is None or any(a < offset for a, _ in spans[1:]):
                continue
            if _negated(clause, [(a - offset, b - offset) for a, b in spans if a >= offset]) and not _whole_word(
                joined, spans[0]
            ):
                continue  # a denial takes only a whole-word subject from before ("largest" is not "large")
            spans = [(a - offset, b - offset) for a, b in spans if a >= offset] or None
            text = clause
        if spans is not None:
            predicate = max(spans, key=lambda span: span[0])
            elsewhere = statement.part != place.part
            found.append((-len(statement.match), elsewhere, predicate[0] - predicate[1], order, statement, spans, text))
    if found:
        claims, predicates = [], []
        # most specific first: more groups, the part's own, the longer predicate ("strictly convex" before "convex")
        for *_, statement, spans, _ in sorted(found, key=lambda entry: entry[:4]):
            predicate = max(spans, key=lambda span: span[0])
            if any(a < predicate[1] and predicate[0] < b for a, b in predicates):
                continue  # its words are already another statement's claim
            predicates.append(predicate)
            asserted = not _negated(clause, spans)
            if not asserted and len(statement.match) < 2:
                # "(no vanishing)", "nothing overflows": a denial that does not name its subject in this clause may
                # deny it of something else (the BCE, the shifted logits); it is never called wrong on that guess
                reason = f"denies “{statement.claim}” without saying of what; not graded"
                claims.append(replace(maker._base(None, place.part, start, end, reason=reason), kind="sentence"))  # type: ignore[arg-type]
                continue
            claims.append(_claim(maker, statement, checker.fact(statement), asserted, start, end))
        return claims
    words = re.findall(r"[A-Za-z]{2,}", _MATH.sub(" ", clause))
    with_formulas = _MATH.search(clause) is not None  # its formulas are claims of their own
    if (
        len(words) >= 3
        and _CLAIM_VERB.search(_MATH.sub(" ", clause))
        and not _CONDITION.match(clause)
        and not with_formulas
    ):
        base = maker._base(None, place.part, start, end, reason="no statement of the key matches this sentence")  # type: ignore[arg-type]
        return [replace(base, kind="sentence")]
    return []
