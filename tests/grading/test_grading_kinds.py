r"""Each kind of claim graded end to end on a small sheet and a small homework key: the verdict, the correction
and the diagnosis.

Every case is a real grading run (a sheet file, a key file, :func:`grade_submission`); the grader finds the
claims itself. The expected verdicts are the mathematics of the case, stated here, and the computed ones
must match them: numbers at the precision written, formulas against the key's value with the mistake named,
shapes, conditional probabilities, inequalities, and statements in words decided by their check.
"""

from __future__ import annotations

import math

import pytest
from grading_cases import claim_of, grade_case, graded, only_claim

Q1 = r"""
[question.1]
notation = { sum_range = [1, "n"] }
names = { p = ['\hat{y}'] }
roles = { labels = "y", predictions = "p" }
domains = { y = "unit_interval", p = "unit_interval" }
calls = { BCE = { quantity = "sample-loss" } }
"""

Q2 = r"""
[question.2]
notation = { sum_range = [1, "K"] }
vectors = { '\hat{y}' = "K", y = "K", z = "K" }
domains = { y = "simplex", '\hat{y}' = "simplex" }
"""

# --------------------------------------------------------------------------- numbers and chains

PART_1C = r"""
[[part]]
part = "1(c)"
question = "Compute the BCE of y = 0 and ŷ = 0.9."
data = { y = 0, p = 0.9 }

[[part.quantity]]
id = "loss"
name = "the BCE of y = 0, ŷ = 0.9"
about = ['L']
value = { library = "bce.mean_bce", select = "summand", data = { y = 0, p = 0.9 } }
"""


def test_a_correct_chain_is_judged_link_by_link(tmp_path) -> None:
    report = grade_case(tmp_path, "## 1(c)\n$$L = -(0 \\log 0.9 + 1 \\log 0.1) = -\\log 0.1 = +2.303$$\n", Q1 + PART_1C)
    links = graded(report)
    assert [claim.written for claim in links] == [
        "L = -(0 \\log 0.9 + 1 \\log 0.1)",
        "-(0 \\log 0.9 + 1 \\log 0.1) = -\\log 0.1",
        "-\\log 0.1 = +2.303",
    ]
    assert {claim.verdict for claim in links} == {"correct"}
    assert {claim.quantity for claim in links} == {"loss"}
    assert links[-1].student_value == 2.303
    assert links[-1].value == pytest.approx(math.log(10))
    assert all(claim.diagnosis is None and claim.correction is None for claim in links)
    assert report.coverage.formulas == report.coverage.formulas_graded == 1
    (part,) = report.parts
    assert (part.part, part.status, part.points, part.max_points) == ("1(c)", "answered", 1.0, 1.0)


def test_a_false_link_is_wrong_and_the_links_after_it_follow_from_it(tmp_path) -> None:
    """Error carried forward: ``6 ≈ 6.0`` follows from the false ``5 = 6`` and is right; the false link is wrong."""
    report = grade_case(tmp_path, "## 1(c)\n$$L = 2 + 3 = 5 = 6 \\approx 6.0$$\n", Q1 + PART_1C)
    verdicts = {claim.written: claim.verdict for claim in graded(report)}
    assert verdicts == {"L = 2 + 3": "wrong", "2 + 3 = 5": "correct", "5 = 6": "wrong", "6 \\approx 6.0": "correct"}
    assert claim_of(report, "L = 2 + 3").correction == "L = \\log(10) \\approx 2.30259"
    assert report.parts[0].points == 0.5


@pytest.mark.parametrize(
    ("written", "verdict", "mistake"),
    [
        ("L = 2.303", "correct", None),  # −log 0.1 = 2.302585… rounds to 2.303
        ("L = 2.30", "correct", None),
        ("L = 2.3026", "correct", None),
        ("L \\approx 2", "correct", None),  # after '≈', 2 is rounded to 0 places
        ("L = 2.304", "wrong", "rounding"),  # 2.303 at 3 decimals
        ("L = 2.31", "wrong", "rounding"),  # 2.30 at 2 decimals
        ("L = 2.4", "wrong", "other"),
        ("L = 2", "wrong", "other"),  # an integer after '=' is exact
    ],
)
def test_numbers_are_judged_at_the_precision_written(tmp_path, written: str, verdict: str, mistake: str | None) -> None:
    claim = only_claim(grade_case(tmp_path, f"## 1(c)\n$${written}$$\n", Q1 + PART_1C))
    assert (claim.verdict, claim.mistake) == (verdict, mistake)
    if mistake == "rounding":
        assert claim.diagnosis.startswith("Rounded wrongly: ")


