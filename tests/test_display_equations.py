"""Display equations in the chapters are printed from the checked derivations, never typed by hand.

A typed display can say something other than what was proved. So a chapter's
prose shows a result with `{result:id}` (first step = last step of that
derivation) and a definition with `{definition:id:name}` (from the block's
`define`), both printed by the boxes' printer and numbered with a link to the
box. What stays typed is a quotation of another author's formula, in a block
quote that names its source on a line starting with "--" (as the seed chapter
does), and inline math.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from litproof.book.model import Book
from litproof.book.notebooks import chapter_cells
from litproof.book.results import SHOWN, BookResults, ResultError, site_markdown
from litproof.core.fences import read_fences
from litproof.site.derivations import DerivationPages
from tests.helpers import BookMaker, fence

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "docs").glob("*.md"))

#: The start of display math: $$ anywhere, or \[ or an equation environment at the start of a line.
_DISPLAY = re.compile(r"\$\$|^\\\[|^\\begin\{(?:equation|align|gather|multline)\*?\}")
_QUOTED = re.compile(r"^[ \t]*>")
#: The line of a block quote that names the quoted source: "-- quoted ... following T. Rashid" (zh: "—— ").
_SOURCE = re.compile(r"^[ \t]*>[ \t]*(--|——)\s*\S")
_CODE_SPAN = re.compile(r"(`+).*?\1")


def typed_displays(path: Path, root: Path = ROOT) -> list[str]:
    """`docs/<file>.md:<line>` of every display equation typed outside a quotation that names its source."""
    lines = path.read_text(encoding="utf-8").splitlines()
    code = set()
    for block in read_fences(path, root):
        code.update(range(block.line - 1, block.line + len(block.text.splitlines()) + 1))  # 1-based, fences too
    name = path.relative_to(root).as_posix()
    found = []
    number = 0
    while number < len(lines):
        if _QUOTED.match(lines[number]):  # a whole block quote at once
            end = number
            while end < len(lines) and _QUOTED.match(lines[end]):
                end += 1
            quote = range(number, end)
            if not any(_SOURCE.match(lines[index]) for index in quote):
                found += [
                    f"{name}:{index + 1}: a display in a block quote that names no source"
                    for index in quote
                    if index + 1 not in code and _DISPLAY.search(_CODE_SPAN.sub("", lines[index].lstrip(" \t>")))
                ]
            number = end
            continue
        if number + 1 not in code and _DISPLAY.search(_CODE_SPAN.sub("", lines[number].strip())):
            found.append(f"{name}:{number + 1}: a display equation typed by hand")
        number += 1
    return found


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.name)
def test_no_display_equation_is_typed_by_hand(chapter: Path) -> None:
    problems = "\n".join(typed_displays(chapter))
    assert not problems, (
        f"show it with {{result:id}} or {{definition:id:name}}, or quote it with its source:\n{problems}"
    )


def test_the_scan_finds_typed_displays_and_spares_quotations_and_code(make_book: BookMaker) -> None:
    page = (
        "# C\n\nTyped:\n\n$$\nE = 1\n$$\n\nOne line: $$x = 1$$ and \\[y\\] inline stays.\n\n\\[\nz = 2\n\\]\n\n"
        "> $$\n> a = b\n> $$\n>\n> -- quoted from A. Author (2001).\n\n"
        "> $$\n> c = d\n> $$\n\n"
        f"{fence('python', 'print(1)  # $$')}\nAnd `$$` in code, $x$ inline.\n"
    )
    root = make_book({"c.md": page})
    assert [problem.split(": ")[0] for problem in typed_displays(root / "docs/c.md", root)] == [
        "docs/c.md:5",
        "docs/c.md:7",
        "docs/c.md:9",
        "docs/c.md:11",
        "docs/c.md:21",
        "docs/c.md:23",
    ]


def test_every_shown_result_of_the_book_prints() -> None:
    results = BookResults.of_book(Book.at(ROOT))
    for chapter in CHAPTERS:
        name = chapter.relative_to(ROOT).as_posix()
        results.expand(chapter.read_text(encoding="utf-8"), name, lambda shown: shown.latex)


@pytest.mark.parametrize("chapter", sorted((ROOT / "docs").glob("*.zh.md")), ids=lambda path: path.name)
def test_a_translation_shows_the_same_results_as_its_english_page(chapter: Path) -> None:
    def shown(path: Path) -> list[str]:
        return [line for line in path.read_text(encoding="utf-8").splitlines() if SHOWN.match(line)]

    assert shown(chapter) == shown(chapter.with_name(chapter.name.replace(".zh.md", ".md")))


# --- the syntax, on a small book -----------------------------------------------------

SQUARE = fence(
    "derivation",
    """
id: square-slope
title: The slope of a square
given: |
  x = scalars('x')
  y = define('y', x**2)
  c = define('c', 3*x)
steps: |
    D(y, x)
  = 2*x**(2 - 1)      # the power rule
  = 2*x
""",
)
REJECTED = fence(
    "derivation",
    """
id: square-is-not-its-slope
title: A square is not its slope
given: |
  x = scalars('x')
