"""A hand-made graded sheet in the shape of the seed sheet, for tests that must not depend on grading.

The claims mirror the seed sheet's mistakes (the sigmoid derivative used for the softmax Jacobian,
a K × K weight matrix, the mean BCE), name real derivations of the library, and carry every kind of
field a :class:`~symcheck.sheet.ClaimResult` can have: readings, chain links, a location.
``HOSTILE`` is sheet text that would do harm if any format passed it through unescaped.
"""

from __future__ import annotations

from symcheck.sheet import ClaimResult, GradeReport, LinkResult, Reading, SourceLocation

HOSTILE = (
    "<script>alert('x')</script> & </pre> \\input{/etc/passwd} \\write18{rm} $x$ #set text(red) "
    '#"; ] ``` *bold* _under_ % comment {brace} ^caret ~tilde | pipe\n- list item\n1. one'
)
"""Markup of every format the solution sheet is written in: HTML, LaTeX, Typst, Markdown."""


def _at(line: int, column: int = 1) -> SourceLocation:
    return SourceLocation("derivations/sheets/ml_theory/answer_sheet.md", line, column)


def seed_like_report(*, hostile: bool = False) -> GradeReport:
    """A graded sheet with correct, wrong, imprecise and undecided claims over four parts."""
    diagnosis_2c = (
        "The sigmoid derivative σ(1 − σ) was used for the softmax Jacobian: it is only the diagonal entry "
        "ŷ_i(1 − ŷ_i), and the off-diagonal entries −ŷ_i ŷ_k are missing."
    )
    claims = (
        ClaimResult(
            id="2c-jacobian",
            part="2(c)",
            written=(
                r"$$(c) \frac{\partial \hat{y}_k}{\partial z_i^{[2]}} = \sigma(z_i^{[2]}) (1 - \sigma(z_i^{[2]}))$$"
            ),
            verdict="wrong",
            expected=r"\hat{y}_{i} (\delta_{i k} - \hat{y}_{k})",
            correction=r"\frac{\partial \hat{y}_{i}}{\partial z_{k}} = \hat{y}_{i} (\delta_{i k} - \hat{y}_{k})",
            diagnosis=HOSTILE if hostile else diagnosis_2c,
            kind="expression",
            statement="The softmax Jacobian entry ∂ŷ_i/∂z_k.",
            derivation="softmax.jacobian",
            location=_at(120, 3),
        ),
        ClaimResult(
            id="1c-bce",
            part="1(c)",
            written=(
                r"$$\begin{aligned} L(y, \hat{y}) &= -(0 \log 0.9 + 1 \log 0.1) \\ "
                r"&= -\log 0.1 = +2.303 \end{aligned}$$"
            ),
            verdict="correct",
            expected=r"-\log\left(0.1\right)",
            value=2.302585092994046,
            kind="number",
            statement="BCE(y = 0, ŷ = 0.9).",
            derivation="bce.likelihood",
            location=_at(44),
            links=(
                LinkResult(0, r"-(0 \log 0.9 + 1 \log 0.1)", r"-\log 0.1", "=", "correct", 2.302585, 2.302585),
                LinkResult(1, r"-\log 0.1", "+2.303", "=", "imprecise", 2.302585, 2.303, "rounded to 3 decimals"),
            ),
            student_value=2.303,
        ),
        ClaimResult(
            id="1d-mean",
            part="1(d)",
            written=r"$$L \approx 2.3026 + \frac{0.2231}{3} + 1.2041 \approx 1.24$$",
            verdict="wrong",
            expected=r"\frac{2.3026 + 0.2231 + 1.2041}{3}",
            value=1.2432666666666667,
            correction=(
                r"L = \frac{1}{3} \sum_{n=1}^{3} \operatorname{BCE}\left(y_{n}, \hat{y}_{n}\right) \approx 1.2433"
            ),
            diagnosis="Only the second term was divided by 3; the sum printed is 3.58, not 1.24.",
            kind="number",
            statement="The mean BCE of the three samples.",
            derivation="bce.likelihood",
            location=_at(60),
            readings=(
                Reading(
                    "mean over samples",
                    r"\frac{1}{3} \sum_{n=1}^{3} \operatorname{BCE}_{n}",
                    1.2432667,
                    "imprecise",
                    "the student's final number matches this reading to 2 digits",
                ),
                Reading("sum over samples", None, 3.7298, "wrong"),
            ),
            student_value=1.24,
        ),
        ClaimResult(
            id="2a-w2",
            part="2(a)",
            written="$w^2 : K \\times K$ if hidden layer",
            verdict="wrong",
            expected=r"W^{[2]} \in \mathbb{R}^{K \times D_{a}}",
            correction=r"W^{[2]} A^{[1]} + b^{[2]} \mathbf{1}^{\top} \in \mathbb{R}^{K \times m}",
            diagnosis="W2 maps D_a hidden units to K classes, so it is K × D_a; K × K only fits when D_a = K.",
            kind="shape",
            statement="The shape of W^{[2]}.",
            derivation="mlp.shapes",
            location=_at(98, 1),
        ),
        ClaimResult(
            id="2e-stable",
            part="2(e)",
            written="this transforms all  $x$  into values between [0, 1]",
            verdict="undecided",
            kind="text",
            statement="What the max-shift does to the logits.",
            explanation="Prose claims are not graded automatically; see the model derivation.",
            derivation="softmax.max_shift",
            location=_at(180, 1),
        ),
        ClaimResult(
            id="2c-offdiag",
            part="2(c)",
            written=r"\boxed{-y_i y_k}",
            verdict="imprecise",
            expected=r"- \hat{y}_{i} \hat{y}_{k}",
            correction=r"- \hat{y}_{i} \hat{y}_{k}",
            diagnosis="Right form, but y (the labels) written for ŷ (the predictions).",
            kind="expression",
            statement="The off-diagonal Jacobian entry, i ≠ k.",
            derivation="softmax.jacobian",
            location=_at(124, 40),
        ),
    )
    return GradeReport(
        sheet="ml-theory",
        title="ML theory homework",
        source="derivations/sheets/ml_theory/answer_sheet.md",
        claims=claims,
        seconds=0.5,
    )


