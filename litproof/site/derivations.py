"""The site's derivations: the page being rendered, verdicts, and equation references.

superfences' formatter sees only a block's text; messages and the source box
need its chapter and line, so the plugin tells the boxes the page before it
renders. Once per build the book is read: its equations numbered, ids used
twice found, and the verdict cache opened (saved after the build);
`{eq:some-id}` in a chapter's prose becomes a link "(2.3)" to that derivation,
on whichever page it is, and a
`{result:some-id}` or `{definition:some-id:E}` line becomes the checked formula
itself, with that link as its number (see `results`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError

from litproof.book.model import Book
from litproof.book.numbering import REFERENCE, equation_numbers
from litproof.book.results import BookResults, ResultError, site_markdown
from litproof.book.verdicts import VerdictCache
from litproof.book.verify import book_problems
from litproof.core.derivation import Derivation
from litproof.site.fence import DerivationBoxes

# A whole ```derivation block, indented or not.
_DERIVATION_BLOCK = re.compile(r"^[ \t]*(`{3,}|~{3,})derivation\b.*?^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass
class DerivationPages:
    """What one build knows of the book's derivations: the boxes' state and the results prose shows."""

    boxes: DerivationBoxes
    results: BookResults

    @classmethod
    def of_book(cls, book: Book) -> DerivationPages:
        """Equation numbers, results, ids used twice, and the verdict cache, from the book read once."""
        numbers = equation_numbers(book)
        items = [item for item in book.all_derivations() if isinstance(item, Derivation)]
        boxes = DerivationBoxes(book, numbers, VerdictCache(book.root, book.words_digest, items), book_problems(items), words=book.words)
        boxes.titles = {item.id: item.title for item in items}
        boxes.pages = {item.id: (book.root / item.chapter).relative_to(book.docs).as_posix() for item in items}
        for item in items:
            boxes.uses[item.id] = item.uses
            for used in item.uses:
                boxes.used_by.setdefault(used, []).append(item.id)
        return cls(boxes, BookResults.of_book(book, numbers))

    def page_markdown(self, markdown: str, src_uri: str, docs_dir: Path) -> str:
        """A page's Markdown with results shown and references linked; the boxes learn which page this is."""
        chapter = f"{docs_dir.name}/{src_uri}"
        self.boxes.start_page(chapter)
        numbers = self.boxes.numbers
        # {result:id} and {definition:id:name} lines: printed from the checked block, numbered like {eq:id}
        try:
            markdown = self.results.expand(markdown, chapter, lambda shown: site_markdown(shown, src_uri))
        except ResultError as error:
            raise PluginError(str(error)) from None

        def link(found: re.Match[str]) -> str:
            equation = numbers.get(found.group(1))
            if equation is None:
                raise PluginError(f"{chapter}: {{eq:{found.group(1)}}} names no numbered derivation.")
            here = posixpath.dirname(src_uri)
            target = posixpath.relpath(equation.page, here or ".")
            return f"[({equation.number})]({target}#{equation.anchor})"

        # Inside a derivation block the renderer links references itself (its reasons are not Markdown).
        pieces, start = [], 0
        for block in _DERIVATION_BLOCK.finditer(markdown):
            pieces += [REFERENCE.sub(link, markdown[start : block.start()]), block.group(0)]
            start = block.end()
        return "".join([*pieces, REFERENCE.sub(link, markdown[start:])])
