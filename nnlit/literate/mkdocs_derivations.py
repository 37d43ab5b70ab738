"""MkDocs hooks for derivations: the page being rendered, and equation references.

superfences' formatter sees only a block's text; messages and the source box
need its chapter and line, so a hook records the page before it renders. The
equation numbers are computed once per build, and `{eq:some-id}` in a chapter's
prose becomes a link "(2.3)" to that derivation, on whichever page it is.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from nnlit.literate import mkdocs_fence
from nnlit.literate.numbering import REFERENCE, equation_numbers

# A whole ```derivation block, indented or not.
_DERIVATION_BLOCK = re.compile(r"^[ \t]*(`{3,}|~{3,})derivation\b.*?^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)


def on_pre_build(config: Any) -> None:
    root = Path(config["docs_dir"]).parent
    mkdocs_fence.PAGE["numbers"] = equation_numbers(root)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    docs_dir = Path(config["docs_dir"])
    mkdocs_fence.PAGE["root"] = str(docs_dir.parent)
    mkdocs_fence.PAGE["chapter"] = f"{docs_dir.name}/{page.file.src_uri}"
    numbers = mkdocs_fence.PAGE["numbers"]

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
