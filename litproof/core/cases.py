"""Functions defined by cases in derivations: relu, Max and Piecewise, compared exactly.

A function with cases is a different formula on each side of its *boundaries*:
each condition compares some expression g with 0 (`x > 0`, `z <= 0`). Two
formulas with cases are equal when they are equal on every *cell* of the
partition their boundaries make: every boundary takes each sign (-, 0, +), and
in each cell both sides are plain formulas, compared exactly. Where no case
applies a side is undefined; then the other side must be undefined there too.

A derivative is claimed only off the boundaries it crosses: on a boundary the
cases meet, and whether the two one-sided slopes agree is not settled here. So
the derivative of relu(x) is 1 for x > 0 and 0 for x < 0, and undefined at 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

import sympy

#: More boundaries than this (3**4 = 81 cells) are not split into cells; the comparison says "not shown equal".
MAX_BOUNDARIES = 4


class relu(sympy.Function):  # noqa: N801  (named as it is printed and written)
    """The rectified linear unit, relu(x) = max(0, x).

    >>> x = sympy.Symbol('x', real=True)
    >>> relu(-2), relu(3), relu(x).diff(x)
    (0, 3, Piecewise((1, x > 0), (0, x < 0)))
    """

    @classmethod
    def eval(cls, x: sympy.Expr) -> sympy.Expr | None:
        if x.is_nonnegative:
            return x
        if x.is_nonpositive:
            return sympy.Integer(0)
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        x = self.args[0]
        return sympy.Piecewise((1, x > 0), (0, x < 0))  # no case for x = 0: relu has no slope there

    def _eval_rewrite_as_Piecewise(self, x: sympy.Expr, **kwargs: Any) -> sympy.Expr:
        return sympy.Piecewise((x, x > 0), (0, True))


def has_cases(expr: Any) -> bool:
    return isinstance(expr, sympy.Basic) and expr.has(sympy.Piecewise, sympy.Max, sympy.Heaviside, relu)


def as_piecewise(expr: Any) -> Any:
    """relu, Max and Heaviside written as Piecewise; a Heaviside step (from the slope of Max) has no value at 0."""
    expr = expr.replace(
        lambda e: isinstance(e, sympy.Heaviside), lambda e: sympy.Piecewise((1, e.args[0] > 0), (0, e.args[0] < 0))
    )
    return expr.replace(lambda e: isinstance(e, relu | sympy.Max), lambda e: e.rewrite(sympy.Piecewise))


def _boundary(condition: sympy.core.relational.Relational) -> tuple[Any, int]:
    """(g, orientation): the condition compares orientation * g with 0, g with a canonical sign."""
    difference = sympy.expand(condition.lhs - condition.rhs)
    if difference.could_extract_minus_sign():
        return -difference, -1
    return difference, 1


def boundaries(expr: Any) -> set[Any]:
    """The expressions g whose sign a case condition of expr tests.

    >>> x, y = sympy.symbols('x y', real=True)
    >>> sorted(boundaries(relu(x - y) + sympy.Max(0, y)), key=str)
    [x - y, y]
    """
    return {_boundary(atom)[0] for atom in as_piecewise(expr).atoms(sympy.core.relational.Relational)}


def _may_depend(g: Any, variable: Any) -> bool:
    """Whether g may change with the variable: w[i] (or w[1]) may be w[j]; w[1] is not w[2]."""
    if g.has(variable):
        return True
    if not isinstance(variable, sympy.Indexed):
        return False

    def concrete(entry: sympy.Indexed) -> bool:
        return all(index.is_Integer for index in entry.indices)

    return any(
        entry.base == variable.base and not (concrete(entry) and concrete(variable)) for entry in g.atoms(sympy.Indexed)
    )


def away_from_kinks(derivative: Any, expr: Any, variables: Iterable[Any]) -> Any:
    """The derivative of expr, claimed only where no boundary that moves with the variables is 0.

    SymPy differentiates each case on its own (and calls the slope of max(0, x)
    at 0 one half); the derivative at a boundary is left undefined instead.

    >>> x = sympy.Symbol('x', real=True)
    >>> away_from_kinks(sympy.diff(sympy.Max(0, x), x), sympy.Max(0, x), [x])
    Piecewise((Heaviside(x), Ne(x, 0)))
    """
    variables = list(variables)
    kinks = sorted((g for g in boundaries(expr) if any(_may_depend(g, v) for v in variables)), key=str)
    if not kinks:
        return derivative
    return sympy.Piecewise((derivative, sympy.And(*(sympy.Ne(g, 0) for g in kinks))))


def derivatives_away_from_kinks(expr: Any) -> Any:
    """Carry out each unevaluated derivative of a function with cases, by `away_from_kinks`."""
    return expr.replace(
        lambda e: isinstance(e, sympy.Derivative) and has_cases(e.expr),
        lambda e: away_from_kinks(e.doit(deep=False), e.expr, e.variables),
    )


class _Undefined(Exception):
    """No case applies in this cell."""


class _Unsettled(Exception):
    """A condition whose truth the signs of the boundaries do not decide."""


_HOLDS: dict[str, Callable[[int], bool]] = {
    ">": lambda sign: sign > 0,
    "<": lambda sign: sign < 0,
    ">=": lambda sign: sign >= 0,
    "<=": lambda sign: sign <= 0,
    "==": lambda sign: sign == 0,
    "!=": lambda sign: sign != 0,
}


def _in_cell(expr: Any, truth: dict[Any, Any]) -> Any:
    """expr with every Piecewise replaced by the case that applies (innermost first)."""

    def choose(piecewise: sympy.Piecewise) -> Any:
        for value, condition in piecewise.args:
            condition = condition.xreplace(truth)
            if condition is sympy.true:
                return value
            if condition is not sympy.false:
                raise _Unsettled
        raise _Undefined

    return expr.replace(lambda e: isinstance(e, sympy.Piecewise), choose)


def _root(g: Any) -> tuple[Any, Any] | None:
    """(variable, value) that makes g = 0 exactly, for a variable g is linear in with a constant slope."""
    candidates = g.atoms(sympy.Symbol, sympy.Indexed)
    for variable in sorted((c for c in candidates if not c.is_integer), key=str):
        slope = sympy.diff(g, variable)
        if slope.is_number and slope != 0:
            return variable, sympy.expand(variable - g / slope)
    return None


def _on_boundaries(zero: list[Any]) -> dict[Any, Any] | None:
    """Values for some variables that put every boundary in `zero` at 0; None if no point can (x = 0 = x - 1)."""
    values: dict[Any, Any] = {}
    for g in zero:
        g = sympy.expand(g.xreplace(values))
        if g.is_number:
            if g != 0:
                return None
            continue
        found = _root(g)
        if found is not None:
            variable, value = found
            values = {known: old.xreplace({variable: value}) for known, old in values.items()}
            values[variable] = value
    return values


def equal_by_cases(left: Any, right: Any, equal: Callable[[Any, Any], bool]) -> bool:
    """Whether two formulas with cases are equal on every cell, each cell's formulas compared by `equal`.

    On a cell where a boundary g is 0, a variable that g is linear in is solved
    for (x = y on the boundary x - y) before comparing. An undefined side must
    meet an undefined side.

    >>> x = sympy.Symbol('x', real=True)
    >>> same = lambda a, b: sympy.expand(a - b) == 0
    >>> equal_by_cases(relu(x), sympy.Piecewise((x, x >= 0), (0, x < 0)), same)
    True
    >>> equal_by_cases(relu(x).diff(x), sympy.Piecewise((1, x > 0), (1, x < 0)), same)
    False
    >>> equal_by_cases(relu(x).diff(x), sympy.Piecewise((1, x > 0), (0, True)), same)  # undefined at 0, and 0
    False
    >>> y = sympy.Symbol('y', real=True)
    >>> equal_by_cases(relu(x - y) + relu(y - x), sympy.Piecewise((x - y, x > y), (y - x, True)), same)
    True
    """
    sides = [as_piecewise(left), as_piecewise(right)]
    atoms = set().union(*(side.atoms(sympy.core.relational.Relational) for side in sides))
    found = {atom: _boundary(atom) for atom in atoms}
    kinks = sorted({g for g, _ in found.values()}, key=str)
    if len(kinks) > MAX_BOUNDARIES or any(has_cases(g) for g in kinks):
        return False
    for signs in itertools.product((-1, 0, 1), repeat=len(kinks)):
        sign = dict(zip(kinks, signs, strict=True))
        if any(
            (g.is_positive and s != 1) or (g.is_negative and s != -1) or (g.is_zero is False and s == 0)
            for g, s in sign.items()
        ):
            continue  # a cell the declarations rule out (a sum of positive numbers is never 0, say)
        truth = {
            atom: sympy.true if _HOLDS[atom.rel_op](orientation * sign[g]) else sympy.false
            for atom, (g, orientation) in found.items()
        }
        zeros = _on_boundaries([g for g, s in sign.items() if s == 0])
        if zeros is None:
            continue
        chosen = []
        for side in sides:
            try:
                chosen.append(_in_cell(side, truth).xreplace(zeros))
            except _Undefined:
                chosen.append(None)
            except _Unsettled:
                return False
        a, b = chosen
        if (a is None) != (b is None) or (a is not None and not equal(a, b)):
            return False
    return True
