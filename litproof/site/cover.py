"""The cover of the whole book on one page, and so of its PDF: title, version, dates, how to cite it.

What it says comes from CITATION.cff (`litproof.site.cite.book_metadata`), the
build's version and the day of the build, so that the cover, the cite boxes and
the citation file never disagree. It is the first section of each language's
whole-book page (`litproof.site.print_pages`), before the table of contents,
and shows only in print (docs/stylesheets/print.css): on screen the page starts
with its contents.

The day of the build is ``SOURCE_DATE_EPOCH``'s when that is set (the
reproducible-builds convention), so that a rebuilt release prints the same cover.
"""

from __future__ import annotations

import datetime
import html
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litproof.site.cite import author_names, bibtex_entry, bibtex_text, book_metadata

#: The cover's words, by page language.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "version": "Version",
        "released": "Released",
        "built": "Built",
        "authors": "Authors",
        "online": "Online",
        "pdf": "This PDF",
        "cite": "How to cite this book",
        "chapter": "Each chapter ends with a box that cites that chapter alone.",
    },
    "zh": {
        "version": "版本",
        "released": "发布日期",
        "built": "构建日期",
        "authors": "作者",
        "online": "在线阅读",
        "pdf": "本 PDF",
        "cite": "如何引用本书",
        "chapter": "每章末尾的引用框给出单独引用该章的格式。",
    },
}


def build_date(environ: dict[str, str] | None = None) -> datetime.date:
    """The day of this build: SOURCE_DATE_EPOCH's (UTC) if set, else today.

    >>> build_date({"SOURCE_DATE_EPOCH": "1764633600"})
    datetime.date(2025, 12, 2)
    """
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.datetime.now(datetime.UTC).date()


@dataclass(frozen=True)
class BookCitation:
    """What a reference to the whole book, in one language's edition, names."""

    key: str  # the BibTeX key: "nnlit2026", or "nnlit2026-zh" for the Chinese edition
    title: str  # CITATION.cff's title
    authors: str
    year: str
    released: str  # CITATION.cff's date-released, YYYY-MM-DD
    version: str
    url: str  # the edition's home page
    language: str

    @classmethod
    def of(cls, data: dict[str, Any], key: str, version: str, url: str, language: str) -> BookCitation:
        released = str(data.get("date-released", ""))
        suffix = "" if language == "en" else f"-{language}"
        return cls(
            key=f"{key}{released[:4]}{suffix}",
            title=str(data["title"]),
            authors=author_names(data),
            year=released[:4],
            released=released,
            version=version,
            url=url,
            language=language,
        )

    def apa(self) -> str:
        """An APA 7 reference, as HTML: Author. (Year). *Title* (Version x). URL

        >>> BookCitation("k2026", "T", "A", "2026", "2026-01-02", "1.0", "https://x.org/", "en").apa()
        'A. (2026). <em>T</em> (Version 1.0). <a href="https://x.org/">https://x.org/</a>'
        """
        authors, title, url = html.escape(self.authors), html.escape(self.title), html.escape(self.url)
        link = f'<a href="{url}">{url}</a>'
        if self.language == "zh":
            return f"{authors}（{self.year}）。<em>{title}</em>（版本 {self.version}，中文版）。{link}"
        return f"{authors}. ({self.year}). <em>{title}</em> (Version {self.version}). {link}"

    def bibtex(self) -> str:
        """A BibTeX @misc entry for the edition (its language named for a translation)."""
        fields = [
            ("author", f"{{{self.authors}}}"),  # double braces: an organisation, not "authors, The nnlit"
            ("title", bibtex_text(self.title)),
            ("howpublished", f"Version {self.version}"),
            ("year", self.year),
            ("version", self.version),
            ("url", self.url),
        ]
        if self.language == "zh":
            fields.append(("language", "Chinese"))
        return bibtex_entry(self.key, fields)


@dataclass(frozen=True)
class Cover:
    """The cover of one language's whole-book page."""

    heading: str  # the site's name in the edition's language
    citation: BookCitation
    built: datetime.date
    pdf_url: str = ""  # where the edition's PDF is published, when the build prints one

    @classmethod
    def of_build(cls, config: Any, key: str, version: str, language: str, root: str, pdf_uri: str = "") -> Cover:
        """The cover of the edition this build makes: `root` is its folder ("zh/"), `pdf_uri` its PDF's path."""
        data = book_metadata(Path(config["config_file_path"]).parent)
        site_url = str(config.get("site_url") or "").rstrip("/") + "/"
        citation = BookCitation.of(data, key, version or str(data.get("version", "")), site_url + root, language)
        return cls(str(config["site_name"]), citation, build_date(), site_url + pdf_uri if pdf_uri else "")

    def html(self) -> str:
        words = WORDS.get(self.citation.language, WORDS["en"])
        cite = self.citation
        link = f'<a href="{html.escape(cite.url)}">{html.escape(cite.url)}</a>'
        facts = [
            (words["version"], html.escape(cite.version)),
            (words["released"], html.escape(cite.released)),
            (words["built"], self.built.isoformat()),
            (words["authors"], html.escape(cite.authors)),
            (words["online"], link),
        ]
        if self.pdf_url:
            facts.append((words["pdf"], f'<a href="{html.escape(self.pdf_url)}">{html.escape(self.pdf_url)}</a>'))
        rows = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts)
        title = html.escape(cite.title)  # CITATION.cff's, under the edition's own name when that differs
        subtitle = "" if cite.title == self.heading else f'<p class="nnlit-cover-subtitle">{title}</p>'
        return (
            f'<section id="nnlit-cover" class="nnlit-cover" lang="{cite.language}">'
            f'<p class="nnlit-cover-title">{html.escape(self.heading)}</p>{subtitle}'
            f'<dl class="nnlit-cover-facts">{rows}</dl>'
            f'<div class="nnlit-cover-cite"><p class="nnlit-cover-heading">{words["cite"]}</p>'
            f"<p><strong>APA</strong></p><p>{cite.apa()}</p>"
            f"<p><strong>BibTeX</strong></p><pre><code>{html.escape(cite.bibtex())}</code></pre>"
            f"<p>{words['chapter']}</p></div></section>"
        )
