"""`uses:` says which earlier results a derivation relies on: checked, and shown as links both ways."""

from __future__ import annotations

import io
from pathlib import Path

from litproof.book.model import Book
from litproof.book.verify import verify_book
from litproof.site.derivations import DerivationPages
from tests.helpers import BookMaker, fence


def block(ident: str, uses: str = "") -> str:
    head = f"id: {ident}\ntitle: The slope of {ident}\n" + (f"uses: {uses}\n" if uses else "")
    return fence("derivation", head + "given: |\n  x = scalars('x')\nsteps: |\n    D(x**2, x)\n  = 2*x\n")


def verify(root: Path) -> tuple[int, str]:
    out = io.StringIO()
    return verify_book(Book.at(root), out=out), out.getvalue()


def test_a_use_of_an_earlier_result_holds_and_is_linked_both_ways(make_book: BookMaker) -> None:
    root = make_book({"a.md": "# A\n\n" + block("first"), "b.md": "# B\n\n" + block("second", "first")})
    assert verify(root)[0] == 0
    boxes = DerivationPages.of_book(Book.at(root)).boxes
    boxes.start_page("docs/b.md")
    html = boxes.links(_parsed(root, "b.md"))
    assert 'Uses:</span> <a href="../a/#derivation-first">(1.1) The slope of first</a>' in html
    boxes.start_page("docs/a.md")
    assert 'Used by:</span> <a href="../b/#derivation-second">(2.1) The slope of second</a>' in boxes.links(
        _parsed(root, "a.md")
    )


def _parsed(root: Path, name: str):  # noqa: ANN202  (a test helper)
    return Book.at(root).derivations(root / "docs" / name)[0]


def test_a_use_of_an_unknown_or_a_later_result_fails_with_its_line(make_book: BookMaker) -> None:
    root = make_book({"a.md": "# A\n\n" + block("first", "second, nowhere"), "b.md": "# B\n\n" + block("second")})
    code, out = verify(root)
    assert code == 1
    assert "docs/a.md:6: first: `uses: second` comes later in the book, at docs/b.md:4" in out
    assert "docs/a.md:6: first: `uses: nowhere` names no derivation of the book." in out
    boxes = DerivationPages.of_book(Book.at(root)).boxes
    assert boxes.book_errors[("docs/a.md", 4)].startswith("docs/a.md:6: first: `uses: second` comes later")


def test_a_derivation_cannot_use_itself(make_book: BookMaker) -> None:
    root = make_book({"a.md": "# A\n\n" + block("first", "first")})
    code, out = verify(root)
    assert code == 1 and "`uses: first` is this derivation itself" in out


def test_verifying_one_chapter_still_knows_the_earlier_chapters(make_book: BookMaker) -> None:
    root = make_book({"a.md": "# A\n\n" + block("first"), "b.md": "# B\n\n" + block("second", "first")})
    out = io.StringIO()
    assert verify_book(Book.at(root), [Path("docs/b.md")], out=out) == 0, out.getvalue()
