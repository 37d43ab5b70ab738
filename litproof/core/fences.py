"""A chapter's fenced code blocks, each with its chapter and line, and which language a page is in.

Everything in `litproof` sees a chapter only through `Fence` objects, which
remember the chapter path and the line each block starts on, so that every
message and every generated marker can point back to `docs/<file>.md:<line>`.
This module needs nothing beyond Python (no YAML, no MkDocs), so the checker
can use it in a browser too.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from litproof.errors import BookError

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")


@dataclass(frozen=True)
class Fence:
    """One fenced code block of a chapter."""

    chapter: str  # path relative to the project root, e.g. "docs/why-oj.md"
    line: int  # 1-based line of the first line of the block's content
    lang: str
    attrs: dict[str, str] = field(hash=False)
    options: frozenset[str]
    text: str  # the content, with the fence's indentation removed

    @property
    def where(self) -> str:
        return f"{self.chapter}:{self.line}"


def parse_info(info: str) -> tuple[str, dict[str, str], frozenset[str]]:
    """Split a fence's info string: `python title="nnlit/x.py"` -> lang, attrs, options."""
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):
        info = info[1:-1].strip()
    try:
        words = shlex.split(info)
    except ValueError:
        words = info.split()
    lang = ""
    attrs: dict[str, str] = {}
    options: set[str] = set()
    for word in words:
        if "=" in word:
            key, _, value = word.partition("=")
            attrs[key] = value
        elif not lang:
            lang = word.lstrip(".")
        else:
            options.add(word)
    return lang, attrs, frozenset(options)


def read_text(path: Path, name: str) -> str:
    """The UTF-8 text of a file of the book; BookError, naming it as `name`, if it is not that."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise BookError(
            f"{name} is not UTF-8 text (the byte 0x{error.object[error.start]:02x} at offset {error.start})."
        ) from None
    except OSError as error:
        raise BookError(f"{name} cannot be read ({error.strerror}).") from None


def read_fences(path: Path, root: Path) -> list[Fence]:
    """All fenced blocks of one chapter, in order, including indented ones."""
    # Named from the book's root however both are spelled (`--root ../book` too), since
    # the name goes into messages and into the markers of generated modules.
    where, base = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    if not where.is_relative_to(base):
        raise BookError(f"{path} is outside the book ({root}).")
    chapter = where.relative_to(base).as_posix()
    lines = read_text(path, chapter).splitlines()
    fences: list[Fence] = []
    index = 0
    while index < len(lines):
        opening = _FENCE_OPEN.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, marker = opening["indent"], opening["fence"]
        lang, attrs, options = parse_info(opening["info"])
        closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        body: list[str] = []
        index += 1
        start = index + 1
        while index < len(lines) and not closing.match(lines[index]):
            line = lines[index]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            index += 1
        if index >= len(lines):
            raise BookError(f"{chapter}:{start - 1}: this code fence is never closed.")
        index += 1
        text = "\n".join(body) + ("\n" if body else "")
        fences.append(Fence(chapter, start, lang, attrs, options, text))
    return fences


_TRANSLATION = re.compile(r"\.(?P<lang>[a-z]{2}(?:_[A-Za-z]{2,4})?)\.md$")


def page_language(path: str | Path) -> str:
    """The language of a page: "zh" for `why-oj.zh.md`, "en" for `why-oj.md`."""
    found = _TRANSLATION.search(Path(path).name)
    return found["lang"] if found else "en"


def is_translation(path: str | Path) -> bool:
    """`why-oj.zh.md` translates `why-oj.md`: it shows the English page's blocks, and is not their source."""
    return page_language(path) != "en"


def english_page(path: str) -> str:
    """The English page a translation translates (`docs/why-oj.zh.md` -> `docs/why-oj.md`), or the page itself."""
    return _TRANSLATION.sub(".md", path) if is_translation(path) else path
