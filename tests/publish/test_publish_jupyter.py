"""Jupyter displays: derivations and reports show as math, through IPython's own display machinery."""

from __future__ import annotations

import subprocess
import sys

import publish_cases as cases
import pytest

# no import of symcheck.publish: the data classes find their renderers through the symcheck.display entry point
from symcheck.printing import mathml
from symcheck.results import VerifyReport


def _objects() -> dict[str, object]:
    report = cases.demo_report()
    return {
        "Derivation": cases.demo_derivation(),
        "DerivationReport": report,
        "VerifyReport": VerifyReport((report,), 0.3),
        "GradeReport": cases.demo_grade_report(),
    }


@pytest.mark.parametrize("kind", sorted(_objects()))
def test_ipython_displays_html_and_latex(kind: str) -> None:
    formatters = pytest.importorskip("IPython.core.formatters", reason="IPython is not installed")
    value = _objects()[kind]
    data, _ = formatters.DisplayFormatter().format(value)
    html, latex = data["text/html"], data["text/latex"]
    assert html.startswith("<style>") and '<div class="symcheck">' in html and "<math" in html
    assert "<html" not in html and "<script" not in html
    assert latex.startswith(r"$\displaystyle\begin{array}{l}") and latex.endswith(r"\end{array}$")
    mathml(latex[len("$\\displaystyle") : -1])  # what MathJax gets is well-formed: the validator accepts it


def test_displays_show_the_content_and_verdicts() -> None:
    objects = _objects()
    derivation_html = objects["Derivation"]._repr_html_()  # type: ignore[attr-defined]
    assert "The sigmoid derivative" in derivation_html and "Step 3" in derivation_html
    assert 'class="badge' not in derivation_html.split("</style>")[1], "an unverified derivation has no verdicts"
    report_html = objects["DerivationReport"]._repr_html_()  # type: ignore[attr-defined]
    assert (
        "✗ failed" in report_html
        and '<mi>s</mi><mo>=</mo><mn>3</mn><mo lspace="0" rspace="0">/</mo><mn>4</mn>' in report_html
    )
    grade_latex = objects["GradeReport"]._repr_latex_()  # type: ignore[attr-defined]
    assert r"\text{Claim a-value}" in grade_latex and r"\frac{1}{2}" in grade_latex


def test_hostile_text_is_escaped_in_displays() -> None:
    html = cases.demo_grade_report(hostile=True)._repr_html_()  # type: ignore[attr-defined]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_data_layer_does_not_import_publishing() -> None:
    """The hooks are installed by publishing; importing the data classes alone loads no renderer."""
    script = (
        "import sys, symcheck.model, symcheck.results, symcheck.sheet; "
        "print(any(name.startswith('symcheck.publish') for name in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "False"


def test_a_fresh_process_displays_without_importing_publishing() -> None:
    """The data layer finds its renderers through the symcheck.display entry point, on first display."""
    code = (
        "import sys; from symcheck import registry; registry.load_entry_points(); "
        "d = registry.build('softmax.shift_invariance'); "
        "assert 'symcheck.publish' not in sys.modules; html = d._repr_html_(); "
        "assert html and '<math' in html; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
