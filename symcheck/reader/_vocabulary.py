"""The fixed vocabulary of the reader: which LaTeX commands and characters mean what.

Everything a sheet may write that is *not* declared by a :class:`SymbolTable` is listed here, so a
command that is in none of these tables is an unknown command and an error, never a guess.
"""

from __future__ import annotations

__all__ = [
    "ACCENTS",
    "ALIGNED_ENVIRONMENTS",
    "BUILTIN_FUNCTIONS",
    "CHAIN_ENVIRONMENTS",
    "COMBINING_ACCENTS",
    "CONSTANTS",
    "DROPPED_COMMANDS",
    "FONTS",
    "GATHERED_ENVIRONMENTS",
    "GREEK",
    "MULTIPLY",
    "NORM_BARS",
    "PRECOMPOSED",
    "RELATIONS",
    "SPACING",
    "TEXT_COMMANDS",
    "TRANSPOSES",
    "UNICODE",
    "UNSUPPORTED",
    "WIDE_SPACING",
]

# fmt: off
GREEK = frozenset((
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
    "kappa", "lambda", "mu", "nu", "xi", "omicron", "rho", "varrho", "sigma", "varsigma", "tau", "upsilon",
    "phi", "varphi", "chi", "psi", "omega", "varpi", "ell",
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
))
# fmt: on
"""Greek letters (and ``\\ell``): each is a name spelled as SymPy spells it (``\\lambda`` is the symbol ``lambda``)."""

CONSTANTS = frozenset({"pi", "infty"})
"""Commands that are constants unless the table declares the name (``\\pi`` is π, ``\\infty`` is ∞)."""

BUILTIN_FUNCTIONS = frozenset(
    [
        "log",
        "ln",
        "exp",
        "sin",
        "cos",
        "tan",
        "sinh",
        "cosh",
        "tanh",
        "arcsin",
        "arccos",
        "arctan",
        "max",
        "min",
        "sqrt",
    ]
)
"""Functions every sheet may use, as ``\\log`` or as the plain word ``log`` standing alone."""

ACCENTS = {
    "hat": "hat",
    "widehat": "hat",
    "bar": "bar",
    "overline": "bar",
    "tilde": "tilde",
    "widetilde": "tilde",
    "dot": "dot",
    "ddot": "ddot",
    "check": "check",
    "vec": "vec",
}
"""Accents become a suffix of the name, the library's convention: ``\\hat{y}`` is ``yhat``."""

FONTS = frozenset(
    ["mathbf", "boldsymbol", "bm", "mathit", "mathcal", "mathsf", "mathbb", "mathfrak", "mathscr", "mathnormal"]
)
"""Font commands do not change which name is meant: ``\\mathbf{W}`` is ``W``."""

TEXT_COMMANDS = {
    "text": "text",
    "textrm": "text",
    "textit": "text",
    "textnormal": "text",
    "mbox": "text",
    "mathrm": "mathrm",
    "operatorname": "operatorname",
}
"""Commands whose braced argument is read as raw text (a name), not as mathematics."""

SPACING = frozenset(
    {
        ",",
        ":",
        ";",
        "!",
        " ",
        ">",
        "thinspace",
        "medspace",
        "thickspace",
        "negthinspace",
        "enspace",
        "displaystyle",
        "textstyle",
        "limits",
        "nolimits",
    }
)
"""Spacing and style commands, ignored. (``~`` is ignored by the tokenizer too.)"""

WIDE_SPACING = frozenset({"quad", "qquad"})
"""Wide spaces: ignored, except that one may not stand between two factors (see the parser)."""

DROPPED_COMMANDS = frozenset(
    [
        "left",
        "right",
        "big",
        "Big",
        "bigg",
        "Bigg",
        "bigl",
        "bigr",
        "Bigl",
        "Bigr",
        "biggl",
        "biggr",
        "Biggl",
        "Biggr",
        "middle",
    ]
)
"""Delimiter sizing: ``\\left( x \\right)`` reads as ``( x )``."""

MULTIPLY = frozenset({"cdot", "times", "ast", "div"})

RELATIONS = {
    "=": "=",
    "==": "=",
    "<": "<",
    ">": ">",
    "<=": "≤",
    ">=": "≥",
    "!=": "≠",
    ":=": "=",
    "lt": "<",
    "gt": ">",
    "le": "≤",
    "leq": "≤",
    "leqslant": "≤",
    "ge": "≥",
    "geq": "≥",
    "geqslant": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "leftarrow": "←",
    "gets": "←",
    "in": "∈",
    "succeq": "⪰",
    "succ": "≻",
    "preceq": "⪯",
    "prec": "≺",
}
"""Relation spellings (commands by name, characters as written) and the symbol each one stands for."""

