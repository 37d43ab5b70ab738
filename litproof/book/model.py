"""The book model: one book, read once per run, that every part of the machinery asks.

`Book.at(root)` reads mkdocs.yml once: the chapters in nav order, the plugin's
options (the package the chapters' code goes into, the vocabulary files), and
then each chapter's fenced blocks the first time a part asks for them. Tangle,
verify, mutate, numbering, notebooks, the site and the pytest plugin all take a
`Book`, so a run reads each file once. A new run (or, under `mkdocs serve`, a new
build) makes a new `Book`: nothing here outlives the files it was read from.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from litproof.book.config import VERIFY_COMMAND, chapters_in_order, plugin_options_of, read_config
from litproof.core.derivation import Derivation, DerivationError, parse
from litproof.core.fences import Fence, is_translation, read_fences
from litproof.core.words import Word, load_words
from litproof.errors import BookError


class Book:
    """A book's settings and chapters, each file read at most once."""

    def __init__(self, root: Path, config: dict[str, Any]) -> None:
        self.root = root
        self.config = config
        self.options = plugin_options_of(config)
        self.chapters: list[Path] = chapters_in_order(root, config)  # the nav's order: the book's, and tangle's
        self.docs = root / str(config.get("docs_dir", "docs"))
        self._fences: dict[Path, list[Fence]] = {}
        self._texts: dict[Path, str] = {}
        self._derivations: dict[Path, list[Derivation | DerivationError]] = {}
        self._words: tuple[Word, ...] | None = None

    @classmethod
    def at(cls, root: Path) -> Book:
        """The book whose mkdocs.yml is in `root`."""
        return cls(root, read_config(root))

    @property
    def package(self) -> str | None:
        """The import package the chapters' titled code blocks go into (the plugin's `package:`), if any."""
        name = self.options.get("package")
        if name is None:
            return None
        if not isinstance(name, str) or not all(part.isidentifier() for part in name.split(".")):
            raise BookError(f"mkdocs.yml's package: must be the name of a Python package, not {name!r}.")
        return name

    @property
    def verify_command(self) -> str:
        """The command that checks this book (the plugin's `verify_command:`), as pages and notebooks name it."""
        command = self.options.get("verify_command", VERIFY_COMMAND)
        if not isinstance(command, str) or not command.strip():
            raise BookError(f"mkdocs.yml's verify_command: must be a command, not {command!r}.")
        return command

    @property
    def words(self) -> tuple[Word, ...]:
        """The book's own words: those of the files the plugin's `vocabulary:` names, relative to the root."""
        if self._words is None:
            files = self.options.get("vocabulary") or []
            if isinstance(files, str):
                files = [files]
            self._words = tuple(word for name in files for word in load_words(self.root / str(name), str(name)))
        return self._words

    @property
    def words_digest(self) -> str:
        """A hash of the vocabulary files' text: what the checker's verdicts depend on besides the blocks."""
        files = self.options.get("vocabulary") or []
        digest = hashlib.sha256()
        for name in [files] if isinstance(files, str) else files:
            path = self.root / str(name)
            digest.update(str(name).encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
        return digest.hexdigest()

    def text(self, chapter: Path) -> str:
        """A chapter's text, read from disk the first time it is asked for."""
        key = chapter.resolve()
        if key not in self._texts:
            self._texts[key] = chapter.read_text(encoding="utf-8")
        return self._texts[key]

    def fences(self, chapter: Path) -> list[Fence]:
        """A chapter's fenced blocks, read from disk the first time they are asked for."""
        key = chapter.resolve()
        if key not in self._fences:
            self._fences[key] = read_fences(chapter, self.root)
        return self._fences[key]

    def derivations(self, chapter: Path) -> list[Derivation | DerivationError]:
        """A chapter's derivation blocks in the book's vocabulary; a malformed block is returned as its error."""
        key = chapter.resolve()
        if key not in self._derivations:
            found: list[Derivation | DerivationError] = []
            for fence in self.fences(chapter):
                if fence.lang == "derivation":
                    try:
                        found.append(parse(fence, self.words))
                    except DerivationError as error:
                        found.append(error)
            self._derivations[key] = found
        return self._derivations[key]

    def all_chapters(self) -> list[Path]:
        """Every chapter under the docs folder (translations excluded), whether or not the nav lists it."""
        return sorted(path for path in self.docs.rglob("*.md") if not is_translation(path))

    def chapters_to_check(self, paths: list[Path] | None = None) -> list[Path]:
        """The chapters given (each must be a Markdown file of this book), else the nav's, then any others."""
        root = self.root.resolve()
        if paths:
            chapters = []
            for path in paths:
                resolved = (path if path.is_absolute() else self.root / path).resolve()
                if not resolved.is_file() or resolved.suffix != ".md":
                    raise BookError(f"{path} is not a Markdown chapter (expected a file like docs/why-oj.md).")
                if not resolved.is_relative_to(root):
                    raise BookError(f"{path} is outside the book ({self.root}); give --root the folder of its book.")
                chapters.append(resolved)
            return chapters
        in_nav = [chapter.resolve() for chapter in self.chapters]
        return in_nav + [c.resolve() for c in self.all_chapters() if c.resolve() not in in_nav]

    def all_derivations(self) -> list[Derivation | DerivationError]:
        """Every derivation of the book, in book order."""
        return [item for chapter in self.chapters_to_check() for item in self.derivations(chapter)]
