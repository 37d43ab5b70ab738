"""Read the book: the chapters in nav order, and the fenced blocks inside them.

Everything else in `nnlit.literate` sees a chapter only through `Fence` objects,
which remember the chapter path and the line each block starts on, so that every
message and every generated marker can point back to `docs/<file>.md:<line>`.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nnlit.errors import NnlitError

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
    """The UTF-8 text of a file of the book; NnlitError, naming it as `name`, if it is not that."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise NnlitError(
            f"{name} is not UTF-8 text (the byte 0x{error.object[error.start]:02x} at offset {error.start})."
        ) from None
    except OSError as error:
        raise NnlitError(f"{name} cannot be read ({error.strerror}).") from None


def read_fences(path: Path, root: Path) -> list[Fence]:
    """All fenced blocks of one chapter, in order, including indented ones."""
    # Named from the book's root however both are spelled (`--root ../book` too), since
    # the name goes into messages and into the markers of generated modules.
    where, base = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    if not where.is_relative_to(base):
        raise NnlitError(f"{path} is outside the book ({root}).")
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
            raise NnlitError(f"{chapter}:{start - 1}: this code fence is never closed.")
        index += 1
        text = "\n".join(body) + ("\n" if body else "")
        fences.append(Fence(chapter, start, lang, attrs, options, text))
    return fences


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without importing the Python objects its tags name."""


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
_TolerantLoader.add_multi_constructor("!", lambda *_: None)


def _flatten_nav(nav: Any) -> list[str]:
    pages: list[str] = []
    if isinstance(nav, str):
        pages.append(nav)
    elif isinstance(nav, list):
        for entry in nav:
            pages.extend(_flatten_nav(entry))
    elif isinstance(nav, dict):
        for value in nav.values():
            pages.extend(_flatten_nav(value))
    return pages


def read_config(root: Path) -> dict[str, Any]:
    """The book's mkdocs.yml as settings; a missing or broken file is one sentence."""
    config_path = root / "mkdocs.yml"
    if not config_path.exists():
        raise NnlitError(f"no mkdocs.yml in {root}: run nnlit from the book's root folder.")
    try:
        config = yaml.load(read_text(config_path, "mkdocs.yml"), Loader=_TolerantLoader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"mkdocs.yml:{mark.line + 1}" if mark else "mkdocs.yml"
        raise NnlitError(f"{where}: this is not valid YAML ({getattr(error, 'problem', None) or error}).") from None
    if not isinstance(config, dict):
        raise NnlitError("mkdocs.yml must be a mapping of settings (site_name:, nav:, ...), not a list or a value.")
    return config


def plugin_options(root: Path, name: str = "nnlit") -> dict[str, Any]:
    """The options mkdocs.yml gives a plugin (`- nnlit:` with settings under it), {} if none."""
    for entry in read_config(root).get("plugins") or []:
        if isinstance(entry, dict) and name in entry:
            return entry[name] if isinstance(entry[name], dict) else {}
    return {}


def chapters_in_order(root: Path) -> list[Path]:
    """The chapters in the order of mkdocs.yml's nav: the book's order, and the tangle order."""
    config = read_config(root)
    if not isinstance(config.get("docs_dir", "docs"), str) or not isinstance(config.get("nav", []), list):
        raise NnlitError("mkdocs.yml's docs_dir: must be a folder name and its nav: a list of pages.")
    docs_dir = root / config.get("docs_dir", "docs")
    pages = [page for page in _flatten_nav(config.get("nav", [])) if page.endswith(".md")]
    outside = [page for page in pages if not (docs_dir / page).resolve().is_relative_to(root.resolve())]
    if outside:
        raise NnlitError(f"mkdocs.yml names {outside[0]} in its nav, which is outside the book.")
    missing = [page for page in pages if not (docs_dir / page).exists()]
    if missing:
        raise NnlitError(f"mkdocs.yml names {missing[0]} in its nav, but {docs_dir.name}/{missing[0]} does not exist.")
    return [docs_dir / page for page in pages]


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


def all_chapters(root: Path) -> list[Path]:
    """Every chapter under docs/ (translations excluded), whether or not the nav lists it."""
    return sorted(path for path in (root / "docs").rglob("*.md") if not is_translation(path))
