// MathJax 3 configuration for the nnlit site.
//
// MathJax itself (tex-chtml.js and its fonts) is copied into the site from a pip
// package by nnlit/literate/mkdocs_hooks.py, so math renders with no network.
// This file must load before javascripts/mathjax/tex-chtml.js (see mkdocs.yml).

// The fonts sit next to the copied MathJax: javascripts/mathjax/output/chtml/...
// Resolved from this script's own URL, so it is right on every page depth and
// under any site prefix (the @font-face rules MathJax writes would otherwise
// resolve a relative path against each page's URL).
const nnlitMathJaxFonts = new URL(
  "mathjax/output/chtml/fonts/woff-v2",
  document.currentScript.src
).href;

window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "ams"
  },
  options: {
    // Only typeset what pymdownx.arithmatex marked as math.
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex"
  },
  chtml: {
    fontURL: nnlitMathJaxFonts
  },
  startup: {
    // MathJax's own first typeset would race the document$ re-typeset below
    // (formulas rendered twice, or boxes with no glyphs); let document$ do it.
    typeset: false
  }
};

// Material emits document$ on the first load and on every instant navigation.
// Chaining onto MathJax.startup.promise waits for MathJax to be ready and
// serialises typesetting, so two typesets never overlap.
document$.subscribe(() => {
  MathJax.startup.promise = MathJax.startup.promise.then(() => {
    MathJax.startup.output.clearCache();
    MathJax.typesetClear();
    MathJax.texReset();
    return MathJax.typesetPromise();
  });
});
