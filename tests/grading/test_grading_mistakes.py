"""The mistake catalogue, one mistake at a time: each is recognised in an answer that makes it, and only there.

Correct results and students' answers are built directly with SymPy, so these tests check the
catalogue itself, independently of the reader and the key. Every mistake of ``MISTAKES`` has a row
(a test fails if one is added without a case), including those the seed sheet does not make.
"""

from __future__ import annotations

import pytest
import sympy as sp

import symcheck
from symcheck.grading import MISTAKES
from symcheck.grading._mistakes import MistakeContext, diagnose, diagnose_relation, diagnose_shape

i, k, n, K = sp.symbols("i k n K", integer=True, positive=True)
D_a, D_x = sp.symbols("D_a D_x", integer=True, positive=True)
y, yhat, z = (sp.IndexedBase(name, real=True) for name in ("y", "yhat", "z"))
w, alpha, lam = sp.Symbol("w", real=True), sp.Symbol("alpha", positive=True), sp.Symbol("lambda", positive=True)
t1, t2, t3 = sp.symbols("t1 t2 t3", positive=True)
sigma = sp.Function("sigma")
THIRD = sp.Rational(1, 3)
ROLES = {"labels": y, "predictions": yhat, "logits": z, "sigmoid": sigma}
SIGMOID = sp.Lambda(sp.Symbol("s"), 1 / (1 + sp.exp(-sp.Symbol("s"))))
SOFTMAX = sp.Lambda(
    i,
    sp.exp(z[i])
    / sp.Sum(
        sp.exp(z[sp.Symbol("j", integer=True, positive=True)]), (sp.Symbol("j", integer=True, positive=True), 1, K)
    ),
)


def _same(student: sp.Basic):
    """Exact recognition: the candidate is the student's answer (σ and ŷ substituted when present)."""

    def expand(expr: sp.Basic) -> sp.Basic:
        expr = expr.replace(
            lambda node: isinstance(node, sp.Function) and node.func == sigma, lambda node: SIGMOID(*node.args)
        )
        return expr.replace(
            lambda node: isinstance(node, sp.Indexed) and node.base == yhat, lambda node: SOFTMAX(*node.indices)
        )

    assumptions = symcheck.assume(indices={i: (1, K), k: (1, K)}, real=[z, y])

    def matches(candidate: sp.Basic) -> bool:
        return symcheck.equivalent(expand(candidate), expand(student), assumptions=assumptions, timeout=5).holds is True

    return matches


CASES = [
    # key, correct result, student's answer, what the context knows
    ("sign", yhat[k] - y[k], y[k] - yhat[k], {}),
    ("reciprocal", yhat[k] * (1 - yhat[k]), 1 / (yhat[k] * (1 - yhat[k])), {}),
    ("missing_mean", sp.Mul(sp.Add(t1, t2, t3), sp.Rational(1, 3), evaluate=False), t1 + t2 + t3, {}),
    ("missing_mean", sp.Sum(y[i], (i, 1, n)) / n, sp.Sum(y[i], (i, 1, n)), {}),
    ("misplaced_mean", sp.Mul(sp.Add(t1, t2, t3), sp.Rational(1, 3), evaluate=False), t1 + (t2 + t3) / 3, {}),
    # the mirror: a 1/n written under one term, applied to the whole sum (symbolic, and as a sheet writes numbers)
    ("misplaced_mean", t1 + t2 / 3 + t3, (t1 + t2 + t3) / 3, {}),
    ("misplaced_mean", sp.Add(2, sp.Mul(1, THIRD, evaluate=False), 4, evaluate=False), sp.Rational(7, 3), {}),
    ("extra_mean", t1 + t2 + t3, (t1 + t2 + t3) / 3, {}),
    ("extra_mean", t1 + t2, (t1 + t2) / n, {"counts": (n,)}),
    ("sigmoid_for_softmax", yhat[k] * (1 - yhat[k]), sigma(z[k]) * (1 - sigma(z[k])), ROLES),
    ("sigmoid_for_softmax", -yhat[i] * yhat[k], sigma(z[i]) * (1 - sigma(z[i])), ROLES),
    ("label_for_prediction", yhat[k] * (1 - yhat[k]), y[k] * (1 - y[k]), ROLES),
    ("label_for_prediction", yhat[k] - 2 * y[k], y[k] - 2 * yhat[k], ROLES),  # y and ŷ exchanged
    ("label_for_prediction", -sp.log(yhat[k]), -sp.log(y[k]), ROLES),
    ("log_base", -sp.log(sp.Rational(1, 10)), sp.Integer(1), {}),
    ("log_base", -y[k] * sp.log(yhat[k]), -y[k] * sp.log(yhat[k]) / sp.log(2), ROLES),
    ("dropped_term", -(y[k] * sp.log(yhat[k]) + (1 - y[k]) * sp.log(1 - yhat[k])), -y[k] * sp.log(yhat[k]), {}),
    ("dropped_term", yhat[k] * (1 - yhat[k]), yhat[k], {}),
    ("spurious_term", sp.log(10), sp.log(10) - sp.log(5), {}),
    ("stray_factor", yhat[k] - 1, (yhat[k] - 1) / yhat[k], {}),
    ("stray_factor", w - alpha * lam * w, 2 * (w - alpha * lam * w), {}),
]


