"""The whole book on one page, in every language: print_page/ and zh/print_page/ (for the book's plugin).

mkdocs-print-site writes the page from the pages of the build running.
mkdocs-static-i18n builds the Chinese site after the English one, with the same
plugins, so print-site runs in each language's build. Before each build starts,
`PrintPages` gives print-site that language's path under the language's root,
its titles and the pages it leaves out (``api.md`` leaves out ``api.zh.md``
too). When the build is over, print-site writes the page while that build's
context is still current. Then the page is made to work wherever the site is
served, and it gets its cover (`litproof.site.cover`).

What this needs of print-site's and mkdocs-static-i18n's internals goes through
`litproof.site.shims`.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from litproof.site import shims as mkdocs_shims
from litproof.site.translations import alternates_at_roots, language_roots

#: print-site's words on a translated page; the English ones are mkdocs.yml's.
WORDS: dict[str, dict[str, str]] = {
    "zh": {"print_page_title": "整本书", "toc_title": "目录"},
}

#: The print-site options that differ from one language's page to another's.
PER_LANGUAGE = ("print_page_basename", "print_page_title", "toc_title", "exclude")

#: Where print-site's page starts: the cover goes right after this opening tag.
_CONTENT = re.compile(r'<div id="print-site-page"[^>]*>')

#: A link or image print-site made relative to a page one level deep ("../notebooks/x.ipynb").
_ONE_LEVEL_UP = re.compile(r'\b(href|src)="\.\./(?!\.\./)')


@dataclass(frozen=True)
class PrintPage:
    """One language's whole-book page, as written into the site."""

    url: str  # "zh/print_page/", relative to the site's root
    path: Path  # the file: <site>/zh/print_page/index.html


def translated_exclude(patterns: list[str], language: str) -> list[str]:
    """The pages a translated print page leaves out: the English ones and their translations.

    >>> translated_exclude(["api.md", "drafts/"], "zh")
    ['api.md', 'drafts/', 'api.zh.md']
    """
    translated = [f"{pattern.removesuffix('.md')}.{language}.md" for pattern in patterns if pattern.endswith(".md")]
    return [*patterns, *translated]


def relative_base(html: str, url: str, site_url: str) -> str:
    """Make the theme config's ``base`` relative, as on every other page.

    print-site renders its page with a template context that has no page, so
    Material's config there says ``"base": "/nnlit/"`` (site_url's path) instead of
    ``"../.."``: served anywhere but at that path, its search index is fetched from
    the wrong place and fails.

    >>> relative_base('{"base": "/nnlit/"}', "zh/print_page/", "https://x.org/nnlit/")
    '{"base": "../.."}'
    """
    absolute = json.dumps(urlsplit(site_url or "/").path or "/")
    up = posixpath.relpath(".", url.rstrip("/"))
    return html.replace(f'"base": {absolute}', f'"base": {json.dumps(up)}')


def attachments_at_depth(html: str, url: str) -> str:
    """Point the content's links to files (notebooks, figures, the PDF) at the site's root from `url`.

    print-site writes them from the root of the site and adds one ``../``, as if its
    page were one level deep; zh/print_page/ is two. The theme's own links, in the
    head, are already right.

    >>> attachments_at_depth('<div id="print-site-page"><img src="../results/a.svg">', "zh/print_page/")
    '<div id="print-site-page"><img src="../../results/a.svg">'
    """
    depth = url.rstrip("/").count("/") + 1
    found = _CONTENT.search(html)
    if depth == 1 or found is None:
        return html
    head, content = html[: found.start()], html[found.start() :]
    return head + _ONE_LEVEL_UP.sub(lambda link: f'{link.group(1)}="{"../" * depth}', content)


def with_cover(html: str, cover: str) -> str:
    """The page with `cover` before everything print-site put in it (the table of contents first)."""
    found = _CONTENT.search(html)
    if found is None:
        raise PluginError('The whole-book page has no <div id="print-site-page">, so its cover has nowhere to go.')
    return html[: found.end()] + cover + html[found.end() :]


@dataclass
class PrintPages:
    """Each language's whole-book page: configured before its build, written and fixed after it."""

    #: print-site's options as mkdocs.yml sets them, kept from the first build of the run.
    configured: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True  # mkdocs.yml's: writing the page switches print-site off for the rest of a build

    def on_config(self, config: MkDocsConfig) -> None:
        """Give print-site the path, titles and left-out pages of the language about to be built."""
        options = mkdocs_shims.print_site_options(config)
        if not options:
            return
        if not self.configured:
            self.configured = {name: options[name] for name in PER_LANGUAGE if name in options}
            self.enabled = bool(options.get("enabled", True))
        language = mkdocs_shims.i18n_build_language(config)
        root = language_roots(config).get(language or "", "")
        settings = dict(self.configured)
        if language and root:
            settings["print_page_basename"] = root + str(self.configured["print_page_basename"])
            settings["exclude"] = translated_exclude(list(self.configured.get("exclude", [])), language)
            settings.update(WORDS.get(language, {}))
        mkdocs_shims.set_print_site_options(config, settings)
        mkdocs_shims.enable_print_site(config, self.enabled)

    def write(self, config: MkDocsConfig, cover: str = "") -> PrintPage | None:
        """Have print-site write this build's page now, make its links relative, and put `cover` first."""
        basename = str(mkdocs_shims.print_site_options(config).get("print_page_basename", ""))
        if not mkdocs_shims.write_print_page_now(config):
            return None
        file = File(f"{basename}.md", None, config.site_dir, config.use_directory_urls)  # as print-site names it
        page = PrintPage(file.url, Path(file.abs_dest_path))
        html = page.path.read_text(encoding="utf-8")
        html = alternates_at_roots(html, page.url, config)
        html = attachments_at_depth(relative_base(html, page.url, config.site_url or ""), page.url)
        page.path.write_text(with_cover(html, cover) if cover else html, encoding="utf-8")
        return page
