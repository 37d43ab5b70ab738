"""A result or a definition of the book, printed as display LaTeX from the derivation that checks it.

A line of a chapter's prose that holds only

    {result:output-weight-gradient}

shows that derivation's result, its first step = its last step, as one display
equation; and a line that holds only

    {definition:output-weight-gradient:E}
    {definition:output-weight-gradient:z_k,o_k}

shows what the block's `given` defines with `define('E', ...)`, one name or
several side by side. Both are printed by the printer the boxes use, from the
English page's copy of the block (the copy that is checked), and carry the
block's equation number as a link to its box: what the prose shows is what was
proved, and it cannot drift from it. An unknown id, a block with no number
(one that shows a rejected step), or a name the block does not define is an
error naming the page's file and line.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litproof.book.model import Book
from litproof.book.numbering import Equation, equation_numbers
from litproof.core.derivation import Derivation, DerivationError, evaluate
from litproof.core.latex import StepPrinter
from litproof.core.premises import definitions
from litproof.core.vocabulary import Vocabulary
from litproof.errors import BookError

#: A result or a definition, alone on its line: {result:id} or {definition:id:name,name}.
SHOWN = re.compile(r"^\{(?P<kind>result|definition):(?P<id>[a-z0-9-]+)(?::(?P<names>[^{}]+))?\}[ \t]*$")
_ANY = re.compile(r"\{(?:result|definition):[^}]*\}?")
_CODE_SPAN = re.compile(r"(`+).*?\1")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


class ResultError(BookError):
    """A result or definition the prose asks for that the book does not have."""


@dataclass(frozen=True)
class Shown:
    """What the prose shows: display LaTeX, and the equation (number, page, anchor) it comes from."""

    latex: str
    equation: Equation


def _fenced_lines(lines: list[str]) -> set[int]:
    """The 0-based indices of the lines of fenced blocks, fences included (their text is not prose)."""
    inside: set[int] = set()
    opening: str | None = None
    for index, line in enumerate(lines):
        found = _FENCE.match(line)
        if opening is None and not found:
            continue
        inside.add(index)
        if opening is None:
            opening = found.group(1)
        elif found and found.group(1)[0] == opening[0] and len(found.group(1)) >= len(opening):
            if not line.strip().strip(opening[0]):  # a closing fence holds nothing else
                opening = None
    return inside


class BookResults:
    """The book's derivations by id, and the results and definitions the prose shows of them.

    >>> from litproof.core.derivation import parse
    >>> from litproof.core.fences import Fence
    >>> text = "id: square-slope\\ngiven: |\\n  x = scalars('x')\\n  y = define('y', x**2)\\n"
    >>> text += "steps: |\\n    D(y, x)\\n  = 2*x\\n"
    >>> block = parse(Fence("docs/c.md", 2, "derivation", {}, frozenset(), text))
    >>> results = BookResults([block], {"square-slope": Equation("square-slope", "1.1", "c.md")})
    >>> print(results.result("square-slope").latex)
    \\frac{\\partial y}{\\partial x} = 2 x
    >>> print(results.definition("square-slope", ["y"]).latex)
    y = x^{2}
    """

    def __init__(self, blocks: list[Derivation], numbers: dict[str, Equation]) -> None:
        self.derivations: dict[str, Derivation] = {}
        for block in blocks:
            self.derivations.setdefault(block.id, block)  # a reused id is the renderer's error to report
        self.numbers = numbers
        self._namespaces: dict[str, dict[str, Any]] = {}

    @classmethod
    def of_book(cls, book: Book, numbers: dict[str, Equation] | None = None) -> BookResults:
        """Read every derivation of the book's English pages once: their blocks are the copies that are checked."""
        blocks = [item for item in book.all_derivations() if isinstance(item, Derivation)]
        return cls(blocks, equation_numbers(book) if numbers is None else numbers)

    def _block(self, ident: str) -> tuple[Derivation, Equation, dict[str, Any]]:
        derivation, equation = self.derivations.get(ident), self.numbers.get(ident)
        if derivation is None or equation is None:
            raise ResultError(f"{ident} names no numbered derivation (only a block that proves an equality has one).")
        if ident not in self._namespaces:
            try:
                self._namespaces[ident] = evaluate(derivation, Vocabulary()).namespace
            except DerivationError as error:
                raise ResultError(f"the block {ident} cannot be evaluated: {error}") from None
        return derivation, equation, self._namespaces[ident]

    def result(self, ident: str) -> Shown:
        """The derivation's first step = its last step."""
        derivation, equation, namespace = self._block(ident)
        printer = StepPrinter(namespace)
        try:
            first, last = (printer.print(step.source) for step in (derivation.steps[0], derivation.steps[-1]))
        except (ValueError, SyntaxError) as error:
            raise ResultError(f"the steps of {ident} cannot be printed: {error}.") from None
        return Shown(f"{first} = {last}", equation)

    def definition(self, ident: str, names: list[str]) -> Shown:
        """`name = ...` for each name the block defines, side by side, in the order asked."""
        derivation, equation, namespace = self._block(ident)
        try:
            defined = {premise.name: premise.latex for premise in definitions(derivation, namespace)}
        except (ValueError, SyntaxError) as error:
            raise ResultError(f"the definitions of {ident} cannot be printed: {error}.") from None
        for name in names:
            if name not in defined:
                known = ", ".join(defined) or "nothing"
                raise ResultError(f"the block {ident} defines no {name} (it defines {known}).")
        return Shown(r", \qquad ".join(defined[name] for name in names), equation)

    def shown(self, found: re.Match[str]) -> Shown:
        """What one `{result:...}` or `{definition:...}` line asks for."""
        names = [name.strip() for name in (found["names"] or "").split(",") if name.strip()]
        if found["kind"] == "result":
            if found["names"] is not None:
                raise ResultError("a result is a whole derivation; only a definition takes names.")
            return self.result(found["id"])
        if not names:
            raise ResultError("say which definition: {definition:id:name}.")
        return self.definition(found["id"], names)

    def expand(self, markdown: str, chapter: str, display: Callable[[Shown], str], first_line: int = 1) -> str:
        """The page with every result or definition line replaced by `display` of it (fenced blocks left alone).

        `chapter` (docs/x.md) and `first_line` (the line `markdown` starts at) are for the messages.
        """
        lines = markdown.split("\n")
        fenced = _fenced_lines(lines)
        out: list[str] = []
        for index, line in enumerate(lines):
            found = None if index in fenced else SHOWN.match(line)
            where = f"{chapter}:{first_line + index}"
            if found is None:
                stray = None if index in fenced else _ANY.search(_CODE_SPAN.sub("", line))
                if stray and SHOWN.match(line.strip()):
                    # Indented, it would sit in a list or an admonition, where HTML (and so its number) cannot go.
                    raise ResultError(f"{where}: {stray.group(0)} must start its line, outside lists and admonitions.")
                if stray:
                    raise ResultError(f"{where}: {stray.group(0)} must stand alone on its line, as a display.")
                out.append(line)
                continue
            try:
                shown = self.shown(found)
            except ResultError as error:
                raise ResultError(f"{where}: {line.strip()}: {error}") from None
            out.append(display(shown))
        return "\n".join(out)


def site_markdown(shown: Shown, page: str) -> str:
    """The display on the site, with its number as a link to the box it comes from.

    `page` is the page's path inside docs/; the link is a Markdown link to the
    chapter, as `{eq:id}` makes, so MkDocs points it at the page in the reader's
    language.

    >>> shown = Shown('y = x^{2}', Equation('square-slope', '1.1', 'c.md'))
    >>> print(site_markdown(shown, 'part/d.md'))
    <BLANKLINE>
    <div class="derivation-result" markdown>
    <div class="arithmatex">\\[y = x^{2}\\]</div>
    <BLANKLINE>
    [(1.1)](../c.md#derivation-square-slope)
    <BLANKLINE>
    </div>
    <BLANKLINE>
    """
    target = posixpath.relpath(shown.equation.page, posixpath.dirname(page) or ".")
    number = f"[({shown.equation.number})]({target}#{shown.equation.anchor})"
    return (
        '\n<div class="derivation-result" markdown>\n'
        f'<div class="arithmatex">\\[{html.escape(shown.latex, quote=False)}\\]</div>\n\n'
        f"{number}\n\n</div>\n"
    )
