"""The site's own pages and files (called by the MkDocs plugin, `litproof.site.plugin`).

The book must render its math with no network, so MathJax 3 is taken from the
pip package ``django-static-mathjax`` and copied into the site, rather than loaded
from a CDN. Each chapter's Jupyter notebook (``litproof.book.notebooks``) is
generated into the site under ``notebooks/`` with a download link on the
chapter, and the API reference page lists the package's modules in book order.
Each hook does one job and stays small, so that a later move to another site
generator only has to port a few lines.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import posixpath
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from litproof.book.model import Book
from litproof.book.notebooks import KeptNotebooks
from litproof.book.results import BookResults
from litproof.book.tangle import module_name, tangled_fences
from litproof.core.fences import english_page
from litproof.site.results_map import map_chapter

#: Where the copied MathJax lives inside the built site. mkdocs.yml's
#: ``extra_javascript`` names ``javascripts/mathjax/tex-chtml.js`` under it.
SITE_MATHJAX_DIR = "javascripts/mathjax"

#: Where the chapters' notebooks go inside the built site: notebooks/<chapter>.ipynb.
SITE_NOTEBOOK_DIR = "notebooks"

#: The line of docs/api.md that the list of modules replaces.
API_MARKER = "<!-- litproof:api -->"

#: The line of docs/index.md that the list of chapters replaces.
CHAPTERS_MARKER = "<!-- litproof:chapters -->"

#: The MathJax files the site needs, relative to MathJax's ``es5/`` directory:
#: the TeX-to-CommonHTML bundle, the web fonts it loads, and the TeX extensions
#: it loads on first use (``\boldsymbol`` loads ``boldsymbol.js``, for example).
#: Keeping the package's own layout lets MathJax find them at its default paths.
MATHJAX_SCRIPT = "tex-chtml.js"
MATHJAX_FONTS = "output/chtml/fonts/woff-v2"
MATHJAX_TEX_EXTENSIONS = "input/tex/extensions"
MATHJAX_DIRS = (MATHJAX_FONTS, MATHJAX_TEX_EXTENSIONS)


def mathjax_es5_dir() -> Path:
    """Return MathJax's ``es5/`` directory inside the installed ``django-static-mathjax``.

    Located through the import system rather than a fixed site-packages path,
    so it works in any virtual environment. Raises PluginError (which MkDocs
    reports as one line and a failed build) when the package is missing.
    """
    spec = importlib.util.find_spec("mathjax")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        es5 = Path(location) / "static" / "mathjax" / "es5"
        if (es5 / MATHJAX_SCRIPT).is_file() and all((es5 / d).is_dir() for d in MATHJAX_DIRS):
            return es5
    raise PluginError(
        "MathJax was not found: install the docs extra "
        "(pip install 'nnlit[docs]', which includes django-static-mathjax==3.2.2.1)."
    )


def mathjax_sources(es5: Path) -> list[str]:
    """List the MathJax files to publish, as POSIX paths relative to ``es5``.

    Only the one bundle, its fonts and the TeX extensions are copied (about
    2 MB), not the whole 24 MB package, to keep the site small.
    """
    files = sorted(p for d in MATHJAX_DIRS for p in (es5 / d).iterdir() if p.is_file())
    return [MATHJAX_SCRIPT, *(p.relative_to(es5).as_posix() for p in files)]


def configure(config: MkDocsConfig, mathjax: bool = True, distribution: str | None = None) -> None:
    """Check for MathJax early and expose the package version to templates.

    Checking here fails ``mkdocs build`` and ``mkdocs serve`` before any page is
    rendered. ``config.extra["version"]`` is what the footer shows ("nnlit 0.1.0"),
    the installed version of the plugin's ``distribution``,
    so a reader can tell which release of the book they are reading.
    """
    if mathjax:
        mathjax_es5_dir()
    if distribution:
        try:
            config.extra["version"] = version(distribution)
        except PackageNotFoundError:
            raise PluginError(f"mkdocs.yml's distribution: {distribution} is not installed.") from None


def add_mathjax(files: Files, config: MkDocsConfig) -> None:
    """Add MathJax's script and fonts to the site's files.

    Adding them as MkDocs files (rather than copying after the build) means
    ``mkdocs serve``, which builds into a temporary directory, serves them too,
    and a file of the same name under docs/ can never silently shadow them.
    """
    es5 = mathjax_es5_dir()
    for source in mathjax_sources(es5):
        dest_uri = f"{SITE_MATHJAX_DIR}/{source}"
        shadowed = files.get_file_from_path(dest_uri)
        if shadowed is not None:
            files.remove(shadowed)
        files.append(
            File(
                source,
                src_dir=str(es5),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
                dest_uri=dest_uri,
            )
        )


def notebook_chapters(book: Book) -> list[str]:
    """The chapters that get a notebook, as paths inside docs/: every nav page but the home page,
    the API reference and the map of the results (which hold no text of their own)."""
    pages = [chapter.relative_to(book.docs).as_posix() for chapter in book.chapters]
    left_out = ("index.md", "api.md", map_chapter(book))  # the map is looked for once, not once per page
    return [page for page in pages if page not in left_out]


def notebook_uri(chapter: str) -> str:
    """notebooks/why-oj.ipynb for why-oj.md."""
    return f"{SITE_NOTEBOOK_DIR}/{chapter.removesuffix('.md').replace('/', '-')}.ipynb"


def add_notebooks(files: Files, config: MkDocsConfig, book: Book, results: BookResults) -> None:
    """Generate every chapter's notebook as a file of the site (so `mkdocs serve` has them too)."""
    kept = KeptNotebooks(book, config.site_url or "", results.numbers, results)  # made again only when changed
    for chapter in notebook_chapters(book):
        files.append(File.generated(config, notebook_uri(chapter), content=kept.notebook(book.docs / chapter)))


