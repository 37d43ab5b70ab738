"""A Jupyter notebook per chapter: the prose, the math and the code, in the chapter's order.

A reader who wants to run a chapter top to bottom downloads its notebook from the
chapter's page. The notebook is made from the chapter's Markdown, block by block:

- prose (with its `$...$` and `$$...$$` math, which Jupyter renders as it is)
  becomes markdown cells;
- every Python block becomes a code cell, in order. Blocks titled with a module
  (`nnlit/activations.py`) are ordinary code cells too, so the notebook defines
  the package's functions itself before the examples use them; examples that
  import from the installed package still work;
- a derivation block becomes a markdown cell with its steps printed by the
  book's LaTeX printer, the same printer the page uses, and a note that the
  chain is checked by `nnlit verify` (the notebook shows the claim, it does not
  re-run the checker);
- other blocks (console sessions, text) stay in the prose as code.

`{eq:id}` references become links "(c.k)" to the equation on the website, a
`{result:id}` or `{definition:id:name}` line becomes its display math with that
link beside it (see `results`), and links between chapters point to the
website, since the notebook stands alone.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litproof.book.config import VERIFY_COMMAND
from litproof.book.kept import KeptTexts, machinery_digest
from litproof.book.model import Book
from litproof.book.numbering import REFERENCE, Equation, equation_numbers
from litproof.book.results import BookResults, ResultError, Shown
from litproof.core.derivation import DerivationError, evaluate, parse
from litproof.core.fences import Fence
from litproof.core.latex import step_latex
from litproof.core.vocabulary import Vocabulary
from litproof.core.words import Word

_CHAPTER_LINK = re.compile(r"\]\((?!https?:|#)([^)#\s]+)\.md(#[^)\s]*)?\)")
_INLINE_MATH = re.compile(r"\$([^$]+)\$")

#: What the notebook runs on: a Python 3 kernel (with the book's package installed).
METADATA: dict[str, Any] = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python", "pygments_lexer": "ipython3"},
}


@dataclass(frozen=True)
class Cell:
    kind: str  # "markdown" or "code"
    source: str


def page_url(site_url: str, chapter: str) -> str:
    """The website address of a chapter given as a path inside docs/ ("why-oj.md" -> ".../why-oj/")."""
    stem = chapter.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        stem = stem.removesuffix("index").rstrip("/")
    return site_url.rstrip("/") + "/" + (f"{stem}/" if stem else "")


def _prose(text: str, numbers: dict[str, Equation], site_url: str) -> str:
    """Prose for a markdown cell: equation references and chapter links made absolute."""

    def reference(found: re.Match[str]) -> str:
        equation = numbers.get(found.group(1))
        if equation is None:
            return found.group(0)
        return f"[({equation.number})]({page_url(site_url, equation.page)}#{equation.anchor})"

    def chapter_link(found: re.Match[str]) -> str:
        return f"]({page_url(site_url, found.group(1) + '.md')}{found.group(2) or ''})"

    return _CHAPTER_LINK.sub(chapter_link, REFERENCE.sub(reference, text)).strip("\n")


def result_markdown(shown: Shown, site_url: str) -> str:
    """A result or definition shown in the prose: display math, then its number as a link to the box on the website."""
    link = f"{page_url(site_url, shown.equation.page)}#{shown.equation.anchor}"
    return f"$$ {shown.latex} $$\n\n[({shown.equation.number})]({link})"


def derivation_markdown(
    fence: Fence, numbers: dict[str, Equation], words: tuple[Word, ...] = (), verify: str = VERIFY_COMMAND
) -> str:
    """A derivation as Markdown: its number and title, each step as display math with its reason."""
    try:
        derivation = parse(fence, words)
        namespace = evaluate(derivation, Vocabulary()).namespace
    except DerivationError as error:
        return f"*This derivation could not be read: {error}*"
    equation = numbers.get(derivation.id)
    number = f"({equation.number}) " if equation else ""
    lines = [f"**{number}{derivation.title}** (`{derivation.id}`)", ""]
    for index, step in enumerate(derivation.steps):
        try:
            latex = step_latex(step.source, namespace)
        except (ValueError, SyntaxError) as error:  # the page's box reports it too, failing the build
            return f"*This derivation could not be printed: {derivation.where_step(index)}: {error}.*"
        lines.append(f"$$ {'' if index == 0 else '= '}{latex} $$")
        if step.why:
            lines.append(f"*{step.why}*" if not _INLINE_MATH.search(step.why) else step.why)
        lines.append("")
    if derivation.expect == "equal":
        lines.append(f"Each step is checked equal to the one before by SymPy in `{verify}` and the test suite.")
    elif derivation.expect == "unequal":
        lines.append(f"`{verify}` checks that these two sides are *not* equal, with a numeric counterexample.")
    else:
        lines.append(f"`{verify}` checks that this block is rejected as ill-formed.")
    return "\n".join(lines)


def _is_code(fence: Fence) -> bool:
    return fence.lang in ("python", "py")


def chapter_cells(
    book: Book,
    chapter: Path,
    site_url: str,
    numbers: dict[str, Equation] | None = None,
    results: BookResults | None = None,
) -> list[Cell]:
    """The cells of one chapter's notebook, in the chapter's order."""
    numbers = equation_numbers(book) if numbers is None else numbers
    results = BookResults.of_book(book, numbers) if results is None else results
    words = book.words
    lines = chapter.read_text(encoding="utf-8").splitlines()
    name = chapter.relative_to(book.root).as_posix() if chapter.is_absolute() else chapter.as_posix()
    cells: list[Cell] = []
    prose_start = 0  # index of the first line not yet put in a cell

    def flush(end: int) -> None:
        text = "\n".join(lines[prose_start:end])
        with contextlib.suppress(ResultError):  # left as written: the page's build reports it with its line
            text = results.expand(text, name, lambda shown: result_markdown(shown, site_url), prose_start + 1)
        text = _prose(text, numbers, site_url)
        if text.strip():
            cells.append(Cell("markdown", text))

    for fence in book.fences(chapter):
        opening = fence.line - 2  # 0-based index of the ``` line
        if lines[opening] != lines[opening].lstrip():
            continue  # a block inside an admonition or a list stays in the prose
        closing = fence.line - 1 + len(fence.text.splitlines())
        if _is_code(fence):
            flush(opening)
            cells.append(Cell("code", fence.text.rstrip("\n")))
        elif fence.lang == "derivation":
            flush(opening)
            cells.append(Cell("markdown", derivation_markdown(fence, numbers, words, book.verify_command)))
        else:
            continue
        prose_start = closing + 1
    flush(len(lines))
    return cells


def notebook(cells: list[Cell]) -> dict[str, Any]:
    """An nbformat 4.5 notebook (stable cell ids, so a rebuild gives the same file)."""

    def cell_json(index: int, cell: Cell) -> dict[str, Any]:
        source = cell.source.splitlines(keepends=True)
        base: dict[str, Any] = {"cell_type": cell.kind, "id": f"cell-{index}", "metadata": {}, "source": source}
        if cell.kind == "code":
            base.update(execution_count=None, outputs=[])
        return base

    return {
        "cells": [cell_json(index, cell) for index, cell in enumerate(cells, start=1)],
        "metadata": METADATA,
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def chapter_notebook(
    book: Book,
    chapter: Path,
    site_url: str,
    numbers: dict[str, Equation] | None = None,
    results: BookResults | None = None,
) -> str:
    """The chapter's notebook as the text of an .ipynb file."""
    cells = chapter_cells(book, chapter, site_url, numbers, results)
    return json.dumps(notebook(cells), indent=1, ensure_ascii=False) + "\n"


