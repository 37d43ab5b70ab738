"""A "Cite this page" box at the end of every chapter (called by the book's MkDocs plugin).

Students cite the chapter they used, so each chapter ends with a folded box
holding an APA reference and a BibTeX entry that name the chapter's title, the
book, the package version (``nnlit.__version__``) and the page's own URL
(``site_url`` + the page's URL). The authors, the book's title and the year come
from ``CITATION.cff``, so the box and the citation file never disagree. The home
page gets no box: it is the book, which CITATION.cff already cites. When the
build prints the book as a PDF (`litproof.site.pdf`), each box ends with a link
to it, in the page's language.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mkdocs.exceptions import PluginError

from litproof.core.fences import english_page, is_translation, page_language

#: Characters that mean something to LaTeX outside math, escaped in BibTeX fields.
_LATEX_SPECIAL = re.compile(r"([&%#_{}])")
_MATH = re.compile(r"(\$[^$]+\$)")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Citation:
    """What a reference to one chapter names."""

    key: str  # the BibTeX key, e.g. "nnlit2026:why-oj"
    title: str  # the chapter's title as written in its heading (may hold $...$ math)
    book: str
    authors: str
    year: str
    version: str
    url: str


def book_metadata(root: Path) -> dict[str, Any]:
    """CITATION.cff as a dict; a missing or unreadable file fails the build in one sentence."""
    path = root / "CITATION.cff"
    try:
        data = copy.deepcopy(_parsed(path.read_text(encoding="utf-8")))  # read per page, parsed once per text
    except (OSError, yaml.YAMLError) as error:
        raise PluginError(f"{path.name} could not be read for the cite boxes: {error}") from None
    if not isinstance(data, dict) or not data.get("title") or not data.get("authors"):
        raise PluginError(f"{path.name} needs a title and authors for the cite boxes.")
    return data


@functools.lru_cache(maxsize=4)
def _parsed(text: str) -> Any:
    return yaml.safe_load(text)


def author_names(data: dict[str, Any]) -> str:
    """CFF authors as one string: an entity's `name`, or a person's `given-names family-names`."""
    names = []
    for author in data["authors"]:
        name = author.get("name") or " ".join(
            part for part in (author.get("given-names"), author.get("family-names")) if part
        )
        names.append(str(name))
    return " and ".join(names)


def chapter_title(markdown: str, fallback: str) -> str:
    """The chapter's first-level heading as written, else the nav title."""
    found = _HEADING.search(markdown)
    return found.group(1) if found else fallback


def bibtex_text(text: str) -> str:
    """Escape LaTeX's special characters outside `$...$`; keep math, braced so BibTeX leaves its case alone."""
    parts = _MATH.split(text)
    return "".join(f"{{{part}}}" if _MATH.fullmatch(part) else _LATEX_SPECIAL.sub(r"\\\1", part) for part in parts)


def bibtex(citation: Citation) -> str:
    """A BibTeX @misc entry (understood by BibTeX and BibLaTeX alike)."""
    fields = [
        ("author", f"{{{citation.authors}}}"),  # double braces: an organisation, not "authors, The nnlit"
        ("title", bibtex_text(citation.title)),
        ("howpublished", f"In {bibtex_text(citation.book)}, version {citation.version}"),
        ("year", citation.year),
        ("version", citation.version),
        ("url", citation.url),
    ]
    return bibtex_entry(citation.key, fields)


def bibtex_entry(key: str, fields: list[tuple[str, str]]) -> str:
    """A @misc entry with its fields aligned, each value braced once more."""
    body = ",\n".join(f"  {name:<12} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


def apa(citation: Citation) -> str:
    """An APA 7 reference in Markdown: Author. (Year). *Chapter*. In *Book* (Version x). URL"""
    return (
        f"{citation.authors}. ({citation.year}). {citation.title}. "
        f"In *{citation.book}* (Version {citation.version}). <{citation.url}>"
    )


def apa_zh(citation: Citation) -> str:
    """The APA reference with Chinese punctuation and words, for the Chinese pages (docs/x.zh.md)."""
    return (
        f"{citation.authors}（{citation.year}）。{citation.title}。"
        f"载于 *{citation.book}*（版本 {citation.version}）。<{citation.url}>"
    )


def pdf_line(link: str, name: str, version: str, lang: str = "en") -> str:
    """The box's last line: where the whole book is as a PDF (an HTML link: the PDF is no page of the docs)."""
    anchor = f'<a href="{link}">{name}</a>'
    if lang == "zh":
        return f"**整本书的 PDF**：{anchor}（版本 {version}，封面上写明如何引用全书）。"
    return f"**The whole book as a PDF**: {anchor} (version {version}; its cover says how to cite the book)."


def cite_box(citation: Citation, lang: str = "en", pdf: str = "") -> str:
    """The folded admonition appended to a chapter's Markdown (superfences renders the code block).

    `pdf` is the line that links the whole book's PDF (`pdf_line`), when the build prints one.
    """
    code = "\n".join(f"    {line}" for line in bibtex(citation).splitlines())
    title, reference = ("引用本页", apa_zh(citation)) if lang == "zh" else ("Cite this page", apa(citation))
    return (
        f'\n\n??? cite "{title}"\n\n'
        f"    **APA**\n\n    {reference}\n\n"
        f"    **BibTeX**\n\n    ```bibtex\n{code}\n    ```\n" + (f"\n    {pdf}\n" if pdf else "")
    )


def page_citation(markdown: str, page: Any, config: Any, key: str = "book", version: str | None = None) -> Citation:
    """The citation of one page, from CITATION.cff, the book's version and the page's URL.

    `key` is the first part of the BibTeX key (`<key><year>:<page>`); the version is
    `version` if given, else CITATION.cff's.
    """
    data = book_metadata(Path(config["config_file_path"]).parent)
    released = str(data.get("date-released", ""))
    if not re.match(r"^\d{4}", released):
        raise PluginError("CITATION.cff needs date-released (YYYY-MM-DD) for the cite boxes' year.")
    site_url = config.get("site_url") or ""
    if not site_url:
        raise PluginError("mkdocs.yml needs site_url: the cite boxes name each page's URL.")
    # A translation (why-oj.zh.md) is cited as its own page: key nnlit2026:why-oj-zh, its own URL.
    slug = english_page(page.file.src_uri).removesuffix(".md").replace("/", "-")
    if is_translation(page.file.src_uri):
        slug += f"-{page_language(page.file.src_uri)}"
    return Citation(
        key=f"{key}{released[:4]}:{slug}",
        title=chapter_title(markdown, page.title or slug),
        book=str(data["title"]),
        authors=author_names(data),
        year=released[:4],
        version=str(version or data.get("version") or ""),
        url=site_url.rstrip("/") + "/" + page.url,
    )


def on_page_markdown(
    markdown: str, page: Any, config: Any, key: str = "book", version: str | None = None, pdf: str = ""
) -> str:
    """Append the cite box to every page but the home page; `pdf` is its line linking the book's PDF."""
    if page.is_homepage:
        return markdown
    citation = page_citation(markdown, page, config, key, version)
    return markdown.rstrip("\n") + cite_box(citation, page_language(page.file.src_uri), pdf)
