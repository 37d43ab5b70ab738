"""Matrix identities are proved for all sizes through their generic entry, and wrong ones are refused."""

import dataclasses
from pathlib import Path

import pytest
import sympy

from litproof.core.checker import check, prove_for_all_sizes
from litproof.core.derivation import evaluate, parse
from litproof.core.entrywise import COL, ROW, ShapeMismatch, generic_entry
from litproof.core.fences import Fence, read_fences
from litproof.core.vocabulary import Gradient, SquaredNorm, Vocabulary

ROOT = Path(__file__).resolve().parents[2]


def chapter_block(ident: str, chapter: str = "docs/matrix.md") -> Fence:
    fences = read_fences(ROOT / chapter, ROOT)
    return next(f for f in fences if f.lang == "derivation" and f"id: {ident}\n" in f.text)


def changed(ident: str, old: str, new: str, chapter: str = "docs/matrix.md") -> Fence:
    original = chapter_block(ident, chapter)
    assert old in original.text
    return dataclasses.replace(original, text=original.text.replace(old, new))


def line_of(fence: Fence, text: str) -> int:
    rows = fence.text.splitlines()
    return fence.line + rows.index(next(row for row in rows if text in row))


@pytest.mark.parametrize(
    ("ident", "chapter"),
    [
        ("matrix-output-gradient", "docs/matrix.md"),
        ("matrix-hidden-gradient", "docs/matrix.md"),
        ("batch-hidden-gradient", "docs/matrix.md"),
        ("matmul-backward", "docs/autodiff.md"),
        ("matmul-backward-right", "docs/autodiff.md"),
    ],
)
def test_the_books_matrix_identities_are_proved_for_all_sizes_without_listed_sizes(ident: str, chapter: str) -> None:
    fence = chapter_block(ident, chapter)
    assert "\nsizes:" not in fence.text
    result = check(parse(fence))
    assert result.ok and result.status == "proved for all sizes", result.message
    assert all(pair.method == "for all sizes" for pair in result.pairs)


def test_a_missing_transpose_is_refused_with_the_chapters_line_and_the_inner_dimensions() -> None:
    fence = changed("matrix-hidden-gradient", "= hadamard(W_ho.T*delta_o,", "= hadamard(W_ho*delta_o,")
    result = check(parse(fence))
    line = line_of(fence, "= hadamard(W_ho*delta_o,")
    assert not result.ok and result.status == "failed"
    assert result.message.startswith(f"docs/matrix.md:{line}: matrix-hidden-gradient: step 2 cannot be formed: ")
    assert "inner dimensions h != m: W_ho (m x h) times delta_o (m x 1)" in result.message


def test_an_outer_product_without_its_transpose_is_refused() -> None:
    fence = changed("matrix-output-gradient", "= delta_o*hid.T", "= delta_o*hid")
    result = check(parse(fence))
    line = line_of(fence, "= delta_o*hid ")
    assert not result.ok
    assert result.message.startswith(f"docs/matrix.md:{line}: matrix-output-gradient: step 3 cannot be formed: ")
    assert "inner dimensions 1 != h" in result.message


def test_a_dropped_hadamard_factor_is_refused_with_the_ratio_of_the_entries() -> None:
    fence = changed("matrix-hidden-gradient", "= delta_h*x.T", "= hadamard(W_ho.T*delta_o, hid)*x.T")
    result = check(parse(fence))
    line = line_of(fence, "= hadamard(W_ho.T*delta_o, hid)*x.T")
    assert not result.ok and result.status == "failed"
    first, _, _, why = result.message.splitlines()[:4]
    assert first == f"docs/matrix.md:{line}: matrix-hidden-gradient: step 3 does not follow from step 2."
    assert r"entry (i, j): left / right = 1 - \sigma" in why and "left = " in why


def test_a_wrong_factor_of_the_right_shape_is_refused_by_a_counterexample() -> None:
    result = check(parse(changed("matmul-backward", "= G*B.T ", "= 2*G*B.T ", "docs/autodiff.md")))
    assert not result.ok and result.status == "failed"
    assert r"entry (i, j): left / right = \frac{1}{2}" in result.message and " at r = 2, q = 2, c = 2" in result.message


def test_sides_of_different_shapes_are_unequal() -> None:
    result = check(parse(changed("matmul-backward", "= G*B.T ", "= B*G.T ", "docs/autodiff.md")))
    assert not result.ok and "the sides have shapes r x q and q x r" in result.message


def test_the_delta_rule_needs_the_ranges_of_the_generic_entry() -> None:
    n, m = sympy.symbols("n m", integer=True, positive=True)
    W, x = sympy.MatrixSymbol("W", m, n), sympy.MatrixSymbol("x", n, 1)
    E = sympy.Symbol("E", real=True)
    definitions = {E: SquaredNorm(W * x)}
    left, ranges = generic_entry(Gradient(E, W), definitions)
    right, _ = generic_entry(2 * (W * x) * x.T, definitions)
    assert ranges == {ROW: (1, m), COL: (1, n)}
    assert prove_for_all_sizes(left, right, definitions, ranges)[0]
    assert not prove_for_all_sizes(left, right, definitions, {})[0]


def test_a_product_that_cannot_be_formed_has_no_entries() -> None:
    n, m = sympy.symbols("n m", integer=True, positive=True)
    W, y = sympy.MatrixSymbol("W", m, n), sympy.MatrixSymbol("y", m, 1)
    with pytest.raises(ShapeMismatch, match="inner dimensions n != m"):
        generic_entry(W * y, {})
    with pytest.raises(ShapeMismatch, match="cannot be added"):
        generic_entry(W + W.T, {})


def test_what_has_no_entrywise_form_is_checked_at_the_listed_sizes() -> None:
    text = (
        "id: power\ngiven: |\n  n = sizes('n')\n  W = matrix('W', n, n)\nsizes: n = 2..3\nsteps: |\n    W**2\n  = W*W\n"
    )
    result = check(parse(Fence("docs/c.md", 1, "derivation", {}, frozenset(), text)))
    assert result.ok and result.status == "checked at n = 2..3 (exactly)"


def test_a_matrix_block_that_expects_unequal_is_shown_unequal_by_a_counterexample() -> None:
    text = (
        "id: swap\ngiven: |\n  n = sizes('n')\n  A, B = matrix('A', n, n), matrix('B', n, n)\n"
        "expect: unequal\nsteps: |\n    A*B\n  = B*A\n"
    )
    result = check(parse(Fence("docs/c.md", 1, "derivation", {}, frozenset(), text)))
    assert result.ok and result.status == "shown unequal by a counterexample, as expected"


def test_the_generic_entry_names_entries_as_the_explicit_mode_does() -> None:
    fence = chapter_block("matrix-output-gradient")
    symbolic = Vocabulary()
    steps = evaluate(parse(fence), symbolic).steps
    entry, _ = generic_entry(steps[-1], symbolic.definitions)
    names = {str(indexed.base) for indexed in entry.atoms(sympy.Indexed)}
    assert names == {"W_ho", "W_ih", "t", "x"}
    explicit = evaluate(parse(fence), Vocabulary({"n": 3, "h": 2, "m": 4})).steps[-1]
    assert {str(indexed.base) for indexed in explicit.atoms(sympy.Indexed)} == names