# --------------------------------------------------------------------------- 1(d): a sum of samples, two readings

PART_1D = r"""
[[part]]
part = "1(d)"
points = 2
question = "Compute the loss for y = [1 0 0] and ŷ = [0.1 0.2 0.7]."
data = { y = [1, 0, 0], p = [0.1, 0.2, 0.7] }

[[part.quantity]]
id = "loss-1d"
name = "the loss"
about = ['L']

[[part.quantity.values]]
name = "mean BCE"
value = { library = "bce.mean_bce", data = { y = [1, 0, 0], p = [0.1, 0.2, 0.7], n = 3 } }

[[part.quantity.values]]
name = "one-hot CE"
value = { library = "cross_entropy.loss", data = { y = [1, 0, 0], yhat = [0.1, 0.2, 0.7], K = 3 } }

[[part.quantity]]
id = "sample-loss"
name = "the BCE of sample a"
about = ['BCE(y_a, p_a)', 'L_a']
indices = ["a"]

[part.quantity.value]
library = "bce.mean_bce"
select = "summand"
where = { i = "a" }
data = { y = [1, 0, 0], p = [0.1, 0.2, 0.7] }
"""


@pytest.mark.parametrize(
    ("written", "verdict", "value"),
    [
        ("L \\approx 1.24", "correct", 1.2432338),  # the mean BCE of three binary samples
        ("L \\approx 2.30", "correct", 2.3025851),  # one 3-class cross-entropy with one-hot y
        ("L \\approx 3.73", "wrong", 1.2432338),  # the sum, not the mean: neither reading
    ],
)
def test_a_quantity_with_two_readings_is_right_under_either(tmp_path, written: str, verdict: str, value) -> None:
    claim = only_claim(grade_case(tmp_path, f"## 1(d)\n$${written}$$\n", Q1 + PART_1D))
    assert claim.verdict == verdict
    assert claim.quantity == "loss-1d"
    assert claim.value == pytest.approx(value)


def test_a_wrong_value_of_a_quantity_with_two_readings_shows_both(tmp_path) -> None:
    claim = only_claim(grade_case(tmp_path, "## 1(d)\n$$L \\approx 3.73$$\n", Q1 + PART_1D))
    assert [round(reading.value, 4) for reading in claim.readings] == [1.2432, 2.3026]
    assert [reading.verdict for reading in claim.readings] == ["wrong", "wrong"]
    right = only_claim(grade_case(tmp_path, "## 1(d)\n$$L \\approx 2.3026$$\n", Q1 + PART_1D))
    assert right.verdict == "correct" and not right.readings  # its explanation names the reading it took


def test_a_base_10_logarithm_is_recognised_in_a_number(tmp_path) -> None:
    claim = only_claim(grade_case(tmp_path, "## 1(d)\n$$L_1 = 1$$\n", Q1 + PART_1D))
    assert (claim.verdict, claim.quantity, claim.mistake) == ("wrong", "sample-loss", "log_base")
    assert claim.diagnosis.startswith("The wrong log base: a base-10 logarithm")
    assert claim.value == pytest.approx(math.log(10))
    assert claim.student_value == 1.0


def test_a_missing_and_a_misplaced_mean_are_told_apart(tmp_path) -> None:
    report = grade_case(
        tmp_path,
        "## 1(d)\n$$L = BCE(y_1, p_1) + BCE(y_2, p_2) + BCE(y_3, p_3)$$\n\n"
        "$$L = \\frac{BCE(y_1, p_1) + BCE(y_2, p_2)}{3} + BCE(y_3, p_3)$$\n",
        Q1 + PART_1D,
    )
    missing, misplaced = graded(report)
    assert (missing.verdict, missing.mistake) == ("wrong", "missing_mean")
    assert missing.diagnosis.startswith("A missing 1/n")
    assert missing.student_value == pytest.approx(-math.log(0.1) - math.log(0.8) - math.log(0.3))
    assert (misplaced.verdict, misplaced.mistake) == ("wrong", "misplaced_mean")
    assert misplaced.diagnosis == (
        "A misplaced 1/n: the $1/3$ divides only terms 1 and 2 of the 3 terms of the sum, not the whole sum."
    )
    assert "\\approx 1.24323" in misplaced.correction


