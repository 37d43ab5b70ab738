"""A box's defined symbols: marked in the steps, each with a chip and a note printed from the checked text."""

from __future__ import annotations

from litproof.core.derivation import evaluate, parse
from litproof.core.fences import Fence
from litproof.core.premises import premises
from litproof.core.vocabulary import Vocabulary
from litproof.site.fence import DerivationBoxes
from litproof.site.labels import words_for
from litproof.site.symbols import MarkingPrinter, SymbolNotes, explained_symbols

BLOCK = """id: output-weight-gradient
title: The gradient of one output weight
given: |
  n, m = sizes('n m')
  i, j, k, l = indices('i j k l')
  w, o, t = arrays('w o t')
  z_k = define('z_k', Sum(w[i, k]*o[i], (i, 1, n)))
  o_k = define('o_k', sigmoid(z_k))
  E = define('E', Sum((t[l] - sigmoid(Sum(w[i, l]*o[i], (i, 1, n))))**2, (l, 1, m)))
assume: 1 <= j <= n, 1 <= k <= m
steps: |
    D(E, w[j, k])
  = D((t[k] - o_k)**2, w[j, k])
  = -2*(t[k] - o_k)*o_k*(1 - o_k)*D(z_k, w[j, k])
  = -2*(t[k] - o_k)*o_k*(1 - o_k)*o[j]
"""

MATRICES = """id: matrix-output-gradient
title: The gradient of the hidden-to-output weights
given: |
  n, nh, m = sizes('n h m')
  W_ih = matrix('W_ih', nh, n)
  W_ho = matrix('W_ho', m, nh)
  x = vector('x', n)
  hid = define('h', sigmoid(W_ih*x))
  o = define('o', sigmoid(W_ho*hid))
steps: |
    o
  = sigmoid(W_ho*hid)
"""


def _explained(text: str):  # noqa: ANN202  (a test helper)
    derivation = parse(Fence("docs/why-oj.md", 10, "derivation", {}, frozenset(), text))
    vocabulary = Vocabulary()
    namespace = evaluate(derivation, vocabulary).namespace
    shown = premises(derivation, namespace)
    return derivation, vocabulary, namespace, shown, explained_symbols(vocabulary, shown)


def test_each_defined_symbol_is_explained_by_its_definition_and_the_ranges_of_its_indices() -> None:
    _, _, _, shown, symbols = _explained(BLOCK)
    assert [(symbol.name, symbol.latex) for symbol in symbols] == [("z_k", "z_{k}"), ("o_k", "o_{k}"), ("E", "E")]
    z_k, o_k, error = symbols
    assert [shown[index].latex for index in z_k.premises] == [
        r"z_{k} = \sum_{i=1}^{n} w_{ik} o_{i}",
        r"1 \le k \le m",
    ]
    assert [shown[index].kind for index in o_k.premises] == ["definition", "range"]  # o_k holds z_k, which holds k
    assert [shown[index].kind for index in error.premises] == ["definition"]  # E sums over l: no free index
    assert z_k.shape is None


def test_a_defined_matrix_has_its_shape() -> None:
    _, _, _, _, symbols = _explained(MATRICES)
    assert [(symbol.name, symbol.shape) for symbol in symbols] == [("h", ("h", "1")), ("o", ("m", "1"))]
    notes = SymbolNotes("derivation-x", words_for("en", {}))
    assert notes.shape_words(symbols[0]) == "a column of <var>h</var> numbers"


def test_the_steps_mark_every_use_of_a_defined_symbol_and_nothing_else() -> None:
    derivation, vocabulary, namespace, _, symbols = _explained(BLOCK)
    printer = MarkingPrinter(namespace, symbols, vocabulary)
    assert printer.print(derivation.steps[0].source) == (
        r"\frac{\partial \class{derivation-symbol derivation-symbol-2}{E}}{\partial w_{jk}}"
    )
    third = printer.print(derivation.steps[2].source)
    assert third.count(r"\class{derivation-symbol derivation-symbol-1}{o_{k}}") == 3
    assert r"\class{derivation-symbol derivation-symbol-0}{z_{k}}" in third
    assert r"\class" not in printer.print("t[k] - o[j]")


def test_a_note_is_a_tooltip_named_by_its_chip_in_plain_words() -> None:
    _, _, _, shown, symbols = _explained(BLOCK)
    html = SymbolNotes("derivation-output-weight-gradient", words_for("en", {})).html(symbols, shown)
    assert (
        '<button type="button" class="derivation-symbol-chip" data-symbol="0" '
        'aria-describedby="derivation-output-weight-gradient-symbol-0">'
        '<span class="arithmatex">\\(z_{k}\\)</span></button>'
    ) in html
    note = '<span class="derivation-symbol-note" role="tooltip" id="derivation-output-weight-gradient-symbol-0">'
    assert note in html
    assert "z_k = ∑_{i=1}^{n} w_ik o_i; for each 1 ≤ k ≤ m; a number" in html
    assert '<button type="button" class="derivation-symbols-switch" aria-pressed="true"' in html


def test_a_box_shows_its_symbols_in_the_pages_language() -> None:
    derivation = parse(Fence("docs/why-oj.zh.md", 10, "derivation", {}, frozenset(), BLOCK))
    boxes = DerivationBoxes()
    boxes.start_page("docs/why-oj.zh.md")
    html = boxes.render(derivation)
    assert "符号：" in html and "解释符号" in html and "对每个 1 ≤ k ≤ m" in html
    assert r"\class{derivation-symbol derivation-symbol-2}{E}" in html


def test_a_block_without_definitions_has_no_row_of_symbols() -> None:
    text = "id: square\ngiven: |\n  x = scalars('x')\nsteps: |\n    D(x**2, x)\n  = 2*x\n"
    boxes = DerivationBoxes()
    html = boxes.render(parse(Fence("docs/a.md", 1, "derivation", {}, frozenset(), text)))
    assert "derivation-symbols" not in html and r"\class" not in html