def api_modules(book: Book) -> dict[str, list[str]]:
    """Each generated module (as a dotted name), in book order, with the chapters it is written in."""
    modules: dict[str, list[str]] = {}
    for chapter in book.chapters:
        for fence in tangled_fences(book.fences(chapter)):
            name = module_name(fence)
            if name.endswith(".__main__"):
                continue  # `python -m` runs it: importing it to document it would run the command line
            page = chapter.relative_to(book.docs).as_posix()
            if page not in modules.setdefault(name, []):
                modules[name].append(page)
    return modules


def api_markdown(modules: dict[str, list[str]], titles: dict[str, str], chinese: bool = False) -> str:
    """A table of modules and their chapters, then one mkdocstrings entry per module."""
    rows = ["| 模块 | 所在章节 |" if chinese else "| Module | Written in |", "| --- | --- |"]
    for name, chapters in modules.items():
        links = ", ".join(f"[{titles.get(page, page)}]({page})" for page in chapters)
        rows.append(f"| [`{name}`][{name}] | {links} |")
    entries = [f"::: {name}" for name in modules]
    return "\n".join(rows) + "\n\n" + "\n\n".join(entries) + "\n"


def nav_titles(nav: Any) -> dict[str, str]:
    """The nav's page titles by English page path, for the home page's and the API reference's links."""
    return {english_page(page.file.src_uri): page.title for page in nav.pages}


def api_names(book: Book, chapter: Path) -> list[str]:
    """The public functions and classes a chapter's titled blocks define, as dotted names, in order."""
    names = []
    for fence in tangled_fences(book.fences(chapter)):
        module = module_name(fence)
        names += [f"{module}.{name}" for name in _public_names(fence.text)]
    return names


@functools.lru_cache(maxsize=256)
def _public_names(code: str) -> tuple[str, ...]:
    """The public functions and classes a block defines at its top level (parsed once per text, not per page)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return ()  # reported by tangle with the chapter's line
    return tuple(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
    )


def api_line(names: list[str]) -> str:
    """One line of links from a chapter to the API entries of what it defines (autorefs resolves them)."""
    links = ", ".join(f"[`{name.rsplit('.', 1)[1]}`][{name}]" for name in names)
    return f'<p class="nnlit-api" markdown="span">API: {links}</p>'


def page_markdown(markdown: str, page: Any, book: Book, titles: dict[str, str], notebooks: bool) -> str:
    """Fill in the home page's list of chapters and the API reference's list of modules; end each
    chapter with links to the API entries of the functions it defines, and a link to its notebook."""
    source = english_page(page.file.src_uri)
    translated = source != page.file.src_uri
    if CHAPTERS_MARKER in markdown:
        chapters = [p for p in notebook_chapters(book) if p in titles]
        listing = "\n".join(f"{n}. [{titles[p]}]({p})" for n, p in enumerate(chapters, start=1))
        return markdown.replace(CHAPTERS_MARKER, listing + "\n")
    if API_MARKER in markdown:
        return markdown.replace(API_MARKER, api_markdown(api_modules(book), titles, chinese=translated))
    if source not in notebook_chapters(book):
        return markdown
    names = api_names(book, book.docs / source)
    ending = [api_line(names)] if names else []
    if notebooks and not translated:  # a translation's notebook link is added in its own language
        link = posixpath.relpath(notebook_uri(source), posixpath.dirname(page.url) or ".")
        needs = f"; it needs the <code>{book.package}</code> package installed" if book.package else ""
        ending.append(
            f'<p class="nnlit-notebook">Run this chapter yourself: '
            f'<a href="{link}" download>download it as a Jupyter notebook</a> '
            f"(prose, math and code in the chapter's order{needs}).</p>"
        )
    return markdown.rstrip("\n") + "".join(f"\n\n{part}" for part in ending) + "\n" if ending else markdown
