"""A throwaway book in a temporary folder, for testing the machinery on small chapters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

BookMaker = Callable[..., Path]


@pytest.fixture
def make_book(tmp_path: Path) -> BookMaker:
    def make(chapters: dict[str, str], nav: list[str] | None = None) -> Path:
        root = tmp_path / "book"
        (root / "docs").mkdir(parents=True, exist_ok=True)
        (root / "nnlit").mkdir(exist_ok=True)
        for name, text in chapters.items():
            (root / "docs" / name).write_text(text, encoding="utf-8")
        listed = nav if nav is not None else list(chapters)
        lines = "".join(f"  - {name}\n" for name in listed)
        (root / "mkdocs.yml").write_text(f"site_name: test\nnav:\n{lines}", encoding="utf-8")
        return root

    return make


def fence(lang: str, body: str, info: str = "") -> str:
    return f"```{lang}{(' ' + info) if info else ''}\n{body.strip(chr(10))}\n```\n"
