"""Malformed input: a LatexSyntaxError naming the offset, line and column, and what is wrong."""

from __future__ import annotations

import pytest
from reader_cases import SHEET_TABLE

from symcheck.errors import SourceError, SymcheckError
from symcheck.reader import LatexSyntaxError, SymbolTable, read_chain, read_expression, read_shape

# (latex, offset, message fragment); line 1, so the column is offset + 1
MALFORMED = [
    (r"\frac{1}{", 8, "'{' is never closed"),
    ("a + )", 4, "expected an expression, found ')'"),
    (r"\unknowncmd{x}", 0, r"unknown command '\unknowncmd'"),
    (r"x + \unknowncmd{x}", 4, r"unknown command '\unknowncmd'"),
    (r"\input{/etc/passwd}", 0, r"unknown command '\input'"),
    ("}", 0, "'}' without a matching '{'"),
    ("(a+b", 4, "expected ')' to close the '(' at column 1, found the end of the input"),
    (r"\left( a \right]", 9, "found ']'"),
    ("f(x", 3, "expected ')' to close"),
    ("a +", 3, "found the end of the input"),
    ("1e-3", 0, "scientific notation"),
    ("2.5E3", 0, "scientific notation"),
    ("x^12", 2, "write ^{12}"),
    ("x^-1", 2, "write ^{-…}"),
    ("x^2^3", 3, "double superscript"),
    ("y_1_2", 3, "double subscript"),
    ("a/b c", 4, "ambiguous: 'a/b c'"),
    (r"\log a b", 7, "ambiguous argument"),
    (r"\log 2 w", 7, "ambiguous argument"),
    ("x 2", 2, "a number directly after a factor"),
    ("2 3", 2, "a number directly after a factor"),
    (r"(-y_i y_k \quad y_k)", 16, r"wide space (\quad)"),
    (r"\boxed{-y_i y_k} \quad \boxed{y_k}", 23, "2 separate equations; read them with read_chains"),
    (r"\sum x", 0, "cannot tell which index"),
    (r"\sum y_i \hat{y}_k", 0, "could run over any of i, k"),
    (r"\sum^{K} y_i", 0, "needs a lower limit"),
    (r"\sum_{i=1} y_i", 0, "needs an upper limit"),
    (r"\prod_{y_i} p(x_i)", 7, "cannot read the index"),
    (r"\frac{\partial^2 L}{\partial z_k}", 0, "the orders do not match"),
    (r"\frac{\partial L}{z}", 18, "expected ∂ before each variable"),
    (r"\frac{\partial L}{\partial \sigma(z)}", 27, "differentiate with respect to a name"),
    (r"\frac{\partial^2 L}{\partial z^{(2)} \partial z_k}", 29, "the whole vector z2 must be of first order alone"),
    (r"\nabla", 6, "∇ needs what it differentiates"),
    (r"\sum_{k \neq i}^{K} y_k", 15, "takes no upper limit"),
    (r"\partial L", 0, "∂ on its own"),
    (r"\frac{d}{dw}", 12, "needs an argument"),
    (r"\sin^{-1} w", 4, "ambiguous (a power or an inverse?)"),
    ("3!", 1, "factorials are not supported"),
    ("f'", 1, "primes"),
    (r"\dots", 0, "elided list"),
    (r"a \pm b", 2, "two values"),
    (r"w_B \rightarrow w_A", 4, "→ is not a relation"),
    (r"\left. w \right|", 0, "invisible delimiter"),
    (r"\begin{cases} 1 \end{cases}", 0, r"\begin{cases} is not supported"),
    (r"p \begin{cases} 1 \end{cases}", 2, r"\begin{cases} is not supported"),
    (r"a = \begin{aligned} b \end{aligned}", 4, "only read around a whole formula"),
    (r"a \\ b", 2, r"line break (\\) is only read inside"),
    ("a & b", 2, "unexpected '&'"),
    ("x = 5 €", 6, "unexpected character '€' (U+20AC)"),
    ("x\u202ey", 1, "U+202E"),
    ("$", 0, "unexpected character '$'"),
    (r"\text{shape of } W^1", 0, "is prose, not a name"),
    (r"\text{Leaky Thing}(z)", 0, "is prose, not a name"),
    ("CE(y_1, y_2)", 0, "CE is not a declared function"),
    ("xy(1 - y)", 0, "xy is not a declared function"),
    ("P(x, y)", 3, "a list (a, b, …) is not one value"),
    ("P(x | y)", 4, "is never closed"),
    ("(k = \\neq i)", 3, "a relation inside brackets"),
    (r"{a+b}^2", 5, "is drawn as a+b^n"),
    (r"x^{(2)}", 1, "looks like a layer label"),
    ("{}", 0, "empty braces"),
    ("", 0, "empty formula"),
    (r"\frac 123", 6, "ambiguous"),
    ("2^{2^{2^{2^{99}}}}", 6, "more than 4096 bits"),
    (r"10^{999} \cdot 10^{999} \cdot 10^{999} \cdot 10^{999} \cdot 10^{999}", 0, "more than 4096 bits"),
    ("1" * 101, 0, "more than 100 digits"),
]


