r"""Read LaTeX from untrusted answer sheets into SymPy objects, safely.

>>> import sympy as sp
>>> from symcheck.reader import SymbolTable, read_expression, read_chain
>>> table = SymbolTable(functions=[r"\sigma"], indexed=["y", r"\hat{y}", "z"], layered=["z"])
>>> read_expression(r"\hat{y}_k(1-\hat{y}_k)", table)
(1 - yhat[k])*yhat[k]
>>> read_expression(r"\sigma(z_k^{[2]}) (1 - \sigma(z_k^{[2]}))", table)
(1 - sigma(z2[k]))*sigma(z2[k])
>>> chain = read_chain(r"-\log 0.1 = +2.303 \approx 2.30", table)
>>> chain.terms, chain.relations, chain.written(1)
((log(10), 2303/1000, 23/10), ('=', '≈'), '+2.303')

Nothing here evaluates text: there is a tokenizer and a recursive-descent parser of our own, and
SymPy objects are built from the parse directly, never through ``eval``, ``exec``, ``sympify``,
``parse_expr`` or ``parse_latex``. Everything the reader cannot read, from a typo to a hostile
100 000-character string, is a :class:`LatexSyntaxError` with the offset, line and column; length,
nesting, number size and power size are capped (see ``symcheck.reader._limits``).

Choices the reader makes, and where it refuses to make one:

* a name is a call only if the :class:`SymbolTable` declares it a function (``\sigma(z)``); otherwise
  brackets after it multiply (``y_k(1-y_k)``, ``\alpha(x+1)``);
* decimals are exact: ``2.303`` is ``Rational(2303, 1000)``; :class:`Chain` spans keep the text;
* ``\log`` is natural unless the table says otherwise; ``e`` is Euler's number, so ``1e-3`` (which
  LaTeX has no notation for) is refused: write ``10^{-3}``;
* implicit multiplication binds tighter than ``\cdot`` and ``/``; ``a/b c`` and ``\log a b`` are
  ambiguous and refused, as are ``x 2``, ``x^12`` and two boxes separated by ``\quad``;
* ``\frac{\partial L}{\partial z_k}``, ``∂L/∂z``, ``\frac{dL}{dz}`` and ``\frac{d}{dz} f`` are
  unevaluated ``Derivative`` objects;
* ``\sum``/``\prod`` without an index run over the one index subscripted in their summand, over the
  table's ``default_sum_range`` (1..K); a sum with no such index, or several, is refused.
"""

from symcheck.reader._chain import Chain
from symcheck.reader._errors import LatexSyntaxError, Origin
from symcheck.reader._read import read_chain, read_chains, read_expression, read_shape
from symcheck.reader._submission import read_submission, shown_path
from symcheck.reader._table import SymbolTable

__all__ = [
    "Chain",
    "LatexSyntaxError",
    "Origin",
    "SymbolTable",
    "read_chain",
    "read_chains",
    "read_expression",
    "read_shape",
    "read_submission",
    "shown_path",
]
