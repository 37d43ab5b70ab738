"""The checker says yes to right steps and no, with a reason and a line, to wrong ones."""

import dataclasses
from pathlib import Path

import pytest

from litproof.core.checker import check, shadowed_indices
from litproof.core.derivation import parse
from litproof.core.fences import Fence, read_fences

ROOT = Path(__file__).resolve().parents[2]


def seed_block(ident: str) -> Fence:
    fences = read_fences(ROOT / "docs/why-oj.md", ROOT)
    return next(f for f in fences if f.lang == "derivation" and f"id: {ident}\n" in f.text)


def mutated(ident: str, old: str, new: str) -> Fence:
    original = seed_block(ident)
    assert old in original.text
    return dataclasses.replace(original, text=original.text.replace(old, new))


def test_the_seed_derivation_is_proved_for_all_sizes() -> None:
    result = check(parse(seed_block("output-weight-gradient")))
    assert result.ok and result.status == "proved for all sizes"
    assert [pair.method for pair in result.pairs] == ["for all sizes"] * 4


LAST = "= -2*(t[k] - o_k)*o_k*(1 - o_k)*o[j] "


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ("= 2*(t[k] - o_k)*o_k*(1 - o_k)*o[j] ", r"left / right = -1"),
        ("= -2*(t[k] - o_k)*o_k*o[j] ", r"left / right = 1 - \sigma"),
        ("= -2*(t[k] - o_k)*o_k*(1 - o_k)*o[k] ", r"left / right = \frac{o_{j}}{o_{k}}"),
    ],
)
def test_a_wrong_last_step_fails_with_the_chapters_line_both_sides_and_why(new: str, why: str) -> None:
    fence = mutated("output-weight-gradient", LAST, new)
    result = check(parse(fence))
    assert not result.ok and result.status == "failed"
    rows = fence.text.splitlines()
    line = fence.line + rows.index(next(row for row in rows if new.strip() in row))
    first, before, after, reason = result.message.splitlines()[:4]
    assert first == f"docs/why-oj.md:{line}: output-weight-gradient: step 5 does not follow from step 4."
    assert before.startswith("  step 4: - 2") or before.startswith("  step 4: -2")
    assert why in reason and " at " in reason


def test_the_quoted_notation_is_ill_formed_and_its_rewrite_is_not() -> None:
    assert check(parse(seed_block("shadowed-index"))).status == "rejected as ill-formed, as expected"
    fence = mutated("shadowed-index", "expect: ill-formed\n", "")
    result = check(parse(fence))
    assert not result.ok and "j is used both as a summation index and as a free index" in result.message


def test_shadowing_is_found_inside_derivatives_and_nested_sums() -> None:
    import sympy

    n = sympy.Symbol("n", integer=True, positive=True)
    i, j = sympy.symbols("i j", integer=True)
    w = sympy.IndexedBase("w")
    assert shadowed_indices(sympy.Derivative(sympy.Sum(w[j], (j, 1, n)), w[j], evaluate=False)) == {j}
    assert shadowed_indices(sympy.Sum(sympy.Sum(w[i], (i, 1, n)) * w[i], (i, 1, n))) == {i}
    assert shadowed_indices(sympy.Sum(w[i], (i, 1, n)) * w[j]) == set()


def block(steps: str, given: str = "x = scalars('x')", extra: str = "") -> Fence:
    text = f"id: probe\ngiven: |\n  {given}\n{extra}steps: |\n{steps}"
    return Fence("docs/c.md", 1, "derivation", {}, frozenset(), text)


def test_a_proof_that_runs_out_of_time_is_unproved_never_passed() -> None:
    slow = "    (1 + exp(x))**60\n  = (1 + exp(x))**59*(1 + exp(x)) + exp(x) - exp(x) + 1 - 1 + x - x\n"
    result = check(parse(block(slow, extra="timeout: 0.05\n")))
    assert not result.ok and result.status == "unproved"
    assert "ran out of time after 0.05 s" in result.message


def test_expect_unequal_passes_only_with_a_counterexample() -> None:
    assert check(
        parse(
            block(
                "    sigmoid(x)*(1 - sigmoid(x))\n  = sigmoid(sigmoid(x))*(1 - sigmoid(sigmoid(x)))\n",
                extra="expect: unequal\n",
            )
        )
    ).ok
    result = check(parse(block("    2*x\n  = x + x\n", extra="expect: unequal\n")))
    assert not result.ok and "expected the two steps to differ" in result.message


def matrix_block(second: str, sizes: str) -> Fence:
    text = (
        "id: back\ngiven: |\n  n, m = sizes('n m')\n  W = matrix('W', m, n)\n  e = vector('e', m)\n"
        f"sizes: {sizes}\nsteps: |\n    W.T*e\n  = {second}\n"
    )
    return Fence("docs/c.md", 1, "derivation", {}, frozenset(), text)


def test_matrix_steps_are_proved_for_all_sizes_and_a_missing_transpose_is_caught() -> None:
    assert check(parse(matrix_block("(e.T*W).T", "n = 3, m = 2"))).status == "proved for all sizes"
    result = check(parse(matrix_block("W*e", "n = 3, m = 2")))
    assert not result.ok and result.message.startswith("docs/c.md:9: back: step 2 cannot be formed")
    assert "inner dimensions n != m" in result.message


