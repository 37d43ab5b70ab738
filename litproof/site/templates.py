"""The site's Jinja templates compiled once, not on every build.

MkDocs makes a new Jinja environment for the theme on every build, and
mkdocstrings one for its handler, so `mkdocs serve` compiles Material's and
mkdocstrings' templates (about 170 of them) again on every save. Jinja's own
bytecode cache keeps a compiled template with the checksum of its source, and
uses it only while the source is unchanged; `KeptTemplates` is such a cache, in
memory for the process and on disk under `.cache/litproof/jinja/`, keyed also
by the environment's options that change the compiled code (delimiters,
autoescaping, extensions, ...), so that two environments never share a
template compiled for the other. A cache that cannot be read or written costs
only speed: the template is compiled.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any, ClassVar

import jinja2
from jinja2.bccache import Bucket

from litproof.book.tangle import write_atomically
from litproof.book.kept import CACHE_DIR

#: The options of an environment that its compiled templates depend on.
_COMPILE_OPTIONS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "autoescape",
    "finalize",
    "is_async",
    "code_generator_class",
)

#: An autodoc line of mkdocstrings: `::: package.module`.
_AUTODOC = re.compile(r"^[ \t]*:::[ \t]*\S", re.MULTILINE)


class KeptTemplates(jinja2.BytecodeCache):
    """Compiled templates of one environment, in memory for this process and on disk."""

    memory: ClassVar[dict[str, bytes]] = {}  # shared by the builds of one process (`mkdocs serve`)

    def __init__(self, folder: Path | None, environment: jinja2.Environment) -> None:
        self.folder = folder
        self.environment = environment

    def fingerprint(self) -> str:
        """The environment's options as they are now (a plugin may add an extension after the cache is set)."""
        environment = self.environment
        options = [repr(getattr(environment, name, None)) for name in _COMPILE_OPTIONS]
        options += sorted(repr(type(extension)) for extension in environment.extensions.values())
        return f"jinja {jinja2.__version__}\0{type(environment)!r}\0" + "\0".join(options)

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.fingerprint()}\0{name}\0{filename}".encode()).hexdigest()

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.memory.get(bucket.key)
        if data is None and self.folder is not None:
            with contextlib.suppress(OSError):
                data = (self.folder / bucket.key).read_bytes()
        if data is not None:
            bucket.bytecode_from_string(data)  # Jinja resets the bucket when the source's checksum differs

    def dump_bytecode(self, bucket: Bucket) -> None:
        data = bucket.bytecode_to_string()
        self.memory[bucket.key] = data
        if self.folder is not None:
            with contextlib.suppress(OSError):
                write_atomically(self.folder / bucket.key, data)


def keep_compiled(environment: Any, root: Path | None) -> None:
    """Give a Jinja environment the kept templates (unless it already has a bytecode cache)."""
    if isinstance(environment, jinja2.Environment) and environment.bytecode_cache is None:
        environment.bytecode_cache = KeptTemplates(root / CACHE_DIR / "jinja" if root else None, environment)


def keep_theme_compiled(config: Any, root: Path | None) -> None:
    """Give every environment the theme makes in this build the kept templates.

    MkDocs' public `Theme.get_env` makes the environment of the pages, and plugins call it
    for theirs (print-site for the whole-book page, Material's search for its words); it is
    wrapped on this build's theme object, once.
    """
    theme = getattr(config, "theme", None)
    make = getattr(theme, "get_env", None)
    if not callable(make) or getattr(make, "keeps_compiled", False):
        return

    def get_env() -> Any:
        environment = make()
        keep_compiled(environment, root)
        return environment

    get_env.keeps_compiled = True  # type: ignore[attr-defined]
    theme.get_env = get_env  # type: ignore[union-attr]


def keep_autodoc_compiled(markdown: str, config: Any, root: Path | None) -> None:
    """Before a page with mkdocstrings' `:::` lines is rendered, give its default handler's environment
    the kept templates (through mkdocstrings' public `get_handler` and the handler's `env`)."""
    autodoc = config.plugins.get("mkdocstrings")
    if autodoc is None or not _AUTODOC.search(markdown):
        return
    try:
        handler = autodoc.get_handler(autodoc.config.default_handler)
    except Exception:  # noqa: BLE001  (mkdocstrings reports a handler it cannot load when it renders the page)
        return
    keep_compiled(getattr(handler, "env", None), root)