# --------------------------------------------------------------------------- formulas against the key's value

PART_2B = r"""
[[part]]
part = "2(b)"
points = 2
question = "Compute ∂ŷ_k/∂z_k."

[[part.quantity]]
id = "jacobian-diagonal"
name = "∂ŷ_a/∂z_a"
about = ['\frac{\partial \hat{y}_a}{\partial z_a}']
indices = ["a"]
value = { library = "softmax.jacobian_diagonal", where = { i = "a" } }
derivation = "softmax.jacobian"
"""
DIAGONAL = "\\frac{\\partial \\hat{y}_{k}}{\\partial z_{k}} = \\hat{y}_{k} (1 - \\hat{y}_{k})"


def test_a_formula_equal_to_the_keys_value_is_correct_in_any_index(tmp_path) -> None:
    claim = only_claim(
        grade_case(
            tmp_path,
            "## 2(b)\n$$\\frac{\\partial \\hat{y}_j}{\\partial z_j} = \\hat{y}_j - \\hat{y}_j^2$$\n",
            Q2 + PART_2B,
        )
    )
    assert (claim.verdict, claim.quantity, claim.derivation) == ("correct", "jacobian-diagonal", "softmax.jacobian")
    assert claim.expected == DIAGONAL.replace("k", "j")


@pytest.mark.parametrize(
    ("written", "mistake", "diagnosis"),
    [
        ("\\frac{1}{\\hat{y}_k (1 - \\hat{y}_k)}", "reciprocal", "A reciprocal"),
        ("y_k (1 - y_k)", "label_for_prediction", "Y confused with ŷ"),
        ("\\sigma(z_k) (1 - \\sigma(z_k))", "sigmoid_for_softmax", "The sigmoid derivative used for the softmax"),
        ("2 \\hat{y}_k (1 - \\hat{y}_k)", "stray_factor", "A stray factor"),
        ("\\hat{y}_k", "dropped_term", "A dropped term"),
        ("\\hat{y}_k (1 + \\hat{y}_k)", "other", "Not the expected value: at "),
    ],
)
def test_mistakes_on_the_softmax_diagonal_are_recognised(tmp_path, written: str, mistake: str, diagnosis: str) -> None:
    sheet = f"## 2(b)\n$$\\frac{{\\partial \\hat{{y}}_k}}{{\\partial z_k}} = {written}$$\n"
    claim = only_claim(grade_case(tmp_path, sheet, Q2 + PART_2B))
    assert (claim.verdict, claim.mistake) == ("wrong", mistake)
    assert claim.diagnosis.startswith(diagnosis), claim.diagnosis
    assert claim.correction == DIAGONAL


PART_2C = r"""
[[part]]
part = "2(c)"
question = "Compute ∂ŷ_k/∂z_i for i ≠ k."
answer = "off-diagonal"

[[part.quantity]]
id = "off-diagonal"
name = "∂ŷ_a/∂z_b for a ≠ b"
about = ['\frac{\partial \hat{y}_a}{\partial z_b}']
indices = ["a", "b"]
distinct = [["a", "b"]]
value = { library = "softmax.jacobian_entry", where = { i = "a", k = "b" } }
"""


@pytest.mark.parametrize(
    ("written", "verdict", "mistake"),
    [
        ("\\frac{\\partial \\hat{y}_i}{\\partial z_k} = -\\hat{y}_i \\hat{y}_k", "correct", None),
        ("\\boxed{-\\hat{y}_i \\hat{y}_k}", "correct", None),  # a lone boxed result is the part's answer
        ("\\boxed{\\hat{y}_i \\hat{y}_k}", "wrong", "sign"),
    ],
)
def test_an_off_diagonal_entry_is_judged_where_its_indices_differ(tmp_path, written, verdict, mistake) -> None:
    """ŷ_i(δ_ik − ŷ_k) is −ŷ_iŷ_k only for i ≠ k: the key's ``distinct`` makes −ŷ_iŷ_k right."""
    claim = only_claim(grade_case(tmp_path, f"## 2(c)\n$${written}$$\n", Q2 + PART_2C))
    assert (claim.verdict, claim.quantity, claim.mistake) == (verdict, "off-diagonal", mistake)


