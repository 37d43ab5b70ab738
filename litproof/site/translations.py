"""The translated pages, docs/<name>.zh.md, built at /zh/ by mkdocs-static-i18n (for the book's plugin).

A translation that has fallen behind its English page must say so where the
reader sees it: a stale Chinese page (see `litproof.book.translations`) opens
with a warning that links to the English page. The record line
``<!-- translates: ... -->`` is an HTML comment, so it never shows. A Chinese
chapter also ends, like its English page, with a link to the chapter's notebook
(one notebook per chapter, generated from the English page).

What this needs of mkdocs-static-i18n's and mkdocs-autorefs'
internals goes through `litproof.site.shims`.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path
from typing import Any

from litproof.book.model import Book
from litproof.book.translations import read_translation
from litproof.core.fences import is_translation
from litproof.site import hooks as mkdocs_hooks
from litproof.site import shims as mkdocs_shims


def on_pre_build(config: Any) -> None:
    """Start each language's build with autorefs knowing no anchors yet.

    mkdocs-static-i18n builds the Chinese site after the English one with the same
    plugins; autorefs would still hold the English API page's anchors, so every
    API name would have two pages (api/ and zh/api/), and the print page, which
    looks names up without a page to be near, would warn about each of them.
    """
    mkdocs_shims.forget_autorefs_anchors(config)


def language_roots(config: Any) -> dict[str, str]:
    """Each language's root inside the site: {"en": "", "zh": "zh/"}."""
    languages = mkdocs_shims.i18n_languages(config)
    return {language.locale: (language.link.strip("/") + "/").lstrip("/") for language in languages}


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    """Make the language switch's links on a home page relative, like those on every other page.

    mkdocs-static-i18n links a home page to the languages' absolute roots
    (/nnlit/, /nnlit/zh/), which only work where the site is served under that path.
    """
    roots = language_roots(config)
    for alternate in mkdocs_shims.language_switch(config):
        if alternate.get("link", "").startswith("/") and alternate.get("lang") in roots:
            alternate["link"] = roots[alternate["lang"]] or "./"
    return context


_HEAD_ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="([\w-]+)">')


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Point the page's <link rel="alternate"> tags at the languages' roots.

    Material reads each of them as a language's root and fetches <root>/sitemap.xml;
    the page's own counterpart (zh/why-oj/) has none, so the request would fail. The
    language switch's links in the page keep pointing at the counterpart page itself.
    """
    return alternates_at_roots(output, page.url, config)


def alternates_at_roots(html: str, url: str, config: Any) -> str:
    """The page at `url` (e.g. zh/why-oj/), with its <link rel="alternate"> tags pointing at the language roots."""
    roots = language_roots(config)
    here = url if url.endswith("/") else posixpath.dirname(url) + "/"

    def root_link(found: re.Match[str]) -> str:
        root = roots.get(found.group(1))
        if root is None:
            return found.group(0)
        link = posixpath.relpath(root.rstrip("/") or ".", here.rstrip("/") or ".") + "/"
        return f'<link rel="alternate" href="{link}" hreflang="{found.group(1)}">'

    return _HEAD_ALTERNATE.sub(root_link, html)


def on_post_build(config: Any) -> None:
    """A sitemap.xml for each translated site (zh/) too.

    Material reads the sitemap to switch languages. The root sitemap, written by
    mkdocs-static-i18n's template, lists every page with its alternate languages,
    so the translated sites share it (copied at the end of their own build).
    """
    site = Path(config["site_dir"])
    for language in mkdocs_shims.i18n_languages(config):
        folder = site / str(language.link).strip("/")
        if language.default or folder == site or not folder.is_dir():
            continue
        if (site / "sitemap.xml").exists() and not (folder / "sitemap.xml").exists():
            shutil.copyfile(site / "sitemap.xml", folder / "sitemap.xml")


def stale_warning(english_url: str) -> str:
    """The admonition at the top of a stale translation (Markdown, for the page being rendered)."""
    return (
        '!!! warning "本页译文可能已过时"\n\n'
        "    本页译自英文版的旧版本：英文原文在翻译之后又有改动，这些改动还没有译过来。"
        f'最新内容请看<a href="{english_url}" hreflang="en">英文原文</a>。\n\n'
    )


def notebook_note(link: str, package: str | None) -> str:
    """The Chinese page's pointer to its chapter's notebook (the English one: the code is the same)."""
    needs = f"；需要先安装 <code>{package}</code> 包" if package else ""
    return (
        '\n\n<p class="nnlit-notebook">自己动手运行本章：'
        f'<a href="{link}" download>下载 Jupyter notebook</a>'
        f"（按本章顺序包含正文、公式和代码，正文为英文{needs}）。</p>\n"
    )


def _relative(target: str, page: Any) -> str:
    """A link from this page to a path of the site (directory URLs: zh/why-oj/ to why-oj/ is ../../why-oj/)."""
    here = page.url if page.url.endswith("/") else posixpath.dirname(page.url) + "/"
    link = posixpath.relpath(target.rstrip("/") or ".", here.rstrip("/") or ".")
    return link + "/" if target.endswith("/") or not target else link


def on_page_markdown(markdown: str, page: Any, config: Any, book: Book, notebooks: bool = True) -> str:
    """Open a stale translation with a warning that links to its English page; end it with its notebook."""
    docs_dir = Path(config["docs_dir"])
    source = docs_dir / page.file.src_uri
    if not is_translation(source):
        return markdown
    translation = read_translation(source)
    english_page = translation.source.relative_to(docs_dir).as_posix()
    if notebooks and english_page in mkdocs_hooks.notebook_chapters(book):
        link = _relative(mkdocs_hooks.notebook_uri(english_page), page)
        markdown = markdown.rstrip("\n") + notebook_note(link, book.package)
    if translation.stale:
        english_url = "" if english_page == "index.md" else english_page.removesuffix(".md") + "/"
        markdown = stale_warning(_relative(english_url, page)) + markdown
    return markdown
