"""Formulas and chains: an expression against its target, and a chain ``a = b ≈ c`` link by link.

A wrong value is diagnosed by recognising a mistake of :mod:`symcheck.grading._mistakes` in it:
numbers are matched at the precision the sheet wrote, formulas by the engine's equivalence (after a
quick random refutation of most candidates).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from symcheck.grading._context import ClaimContext, Outcome
from symcheck.grading._mistakes import Diagnosis, diagnose
from symcheck.grading._numbers import judge_numbers, numeric_value, precision_of
from symcheck.grading._present import (
    as_float,
    backing_note,
    evidence,
    present,
    undefined_calls,
    verdict_of,
    with_subject,
)
from symcheck.normalize import Context, distinct_deltas
from symcheck.reader import LatexSyntaxError, read_expression
from symcheck.sheet import ClaimVerdict, LinkResult

__all__ = ["chain_verdict", "grade_chain", "grade_expression"]

_SYMPY_RELATIONS = {"<": sp.Lt, ">": sp.Gt, "≤": sp.Le, "≥": sp.Ge, "≠": sp.Ne}
_TEX_RELATIONS = {"≈": r"\approx", "≤": r"\le", "≥": r"\ge", "≠": r"\ne", "←": r"\leftarrow"}


def _numeric_matcher(tolerance: mpmath.mpf, student: mpmath.mpf) -> Callable[[sp.Basic], bool]:
    """Whether a candidate's value is the student's number, at the precision the sheet wrote it.

    ``tolerance`` is the half-units of the rounded decimals involved (0 for exact numbers, which
    must then agree to 40 digits): a candidate within it is what the student computed.
    """

    def matches(candidate: sp.Basic) -> bool:
        value = numeric_value(candidate)
        if value is None:
            return False
        with mpmath.workdps(60):
            difference = abs(value - student)
            if tolerance == 0:
                return difference <= mpmath.mpf(10) ** -40 * max(1, abs(student))
            return difference <= tolerance * (1 + mpmath.mpf(10) ** -30)

    return matches


def _diagnose_value(
    context: ClaimContext,
    correct: sp.Basic,
    student: sp.Basic,
    student_text: str,
    correct_text: str = "",
    *,
    as_written: sp.Basic | None = None,
) -> Diagnosis:
    """Name the mistake that turns ``correct`` into the student's ``student``.

    ``as_written`` is ``correct`` in the shape the sheet wrote it (a sum of its terms, unevaluated),
    for the mistakes that depend on where a term or a 1/n stands; the report still shows ``correct``.
    """
    student_number = numeric_value(student)
    correct_number = numeric_value(correct)
    if student_number is not None and correct_number is not None:
        tolerance = precision_of(student_text).tolerance + precision_of(correct_text).tolerance
        matcher = _numeric_matcher(mpmath.mpf(tolerance.numerator) / tolerance.denominator, student_number)
    else:
        assumptions = context.assumptions_for(student, correct)
        definitions = context.definitions

        def matcher(candidate: sp.Basic) -> bool:
            return context.comparer.same(context.prepare(candidate, student), student, assumptions, definitions)

    mutated = correct if as_written is None else as_written
    return diagnose(mutated, context.mistakes(student), matcher, shown=present(correct))


# --------------------------------------------------------------------------- expression


def grade_expression(context: ClaimContext) -> Outcome:
    """The claim's value (the right side of ``name = value``, or the whole formula) against ``target``."""
    spec = context.spec
    masked, chain = context.read()
    if len(chain.terms) > 2:
        raise context.fail(
            f"an expression claim holds one value or `name = value`, not a chain of {len(chain.terms)} terms; "
            'use kind = "chain"',
            None,
        )
    if chain.relations and chain.relations[0] not in ("=", "≈", "←"):
        raise context.fail(
            f"an expression claim cannot relate its sides by '{chain.relations[0]}'; use kind = \"relation\"", None
        )
    position = 0 if spec.side == "lhs" or len(chain.terms) == 1 else 1
    student_text = context.term_text(masked, chain, position)
    target = context.resolve(spec.target)  # type: ignore[arg-type]
    if not isinstance(target, sp.Expr):
        raise context.fail(f"the target must be an expression, not {type(target).__name__}", spec.target)
    # shown as the off-diagonal entry it is: δ_ik = 0 for indices declared distinct
    target = distinct_deltas(target, Context.from_assumptions(context.assumptions_for(target)))
    student = context.prepare(context.meaning.apply(chain.terms[position]), target)
    subject = None
    if spec.subject is not None:
        subject = context.meaning.apply(context.read_key_latex(spec.subject, "subject"))
    elif len(chain.terms) == 2 and position == 1:
        subject = context.meaning.apply(chain.terms[0])
    expected = with_subject(subject, present(target))
    outcome = Outcome("undecided", expected=expected, value=as_float(target), student_value=as_float(student))
    undefined = undefined_calls(student, context)
    student_number, target_number = numeric_value(student), numeric_value(target)
    if student_number is not None and target_number is not None:
        judgement = judge_numbers(
            target_number, student_number, "≈" if chain.relations[:1] == ("≈",) else "=", "", student_text
        )
        outcome.verdict = judgement.verdict
        detail = judgement.detail
    elif undefined:
        outcome.explanation = (
            f"The key does not say what {', '.join(undefined)} stands for, so the claim cannot be compared."
        )
        return outcome
    else:
        verdict = context.comparer.check(student, target, context.assumptions_for(student, target), context.definitions)
        outcome.verdict = verdict_of(verdict)
        detail = evidence(verdict)
    if outcome.verdict == "correct":
        outcome.explanation = f"It agrees with ${present(target)}$ ({detail}).{backing_note(context)}"
    elif outcome.verdict == "wrong":
        found = _diagnose_value(context, target, student, student_text)
        outcome.diagnosis, outcome.diagnosis_key = found.sentence, found.key
        outcome.correction = expected
        if found.key is None:
            outcome.explanation = (
                f"The sheet's value is not ${expected}$ ({detail}), and no known mistake turns one into the other."
                + backing_note(context)
            )
        else:
            outcome.explanation = (
                f"{found.sentence} The correct form is ${expected}$ ({detail}).{backing_note(context)}"
            )
    elif outcome.verdict == "imprecise":
        outcome.correction = expected
        outcome.diagnosis = f"Rounded wrongly: {detail}."
        outcome.explanation = f"The value is right but not to the precision written: {detail}."
    else:
        outcome.explanation = f"Not decided: {detail}."
    return outcome


