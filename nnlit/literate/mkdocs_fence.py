"""Render a derivation block as the reader sees it.

pymdown's superfences calls `format_derivation` for every ```` ```derivation ````
fence. The steps are printed by the book's LaTeX printer from the very
expressions that `nnlit verify` checks; the justifications stand beside them;
a line under the chain says how the block is checked; and a folded box shows
the source the checker reads.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from nnlit.literate.checker import describe_sizes
from nnlit.literate.derivation import Derivation, evaluate, parse
from nnlit.literate.latex import step_latex
from nnlit.literate.markdown import Fence, english_page, read_fences
from nnlit.literate.markdown import page_language as language_of
from nnlit.literate.numbering import REFERENCE
from nnlit.literate.vocabulary import Vocabulary

# Set by the MkDocs hook `mkdocs_derivations.py` before each page is rendered.
PAGE: dict[str, Any] = {"chapter": None, "root": None, "numbers": {}}

_INLINE_MATH = re.compile(r"\$([^$]+)\$")


def _locate(source: str) -> Fence:
    """The chapter and line of the block being rendered (for messages and the source box)."""
    chapter, root = PAGE.get("chapter"), PAGE.get("root")
    if chapter and root:
        for fence in read_fences(Path(root) / chapter, Path(root)):
            if fence.lang == "derivation" and fence.text.strip() == source.strip():
                return fence
    return Fence(chapter or "docs/unknown.md", 1, "derivation", {}, frozenset(), source)


#: The words around a block on a Chinese page (docs/x.zh.md): same claims, same checks.
_ZH = {
    "ill-formed": "检验程序拒绝这个推导，因为它不是良构的：同一个下标既用作求和下标，又用作自由下标。",
    "unequal": "检验程序给出一个数值反例，表明这两边<em>不</em>相等。",
    "sizes": "每一步都在具体规模 {sizes} 上检验过与上一步相等。",
    "all sizes": "每一步都已证明与上一步相等，对任意规模 {names} 成立。",
    "all values": "每一步都已证明与上一步相等，对其中变量的任意取值成立。",
    "checked by": "由 SymPy 在 <code>nnlit verify</code> 和测试套件中检验。",
    "source": "被检验的源码（{chapter}，第 {line} 行；中文版只翻译了标题和每一步的理由）",
}


def page_language() -> str:
    """ "zh" while a Chinese page (docs/x.zh.md) is rendered, else "en"."""
    return language_of(PAGE.get("chapter") or "")


def claim(derivation: Derivation, size_names: list[str]) -> str:
    """What the page may say about how the block is checked (`nnlit verify` enforces it)."""
    if page_language() == "zh":
        return _claim_zh(derivation, size_names)
    if derivation.expect == "ill-formed":
        return (
            "The checker rejects this block as ill-formed: "
            "an index is used both as a summation index and as a free index."
        )
    if derivation.expect == "unequal":
        return "The checker shows that these two sides are <em>not</em> equal, with a numeric counterexample."
    if derivation.sizes:
        return (
            "Each step is checked equal to the one before at the concrete sizes "
            f"{html.escape(describe_sizes(derivation))}."
        )
    if size_names:
        names = ", ".join(f"\\({name}\\)" for name in size_names)
        return f"Each step is proved equal to the one before for all sizes {_math_spans(names)}."
    return "Each step is proved equal to the one before, for all values of its variables."


def _claim_zh(derivation: Derivation, size_names: list[str]) -> str:
    if derivation.expect in ("ill-formed", "unequal"):
        return _ZH[derivation.expect]
    if derivation.sizes:
        return _ZH["sizes"].format(sizes=html.escape(describe_sizes(derivation)))
    if size_names:
        return _ZH["all sizes"].format(names=_math_spans("、".join(f"\\({name}\\)" for name in size_names)))
    return _ZH["all values"]


def _math_spans(text: str) -> str:
    return re.sub(r"\\\((.+?)\\\)", r'<span class="arithmatex">\\(\1\\)</span>', text)


def _page_name(chapter: str) -> str:
    """docs/why-oj.zh.md -> why-oj: the page's folder in the site, in any language."""
    return english_page(chapter).rsplit("/", 1)[-1].removesuffix(".md")


