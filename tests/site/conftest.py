"""Shared fixtures for the site tests: one strict build per session, a local server,
and a headless Debian Chromium that records everything a page does.

The site is built once per test session (about a second) into a temporary
directory, never into ./site, so tests do not disturb a reader's own build.
Set NNLIT_SITE_CONFIG to another mkdocs.yml to run the same tests on another
MkDocs project (used to check this machinery before the chapters exist). Where
Debian's Chromium is installed, the build is the documented one with the book's
PDFs (LITPROOF_PDF=1), which tests/site/test_pdf.py reads.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
#: Switches beyond those the book's PDF is printed with (litproof.site.pdf.CHROMIUM_ARGS).
MORE_CHROMIUM_ARGS = ["--disable-quic", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class SiteBuild:
    """The outcome of `mkdocs build --strict`: kept even when it fails, so that
    test_build reports MkDocs' own output instead of a fixture error."""

    config_file: Path
    site_dir: Path
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def site_config_file() -> Path:
    """The mkdocs.yml under test: the repository's, unless NNLIT_SITE_CONFIG names another."""
    override = os.environ.get("NNLIT_SITE_CONFIG")
    return Path(override).resolve() if override else REPO_ROOT / "mkdocs.yml"


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """Run `mkdocs build --strict` once per session, in a subprocess.

    A subprocess gives the same result as the command a reader runs, and keeps
    MkDocs' global logging and Markdown state out of the test process.
    """
    config_file = site_config_file()
    site_dir = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if CHROMIUM.exists():  # the documented build: the book's PDF too, in each language (tests/site/test_pdf.py)
        env["LITPROOF_PDF"] = "1"
    # not --quiet: it hides warnings from --strict, which then passes a build a reader's `mkdocs serve` aborts
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    command += ["--config-file", str(config_file), "--site-dir", str(site_dir)]
    result = subprocess.run(
        command,
        cwd=config_file.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,  # printing the two PDFs takes a minute or two of it
        check=False,
    )
    return SiteBuild(config_file, site_dir, result.returncode, result.stdout + result.stderr)


@pytest.fixture(scope="session")
def built_site(site_build: SiteBuild) -> Path:
    """The built site's directory; fails the requesting test if the build failed."""
    if not site_build.ok:
        pytest.fail(f"mkdocs build --strict failed:\n{site_build.output}", pytrace=False)
    return site_build.site_dir


@pytest.fixture(scope="session")
def site_pages(built_site: Path) -> list[str]:
    """Every page of the site as a path relative to its root ("" for the home page).

    Read from the built sitemap.xml, which MkDocs writes from the nav and every
    other page, so a new chapter is tested without editing the tests; plus every
    other folder with an index.html, such as the whole book on one page
    (print_page/), which plugins write outside the sitemap.
    """
    tree = ET.parse(built_site / "sitemap.xml")
    locs = [el.text or "" for el in tree.iter() if el.tag.endswith("}loc") or el.tag == "loc"]
    root = min(locs, key=len)  # the home page's URL is the site_url itself
    pages = {loc[len(root) :] for loc in locs if loc.startswith(root)}
    pages |= {f"{index.parent.relative_to(built_site).as_posix()}/" for index in built_site.glob("*/**/index.html")}
    assert pages, "the sitemap lists no pages"
    return sorted(pages)


@pytest.fixture(scope="session")
def site_server(built_site: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 (a free port), as the PDF's printer does; yields its base URL."""
    from litproof.site.pdf import served  # MkDocs' own modules, which the site tests need anyway

    with served(built_site) as base:
        yield base


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium (never a browser downloaded by `playwright install`)."""
    from litproof.site.pdf import CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed: apt-get install chromium")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*CHROMIUM_ARGS, *MORE_CHROMIUM_ARGS],
    }


@dataclass
class PageRecord:
    """What a browser page did while it was open: every request, and every error."""

    server: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Requests to anything but the local server (data: and blob: URLs stay local)."""
        local = urlsplit(self.server).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).netloc != local
        ]

    def problems(self) -> list[str]:
        """Every error and every request that left the site, one line each."""
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"failed request: {m}" for m in self.failed_requests]
            + [f"request to another host: {u}" for u in self.foreign_requests()]
        )


OpenPage = Callable[..., tuple[Any, PageRecord]]
VisitPages = Callable[..., tuple[Any, list[tuple[Any, PageRecord]]]]


def _console_text(msg: Any) -> str:
    """A console message with where it came from (resource errors only say what failed)."""
    where = msg.location.get("url", "") if msg.location else ""
    return f"{msg.text} [{where[:120]}]" if where else msg.text