# --------------------------------------------------------------------------- chain


def _judge_link(
    context: ClaimContext, left: sp.Basic, relation: str, right: sp.Basic, left_text: str, right_text: str
) -> tuple[ClaimVerdict, str, mpmath.mpf | None, mpmath.mpf | None]:
    left_number, right_number = numeric_value(left), numeric_value(right)
    if left_number is not None and right_number is not None:
        judgement = judge_numbers(left_number, right_number, relation, left_text, right_text)
        return judgement.verdict, judgement.detail, left_number, right_number
    undefined = undefined_calls(left, context) + undefined_calls(right, context)
    if undefined:
        return "undecided", f"the key does not say what {', '.join(undefined)} stands for", left_number, right_number
    right = context.prepare(right, left)
    left = context.prepare(left, right)
    assumptions = context.assumptions_for(left, right)
    if relation in ("=", "≈", "←"):
        verdict = context.comparer.check(right, left, assumptions, context.definitions)
    elif relation in _SYMPY_RELATIONS:
        statement = _SYMPY_RELATIONS[relation](left, right, evaluate=False)
        verdict = context.comparer.check(statement, None, assumptions, context.definitions)
    else:
        return "undecided", f"the relation '{relation}' is not checked between formulas", left_number, right_number
    return verdict_of(verdict), evidence(verdict), left_number, right_number


def chain_verdict(verdicts: list[ClaimVerdict]) -> tuple[ClaimVerdict, int | None]:
    """A chain is wrong at its first false link; else undecided, imprecise or correct, the worst first."""
    for index, verdict in enumerate(verdicts):
        if verdict == "wrong":
            return "wrong", index
    for candidate in ("undecided", "imprecise"):
        if candidate in verdicts:
            return candidate, None  # type: ignore[return-value]
    return "correct", None


