"""Fixtures shared by the tests: a throwaway book for testing the machinery on small chapters."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import BookMaker


@pytest.fixture
def make_book(tmp_path: Path) -> BookMaker:
    """make_book({"c.md": text}, nav=[...]) writes docs/, nnlit/ and a mkdocs.yml; returns the root.

    The mkdocs.yml lists the litproof plugin with `package: nnlit` (the package the chapters'
    titled blocks are tangled into); `package=None` leaves the plugin out.
    """

    def make(chapters: dict[str, str], nav: list[str] | None = None, package: str | None = "nnlit") -> Path:
        root = tmp_path / "book"
        (root / "docs").mkdir(parents=True, exist_ok=True)
        (root / "nnlit").mkdir(exist_ok=True)
        for name, text in chapters.items():
            (root / "docs" / name).write_text(text, encoding="utf-8")
        listed = nav if nav is not None else list(chapters)
        lines = "".join(f"  - {name}\n" for name in listed)
        plugins = f"plugins:\n  - litproof:\n      package: {package}\n" if package else ""
        (root / "mkdocs.yml").write_text(f"site_name: test\nnav:\n{lines}{plugins}", encoding="utf-8")
        return root

    return make
