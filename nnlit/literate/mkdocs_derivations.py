"""MkDocs hooks for derivations: the page being rendered, verdicts, and equation references.

superfences' formatter sees only a block's text; messages and the source box
need its chapter and line, so a hook records the page before it renders. Once
per build the hooks number the equations, find ids used twice, and open the
verdict cache (saved after the build); `{eq:some-id}` in a chapter's prose
becomes a link "(2.3)" to that derivation, on whichever page it is, and a
`{result:some-id}` or `{definition:some-id:E}` line becomes the checked formula
itself, with that link as its number (see `results`).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from nnlit.literate import mkdocs_fence
from nnlit.literate.derivation import Derivation
from nnlit.literate.numbering import REFERENCE, equation_numbers
from nnlit.literate.results import BookResults, ResultError, site_markdown
from nnlit.literate.verdicts import VerdictCache
from nnlit.literate.verify import book_chapters, derivations_in

# A whole ```derivation block, indented or not.
_DERIVATION_BLOCK = re.compile(r"^[ \t]*(`{3,}|~{3,})derivation\b.*?^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)


def reused_ids(root: Path) -> dict[tuple[str, int], str]:
    """(chapter, line) of every block whose id an earlier block of the book already has, with the message."""
    first: dict[str, Derivation] = {}
    reused = {}
    for chapter in book_chapters(root):
        for item in derivations_in(chapter, root):
            if not isinstance(item, Derivation):
                continue
            if item.id in first:
                reused[(item.chapter, item.line)] = (
                    f"{item.where}: {item.id}: the id {item.id} is already used at {first[item.id].where}."
                )
            first.setdefault(item.id, item)
    return reused


def on_pre_build(config: Any) -> None:
    root = Path(config["docs_dir"]).parent
    mkdocs_fence.PAGE["numbers"] = equation_numbers(root)
    mkdocs_fence.PAGE["results"] = BookResults.of_book(root, mkdocs_fence.PAGE["numbers"])
    mkdocs_fence.PAGE["duplicates"] = reused_ids(root)
    mkdocs_fence.PAGE["verdicts"] = VerdictCache(root)


def on_post_build(config: Any) -> None:
    mkdocs_fence.PAGE["verdicts"].save()


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    docs_dir = Path(config["docs_dir"])
    mkdocs_fence.PAGE["root"] = str(docs_dir.parent)
    mkdocs_fence.PAGE["chapter"] = f"{docs_dir.name}/{page.file.src_uri}"
    mkdocs_fence.PAGE["located"] = {}
    numbers = mkdocs_fence.PAGE["numbers"]
    # {result:id} and {definition:id:name} lines: printed from the checked block, numbered like {eq:id}
    # (without on_pre_build's reading of the book, as in a test of one page, there is none to show).
    results = mkdocs_fence.PAGE.get("results") or BookResults([], numbers)
    try:
        markdown = results.expand(
            markdown, mkdocs_fence.PAGE["chapter"], lambda shown: site_markdown(shown, page.file.src_uri)
        )
    except ResultError as error:
        raise PluginError(str(error)) from None

    def link(found: re.Match[str]) -> str:
        equation = numbers.get(found.group(1))
        if equation is None:
            chapter = f"{docs_dir.name}/{page.file.src_uri}"
            raise PluginError(f"{chapter}: {{eq:{found.group(1)}}} names no numbered derivation.")
        here = posixpath.dirname(page.file.src_uri)
        target = posixpath.relpath(equation.page, here or ".")
        return f"[({equation.number})]({target}#{equation.anchor})"

    # Inside a derivation block the renderer links references itself (its reasons are not Markdown).
    pieces, start = [], 0
    for block in _DERIVATION_BLOCK.finditer(markdown):
        pieces += [REFERENCE.sub(link, markdown[start : block.start()]), block.group(0)]
        start = block.end()
    return "".join([*pieces, REFERENCE.sub(link, markdown[start:])])
