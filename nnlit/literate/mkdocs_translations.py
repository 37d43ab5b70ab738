"""MkDocs hook for the translated pages (docs/<name>.zh.md, built at /zh/ by mkdocs-static-i18n).

A translation that has fallen behind its English page must say so where the
reader sees it: a stale Chinese page (see `nnlit.literate.translations`) opens
with a warning that links to the English page. The record line
``<!-- translates: ... -->`` is an HTML comment, so it never shows.

mkdocs-static-i18n 1.3.1 sorts files by asking whether their source path lies in
docs/, and fails on files generated in memory (they have no source path, e.g. the
chapters' notebooks): such a file is not in docs/, so the test is answered "no"
for it before the plugin runs.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from mkdocs_static_i18n import reconfigure

from nnlit.literate.markdown import is_translation
from nnlit.literate.translations import read_translation

_in_docs_dir = reconfigure.is_relative_to


def _is_relative_to(src_path: str | None, dest_path: str) -> bool:
    """A file generated in memory (no source path) is not in docs/."""
    return src_path is not None and _in_docs_dir(src_path, dest_path)


reconfigure.is_relative_to = _is_relative_to


def stale_warning(english_url: str) -> str:
    """The admonition at the top of a stale translation (Markdown, for the page being rendered)."""
    return (
        '!!! warning "本页译文可能已过时"\n\n'
        "    本页译自英文版的旧版本：英文原文在翻译之后又有改动，这些改动还没有译过来。"
        f'最新内容请看<a href="{english_url}" hreflang="en">英文原文</a>。\n\n'
    )


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Open a stale translation with a warning that links to its English page."""
    source = Path(config["docs_dir"]) / page.file.src_uri
    if not is_translation(source):
        return markdown
    translation = read_translation(source)
    if not translation.stale:
        return markdown
    english_page = translation.source.relative_to(config["docs_dir"]).as_posix()
    english_url = "" if english_page == "index.md" else english_page.removesuffix(".md") + "/"
    # Directory URLs: the page zh/why-oj/ links to the English why-oj/ as ../../why-oj/.
    here = page.url if page.url.endswith("/") else posixpath.dirname(page.url) + "/"
    link = posixpath.relpath(english_url or ".", here.rstrip("/") or ".") + "/"
    return stale_warning(link) + markdown
