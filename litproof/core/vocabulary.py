"""The closed vocabulary in which derivation blocks are written.

A derivation's `given` and `steps` are Python evaluated in a namespace that holds
only these names, so a misspelt name is an error rather than a new symbol. The
same text is evaluated in two modes:

- symbolic: sizes are symbols, so a proof holds for every size; matrices are
  `MatrixSymbol`s, kept for printing;
- explicit: sizes (and free indices) are concrete numbers and matrices are
  explicit arrays of entries, for checking at the concrete sizes a block lists.

`sigmoid` is an opaque function whose derivative is sigma (1 - sigma) (the lemma
`sigmoid-derivative` of the seed chapter proves it from 1 / (1 + e^-x)): checking
with it is fast, where the explicit exponential makes SymPy slow.

`relu`, `Max` and `Piecewise` (with conditions such as `x > 0`) define functions
by cases (module `cases`); `D` of such a function is claimed only off the
boundaries between its cases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy
from sympy.matrices.expressions import MatrixExpr

from litproof.core.cases import away_from_kinks, relu


class sigmoid(sympy.Function):  # noqa: N801  (named as it is printed and written)
    """The logistic sigmoid sigma(x) = 1 / (1 + e^-x), kept opaque."""

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x: sympy.Expr, **kwargs: Any) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-x))


class ElementwiseSigmoid(MatrixExpr):
    """sigma applied to every entry of a matrix expression (symbolic mode only)."""

    def __new__(cls, arg: MatrixExpr) -> ElementwiseSigmoid:
        return sympy.Basic.__new__(cls, arg)

    @property
    def shape(self) -> tuple[Any, Any]:
        return self.args[0].shape


class Gradient(MatrixExpr):
    """The matrix of partial derivatives of a scalar with respect to each entry of W."""

    def __new__(cls, scalar: sympy.Expr, wrt: MatrixExpr) -> Gradient:
        return sympy.Basic.__new__(cls, scalar, wrt)

    @property
    def shape(self) -> tuple[Any, Any]:
        return self.args[1].shape


class SquaredNorm(sympy.Function):
    """||v||^2, the sum of the squares of a vector's entries (symbolic mode only)."""

    is_real = True