def grade_chain(context: ClaimContext) -> Outcome:
    """Each link ``left REL right`` judged on its own; the chain is wrong at its first false link."""
    masked, chain = context.read()
    if not chain.relations:
        raise context.fail("a chain claim needs at least one relation (a = b)", None)
    terms = [context.meaning.apply(term) for term in chain.terms]
    texts = [context.term_text(masked, chain, index) for index in range(len(chain.terms))]
    links: list[LinkResult] = []
    verdicts: list[ClaimVerdict] = []
    diagnoses: dict[int, Diagnosis] = {}
    for index, (relation, left, right) in enumerate(zip(chain.relations, terms, terms[1:], strict=False)):
        verdict, detail, left_number, right_number = _judge_link(
            context, left, relation, right, texts[index], texts[index + 1]
        )
        if verdict == "wrong":
            written = chain.summands[index] if index < len(chain.summands) else None
            as_written = None if written is None else sp.Add(*map(context.meaning.apply, written), evaluate=False)
            found = _diagnose_value(context, left, right, texts[index + 1], texts[index], as_written=as_written)
            diagnoses[index] = found
            detail = f"{detail.rstrip('.')}. {found.sentence}"
        links.append(
            LinkResult(
                index=index,
                left=texts[index],
                right=texts[index + 1],
                relation=relation,
                verdict=verdict,
                left_value=as_float(left_number),
                right_value=as_float(right_number),
                detail=detail,
            )
        )
        verdicts.append(verdict)
    return _finish_chain(context, chain, terms, texts, tuple(links), diagnoses)


def _finish_chain(
    context: ClaimContext,
    chain: Any,
    terms: list[sp.Basic],
    texts: list[str],
    links: tuple[LinkResult, ...],
    diagnoses: dict[int, Diagnosis],
) -> Outcome:
    """The chain's verdict, correct value and diagnosis from its judged links."""
    verdict, first = chain_verdict([link.verdict for link in links])
    correct_value = terms[0]
    expected = with_subject(_chain_subject(context, chain.terms[0], texts[0]), present(correct_value))
    last = numeric_value(terms[-1])
    outcome = Outcome(
        verdict,
        expected=expected,
        value=as_float(correct_value),
        links=links,
        student_value=as_float(last),
        final_value=last,
        final_text=texts[-1],
        correct_value=correct_value,
    )
    if verdict == "wrong" and first is not None:
        link = links[first]
        found = diagnoses[first]
        shown = (
            f" ({link.left_value:.6g} against {link.right_value:.6g})"
            if link.left_value is not None and link.right_value is not None
            else ""
        )
        outcome.diagnosis = (
            f"Link {first + 1}, ${link.left} {_TEX_RELATIONS.get(link.relation, link.relation)} {link.right}$, "
            f"is false{shown}. {found.sentence}"
        )
        outcome.diagnosis_key = found.key
        outcome.correction = expected
        outcome.explanation = (
            f"The chain breaks at link {first + 1}: {link.detail.rstrip('.')}. The correct value is ${expected}$."
            + backing_note(context)
        )
    elif verdict == "imprecise":
        rough = [link for link in links if link.verdict == "imprecise"]
        outcome.diagnosis = "Rounded wrongly: " + "; ".join(f"${link.right}$: {link.detail}" for link in rough) + "."
        outcome.correction = expected
        outcome.explanation = outcome.diagnosis + f" The value is ${expected}$."
    elif verdict == "correct":
        outcome.explanation = (
            "Every link holds: " + "; ".join(link.detail for link in links) + "." + backing_note(context)
        )
    else:
        pending = [link for link in links if link.verdict == "undecided"]
        outcome.explanation = "Not decided: " + "; ".join(link.detail for link in pending) + "."
    return outcome


def _chain_subject(context: ClaimContext, head: sp.Basic, text: str) -> sp.Basic | None:
    """What a chain computes, for printing ``subject = value``: its first term when that is a name.

    A first term that the key gave a meaning (``L(y, ŷ)`` means the BCE of the data) is shown as
    the sheet wrote it; a first term that is already a number has no subject to show.
    """
    if not (head.free_symbols or head.atoms(AppliedUndef)):
        return None
    if not any(str(symbol).startswith("Symcheckmeans") for symbol in head.free_symbols):
        return head
    try:
        return read_expression(text, context.table)
    except LatexSyntaxError:  # a piece the key gave a meaning need not be readable on its own
        return None
