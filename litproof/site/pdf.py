"""The whole book as a PDF in each language, printed from its one-page book by headless Chromium.

The PDF is opt-in (the plugin's ``pdf`` option, which the book's mkdocs.yml reads
from ``LITPROOF_PDF``), so that a reader's ``mkdocs serve`` needs no browser. When
it is on, each language's whole-book page (`litproof.site.print_pages`) is
printed once the last language's build is over, all languages side by side: the
built site is served on 127.0.0.1 (a free port, in a thread), Chromium opens the
page through Playwright, and once MathJax has typeset every formula and the
fonts and images are in, the page is printed, with the print stylesheet (A4,
page numbers at the foot of every page but the cover), to
``<name>-<version>.pdf`` at the site's root, or ``zh/<name>-<version>.zh.pdf``
for the Chinese book. Its headings become the PDF's bookmarks. The equation
numbers are the site's: the boxes carry them as text, and MathJax numbers
nothing itself.

A missing Playwright or Chromium, a formula MathJax cannot typeset and a figure
that does not load each fail the build with one sentence.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import logging
import posixpath
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from litproof.site.cite import pdf_line

log = logging.getLogger("mkdocs.plugins.litproof")

_NO_PLAYWRIGHT = "The PDF of the book needs Playwright: pip install 'nnlit[pdf]', or build without LITPROOF_PDF."

#: The line of the home page (docs/index.md) that the link to the PDF replaces.
PDF_MARKER = "<!-- litproof:pdf -->"

#: Chromium's switches: no sandbox (containers), no GPU, nothing fetched but the book.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

#: True once every formula the page marks as math (pymdownx.arithmatex) holds MathJax's output.
_TYPESET = """() => window.MathJax && MathJax.startup && MathJax.startup.document &&
  [...document.querySelectorAll(".arithmatex")].every(el => el.querySelector("mjx-container"))"""

#: Waits for MathJax's last typeset, the fonts and the images; returns what failed.
_SETTLED = """async () => {
  await MathJax.startup.promise;
  await document.fonts.ready;
  await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
  return {
    errors: [...document.querySelectorAll("mjx-merror")].map(el => el.textContent.slice(0, 120)),
    images: [...document.images].filter(img => !img.naturalWidth).map(img => img.getAttribute("src").slice(0, 120)),
  };
}"""


#: Opens every folded box, as Material does when a reader prints a page (Chromium's PDF is no such print).
_UNFOLD = """() => document.querySelectorAll("details").forEach(details => { details.open = true; })"""


@dataclass(frozen=True)
class PdfEdition:
    """The PDF of one language's book: its file's name and place in the site."""

    name: str  # the book's short name: "nnlit"
    version: str
    language: str  # "en", "zh"
    root: str  # the language's folder in the site: "" for the default language, "zh/"

    @property
    def file_name(self) -> str:
        """nnlit-0.1.0.pdf, or nnlit-0.1.0.zh.pdf for a translation.

        >>> PdfEdition("nnlit", "0.1.0", "zh", "zh/").file_name
        'nnlit-0.1.0.zh.pdf'
        """
        language = f".{self.language}" if self.root else ""
        return f"{self.name}-{self.version}{language}.pdf"

    @property
    def uri(self) -> str:
        """Its path from the site's root: zh/nnlit-0.1.0.zh.pdf."""
        return self.root + self.file_name

    def link_from(self, page_url: str) -> str:
        """A relative link to it from a page of the site (directory URLs).

        >>> PdfEdition("nnlit", "0.1.0", "zh", "zh/").link_from("zh/why-oj/")
        '../nnlit-0.1.0.zh.pdf'
        >>> PdfEdition("nnlit", "0.1.0", "en", "").link_from("")
        'nnlit-0.1.0.pdf'
        """
        here = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
        return posixpath.relpath(self.uri, here.rstrip("/") or ".")

    def line(self, page_url: str) -> str:
        """The sentence that links it from a page: the cite boxes' last line, and the home page's."""
        return pdf_line(self.link_from(page_url), self.file_name, self.version, self.language)


