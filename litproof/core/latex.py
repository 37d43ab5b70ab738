"""The book's LaTeX printers, in the notation of the notation chapter.

- `w[j, k]` prints as w_{jk} (indices run together when each is one letter);
- the sigmoid is sigma; partial derivatives are fractions with a curly d;
- relu(x) is an operator name, and a function defined by cases is a `cases`
  environment of rows "value & condition";
- transposes are ^T, elementwise (Hadamard) products are odot, a column of
  ones is a bold 1, and ||v||^2 is the squared length of v.

`StepPrinter` prints every step of a derivation on the site from the very source
text that the checker evaluates, with the factors in the order written;
`BookLatexPrinter` prints what the checker computes (a ratio, a difference) in
its messages.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter


def subscript(base: str, index: str) -> str:
    """base_{index}; a base that has a subscript already (w_{0}) gets the index added: w_{0,k}."""
    found = re.fullmatch(r"(.*)_\{([^{}]*)\}", base)
    if found:
        return f"{found.group(1)}_{{{found.group(2)},{index}}}"
    return f"{base}_{{{index}}}"


class BookLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the book's notation, for what the checker computes from
    index-form steps (matrix forms are compared entry by entry and never printed whole)."""

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        super().__init__({"order": "none", "mul_symbol": None, **(settings or {})})

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        base = self._print(expr.base.label)
        indices = [self._print(index) for index in expr.indices]
        joined = "".join(indices) if all(len(i) == 1 for i in indices) else ",".join(indices)
        return subscript(base, joined)

    def _print_IndexedBase(self, expr: sympy.IndexedBase) -> str:
        return self._print(expr.label)

    def _print_sigmoid(self, expr: sympy.Expr, exp: str | None = None) -> str:
        text = rf"\sigma\left({self._print(expr.args[0])}\right)"
        return f"{text}^{{{exp}}}" if exp else text

    def _print_relu(self, expr: sympy.Expr, exp: str | None = None) -> str:
        text = rf"\operatorname{{relu}}\left({self._print(expr.args[0])}\right)"
        return f"{text}^{{{exp}}}" if exp else text

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        return cases_latex(
            (self._print(value), _OTHERWISE if condition is sympy.true else self._print(condition))
            for value, condition in expr.args
        )

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        (variable, count), *rest = expr.variable_count
        if rest or count != 1:
            return super()._print_Derivative(expr)
        inner, wrt = expr.expr, self._print(variable)
        if isinstance(inner, sympy.Symbol | sympy.Indexed):
            return rf"\frac{{\partial {self._print(inner)}}}{{\partial {wrt}}}"
        return rf"\frac{{\partial}}{{\partial {wrt}}}\left({self._print(inner)}\right)"

    def _print_KroneckerDelta(self, expr: sympy.Expr, exp: str | None = None) -> str:
        i, j = (self._print(arg) for arg in expr.args)
        text = rf"\delta_{{{i}{j}}}" if len(i) == len(j) == 1 else rf"\delta_{{{i},{j}}}"
        return f"{text}^{{{exp}}}" if exp else text


_OTHERWISE = r"\text{otherwise}"


def cases_latex(rows: Iterable[tuple[str, str]]) -> str:
    """A cases environment, one row "value & condition" per case."""
    return r"\begin{cases} " + r" \\ ".join(f"{value} & {condition}" for value, condition in rows) + r" \end{cases}"


def book_latex(expr: Any) -> str:
    """LaTeX for one expression, in the book's notation."""
    return BookLatexPrinter().doprint(expr)


# --- steps as written ------------------------------------------------------------------
#
# A step is printed from its own Python source, not from SymPy's reordered form:
# the reader sees the factors in the order the author wrote and the checker read.
# Names are looked up in the block's namespace, so `z_k = define('z_k', ...)` prints
# as z_k and `w[j, k]` as w_{jk}.

_ATOM, _POWER, _PRODUCT, _NEGATION, _SUM, _COMPARISON = 100, 40, 20, 15, 10, 5
_COMPARISONS = {ast.Gt: ">", ast.Lt: "<", ast.GtE: r"\ge", ast.LtE: r"\le"}


