"""A derivation's premises as the reader sees them: its definitions, domains and ranges.

The checker proves the steps *given* these: each `define('E', ...)` of the block's
`given`, each symbol declared positive, each range of `assume:`. The page shows
them in a "where" part above the steps, printed by the book's step printer from
the very text the checker evaluates, so that the premises shown cannot differ
from the premises used.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

import sympy

from litproof.core.derivation import Derivation
from litproof.core.latex import StepPrinter, book_latex

#: The declarations that can claim a positive domain: `scalars('x y', positive=True)`.
_DECLARATIONS = {"scalars", "arrays"}


@dataclass(frozen=True)
class Premise:
    kind: str  # "definition", "domain" or "range"
    name: str  # the defined name as written (`z_k`), or the declared or ranged names
    latex: str  # the whole premise: `z_{k} = \sum_{i=1}^{n} ...`


def _calls(given: str) -> list[ast.Call]:
    """Every call in `given`, in the order written."""
    try:
        tree = ast.parse(given)
    except SyntaxError:
        return []  # the checker reports the syntax error with its line
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    return sorted(calls, key=lambda node: (node.lineno, node.col_offset))


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def definitions(derivation: Derivation, namespace: dict[str, Any]) -> list[Premise]:
    """Each `define('name', expr)` of the block, printed as `name = expr`."""
    printer = StepPrinter(namespace)
    found = []
    for call in _calls(derivation.given):
        name = _text(call.args[0]) if call.func.id == "define" and len(call.args) == 2 else None
        if name is not None:
            left = book_latex(sympy.Symbol(name))
            found.append(Premise("definition", name, f"{left} = {printer.node(call.args[1])}"))
    return found


def domains(derivation: Derivation) -> list[Premise]:
    """The symbols declared positive: `x > 0`, or `t_{i} > 0` for every entry of an array."""
    found = []
    for call in _calls(derivation.given):
        positive = any(
            keyword.arg == "positive" and isinstance(keyword.value, ast.Constant) and keyword.value.value is True
            for keyword in call.keywords
        )
        names = _text(call.args[0]) if call.args and call.func.id in _DECLARATIONS and positive else None
        if names:
            shown = [book_latex(sympy.Symbol(name)) for name in names.split()]
            if call.func.id == "arrays":
                shown = [f"{name}_{{i}}" for name in shown]
            suffix = r" \text{ for every } i" if call.func.id == "arrays" else ""
            found.append(Premise("domain", names, f"{', '.join(shown)} > 0{suffix}"))
    return found


def ranges(derivation: Derivation, namespace: dict[str, Any]) -> list[Premise]:
    """Each range of `assume:`, `1 <= j <= n`, as the block wrote it."""
    printer = StepPrinter(namespace)
    return [
        Premise("range", index, rf"{printer.print(low)} \le {printer.print(index)} \le {printer.print(high)}")
        for low, index, high in derivation.assume
    ]


def premises(derivation: Derivation, namespace: dict[str, Any]) -> list[Premise]:
    """Everything the steps are proved under, in the order: definitions, domains, ranges."""
    return [*definitions(derivation, namespace), *domains(derivation), *ranges(derivation, namespace)]
