"""Render a derivation block as the reader sees it.

The book's MkDocs plugin registers `DerivationBoxes.format` with pymdown's
superfences for every ```` ```derivation ```` fence. The build runs the checker
on the block (verdicts are kept by content hash, see `verdicts`), and the box
shows what it found: the premises (a "where" part: definitions, domains,
ranges), the defined symbols explained where they stand (`symbols`), the steps
printed by the book's LaTeX printer from the very expressions that were
checked, the justifications beside them, a line under the chain with the
verdict, what it uses and what uses it (and, when the book has a map of its
results, a link to what it rests on there), and a folded box with the source
the checker reads. A
block that does not hold, is malformed or reuses an id is logged as an error
(so `mkdocs build --strict` fails, naming the chapter and line) and shown with a
visible "does not hold" mark and the checker's message.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from litproof.book.config import VERIFY_COMMAND
from litproof.book.model import Book
from litproof.book.numbering import REFERENCE, Equation
from litproof.book.verdicts import ShownVerdict, VerdictCache
from litproof.core.checker import describe_sizes
from litproof.core.derivation import Derivation, DerivationError, evaluate, parse
from litproof.core.fences import Fence, english_page
from litproof.core.fences import page_language as language_of
from litproof.core.premises import Premise, premises
from litproof.core.vocabulary import Vocabulary
from litproof.core.words import Word
from litproof.site.labels import LABELS, words_for
from litproof.site.symbols import MarkingPrinter, SymbolNotes, explained_symbols

# Under the `mkdocs` logger, at error level, so that `mkdocs build --strict` fails on a failing block even with --quiet.
log = logging.getLogger("mkdocs.plugins.litproof")

_INLINE_MATH = re.compile(r"\$([^$]+)\$")

def _math_spans(text: str) -> str:
    return re.sub(r"\\\((.+?)\\\)", r'<span class="arithmatex">\\(\1\\)</span>', text)


def _page_name(chapter: str) -> str:
    """docs/why-oj.zh.md -> why-oj: the page's folder in the site, in any language."""
    return english_page(chapter).rsplit("/", 1)[-1].removesuffix(".md")


def _display(latex: str) -> str:
    return f'<div class="arithmatex">\\[{html.escape(latex)}\\]</div>'


