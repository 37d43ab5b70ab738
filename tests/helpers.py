"""Small helpers shared by the tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

BookMaker = Callable[..., Path]


def fence(lang: str, body: str, info: str = "") -> str:
    """A fenced code block, as a chapter would hold it."""
    return f"```{lang}{(' ' + info) if info else ''}\n{body.strip(chr(10))}\n```\n"