PART_2D = r"""
[[part]]
part = "2(d)"
question = "Compute ∂L/∂z."
define = { L = { library = "cross_entropy.loss" } }

[[part.quantity]]
id = "dL-dz"
name = "∂L/∂z_a"
about = ['\frac{\partial L}{\partial z_a}']
indices = ["a"]
value = { library = "cross_entropy.gradient", where = { k = "a" } }
derivation = "cross_entropy.gradient"
"""


def test_a_sign_flip_is_diagnosed_and_corrected(tmp_path) -> None:
    sheet = "## 2(d)\n$$\\frac{\\partial L}{\\partial z_k} = y_k - \\hat{y}_k$$\n"
    claim = only_claim(grade_case(tmp_path, sheet, Q2 + PART_2D))
    assert (claim.verdict, claim.mistake) == ("wrong", "sign")
    assert claim.diagnosis.startswith("A sign flip")
    assert claim.correction == "\\frac{\\partial L}{\\partial z_{k}} = \\hat{y}_{k} - y_{k}"


@pytest.mark.parametrize(
    ("right", "verdict"),
    [
        (
            "\\sum_{j=1}^{K} \\frac{\\partial L}{\\partial \\hat{y}_j} \\frac{\\partial \\hat{y}_j}{\\partial z_m}",
            "correct",
        ),
        ("\\frac{\\partial L}{\\partial \\hat{y}_m}", "wrong"),
    ],
)
def test_the_chain_rule_is_worked_out_with_the_parts_definitions(tmp_path, right: str, verdict: str) -> None:
    """``define = { L = … }`` gives L its meaning, so ∂L/∂ŷ_j ∂ŷ_j/∂z_m can be computed and compared."""
    sheet = f"## 2(d)\n$$\\frac{{\\partial L}}{{\\partial z_m}} = {right}$$\n"
    claim = only_claim(grade_case(tmp_path, sheet, Q2 + PART_2D))
    assert claim.verdict == verdict


# --------------------------------------------------------------------------- shapes

PART_2A = r"""
[[part]]
part = "2(a)"
question = "Give the shapes of W² and of Z² for a batch of m samples."
names = { D_a = ['h'] }
batch = "m"

[[part.quantity]]
id = "shape-W2"
name = "the shape of W²"
about = ['W^{[2]}']
shape = ["K", "D_a"]
derivation = "mlp.shapes"
"""


@pytest.mark.parametrize(
    ("written", "verdict", "diagnosis"),
    [
        ("W^2 : K \\times D_a", "correct", None),
        ("W^{[2]} \\in \\mathbb{R}^{K \\times h}", "correct", None),  # h is a spelling of D_a in this part
        ("W^2 : D_a \\times K", "wrong", "A transposed shape"),
        ("W^2 : K \\times K", "wrong", "A wrong dimension: columns: $K$ instead of $D_{a}$"),
        (
            "W^2 = D_n \\times 1",
            "wrong",
            "A wrong dimension: rows: $D_{n}$ instead of $K$; columns: $1$ instead of $D_{a}$",
        ),
    ],
)
def test_shapes(tmp_path, written: str, verdict: str, diagnosis: str | None) -> None:
    claim = only_claim(grade_case(tmp_path, f"## 2(a)\n${written}$\n", PART_2A))
    assert (claim.kind, claim.verdict, claim.quantity) == ("shape", verdict, "shape-W2")
    assert claim.expected == "K \\times D_{a}"
    if diagnosis is None:
        assert claim.diagnosis is None
    else:
        assert claim.diagnosis.startswith(diagnosis)


# --------------------------------------------------------------------------- conditionals and inequalities

PART_1A = r"""
[[part]]
part = "1(a)"
question = "Write the likelihood of θ."

[[part.quantity]]
id = "conditioning"
name = "what the likelihood is the probability of"
kind = "conditional"
about = ['P']
of = ["y"]
given = ["x", '\theta']
"""


