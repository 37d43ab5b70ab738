"""What the book's build-time Python blocks printed, kept by everything that output depends on.

A block that trains a network for a figure takes seconds, and runs again on
every build although neither it nor the package changed. Its output is a
function of its code, of the package it imports (the book's `package:`, its
generated modules and hand-written ones, with their data), of the
results files the chapters read (`docs/results/`, `benchmarks/results/`), of
any other file of the book its code names by path (the checking chapter's block
reads "docs/why-oj.md"), of the machinery's own source for a block that imports
litproof (the checking chapter's block prints what the checker says), and of the
versions of Python and of every installed
distribution (matplotlib draws the figures). So the output is kept under a key made of all of these; a change to
any of them is a new key, and the block runs again. A block in a markdown-exec
`session` shares state with other blocks and is never kept.

>>> import tempfile
>>> outputs = BlockOutputs(Path(tempfile.mkdtemp()), context="test")
>>> outputs.get("print(1)", "") is None
True
>>> outputs.put("print(1)", "", "1\\n")
>>> outputs.get("print(1)", "")
'1\\n'
"""

from __future__ import annotations

import hashlib
import platform
import re
from importlib.metadata import distributions
from pathlib import Path

from litproof.book.kept import machinery_digest
from litproof.book.tangle import write_atomically

CACHE_DIR = Path(".cache") / "litproof" / "blocks"

#: What every block may read besides its own code and the book's package (code and data): the results files.
DEPENDENCIES = ("docs/results", "benchmarks/results")

#: A file of the book that a block's code names, such as "docs/why-oj.md": a dependency of that block alone.
_NAMED_FILE = re.compile(r"""["'](docs/[\w./-]+)["']""")


def context_hash(root: Path, package: str | None = None) -> str:
    """A hash of everything but its code that a block's output depends on (`package`: the book's, if any)."""
    digest = hashlib.sha256(platform.python_version().encode())
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions()):
        digest.update(dist.encode() + b"\0")
    folders = ((package.replace(".", "/"),) if package else ()) + DEPENDENCIES
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class BlockOutputs:
    """Outputs of build-time blocks under one book's cache folder, by code and context."""

    def __init__(self, root: Path, context: str | None = None, package: str | None = None) -> None:
        self.root = root
        self.folder = root / CACHE_DIR
        self.context = context_hash(root, package) if context is None else context

    def _path(self, code: str, options: str) -> Path:
        digest = hashlib.sha256(f"{self.context}\0{options}\0{code}".encode())
        for name in sorted(set(_NAMED_FILE.findall(code))):
            path = self.root / name
            digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"(missing)"))
        if "litproof" in code:  # it runs the machinery itself: what it prints changes with it
            digest.update(b"litproof\0" + machinery_digest("book", "core").encode())
        return self.folder / f"{digest.hexdigest()}.txt"

    def get(self, code: str, options: str) -> str | None:
        try:
            return self._path(code, options).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, code: str, options: str, output: str) -> None:
        """Keep an output (atomically; a cache that cannot be written costs only speed)."""
        try:
            write_atomically(self._path(code, options), output)
        except OSError:
            pass
