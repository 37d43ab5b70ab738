r"""The symbols of a derivation box, explained where they stand.

Every name a block's `given` makes with `define(...)` (E, z_k, o_k, delta_k, h_j,
...) is marked wherever a step uses it: the steps are printed with the book's
printer, which wraps such a name in MathJax's `\class{derivation-symbol
derivation-symbol-N}{...}` (the TeX extension `html`, which MathJax loads from
the site's own copy on first use). Beside the steps, each symbol has a chip (a
button, so the keyboard reaches it) and a note (`role="tooltip"`, which the chip
names with `aria-describedby`): its definition, the ranges of the indices it
stands for (from `assume:`), and its shape (from `given`). The note says it in
plain text for a screen reader; the page's script shows it typeset, by copying
the very premises of the box's "where" part, which are printed from the checked
expressions (`premises`). So a symbol's explanation cannot differ from what was
checked.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import sympy

from litproof.core.latex import StepPrinter, book_latex
from litproof.core.plain_math import plain
from litproof.core.premises import Premise
from litproof.core.vocabulary import Vocabulary

#: How many times a definition is opened into the definitions it names, to find the indices it stands for.
_DEPTH = 8


@dataclass(frozen=True)
class Explained:
    """One defined symbol of a box."""

    number: int  # its place among the box's symbols, from 0: its marks are `derivation-symbol-<number>`
    name: str  # as `define` names it: "z_k"
    latex: str  # as the book prints it: "z_{k}"
    premises: tuple[int, ...]  # the "where" part's premises that explain it: its definition, then its ranges
    shape: tuple[str, str] | None  # a matrix's rows and columns (LaTeX); None for a number

    @property
    def mark(self) -> str:
        return f"derivation-symbol derivation-symbol-{self.number}"


def _hashable(value: Any) -> bool:
    return isinstance(value, sympy.Symbol | sympy.MatrixSymbol)


def explained_symbols(vocabulary: Vocabulary, shown: list[Premise]) -> list[Explained]:
    """The box's defined symbols, in the order `given` defines them, each with the premises that explain it."""
    definitions = vocabulary.definitions
    ranges = {premise.name: index for index, premise in enumerate(shown) if premise.kind == "range"}
    found = []
    for index, premise in enumerate(shown):
        if premise.kind != "definition":
            continue
        symbol = next((s for s in definitions if s.name == premise.name), None)
        if symbol is None:
            continue
        expanded = definitions[symbol]
        for _ in range(_DEPTH):  # z_k in o_k's definition stands for a sum over i that holds k
            opened = expanded.xreplace(definitions)
            if opened == expanded:
                break
            expanded = opened
        free = {getattr(s, "name", "") for s in expanded.free_symbols}
        indices = tuple(ranges[name] for name in ranges if name in free)
        shape = None
        if isinstance(symbol, sympy.MatrixSymbol):
            shape = (book_latex(symbol.shape[0]), book_latex(symbol.shape[1]))
        found.append(Explained(len(found), premise.name, book_latex(symbol), (index, *indices), shape))
    return found


class MarkingPrinter(StepPrinter):
    """The book's step printer, with each defined symbol wrapped in `\\class{...}` for the page's script."""

    def __init__(self, namespace: dict[str, Any], symbols: list[Explained], vocabulary: Vocabulary) -> None:
        super().__init__(namespace)
        numbers = {symbol.name: symbol for symbol in symbols}
        self.marks = {
            variable: numbers[value.name].mark
            for variable, value in namespace.items()
            if _hashable(value) and value in vocabulary.definitions and value.name in numbers
        }

    def _name(self, name: str) -> str:
        latex = super()._name(name)
        mark = self.marks.get(name)
        return rf"\class{{{mark}}}{{{latex}}}" if mark else latex


@dataclass(frozen=True)
class SymbolNotes:
    """The chips and notes of one box, in the page's words."""

    box: str  # the box's anchor, derivation-<id>
    words: dict[str, str]

    def shape_words(self, symbol: Explained) -> str:
        if symbol.shape is None:
            return self.words["shape number"]
        rows, cols = (html.escape(plain(part)) for part in symbol.shape)
        if cols == "1":
            return self.words["shape column"].format(rows=f"<var>{rows}</var>")
        return self.words["shape matrix"].format(rows=f"<var>{rows}</var>", cols=f"<var>{cols}</var>")

    def note(self, symbol: Explained, shown: list[Premise]) -> str:
        """The tooltip of one symbol: in plain words for a screen reader, typeset by the script for the eye."""
        definition, *ranges = symbol.premises
        shape = self.shape_words(symbol)
        spoken = [plain(shown[definition].latex)]
        if ranges:
            spoken.append(f"{self.words['for each']} " + ", ".join(plain(shown[r].latex) for r in ranges))
        said = "; ".join(html.escape(part) for part in spoken) + f"; {shape}"
        typeset = f'<span class="derivation-symbol-math" data-premise="{definition}"></span>'
        if ranges:
            copies = "".join(f'<span class="derivation-symbol-math" data-premise="{r}"></span>' for r in ranges)
            typeset += f'<span class="derivation-symbol-range">{self.words["for each"]} {copies}</span>'
        typeset += f'<span class="derivation-symbol-shape">{shape}</span>'
        return (
            f'<span class="derivation-symbol-note" role="tooltip" id="{self.box}-symbol-{symbol.number}">'
            f'<span class="derivation-symbol-said">{said}</span>'
            f'<span class="derivation-symbol-shown" aria-hidden="true">{typeset}</span></span>'
        )

    def html(self, symbols: list[Explained], shown: list[Premise]) -> str:
        """The row of chips, the switch that turns the explanations off (remembered by the page), and the notes."""
        if not symbols:
            return ""
        chips = "".join(
            f'<button type="button" class="derivation-symbol-chip" data-symbol="{symbol.number}" '
            f'aria-describedby="{self.box}-symbol-{symbol.number}">'
            f'<span class="arithmatex">\\({html.escape(symbol.latex)}\\)</span></button>'
            for symbol in symbols
        )
        switch = (
            '<button type="button" class="derivation-symbols-switch" aria-pressed="true" '
            f'title="{self.words["symbols switch help"]}">{self.words["symbols switch"]}</button>'
        )
        notes = "".join(self.note(symbol, shown) for symbol in symbols)
        return (
            f'<div class="derivation-symbols"><span class="derivation-symbols-label">{self.words["symbols"]}</span>'
            f'<span class="derivation-symbol-chips">{chips}</span>{switch}{notes}</div>'
        )
