"""MkDocs hook: tell the derivation renderer which chapter it is rendering.

superfences' formatter sees only a block's text; messages and the source box
need its chapter and line, so this hook records the page before it renders.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nnlit.literate import mkdocs_fence


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    docs_dir = Path(config["docs_dir"])
    mkdocs_fence.PAGE["root"] = str(docs_dir.parent)
    mkdocs_fence.PAGE["chapter"] = f"{docs_dir.name}/{page.file.src_uri}"
    return markdown
