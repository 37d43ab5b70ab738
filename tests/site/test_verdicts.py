"""The page shows the verdict its own build computed: a wrong, malformed or reused block fails the build.

Each test builds a one-page book in a scratch folder with this book's MkDocs plugin
(a few seconds a build), once with `--strict` and once without.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from litproof.book.verdicts import CACHE_FILE, VerdictCache
from litproof.core.derivation import Derivation, parse
from litproof.core.fences import Fence

REPO = Path(__file__).resolve().parents[2]
CONFIG = """site_name: probe
nav:
  - Probe: probe.md
plugins:
  - litproof:
      cite_boxes: false
      notebooks: false
      mathjax: false
markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
"""
SIGMOID = """```derivation
id: sigmoid-derivative
title: The slope of the sigmoid
given: |
  x = scalars('x')
steps: |
    D(1/(1 + exp(-x)), x)
  = exp(-x)/(1 + exp(-x))**2                   # chain rule
  = 1/(1 + exp(-x))*(1 - 1/(1 + exp(-x)))      # split the fraction
  = sigmoid(x)*(1 - sigmoid(x))                # the definition of sigma
```
"""
SQRT = """```derivation
id: sqrt-of-square
given: |
  n = sizes('n')
  x = scalars('x')
sizes: n = 2
steps: |
    sqrt(x**2)
  = x
```
"""


def build(root: Path, page: str, strict: bool) -> tuple[int, str, str]:
    """(exit code, MkDocs' output, the built page's HTML) for a one-page book."""
    (root / "docs").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(CONFIG)
    (root / "docs/probe.md").write_text(f"# Probe\n\nSome prose.\n\n{page}")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "site")]
    result = subprocess.run(
        [*command, "--strict"] if strict else command,
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    built = root / "site/probe/index.html"
    return result.returncode, result.stdout + result.stderr, built.read_text() if built.exists() else ""


def line_of(page: str, text: str) -> int:
    """The line of `text` in docs/probe.md, whose page starts after four lines of heading and prose."""
    return 4 + next(number for number, row in enumerate(page.splitlines(), 1) if row.strip().startswith(text))


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (SIGMOID.replace("(1 - sigmoid(x))", "(1 + sigmoid(x))"), r"docs/probe.md:{line}: sigmoid-derivative: step 4"),
        (SQRT, r"docs/probe.md:{line}: sqrt-of-square: step 2 does not follow"),
    ],
    ids=["sigmoid-with-a-wrong-sign", "sqrt-of-a-square"],
)
def test_a_wrong_step_fails_the_strict_build_and_is_marked_on_the_page(
    tmp_path: Path, page: str, expected: str
) -> None:
    wrong = page.splitlines()[-2].strip()
    line = line_of(page, wrong)
    code, output, _ = build(tmp_path, page, strict=True)
    assert code != 0 and expected.format(line=line) in output, output
    code, output, html = build(tmp_path, page, strict=False)
    assert code == 0 and "derivation derivation-fails" in html and "Does not hold." in html
    assert "proved equal to the one before" not in html


def test_the_right_steps_are_shown_as_proved_with_their_premises(tmp_path: Path) -> None:
    code, output, html = build(tmp_path, SIGMOID, strict=True)
    assert code == 0, output
    assert "derivation derivation-holds" in html and "proved equal to the one before" in html
    assert "Checked by SymPy when this page was built" in html


def test_a_malformed_block_fails_the_build_and_never_shows_as_raw_text(tmp_path: Path) -> None:
    page = SIGMOID.replace("steps: |", "stepz: |")
    code, output, _ = build(tmp_path, page, strict=True)
    assert code != 0 and re.search(r"docs/probe.md:\d+: unknown key `stepz:`", output), output
    code, _, html = build(tmp_path, page, strict=False)
    assert code == 0 and "derivation-fails" in html and "unknown key" in html
    # the block's text appears once, inside its failure box, and not as a code block of its own
    assert html.count("id: sigmoid-derivative") == 1 and "language-derivation" not in html


def test_an_id_used_twice_fails_the_build(tmp_path: Path) -> None:
    code, output, _ = build(tmp_path, SIGMOID + "\n" + SIGMOID, strict=True)
    assert code != 0 and "the id sigmoid-derivative is already used at docs/probe.md:6" in output, output


def test_verdicts_are_kept_for_the_next_build_and_a_changed_block_is_checked_again(tmp_path: Path) -> None:
    assert build(tmp_path, SIGMOID, strict=True)[0] == 0
    cache = (tmp_path / CACHE_FILE).read_text()
    assert '"ok": true' in cache and "proved for all values" in cache
    code, output, _ = build(tmp_path, SIGMOID.replace("(1 - sigmoid(x))", "(1 + sigmoid(x))"), strict=True)
    assert code != 0 and "does not follow" in output


def test_a_verdict_is_checked_again_when_a_block_it_uses_changes() -> None:
    def block(ident: str, steps: str, uses: str = "", line: int = 2) -> Derivation:
        head = f"id: {ident}\n" + (f"uses: {uses}\n" if uses else "")
        text = head + f"given: |\n  x = scalars('x')\nsteps: |\n{steps}"
        return parse(Fence("docs/probe.md", line, "derivation", {}, frozenset(), text))

    lemma = block("lemma", "    D(x**2, x)\n  = 2*x\n")
    user = block("user", "    D(x**2 + 1, x)\n  = 2*x\n", uses="lemma", line=20)
    alone = block("alone", "    D(x**2 + 1, x)\n  = 2*x\n", line=20)
    cache = VerdictCache(None, blocks=[lemma, user])
    key = cache.key(user)
    assert cache.key(alone) == VerdictCache(None).key(alone), "a block that uses nothing keeps its key"
    assert VerdictCache(None, blocks=[lemma, user]).key(user) == key, "the same blocks, the same key"
    edited = block("lemma", "    D(x**2, x)\n  = x*2\n")
    assert VerdictCache(None, blocks=[edited, user]).key(user) != key, "the block it uses changed"
    assert cache.verdict(user).ok and cache.checked == 1
    assert VerdictCache(None, blocks=[edited, user]).verdict(user).ok  # checked again, not looked up
    looping = block("user", "    D(x**2 + 1, x)\n  = 2*x\n", uses="user, lemma", line=20)
    assert VerdictCache(None, blocks=[lemma, looping]).key(looping)  # a wrong `uses:` naming itself ends


def test_a_verdict_that_ran_out_of_time_is_checked_once_per_build_and_never_kept(tmp_path: Path) -> None:
    # a trinomial to the 150th power expands into thousands of terms: seconds of work, however fast the machine
    slow = "    (1 + exp(x) + x)**150\n  = (1 + exp(x) + x)**149*(1 + exp(x) + x) + exp(x) - exp(x)\n"
    text = f"id: slow\ngiven: |\n  x = scalars('x')\ntimeout: 0.05\nsteps: |\n{slow}"
    block = parse(Fence("docs/probe.md", 2, "derivation", {}, frozenset(), text))
    cache = VerdictCache(tmp_path)
    first = cache.verdict(block)
    assert not first.ok and "ran out of time" in first.message
    assert cache.verdict(block) == first and cache.checked == 1, "its box, its copy and its page ask once"
    cache.save()
    assert not (tmp_path / CACHE_FILE).exists() or "slow" not in (tmp_path / CACHE_FILE).read_text()
    assert VerdictCache(tmp_path).verdicts == {}, "the next build checks it again"
