"""The site builds strictly, carries its own MathJax, and loads nothing from elsewhere.

These tests read the built files only (no browser), so they run everywhere.
"""

from __future__ import annotations

import importlib.util
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from mkdocs.exceptions import PluginError

import nnlit
from litproof.book.model import Book
from litproof.site import hooks as mkdocs_hooks
from tests.site import bibtex

# <link rel=...> values that make the browser fetch the target.
FETCHING_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "prefetch",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""")


class _AssetCollector(HTMLParser):
    """Collects every URL a page makes the browser fetch on load."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and FETCHING_RELS & set(values.get("rel", "").lower().split()):
            self.urls.append(values.get("href", ""))
        elif tag in ("script", "img", "iframe", "source", "audio", "video", "embed"):
            if values.get("src"):
                self.urls.append(values["src"])


def _is_local(url: str) -> bool:
    """Relative URLs and data: URLs are local; anything with a host or scheme is not."""
    parts = urlsplit(url.strip())
    return parts.scheme == "data" or (not parts.scheme and not parts.netloc)


def test_mkdocs_build_strict_passes(site_build: Any) -> None:
    assert site_build.ok, f"mkdocs build --strict failed:\n{site_build.output}"


def test_the_site_has_the_expected_pages(site_pages: list[str]) -> None:
    assert "" in site_pages, "no home page in the sitemap"
    assert "why-oj/" in site_pages, f"no why-oj/ chapter in the sitemap: {site_pages}"


def test_pages_load_nothing_from_another_host(built_site: Path) -> None:
    foreign = []
    for html in sorted(built_site.rglob("*.html")):
        collector = _AssetCollector()
        collector.feed(html.read_text(encoding="utf-8"))
        rel = html.relative_to(built_site)
        foreign += [f"{rel}: {url}" for url in collector.urls if not _is_local(url)]
    assert not foreign, "assets from another host:\n" + "\n".join(foreign)


def test_stylesheets_load_nothing_from_another_host(built_site: Path) -> None:
    foreign = []
    for css in sorted(built_site.rglob("*.css")):
        text = css.read_text(encoding="utf-8")
        for match in CSS_URL.finditer(text):
            url = match.group(2) or match.group(4) or ""
            if not _is_local(url):
                foreign.append(f"{css.relative_to(built_site)}: {url}")
    assert not foreign, "stylesheet URLs on another host:\n" + "\n".join(foreign)


def test_mathjax_its_fonts_and_tex_extensions_are_in_the_site(built_site: Path) -> None:
    mathjax = built_site / mkdocs_hooks.SITE_MATHJAX_DIR
    assert (mathjax / mkdocs_hooks.MATHJAX_SCRIPT).is_file()
    fonts = list((mathjax / mkdocs_hooks.MATHJAX_FONTS).glob("*.woff"))
    assert len(fonts) >= 10, f"MathJax fonts missing: {fonts}"
    # Loaded on first use of \boldsymbol; the chapters use it.
    assert (mathjax / mkdocs_hooks.MATHJAX_TEX_EXTENSIONS / "boldsymbol.js").is_file()


def test_every_page_configures_mathjax_before_loading_it(built_site: Path) -> None:
    """mathjax-config.js sets window.MathJax, which tex-chtml.js reads when it loads."""
    wrong = []
    for html in sorted(built_site.rglob("*.html")):
        text = html.read_text(encoding="utf-8")
        config = text.find("javascripts/mathjax-config.js")
        mathjax = text.find("javascripts/mathjax/tex-chtml.js")
        if not 0 <= config < mathjax:
            wrong.append(str(html.relative_to(built_site)))
    assert not wrong, f"MathJax config missing or after MathJax on: {wrong}"


def test_every_page_shows_the_version(built_site: Path) -> None:
    label = f"nnlit {nnlit.__version__}"
    missing = [
        str(html.relative_to(built_site))
        for html in sorted(built_site.rglob("*.html"))
        if label not in html.read_text(encoding="utf-8")
    ]
    assert not missing, f"{label!r} not shown on: {missing}"


def test_missing_mathjax_fails_with_one_clear_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(PluginError, match=r"MathJax was not found: install .*django-static"):
        mkdocs_hooks.mathjax_es5_dir()


# --- The chapters' extras: cite box, notebook, API reference, the whole book on one page ---

