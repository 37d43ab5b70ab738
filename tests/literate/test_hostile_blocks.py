"""Hostile derivation blocks: each is that derivation's failure, with its file and line, never a crash or a hang."""

from __future__ import annotations

import time

import pytest

from litproof.core.checker import check
from litproof.core.derivation import parse
from litproof.core.fences import Fence


def block(given: str, steps: str, extra: str = "") -> Fence:
    lines = "".join(f"  {line}\n" for line in given.splitlines())
    return Fence("docs/c.md", 1, "derivation", {}, frozenset(), f"id: probe\ngiven: |\n{lines}{extra}steps: |\n{steps}")


@pytest.mark.parametrize(
    ("given", "steps", "status", "message"),
    [
        ("x = scalars('x')", "    True\n  = 1\n", "malformed", "docs/c.md:5: probe: step 1 is a condition (True)"),
        ("x = scalars('x')", "    x/0\n  = x/0\n", "malformed", "docs/c.md:5: probe: step 1 is undefined or infinite"),
        (
            "n = sizes('n')\nj = indices('j')\nw = arrays('w')",
            "    Sum(Sum(w[j], (j, 1, n)), (j, 1, n))\n  = n*Sum(w[j], (j, 1, n))\n",
            "ill-formed",
            "docs/c.md:7: probe: step 1 is ill-formed: j",
        ),
    ],
    ids=["a-truth-value", "a-division-by-zero", "a-nested-sum-that-rebinds-its-index"],
)
def test_a_hostile_step_is_reported_with_its_line(given: str, steps: str, status: str, message: str) -> None:
    result = check(parse(block(given, steps)))
    assert not result.ok and result.status == status and result.message.startswith(message), result.message


def test_the_time_limit_covers_given_and_a_loop_there_is_unproved_not_a_hang() -> None:
    started = time.perf_counter()
    result = check(parse(block("x = scalars('x')\nwhile True: pass", "    x\n  = x\n", extra="timeout: 1\n")))
    assert time.perf_counter() - started < 10
    assert not result.ok and result.status == "unproved" and "ran out of time after 1 s" in result.message
    assert result.message.startswith("docs/c.md:1: probe:")


def test_a_large_matrix_that_runs_out_of_time_is_unproved_not_malformed() -> None:
    steps = "    A*A*A*A\n  = A*(A*(A*A))\n"
    big = block("n = sizes('n')\nA = matrix('A', n, n)", steps, extra="sizes: n = 60\ntimeout: 1\n")
    result = check(parse(big))
    assert not result.ok and result.status == "unproved" and "ran out of time" in result.message


def test_a_crash_inside_the_checker_is_that_derivations_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    import litproof.core.checker as checker

    def broken(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(checker, "prove_for_all_sizes", broken)
    result = check(parse(block("x = scalars('x')", "    2*x\n  = x + x\n")))
    assert not result.ok and result.status == "failed"
    assert result.message.startswith("docs/c.md:1: probe: the checker could not handle this block")


UNPRINTABLE = "    x\n  = (x if True else 0)\n"


def test_a_true_step_that_cannot_be_printed_is_its_boxs_failure_with_its_line() -> None:
    from litproof.site.fence import DerivationBoxes

    derivation = parse(block("x = scalars('x')", UNPRINTABLE))
    html = DerivationBoxes().render(derivation)
    assert "derivation-fails" in html and "docs/c.md:6: probe: step 2 cannot be printed" in html


def test_a_notebook_names_the_line_of_a_step_it_cannot_print() -> None:
    from litproof.book.notebooks import derivation_markdown

    text = derivation_markdown(block("x = scalars('x')", UNPRINTABLE), {})
    assert text.startswith("*This derivation could not be printed: docs/c.md:6: cannot print IfExp")