@dataclass
class DerivationBoxes:
    """The derivation boxes of one build, and what a box needs beyond its own text.

    The plugin makes one per build (`numbers`, `verdicts`, `book_errors` and the links are the
    book's) and calls `start_page` before each page is rendered.
    """

    book: Book | None = None  # None: a box rendered outside a book (its own text only)
    numbers: dict[str, Equation] = field(default_factory=dict)
    verdicts: VerdictCache = field(default_factory=lambda: VerdictCache(None))
    book_errors: dict[tuple[str, int], str] = field(default_factory=dict)  # (chapter, line) -> why it fails
    words: tuple[Word, ...] = ()  # the book's own vocabulary
    titles: dict[str, str] = field(default_factory=dict)  # every derivation's title, by id
    uses: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> the earlier results it uses
    used_by: dict[str, list[str]] = field(default_factory=dict)  # id -> the later results that use it
    pages: dict[str, str] = field(default_factory=dict)  # every derivation's English page inside docs/, by id
    map_page: str | None = None  # the page of the map of the results (`results_map`), if the book has one
    labels_by_language: dict[str, dict[str, str]] = field(default_factory=lambda: dict(LABELS))
    verify_command: str = VERIFY_COMMAND  # what the box says checks it besides the build
    chapter: str = "docs/unknown.md"  # the page being rendered
    located: dict[str, int] = field(default_factory=dict)  # block text -> how many of them this page rendered

    def start_page(self, chapter: str) -> None:
        self.chapter = chapter
        self.located = {}

    @property
    def language(self) -> str:
        """ "zh" while a Chinese page (docs/x.zh.md) is rendered, else "en"."""
        return language_of(self.chapter)

    @property
    def labels(self) -> dict[str, str]:
        """The words around a box, in the page's language."""
        return words_for(self.language, self.labels_by_language)

    # --- where a block is, and which copy is checked ---------------------------------

    def locate(self, source: str) -> Fence:
        """The chapter and line of the block being rendered (for messages and the source box).

        Blocks are rendered in page order, so the k-th block with a given text is the
        k-th fence with that text: two identical blocks keep their own lines.
        """
        if self.book is not None and (self.book.root / self.chapter).is_file():
            same = [
                fence
                for fence in self.book.fences(self.book.root / self.chapter)
                if fence.lang == "derivation" and fence.text.strip() == source.strip()
            ]
            count = self.located.get(source.strip(), 0)
            self.located[source.strip()] = count + 1
            if same:
                return same[min(count, len(same) - 1)]
        return Fence(self.chapter, 1, "derivation", {}, frozenset(), source)

    def english_copy(self, derivation: Derivation) -> Derivation:
        """The copy of a block that verify checks: on a Chinese page, the English page's block of that id."""
        english = english_page(derivation.chapter)
        if english == derivation.chapter or self.book is None or not (self.book.root / english).exists():
            return derivation
        for fence in self.book.fences(self.book.root / english):
            if fence.lang == "derivation" and re.search(rf"^id:\s*{re.escape(derivation.id)}\s*$", fence.text, re.M):
                return parse(fence, self.words)
        return derivation

    def verdict_of(self, derivation: Derivation) -> ShownVerdict:
        """This build's verdict on the block (or on its English copy), a reused id counting as a failure."""
        checked = self.english_copy(derivation)
        wrong = self.book_errors.get((checked.chapter, checked.line))  # an id used twice, a wrong `uses:`
        if wrong:
            return ShownVerdict(False, "malformed", wrong, ())
        return self.verdicts.verdict(checked)

    # --- the parts of a box ----------------------------------------------------------------

    def claim(self, derivation: Derivation, verdict: ShownVerdict, size_names: list[str]) -> str:
        """What the page says about the block: the verdict this build computed, in the page's language."""
        words = self.labels
        if derivation.expect in ("ill-formed", "unequal"):
            return words[derivation.expect]
        if verdict.for_all_sizes:
            if size_names:
                joiner = "、" if self.language == "zh" else ", "
                names = joiner.join(f"\\({name}\\)" for name in size_names)
                return words["all sizes"].format(names=_math_spans(names))
            return words["all values"]
        return words["sizes"].format(sizes=html.escape(describe_sizes(derivation)))

    def href(self, target: str, anchor: str) -> str:
        """A link from the page being rendered to `target` (a chapter file name), as the site lays pages out."""
        here, there = _page_name(self.chapter), _page_name(target)
        if there == here:
            return anchor
        up = "" if here == "index" else "../"
        return f"{up}{'' if there == 'index' else there + '/'}{anchor}"

    def _reference_link(self, found: re.Match[str]) -> str:
        equation = self.numbers.get(found.group(1))
        if equation is None:
            raise ValueError(f"{self.chapter}: {{eq:{found.group(1)}}} names no numbered derivation.")
        return f'<a href="{self.href(equation.page, "#" + equation.anchor)}">({equation.number})</a>'

    def justification(self, text: str) -> str:
        """Plain words, with `$...$` as inline math and an equation reference (from `{eq:id}`) as a link."""
        escaped = html.escape(text, quote=False)
        escaped = REFERENCE.sub(self._reference_link, escaped)
        return _INLINE_MATH.sub(r'<span class="arithmatex">\\(\1\\)</span>', escaped)

    def where(self, shown: list[Premise]) -> str:
        """The "where" part: every premise the steps are proved under, printed from the checked text."""
        if not shown:
            return ""
        items = "".join(f'<li class="derivation-premise">{_display(premise.latex)}</li>' for premise in shown)
        return (
            f'<div class="derivation-where"><p class="derivation-where-label">{self.labels["where"]}</p>'
            f'<ul class="derivation-premises">{items}</ul></div>'
        )

    def steps(self, derivation: Derivation, printer: MarkingPrinter) -> str:
        rows = []
        for number, step in enumerate(derivation.steps):
            try:
                latex = printer.print(step.source)
            except (ValueError, SyntaxError) as error:
                raise derivation.fail(step.line, f"step {number + 1} cannot be printed: {error}.") from None
            math = latex if number == 0 else f"= {latex}"
            rows.append(
                f'<li class="derivation-step">{_display(math)}'
                f'<div class="derivation-why">{self.justification(step.why)}</div></li>'
            )
        return f'<ol class="derivation-steps">{"".join(rows)}</ol>'

    def failure(self, message: str) -> str:
        """The visible "does not hold" mark, with the checker's message."""
        return (
            f'<div class="derivation-failure" role="alert"><p>{self.labels["fails"]}</p>'
            f"<pre><code>{html.escape(message)}</code></pre></div>"
        )

    def source(self, derivation: Derivation, checked: Derivation) -> str:
        where = {"chapter": html.escape(checked.chapter), "line": checked.line}
        return (
            f'<details class="derivation-source"><summary>{self.labels["source"].format(**where)}</summary>'
            f"<pre><code>{html.escape(derivation.source)}</code></pre></details>"
        )

    def link_to(self, ident: str) -> str:
        """A link to another derivation's box: its number and title (a block with no number: its title)."""
        equation = self.numbers.get(ident)
        title = html.escape(self.titles.get(ident, ident))
        if equation is not None:
            return f'<a href="{self.href(equation.page, "#" + equation.anchor)}">({equation.number}) {title}</a>'
        if ident in self.pages:
            return f'<a href="{self.href(self.pages[ident], "#derivation-" + ident)}">{title}</a>'
        return title

    def links(self, derivation: Derivation) -> str:
        """What the derivation uses, and what uses it (from the book's `uses:` lines)."""
        rows = []
        both = (("uses", self.uses.get(derivation.id, ())), ("used by", self.used_by.get(derivation.id, [])))
        for label, ids in both:
            if ids:
                linked = ", ".join(self.link_to(ident) for ident in ids)
                rows.append(f'<p class="derivation-links"><span>{self.labels[label]}</span> {linked}</p>')
        if self.map_page and self.uses.get(derivation.id):
            focus = self.href(self.map_page, f"#focus-{derivation.id}")
            link = f'<a href="{focus}">{self.labels["rests on"]}</a>'
            rows.append(f'<p class="derivation-links derivation-map-link">{link}</p>')
        return "".join(rows)

    def title(self, derivation: Derivation, anchor: str) -> str:
        equation = self.numbers.get(derivation.id)
        number = f'<span class="derivation-number">({equation.number})</span> ' if equation else ""
        return (
            f'<p class="derivation-title">{number}<a class="derivation-anchor" href="#{anchor}">'
            f"{html.escape(derivation.title)}</a>"
            f' <code class="derivation-id">{derivation.id}</code></p>'
        )

    # --- the whole box ---------------------------------------------------------------------

    def render(self, derivation: Derivation) -> str:
        """The box of one derivation; a block that does not hold is logged, and marked on the page."""
        anchor = f"derivation-{derivation.id}"
        vocabulary = Vocabulary()
        try:
            checked = self.english_copy(derivation)
            verdict = self.verdict_of(derivation)
            namespace = evaluate(derivation, vocabulary).namespace
            shown = premises(derivation, namespace)
            symbols = explained_symbols(vocabulary, shown)
            notes = SymbolNotes(anchor, self.labels).html(symbols, shown)
            printer = MarkingPrinter(namespace, symbols, vocabulary)
            body = self.where(shown) + notes + self.steps(derivation, printer)
        except DerivationError as error:
            checked, verdict, body = derivation, ShownVerdict(False, "malformed", str(error), ()), ""
        if verdict.ok:
            conclusion = (
                f'<p class="derivation-check">{self.claim(derivation, verdict, list(vocabulary.size_symbols))} '
                f"{self.labels['checked by'].format(verify=html.escape(self.verify_command))}</p>"
            )
        else:
            shown_on = "" if checked is derivation else f"{derivation.chapter}: shows {derivation.id}, which fails: "
            log.error(f"{shown_on}{verdict.message}")
            conclusion = self.failure(verdict.message)
        status = "holds" if verdict.ok else "fails"
        return (
            f'<div class="derivation derivation-{status}" id="{anchor}">'
            f"{self.title(derivation, anchor)}{body}{conclusion}{self.links(derivation)}"
            f"{self.source(derivation, checked)}"
            "</div>"
        )

    def format(self, source: str, language: str, class_name: str, options: dict, md: Any, **kwargs: Any) -> str:
        """The superfences formatter for ```` ```derivation ```` blocks.

        It never raises, so that no block is lost as raw text: a malformed one is an error box.
        """
        fence = self.locate(source)
        try:
            derivation = parse(fence, self.words)
        except DerivationError as error:
            log.error(str(error))
            return (
                '<div class="derivation derivation-fails">'
                f"{self.failure(str(error))}<pre><code>{html.escape(source)}</code></pre></div>"
            )
        return self.render(derivation)
