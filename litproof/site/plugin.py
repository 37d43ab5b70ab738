"""The book's MkDocs plugin, `litproof` under the `mkdocs.plugins` entry point.

mkdocs.yml lists it under `plugins:` (before print-site, which must stay last).
It registers the ```` ```derivation ```` fence with pymdown's
superfences, and each build it reads the book once (`mkdocs_derivations`): the
boxes show the verdicts this build computed, and prose shows results and links
equations. Its options switch off what a book without them does not want: the
cite boxes (which need CITATION.cff), the chapters' notebooks, and the offline
MathJax; `vocabulary` names files of the book's own words (`litproof.core.words`),
`package` the import package the chapters' code is tangled into, `distribution`
the installed distribution whose version the footer names, `citation_key` the
first part of every page's BibTeX key, `verify_command` the command a box names
as its other checker, and `labels` the words around a box per page language.
At the end of each language's build it has print-site write that language's
whole book on one page (`print_pages`), with a cover saying how to cite it
(`cover`, with the cite boxes); `pdf` (off by default) prints that page to
`<pdf_name>-<version>.pdf` with the headless Chromium `chromium` names (`pdf`),
and then the home page and every cite box link it.
All state lives on the plugin instance, one build at a time: the book model
(`litproof.book.model.Book`, each file read once per build), the boxes and the
results; build-time blocks' outputs are kept by content (`block_outputs`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from litproof.book.block_outputs import BlockOutputs
from litproof.book.config import VERIFY_COMMAND
from litproof.book.model import Book
from litproof.core.fences import page_language
from litproof.site import cite as mkdocs_cite
from litproof.site import hooks as mkdocs_hooks
from litproof.site import pdf as book_pdf
from litproof.site import shims as mkdocs_shims
from litproof.site import templates as mkdocs_templates
from litproof.site import translations as mkdocs_translations
from litproof.site.cover import Cover
from litproof.site.derivations import DerivationPages
from litproof.site.fence import log
from litproof.site.labels import words_for
from litproof.site.live import LiveSite
from litproof.site.print_pages import PrintPages
from litproof.site.rendered import RenderedPages
from litproof.site.results_map import (
    MAP_MARKER,
    MapPage,
    ResultsMap,
    chapter_titles,
    map_chapter,
    translated_titles,
)

FENCE = "derivation"
SUPERFENCES = "pymdownx.superfences"


class BookConfig(base.Config):
    cite_boxes = c.Type(bool, default=True)  # "Cite this page" on every chapter, from CITATION.cff
    notebooks = c.Type(bool, default=True)  # a Jupyter notebook of every chapter, linked from it
    mathjax = c.Type(bool, default=True)  # MathJax copied into the site from django-static-mathjax
    vocabulary = c.ListOfItems(c.Type(str), default=[])  # files of the book's own words (module `words`)
    package = c.Optional(c.Type(str))  # the import package the chapters' titled code blocks are tangled into
    distribution = c.Optional(c.Type(str))  # the installed distribution whose version the footer and cite boxes name
    citation_key = c.Type(str, default="book")  # BibTeX keys are <citation_key><year>:<page>
    verify_command = c.Type(str, default=VERIFY_COMMAND)  # the command a box names as checking it too
    labels = c.Type(dict, default={})  # per page language, words around a box that replace the built-in ones
    pdf = c.Type((bool, int), default=False)  # the whole book as a PDF per language (`pdf`); LITPROOF_PDF=1 reads as 1
    pdf_name = c.Optional(c.Type(str))  # the PDF is <pdf_name>-<version>.pdf (default: distribution, else citation_key)
    chromium = c.Type(str, default="chromium")  # the browser that prints the PDF: a command on PATH, or a path
    live = c.Type(bool, default=False)  # "Edit and check" in every box: the checker in the browser (`live`)
    live_time_limit = c.Type(int, default=60)  # seconds after which the page stops a check in the browser


class BookPlugin(BasePlugin[BookConfig]):
    """Checked derivations on the page, and the book's own pages, for a MkDocs site."""

    def __init__(self) -> None:
        self.book: Book | None = None
        self.pages: DerivationPages | None = None
        self.titles: dict[str, str] = {}
        self.results_map: ResultsMap | None = None  # made when the map's page is rendered, from this build's verdicts
        self.shims_applied = False
        self.print_pages = PrintPages()  # the whole book on one page, per language (and its PDF)
        self.chromium: book_pdf.Chromium | None = None  # the browser that prints the PDF, found in on_config
        self.to_print: list[tuple[str, book_pdf.PdfEdition]] = []  # whole-book pages, printed when the builds end
        self.builds_running = 0  # mkdocs-static-i18n runs the Chinese build inside the English one's on_post_build
        self.live: LiveSite | None = None  # the in-page checker's files, made once (None: not in this site)
        self.live_prepared = False

    @property
    def the_book(self) -> Book:
        if self.book is None:
            raise RuntimeError("the book is read in on_pre_build, before any page is rendered")
        return self.book

    @property
    def derivations(self) -> DerivationPages:
        if self.pages is None:
            raise RuntimeError("the book is read in on_pre_build, before any page is rendered")
        return self.pages

    @event_priority(100)  # before print-site's own on_config (see PrintPages.on_config)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if SUPERFENCES not in config.markdown_extensions:
            config.markdown_extensions.append(SUPERFENCES)
        fences = config.mdx_configs.setdefault(SUPERFENCES, {}).setdefault("custom_fences", [])
        fences[:] = [fence for fence in fences if fence.get("name") != FENCE]
        # the formatter reads the boxes of the build running when a page is rendered
        fences.append({"name": FENCE, "class": FENCE, "format": self._format})
        mkdocs_hooks.configure(config, mathjax=self.config.mathjax, distribution=self.config.distribution)
        mkdocs_templates.keep_theme_compiled(config, Path(config.config_file_path).parent)  # compiled once
        if self.config.live and not self.live_prepared:  # once, though on_config runs again for each language
            root = Path(config.config_file_path).parent
            self.live = LiveSite.prepare(root, self.config.live_time_limit, self.config.vocabulary)
            self.live_prepared = True
        if self.live is not None:
            self.live.configure(config)
        if not self.shims_applied:  # on_config runs again for each translated site's build
            root = Path(config.config_file_path).parent
            outputs = BlockOutputs(root, package=self.config.package)
            mkdocs_shims.apply(config, outputs)
            mkdocs_shims.remember_rendered_pages(RenderedPages(self, root, outputs), config)
            self.shims_applied = True
        self.print_pages.on_config(config)
        if self.config.pdf and self.chromium is None:  # a missing browser fails the build before any page
            self.chromium = book_pdf.Chromium.find(self.config.chromium)
        return config

    def _format(self, *args: Any, **kwargs: Any) -> str:
        return self.derivations.boxes.format(*args, **kwargs)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.builds_running += 1
        # mkdocs.yml and every chapter are read once for this build; a later build reads them again
        self.book = Book.at(Path(config.config_file_path).parent)
        self.pages = DerivationPages.of_book(self.book)
        boxes = self.pages.boxes
        boxes.verify_command = self.config.verify_command
        boxes.map_page = map_chapter(self.book)
        self.results_map = None
        for language, labels in self.config.labels.items():
            boxes.labels_by_language[language] = {**boxes.labels_by_language.get(language, {}), **labels}
        mkdocs_translations.on_pre_build(config)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.config.mathjax:
            mkdocs_hooks.add_mathjax(files, config)
        if self.config.notebooks:
            mkdocs_hooks.add_notebooks(files, config, self.the_book, self.derivations.results)
        if self.live is not None:
            self.live.add_files(files, config, self.derivations.boxes.labels_by_language)
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.titles = mkdocs_hooks.nav_titles(nav)
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if MAP_MARKER in markdown:  # the map is wide: its page has the whole width
            page.meta.setdefault("hide", ["navigation", "toc"])
        markdown = mkdocs_hooks.page_markdown(markdown, page, self.the_book, self.titles, self.config.notebooks)
        markdown = self.derivations.page_markdown(markdown, page.file.src_uri, Path(config.docs_dir))
        edition = self._pdf_edition(config, page_language(page.file.src_uri))
        if edition is not None:
            markdown = book_pdf.link_from_home(markdown, edition, page.url)
        if self.config.cite_boxes:
            pdf = edition.line(page.url) if edition else ""
            markdown = mkdocs_cite.on_page_markdown(
                markdown, page, config, key=self.config.citation_key, version=config.extra.get("version"), pdf=pdf
            )
        markdown = mkdocs_translations.on_page_markdown(markdown, page, config, self.the_book, self.config.notebooks)
        mkdocs_templates.keep_autodoc_compiled(markdown, config, Path(config.config_file_path).parent)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The map of the results in place of its marker, drawn from this build's verdicts."""
        if MAP_MARKER not in html:
            return html
        boxes = self.derivations.boxes
        if self.results_map is None:
            self.results_map = ResultsMap.of_book(self.the_book, boxes.verdict_of)
        language = page_language(page.file.src_uri)
        drawing = MapPage(
            self.results_map,
            words_for(language, boxes.labels_by_language),
            translated_titles(self.the_book, language),
            chapter_titles(self.the_book, language),
        )
        shown, problem = drawing.html_or_sentence()
        if problem:
            log.error(f"{page.file.src_uri}: the map of the results is not drawn: {problem}")
        return html.replace(MAP_MARKER, shown)

    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        return mkdocs_translations.on_page_context(context, page, config, nav)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return mkdocs_translations.on_post_page(output, page, config)

    @event_priority(100)  # before mkdocs-static-i18n's on_post_build, which builds the Chinese site
    def _post_build_first(self, *, config: MkDocsConfig) -> None:
        # saved before mkdocs-static-i18n builds the Chinese site, whose boxes then reuse these verdicts
        self.derivations.boxes.verdicts.save()
        self._print_book(config)
        mkdocs_translations.on_post_build(config)

    def _pdf_edition(self, config: MkDocsConfig, language: str) -> book_pdf.PdfEdition | None:
        """The PDF of the book in `language`, when this build prints one."""
        if not self.config.pdf:
            return None
        version = config.extra.get("version") or ""
        if not version:
            raise PluginError("The PDF's name carries the book's version: set the litproof plugin's distribution:.")
        name = self.config.pdf_name or self.config.distribution or self.config.citation_key
        root = mkdocs_translations.language_roots(config).get(language, "")
        return book_pdf.PdfEdition(name, version, language, root)

    def _print_book(self, config: MkDocsConfig) -> None:
        """This language's whole-book page, with its cover, and then its PDF when the build prints one."""
        language = mkdocs_shims.i18n_build_language(config) or "en"
        edition = self._pdf_edition(config, language)
        cover = ""
        if self.config.cite_boxes:  # the cover says how to cite the book, from CITATION.cff
            root = mkdocs_translations.language_roots(config).get(language, "")
            version = config.extra.get("version") or ""
            uri = edition.uri if edition else ""
            cover = Cover.of_build(config, self.config.citation_key, version, language, root, uri).html()
        page = self.print_pages.write(config, cover)
        if page is not None and edition is not None:
            self.to_print.append((page.url, edition))

    @event_priority(-200)  # after mkdocs-static-i18n's, in whose on_post_build the Chinese site is built
    def _post_build_last(self, *, config: MkDocsConfig) -> None:
        self.builds_running -= 1
        if self.builds_running == 0 and self.to_print and self.chromium is not None:  # every language is built
            pages, self.to_print = self.to_print, []
            book_pdf.print_books(self.chromium, Path(config.site_dir), pages)

    on_post_build = CombinedEvent(_post_build_first, _post_build_last)