# --------------------------------------------------------------------------- a small, stable document


def demo_derivation():  # type: ignore[no-untyped-def]
    """A two-step derivation written here, so golden files do not move when the library changes."""
    import sympy as sp

    from symcheck.model import Definition, Derivation, FiniteDifference, Step, assume

    x = sp.Symbol("x", real=True)
    sigma = sp.Function("sigma")
    s = sp.Symbol("s", real=True)
    return Derivation(
        name="demo.sigmoid_derivative",
        title="The sigmoid derivative σ′(x) = σ(x)(1 − σ(x))",
        steps=(
            Step(sp.Eq(sigma(x), 1 / (1 + sp.exp(-x))), "Definition of σ.", rule="definition", given=True),
            Step(
                sp.Eq(sp.Derivative(1 / (1 + sp.exp(-x)), x), sp.exp(-x) / (1 + sp.exp(-x)) ** 2, evaluate=False),
                "Chain rule on (1 + e^{−x})^{−1}.",
                rule="chain rule",
            ),
            Step(s * (1 - s), "Write e^{−x}/(1 + e^{−x}) as 1 − σ: the product of σ and 1 − σ.", rule="algebra"),
        ),
        result=sp.Eq(sp.Derivative(sigma(x), x), sigma(x) * (1 - sigma(x)), evaluate=False),
        assumptions=assume(real=[x, s]),
        definitions=(Definition(s, 1 / (1 + sp.exp(-x)), "s = σ(x)"),),
        checks=(FiniteDifference(1 / (1 + sp.exp(-x)), s * (1 - s), x, description="σ′ against central differences"),),
        summary="The derivative of the logistic function, in terms of the function itself.",
        topic="demo",
    )


