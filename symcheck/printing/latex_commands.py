r"""The LaTeX commands a formula may use to be written into a LaTeX document as it stands.

A formula that reaches a ``.tex`` file is LaTeX source, and a student's answer or a grader's quote
of it is written by someone else: pdflatex must be able to typeset it with the document's packages
(:data:`~symcheck.printing.LATEX_PACKAGES`), and nothing in it may do more than typeset (``\input``,
``\write18``, ``\catcode``, ``\href``). So every control word of such a formula must be on this
list of math-mode commands of LaTeX, amsmath and amssymb, and every environment on
:data:`LATEX_ENVIRONMENTS`; :func:`refused_command` names the first that is not. A test compiles
every command on the list with pdflatex.

>>> refused_command(r"\frac{\partial L}{\partial z_{k}} = \hat{y}_{k} - 1") is None
True
>>> refused_command(r"x \input{/etc/passwd}")
'\\input'
"""

from __future__ import annotations

import re

__all__ = ["LATEX_ENVIRONMENTS", "LATEX_MATH_COMMANDS", "refused_command"]

# fmt: off
_GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi rho "
    "varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi "
    "Psi Omega"
)
_SYMBOLS = (
    "sum prod coprod int iint oint partial nabla infty cdot cdotp times div pm mp ast star circ bullet odot otimes "
    "oplus ominus setminus cap cup wedge vee land lor neg lnot leq le geq ge neq ne approx sim simeq cong equiv "
    "propto ll gg in notin ni subset subseteq supset supseteq emptyset varnothing forall exists mid parallel perp "
    "to rightarrow leftarrow leftrightarrow Rightarrow Leftarrow Leftrightarrow longrightarrow longleftarrow "
    "Longrightarrow Longleftarrow longleftrightarrow Longleftrightarrow iff implies mapsto longmapsto gets uparrow "
    "downarrow updownarrow Uparrow Downarrow nearrow searrow nwarrow swarrow hookrightarrow hookleftarrow "
    "rightleftharpoons therefore because top bot ell hbar imath jmath Re Im aleph prime "
    "ldots dots cdots vdots ddots colon lbrace rbrace langle rangle lfloor rfloor lceil rceil vert Vert lvert "
    "rvert lVert rVert backslash not triangle angle square checkmark dagger quad qquad"
)
_FUNCTIONS = (
    "log ln lg exp sin cos tan cot sec csc sinh cosh tanh coth arcsin arccos arctan max min sup inf lim liminf "
    "limsup det dim ker arg deg gcd hom Pr bmod pmod mod operatorname"
)
_STRUCTURES = (
    "frac dfrac tfrac cfrac binom dbinom tbinom sqrt left right middle big Big bigg Bigg bigl bigr Bigl Bigr "
    "biggl biggr Biggl Biggr hat widehat bar overline underline tilde widetilde vec dot ddot check breve acute "
    "grave mathring overbrace underbrace overset underset stackrel text textrm textit textbf textsf texttt "
    "mathrm mathit mathbf mathsf mathtt mathbb mathcal mathfrak boldsymbol mbox boxed limits nolimits "
    "displaystyle textstyle scriptstyle scriptscriptstyle phantom hphantom vphantom begin end"
)
# fmt: on
LATEX_MATH_COMMANDS: frozenset[str] = frozenset(
    f"\\{name}" for group in (_GREEK, _SYMBOLS, _FUNCTIONS, _STRUCTURES) for name in group.split()
)
"""Control words that typeset mathematics with amsmath and amssymb, and do nothing else."""

LATEX_ENVIRONMENTS: frozenset[str] = frozenset(
    {"aligned", "gathered", "cases", "matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "array"}
)
"""Environments that work inside ``\\[ … \\]`` and inline math (``align`` would not)."""

_CONTROL = re.compile(r"\\(?:[A-Za-z]+|.)", re.DOTALL)
_ENVIRONMENT = re.compile(r"\\(?:begin|end)\s*\{([^{}]*)\}")


def refused_command(latex_source: str) -> str | None:
    """The first control word or environment of ``latex_source`` not on the lists, or None.

    ``^^`` is refused too: TeX reads ``^^5c`` as a backslash wherever ``^`` is a superscript, so
    ``\\text{^^5cinput{…}}`` would be ``\\input`` to pdflatex while no check sees a command.
    """
    if "^^" in latex_source:
        return "^^"
    for token in _CONTROL.findall(latex_source):
        if token[1:].isalpha() and token not in LATEX_MATH_COMMANDS:
            return token
    for environment in _ENVIRONMENT.findall(latex_source):
        if environment.strip() not in LATEX_ENVIRONMENTS:
            return rf"\begin{{{environment.strip()}}}"
    return None
