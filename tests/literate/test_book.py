"""The book model: mkdocs.yml read once, each chapter read at most once, whatever part of the machinery asks."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest

import litproof.book.model as model
from litproof.book.model import Book
from litproof.book.mutate import mutate_book, mutate_chapter
from litproof.book.notebooks import chapter_cells
from litproof.book.numbering import equation_numbers
from litproof.book.results import BookResults
from litproof.book.tangle import plan
from litproof.book.verify import verify_book
from litproof.errors import BookError
from litproof.site.derivations import DerivationPages
from tests.helpers import BookMaker, fence

ROOT = Path(__file__).resolve().parents[2]


def block(ident: str, uses: str = "") -> str:
    head = f"id: {ident}\ntitle: The slope of {ident}\n" + (f"uses: {uses}\n" if uses else "")
    return fence("derivation", head + "given: |\n  x = scalars('x')\nsteps: |\n    D(x**2, x)\n  = 2*x\n")


CODE = fence("python", "def double(x):\n    return 2 * x", 'title="nnlit/shapes.py"')


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each chapter's fences are read from disk (by name inside the book)."""
    counted: Counter[str] = Counter()
    original = model.read_fences

    def counting(path: Path, root: Path):  # noqa: ANN202  (read_fences' own signature)
        fences = original(path, root)
        counted[Path(path).name] += 1
        return fences

    monkeypatch.setattr(model, "read_fences", counting)
    return counted


@pytest.fixture
def book_root(make_book: BookMaker) -> Path:
    return make_book(
        {
            "a.md": "# A\n\n" + block("second", "first") + CODE + "\n{result:second}\n",
            "b.md": "# B\n\n" + block("first") + "\nAs {eq:first} says.\n",
            "notes.md": "# Notes, not in the nav\n\n" + block("third"),
        },
        nav=["b.md", "a.md"],
    )


def test_the_book_knows_its_settings_and_its_chapters_in_nav_order(book_root: Path) -> None:
    book = Book.at(book_root)
    assert book.root == book_root and book.docs == book_root / "docs"
    assert [chapter.name for chapter in book.chapters] == ["b.md", "a.md"]
    assert book.options == {"package": "nnlit"} and book.package == "nnlit"
    assert [chapter.name for chapter in book.chapters_to_check()] == ["b.md", "a.md", "notes.md"]
    assert [item.id for item in book.all_derivations()] == ["first", "second", "third"]
    assert book.words == ()


def test_building_the_sites_derivations_reads_each_chapter_once(book_root: Path, reads: Counter[str]) -> None:
    book = Book.at(book_root)
    pages = DerivationPages.of_book(book)
    equation_numbers(book)
    BookResults.of_book(book)
    cells = chapter_cells(book, book.docs / "a.md", "https://example.org/")
    assert reads == {"a.md": 1, "b.md": 1, "notes.md": 1}
    assert [pages.boxes.numbers[ident].number for ident in ("first", "second")] == ["1.1", "2.1"]
    assert pages.boxes.used_by == {"first": ["second"]} and "[(2.1)](https://example.org/a/" in cells[-1].source
    pages.boxes.start_page("docs/a.md")
    assert pages.boxes.locate(Book.at(book_root).fences(book.docs / "a.md")[0].text).line == 4
    assert reads == {"a.md": 2, "b.md": 1, "notes.md": 1}  # only the second Book read a.md again


def test_verify_reads_each_chapter_once_also_for_a_chapter_named(book_root: Path, reads: Counter[str]) -> None:
    book = Book.at(book_root)
    out = io.StringIO()
    assert verify_book(book, out=out) == 0, out.getvalue()
    assert "3 derivations, all hold" in out.getvalue()
    assert verify_book(book, [Path("docs/a.md")], out=io.StringIO()) == 0  # it looks `uses: first` up in the book
    plan(book)
    assert reads == {"a.md": 1, "b.md": 1, "notes.md": 1}


def test_a_fresh_book_reads_the_chapters_as_they_are_now(book_root: Path) -> None:
    book = Book.at(book_root)
    assert [item.id for item in book.derivations(book.docs / "b.md")] == ["first"]
    (book.docs / "b.md").write_text("# B\n\n" + block("renamed"))
    assert [item.id for item in book.derivations(book.docs / "b.md")] == ["first"]  # one run, one reading
    assert [item.id for item in Book.at(book_root).derivations(book.docs / "b.md")] == ["renamed"]


def test_a_chapter_is_the_same_chapter_however_it_is_spelled(
    book_root: Path, reads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(book_root / "docs")
    book = Book.at(Path(".."))
    first = [fence.where for fence in book.fences(Path("a.md"))]
    assert first[0] == "docs/a.md:4" and len(first) == 2
    for spelling in (Path("../docs/a.md"), book_root / "docs/a.md", Path("./a.md").resolve()):
        assert [fence.where for fence in book.fences(spelling)] == first
    assert reads == {"a.md": 1}


def test_mutate_asks_the_book_for_the_chapters_it_is_given(book_root: Path, reads: Counter[str]) -> None:
    out = io.StringIO()
    assert mutate_book(Book.at(book_root), [Path("docs/a.md")], out) == 0
    assert out.getvalue().startswith("docs/a.md ") and reads == {"a.md": 1}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("docs/missing.md", r"^docs/missing.md is not a Markdown chapter \(expected a file like docs/why-oj.md\)\.$"),
        ("mkdocs.yml", r"^mkdocs.yml is not a Markdown chapter"),
    ],
)
def test_a_path_that_is_no_chapter_of_the_book_is_one_sentence(book_root: Path, given: str, message: str) -> None:
    with pytest.raises(BookError, match=message):
        Book.at(book_root).chapters_to_check([Path(given)])


def test_a_chapter_outside_the_book_is_one_sentence(book_root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text("# Elsewhere\n")
    with pytest.raises(BookError, match=r"elsewhere.md is outside the book .*; give --root the folder of its book\.$"):
        Book.at(book_root).chapters_to_check([outside])


def test_a_folder_without_mkdocs_yml_is_one_sentence(tmp_path: Path) -> None:
    message = r"^no mkdocs.yml in .*: run this from the book's root folder \(or give --root\)\.$"
    with pytest.raises(BookError, match=message):
        Book.at(tmp_path)


def test_the_vocabulary_digest_follows_the_vocabulary_files(make_book: BookMaker) -> None:
    root = make_book({"a.md": "# A\n\n" + block("first")})
    (root / "mkdocs.yml").write_text(
        "site_name: t\nnav:\n  - a.md\nplugins:\n  - litproof:\n      vocabulary: [words.py]\n", encoding="utf-8"
    )
    words = (ROOT / "tests/course/words.py").read_text(encoding="utf-8")
    (root / "words.py").write_text(words, encoding="utf-8")
    book = Book.at(root)
    assert [word.name for word in book.words] == ["softplus"] and book.package is None
    before = book.words_digest
    assert Book.at(root).words_digest == before
    (root / "words.py").write_text(words.replace("softplus", "soft_plus"), encoding="utf-8")
    assert Book.at(root).words_digest != before


def test_mutate_takes_a_chapter_as_the_book_lists_it(book_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(book_root)
    book = Book.at(Path("."))  # the command line's default root: the chapters are relative paths
    reports = [mutate_chapter(book, chapter) for chapter in book.chapters]
    assert [report.chapter for report in reports] == ["docs/b.md", "docs/a.md"]
    assert all(report.outcomes and not report.count("survived") for report in reports)
