"""A matrix expression's generic entry, as a scalar expression in index form.

Entry (i, j) of a matrix expression, with i and j standing for every row and
column at once, is a formula in the entries of the matrices it is made of; the
checker proves two matrix steps equal for all sizes by proving their generic
entries equal, with the same recipe (derivatives, Kronecker-delta sums) that
proves the index-form steps. Entries are named as in the explicit mode of the
vocabulary: W[i, j] for a matrix W, and v[i] for a column v.

- A B: sum_s A[i, s] B[s, j], over the inner dimension (no sum when it is 1);
- A^T: entry (j, i) of A; A + B, scalar A and A odot B: entry by entry;
- the column of ones: 1; sigma(A): sigma of the entry;
- grad(E, W): dE/dW[i, j], with E written out in entries (||v||^2 is
  sum_s v[s]^2, and `entry(M, 1, 1)` the entry itself);
- a named quantity (`define`): its definition's entry.

Every index runs from 1 (SymPy's own entries, which count from 0, are shifted);
the ranges of i and j are returned with the entry, for the delta rule, which
collapses sum_s delta(s, i) f(s) only when i runs over the sum's range.
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy.matrices.expressions import (
    HadamardProduct,
    Identity,
    MatAdd,
    MatMul,
    MatrixExpr,
    MatrixSymbol,
    OneMatrix,
    Transpose,
    ZeroMatrix,
)
from sympy.matrices.expressions.matexpr import MatrixElement

from litproof.core.vocabulary import ElementwiseSigmoid, Gradient, SquaredNorm, sigmoid

#: The generic row and column: the same two symbols for every step, so entries of two steps compare.
ROW = sympy.Dummy("i", integer=True)
COL = sympy.Dummy("j", integer=True)

Ranges = dict[sympy.Symbol, tuple[Any, Any]]


class Unsupported(Exception):
    """The expression holds something this expansion does not know; the checker falls back to concrete sizes."""


class ShapeMismatch(Exception):
    """A product or sum whose shapes do not fit, e.g. "inner dimensions h != m"; it has no entries."""


def generic_entry(expr: Any, definitions: dict[sympy.Symbol, Any]) -> tuple[sympy.Expr, Ranges]:
    """Entry (i, j) of a matrix expression, and the ranges of i and j; a scalar is its own entry.

    >>> n, m = sympy.symbols('n m', integer=True, positive=True)
    >>> W, e = MatrixSymbol('W', m, n), MatrixSymbol('e', m, 1)
    >>> value, ranges = generic_entry(W.T*e, {})
    >>> value
    Sum(W[_s, _i]*e[_s], (_s, 1, m))
    >>> ranges
    {_i: (1, n)}

    A dimension of 1 has the single index 1, and takes no sum:

    >>> generic_entry(e*e.T, {})[0]
    e[_i]*e[_j]
    """
    if not isinstance(expr, MatrixExpr):
        return scalar(expr, definitions), {}
    rows, cols = expr.shape
    row = sympy.Integer(1) if rows == 1 else ROW
    col = sympy.Integer(1) if cols == 1 else COL
    ranges = {index: (sympy.Integer(1), size) for index, size in ((row, rows), (col, cols)) if size != 1}
    return entry(expr, row, col, definitions), ranges


def _shape(matrix: MatrixExpr) -> str:
    return f"{matrix.rows} x {matrix.cols}"


def _fresh(size: Any) -> Any:
    """A new summation index over 1..size, or the only index, 1."""
    return sympy.Integer(1) if size == 1 else sympy.Dummy("s", integer=True)


def _summed(body: sympy.Expr, indices: list[tuple[Any, Any]]) -> sympy.Expr:
    for index, size in reversed(indices):
        if size != 1:
            body = sympy.Sum(body, (index, 1, size))
    return body


def _same_shapes(parts: list[MatrixExpr], how: str) -> None:
    for part in parts[1:]:
        if part.shape != parts[0].shape:
            raise ShapeMismatch(f"shapes {_shape(parts[0])} and {_shape(part)} cannot be {how}: {parts[0]} and {part}")


def entry(expr: Any, row: Any, col: Any, definitions: dict[sympy.Symbol, Any]) -> sympy.Expr:
    """Entry (row, col) of a matrix expression, counting from 1.

    >>> m = sympy.Symbol('m', integer=True, positive=True)
    >>> t, o = MatrixSymbol('t', m, 1), MatrixSymbol('o', m, 1)
    >>> k = sympy.Symbol('k', integer=True)
    >>> entry(HadamardProduct(t - o, OneMatrix(m, 1) - o), k, 1, {})
    (1 - o[k])*(-o[k] + t[k])

    A product whose inner dimensions differ has no entries:

    >>> n = sympy.Symbol('n', integer=True, positive=True)
    >>> entry(MatrixSymbol('W', m, n)*t, k, 1, {})
    Traceback (most recent call last):
    ...
    litproof.core.entrywise.ShapeMismatch: inner dimensions n != m: W (m x n) times t (m x 1)
    """
    if not isinstance(expr, MatrixExpr):
        return scalar(expr, definitions)
    if isinstance(expr, MatrixSymbol):
        if expr in definitions:
            return entry(definitions[expr], row, col, definitions)
        base = sympy.IndexedBase(expr.name, real=True)
        return base[row] if expr.cols == 1 else base[row, col]
    if isinstance(expr, Transpose):
        return entry(expr.arg, col, row, definitions)
    if isinstance(expr, MatAdd | HadamardProduct):
        parts = [entry(part, row, col, definitions) for part in expr.args]  # a mismatch inside is named first
        if isinstance(expr, MatAdd):
            _same_shapes(list(expr.args), "added")
            return sympy.Add(*parts)
        _same_shapes(list(expr.args), "multiplied entry by entry")
        return sympy.Mul(*parts)
    if isinstance(expr, MatMul):
        numbers = [scalar(f, definitions) for f in expr.args if not isinstance(f, MatrixExpr)]
        matrices = [f for f in expr.args if isinstance(f, MatrixExpr)]
        for left, right in zip(matrices, matrices[1:], strict=False):
            if left.cols != right.rows:
                product = f"{left} ({_shape(left)}) times {right} ({_shape(right)})"
                raise ShapeMismatch(f"inner dimensions {left.cols} != {right.rows}: {product}")
        inner = [(_fresh(left.cols), left.cols) for left in matrices[:-1]]
        chain = [row, *(index for index, _ in inner), col]
        body = sympy.Mul(*numbers, *(entry(f, chain[k], chain[k + 1], definitions) for k, f in enumerate(matrices)))
        return _summed(body, inner)
    if isinstance(expr, OneMatrix):
        return sympy.Integer(1)
    if isinstance(expr, ZeroMatrix):
        return sympy.Integer(0)
    if isinstance(expr, Identity):
        return sympy.KroneckerDelta(row, col)
    if isinstance(expr, ElementwiseSigmoid):
        return sigmoid(entry(expr.args[0], row, col, definitions))
    if isinstance(expr, Gradient):
        function, wrt = expr.args
        if not isinstance(wrt, MatrixSymbol) or wrt in definitions:
            raise Unsupported(f"a gradient with respect to {wrt}, which is not a declared matrix")
        return sympy.Derivative(scalar(function, definitions), entry(wrt, row, col, definitions), evaluate=False)
    raise Unsupported(f"no entrywise form for {type(expr).__name__}")


def scalar(expr: Any, definitions: dict[sympy.Symbol, Any]) -> Any:
    """A scalar written out in entries: named quantities expanded, matrices only through their entries.

    >>> m = sympy.Symbol('m', integer=True, positive=True)
    >>> v = MatrixSymbol('v', m, 1)
    >>> E = sympy.Symbol('E', real=True)
    >>> scalar(2*E, {E: SquaredNorm(v)})
    2*Sum(v[_s]**2, (_s, 1, m))
    >>> scalar(v[0, 0], {})
    v[1]
    """
    if isinstance(expr, MatrixElement):
        return entry(expr.parent, scalar(expr.i, definitions) + 1, scalar(expr.j, definitions) + 1, definitions)
    if isinstance(expr, MatrixExpr):
        raise Unsupported(f"a matrix, {expr}, where a number is expected")
    if not isinstance(expr, sympy.Basic) or expr.is_Atom:
        if expr in definitions:
            return scalar(definitions[expr], definitions)
        return expr
    if isinstance(expr, SquaredNorm):
        (vector,) = expr.args
        row, col = _fresh(vector.rows), _fresh(vector.cols)
        return _summed(entry(vector, row, col, definitions) ** 2, [(row, vector.rows), (col, vector.cols)])
    if isinstance(expr, sympy.Sum):
        # one variable per sum, counting from 1 (SymPy's entries count from 0)
        body = expr.function
        fresh = []
        for variable, low, high in expr.limits:
            index = _fresh(high - low + 1)
            body = body.xreplace({variable: index + low - 1})
            fresh.append((index, high - low + 1))
        return _summed(scalar(body, definitions), fresh)
    return expr.func(*(scalar(arg, definitions) for arg in expr.args))