@pytest.mark.parametrize(
    ("written", "verdict"),
    [("P(y_1, \\dots, y_n | x_1, \\dots, x_n; \\theta)", "correct"), ("P(x_1, x_2 | y_1, y_2, \\theta)", "wrong")],
)
def test_which_variables_a_likelihood_conditions_on(tmp_path, written: str, verdict: str) -> None:
    claim = only_claim(grade_case(tmp_path, f"## 1(a)\n$$L = {written}$$\n", Q1 + PART_1A))
    assert (claim.kind, claim.verdict) == ("conditional", verdict)
    if verdict == "wrong":
        assert claim.mistake == "swapped_conditioning"
        assert claim.diagnosis.startswith("Swapped conditioning")


PART_1E = r"""
[[part]]
part = "1(e)"
question = "How do the weights of model A (with L2) and model B (without) compare after a step?"
names = { alpha = ['\eta'] }

[[part.quantity]]
id = "weight-A"
name = "the weight of model A after a step (with L2)"
about = ['w_A']
value = { library = "regularization.decayed_update" }

[[part.quantity]]
id = "weight-B"
name = "the weight of model B after a step (without L2)"
about = ['w_B']
value = { library = "regularization.decayed_update", where = { lambda = 0 } }
"""


@pytest.mark.parametrize(
    ("sheet", "verdict"),
    [
        ("When $w < 0$: $w_A > w_B$\n", "correct"),
        ("When $w < 0$: $w_A < w_B$\n", "wrong"),
        ("Hence, in the case when $w$ is -ve, $w_A > w_B$\n", "correct"),
        ("Hence, in the case when $w$ is -ve, $w_A < w_B$\n", "wrong"),
    ],
)
def test_an_inequality_is_judged_under_the_condition_written_before_it(tmp_path, sheet: str, verdict: str) -> None:
    """For w < 0 the L2 step gives w_A − w_B = −αλw > 0; the condition itself is not a claim."""
    report = grade_case(tmp_path, "## 1(e)\n" + sheet, PART_1E)
    claim = only_claim(report)
    assert claim.verdict == verdict
    if verdict == "wrong":
        assert claim.mistake == "reversed"
        assert claim.diagnosis.startswith("A reversed inequality: it is $w_A > w_B$ that holds")
        assert claim.correction == "w_A > w_B"
    condition = next(claim for claim in report.claims if claim.verdict == "not graded")
    assert condition.written in ("w < 0", "w")


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        ("For a negative $w$ we get $w_A > w_B$.", "correct"),
        ("If $w$ is negative, $w_A > w_B$.", "correct"),
        ("For a positive $w$ we get $w_A > w_B$.", "wrong"),
        ("For positive weights $w$ we get $w_A < w_B$.", "correct"),
    ],
)
def test_a_condition_in_words_is_a_condition(tmp_path, sentence: str, verdict: str) -> None:
    claim = only_claim(grade_case(tmp_path, f"## 1(e)\n{sentence}\n", PART_1E))
    assert claim.verdict == verdict


# --------------------------------------------------------------------------- statements in words

PART_STATEMENTS = r"""
[[part]]
part = "1(a)"
question = "Is the MSE a good loss for a sigmoid classifier?"

[[part.statement]]
id = "mse-linear"
claim = "The MSE (y − ŷ)² is a linear function of the prediction ŷ."
misconception = "The MSE is quadratic in ŷ, not linear."
match = [['MSE'], ['linear']]
check = { linearity = { expression = { sympy = "(y - yhat)**2" }, variable = "yhat" } }

[[part.statement]]
id = "affine-linear"
claim = "3ŷ − y is linear in ŷ."
match = [['affine'], ['linear']]
check = { linearity = { expression = { sympy = "3*yhat - y" }, variable = "yhat" } }

[[part.statement]]
id = "gradients-equal"
claim = "The BCE and MSE gradients are the same."
match = [['gradients'], ['the same']]
check = { identity = { left = { library = "bce.gradient_bce" }, right = { library = "bce.gradient_mse" } } }

[[part.statement]]
id = "vanishing"
claim = "With a sigmoid output, the MSE gradient vanishes where the prediction is confidently wrong."
match = [['vanish']]
check = { derivation = "bce.sigmoid_gradients", step = 6 }
"""
FORMULA = "$$L = (y - \\hat{y})^2$$\n\n"
"""A formula on the sheet, so that each sentence is graded beside one (a sheet of sentences only: see below)."""


