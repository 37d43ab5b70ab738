"""The built site in a real headless browser: math renders, nothing leaves the site.

Every page listed in the sitemap is opened once (see `page_audits`) and the
tests below assert on what was recorded. "The box has height" is not enough:
invisible math (boxes with no glyphs) passed that check, so formulas are counted
and measured.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import nnlit
from tests.site import bibtex
from tests.site.audit import PageAudit

pytestmark = pytest.mark.browser

# The fixtures' types (defined in conftest.py, which is not imported here).
OpenPage = Callable[..., tuple[Any, Any]]
VisitPages = Callable[..., tuple[Any, list[tuple[Any, Any]]]]

CHAPTER = "why-oj/"
# A numbered equation of the seed chapter, reached by its permalink.
EQUATION = "derivation-output-weight-gradient"
# The pages a person looks at in both palettes: the home page, the seed chapter,
# and a chapter with figures and tables.
SCREENSHOTS = {"home": "", "why-oj": CHAPTER, "training": "training/"}
PRINT_PAGE = "print_page/"


def _report(failures: dict[str, list[str]]) -> str:
    """One block per failing page, one line per problem."""
    return "\n".join(
        f"/{path}:\n" + "\n".join(f"  {line}" for line in lines) for path, lines in failures.items() if lines
    )


def test_every_formula_is_typeset_and_visible(page_audits: dict[str, PageAudit]) -> None:
    failures = {}
    for path, audit in page_audits.items():
        lines = list(audit.math_problems)
        if audit.containers != audit.formulas:
            lines.insert(
                0,
                f"{audit.formulas} formulas but {audit.containers} typeset math containers",
            )
        failures[path] = lines
    assert not any(failures.values()), "math not rendered:\n" + _report(failures)


def test_the_book_has_math(page_audits: dict[str, PageAudit]) -> None:
    """Guards the check above: a page with no formulas at all passes it vacuously."""
    assert page_audits[CHAPTER].formulas > 0, f"no formulas found on /{CHAPTER}"


def test_the_print_page_typesets_the_whole_books_math(page_audits: dict[str, PageAudit]) -> None:
    """The whole book on one page: its formulas are audited above like any page's; here,
    it must hold at least every formula of the seed chapter (it holds the whole book)."""
    assert PRINT_PAGE in page_audits, f"no /{PRINT_PAGE} in the site"
    assert page_audits[PRINT_PAGE].formulas >= page_audits[CHAPTER].formulas > 0


def test_every_figure_has_a_text_alternative(page_audits: dict[str, PageAudit]) -> None:
    # a build-time matplotlib figure is printed inside <div role="img" aria-label="...">
    failures = {path: audit.unlabelled_figures for path, audit in page_audits.items()}
    assert not any(failures.values()), "figures without alt text:\n" + _report(failures)


def test_no_raw_tex_is_left_visible(page_audits: dict[str, PageAudit]) -> None:
    failures = {path: audit.raw_tex for path, audit in page_audits.items()}
    assert not any(failures.values()), "raw TeX in visible text:\n" + _report(failures)


def test_no_errors_and_no_request_leaves_the_site(page_audits: dict[str, PageAudit]) -> None:
    failures = {path: audit.record.problems() for path, audit in page_audits.items()}
    assert not any(failures.values()), _report(failures)


def test_search_finds_the_sigmoid_chapter(open_page: OpenPage) -> None:
    page, record = open_page("")
    # page.fill() does not trigger Material's search; real key presses do.
    page.click(".md-search__input")
    page.keyboard.type("sigmoid")
    result = page.locator(f'.md-search-result__item a[href*="{CHAPTER}"]').first
    result.wait_for(state="visible", timeout=60_000)  # the search index is built in the page, which can be slow
    assert not record.problems(), "\n".join(record.problems())


@pytest.fixture(scope="module")
def scheme_pages(visit_pages: VisitPages) -> Iterator[dict[tuple[str, str], tuple[Any, Any]]]:
    """The pages of SCREENSHOTS opened once per colour scheme, side by side:
    {("light", "why-oj"): (page, record), ...}, shared by the screenshot and layout tests."""
    contexts, pages = [], {}
    for scheme in ("light", "dark"):
        context, opened = visit_pages(list(SCREENSHOTS.values()), color_scheme=scheme)
        contexts.append(context)
        pages.update({(scheme, name): page for name, page in zip(SCREENSHOTS, opened, strict=True)})
    yield pages
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", list(SCREENSHOTS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshot(
    scheme_pages: dict[tuple[str, str], tuple[Any, Any]], artifacts_dir: Path, scheme: str, name: str
) -> None:
    """Saves test-artifacts/<page>-<scheme>.png (the first 1280x800 screen) for a human to look at."""
    page, record = scheme_pages[(scheme, name)]
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    # The first screen only: a full-page capture of a long chapter takes seconds.
    page.screenshot(path=str(artifacts_dir / f"{name}-{scheme}.png"))
    assert (artifacts_dir / f"{name}-{scheme}.png").stat().st_size > 10_000
    assert not record.problems(), "\n".join(record.problems())


def test_a_permalink_to_a_numbered_equation_scrolls_it_into_view(open_page: OpenPage) -> None:
    page, record = open_page(f"{CHAPTER}#{EQUATION}")
    equation = page.locator(f"#{EQUATION}")
    number = equation.locator(".derivation-number").inner_text()
    assert re.fullmatch(r"\(\d+\.\d+\)", number), f"the equation shows no number: {number!r}"
    # Where it is after MathJax has typeset everything above it (which moves it down).
    box = equation.bounding_box()
    header = page.locator(".md-header").bounding_box()
    viewport = page.viewport_size
    assert box and header and viewport
    assert header["height"] - 1 <= box["y"] < viewport["height"] / 2, (
        f"#{EQUATION} is at y = {box['y']:.0f} px, not just under the {header['height']:.0f} px header"
    )
    assert not record.problems(), "\n".join(record.problems())


def test_the_cite_box_bibtex_parses_and_names_the_page(open_page: OpenPage) -> None:
    page, record = open_page(CHAPTER)
    box = page.locator("details.cite")
    box.locator("summary").click()
    code = box.locator("pre code")
    code.wait_for(state="visible")
    # Material adds the copy button once the block is shown.
    box.locator('[data-md-type="copy"]').wait_for(state="visible", timeout=5_000)
    [entry] = bibtex.parse(code.inner_text())
    assert entry.fields["url"].endswith(f"/{CHAPTER}"), entry.fields
    assert entry.fields["version"] == nnlit.__version__
    assert not record.problems(), "\n".join(record.problems())


# Runs in the page: formulas sticking out of their container, and formulas that
# scroll sideways inside their own box (allowed, since a long display formula
# can be wider than the column, but reported).
AUDIT_WIDTH = """() => {
  const overflowing = [];
  const scrolling = [];
  document.querySelectorAll(".arithmatex").forEach((el, i) => {
    const box = el.getBoundingClientRect();
    const parent = el.parentElement.getBoundingClientRect();
    const text = el.textContent.trim().slice(0, 60);
    if (box.right > parent.right + 1 || box.left < parent.left - 1) {
      overflowing.push(`formula ${i + 1} (${Math.round(box.width)} px) sticks out of its ` +
        `${Math.round(parent.width)} px container`);
    }
    if (el.scrollWidth > el.clientWidth + 1) {
      scrolling.push(`formula ${i + 1} scrolls: ${el.scrollWidth} px in ${el.clientWidth} px`);
    }
  });
  const root = document.documentElement;
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, overflowing, scrolling};
}"""


def test_chapter_has_no_horizontal_scrolling(scheme_pages: dict[tuple[str, str], tuple[Any, Any]]) -> None:
    page, _ = scheme_pages[("light", "why-oj")]
    width = page.evaluate(AUDIT_WIDTH)
    assert width["scrollWidth"] <= width["clientWidth"], (
        f"/{CHAPTER} scrolls sideways at 1280 px: {width['scrollWidth']} px of content in {width['clientWidth']} px"
    )
    assert not width["overflowing"], "\n".join(width["overflowing"])
    if width["scrolling"]:
        warnings.warn(f"/{CHAPTER} at 1280 px: " + "; ".join(width["scrolling"]), UserWarning, stacklevel=1)
