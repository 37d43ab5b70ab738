"""What a page's HTML is made from, so that a page whose inputs did not change is not converted again.

`mkdocs serve` rebuilds the whole site, both languages, on every save, and most of
that time is the Markdown conversion of pages that did not change. A page's HTML
(and its table of contents, anchors and links, and what it logged) is a function
of what `RenderedPages.inputs` lists, so `litproof.site.shims.remember_rendered_pages`
keeps it under a hash of them (`litproof.book.kept`):

- the page's Markdown as the plugins left it (results, equation links, cite box,
  the stale-translation warning are in it), its path, URL and metadata;
- the build's settings: the site's address and URL style, the Markdown extensions
  and their options, the link validation levels, every file of the site and its URL;
- the machinery's source, the installed distributions, the book's package and
  results files (the build-time blocks' context, `block_outputs`), and any chapter
  a build-time block names by path;
- everything the derivation boxes are drawn from: the book's equation numbers,
  titles, `uses:` links, book-level errors, labels and words, and, for each block
  on the page, the verdict this build computed (checked now or kept, see
  `verdicts`), the place of the copy that was checked, and the verdicts of the
  blocks it uses and that use it.

So a changed step is a new verdict and a new key: a kept page never shows a stale
verdict. A page with mkdocstrings' `:::` lines (the API page) is kept only when
every object it documents is in the book's own package (whose source is in the
key, with mkdocstrings' options). Pages that cannot be keyed this way are always
converted: those documenting other code, those with a build-time block in a
markdown-exec `session`, and those where a box was drawn that is not one of the
chapter's own blocks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from litproof.book.block_outputs import BlockOutputs
from litproof.book.kept import KeptTexts, machinery_digest
from litproof.core.derivation import Derivation, DerivationError

#: What makes a page always converted: a markdown-exec session, or mkdocstrings' autodoc lines for other code.
_AUTODOC = re.compile(r"^[ \t]*:::[ \t]*(\S+)", re.MULTILINE)
_SESSION = re.compile(r"^[ \t]*(`{3,}|~{3,}).*\bsession=", re.MULTILINE)

#: A chapter a build-time block reads by path (as `block_outputs` finds it).
_NAMED_FILE = re.compile(r"""["'](docs/[\w./-]+)["']""")

#: The boxes' state that is not the book's: the build's own objects and the page being drawn.
_NOT_STATE = {"book", "verdicts", "chapter", "located", "words"}


def _stable(value: Any) -> str:
    """A function by its qualified name (its address changes every run), anything else by its repr (an
    object whose repr holds its address then never matches, and its page is only converted again)."""
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return repr(value)


def _kind(value: Any) -> str:
    """A Markdown extension as named in the config, or an extension object by its class."""
    return value if isinstance(value, str) else f"{type(value).__module__}.{type(value).__qualname__}"


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=_stable)