expect: unequal
steps: |
    x**2
  = 2*x
""",
)


@pytest.fixture
def book(make_book: BookMaker) -> Path:
    return make_book(
        {
            "c.md": f"# C\n\n{SQUARE}\n{REJECTED}",
            "d.md": "# D\n\nThe slope:\n\n{result:square-slope}\n\nwhere\n\n{definition:square-slope:y,c}\n",
            "d.zh.md": "# D\n\n斜率：\n\n{result:square-slope}\n",
        }
    )


def test_a_result_prints_its_first_and_last_step_with_its_number_linking_to_the_box(book: Path) -> None:
    results = BookResults.of_book(Book.at(book))
    shown = results.result("square-slope")
    assert shown.latex == r"\frac{\partial y}{\partial x} = 2 x"
    assert shown.equation.number == "1.1"
    html = site_markdown(shown, "d.md")
    assert r'<div class="arithmatex">\[\frac{\partial y}{\partial x} = 2 x\]</div>' in html
    assert "[(1.1)](c.md#derivation-square-slope)" in html


def test_a_definition_prints_from_the_blocks_define(book: Path) -> None:
    results = BookResults.of_book(Book.at(book))
    assert results.definition("square-slope", ["y"]).latex == "y = x^{2}"
    assert results.definition("square-slope", ["c", "y"]).latex == r"c = 3 x, \qquad y = x^{2}"
    with pytest.raises(ResultError, match=r"square-slope defines no z \(it defines y, c\)"):
        results.definition("square-slope", ["z"])


def test_a_page_shows_them_in_place_of_the_lines(book: Path) -> None:
    results = BookResults.of_book(Book.at(book))
    page = (book / "docs/d.md").read_text()
    out = results.expand(page, "docs/d.md", lambda shown: f"<<{shown.latex}|{shown.equation.number}>>")
    assert out.splitlines()[4] == r"<<\frac{\partial y}{\partial x} = 2 x|1.1>>"
    assert out.splitlines()[8] == r"<<y = x^{2}, \qquad c = 3 x|1.1>>"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{result:no-such-id}", r"docs/d\.md:3: \{result:no-such-id\}: no-such-id names no numbered derivation"),
        ("{result:square-is-not-its-slope}", r"docs/d\.md:3: .*names no numbered derivation"),
        ("{definition:no-such-id:y}", r"docs/d\.md:3: .*no-such-id names no numbered derivation"),
        ("{definition:square-slope:E}", r"docs/d\.md:3: .*the block square-slope defines no E"),
        ("{definition:square-slope}", r"docs/d\.md:3: .*say which definition"),
        ("{result:square-slope:y}", r"docs/d\.md:3: .*only a definition takes names"),
        ("As {result:square-slope} shows.", r"docs/d\.md:3: \{result:square-slope\} must stand alone on its line"),
        ("    {result:square-slope}", r"docs/d\.md:3: \{result:square-slope\} must start its line"),
    ],
    ids=["unknown-id", "rejected", "unknown-block", "unknown-name", "no-name", "result-names", "inline", "indented"],
)
def test_what_the_book_does_not_have_fails_with_file_and_line(book: Path, line: str, message: str) -> None:
    results = BookResults.of_book(Book.at(book))
    with pytest.raises(ResultError, match=message):
        results.expand(f"# D\n\n{line}\n", "docs/d.md", lambda shown: shown.latex)


def test_code_is_not_prose(book: Path) -> None:
    results = BookResults.of_book(Book.at(book))
    page = "# D\n\nWrite `{result:no-such-id}` alone on a line:\n\n```markdown\n{result:no-such-id}\n```\n"
    assert results.expand(page, "docs/d.md", lambda shown: shown.latex) == page


def test_only_the_english_pages_blocks_are_read(make_book: BookMaker) -> None:
    root = make_book({"c.md": "# C\n", "c.zh.md": f"# C\n\n{SQUARE}"}, nav=["c.md"])
    with pytest.raises(ResultError, match="square-slope names no numbered derivation"):
        BookResults.of_book(Book.at(root)).result("square-slope")


def test_the_build_fails_on_an_unknown_id_naming_file_and_line(book: Path) -> None:
    pages = DerivationPages.of_book(Book.at(book))
    out = pages.page_markdown((book / "docs/d.zh.md").read_text(), "d.zh.md", book / "docs")
    assert r"\[\frac{\partial y}{\partial x} = 2 x\]" in out, "a Chinese page shows the English page's block"
    assert "[(1.1)](c.md#derivation-square-slope)" in out
    with pytest.raises(PluginError, match=r"^docs/d\.zh\.md:5: \{result:no-such-id\}"):
        pages.page_markdown("# D\n\n斜率：\n\n{result:no-such-id}\n", "d.zh.md", book / "docs")


def test_a_notebook_shows_the_result_with_a_link_to_the_box(book: Path) -> None:
    cells = chapter_cells(Book.at(book), book / "docs/d.md", "https://example.org/book/")
    assert r"$$ \frac{\partial y}{\partial x} = 2 x $$" in cells[0].source
    assert "[(1.1)](https://example.org/book/c/#derivation-square-slope)" in cells[0].source
