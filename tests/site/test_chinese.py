"""The Chinese edition in a real browser: search in Chinese, the language switch, the same equation numbers.

Every page of the built site, the Chinese ones under zh/ included, is audited by
test_browser.py; this file checks what only a second language brings. The
fixtures (a strict build, a local server, Debian's Chromium) are conftest.py's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

OpenPage = Callable[..., tuple[Any, Any]]

CHAPTER = "why-oj/"
ZH_CHAPTER = "zh/why-oj/"
# Two Chinese chapters a person looks at (light mode): the seed chapter, and one with a table and a figure.
SCREENSHOTS = {"zh-why-oj": ZH_CHAPTER, "zh-hidden": "zh/hidden/"}
DOCS = Path(__file__).resolve().parents[2] / "docs"


def translated_pages() -> list[str]:
    """The site paths of the pages that have a Chinese translation: "" for index, "why-oj/" ..."""
    names = sorted(path.name.removesuffix(".zh.md") for path in DOCS.glob("*.zh.md"))
    return ["" if name == "index" else f"{name}/" for name in names]


def test_searching_a_chinese_word_finds_the_seed_chapter(open_page: OpenPage) -> None:
    page, record = open_page("zh/")
    page.click(".md-search__input")
    page.keyboard.type("梯度")
    page.locator(".md-search-result__item a").first.wait_for(state="visible", timeout=10_000)
    hrefs = page.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.href)")
    assert any(ZH_CHAPTER in href for href in hrefs), hrefs
    assert not record.problems(), "\n".join(record.problems())


@pytest.mark.parametrize("path", translated_pages(), ids=lambda path: path or "index")
def test_the_language_switch_links_a_page_to_its_counterpart(page_audits: dict[str, Any], path: str) -> None:
    english, chinese = page_audits[path], page_audits["zh/" + path]
    root = english.url.removesuffix(path)
    both = {"en": root + path, "zh": root + "zh/" + path}
    assert english.language_links == both and chinese.language_links == both
    assert (english.lang, chinese.lang) == ("en", "zh")


def _numbers(page: Any) -> list[tuple[str, str]]:
    """(derivation anchor, its number) for every numbered derivation on the page, in order."""
    blocks = page.locator(".derivation:has(.derivation-number)")
    return [
        (blocks.nth(index).get_attribute("id"), blocks.nth(index).locator(".derivation-number").inner_text())
        for index in range(blocks.count())
    ]


def test_the_chinese_seed_chapter_shows_the_same_equation_numbers(open_page: OpenPage) -> None:
    english, _ = open_page(CHAPTER)
    chinese, record = open_page(ZH_CHAPTER)
    numbers = _numbers(english)
    assert numbers, "the English seed chapter shows no numbered derivation"
    assert any(re.fullmatch(r"\(\d+\.\d+\)", number) for _, number in numbers), numbers
    assert _numbers(chinese) == numbers
    # The checked-by line and the source box speak Chinese, and name the English page's block.
    assert "本页构建时由 SymPy 检验" in chinese.locator(".derivation-check").first.inner_text()
    assert "docs/why-oj.md" in chinese.locator(".derivation-source summary").first.inner_text()
    assert not record.problems(), "\n".join(record.problems())


def test_the_chinese_cite_box_names_the_chinese_page(open_page: OpenPage) -> None:
    page, record = open_page(ZH_CHAPTER)
    box = page.locator("details.cite")
    assert box.locator("summary").inner_text().strip() == "引用本页"
    box.locator("summary").click()
    code = box.locator("pre code").inner_text()
    assert re.search(r"url\s*=\s*\{[^}]*/zh/why-oj/\}", code), code
    assert "@misc{nnlit" in code and "why-oj-zh," in code
    assert not record.problems(), "\n".join(record.problems())


@pytest.mark.parametrize("name", list(SCREENSHOTS))
def test_chinese_screenshot(open_page: OpenPage, artifacts_dir: Path, name: str) -> None:
    """Saves test-artifacts/<page>-light.png (the first screen) for a human to look at."""
    page, record = open_page(SCREENSHOTS[name])
    page.screenshot(path=str(artifacts_dir / f"{name}-light.png"))
    assert page.locator("h1").first.inner_text().strip(), "the page has no title"
    assert not record.problems(), "\n".join(record.problems())