def demo_report():  # type: ignore[no-untyped-def]
    """A verification report of :func:`demo_derivation`, written by hand: one step fails with a counterexample."""
    from symcheck.results import CheckResult, Counterexample, DerivationReport, StepResult

    steps = (
        StepResult(0, r"\sigma(x) = \frac{1}{1 + e^{- x}}", "Definition of σ.", "given", "premise", rule="definition"),
        StepResult(
            1,
            r"\frac{d}{d x} \frac{1}{1 + e^{- x}} = \frac{e^{- x}}{(1 + e^{- x})^{2}}",
            "Chain rule on (1 + e^{−x})^{−1}.",
            "verified",
            "normal form",
            rule="chain rule",
            confidence=1.0,
        ),
        StepResult(
            2,
            r"s (1 - s)",
            "Write e^{−x}/(1 + e^{−x}) as 1 − σ: the product of σ and 1 − σ.",
            "failed",
            "probing",
            rule="algebra",
            compared_with=r"\frac{e^{- x}}{(1 + e^{- x})^{2}}",
            counterexample=Counterexample((("x", "1/2"), ("s", "3/4")), "3/16", "0.235004"),
        ),
    )
    result = StepResult(
        3,
        r"\sigma'(x) = \sigma(x) (1 - \sigma(x))",
        "the declared result",
        "undecided",
        "probing",
        label="result",
        detail="timed out after 5 s",
    )
    checks = (
        CheckResult("finite_difference", "verified", 3.2e-11, 1e-06, 24, "σ′ against central differences"),
        CheckResult("instances", "undecided", None, None, 0, "", "could not run: ValueError: no instances"),
    )
    return DerivationReport(
        name="demo.sigmoid_derivative",
        title="The sigmoid derivative σ′(x) = σ(x)(1 − σ(x))",
        status="failed",
        general_k=False,
        seconds=0.25,
        steps=steps,
        checks=checks,
        result_latex=result.latex,
        result=result,
        topic="demo",
        summary="The derivative of the logistic function, in terms of the function itself.",
    )


def demo_grade_report(*, hostile: bool = False) -> GradeReport:
    """Two parts, four verdicts, one derivation shown under the first part and linked from the second."""
    claims = (
        ClaimResult(
            id="b-derivative",
            part="1(b)",
            written=r"$$\sigma'(x) = \sigma(x)(1 - \sigma(x))$$",
            verdict="correct",
            expected=r"\sigma(x) (1 - \sigma(x))",
            kind="expression",
            statement="The derivative of the sigmoid.",
            derivation="demo.sigmoid_derivative",
            location=SourceLocation("sheet.md", 3, 1),
        ),
        ClaimResult(
            id="a-value",
            part="1(a)",
            written="σ(0) = 0.6" if not hostile else HOSTILE,
            verdict="wrong",
            expected=r"\frac{1}{2}",
            value=0.5,
            correction=r"\sigma(0) = \frac{1}{1 + e^{0}} = \frac{1}{2}",
            diagnosis="e^0 is 1, not 0: σ(0) = 1/2." if not hostile else HOSTILE,
            kind="number",
            statement="σ(0).",
            location=SourceLocation("sheet.md", 1, 4),
            student_value=0.6,
        ),
        ClaimResult(
            id="a-bound",
            part="1(a)",
            written="0 < σ(x) < 1 ≈ always",
            verdict="imprecise",
            kind="relation",
            links=(
                LinkResult(0, "0", r"\sigma(x)", "<", "correct"),
                LinkResult(1, r"\sigma(x)", "1", "<", "correct"),
                LinkResult(2, "1", "always", "≈", "imprecise", detail="not a number"),
            ),
            location=SourceLocation("sheet.md", 2, 1),
        ),
        ClaimResult(
            id="10a-slope",
            part="10(a)",
            written="the slope is largest at 0",
            verdict="undecided",
            kind="text",
            readings=(
                Reading("slope of σ", r"\frac{1}{4}", 0.25, "correct"),
                Reading("slope of σ′", "0", 0.0, "wrong", "σ″(0) = 0"),
            ),
            derivation="demo.sigmoid_derivative",
        ),
    )
    return GradeReport(sheet="demo", title="Sigmoid quiz", source="sheet.md", claims=claims, seconds=0.1)