def link_from_home(markdown: str, edition: PdfEdition, page_url: str) -> str:
    """The home page with its PDF marker replaced by the sentence that links the PDF."""
    return markdown.replace(PDF_MARKER, edition.line(page_url))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site without a line per request."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the standard library's name
        pass


@contextmanager
def served(site_dir: Path) -> Iterator[str]:
    """Serve `site_dir` on 127.0.0.1 at a free port, in a thread; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True)
class Chromium:
    """The headless Chromium that prints the book (Debian's, driven by Playwright)."""

    executable: Path
    timeout: float = 300.0  # seconds for the page to load, typeset and print

    @classmethod
    def find(cls, name: str) -> Chromium:
        """The browser named by the plugin's ``chromium`` option, a path or a command on PATH."""
        if importlib.util.find_spec("playwright") is None:
            raise PluginError(_NO_PLAYWRIGHT)
        found = shutil.which(name) or (name if Path(name).is_file() else None)
        if found is None:
            raise PluginError(
                f"The PDF of the book needs Chromium, and `{name}` was not found: install it "
                "(Debian: apt-get install chromium), name it with the litproof plugin's chromium: option, "
                "or build without LITPROOF_PDF."
            )
        return cls(Path(found))

    def print_page(self, site_dir: Path, page_url: str, out: Path) -> float:
        """Print the site's page at `page_url` (e.g. zh/print_page/) to `out`; returns the seconds it took."""
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError:
            raise PluginError(_NO_PLAYWRIGHT) from None
        start = time.monotonic()
        with served(site_dir) as base, sync_playwright() as playwright:
            try:
                browser = playwright.chromium.launch(executable_path=str(self.executable), args=CHROMIUM_ARGS)
            except Error as error:
                first = str(error).strip().splitlines()[0]
                raise PluginError(f"Chromium ({self.executable}) did not start to print the PDF: {first}") from None
            try:
                self._print(browser, base + page_url, out)
            except Error as error:
                first = str(error).strip().splitlines()[0]
                raise PluginError(f"Printing /{page_url} to {out.name} failed: {first}") from None
            finally:
                browser.close()
        return time.monotonic() - start

    def _print(self, browser: Any, url: str, out: Path) -> None:
        page = browser.new_page(color_scheme="light")
        milliseconds = self.timeout * 1000
        page.goto(url, wait_until="load", timeout=milliseconds)
        page.wait_for_function(_TYPESET, timeout=milliseconds, polling=250)
        settled = page.evaluate(_SETTLED)
        if settled["errors"]:
            raise PluginError(f"MathJax could not typeset a formula of {url}: {settled['errors'][0]}")
        if settled["images"]:
            raise PluginError(f"A figure of {url} did not load, so the PDF would lack it: {settled['images'][0]}")
        page.emulate_media(media="print")
        page.evaluate(_UNFOLD)
        out.parent.mkdir(parents=True, exist_ok=True)
        # the page size and margins are the print stylesheet's; the headings become the PDF's bookmarks
        page.pdf(path=str(out), prefer_css_page_size=True, print_background=True, outline=True, tagged=True)


def print_book(chromium: Chromium, site_dir: Path, page_url: str, edition: PdfEdition) -> Path:
    """Print one language's whole-book page to its edition's file in the site; says so on the log."""
    out = site_dir / edition.uri
    seconds = chromium.print_page(site_dir, page_url, out)
    size = out.stat().st_size / 1e6
    log.info(f"litproof: printed /{page_url} to {edition.uri} ({size:.1f} MB) in {seconds:.0f} s")
    return out


def print_books(chromium: Chromium, site_dir: Path, pages: list[tuple[str, PdfEdition]]) -> list[Path]:
    """Print every language's whole-book page at once, one browser each: (page URL, edition) pairs.

    Each PDF keeps one processor busy for most of a minute, so side by side they take
    about the time of one where two processors are free.
    """
    with ThreadPoolExecutor(max_workers=max(1, len(pages))) as pool:
        return list(pool.map(lambda job: print_book(chromium, site_dir, *job), pages))