@pytest.mark.parametrize(
    ("key", "correct", "student", "known"), CASES, ids=[f"{case[0]}-{n}" for n, case in enumerate(CASES)]
)
def test_each_mistake_is_recognised(key: str, correct: sp.Basic, student: sp.Basic, known: dict) -> None:
    context = MistakeContext(
        labels=known.get("labels"),
        predictions=known.get("predictions"),
        logits=known.get("logits"),
        sigmoid=known.get("sigmoid"),
        student=student,
        counts=known.get("counts", ()),
    )
    found = diagnose(correct, context, _same(student))
    assert found.key == key, found.sentence
    assert found.sentence.startswith(found.name[0].upper() + found.name[1:])


def test_every_mistake_of_the_catalogue_has_a_case() -> None:
    assert {mistake.key for mistake in MISTAKES} == {case[0] for case in CASES}


@pytest.mark.parametrize(
    ("correct", "student"),
    [
        (yhat[k] * (1 - yhat[k]), yhat[k] * (1 + yhat[k])),
        (-yhat[i] * yhat[k], (y[i] / K - yhat[i]) / (y[i] * (1 - y[i]))),
        (sp.log(10), sp.Rational(18651, 5000)),
    ],
)
def test_an_answer_no_mistake_explains_is_said_to_be_so(correct: sp.Basic, student: sp.Basic) -> None:
    context = MistakeContext(
        labels=y, predictions=yhat, logits=z, sigmoid=sigma, student=student, counts=(sp.Integer(3),)
    )
    found = diagnose(correct, context, _same(student), shown="CORRECT")
    assert found.key is None
    assert found.sentence == "No known mistake matches; the correct form is $CORRECT$."


def test_the_first_mistake_in_catalogue_order_wins() -> None:
    # −(ŷ − y) is both a sign flip and "y and ŷ exchanged"; the sign flip comes first
    context = MistakeContext(labels=y, predictions=yhat, student=y[k] - yhat[k])
    assert diagnose(yhat[k] - y[k], context, _same(y[k] - yhat[k])).key == "sign"


@pytest.mark.parametrize(
    ("correct", "written", "key", "sentence"),
    [
        (
            (K, D_a),
            (D_a, K),
            "transposed",
            "A transposed shape: rows and columns are exchanged; the shape is $K \\times D_{a}$.",
        ),
        (
            (K, D_a),
            (K, K),
            "wrong_dimension",
            "A wrong dimension: columns: $K$ instead of $D_{a}$ (the shape is $K \\times D_{a}$).",
        ),
        (
            (K, 1),
            (D_a, 1),
            "wrong_dimension",
            "A wrong dimension: rows: $D_{a}$ instead of $K$ (the shape is $K \\times 1$).",
        ),
        ((D_a, D_x), (D_a, D_x, 1), None, "No known mistake matches; the shape is $D_{a} \\times D_{x}$."),
    ],
)
def test_shape_mistakes(correct, written, key, sentence) -> None:
    found = diagnose_shape(tuple(map(sp.sympify, correct)), tuple(map(sp.sympify, written)))
    assert (found.key, found.sentence) == (key, sentence)


def _holds_for_negative_w(statement: sp.Basic) -> bool | None:
    return symcheck.holds(statement, assumptions=symcheck.assume(negative=[w], positive=[alpha, lam])).holds


def test_a_reversed_inequality_is_recognised_and_turned_round() -> None:
    decayed = (1 - alpha * lam) * w
    found, corrected = diagnose_relation(sp.Lt(decayed, w, evaluate=False), _holds_for_negative_w)
    assert found.key == "reversed"
    assert corrected == sp.Gt(decayed, w, evaluate=False)


def test_a_range_that_holds_only_for_the_exponential_is_recognised() -> None:
    u = sp.Symbol("u", nonnegative=True)
    claim = sp.And(sp.Le(0, -u, evaluate=False), sp.Le(-u, 1, evaluate=False), evaluate=False)

    def holds(statement: sp.Basic) -> bool | None:
        return symcheck.holds(statement).holds

    found, corrected = diagnose_relation(claim, holds)
    assert found.key == "missing_exponential"
    assert corrected is None
    assert "0 \\leq e^{- u} \\leq 1" in found.sentence


def test_a_one_sided_inequality_is_not_blamed_on_a_missing_exponential() -> None:
    # x > 0 fails for x = −1, and e^x > 0 holds trivially: that proves nothing about the mistake
    x = sp.Symbol("x", real=True)
    found, corrected = diagnose_relation(sp.Gt(x, 0, evaluate=False), lambda statement: symcheck.holds(statement).holds)
    assert found.key is None and corrected is None
