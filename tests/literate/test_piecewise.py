"""Functions defined by cases (relu, Max, Piecewise) and tanh in derivation blocks: proved exactly, or refuted."""

import pytest

from litproof.book.mutate import _Mutator
from litproof.core.checker import check
from litproof.core.derivation import parse
from litproof.core.fences import Fence
from litproof.core.latex import step_latex
from litproof.core.vocabulary import Vocabulary


def block(steps: list[str], given: str = "x = scalars('x')", assume: str = "") -> Fence:
    lines = [f"    {steps[0]}", *(f"  = {step}" for step in steps[1:])]
    text = f"id: probe\ngiven: |\n  {given}\nassume: {assume}\nsteps: |\n" + "\n".join(lines) + "\n"
    return Fence("docs/c.md", 1, "derivation", {}, frozenset(), text)


UNIT = "n = sizes('n')\n  i, j = indices('i j')\n  w, x = arrays('w x')\n  z = define('z', Sum(w[i]*x[i], (i, 1, n)))"


@pytest.mark.parametrize(
    ("steps", "given"),
    [
        (["relu(x)", "Max(0, x)", "Piecewise((x, x > 0), (0, x <= 0))"], "x = scalars('x')"),
        (["Max(0, x)", "Piecewise((x, x >= 0), (0, True))"], "x = scalars('x')"),  # the boundary in either case
        (["D(relu(x), x)", "Piecewise((1, x > 0), (0, x < 0))"], "x = scalars('x')"),
        (["D(Max(0, x), x)", "Piecewise((1, x > 0), (0, x < 0))"], "x = scalars('x')"),
        (["relu(x - y) + relu(y - x)", "Piecewise((x - y, x > y), (y - x, True))"], "x, y = scalars('x y')"),
        (["(relu(h) - relu(-h))/(2*h)", "Rational(1, 2)"], "h = scalars('h', positive=True)"),
        (["tanh(x)", "(exp(x) - exp(-x))/(exp(x) + exp(-x))"], "x = scalars('x')"),
        (["tanh(x)", "2*sigmoid(2*x) - 1"], "x = scalars('x')"),
    ],
)
def test_a_true_identity_is_proved_for_all_values(steps: list[str], given: str) -> None:
    result = check(parse(block(steps, given)))
    assert result.ok and result.status == "proved for all values", result.message


def test_the_chain_rule_through_relu_is_proved_for_all_sizes_away_from_0() -> None:
    steps = ["D(relu(z), w[j])", "Piecewise((1, z > 0), (0, z < 0))*x[j]", "Piecewise((x[j], z > 0), (0, z < 0))"]
    result = check(parse(block(steps, UNIT, "1 <= j <= n")))
    assert result.ok and result.status == "proved for all sizes", result.message


@pytest.mark.parametrize(
    ("steps", "given", "where"),
    [
        (["D(relu(x), x)", "Piecewise((1, x > 0), (1, x < 0))"], "x = scalars('x')", "left = 0, right = 1 at x = -"),
        (["relu(x)", "Piecewise((x, x < 0), (0, x >= 0))"], "x = scalars('x')", "at x = "),
        (["D(relu(z), w[j])", "Piecewise((x[j], z > 0), (x[j], z < 0))"], UNIT, "at n = 2"),
        (["tanh(x)", "(exp(x) - exp(-x))/(exp(x) - exp(-x))"], "x = scalars('x')", "at x = "),
        (["tanh(x)", "2*sigmoid(x) - 1"], "x = scalars('x')", "at x = "),
    ],
)
def test_a_wrong_step_fails_with_a_counterexample(steps: list[str], given: str, where: str) -> None:
    result = check(parse(block(steps, given, "1 <= j <= n" if "z" in given else "")))
    assert not result.ok and result.status == "failed"
    assert where in result.message


@pytest.mark.parametrize(
    "second",
    [
        "Piecewise((1, x > 0), (0, x <= 0))",  # the code's convention at 0: a choice, which no proof gives
        "Piecewise((1, x >= 0), (0, x < 0))",
    ],
)
def test_no_slope_is_claimed_where_cases_meet(second: str) -> None:
    for first in ("D(relu(x), x)", "D(Piecewise((x, x > 0), (0, x <= 0)), x)", "D(Max(0, x), x)"):
        result = check(parse(block([first, second])))
        assert not result.ok and result.status == "unproved", (first, result.status)


def test_a_side_undefined_on_part_of_the_line_is_not_equal_to_one_defined_there() -> None:
    result = check(parse(block(["Max(0, x)", "Piecewise((x, x > 0), (0, x < 0))"])))
    assert not result.ok and result.status == "unproved"


def namespace() -> dict:
    names = Vocabulary().namespace()
    exec("x = scalars('x')\nn = sizes('n')\nw, v = arrays('w v')\nj = indices('j')", names)  # noqa: S102
    return names


@pytest.mark.parametrize(
    ("source", "latex"),
    [
        ("relu(x)", r"\operatorname{relu}\left(x\right)"),
        ("Max(0, x)", r"\max\left(0, x\right)"),
        ("Piecewise((x, x > 0), (0, x <= 0))", r"\begin{cases} x & x > 0 \\ 0 & x \le 0 \end{cases}"),
        (
            "Piecewise((v[j], w[j] >= 1 - x), (0, True))",
            r"\begin{cases} v_{j} & w_{j} \ge 1 - x \\ 0 & \text{otherwise} \end{cases}",
        ),
    ],
)
def test_words_with_cases_print_in_the_books_notation(source: str, latex: str) -> None:
    assert step_latex(source, namespace()) == latex


def test_equality_and_chained_comparisons_are_not_printed() -> None:
    with pytest.raises(ValueError, match="cannot print the comparison Eq"):
        step_latex("Piecewise((1, x == 0), (0, True))", namespace())
    with pytest.raises(ValueError, match="chained comparison"):
        step_latex("Piecewise((1, 0 < x < 1), (0, True))", namespace())


def test_a_condition_that_python_settled_is_refused() -> None:
    # `x == 0` compares two formulas and gives False: a case that silently never applies
    result = check(parse(block(["Piecewise((1, x == 0), (0, True))", "0"])))
    assert not result.ok and result.status == "malformed"
    assert "the condition of case 1 is the constant False" in result.message


def test_cases_have_their_own_mutants() -> None:
    kinds = {kind for kind, _ in _Mutator("Piecewise((x, x > 0), (0, x <= 0))", []).mutants()}
    assert {"swap two cases", "flip a comparison", "move a boundary"} <= kinds