@pytest.mark.parametrize(("latex", "offset", "fragment"), MALFORMED)
def test_error_names_the_place(latex: str, offset: int, fragment: str) -> None:
    with pytest.raises(LatexSyntaxError) as caught:
        read_expression(latex, SHEET_TABLE)
    error = caught.value
    assert fragment in error.message
    assert (error.offset, error.line, error.column) == (offset, 1, offset + 1)
    assert str(error) == f"1:{offset + 1}: {error.message}"


def test_error_is_a_source_error_with_an_excerpt() -> None:
    with pytest.raises(LatexSyntaxError) as caught:
        read_expression(r"x + \unknowncmd{x}")
    error = caught.value
    assert isinstance(error, SourceError) and isinstance(error, SymcheckError)
    assert error.excerpt() == "x + \\unknowncmd{x}\n    ^"


def test_line_and_column_on_a_later_line() -> None:
    latex = "\\begin{aligned} a &= b \\\\\n  &= \\oops \\end{aligned}"
    with pytest.raises(LatexSyntaxError) as caught:
        read_chain(latex)
    error = caught.value
    assert error.offset == latex.index("\\oops")
    assert (error.line, error.column) == (2, 6)
    assert error.excerpt() == "  &= \\oops \\end{aligned}\n     ^"


@pytest.mark.parametrize(
    ("latex", "where"),
    [
        (r"a + \bad", "sheet.md:10:9"),  # first line: the column continues the file's
        ("a +\n  \\bad", "sheet.md:11:3"),  # later line: the column is the line's own
    ],
)
def test_origin_places_the_error_in_the_file(latex: str, where: str) -> None:
    with pytest.raises(LatexSyntaxError) as caught:
        read_expression(latex, origin=("sheet.md", 10, 5))
    assert str(caught.value) == f"{where}: unknown command '\\bad'"
    assert caught.value.path == "sheet.md"


def test_too_long_input_is_refused_before_reading() -> None:
    with pytest.raises(LatexSyntaxError, match="longer than the 20000"):
        read_expression("x+" * 50_000)


def test_nesting_cap_is_the_readers_error_not_recursion() -> None:
    with pytest.raises(LatexSyntaxError, match="nested more than 64 levels deep"):
        read_expression("{" * 5000 + "x" + "}" * 5000)
    with pytest.raises(LatexSyntaxError, match="nested more than 64 levels deep"):
        read_expression(r"\log" * 3000 + " x")
    with pytest.raises(LatexSyntaxError, match="nested more than 64 levels deep"):
        read_expression(r"\hat{" * 3000 + "y" + "}" * 3000)
    assert read_expression("(" * 60 + "x" + ")" * 60) == read_expression("x")


def test_expression_refuses_chains_and_relations_without_sympy_equivalent() -> None:
    with pytest.raises(LatexSyntaxError, match="read it with read_chain") as caught:
        read_expression(r"a \approx b")
    assert caught.value.offset == 10
    with pytest.raises(LatexSyntaxError, match="a chain of 2 relations"):
        read_expression("a = b = c")
    with pytest.raises(LatexSyntaxError, match="dangling '='") as caught:
        read_expression("$$ = a$$")
    assert caught.value.offset == 3
    with pytest.raises(LatexSyntaxError, match="dangling '≈'") as caught:
        read_expression(r"a \approx")
    assert caught.value.offset == 2


def test_shape_dimensions_must_be_positive_whole_numbers() -> None:
    with pytest.raises(LatexSyntaxError, match="positive whole number") as caught:
        read_shape(r"D_a \times 0.5")
    assert caught.value.offset == 11
    with pytest.raises(LatexSyntaxError, match="only \\\\mathbb\\{R\\}"):
        read_shape(r"\mathbb{C}^{2}")


def test_table_keys_are_read_and_refused_with_the_key() -> None:
    with pytest.raises(LatexSyntaxError, match=r"SymbolTable functions key '\\\\frac\{a\}\{b\}'"):
        read_expression("x", SymbolTable(functions=[r"\frac{a}{b}"]))
    with pytest.raises(LatexSyntaxError, match="write the name without a subscript"):
        read_expression("x", SymbolTable(indexed=["y_k"]))
    with pytest.raises(TypeError, match="must be a SymPy object"):
        read_expression("x", SymbolTable(symbols={"y": 3}))
    with pytest.raises(TypeError, match="table must be a SymbolTable"):
        read_expression("x", {"functions": []})  # type: ignore[arg-type]


def test_non_string_input_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="reads a str"):
        read_expression(b"x")  # type: ignore[arg-type]
