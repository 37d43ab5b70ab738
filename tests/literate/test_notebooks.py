"""A chapter's notebook: valid nbformat, the chapter's order, and code that runs top to bottom."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from litproof.book.model import Book
from litproof.book.notebooks import KeptNotebooks, chapter_cells, chapter_notebook, code_cells, page_url
from litproof.book.numbering import equation_numbers
from litproof.book.results import BookResults
from litproof.core.fences import read_fences
from tests.helpers import BookMaker

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "docs" / "why-oj.md"
SITE = "https://example.org/book/"

SMALL_CHAPTER = """# A chapter

Some prose with $x^2$ and a link to [the other chapter](other.md#part).

```python title="nnlit/thing.py"
def double(x: float) -> float:
    return 2 * x
```

Then an example:

```python
assert double(3) == 6
```

```derivation
id: square-slope
title: The slope of a square
given: |
  x = scalars('x')
assume:
steps: |
    D(x**2, x)
  = 2*x              # the power rule
```

As {eq:square-slope} shows, and as the shell says:

```console
$ nnlit verify
```
"""


@pytest.fixture(scope="module")
def seed_notebook() -> str:
    return chapter_notebook(Book.at(ROOT), SEED, SITE)


def test_the_seed_notebook_is_valid_nbformat_4(seed_notebook: str) -> None:
    nbformat = pytest.importorskip("nbformat", reason="nbformat is in the test extra")
    nbformat.validate(nbformat.reads(seed_notebook, as_version=4))


def test_every_python_block_becomes_a_code_cell_in_order(seed_notebook: str) -> None:
    blocks = [f.text.rstrip("\n") for f in read_fences(SEED, ROOT) if f.lang == "python"]
    assert blocks, "the seed chapter has no Python blocks"
    assert code_cells(seed_notebook) == blocks


def test_the_seed_notebook_runs_top_to_bottom(seed_notebook: str) -> None:
    """Run all: every code cell, in order, in one namespace, as a kernel would."""
    namespace: dict[str, object] = {"__name__": "__main__"}
    printed = io.StringIO()
    cells = code_cells(seed_notebook)
    for number, source in enumerate(cells, start=1):
        code = compile(source, f"why-oj.ipynb, code cell {number}", "exec")
        with contextlib.redirect_stdout(printed):
            exec(code, namespace)  # noqa: S102 - the book's own code
    # The titled cells defined the package's functions in the notebook itself.
    assert float(namespace["sigmoid"](0.0)) == 0.5
    assert callable(namespace["output_weight_gradient"])
    assert printed.getvalue().strip(), "the example cells printed nothing, though the chapter's examples print"


def test_derivations_show_their_number_steps_and_how_they_are_checked(seed_notebook: str) -> None:
    number = equation_numbers(Book.at(ROOT))["output-weight-gradient"].number
    cells = [
        "".join(cell["source"])
        for cell in json.loads(seed_notebook)["cells"]
        if cell["cell_type"] == "markdown" and "(`output-weight-gradient`)" in "".join(cell["source"])
    ]
    assert len(cells) == 1, "the output-weight derivation is not one markdown cell"
    assert f"**({number}) " in cells[0]
    assert r"\frac{\partial E}{\partial w_{jk}}" in cells[0]
    assert "nnlit verify" in cells[0]


def test_a_small_chapter_in_order_with_links_to_the_website(make_book: BookMaker) -> None:
    root = make_book({"c.md": SMALL_CHAPTER, "other.md": "# Other\n"})
    cells = chapter_cells(Book.at(root), root / "docs" / "c.md", SITE)
    assert [cell.kind for cell in cells] == ["markdown", "code", "markdown", "code", "markdown", "markdown"]
    assert "[the other chapter](https://example.org/book/other/#part)" in cells[0].source
    assert cells[1].source.startswith("def double")
    assert "**(1.1) The slope of a square**" in cells[4].source and "the power rule" in cells[4].source
    assert "[(1.1)](https://example.org/book/c/#derivation-square-slope)" in cells[5].source
    assert "```console\n$ nnlit verify\n```" in cells[5].source, "other blocks stay in the prose"


def test_page_urls() -> None:
    assert page_url(SITE, "why-oj.md") == "https://example.org/book/why-oj/"
    assert page_url(SITE, "index.md") == "https://example.org/book/"
    assert page_url(SITE, "part/index.md") == "https://example.org/book/part/"


def kept_notebooks(root: Path) -> KeptNotebooks:
    """The notebooks of the book at `root`, as a build keeps them (a new build: a new Book)."""
    book = Book.at(root)
    numbers = equation_numbers(book)
    return KeptNotebooks(book, SITE, numbers, BookResults.of_book(book, numbers))


def test_a_kept_notebook_is_made_again_when_its_chapter_or_a_result_it_shows_changes(make_book: BookMaker) -> None:
    lemma = SMALL_CHAPTER.split("```derivation")[1].split("```")[0]
    other = "# Other\n\n```derivation" + lemma.replace("square-slope", "other-slope") + "```\n"
    root = make_book({"c.md": SMALL_CHAPTER + "\n{result:other-slope}\n", "other.md": other})
    first = kept_notebooks(root)
    made = first.notebook(root / "docs/c.md")
    assert first.kept.made == 1 and made == chapter_notebook(Book.at(root), root / "docs/c.md", SITE)
    again = kept_notebooks(root)
    assert again.notebook(root / "docs/c.md") == made and again.kept.made == 0, "unchanged: read, not made"
    (root / "docs/other.md").write_text(other.replace("= 2*x ", "= x*2 "))  # the result c.md shows
    changed = kept_notebooks(root)
    assert changed.notebook(root / "docs/c.md") != made and changed.kept.made == 1
    (root / "docs/c.md").write_text(SMALL_CHAPTER.replace("Then an example:", "Then an example, edited:"))
    edited = kept_notebooks(root)
    assert "Then an example, edited:" in edited.notebook(root / "docs/c.md") and edited.kept.made == 1


def test_an_unreadable_or_damaged_notebook_cache_is_only_made_again(make_book: BookMaker) -> None:
    root = make_book({"c.md": SMALL_CHAPTER, "other.md": "# Other\n"})
    made = kept_notebooks(root).notebook(root / "docs/c.md")
    [kept] = (root / ".cache/litproof/notebooks").iterdir()
    kept.write_bytes(kept.read_bytes().replace(b"square-slope", b"square-slant"))  # damaged: its hash differs
    damaged = kept_notebooks(root)
    assert damaged.notebook(root / "docs/c.md") == made and damaged.kept.made == 1
    kept.unlink()
    kept.mkdir()  # a folder where the file should be: neither readable nor writable
    unreadable = kept_notebooks(root)
    assert unreadable.notebook(root / "docs/c.md") == made and unreadable.kept.made == 1


def test_a_derivation_cell_names_the_books_own_verify_command(make_book: BookMaker) -> None:
    root = make_book({"c.md": SMALL_CHAPTER, "other.md": "# Other\n"}, package="notes")
    derivation = chapter_cells(Book.at(root), root / "docs" / "c.md", SITE)[4].source
    assert "`litproof verify`" in derivation and "nnlit" not in derivation, "without the option: litproof's own"
    settings = root / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "      verify_command: make check\n", encoding="utf-8")
    derivation = chapter_cells(Book.at(root), root / "docs" / "c.md", SITE)[4].source
    assert "`make check`" in derivation and "litproof verify" not in derivation
