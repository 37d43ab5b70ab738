"""The verdicts the site build shows: computed by the checker, kept by content hash.

The page must show the verdict its own build computed, and a rebuild must stay
fast. So the build checks every derivation it renders and keeps each verdict
under a key made of everything the verdict depends on: the block's text, its
chapter and line (which its messages name), the checker itself (the source of
the machinery that reads, evaluates and proves, SymPy's version and the book's
own words), and the keys of the blocks it `uses:` (so that a changed result is
checked again with everything that rests on it). Any change to one of them is a
new key, so a stale verdict is never shown. A verdict that ran out of time
depends on the machine's load, and is never kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import sympy

from litproof.book.tangle import write_atomically
from litproof.core.checker import Result, check
from litproof.core.derivation import Derivation

#: Where a book keeps its verdicts, under its root (as MkDocs plugins keep theirs under .cache/).
CACHE_FILE = Path(".cache") / "litproof" / "verdicts.json"


CORE = Path(__file__).resolve().parents[1] / "core"  # the checker, the derivation language, the vocabulary


def checker_version(words: str = "") -> str:
    """A hash of the checker's source, SymPy's version and the book's own words (`words`, a digest of their
    files): a new checker, or a changed word, invalidates every verdict."""
    digest = hashlib.sha256(sympy.__version__.encode() + b"\0" + words.encode())
    for source in sorted(CORE.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class ShownVerdict:
    """What the page says of one derivation."""

    ok: bool
    status: str  # the one-line report of `nnlit verify`: "proved for all sizes", ...
    message: str  # for a failure: the checker's explanation, starting with docs/<file>.md:<line>:
    methods: tuple[str, ...]  # how each pair of steps was settled

    @property
    def for_all_sizes(self) -> bool:
        """Every pair of steps was proved for all sizes (or all values), not only at concrete sizes."""
        return all(method.startswith("for all") for method in self.methods)

    @classmethod
    def of(cls, result: Result) -> ShownVerdict:
        return cls(result.ok, result.status, result.message, tuple(pair.method for pair in result.pairs))


class VerdictCache:
    """Verdicts by key, read from and saved to a book's cache file."""

    def __init__(self, root: Path | None, words: str = "", blocks: Iterable[Derivation] = ()) -> None:
        self.path = root / CACHE_FILE if root else None
        self.version = checker_version(words)
        self.blocks: dict[str, Derivation] = {}  # the book's derivations by id: what a block's `uses:` names
        for block in blocks:
            self.blocks.setdefault(block.id, block)  # a reused id is the renderer's error to report
        self.verdicts: dict[str, ShownVerdict] = {}
        self.checked = 0  # derivations checked in this build (the rest came from the cache)
        self.used: set[str] = set()  # the keys this build asked for: only they are saved
        self.timed_out: dict[str, ShownVerdict] = {}  # this build's verdicts that ran out of time (not saved)
        if self.path and self.path.is_file():
            self._load()

    def _load(self) -> None:
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if stored.get("checker") == self.version:
                self.verdicts = {
                    key: ShownVerdict(v["ok"], v["status"], v["message"], tuple(v["methods"]))
                    for key, v in stored["verdicts"].items()
                }
        except (OSError, ValueError, KeyError, TypeError):
            self.verdicts = {}  # an unreadable cache is only a slower build: it is rebuilt

    def key(self, derivation: Derivation, within: frozenset[str] = frozenset()) -> str:
        """The verdict's key: the checker, the block's place and text, and the keys of the blocks it uses."""
        text = f"{self.version}\0{derivation.chapter}\0{derivation.line}\0{derivation.source}"
        within = within | {derivation.id}
        for used in derivation.uses:  # only earlier blocks may be used; `within` stops a wrong `uses:` looping
            if used in self.blocks and used not in within:
                text += f"\0uses {used} {self.key(self.blocks[used], within)}"
        return hashlib.sha256(text.encode()).hexdigest()

    def verdict(self, derivation: Derivation) -> ShownVerdict:
        """The checker's verdict on a derivation: from the cache, or checked now."""
        key = self.key(derivation)
        if key in self.timed_out:
            return self.timed_out[key]
        if key not in self.verdicts:
            result = check(derivation)
            self.checked += 1
            if result.timed_out:  # shown for this build (its boxes and pages ask again), never kept
                self.timed_out[key] = ShownVerdict.of(result)
                return self.timed_out[key]
            self.verdicts[key] = ShownVerdict.of(result)
        self.used.add(key)
        return self.verdicts[key]

    def save(self) -> None:
        """Keep this build's verdicts for the next build (written atomically; a failure costs only speed)."""
        if not (self.path and self.checked):
            return
        kept = {key: asdict(verdict) for key, verdict in self.verdicts.items() if key in self.used}
        try:
            write_atomically(self.path, json.dumps({"checker": self.version, "verdicts": kept}, indent=0) + "\n")
        except OSError:
            pass
