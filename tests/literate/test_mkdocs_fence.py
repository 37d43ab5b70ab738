"""How a derivation block is shown on the page."""

import pytest

from litproof.book.numbering import Equation
from litproof.core.derivation import parse
from litproof.core.fences import Fence
from litproof.site import fence as mkdocs_fence

BLOCK = """id: square
title: A square's slope
given: |
  n = sizes('n')
  x = scalars('x')
steps: |
    D(x**2, x)
  = 2*x          # the power rule, as in {eq:output-weight-gradient}: $2x$
"""


@pytest.fixture
def page() -> mkdocs_fence.DerivationBoxes:
    numbers = {"output-weight-gradient": Equation("output-weight-gradient", "1.3", "why-oj.md")}
    boxes = mkdocs_fence.DerivationBoxes(numbers=numbers)
    boxes.start_page("docs/softmax.md")
    return boxes


def test_steps_reasons_claim_and_source_are_shown(page: mkdocs_fence.DerivationBoxes) -> None:
    html = page.render(parse(Fence("docs/softmax.md", 5, "derivation", {}, frozenset(), BLOCK)))
    assert html.count('<li class="derivation-step">') == 2
    assert r"\[\frac{\partial}{\partial x}\left(x^{2}\right)\]" in html
    assert r"\[= 2 \cdot x\]" in html or r"\[= 2 x\]" in html
    assert '<a href="../why-oj/#derivation-output-weight-gradient">(1.3)</a>' in html
    assert r'<span class="arithmatex">\(2x\)</span>' in html
    assert "proved equal to the one before for all sizes" in html
    assert "docs/softmax.md, line 5" in html and "D(x**2, x)" in html


@pytest.mark.parametrize(
    ("chapter", "target", "href"),
    [
        ("docs/softmax.md", "softmax.md", "#a"),
        ("docs/softmax.md", "why-oj.md", "../why-oj/#a"),
        ("docs/softmax.zh.md", "why-oj.md", "../why-oj/#a"),
        ("docs/index.md", "why-oj.md", "why-oj/#a"),
        ("docs/why-oj.md", "index.md", "../#a"),
    ],
)
def test_equation_links_in_reasons_follow_the_sites_layout(
    page: mkdocs_fence.DerivationBoxes, chapter: str, target: str, href: str
) -> None:
    page.start_page(chapter)
    assert page.href(target, "#a") == href


def test_references_in_prose_become_links_and_derivation_blocks_are_left_to_the_renderer(
    page: mkdocs_fence.DerivationBoxes,
) -> None:
    from pathlib import Path

    from litproof.book.results import BookResults
    from litproof.site.derivations import DerivationPages

    markdown = (
        "See {eq:output-weight-gradient}.\n\n```derivation\nid: a\n  = x  # as {eq:output-weight-gradient}\n```\n"
    )
    pages = DerivationPages(page, BookResults([], page.numbers))
    out = pages.page_markdown(markdown, "softmax.md", Path("/book/docs"))
    assert out.startswith("See [(1.3)](why-oj.md#derivation-output-weight-gradient).")
    assert "# as {eq:output-weight-gradient}" in out


def test_the_box_names_the_books_verify_command(page: mkdocs_fence.DerivationBoxes) -> None:
    block = parse(Fence("docs/softmax.md", 5, "derivation", {}, frozenset(), BLOCK))
    assert "by <code>litproof verify</code> and the test suite" in page.render(block)
    page.verify_command = "course <verify>"
    assert "by <code>course &lt;verify&gt;</code> and the test suite" in page.render(block)
    page.start_page("docs/softmax.zh.md")
    assert "<code>course &lt;verify&gt;</code> 和测试套件也检验它" in page.render(block)


def test_a_books_labels_replace_the_built_in_words_of_its_language(page: mkdocs_fence.DerivationBoxes) -> None:
    block = parse(Fence("docs/softmax.md", 5, "derivation", {}, frozenset(), BLOCK))
    page.labels_by_language["en"] = {**mkdocs_fence.LABELS["en"], "all sizes": "Holds for every {names}."}
    page.labels_by_language["fr"] = {"source": "Le texte vérifié ({chapter}, ligne {line})"}
    html = page.render(block)
    assert "Holds for every" in html and "proved equal to the one before for all sizes" not in html
    page.start_page("docs/softmax.fr.md")
    html = page.render(block)
    assert "Le texte vérifié (docs/softmax.md, ligne 5)" in html
    assert mkdocs_fence.DerivationBoxes().labels["all sizes"].startswith("Each step is proved")  # no other box changed
