"""The whole book as a PDF, in English and in Chinese, from the documented build.

The site build of these tests is the documented one (``LITPROOF_PDF=1 mkdocs
build``, see conftest.py), which prints each language's whole-book page with
headless Chromium. The PDFs are read back as text with pdftotext (Debian's
poppler-utils): the cover, the table of contents, the chapters in book order,
no TeX left untypeset, the site's equation numbers, figures and page numbers.
A few pages are also drawn as PNGs into test-artifacts/pdf/ for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml

import nnlit
from litproof.book.config import plugin_options_of, read_config
from litproof.site.pdf import Chromium

PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext not installed: apt-get install poppler-utils")

#: Each language: its folder in the site and its PDF's name.
EDITIONS = {"en": ("", f"nnlit-{nnlit.__version__}.pdf"), "zh": ("zh/", f"nnlit-{nnlit.__version__}.zh.pdf")}

_NUMBER = re.compile(r'<span class="derivation-number">\((\d+\.\d+)\)</span>')
_PRE = re.compile(r"<pre[^>]*>(.*?)</pre>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_RAW_TEX = re.compile(r"\\frac|\$\$")


@dataclass(frozen=True)
class PdfText:
    """A PDF of the book, read back: its pages' text (pdftotext -layout)."""

    path: Path
    pages: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def _flat(text: str) -> str:
    """Text with no spaces or underscores, so that a title matches however the PDF spaced its math (o_j, o j)."""
    return re.sub(r"[\s_]+", "", text)


def _book(site_build: Any) -> dict[str, Any]:
    config = read_config(site_build.config_file.parent)
    if "pdf" not in plugin_options_of(config):
        pytest.skip("this book's mkdocs.yml does not print a PDF")
    return config


def _chapter_titles(config: dict[str, Any], language: str) -> list[str]:
    """The nav's titles in book order, in `language`, without the pages the print page leaves out."""
    left_out = set(plugin_options_of(config, "print-site").get("exclude", []))
    languages = plugin_options_of(config, "i18n")["languages"]
    translated = next(lang for lang in languages if lang["locale"] == language).get("nav_translations", {})
    titles = [(title, page) for entry in config["nav"] for title, page in entry.items()]
    return [translated.get(title, title) for title, page in titles if page not in left_out]


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def edition(request: pytest.FixtureRequest, site_build: Any, built_site: Path) -> tuple[str, PdfText]:
    """(language, its PDF read back), for each language."""
    _book(site_build)
    root, name = EDITIONS[request.param]
    path = built_site / root / name
    assert path.is_file(), f"the build wrote no {root}{name}, but {sorted((built_site / root).glob('*.pdf'))}"
    text = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return request.param, PdfText(path, text.split("\f")[:-1])


def test_the_pdfs_are_named_with_the_version(edition: tuple[str, PdfText]) -> None:
    language, pdf = edition
    assert nnlit.__version__ in pdf.path.name
    assert pdf.path.stat().st_size > 100_000, f"{pdf.path.name} is only {pdf.path.stat().st_size} bytes"


def test_the_cover_has_title_version_dates_and_how_to_cite(edition: tuple[str, PdfText], site_build: Any) -> None:
    language, pdf = edition
    cff = yaml.safe_load((site_build.config_file.parent / "CITATION.cff").read_text(encoding="utf-8"))
    cover = pdf.pages[0]
    assert _flat(cff["title"]) in _flat(cover), cover
    assert nnlit.__version__ in cover and str(cff["date-released"]) in cover, cover
    assert re.search(r"\d{4}-\d{2}-\d{2}", cover.replace(str(cff["date-released"]), "")), "no date of the build"
    assert "APA" in cover and "BibTeX" in cover and "@misc{nnlit2026" in cover, cover
    assert f"version = {{{nnlit.__version__}}}" in re.sub(r"\s+", " ", cover), cover
    assert pdf.path.name in cover, "the cover does not say where this PDF is published"


def test_the_contents_and_the_chapters_are_in_book_order(edition: tuple[str, PdfText], site_build: Any) -> None:
    language, pdf = edition
    titles = _chapter_titles(_book(site_build), language)
    contents = _flat(pdf.pages[1])
    positions = [contents.find(_flat(title)) for title in titles]
    missing = [title for title, at in zip(titles, positions, strict=True) if at < 0]
    assert not missing, f"the table of contents lacks {missing}"
    assert positions == sorted(positions), "the table of contents is out of book order"
    # each chapter starts a page with its title on a line (under the warning of a translation that has fallen behind)
    tops = [{_flat(line) for line in page.splitlines()[:8]} for page in pdf.pages[2:]]
    starts = [next((n for n, top in enumerate(tops) if _flat(title) in top), -1) for title in titles[1:]]
    missing = [title for title, at in zip(titles[1:], starts, strict=True) if at < 0]
    assert not missing, f"no page starts with the chapter {missing}"
    assert starts == sorted(starts), "the chapters are out of book order"