class StepPrinter:
    """LaTeX for the source text of one step (a Python expression)."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace

    def print(self, source: str) -> str:
        return self.node(ast.parse(source, mode="eval").body)

    def node(self, node: ast.AST) -> str:
        """LaTeX for one parsed expression (a part of `given`, say)."""
        return self._latex(node)[0]

    def _wrap(self, node: ast.AST, minimum: int) -> str:
        text, precedence = self._latex(node)
        return rf"\left({text}\right)" if precedence < minimum else text

    def _name(self, name: str) -> str:
        value = self.namespace.get(name)
        if isinstance(value, sympy.IndexedBase):
            return book_latex(value.label)
        if isinstance(value, sympy.Basic):
            return book_latex(value)
        return book_latex(sympy.Symbol(name))

    def _latex(self, node: ast.AST) -> tuple[str, int]:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise ValueError(f"cannot print {type(node).__name__} in a step")
        return method(node)

    def _Constant(self, node: ast.Constant) -> tuple[str, int]:
        return str(node.value), _ATOM

    def _Name(self, node: ast.Name) -> tuple[str, int]:
        return self._name(node.id), _ATOM

    def _Subscript(self, node: ast.Subscript) -> tuple[str, int]:
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        indices = [self._latex(item)[0] for item in items]
        joined = "".join(indices) if all(len(i) == 1 for i in indices) else ",".join(indices)
        return subscript(self._wrap(node.value, _ATOM), joined), _ATOM

    def _Attribute(self, node: ast.Attribute) -> tuple[str, int]:
        if node.attr != "T":
            raise ValueError(f"cannot print the attribute .{node.attr}")
        return rf"{self._wrap(node.value, _ATOM)}^{{\top}}", _POWER

    def _UnaryOp(self, node: ast.UnaryOp) -> tuple[str, int]:
        sign = {ast.USub: "-", ast.UAdd: "+"}[type(node.op)]
        return f"{sign}{self._wrap(node.operand, _PRODUCT)}", _NEGATION

    def _BinOp(self, node: ast.BinOp) -> tuple[str, int]:
        op = type(node.op)
        if op in (ast.Add, ast.Sub):
            right = self._wrap(node.right, _SUM + 1 if op is ast.Sub else _SUM)
            if op is ast.Add and right.startswith("-"):
                right = rf"\left({right}\right)"
            return f"{self._wrap(node.left, _SUM)} {'+' if op is ast.Add else '-'} {right}", _SUM
        if op in (ast.Mult, ast.MatMult):
            left = self._wrap(node.left, _NEGATION)
            right = self._wrap(node.right, _PRODUCT + 1)
            joiner = r" \cdot " if right[:1].isdigit() else " "
            return f"{left}{joiner}{right}", _PRODUCT
        if op is ast.Div:
            return rf"\frac{{{self._latex(node.left)[0]}}}{{{self._latex(node.right)[0]}}}", _ATOM
        if op is ast.Pow:
            return f"{self._wrap(node.left, _ATOM)}^{{{self._latex(node.right)[0]}}}", _POWER
        raise ValueError(f"cannot print the operator {op.__name__}")

    def _Compare(self, node: ast.Compare) -> tuple[str, int]:
        if len(node.ops) != 1:
            raise ValueError("cannot print a chained comparison; write one comparison per condition")
        symbol = _COMPARISONS.get(type(node.ops[0]))
        if symbol is None:  # == and != compare two formulas in Python, not their values
            raise ValueError(f"cannot print the comparison {type(node.ops[0]).__name__}; use <, <=, > or >=")
        left, right = (self._wrap(side, _SUM) for side in (node.left, node.comparators[0]))
        return f"{left} {symbol} {right}", _COMPARISON

    def _Tuple(self, node: ast.Tuple) -> tuple[str, int]:
        return ", ".join(self._latex(item)[0] for item in node.elts), _ATOM

    def _Call(self, node: ast.Call) -> tuple[str, int]:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        args = node.args
        text = [self._latex(arg)[0] for arg in args]
        if name == "sigmoid":
            return rf"\sigma\left({text[0]}\right)", _ATOM
        if name == "exp":
            return f"e^{{{text[0]}}}", _POWER
        if name in ("log", "tanh"):
            return rf"\{name}\left({text[0]}\right)", _ATOM
        if name == "relu":
            return rf"\operatorname{{relu}}\left({text[0]}\right)", _ATOM
        if name == "Max":
            return rf"\max\left({', '.join(text)}\right)", _ATOM
        if name == "Piecewise":
            if not all(isinstance(case, ast.Tuple) and len(case.elts) == 2 for case in args):
                raise ValueError("each case of Piecewise is a pair (value, condition)")
            rows = []
            for value, condition in (case.elts for case in args):
                otherwise = isinstance(condition, ast.Constant) and condition.value is True
                rows.append((self._latex(value)[0], _OTHERWISE if otherwise else self._latex(condition)[0]))
            return cases_latex(rows), _ATOM
        if name == "sqrt":
            return rf"\sqrt{{{text[0]}}}", _ATOM
        if name == "Rational":
            return rf"\frac{{{text[0]}}}{{{text[1]}}}", _ATOM
        if name in ("D", "grad"):
            wrt = text[1]
            if isinstance(args[0], ast.Name | ast.Subscript):
                return rf"\frac{{\partial {text[0]}}}{{\partial {wrt}}}", _ATOM
            return rf"\frac{{\partial}}{{\partial {wrt}}}\left({text[0]}\right)", _PRODUCT
        if name == "Sum":
            body = self._wrap(args[0], _PRODUCT)
            parts = [
                (self._latex(limit.elts[0])[0], *(self._latex(e)[0] for e in limit.elts[1:])) for limit in args[1:]
            ]
            sums = "".join(rf"\sum_{{{v}={lo}}}^{{{hi}}} " for v, lo, hi in parts)
            return f"{sums}{body}", _PRODUCT
        if name == "delta":
            joined = "".join(text) if all(len(t) == 1 for t in text) else ",".join(text)
            return rf"\delta_{{{joined}}}", _ATOM
        if name == "hadamard":
            return r" \odot ".join(self._wrap(arg, _PRODUCT + 1) for arg in args), _PRODUCT
        if name == "ones":
            return r"\mathbf{1}", _ATOM
        if name == "squared_error":
            return rf"\left\lVert {text[0]} - {self._wrap(args[1], _SUM + 1)} \right\rVert^{{2}}", _POWER
        if name == "entry":
            return rf"\left({text[0]}\right)_{{{''.join(text[1:])}}}", _ATOM
        word = getattr(self.namespace.get(name), "word", None)
        if word is not None:  # a word of the book's own vocabulary (module `words`)
            return rf"{word.latex}\left({', '.join(text)}\right)", _ATOM
        raise ValueError(f"cannot print a call to {name or 'this function'}")


def step_latex(source: str, namespace: dict[str, Any]) -> str:
    """LaTeX for a step as written, in the book's notation."""
    return StepPrinter(namespace).print(source)
