"""Translations of the chapters: which English version each one translates, and which have fallen behind.

A translated chapter `docs/why-oj.zh.md` starts with one line naming the English
file it translates and the first 12 hex digits of that file's SHA-256 at the time
of translating:

    <!-- translates: why-oj.md sha256:0123456789ab -->

When the English chapter changes, its hash no longer matches and the translation
is *stale*: the site shows a warning on it, and the test suite allows at most one
stale page (the chapter being translated right now). Updating a translation
means translating what changed and writing the new hash (`record_line`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from litproof.core.fences import english_page, is_translation
from litproof.errors import BookError

#: How many hex digits of the SHA-256 a translation records (48 bits: no accidental match).
HASH_DIGITS = 12

_RECORD = re.compile(r"^<!--\s*translates:\s*(?P<source>\S+\.md)\s+sha256:(?P<hash>[0-9a-f]+)\s*-->\s*$")


@dataclass(frozen=True)
class Translation:
    """One translated page and the English version it was made from."""

    path: Path  # docs/why-oj.zh.md
    source: Path  # docs/why-oj.md
    recorded: str  # the hash written in the translation
    current: str  # the hash of the English file now

    @property
    def stale(self) -> bool:
        return self.recorded != self.current


def source_hash(path: Path) -> str:
    """The first HASH_DIGITS hex digits of a file's SHA-256 (of its bytes, so any edit counts)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_DIGITS]


def english_source(path: Path) -> Path:
    """docs/why-oj.md for docs/why-oj.zh.md."""
    return path.with_name(english_page(path.name))


def record_line(source: Path) -> str:
    """The first line a translation of `source` carries, with the English file's current hash."""
    return f"<!-- translates: {source.name} sha256:{source_hash(source)} -->"


def read_translation(path: Path) -> Translation:
    """Read a translation's record line and compare it with its English source as it is now."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = _RECORD.match(lines[0]) if lines else None
    if found is None:
        raise BookError(
            f"{path}:1: a translation must start with <!-- translates: <english>.md sha256:<12 hex digits> -->."
        )
    source = english_source(path)
    if found["source"] != source.name:
        raise BookError(f"{path}:1: this translation names {found['source']}, but its English page is {source.name}.")
    if not source.exists():
        raise BookError(f"{path}:1: the English page {source.name} it translates does not exist.")
    return Translation(path, source, found["hash"], source_hash(source))


def translations(docs_dir: Path, lang: str = "zh") -> list[Translation]:
    """Every `*.<lang>.md` under docs_dir, sorted by path."""
    paths = sorted(path for path in docs_dir.rglob(f"*.{lang}.md") if is_translation(path))
    return [read_translation(path) for path in paths]


def stale(docs_dir: Path, lang: str = "zh") -> list[Translation]:
    """The translations whose English page changed since they were made."""
    return [translation for translation in translations(docs_dir, lang) if translation.stale]