def test_a_matrix_derivation_needs_no_sizes_when_it_is_proved_for_all_sizes() -> None:
    given = "  n, m = sizes('n m')\n  W = matrix('W', m, n)\n  e = vector('e', m)\n"
    text = f"id: back\ngiven: |\n{given}steps: |\n    W.T*e\n  = (e.T*W).T\n"
    result = check(parse(Fence("docs/c.md", 1, "derivation", {}, frozenset(), text)))
    assert result.ok and result.status == "proved for all sizes"
    missing = check(parse(Fence("docs/c.md", 1, "derivation", {}, frozenset(), text.replace("(e.T*W).T", "W*e"))))
    assert not missing.ok and missing.message.startswith("docs/c.md:8: back: step 2 cannot be formed")


def square_block(second: str, sizes: str) -> Fence:
    text = (
        "id: square\ngiven: |\n  n = sizes('n')\n  W = matrix('W', n, n)\n  e = vector('e', n)\n"
        f"{sizes}steps: |\n    W.T*e\n  = {second}\n"
    )
    return Fence("docs/c.md", 1, "derivation", {}, frozenset(), text)


def test_a_missing_transpose_of_a_square_matrix_is_caught_by_its_entries() -> None:
    result = check(parse(square_block("W*e", "")))
    assert not result.ok and result.status == "failed" and "at n = 2" in result.message


def test_a_matrix_derivation_not_proved_for_all_sizes_must_list_sizes_that_all_differ(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import litproof.core.checker as checker

    monkeypatch.setattr(checker, "prove_for_all_sizes", lambda a, b, d, r: (False, a, b))
    assert check(parse(matrix_block("(e.T*W).T", "n = 3, m = 2"))).status == "checked at n = 3, m = 2 (exactly)"
    square = check(parse(matrix_block("(e.T*W).T", "n = 2, m = 2")))
    assert not square.ok and square.status == "unproved" and "all different from each other" in square.message
    unlisted = check(parse(square_block("(e.T*W).T", "")))
    assert not unlisted.ok and unlisted.status == "unproved"


def test_without_a_proof_for_all_sizes_agreement_at_probe_sizes_is_not_a_pass() -> None:
    # sum_{i=1}^{n} i = n (n + 1) / 2 holds, but this checker has no induction: unproved, not passed.
    text = (
        "id: gauss\ngiven: |\n  n = sizes('n')\n  i = indices('i')\nsteps: |\n    Sum(i, (i, 1, n))\n  = n*(n + 1)/2\n"
    )
    result = check(parse(Fence("docs/c.md", 1, "derivation", {}, frozenset(), text)))
    assert not result.ok and result.status == "unproved"
    listed = check(parse(Fence("docs/c.md", 1, "derivation", {}, frozenset(), text + "sizes: n = 1..5\n")))
    assert listed.ok and listed.status == "checked at n = 1..5 (exactly)"


def sized_block(ident: str, given: str, first: str, second: str, sizes: str = "n = 2") -> Fence:
    text = f"id: {ident}\ngiven: |\n  n = sizes('n')\n  {given}\nsizes: {sizes}\nsteps: |\n    {first}\n  = {second}\n"
    return Fence("docs/c.md", 1, "derivation", {}, frozenset(), text)


@pytest.mark.parametrize("ident", ["probe", "output-weight", "a", "b", "c", "zz-9"])
@pytest.mark.parametrize(
    ("given", "first", "second"),
    [
        ("x = scalars('x')", "sqrt(x**2)", "x"),
        ("x = scalars('x')", "sqrt((x - Rational(1, 2))**2)", "x - Rational(1, 2)"),
        ("x, y = scalars('x y')", "log(x*y)", "log(x) + log(y)"),
        ("x, a, b = scalars('x a b')", "(x**a)**b", "x**(a*b)"),
    ],
)
def test_an_identity_true_only_on_part_of_the_domain_fails_whatever_the_id(
    ident: str, given: str, first: str, second: str
) -> None:
    for fence in (sized_block(ident, given, first, second), block(f"    {first}\n  = {second}\n", given)):
        result = check(parse(fence))
        assert not result.ok and result.status == "failed", result.status
        assert result.message.startswith("docs/c.md:") and " at " in result.message


def test_a_declared_positive_domain_is_what_makes_the_log_rule_hold() -> None:
    result = check(parse(block("    log(x*y)\n  = log(x) + log(y)\n", "x, y = scalars('x y', positive=True)")))
    assert result.ok and result.status == "proved for all values"


def test_agreement_at_points_is_never_a_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    # An identity that the exact comparison cannot settle is unproved, though it holds at every point tried.
    import litproof.core.checker as checker

    monkeypatch.setattr(checker, "prove_for_all_sizes", lambda a, b, d, r: (False, a, b))
    monkeypatch.setattr(checker, "exactly_equal", lambda x, y: False)
    result = check(parse(sized_block("probe", "x = scalars('x')", "2*x", "x + x")))
    assert not result.ok and result.status == "unproved"
    assert "no exact comparison shows the two sides equal" in result.message
