"""Render a derivation block as the reader sees it.

The book's MkDocs plugin registers `DerivationBoxes.format` with pymdown's
superfences for every ```` ```derivation ```` fence. The build runs the checker
on the block (verdicts are kept by content hash, see `verdicts`), and the box
shows what it found: the premises (a "where" part: definitions, domains,
ranges), the steps printed by the book's LaTeX printer from the very
expressions that were checked, the justifications beside them, a line under the
chain with the verdict, and a folded box with the source the checker reads. A
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

from litproof.book.model import Book
from litproof.book.numbering import REFERENCE, Equation
from litproof.book.verdicts import ShownVerdict, VerdictCache
from litproof.core.checker import describe_sizes
from litproof.core.derivation import Derivation, DerivationError, evaluate, parse
from litproof.core.fences import Fence, english_page
from litproof.core.fences import page_language as language_of
from litproof.core.latex import step_latex
from litproof.core.premises import premises
from litproof.core.vocabulary import Vocabulary
from litproof.core.words import Word

# Under the `mkdocs` logger, at error level, so that `mkdocs build --strict` fails on a failing block even with --quiet.
log = logging.getLogger("mkdocs.plugins.litproof")

_INLINE_MATH = re.compile(r"\$([^$]+)\$")

#: The words around a block on a Chinese page (docs/x.zh.md): same claims, same checks.
_ZH = {
    "ill-formed": "检验程序拒绝这个推导，因为它不是良构的：同一个下标既用作求和下标，又用作自由下标。",
    "unequal": "检验程序给出一个数值反例，表明这两边<em>不</em>相等。",
    "sizes": "每一步都在具体规模 {sizes} 上精确地检验过与上一步相等。",
    "all sizes": "每一步都已证明与上一步相等，对任意规模 {names} 成立。",
    "all values": "每一步都已证明与上一步相等，对其中变量的任意取值成立。",
    "fails": "<strong>不成立。</strong>本页构建时，检验程序给出：",
    "checked by": "本页构建时由 SymPy 检验，<code>{verify}</code> 和测试套件也检验它。",
    "where": "其中",
    "uses": "用到：",
    "used by": "被用于：",
    "source": "被检验的源码（{chapter}，第 {line} 行；中文版只翻译了标题和每一步的理由）",
}

_EN = {
    "ill-formed": (
        "The checker rejects this block as ill-formed: "
        "an index is used both as a summation index and as a free index."
    ),
    "unequal": "The checker shows that these two sides are <em>not</em> equal, with a numeric counterexample.",
    "sizes": "Each step is proved equal to the one before, exactly, at the concrete sizes {sizes}.",
    "all sizes": "Each step is proved equal to the one before for all sizes {names}.",
    "all values": "Each step is proved equal to the one before, for all values of its variables.",
    "fails": "<strong>Does not hold.</strong> When this page was built, the checker said:",
    "checked by": "Checked by SymPy when this page was built, and by <code>{verify}</code> and the test suite.",
    "where": "where",
    "uses": "Uses:",
    "used by": "Used by:",
    "source": "The source that was checked ({chapter}, line {line})",
}

#: The built-in words around a box, by page language; a book adds or changes them with the plugin's `labels:`.
LABELS = {"en": _EN, "zh": _ZH}


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
    labels_by_language: dict[str, dict[str, str]] = field(default_factory=lambda: dict(LABELS))
    verify_command: str = "litproof verify"  # what the box says checks it besides the build
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
        return {**_EN, **self.labels_by_language.get(self.language, {})}

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
        if all(method.startswith("for all") for method in verdict.methods):
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

    def where(self, derivation: Derivation, namespace: dict[str, Any]) -> str:
        """The "where" part: every premise the steps are proved under, printed from the checked text."""
        shown = premises(derivation, namespace)
        if not shown:
            return ""
        items = "".join(f'<li class="derivation-premise">{_display(premise.latex)}</li>' for premise in shown)
        return (
            f'<div class="derivation-where"><p class="derivation-where-label">{self.labels["where"]}</p>'
            f'<ul class="derivation-premises">{items}</ul></div>'
        )

    def steps(self, derivation: Derivation, namespace: dict[str, Any]) -> str:
        rows = []
        for number, step in enumerate(derivation.steps):
            try:
                latex = step_latex(step.source, namespace)
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
        """A link to another derivation's box: its number and title."""
        equation = self.numbers.get(ident)
        title = html.escape(self.titles.get(ident, ident))
        if equation is None:
            return title
        return f'<a href="{self.href(equation.page, "#" + equation.anchor)}">({equation.number}) {title}</a>'

    def links(self, derivation: Derivation) -> str:
        """What the derivation uses, and what uses it (from the book's `uses:` lines)."""
        rows = []
        both = (("uses", self.uses.get(derivation.id, ())), ("used by", self.used_by.get(derivation.id, [])))
        for label, ids in both:
            if ids:
                linked = ", ".join(self.link_to(ident) for ident in ids)
                rows.append(f'<p class="derivation-links"><span>{self.labels[label]}</span> {linked}</p>')
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
            body = self.where(derivation, namespace) + self.steps(derivation, namespace)
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
