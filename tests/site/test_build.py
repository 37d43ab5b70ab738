"""The site builds strictly, carries its own MathJax, and loads nothing from elsewhere.

These tests read the built files only (no browser), so they run everywhere.
"""

from __future__ import annotations

import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from mkdocs.exceptions import PluginError

import nnlit
from nnlit.literate import mkdocs_hooks

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