def _href(target: str, anchor: str) -> str:
    """A link from the page being rendered to `target` (a chapter file name), as the site lays pages out."""
    here = _page_name(PAGE.get("chapter") or "")
    there = _page_name(target)
    if there == here:
        return anchor
    up = "" if here == "index" else "../"
    return f"{up}{'' if there == 'index' else there + '/'}{anchor}"


def _reference_link(found: re.Match[str]) -> str:
    equation = PAGE.get("numbers", {}).get(found.group(1))
    if equation is None:
        raise ValueError(f"{PAGE.get('chapter')}: {{eq:{found.group(1)}}} names no numbered derivation.")
    return f'<a href="{_href(equation.page, "#" + equation.anchor)}">({equation.number})</a>'


def _justification(text: str) -> str:
    """Plain words, with `$...$` as inline math and an equation reference (from `{eq:id}`) as a link."""
    escaped = html.escape(text, quote=False)
    escaped = REFERENCE.sub(_reference_link, escaped)
    return _INLINE_MATH.sub(r'<span class="arithmatex">\\(\1\\)</span>', escaped)


def _english_location(derivation: Derivation) -> dict[str, Any] | None:
    """Where the English page holds this block: the copy that `nnlit verify` checks."""
    root = PAGE.get("root")
    english = english_page(derivation.chapter)
    if not root or not (Path(root) / english).exists():
        return None
    for fence in read_fences(Path(root) / english, Path(root)):
        if fence.lang == "derivation" and re.search(rf"^id:\s*{re.escape(derivation.id)}\s*$", fence.text, re.M):
            return {"chapter": html.escape(english), "line": fence.line}
    return None


def render(derivation: Derivation) -> str:
    vocabulary = Vocabulary()
    namespace = evaluate(derivation, vocabulary).namespace  # also rejects a step that does not evaluate
    rows = []
    for number, step in enumerate(derivation.steps):
        latex = step_latex(step.source, namespace)
        math = latex if number == 0 else f"= {latex}"
        rows.append(
            f'<li class="derivation-step"><div class="arithmatex">\\[{html.escape(math)}\\]</div>'
            f'<div class="derivation-why">{_justification(step.why)}</div></li>'
        )
    anchor = f"derivation-{derivation.id}"
    where = {"chapter": html.escape(derivation.chapter), "line": derivation.line}
    if page_language() == "zh":
        where = _english_location(derivation) or where
        checked_by, source = _ZH["checked by"], _ZH["source"].format(**where)
    else:
        checked_by = "Checked by SymPy in <code>nnlit verify</code> and the test suite."
        source = "The source that was checked ({chapter}, line {line})".format(**where)
    equation = PAGE.get("numbers", {}).get(derivation.id)
    number = f'<span class="derivation-number">({equation.number})</span> ' if equation else ""
    return (
        f'<div class="derivation" id="{anchor}">'
        f'<p class="derivation-title">{number}<a class="derivation-anchor" href="#{anchor}">'
        f"{html.escape(derivation.title)}</a>"
        f' <code class="derivation-id">{derivation.id}</code></p>'
        f'<ol class="derivation-steps">{"".join(rows)}</ol>'
        f'<p class="derivation-check">{claim(derivation, list(vocabulary.size_symbols))} '
        f"{checked_by}</p>"
        f'<details class="derivation-source"><summary>{source}</summary>'
        f"<pre><code>{html.escape(derivation.source)}</code></pre></details>"
        "</div>"
    )


def format_derivation(source: str, language: str, class_name: str, options: dict, md: Any, **kwargs: Any) -> str:
    """The superfences formatter for ```` ```derivation ```` blocks."""
    return render(parse(_locate(source)))