@pytest.mark.parametrize(
    ("sentence", "statement", "verdict"),
    [
        ("The MSE is a linear function.", "mse-linear", "wrong"),  # the misconception
        ("The MSE is not a linear function.", "mse-linear", "correct"),  # negated: the correction
        ("An affine map is linear.", "affine-linear", "correct"),
        ("An affine map is not linear.", "affine-linear", "wrong"),
        ("The gradients are the same.", "gradients-equal", "wrong"),
        ("The gradients are not the same.", "gradients-equal", "correct"),
        ("Its gradient vanishes.", "vanishing", "correct"),
    ],
)
def test_a_sentence_is_decided_by_its_statements_check(tmp_path, sentence: str, statement: str, verdict: str) -> None:
    report = grade_case(tmp_path, f"## 1(a)\n{FORMULA}{sentence}\n", PART_STATEMENTS)
    claim = claim_of(report, sentence)
    assert (claim.kind, claim.quantity, claim.verdict) == ("statement", statement, verdict)
    if statement == "mse-linear" and verdict == "wrong":
        assert claim.mistake == "mse-linear"
        assert claim.diagnosis == "The MSE is quadratic in ŷ, not linear."
    assert report.coverage.sentences == report.coverage.sentences_graded == 1


def test_a_sheet_of_sentences_only_is_graded(tmp_path) -> None:
    """No formula anywhere, so no part has a table of the sheet's notation: the key's own is used."""
    report = grade_case(tmp_path, "## 1(a)\nThe MSE is a linear function.\n\nIts gradient vanishes.\n", PART_STATEMENTS)
    assert [claim.verdict for claim in graded(report)] == ["wrong", "correct"]


PART_2E = r"""
[[part]]
part = "2(e)"
question = "Why is the softmax unstable, and how does subtracting β = max_j z_j fix it?"

[[part.statement]]
id = "overflow"
claim = "For large logits e^z overflows a double."
match = [['large', 'big'], ['overflow']]
check = { overflow = { expression = { sympy = "exp(x)" }, at = { x = 710 } } }

[[part.statement]]
id = "overflow-700"
claim = "e^700 overflows a double."
match = [['e\^\{?700'], ['overflow']]
check = { overflow = { expression = { sympy = "exp(x)" }, at = { x = 700 } } }

[[part.statement]]
id = "unstable"
claim = "Computed as written, the softmax overflows for large logits."
match = [['unstable']]
check = { overflow = { expression = { library = "softmax.softmax_entry" }, at = { K = 2, i = 1, z = [1000, 0] } } }

[[part.statement]]
id = "shift-range-unit"
claim = "Every shifted logit z_i − β lies in [0, 1]."
misconception = "The shifted logits are all ≤ 0; it is e^{z_i − β} that lies in (0, 1]."
match = [['\[0, ?1\]', 'between 0 and 1']]
check = { relation = { latex = '0 \le z_i - \beta \le 1' } }

[[part.statement]]
id = "same-output"
claim = "The shifted form gives the same output as the softmax."
match = [['unchanged']]
check = { identity = { left = { library = "softmax.stable_softmax" }, right = { library = "softmax.softmax_entry" } } }
"""


@pytest.mark.parametrize(
    ("sentence", "statement", "verdict"),
    [
        ("For large logits the exponential overflows.", "overflow", "correct"),  # e^710 > 1.8 × 10^308
        ("Also e^{700} overflows.", "overflow-700", "wrong"),  # e^700 ≈ 10^304 is a double
        ("The softmax is unstable.", "unstable", "correct"),  # e^1000/(e^1000 + 1) is inf/inf in doubles
        ("After the shift all values lie between [0, 1].", "shift-range-unit", "wrong"),
        ("The output is unchanged.", "same-output", "correct"),
    ],
)
def test_overflow_ranges_and_identities(tmp_path, sentence: str, statement: str, verdict: str) -> None:
    report = grade_case(tmp_path, f"## 2(e)\n$$\\hat{{y}}_1 = 1$$\n\n{sentence}\n", PART_2E)
    claim = claim_of(report, sentence)
    assert (claim.quantity, claim.verdict) == (statement, verdict)
    if statement == "overflow-700":
        assert claim.correction.startswith("e^{700} \\approx 10^{304.0} \\leq 1.8 \\times 10^{308}")
    if statement == "shift-range-unit":
        assert claim.diagnosis == "The shifted logits are all ≤ 0; it is e^{z_i − β} that lies in (0, 1]."


