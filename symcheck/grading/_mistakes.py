r"""The catalogue of known mistakes: each one a transformation of the *correct* result.

To diagnose a wrong answer, every mistake of the catalogue is applied to the correct result, in
order, and each *candidate* so produced is compared with the student's answer (the caller supplies
the comparison: exact or at the written precision for numbers, :func:`symcheck.equivalent` for
formulas). The first candidate that matches names the mistake; when none does, the diagnosis says
so and gives the correct form. A mistake is therefore never asserted, only recognised: the student's
answer *is* the correct result with that mistake made.

The catalogue is data (:data:`MISTAKES`), in the order of how specific a match is: a sign flip or a
reciprocal first, then the misplaced factors of a mean, the confusions of names (σ for softmax, y for
ŷ), the wrong logarithm, lost or spurious terms, and last a stray factor. Shapes have their own
(transposed, a wrong dimension) and so do inequalities (reversed, or true only of e^x).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

import sympy as sp
from sympy.core.function import AppliedUndef

__all__ = [
    "MISTAKES",
    "Candidate",
    "Diagnosis",
    "Mistake",
    "MistakeContext",
    "diagnose",
    "diagnose_relation",
    "diagnose_shape",
    "reversed_relation",
    "tex_relation",
]

MAX_SUBSET_TERMS = 6
"""A mean of more terms than this is not searched for a misplaced 1/n (2^n − 2 candidates)."""


@dataclass(frozen=True)
class MistakeContext:
    """What some mistakes need to know about the sheet: the roles of its names, and counts in play."""

    labels: sp.IndexedBase | None = None
    predictions: sp.IndexedBase | None = None
    logits: sp.IndexedBase | None = None
    sigmoid: sp.Basic | None = None
    """The sheet's σ (the function applied in its formulas), for the sigmoid-for-softmax mistake."""
    student: sp.Basic | None = None
    counts: tuple[sp.Basic, ...] = ()
    """Numbers of samples or terms a mean could divide by (3 samples; the symbol n)."""


@dataclass(frozen=True)
class Candidate:
    """The correct result with one mistake made, and what exactly was done to it."""

    value: sp.Basic
    detail: str


@dataclass(frozen=True)
class Mistake:
    """A named, recognisable mistake: a generator of candidates from the correct result."""

    key: str
    name: str
    candidates: Callable[[sp.Basic, MistakeContext], Iterable[Candidate]]


@dataclass(frozen=True)
class Diagnosis:
    """The mistake recognised (``key`` None when none of the catalogue matches) and a sentence."""

    key: str | None
    name: str
    sentence: str


def _tex(expr: sp.Basic) -> str:
    from symcheck.printing import latex

    return latex(expr)


def _number(expr: sp.Basic) -> str:
    try:
        return f"{float(sp.N(expr, 15)):.4f}"
    except (TypeError, ValueError):
        return ""


# --------------------------------------------------------------------------- the mistakes