class RenderedPages:
    """The pages of one build's site, kept by everything their HTML is made from."""

    def __init__(self, plugin: Any, root: Path, outputs: BlockOutputs | None) -> None:
        self.plugin = plugin  # the book's plugin: its options, and this build's boxes
        self.root = root
        self.kept = KeptTexts(root, "pages")
        self.machinery = machinery_digest("book", "core", "site")
        self.outputs = outputs
        self._context: tuple[Any, str] | None = None  # (the boxes it was made for, the digest)

    def _build_context(self, config: Any, files: Any, boxes: Any) -> str:
        """Everything every page depends on, once per build (per language)."""
        if self._context is not None and self._context[0] is boxes:
            return self._context[1]
        book = boxes.book
        state = {name: repr(value) for name, value in sorted(vars(boxes).items()) if name not in _NOT_STATE}
        site_files = sorted(
            (file.src_uri, file.dest_uri, file.url, str(getattr(file, "inclusion", ""))) for file in files
        )
        settings = {
            "site_url": config.site_url,
            "use_directory_urls": config.use_directory_urls,
            "docs_dir": Path(config.docs_dir).name,
            "markdown_extensions": [_kind(extension) for extension in config.markdown_extensions],
            "mdx_configs": config.mdx_configs,
            "validation": repr(config.validation),
            "plugin": dict(self.plugin.config),
            "autodoc": dict(getattr(config.plugins.get("mkdocstrings"), "config", None) or {}),
            "extra": {key: value for key, value in dict(config.extra).items() if key != "alternate"},
        }
        digest = KeptTexts.key(
            self.machinery,
            self.outputs.context if self.outputs else "",
            book.words_digest if book else "",
            _json(settings),
            _json(site_files),
            _json(state),
        )
        self._context = (boxes, digest)
        return digest

    def inputs(self, page: Any, config: Any, files: Any) -> list[str] | None:
        """What the page's HTML is made from, or None for a page that is always converted."""
        pages = getattr(self.plugin, "pages", None)
        boxes = getattr(pages, "boxes", None)
        markdown = page.markdown or ""
        if boxes is None or boxes.book is None or _SESSION.search(markdown):
            return None
        autodoc = _AUTODOC.findall(markdown)
        if autodoc and not self._own_code(autodoc, boxes.book.package, config):
            return None
        chapter = f"{Path(config.docs_dir).name}/{page.file.src_uri}"
        if boxes.chapter != chapter:
            return None  # the boxes were not told this page (a page the plugin did not see)
        named = sorted(set(_NAMED_FILE.findall(markdown)))
        return [
            self._build_context(config, files, boxes),
            page.file.src_uri,
            page.file.dest_uri,
            page.url,
            _json(page.meta),
            markdown,
            *(f"{name}\0" + _read(self.root / name) for name in named),
            *self._boxes_on(chapter, boxes),
        ]

    @staticmethod
    def _own_code(identifiers: list[str], package: str | None, config: Any) -> bool:
        """Whether mkdocstrings documents only the book's own package here, with its own templates."""
        autodoc = config.plugins.get("mkdocstrings")
        options = getattr(autodoc, "config", None) or {}
        if not package or autodoc is None or options.get("custom_templates"):
            return False
        return all(name == package or name.startswith(package + ".") for name in identifiers)

    def _boxes_on(self, chapter: str, boxes: Any) -> Iterable[str]:
        """For each derivation block of the chapter: its verdict, the checked copy's place, its neighbours'."""
        path = boxes.book.root / chapter
        if not path.is_file():
            return
        for derivation in boxes.book.derivations(path):  # each block read once per build, as the boxes read it
            if isinstance(derivation, DerivationError):
                yield f"malformed\0{derivation}"
                continue
            checked = boxes.english_copy(derivation)
            neighbours = [*derivation.uses, *boxes.used_by.get(derivation.id, [])]
            yield _json(
                {
                    "block": derivation.source,
                    "checked": [checked.chapter, checked.line],
                    "verdict": repr(boxes.verdict_of(derivation)),
                    "neighbours": {ident: self._verdict_of(ident, boxes) for ident in neighbours},
                }
            )

    @staticmethod
    def _verdict_of(ident: str, boxes: Any) -> str:
        block = boxes.verdicts.blocks.get(ident)
        return repr(boxes.verdict_of(block)) if isinstance(block, Derivation) else "unknown"

    def keepable(self, page: Any, boxes_drawn: Iterable[str]) -> bool:
        """After converting: every box drawn was one of the chapter's own blocks (not one a build-time block
        printed, whose verdict the key does not hold)."""
        pages = getattr(self.plugin, "pages", None)
        boxes = getattr(pages, "boxes", None)
        if boxes is None or boxes.book is None:
            return False
        path = boxes.book.root / boxes.chapter
        own = {fence.text.strip() for fence in boxes.book.fences(path) if fence.lang == "derivation"}
        return all(text in own for text in boxes_drawn)

    def boxes_drawn(self) -> list[str]:
        """The texts of the boxes drawn on the page being converted (the boxes count them per page)."""
        boxes = getattr(getattr(self.plugin, "pages", None), "boxes", None)
        return list(getattr(boxes, "located", {}) or {})


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "(missing)"