def test_every_formula_is_typeset(edition: tuple[str, PdfText], built_site: Path) -> None:
    """No TeX is left in the text but what a code block shows as code (the checker's own messages)."""
    language, pdf = edition
    page = (built_site / EDITIONS[language][0] / "print_page/index.html").read_text(encoding="utf-8")
    code = _flat(" ".join(unescape(_TAG.sub("", block)) for block in _PRE.findall(page)))
    raw = [line.strip() for line in pdf.text.splitlines() if _RAW_TEX.search(line)]
    outside = [line for line in raw if _flat(line) not in code]
    assert not outside, "TeX left untypeset:\n" + "\n".join(outside[:5])


def test_the_equation_numbers_are_the_sites(edition: tuple[str, PdfText], built_site: Path) -> None:
    language, pdf = edition
    root = built_site / EDITIONS[language][0]
    pages = [path for path in root.glob("*/index.html") if path.parent.name not in ("print_page", "zh")]
    numbers = {number for path in pages for number in _NUMBER.findall(path.read_text(encoding="utf-8"))}
    assert len(numbers) > 20, f"only {len(numbers)} numbered derivations on the site"
    missing = sorted(number for number in numbers if f"({number})" not in pdf.text)
    assert not missing, f"equation numbers of the site missing from the PDF: {missing[:10]}"
    assert "(2.3)" in pdf.text or "(1.3)" in pdf.text


def test_the_pages_are_numbered_and_there_are_figures(edition: tuple[str, PdfText]) -> None:
    language, pdf = edition
    assert 60 <= len(pdf.pages) <= 600, f"{len(pdf.pages)} pages"
    footers = [page.strip().splitlines()[-1].strip() if page.strip() else "" for page in pdf.pages]
    numbered = [n for n, footer in enumerate(footers[1:], start=2) if footer.endswith(str(n))]
    assert len(numbered) >= 0.9 * (len(pdf.pages) - 1), f"pages without their number at the foot: {footers[:6]}"
    assert footers[0] != "1", "the cover has a page number"
    images = subprocess.run(["pdfimages", "-list", str(pdf.path)], capture_output=True, text=True, check=True)
    assert len(images.stdout.splitlines()) - 2 >= 10, "the PDF holds almost no images: where are the figures?"


def test_the_home_page_and_every_cite_box_link_the_pdf(edition: tuple[str, PdfText], built_site: Path) -> None:
    language, pdf = edition
    root = built_site / EDITIONS[language][0]
    pages = [root / "index.html", *sorted(root.glob("*/index.html"))]
    pages = [path for path in pages if path.parent.name != "zh"]  # the whole-book page too: its links are rewritten
    for path in pages:
        html = path.read_text(encoding="utf-8")
        links = re.findall(rf'<a href="((?!https?:)[^"]*{re.escape(pdf.path.name)})"', html)
        assert links, f"{path.relative_to(built_site)} does not link {pdf.path.name}"
        assert all((path.parent / link).resolve() == pdf.path.resolve() for link in links), links


def test_pictures_of_a_few_pages(edition: tuple[str, PdfText], artifacts_dir: Path) -> None:
    """The cover, the first derivation's page and the first page with a picture, as PNGs for a person to see."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed: apt-get install poppler-utils")
    language, pdf = edition
    derivation = next(n for n, page in enumerate(pdf.pages, start=1) if "(1.1)" in page)
    images = subprocess.run(["pdfimages", "-list", str(pdf.path)], capture_output=True, text=True, check=True)
    figure = int(images.stdout.splitlines()[2].split()[0])
    folder = artifacts_dir / "pdf"
    folder.mkdir(exist_ok=True)
    for name, number in (("cover", 1), ("derivation", derivation), ("figure", figure)):
        out = folder / f"{language}-{name}"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-f",
                str(number),
                "-l",
                str(number),
                "-png",
                "-singlefile",
                str(pdf.path),
                str(out),
            ],
            check=True,
        )
        assert out.with_suffix(".png").stat().st_size > 5_000


def test_a_missing_chromium_is_one_sentence() -> None:
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match=r"^The PDF of the book needs Chromium, and `no-such-chromium` was not found"):
        Chromium.find("no-such-chromium")


def test_a_build_with_the_pdf_on_and_no_chromium_fails_in_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# A book\n\nText.\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        textwrap.dedent("""\
            site_name: A book
            nav:
              - Home: index.md
            plugins:
              - litproof:
                  cite_boxes: false
                  notebooks: false
                  distribution: nnlit
                  pdf: true
                  chromium: no-such-chromium
              - print-site
            """),
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode != 0
    errors = [line for line in (run.stdout + run.stderr).splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and "needs Chromium, and `no-such-chromium` was not found" in errors[0], errors