def _sign_flip(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    if correct != 0:
        yield Candidate(-correct, "the sheet's value is the negative of the correct one")


def _reciprocal(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    if correct != 0:
        yield Candidate(1 / correct, "the sheet's value is the reciprocal of the correct one")


def _divisors(correct: sp.Basic) -> list[sp.Basic]:
    """The 1/n factors of a product: ``(a + b + c)/3`` → [3], ``Σ/n`` → [n]."""
    if not isinstance(correct, sp.Mul):
        return []
    found = []
    for factor in correct.args:
        if isinstance(factor, sp.Rational) and factor.p == 1 and factor.q > 1:
            found.append(sp.Integer(factor.q))
        elif isinstance(factor, sp.Pow) and factor.exp == -1 and factor.base.is_Symbol:
            found.append(factor.base)
    return found


def _missing_division(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    for divisor in _divisors(correct):
        yield Candidate(correct * divisor, f"the division by ${_tex(divisor)}$ of the mean is missing")


def _summed_terms(correct: sp.Basic) -> tuple[list[sp.Basic], sp.Basic] | None:
    """A mean written ``(t_1 + … + t_m)/n``: its terms and n."""
    if not isinstance(correct, sp.Mul):
        return None
    divisors = _divisors(correct)
    sums = [factor for factor in correct.args if isinstance(factor, sp.Add)]
    if len(divisors) != 1 or len(sums) != 1:
        return None
    rest = [factor for factor in correct.args if factor is not sums[0] and not _is_divisor(factor, divisors[0])]
    if rest:
        return None
    return list(sums[0].args), divisors[0]


def _is_divisor(factor: sp.Basic, divisor: sp.Basic) -> bool:
    return factor == 1 / divisor or (isinstance(factor, sp.Pow) and factor.base == divisor and factor.exp == -1)


def _misplaced_division(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    found = _summed_terms(correct)
    if found is None:
        return
    terms, divisor = found
    if not 2 <= len(terms) <= MAX_SUBSET_TERMS:
        return
    for size in range(1, len(terms)):
        for chosen in combinations(range(len(terms)), size):
            divided = sp.Add(*(terms[position] for position in chosen), evaluate=False)
            kept = [terms[position] for position in range(len(terms)) if position not in chosen]
            value = sp.Add(*kept, sp.Mul(divided, 1 / divisor, evaluate=False), evaluate=False)
            which = " and ".join(str(position + 1) for position in chosen)
            yield Candidate(
                value,
                f"the $1/{_tex(divisor)}$ divides only term{'s' if size > 1 else ''} {which} of the "
                f"{len(terms)} terms of the sum, not the whole sum",
            )


def _division_spread(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    """The mirror of a misplaced 1/n: written under some terms of a sum, applied to the whole of it.

    ``2.3026 + 0.2231/3 + 1.2041 ≈ 1.24`` is the sheet's own case: 1.24 is the whole sum over 3.
    """
    if not isinstance(correct, sp.Add):
        return
    terms = list(correct.args)
    for divisor in dict.fromkeys(d for term in terms for d in _divisors(term)):
        divided = [position for position, term in enumerate(terms) if divisor in _divisors(term)]
        if len(divided) == len(terms):
            continue  # every term is divided: the 1/n already belongs to the whole sum
        undivided = [term * divisor if position in divided else term for position, term in enumerate(terms)]
        which = " and ".join(str(position + 1) for position in divided)
        yield Candidate(
            sp.Add(*undivided) / divisor,
            f"the $1/{_tex(divisor)}$ stands under term{'s' if len(divided) > 1 else ''} {which} of the "
            f"{len(terms)} terms only, but the whole sum is divided by ${_tex(divisor)}$",
        )


def _misplaced_divisions(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    """A 1/n in the wrong place, either way: under some terms instead of the sum, or the reverse."""
    yield from _misplaced_division(correct, context)
    yield from _division_spread(correct, context)


def _extra_division(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    counts = list(dict.fromkeys(context.counts))
    if isinstance(correct, sp.Add) and sp.Integer(len(correct.args)) not in counts:
        counts.append(sp.Integer(len(correct.args)))
    for count in counts:
        if count != 1:
            yield Candidate(
                correct / count, f"the sheet divides by ${_tex(count)}$ where the expression has no such division"
            )


def _sigmoid_for_softmax(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    predictions, logits, sigma = context.predictions, context.logits, context.sigmoid
    if predictions is None or logits is None or sigma is None:
        return
    entries = sorted((node for node in correct.atoms(sp.Indexed) if node.base == predictions), key=sp.default_sort_key)
    if not entries:
        return
    replaced = correct.replace(
        lambda node: isinstance(node, sp.Indexed) and node.base == predictions,
        lambda node: sigma(logits[node.indices]),
    )
    yield Candidate(replaced, "the softmax output $\\hat{y}$ is replaced by the sigmoid $\\sigma(z)$ of its own logit")
    indices = list(dict.fromkeys(index for entry in entries for index in entry.indices))
    for index in indices:
        logit = logits[index]
        yield Candidate(
            sigma(logit) * (1 - sigma(logit)),
            f"the sigmoid's derivative $\\sigma(z)(1 - \\sigma(z))$ at ${_tex(logit)}$ stands where the softmax "
            f"Jacobian belongs",
        )


def _labels_for_predictions(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    labels, predictions = context.labels, context.predictions
    if labels is None or predictions is None:
        return
    has_labels = any(node.base == labels for node in correct.atoms(sp.Indexed)) or labels in correct.atoms(
        sp.IndexedBase
    )
    has_predictions = any(node.base == predictions for node in correct.atoms(sp.Indexed))
    if has_labels and has_predictions:
        exchange = {labels: predictions, predictions: labels}
        swapped = correct.replace(
            lambda node: isinstance(node, sp.Indexed) and node.base in exchange,
            lambda node: exchange[node.base][node.indices],
        )
        yield Candidate(swapped, f"${_tex(labels)}$ and ${_tex(predictions)}$ are exchanged")
    if has_predictions:
        yield Candidate(
            correct.xreplace({predictions: labels}),
            f"the label ${_tex(labels)}$ is written where the prediction ${_tex(predictions)}$ belongs",
        )
    if has_labels:
        yield Candidate(
            correct.xreplace({labels: predictions}),
            f"the prediction ${_tex(predictions)}$ is written where the label ${_tex(labels)}$ belongs",
        )


def _log_base(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    if not correct.has(sp.log):
        return
    for base, name in ((10, "base-10"), (2, "base-2")):
        yield Candidate(
            correct.replace(
                lambda node: isinstance(node, sp.log), lambda node, base=base: sp.log(node.args[0]) / sp.log(base)
            ),
            f"a {name} logarithm is used where the natural logarithm is meant",
        )


def _dropped_term(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    """A term of the sum left out: of the correct form as written, or multiplied out (ŷ(1 − ŷ) = ŷ − ŷ²)."""
    forms = [correct]
    expanded = sp.expand(correct) if not correct.has(sp.Sum, sp.Product) else correct
    if expanded != correct:
        forms.append(expanded)
    for form in forms:
        if not isinstance(form, sp.Add):
            continue
        for term in form.args:
            value = _number(term)
            yield Candidate(
                form - term,
                f"the term ${_tex(term)}$" + (f" (≈ {value})" if value else "") + " is missing",
            )


def _spurious_term(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    student = context.student
    if isinstance(student, sp.Add):
        for term in student.args:
            value = _number(term)
            yield Candidate(
                correct + term,
                f"the sheet adds ${_tex(term)}$" + (f" (≈ {value})" if value else "") + " to the correct value",
            )


def _stray_factor(correct: sp.Basic, context: MistakeContext) -> Iterator[Candidate]:
    student = context.student
    if student is None or correct == 0 or not (correct.free_symbols or student.free_symbols):
        return
    try:
        ratio = sp.cancel(sp.together(student / correct))
    except (sp.PolynomialError, TypeError, ValueError):
        return
    if ratio in (0, 1, -1) or ratio.has(sp.Add) or ratio.atoms(AppliedUndef):
        return
    yield Candidate(correct * ratio, f"the sheet's value is the correct one times ${_tex(ratio)}$")


MISTAKES: tuple[Mistake, ...] = (
    Mistake("sign", "a sign flip", _sign_flip),
    Mistake("reciprocal", "a reciprocal", _reciprocal),
    Mistake("missing_mean", "a missing 1/n", _missing_division),
    Mistake("misplaced_mean", "a misplaced 1/n", _misplaced_divisions),
    Mistake("extra_mean", "an extra 1/n", _extra_division),
    Mistake("sigmoid_for_softmax", "the sigmoid derivative used for the softmax", _sigmoid_for_softmax),
    Mistake("label_for_prediction", "y confused with ŷ", _labels_for_predictions),
    Mistake("log_base", "the wrong log base", _log_base),
    Mistake("dropped_term", "a dropped term", _dropped_term),
    Mistake("spurious_term", "a spurious term", _spurious_term),
    Mistake("stray_factor", "a stray factor", _stray_factor),
)
"""The catalogue, in the order candidates are tried."""


def _sentence(name: str, detail: str) -> str:
    return f"{name[0].upper()}{name[1:]}: {detail}."


def diagnose(
    correct: sp.Basic,
    context: MistakeContext,
    matches: Callable[[sp.Basic], bool],
    *,
    catalogue: tuple[Mistake, ...] = MISTAKES,
    shown: str | None = None,
) -> Diagnosis:
    """The first mistake of ``catalogue`` whose candidate ``matches`` the student's answer.

    ``shown`` is the correct form as the report prints it (the default prints ``correct``).
    """
    for mistake in catalogue:
        try:
            candidates = list(mistake.candidates(correct, context))
        except (TypeError, ValueError, AttributeError, NotImplementedError, sp.PolynomialError, sp.ShapeError):
            continue  # a mistake that cannot be made of this value (a reciprocal of a matrix)
        for candidate in candidates:
            try:
                found = matches(candidate.value)
            except (TypeError, ValueError, NotImplementedError, sp.ShapeError):
                found = False
            if found:
                return Diagnosis(mistake.key, mistake.name, _sentence(mistake.name, candidate.detail))
    form = shown if shown is not None else _tex(correct)
    return Diagnosis(None, "no known mistake", f"No known mistake matches; the correct form is ${form}$.")


# --------------------------------------------------------------------------- shapes and relations


def diagnose_shape(correct: tuple[sp.Basic, ...], written: tuple[sp.Basic, ...]) -> Diagnosis:
    """A transposed shape, or which dimension is wrong and what it should be."""
    shown = " \\times ".join(_tex(size) for size in correct)
    if len(correct) == len(written) == 2 and tuple(reversed(written)) == tuple(correct):
        return Diagnosis(
            "transposed",
            "a transposed shape",
            _sentence("a transposed shape", f"rows and columns are exchanged; the shape is ${shown}$"),
        )
    if len(correct) != len(written):
        return Diagnosis(None, "no known mistake", f"No known mistake matches; the shape is ${shown}$.")
    wrong = [
        f"{('rows', 'columns')[position] if len(correct) == 2 else f'dimension {position + 1}'}: "
        f"${_tex(written[position])}$ instead of ${_tex(correct[position])}$"
        for position in range(len(correct))
        if sp.simplify(sp.sympify(written[position]) - sp.sympify(correct[position])) != 0
    ]
    return Diagnosis(
        "wrong_dimension",
        "a wrong dimension",
        _sentence("a wrong dimension", "; ".join(wrong) + f" (the shape is ${shown}$)"),
    )


_REVERSED = {
    sp.StrictLessThan: sp.StrictGreaterThan,
    sp.StrictGreaterThan: sp.StrictLessThan,
    sp.LessThan: sp.GreaterThan,
    sp.GreaterThan: sp.LessThan,
}


def tex_relation(relation: sp.Basic) -> str:
    """LaTeX of a relation, with a two-sided range as a chain (``0 \\leq x \\leq 1``), not a conjunction."""
    if isinstance(relation, sp.And) and len(relation.args) == 2:
        first, second = relation.args
        if isinstance(first, sp.Rel) and isinstance(second, sp.Rel) and first.rhs == second.lhs:
            symbols = {sp.LessThan: r"\leq", sp.StrictLessThan: "<", sp.GreaterThan: r"\geq", sp.StrictGreaterThan: ">"}
            if type(first) in symbols and type(second) in symbols:
                return (
                    f"{_tex(first.lhs)} {symbols[type(first)]} {_tex(first.rhs)} "
                    f"{symbols[type(second)]} {_tex(second.rhs)}"
                )
    return _tex(relation)


def reversed_relation(relation: sp.Basic) -> sp.Basic | None:
    """``a < b`` → ``a > b`` (the relation turned the other way, same sides); None for others."""
    flipped = _REVERSED.get(type(relation))
    return None if flipped is None else flipped(relation.lhs, relation.rhs, evaluate=False)


def _exponentiated(relation: sp.Basic) -> sp.Basic | None:
    """A range claim made of e^x instead of x: ``0 ≤ x ≤ 1`` → ``0 ≤ e^x ≤ 1`` (None for anything else).

    Only a two-sided range with constant bounds is tried: a one-sided ``x > 0`` would hold for e^x
    trivially and prove nothing about the student's mistake.
    """
    if not isinstance(relation, sp.And) or len(relation.args) != 2:
        return None
    parts = []
    for part in relation.args:
        if type(part) not in _REVERSED:
            return None
        sides = (part.lhs, part.rhs)
        if sum(1 for side in sides if side.free_symbols) != 1:
            return None
        parts.append(type(part)(*(sp.exp(side) if side.free_symbols else side for side in sides), evaluate=False))
    return sp.And(*parts, evaluate=False)


def diagnose_relation(
    relation: sp.Basic, holds: Callable[[sp.Basic], bool | None]
) -> tuple[Diagnosis, sp.Basic | None]:
    """A reversed inequality, or a range that holds for e^x rather than x; with the corrected relation."""
    flipped = reversed_relation(relation)
    if flipped is not None and holds(flipped):
        return (
            Diagnosis(
                "reversed",
                "a reversed inequality",
                _sentence("a reversed inequality", f"it is ${_tex(flipped)}$ that holds"),
            ),
            flipped,
        )
    exponentiated = _exponentiated(relation)
    if exponentiated is not None and holds(exponentiated):
        return (
            Diagnosis(
                "missing_exponential",
                "a range given for the wrong quantity",
                _sentence(
                    "a range given for the wrong quantity",
                    f"the claim holds for the exponential, ${tex_relation(exponentiated)}$, "
                    "not for the exponent itself",
                ),
            ),
            None,
        )
    return Diagnosis(None, "no known mistake", "No known mistake matches."), None
