"""The map of the results: its nodes, arrows and marks come from the book and this build's verdicts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from litproof.book.model import Book
from litproof.book.verdicts import ShownVerdict
from litproof.core.derivation import Derivation
from litproof.site.graphviz import Dot
from litproof.site.labels import words_for
from litproof.site.results_map import MAP_MARKER, MapPage, ResultsMap, map_chapter, translated_titles
from tests.helpers import BookMaker, fence

needs_dot = pytest.mark.skipif(not Dot().available(), reason="Graphviz's dot is not installed")


def block(ident: str, uses: str = "", expect: str = "", sizes: str = "") -> str:
    head = f"id: {ident}\ntitle: The slope of {ident}\n" + (f"uses: {uses}\n" if uses else "")
    head += (f"expect: {expect}\n" if expect else "") + (f"sizes: {sizes}\n" if sizes else "")
    second = "3*x" if expect == "unequal" else "2*x"
    return fence("derivation", head + f"given: |\n  x = scalars('x')\nsteps: |\n    D(x**2, x)\n  = {second}\n")


def verdict(derivation: Derivation) -> ShownVerdict:
    """What the checker says of these small blocks: ok; proved for all sizes unless `sizes:` is given."""
    return ShownVerdict(True, "", "", ("at sizes",) if derivation.sizes else ("for all sizes",))


@pytest.fixture
def book(make_book: BookMaker) -> Book:
    chapters = {
        "a.md": "# A\n\n" + block("first") + "\n" + block("second", "first"),
        "b.md": "# B\n\n" + block("third", "second", sizes="n = 2") + "\n" + block("wrong", expect="unequal"),
        "map.md": f"# Map\n\n{MAP_MARKER}\n",
        "map.zh.md": f"# 结果图\n\n{MAP_MARKER}\n",
        "b.zh.md": "# 乙\n\n" + block("third", "second", sizes="n = 2").replace("The slope of third", "三的斜率"),
    }
    return Book.at(make_book(chapters, nav=["a.md", "b.md", "map.md"]))


def test_every_derivation_is_a_node_and_every_use_an_arrow(book: Book) -> None:
    results = ResultsMap.of_book(book, verdict)
    assert list(results.nodes) == ["first", "second", "third", "wrong"]
    assert results.edges() == [("first", "second"), ("second", "third")]
    assert [node.number for node in results.nodes.values()] == ["1.1", "1.2", "2.1", None]
    kinds = {ident: node.kind for ident, node in results.nodes.items()}
    assert kinds == {"first": "all-sizes", "second": "all-sizes", "third": "at-sizes", "wrong": "counterexample"}


def test_a_result_rests_on_everything_its_uses_use(book: Book) -> None:
    results = ResultsMap.of_book(book, verdict)
    assert results.rests_on("third") == ["first", "second", "third"]
    assert results.rests_on("first") == ["first"]


def test_a_failing_derivation_is_marked_as_failing(book: Book) -> None:
    results = ResultsMap.of_book(book, lambda derivation: ShownVerdict(False, "", "wrong", ()))
    assert {node.kind for node in results.nodes.values()} == {"fails"}


def test_the_map_page_is_found_by_its_marker(book: Book) -> None:
    assert map_chapter(book) == "map.md"


@needs_dot
def test_the_map_is_drawn_with_links_to_the_boxes_a_legend_and_a_focus_per_result(book: Book) -> None:
    results = ResultsMap.of_book(book, verdict)
    page = MapPage(results, words_for("en", {}), translated_titles(book, "en"), {"a.md": "Chapter A"})
    shown = page.html()
    assert shown.count("<svg") == 1 + 2  # the whole map, and the focus of each result that uses another
    assert '<a href="../a/#derivation-second" class="map-link"' in shown
    assert '<a href="../b/#derivation-wrong" class="map-link"' in shown  # a block with no number is a node too
    assert 'aria-label="(2.1) The slope of third: proved exactly at the concrete sizes it names"' in shown
    assert '<g id="map-node-first" class="node map-node map-all-sizes" data-result="first">' in shown
    assert '<g class="edge map-use map-from-first map-to-second">' in shown
    focus = shown[shown.index('id="focus-third"') :]
    assert 'id="focus-third-node-first"' in focus and "wrong" not in focus and "map-focused" in focus
    ids = re.findall(r' id="([^"]+)"', shown)
    assert len(ids) == len(set(ids)), "two elements of the page share an id"
    for words in ("proved for all sizes", "a counterexample, as the book expects", "Chapter 1: Chapter A"):
        assert words in shown
    assert "fill=" not in shown.split('<div class="results-map-figure', 1)[1].split("</svg>", 1)[0]


@needs_dot
def test_the_chinese_map_has_chinese_words_titles_and_links(book: Book) -> None:
    results = ResultsMap.of_book(book, verdict)
    shown = MapPage(results, words_for("zh", {}), translated_titles(book, "zh")).html()
    assert "三的斜率" in shown and "怎样读这张图" in shown and "对任意规模" in shown
    assert '<a href="../b/#derivation-third" class="map-link"' in shown  # from zh/map/ to zh/b/


def test_without_dot_the_page_says_so_in_one_sentence(book: Book) -> None:
    results = ResultsMap.of_book(book, verdict)
    page = MapPage(results, words_for("en", {}), translated_titles(book, "en"), dot=Dot(command="no-such-dot"))
    shown, problem = page.html_or_sentence()
    assert problem == (
        "Graphviz's no-such-dot was not found on the PATH; install Graphviz "
        "(Debian and Ubuntu: apt-get install graphviz) and build again."
    )
    assert shown.startswith('<p class="results-map-missing" role="alert">The map could not be drawn')
    assert shown.count("<p") == 1


def test_a_dot_that_runs_too_long_is_stopped(book: Book, tmp_path: Path) -> None:
    slow = tmp_path / "slow-dot"
    slow.write_text("#!/bin/sh\nsleep 5\n", encoding="utf-8")
    slow.chmod(0o755)
    results = ResultsMap.of_book(book, verdict)
    page = MapPage(results, words_for("en", {}), {}, dot=Dot(command=str(slow), timeout=0.2))
    assert page.html_or_sentence()[1] == f"Graphviz's {slow} took more than 0.2 s to draw the graphs."
