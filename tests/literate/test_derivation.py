"""Malformed derivation blocks: each is one sentence with the chapter's line."""

import pytest

from litproof.core.checker import check
from litproof.core.derivation import DerivationError, parse
from litproof.core.fences import Fence

GOOD = """id: square
given: |
  x = scalars('x')
steps: |
    D(x**2, x)
  = 2*x          # power rule
"""


def block(text: str, line: int = 10) -> Fence:
    return Fence("docs/c.md", line, "derivation", {}, frozenset(), text)


def test_a_good_block_reads_its_steps_lines_and_justifications() -> None:
    derivation = parse(block(GOOD))
    assert [(s.source, s.why, s.line) for s in derivation.steps] == [("D(x**2, x)", "", 14), ("2*x", "power rule", 15)]
    assert check(derivation).ok


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: a\ngiven: |\n  x = scalars('x')\n", r"docs/c.md:10: derivation a has no `steps:`"),
        ("id: a\nsteps: |\n  x\n", r"docs/c.md:12: derivation a needs at least two steps"),
        (GOOD.replace("id: square", "id: Square Root"), r"docs/c.md:10: a derivation needs an `id:`"),
        (GOOD + "colour: red\n", r"docs/c.md:16: unknown key `colour:`"),
        (GOOD + "id: again\n", r"docs/c.md:16: the key `id:` appears twice"),
        (GOOD + "sizes: n = two\n", r"docs/c.md:16: `sizes:` expects entries like `n = 2..4`"),
        (GOOD + "assume: j < n\n", r"docs/c.md:16: `assume:` expects ranges like `1 <= j <= n`"),
        (GOOD + "expect: maybe\n", r"docs/c.md:16: `expect:` must be one of"),
        (GOOD + "timeout: -1\n", r"docs/c.md:16: `timeout:` must be a positive number"),
        (GOOD.replace("  = 2*x", "  2*x"), r"docs/c.md:15: a step after the first must start with `=`"),
        ("steps: |\n  x\n  = x\n", r"docs/c.md:10: a derivation needs an `id:`"),
        ("just some text\n", r"docs/c.md:10: a derivation block must start with `key: value` lines"),
    ],
)
def test_malformed_blocks_are_refused_with_their_line(text: str, message: str) -> None:
    with pytest.raises(DerivationError, match=message):
        parse(block(text))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("= 2*x", "= 2*y", r"docs/c.md:15: square: step 2 uses an unknown name: name 'y' is not defined"),
        ("= 2*x", "= 2*x +", r"docs/c.md:15: square: step 2 is not an expression"),
        ("= 2*x", "= 'two x'", r"docs/c.md:15: square: step 2 is a str, not a formula"),
        ("x = scalars('x')", "x = symbols('x')", r"docs/c.md:12: square: unknown name in `given:`"),
        ("x = scalars('x')", "x = scalars('x'", r"docs/c.md:12: square: `given:` is not valid Python"),
    ],
)
def test_steps_and_givens_that_do_not_evaluate_fail_the_check_with_their_line(old: str, new: str, message: str) -> None:
    result = check(parse(block(GOOD.replace(old, new))))
    assert not result.ok
    assert result.status == "malformed"
    assert pytest.approx(0, abs=5) == result.seconds
    assert __import__("re").search(message, result.message), result.message
