"""Stable equation numbers: derivation k of chapter c is (c.k), in book order.

Chapters are numbered in mkdocs.yml's nav order, the home page (index.md) not
counted; within a chapter, derivations that prove an equality are numbered in
order (blocks that show a rejected step get no number). Pages and references
both use this one table, so a number and its link never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from litproof.book.model import Book
from litproof.core.derivation import DerivationError

#: A reference to a numbered derivation in a chapter's prose: {eq:output-weight-gradient}.
REFERENCE = re.compile(r"\{eq:([a-z0-9-]+)\}")


@dataclass(frozen=True)
class Equation:
    id: str
    number: str  # e.g. "2.3"
    page: str  # the chapter's path inside docs/, e.g. "why-oj.md"

    @property
    def anchor(self) -> str:
        return f"derivation-{self.id}"


def numbered_chapters(book: Book) -> dict[Path, int]:
    """Each chapter's number: its place in the nav, the home page not counted."""
    chapters = [chapter for chapter in book.chapters if chapter.name != "index.md"]
    return {chapter: number for number, chapter in enumerate(chapters, start=1)}


def equation_numbers(book: Book) -> dict[str, Equation]:
    """Every numbered derivation of the book, by id."""
    table: dict[str, Equation] = {}
    for chapter, chapter_number in numbered_chapters(book).items():
        count = 0
        for derivation in book.derivations(chapter):
            if isinstance(derivation, DerivationError):
                continue  # reported by the renderer and by verify
            if derivation.expect == "equal":
                count += 1
                page = chapter.relative_to(book.docs).as_posix()
                table[derivation.id] = Equation(derivation.id, f"{chapter_number}.{count}", page)
    return table