# --------------------------------------------------------------------------- budgets and points


def test_a_claim_that_runs_out_of_time_is_undecided(tmp_path) -> None:
    # a formula no other test grades: verdicts reached within their budget are shared by the process
    sheet = "## 2(b)\n$$\\frac{\\partial \\hat{y}_k}{\\partial z_k} = \\hat{y}_k (3 - 7 \\hat{y}_k) + z_k$$\n"
    claim = only_claim(grade_case(tmp_path, sheet, Q2 + PART_2B, timeout=1e-6))
    assert claim.verdict == "undecided"
    assert claim.explanation.startswith("Not decided: ")


def test_points_are_shared_over_a_parts_graded_claims(tmp_path) -> None:
    """Each claim of a part counts the same: 1 of 2 right earns half of the part's 2 points; a part of the key the
    sheet never answers is 'no answer' with 0 points."""
    sheet = (
        "## 2(b)\n$$\\frac{\\partial \\hat{y}_k}{\\partial z_k} = \\hat{y}_k (1 - \\hat{y}_k)$$\n\n"
        "$$\\frac{\\partial \\hat{y}_i}{\\partial z_i} = \\hat{y}_i$$\n"
    )
    report = grade_case(tmp_path, sheet, Q2 + PART_2B + PART_2C)
    parts = {part.part: part for part in report.parts}
    assert (parts["2(b)"].status, parts["2(b)"].points, parts["2(b)"].max_points) == ("answered", 1.0, 2.0)
    assert dict(parts["2(b)"].counts) == {"correct": 1, "wrong": 1}
    assert (parts["2(c)"].status, parts["2(c)"].points) == ("no answer", 0.0)
    assert report.score == (1.0, 3.0)


def test_a_right_value_that_does_not_follow_from_the_line_before_is_wrong(tmp_path) -> None:
    """``L = 2.303 + 0.2231 + 1.2041 ≈ 1.24``: 1.24 is the mean BCE, but 3.7302 ≈ 1.24 is false as written."""
    report = grade_case(tmp_path, "## 1(d)\n$$L = 2.303 + 0.2231 + 1.2041 \\approx 1.24$$\n", Q1 + PART_1D)
    first, second = graded(report)
    assert first.verdict == "wrong" and "missing 1/n" in first.diagnosis.lower()
    assert second.verdict == "wrong"
    assert second.diagnosis.startswith("$1.24$ is the right value, but it does not follow from the line before")
    assert "$3.7302$" in second.diagnosis
    right = grade_case(tmp_path, "## 1(d)\n$$L = \\frac{2.303 + 0.2231 + 1.2041}{3} \\approx 1.24$$\n", Q1 + PART_1D)
    assert [claim.verdict for claim in graded(right)] == ["correct", "correct"]


def test_a_reason_after_a_graded_statement_is_part_of_its_claim(tmp_path) -> None:
    """``…, because its graph is a parabola``: a clause that matches no statement after one that does is its
    reason, quoted by its claim, not a claim 'not graded' of its own; alone, such a sentence is still reported."""
    sentence = "The MSE is not a linear function, because its graph is a parabola."
    report = grade_case(tmp_path, f"## 1(a)\n{FORMULA}{sentence}\n", PART_STATEMENTS)
    claim = claim_of(report, sentence)
    assert (claim.kind, claim.verdict) == ("statement", "correct")
    assert not [c for c in report.claims if c.kind == "sentence"]
    alone = grade_case(tmp_path, "## 1(a)\nIts graph is a parabola opening upwards.\n", PART_STATEMENTS)
    assert [c.verdict for c in alone.claims if c.kind == "sentence"] == ["not graded"]