def _record(page: Any, record: PageRecord) -> None:
    """Attach listeners that fill `record` with what `page` does."""
    page.on("request", lambda request: record.requests.append(request.url))
    page.on(
        "console",
        lambda msg: record.console_errors.append(_console_text(msg)) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))
    page.on(
        "requestfailed",
        lambda request: record.failed_requests.append(f"{request.url} ({request.failure})"),
    )
    page.on(
        "response",
        lambda response: (
            record.failed_requests.append(f"{response.url} (HTTP {response.status})")
            if response.status >= 400
            else None
        ),
    )


# Resolves once MathJax has typeset the page and its web fonts have loaded:
# the document$ subscription in mathjax-config.js chains the typeset onto
# MathJax.startup.promise, so waiting on the promise waits for the typeset.
# Returns null, or MathJax's error message if typesetting failed.
WAIT_FOR_MATH = """async () => {
  let failure = null;
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    try {
      await MathJax.startup.promise;
    } catch (error) {
      failure = String(error && error.message || error);
    }
  }
  await document.fonts.ready;
  return failure;
}"""


def _start(context: Any, server: str, path: str) -> tuple[Any, PageRecord]:
    """Open a recorded page in `context` and start loading `path` without waiting."""
    page = context.new_page()
    record = PageRecord(server=server)
    _record(page, record)
    page.goto(urljoin(server, path), wait_until="commit")
    return page, record


#: How long one page may take to load, MathJax included: a busy two-core machine needs far more than Playwright's 30 s.
LOAD_TIMEOUT_MS = 180_000
#: How many pages load side by side: more only makes each wait for the cores.
PAGES_AT_ONCE = 2 * (os.cpu_count() or 1)


def _finish(page: Any, record: PageRecord) -> None:
    """Wait until the page has loaded, MathJax has finished and fonts are in."""
    page.wait_for_load_state("load", timeout=LOAD_TIMEOUT_MS)
    failure = page.evaluate(WAIT_FOR_MATH)
    if failure:
        record.page_errors.append(f"MathJax failed: {failure}")


def open_site_pages(
    browser: Any, server: str, paths: list[str], color_scheme: str = "light"
) -> tuple[Any, list[tuple[Any, PageRecord]]]:
    """Open `paths` in one fresh 1280 px wide context, side by side; returns
    (context, [(page, record), ...]) once every page is ready.

    Loading the pages side by side (one tab each, PAGES_AT_ONCE at a time) rather
    than one after another keeps the whole-site audit fast as the book grows,
    without starving each page of the cores. The caller closes the context.
    """
    context = browser.new_context(viewport=VIEWPORT, color_scheme=color_scheme)
    opened: list[tuple[Any, PageRecord]] = []
    for first in range(0, len(paths), PAGES_AT_ONCE):
        batch = [_start(context, server, path) for path in paths[first : first + PAGES_AT_ONCE]]
        for page, record in batch:
            _finish(page, record)
        opened += batch
    return context, opened


@pytest.fixture(scope="session")
def visit_pages(browser: Any, site_server: str) -> VisitPages:
    """A function that opens site pages together; returns (context, [(page, record), ...]).

    visit_pages(["", "why-oj/"]) or visit_pages(["why-oj/"], color_scheme="dark").
    The caller closes the context. For tests, `open_page` below closes it for you.
    """

    def visit(paths: list[str], color_scheme: str = "light") -> tuple[Any, list[tuple[Any, PageRecord]]]:
        return open_site_pages(browser, site_server, paths, color_scheme)

    return visit


@pytest.fixture
def open_page(visit_pages: VisitPages) -> Iterator[OpenPage]:
    """Open site pages: open_page("why-oj/") or open_page("", color_scheme="dark").

    Each call gets a fresh context (so a stored palette or search never leaks
    between tests); all are closed when the test ends. Returns (page, record).
    """
    contexts: list[Any] = []

    def open_(path: str, color_scheme: str = "light") -> tuple[Any, PageRecord]:
        context, [(page, record)] = visit_pages([path], color_scheme)
        contexts.append(context)
        return page, record

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """test-artifacts/ at the repository root (gitignored): screenshots go here."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="session")
def page_audits(visit_pages: VisitPages, site_pages: list[str]) -> dict[str, Any]:
    """Every page of the site, visited once for the whole test run (see tests/site/audit.py)."""
    from tests.site.audit import audit_pages

    return audit_pages(visit_pages, site_pages)
