"""What a browser finds on each page of the built site: math, raw TeX, figures, languages.

Every page is opened once, together with all the others (one tab each, in one
context), by the session fixture `page_audits` of conftest.py; the tests of
test_browser.py and test_chinese.py assert on what was recorded here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Runs in the page. Opens every <details> first, so math inside collapsed
# blocks is measured too. Returns counts and a list of problems, each naming
# the formula's TeX (MathJax keeps it on its math items).
AUDIT_MATH = """async () => {
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  const problems = [];
  const texOf = new Map();
  if (window.MathJax && MathJax.startup && MathJax.startup.document) {
    for (const item of MathJax.startup.document.math) {
      if (item.typesetRoot) texOf.set(item.typesetRoot, item.math);
    }
  }
  const formulas = [...document.querySelectorAll(".arithmatex")];
  const containers = [...document.querySelectorAll("mjx-container")];
  formulas.forEach((el, i) => {
    const inside = el.querySelectorAll("mjx-container").length;
    const snippet = el.textContent.trim().slice(0, 80);
    if (inside !== 1) {
      problems.push(`formula ${i + 1} has ${inside} typeset containers: ${snippet}`);
    }
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.parentElement.closest("mjx-container") && n.textContent.trim()) {
        problems.push(`formula ${i + 1} left text untypeset: ${n.textContent.trim().slice(0, 80)}`);
      }
    }
  });
  containers.forEach((c, i) => {
    const box = c.getBoundingClientRect();
    const glyphs = c.querySelectorAll("mjx-c").length;
    const heading = document.evaluate(
      "preceding::*[self::h1 or self::h2 or self::h3][1]", c, null,
      XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
    const where = heading ? `after heading "${heading.textContent.replace("¶", "").trim()}"` : "";
    const tex = (texOf.get(c) || where).trim().slice(0, 80);
    if (!(box.width > 0 && box.height > 0)) {
      problems.push(`math ${i + 1} has no size (${box.width}x${box.height}): ${tex}`);
    }
    if (glyphs === 0) problems.push(`math ${i + 1} has no glyphs: ${tex}`);
    if (c.closest("mjx-assistive-mml")) problems.push(`math ${i + 1} is typeset twice: ${tex}`);
  });
  for (const face of document.fonts) {
    if (face.family.replace(/"/g, "").startsWith("MJX") && face.status === "error") {
      problems.push(`MathJax font failed to load: ${face.family}`);
    }
  }
  return {formulas: formulas.length, containers: containers.length, problems};
}"""

# Runs in the page: visible text that still looks like TeX source. Code and
# typeset math are skipped (MathJax's assistive MathML is not TeX).
RAW_TEX = r"""() => {
  const commands = "frac|partial|sum|prod|begin|end|left|right|sigma|delta|" +
    "cdot|label|eqref|mathrm|mathbf|text|sqrt";
  const pattern = new RegExp(String.raw`\$\$|\\[\[\]()]|\\(?:${commands})\b`);
  const skip = "script, style, pre, code, textarea, mjx-container, .md-search";
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (!parent.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    if (pattern.test(n.textContent)) found.push(n.textContent.trim().slice(0, 100));
  }
  return found;
}"""


# Runs in the page: figures with no text alternative. An <img> needs a non-empty
# alt; an inline <svg> in the content (not an icon) needs an aria-label, an
# aria-labelledby or a <title>, on itself or on a role="img" element around it.
AUDIT_FIGURES = """() => {
  const icons = ".md-icon, .md-clipboard, .md-source, .md-nav, .md-header, .md-footer, " +
    ".headerlink, .twemoji, button, .admonition-title, summary";
  const missing = [];
  const content = document.querySelector("article") || document.body;
  content.querySelectorAll("img").forEach((img) => {
    if (!(img.getAttribute("alt") || "").trim()) missing.push(`<img src="${img.src.slice(0, 60)}"> has no alt`);
  });
  content.querySelectorAll("svg").forEach((svg, i) => {
    if (svg.closest(icons) || svg.parentElement.closest("svg")) return;
    const titled = (el) => [...el.children].some((c) => c.tagName === "title" && c.textContent.trim());
    const labelled = (el) => el && ((el.getAttribute("aria-label") || "").trim() ||
      el.getAttribute("aria-labelledby") || titled(el));
    if (labelled(svg) || labelled(svg.closest('[role="img"]'))) return;
    const heading = document.evaluate("preceding::*[self::h1 or self::h2 or self::h3][1]", svg, null,
      XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
    const where = heading ? heading.textContent.replace("¶", "").trim() : "the top";
    missing.push(`inline <svg> ${i + 1} (after "${where}") has no aria-label or <title>`);
  });
  return missing;
}"""


@dataclass
class PageAudit:
    """One page's visit: what the browser recorded and what the math audit found."""

    path: str
    record: Any  # conftest.PageRecord
    formulas: int
    containers: int
    math_problems: list[str]
    raw_tex: list[str]
    unlabelled_figures: list[str]
    language_links: dict[str, str]  # the language switch: language -> absolute URL
    lang: str  # <html lang>
    url: str


# Runs in the page: the language switch's links (absolute URLs, by language) and the page's language.
LANGUAGE = """() => ({
  links: Object.fromEntries([...document.querySelectorAll(".md-select a[hreflang]")].map((a) => [a.hreflang, a.href])),
  lang: document.documentElement.lang,
})"""


def audit_pages(visit_pages: Any, site_pages: list[str]) -> dict[str, PageAudit]:
    """Visit every page once, all together, and keep what each visit recorded, keyed by page path."""
    context, opened = visit_pages(site_pages)
    audits: dict[str, PageAudit] = {}
    try:
        for path, (page, record) in zip(site_pages, opened, strict=True):
            math = page.evaluate(AUDIT_MATH)
            raw = page.evaluate(RAW_TEX)
            figures = page.evaluate(AUDIT_FIGURES)
            language = page.evaluate(LANGUAGE)
            audits[path] = PageAudit(
                path,
                record,
                math["formulas"],
                math["containers"],
                math["problems"],
                raw,
                figures,
                language["links"],
                language["lang"],
                page.url,
            )
    finally:
        context.close()
    return audits