UNSUPPORTED = {
    "dots": "an elided list (…) is not one value",
    "ldots": "an elided list (…) is not one value",
    "cdots": "an elided list (…) is not one value",
    "vdots": "an elided list (…) is not one value",
    "pm": "± is two values, not one",
    "mp": "∓ is two values, not one",
    "to": "→ is not a relation the reader knows",
    "rightarrow": "→ is not a relation the reader knows",
    "int": "integrals are not supported",
    "lim": "limits are not supported",
    "forall": "quantifiers are not an expression",
    "therefore": "∴ is prose, not mathematics",
    "because": "∵ is prose, not mathematics",
    "binom": "binomial coefficients are not supported",
    "equiv": "≡ is not a relation the reader knows",
    "sim": "~ is not a relation the reader knows",
    "simeq": "≃ is not a relation the reader knows",
    "propto": "∝ is not a relation the reader knows",
}
"""Commands the reader recognises but refuses, with the reason given in the error."""

TRANSPOSES = frozenset({"top", "intercal", "T", "mathsf"})
"""What a superscript may be to mean a transpose: ``^T``, ``^\\top``, ``^\\intercal``, ``^{\\mathsf{T}}``."""
NORM_BARS = {"|": "|", "lVert": "rVert", "Vert": "Vert"}
"""Norm delimiters: ``\\| … \\|``, ``\\lVert … \\rVert``, ``\\Vert … \\Vert``."""

UNICODE = {
    "−": ("char", "-"),
    "–": ("char", "-"),
    "·": ("command", "cdot"),
    "⋅": ("command", "cdot"),
    "×": ("command", "times"),
    "÷": ("command", "div"),
    "≈": ("command", "approx"),
    "≤": ("command", "le"),
    "⩽": ("command", "le"),
    "≥": ("command", "ge"),
    "⩾": ("command", "ge"),
    "≠": ("command", "ne"),
    "←": ("command", "leftarrow"),
    "∂": ("command", "partial"),
    "∇": ("command", "nabla"),
    "ℓ": ("command", "ell"),
    "∑": ("command", "sum"),
    "∏": ("command", "prod"),
    "∞": ("command", "infty"),
    "∈": ("command", "in"),
    "‖": ("command", "|"),
    "⊤": ("command", "top"),
    "α": ("command", "alpha"),
    "β": ("command", "beta"),
    "γ": ("command", "gamma"),
    "δ": ("command", "delta"),
    "ε": ("command", "epsilon"),
    "ζ": ("command", "zeta"),
    "η": ("command", "eta"),
    "θ": ("command", "theta"),
    "κ": ("command", "kappa"),
    "λ": ("command", "lambda"),
    "μ": ("command", "mu"),
    "ν": ("command", "nu"),
    "ξ": ("command", "xi"),
    "π": ("command", "pi"),
    "ρ": ("command", "rho"),
    "σ": ("command", "sigma"),
    "τ": ("command", "tau"),
    "φ": ("command", "phi"),
    "χ": ("command", "chi"),
    "ψ": ("command", "psi"),
    "ω": ("command", "omega"),
    "Δ": ("command", "Delta"),
    "Θ": ("command", "Theta"),
    "Λ": ("command", "Lambda"),
    "Σ": ("command", "Sigma"),
    "Φ": ("command", "Phi"),
    "Ω": ("command", "Omega"),
    "\u00a0": ("space", " "),
}
"""Unicode a sheet (or its OCR) may contain, as the LaTeX it stands for. Anything else is an error."""

COMBINING_ACCENTS = {"\u0302": "hat", "\u0304": "bar", "\u0305": "bar", "\u0303": "tilde", "\u0307": "dot"}
"""Combining marks written after a letter (y + U+0302 is ŷ)."""

PRECOMPOSED = {"ŷ": ("hat", "y"), "Ŷ": ("hat", "Y"), "ȳ": ("bar", "y"), "Ȳ": ("bar", "Y")}
"""Precomposed accented letters: one character, read as accent + letter."""

ALIGNED_ENVIRONMENTS = frozenset({"aligned", "align", "align*", "split", "alignat", "alignat*", "flalign", "flalign*"})
"""Blocks whose rows pair cells as ``left & right`` (see :mod:`symcheck.reader._chain`)."""
GATHERED_ENVIRONMENTS = frozenset({"gathered", "gather", "gather*", "multline", "multline*", "equation", "equation*"})
"""Blocks whose rows are centred, one equation or continuation per row."""
CHAIN_ENVIRONMENTS = ALIGNED_ENVIRONMENTS | GATHERED_ENVIRONMENTS
