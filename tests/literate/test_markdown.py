from pathlib import Path

import pytest

from litproof.book.config import chapters_in_order, read_config
from litproof.core.fences import parse_info, read_fences
from litproof.errors import BookError


def test_info_string_gives_language_attributes_and_options() -> None:
    assert parse_info('python title="nnlit/x.py" notest') == ("python", {"title": "nnlit/x.py"}, frozenset({"notest"}))
    assert parse_info("{.python title='a b.py'}") == ("python", {"title": "a b.py"}, frozenset())


def test_fences_keep_their_chapter_line_and_lose_their_indentation(tmp_path: Path) -> None:
    chapter = tmp_path / "docs" / "c.md"
    chapter.parent.mkdir()
    chapter.write_text("# Title\n\n```python\nx = 1\n```\n\n??? note\n\n    ```derivation\n    id: a\n    ```\n")
    fences = read_fences(chapter, tmp_path)
    assert [(f.lang, f.line, f.text) for f in fences] == [("python", 4, "x = 1\n"), ("derivation", 10, "id: a\n")]
    assert fences[0].where == "docs/c.md:4"


def test_an_unclosed_fence_is_an_error_with_its_line(tmp_path: Path) -> None:
    chapter = tmp_path / "c.md"
    chapter.write_text("text\n```python\nx = 1\n")
    with pytest.raises(BookError, match=r"c\.md:2: this code fence is never closed"):
        read_fences(chapter, tmp_path)


def test_nav_order_is_the_book_order_and_missing_pages_are_named(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    for name in ("a.md", "b.md"):
        (tmp_path / "docs" / name).write_text("x")
    (tmp_path / "mkdocs.yml").write_text(
        "nav:\n  - B: b.md\n  - Part:\n    - a.md\nmarkdown_extensions:\n  - x:\n      f: !!python/name:os.path.join\n"
    )
    assert [p.name for p in chapters_in_order(tmp_path, read_config(tmp_path))] == ["b.md", "a.md"]
    (tmp_path / "mkdocs.yml").write_text("nav:\n  - gone.md\n")
    with pytest.raises(BookError, match="names gone.md in its nav, but docs/gone.md does not exist"):
        chapters_in_order(tmp_path, read_config(tmp_path))