#: The results and definitions a chapter's prose shows, by id: {result:id} or {definition:id:names}.
_SHOWN_IDS = re.compile(r"\{(?:result|definition):([a-z0-9-]+)")


class KeptNotebooks:
    """The chapters' notebooks, each kept by everything it is made from (see `litproof.book.kept`).

    A notebook is made from its chapter's text, the book's equation numbers (its
    `{eq:id}` links), the blocks of other chapters whose results its prose shows,
    the book's own words, the site's address and the machinery that writes it; the
    key holds them all, so a changed input makes the notebook again.
    """

    def __init__(self, book: Book, site_url: str, numbers: dict[str, Equation], results: BookResults) -> None:
        self.book, self.site_url, self.numbers, self.results = book, site_url, numbers, results
        self.kept = KeptTexts(book.root, "notebooks")
        table = sorted((e.id, e.number, e.page) for e in numbers.values())
        self.context = (machinery_digest("book", "core"), site_url, json.dumps(table), book.words_digest,
                        book.verify_command)

    def key(self, chapter: Path) -> str:
        text = chapter.read_bytes()
        shown = sorted(set(_SHOWN_IDS.findall(text.decode("utf-8", errors="replace"))))
        blocks = self.results.derivations
        used = [f"{i}\0{blocks[i].chapter}\0{blocks[i].source}" if i in blocks else i for i in shown]
        return KeptTexts.key(*self.context, chapter.relative_to(self.book.root).as_posix(), text, *used)

    def notebook(self, chapter: Path) -> str:
        """The chapter's notebook as the text of an .ipynb file: kept, or made now."""
        key = self.key(chapter)
        text = self.kept.get(key)
        if text is None:
            text = chapter_notebook(self.book, chapter, self.site_url, self.numbers, self.results)
            self.kept.put(key, text)
        return text


def code_cells(notebook_text: str) -> list[str]:
    """The code cells' sources, in order (what `Run all` runs)."""
    data = json.loads(notebook_text)
    return ["".join(cell["source"]) for cell in data["cells"] if cell["cell_type"] == "code"]