class Vocabulary:
    """The names a derivation block may use, in one of the two modes.

    `sizes` maps size names to integers (explicit mode) or is None (symbolic).
    `index_values` gives free indices concrete values in explicit mode.
    """

    def __init__(self, sizes: dict[str, int] | None = None, index_values: dict[str, int] | None = None):
        self.explicit = sizes is not None
        self.size_values = sizes or {}
        self.index_values = index_values or {}
        self.definitions: dict[sympy.Symbol, sympy.Expr] = {}
        self.size_symbols: dict[str, sympy.Symbol] = {}
        self.index_symbols: dict[str, sympy.Symbol] = {}
        self.positive: list[Any] = []  # scalars and arrays declared positive, in order

    # --- declarations -------------------------------------------------------

    def sizes(self, names: str) -> Any:
        """Positive whole numbers: the number of nodes in a layer."""
        made = []
        for name in names.split():
            symbol = sympy.Symbol(name, integer=True, positive=True)
            self.size_symbols[name] = symbol
            if self.explicit:
                if name not in self.size_values:
                    raise NameError(f"size {name} has no concrete value in this block's `sizes:`")
                made.append(sympy.Integer(self.size_values[name]))
            else:
                made.append(symbol)
        return made[0] if len(made) == 1 else made

    def indices(self, names: str) -> Any:
        """Whole-number indices; free ones get concrete values in explicit mode."""
        made = []
        for name in names.split():
            symbol = sympy.Symbol(name, integer=True)
            self.index_symbols[name] = symbol
            made.append(sympy.Integer(self.index_values[name]) if name in self.index_values else symbol)
        return made[0] if len(made) == 1 else made

    def arrays(self, names: str, positive: bool = False) -> Any:
        """Real-valued arrays (`w[j, k]`); `positive=True` claims every entry is > 0."""
        made = [sympy.IndexedBase(name, real=True, positive=positive or None) for name in names.split()]
        if positive:
            self.positive.extend(made)
        return made[0] if len(made) == 1 else made

    def scalars(self, names: str, positive: bool = False) -> Any:
        """Real numbers; `positive=True` claims x > 0, which the page then shows among the premises."""
        made = [sympy.Symbol(name, real=True, positive=positive or None) for name in names.split()]
        if positive:
            self.positive.extend(made)
        return made[0] if len(made) == 1 else made

    def define(self, name: str, expr: Any) -> Any:
        """A named quantity: printed by its name, replaced by its definition when checked."""
        expr = sympy.sympify(expr)
        if self.explicit:
            return expr
        if isinstance(expr, MatrixExpr):
            symbol = sympy.MatrixSymbol(name, *expr.shape)
        else:
            symbol = sympy.Symbol(name, real=True)
        self.definitions[symbol] = expr
        return symbol

    # --- matrices -------------------------------------------------------------

    def matrix(self, name: str, rows: Any, cols: Any) -> Any:
        if self.explicit:
            entries = sympy.IndexedBase(name, real=True)
            return sympy.Matrix(int(rows), int(cols), lambda r, c: entries[r + 1, c + 1])
        return sympy.MatrixSymbol(name, rows, cols)

    def vector(self, name: str, rows: Any) -> Any:
        if self.explicit:
            entries = sympy.IndexedBase(name, real=True)
            return sympy.Matrix(int(rows), 1, lambda r, _: entries[r + 1])
        return sympy.MatrixSymbol(name, rows, 1)

    def ones(self, rows: Any) -> Any:
        return sympy.ones(int(rows), 1) if self.explicit else sympy.OneMatrix(rows, 1)

    def hadamard(self, *factors: Any) -> Any:
        if self.explicit:
            product = factors[0]
            for factor in factors[1:]:
                product = product.multiply_elementwise(factor)
            return product
        return sympy.HadamardProduct(*factors)

    def squared_error(self, t: Any, o: Any) -> Any:
        if self.explicit:
            return sum((t[r] - o[r]) ** 2 for r in range(t.shape[0]))
        return SquaredNorm(t - o)

    def grad(self, scalar: Any, wrt: Any) -> Any:
        if self.explicit:
            return wrt.applyfunc(lambda entry: sympy.diff(scalar, entry))
        return Gradient(scalar, wrt)

    @staticmethod
    def entry(matrix: Any, row: Any, col: Any = 1) -> Any:
        return matrix[row - 1, col - 1]

    # --- functions --------------------------------------------------------------

    def sigmoid(self, x: Any) -> Any:
        if isinstance(x, sympy.MatrixBase):
            return x.applyfunc(sigmoid)
        if isinstance(x, MatrixExpr):
            return ElementwiseSigmoid(x)
        return sigmoid(x)

    def derivative(self, f: Any, x: Any) -> Any:
        """D(f, x): the partial derivative, left unevaluated until it is checked."""
        if self.explicit:
            return away_from_kinks(sympy.diff(f, x), f, [x])
        return sympy.Derivative(f, x, evaluate=False)

    @staticmethod
    def piecewise(*cases: tuple[Any, Any]) -> Any:
        """Piecewise((value, condition), ...): the first case whose condition holds; undefined where none does."""
        for number, (_, condition) in enumerate(cases, start=1):
            # `x == 0` is a Python bool (formulas compared, not values): it would drop or swallow a case unseen
            if isinstance(condition, bool) and not (condition is True and number == len(cases)):
                raise ValueError(
                    f"the condition of case {number} is the constant {condition}: compare with <, <=, > or >=, "
                    "and write True only as the last condition"
                )
        return sympy.Piecewise(*cases)

    def namespace(self) -> dict[str, Any]:
        names: dict[str, Callable[..., Any] | Any] = {
            "sizes": self.sizes,
            "indices": self.indices,
            "arrays": self.arrays,
            "scalars": self.scalars,
            "define": self.define,
            "matrix": self.matrix,
            "vector": self.vector,
            "ones": self.ones,
            "hadamard": self.hadamard,
            "squared_error": self.squared_error,
            "grad": self.grad,
            "entry": self.entry,
            "sigmoid": self.sigmoid,
            "relu": relu,
            "Max": sympy.Max,
            "Piecewise": self.piecewise,
            "D": self.derivative,
            "Sum": sympy.Sum,
            "delta": sympy.KroneckerDelta,
            "exp": sympy.exp,
            "log": sympy.log,
            "tanh": sympy.tanh,
            "sqrt": sympy.sqrt,
            "Rational": sympy.Rational,
            "pi": sympy.pi,
        }
        return {"__builtins__": {}, **names}