_CITE_BOX = re.compile(r'<details class="cite">(.*?)</details>', re.DOTALL)
_CODE = re.compile(r"<code>(.*?)</code>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)


def _chapters(site_build: Any) -> list[str]:
    """The chapters' page paths ("why-oj/"), in book order: every nav page but the home page and the pages
    with no text of their own (the API reference, the map of the results)."""
    book = Book.at(site_build.config_file.parent)
    return [page.removesuffix(".md") + "/" for page in mkdocs_hooks.notebook_chapters(book)]


def _page(built_site: Path, path: str) -> str:
    return (built_site / path / "index.html").read_text(encoding="utf-8")


def _text(fragment: str) -> str:
    """What a reader copies from an HTML fragment: tags dropped, entities decoded."""
    return unescape(_TAG.sub("", fragment))


def cite_bibtex(page_html: str) -> str:
    """The BibTeX of a page's cite box, as its copy button copies it."""
    boxes = _CITE_BOX.findall(page_html)
    assert len(boxes) == 1, f"{len(boxes)} cite boxes"
    codes = _CODE.findall(boxes[0])
    assert len(codes) == 1, "the cite box has no single BibTeX code block"
    return _text(codes[0])


def test_the_bibtex_reader_reads_entries_and_refuses_broken_ones() -> None:
    [entry] = bibtex.parse("@misc{a:b-1,\n  author = {{The X}},\n  title = {A {$o_j$} b},\n  year = 2026\n}")
    assert (entry.type, entry.key) == ("misc", "a:b-1")
    assert entry.fields == {"author": "{The X}", "title": "A {$o_j$} b", "year": "2026"}
    for broken in ("@misc{k, a = {x}", "@misc{k, a = x}", "misc{k, a = {x}}", "@misc{k, a = {1} b = {2}}"):
        with pytest.raises(ValueError):
            bibtex.parse(broken)


def test_every_chapter_has_a_cite_box_naming_its_page_and_version(site_build: Any, built_site: Path) -> None:
    site_url = re.search(r"^site_url:\s*(\S+)", site_build.config_file.read_text(encoding="utf-8"), re.M).group(1)
    for path in _chapters(site_build):
        [entry] = bibtex.parse(cite_bibtex(_page(built_site, path)))
        fields = entry.fields
        assert fields["url"] == site_url.rstrip("/") + "/" + path, f"/{path}: the BibTeX names {fields['url']}"
        assert fields["version"] == nnlit.__version__, f"/{path}: version {fields['version']}"
        assert fields["year"] == "2026" and fields["author"] == "{The nnlit authors}", f"/{path}: {fields}"
        assert fields["title"].strip(), f"/{path}: no title"
        apa = _text(_CITE_BOX.search(_page(built_site, path)).group(1))
        assert "The nnlit authors. (2026)." in apa and f"(Version {nnlit.__version__})" in apa, f"/{path}: {apa}"
        assert fields["url"] in apa, f"/{path}: the APA reference does not name the page"


def test_the_home_page_has_no_cite_box(built_site: Path) -> None:
    assert not _CITE_BOX.search((built_site / "index.html").read_text(encoding="utf-8"))


def test_every_chapter_links_its_notebook(site_build: Any, built_site: Path) -> None:
    nbformat = pytest.importorskip("nbformat", reason="nbformat is in the test extra")
    for path in _chapters(site_build):
        link = re.search(r'<p class="nnlit-notebook">.*?<a href="([^"]+\.ipynb)" download>', _page(built_site, path))
        assert link, f"/{path} has no notebook link"
        notebook = (built_site / path / link.group(1)).resolve()
        assert notebook.is_file(), f"/{path} links {link.group(1)}, which is not in the site"
        nbformat.validate(nbformat.read(notebook, as_version=4))


def test_the_api_reference_documents_every_generated_module(site_build: Any, built_site: Path) -> None:
    page = _page(built_site, "api/")
    for module in ("activations", "network", "mnist", "training", "own_digit", "backquery"):
        assert f'id="nnlit.{module}"' in page, f"nnlit.{module} is not documented on /api/"
    assert 'id="nnlit.activations.sigmoid"' in page and 'id="nnlit.network.Network"' in page


def test_the_print_page_holds_every_chapter_in_order(site_build: Any, built_site: Path) -> None:
    printed = _page(built_site, "print_page/")
    positions = []
    for path in _chapters(site_build):
        title = _text(_H1.search(_page(built_site, path)).group(1)).replace("¶", "").strip()
        heading = next((h for h in _H1.finditer(printed) if _text(h.group(1)).replace("¶", "").strip() == title), None)
        assert heading, f"the print page lacks the chapter {title!r}"
        positions.append(heading.start())
    assert positions == sorted(positions), "the print page has the chapters out of book order"


def test_the_home_page_lists_every_chapter_in_order(site_build: Any, built_site: Path) -> None:
    home = (built_site / "index.html").read_text(encoding="utf-8")
    chapters = _chapters(site_build)
    positions = [home.find(f'<li><a href="{path}">') for path in chapters]
    missing = [path for path, at in zip(chapters, positions, strict=True) if at < 0]
    assert not missing, f"the home page does not list: {missing}"
    assert positions == sorted(positions), "the home page lists the chapters out of book order"
