"""Texts a build makes again from the same inputs, kept by a hash of all of those inputs.

A chapter's notebook, or a page's part of the whole-book page, is a function of
a few texts (the chapter, the equation numbers, the machinery's source, ...).
`KeptTexts` keeps such a text under `.cache/litproof/<kind>/<key>.txt`, where
the key is a SHA-256 of every input, each one length-prefixed so that no two
different lists of inputs give the same key. A changed input is a new key, so a
kept text is never stale; what was kept for other inputs is only unused. Each
file starts with the hash of its text, so a damaged file is not used. A cache
that cannot be read or written costs only speed: the text is made again. The
folder is trimmed to the most recently used texts when it is opened.

>>> import tempfile
>>> kept = KeptTexts(Path(tempfile.mkdtemp()), "test")
>>> key = KeptTexts.key("chapter text", "numbers")
>>> kept.get(key) is None
True
>>> kept.put(key, "made")
>>> kept.get(key), kept.get(KeptTexts.key("chapter text, edited", "numbers"))
('made', None)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from litproof.book.tangle import write_atomically

CACHE_DIR = Path(".cache") / "litproof"

#: A folder is trimmed to its `KEEP` most recently used texts when it holds more than `LIMIT`.
LIMIT = 400
KEEP = 200

_MACHINERY = Path(__file__).resolve().parents[1]  # litproof/


def machinery_digest(*parts: str) -> str:
    """A hash of the source of the machinery's parts (`book`, `core`, `site`): what they make changes with it."""
    digest = hashlib.sha256()
    for part in parts:
        for source in sorted((_MACHINERY / part).glob("*.py")):
            digest.update(f"{part}/{source.name}".encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _check(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


class KeptTexts:
    """Texts of one kind, by key, in memory for this build and on disk under a book's root."""

    def __init__(self, root: Path | None, kind: str) -> None:
        self.folder = root / CACHE_DIR / kind if root else None
        self.texts: dict[str, str] = {}
        self.made = 0  # texts made in this build (the others came from the cache)
        self._trim()

    @staticmethod
    def key(*inputs: str | bytes) -> str:
        digest = hashlib.sha256()
        for item in inputs:
            data = item.encode() if isinstance(item, str) else item
            digest.update(f"{len(data)}:".encode() + data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path | None:
        return self.folder / f"{key}.txt" if self.folder else None

    def get(self, key: str) -> str | None:
        if key in self.texts:
            return self.texts[key]
        path = self._path(key)
        if path is None:
            return None
        try:
            check, _, text = path.read_bytes().decode("utf-8").partition("\n")
            if check != _check(text):
                return None  # damaged: made again, and written whole
            os.utime(path)  # recently used: kept when the folder is trimmed
        except (OSError, UnicodeDecodeError):
            return None
        self.texts[key] = text
        return text

    def put(self, key: str, text: str) -> None:
        """Keep a text (written atomically; a cache that cannot be written costs only speed)."""
        self.texts[key] = text
        self.made += 1
        path = self._path(key)
        if path is not None:
            with contextlib.suppress(OSError, UnicodeError):
                write_atomically(path, f"{_check(text)}\n{text}")

    def _trim(self) -> None:
        if self.folder is None:
            return
        try:
            entries = list(os.scandir(self.folder))
            if len(entries) <= LIMIT:
                return
            entries.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
            for entry in entries[KEEP:]:
                os.unlink(entry.path)
        except OSError:
            pass
