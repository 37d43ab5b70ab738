"""`nnlit verify --format`: plain-text math for a terminal, LaTeX as the checker writes it, JSON Lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from litproof.book.model import Book
from litproof.core.derivation import Derivation, DerivationError, evaluate
from litproof.core.latex import step_latex
from litproof.core.plain_math import plain
from litproof.core.vocabulary import Vocabulary
from nnlit.cli import main
from tests.helpers import BookMaker, fence

ROOT = Path(__file__).resolve().parents[1]

HOLDS = """id: holds
given: |
  x = scalars('x')
steps: |
    D(x**2, x)
  = 2*x      # power rule
"""

WRONG = """id: wrong-slope
given: |
  x = scalars('x')
steps: |
    D(sigmoid(x), x)
  = sigmoid(x)*(1 + sigmoid(x))   # a sign lost
"""

MALFORMED = """id: no-steps
given: |
  x = scalars('x')
"""


@pytest.fixture
def book(make_book: BookMaker) -> Path:
    """A chapter with a derivation that holds, one that fails and a malformed block; and one that is not UTF-8."""
    text = "# C\n\n" + "\n".join(fence("derivation", block) for block in (HOLDS, WRONG, MALFORMED))
    root = make_book({"c.md": text, "bad.md": ""})
    (root / "docs/bad.md").write_bytes(b"# B\n\xff\n")
    return root


def run(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["--root", str(root), "verify", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def without_times(text: str) -> str:
    return re.sub(r"\d+\.\d+ s", "T s", text)


def test_latex_is_the_checkers_message(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(book, "--format", "latex", capsys=capsys)
    assert status == 1
    assert err == "nnlit verify: docs/bad.md is not UTF-8 text (the byte 0xff at offset 4).\n"
    lines = out.splitlines()
    assert lines[0].startswith("holds ") and "proved for all values" in lines[0]
    assert lines[1] == "docs/c.md:18: wrong-slope: step 2 does not follow from step 1."
    assert lines[2] == r"  step 1: \frac{\partial}{\partial x}\left(\sigma\left(x\right)\right)"
    assert lines[3] == r"  step 2: \sigma\left(x\right) \left(1 + \sigma\left(x\right)\right)"
    assert lines[4].startswith(r"  why: left - right = - 2 \sigma\left(x\right)^{2}; left = ")
    assert lines[6].startswith("docs/c.md:22: ")  # the malformed block, as it is
    assert lines[-1].startswith("2 derivations, 3 failed, ")


def test_text_is_the_latex_report_with_plain_math_in_the_step_and_why_lines(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(book, capsys=capsys)  # text is the default
    assert status == 1 and "not UTF-8" in err
    latex = run(book, "--format", "latex", capsys=capsys)[1]
    math = [line for line in out.splitlines() if line.startswith(("  step ", "  why: "))]
    assert len(math) == 3
    assert math[0] == "  step 1: ∂/∂x (σ(x))"
    assert math[1] == "  step 2: σ(x) (1 + σ(x))"
    assert math[2].startswith("  why: left − right = −2 σ(x)²; left = ")
    assert not any("\\" in line for line in math)
    expected = [
        re.sub(r"^(  (?:step \d+|why): )(.*)$", lambda found: found.group(1) + plain(found.group(2)), line)
        for line in latex.splitlines()
    ]
    assert without_times(out).splitlines() == without_times("\n".join(expected)).splitlines()


def test_json_is_one_object_per_derivation_block_and_chapter_then_the_summary(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(book, "--format", "json", "--times", capsys=capsys)
    assert status == 1 and "not UTF-8" in err  # the sentence for a person, the object for a program
    records = [json.loads(line) for line in out.splitlines()]
    keys = {"id", "file", "line", "status", "verdict", "seconds"}
    error, holds, wrong, malformed, summary = records
    assert error["status"] == "error" and error["file"] == "docs/bad.md" and error["line"] is None
    assert keys | {"pairs"} == set(holds)
    assert (holds["id"], holds["file"], holds["status"], holds["verdict"]) == (
        "holds",
        "docs/c.md",
        "proved for all values",
        "proved",
    )
    assert holds["pairs"][0]["steps"] == [1, 2] and holds["pairs"][0]["method"] == "for all values"
    assert keys | {"step", "reason", "message", "pairs"} == set(wrong)
    assert (wrong["id"], wrong["line"], wrong["verdict"], wrong["step"]) == ("wrong-slope", 13, "failed", 2)
    assert wrong["reason"].startswith(r"left - right = - 2 \sigma") and wrong["reason"] in wrong["message"]
    assert wrong["message"].startswith("docs/c.md:18: wrong-slope: step 2 does not follow from step 1.\n")
    assert (malformed["status"], malformed["verdict"], malformed["file"]) == ("malformed", "malformed", "docs/c.md")
    assert malformed["line"] == 22 and "no `steps:`" in malformed["message"]
    assert summary == {"summary": summary["summary"], "derivations": 2, "failed": 3, "seconds": summary["seconds"]}
    assert summary["summary"].startswith("2 derivations, 3 failed, ")


def test_json_of_a_book_that_holds_exits_0(make_book: BookMaker, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_book({"c.md": fence("derivation", HOLDS)})
    status, out, _ = run(root, "--format", "json", capsys=capsys)
    assert status == 0
    first, summary = (json.loads(line) for line in out.splitlines())
    assert first["verdict"] == "proved" and "step" not in first
    assert summary["failed"] == 0


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"\sigma\left(x\right)", "σ(x)"),
        (r"\operatorname{relu}\left(x\right)", "relu(x)"),
        (r"\operatorname{softplus}\left(z_{j}\right)", "softplus(z_j)"),  # a word of the book's vocabulary
        (r"\sum_{i=1}^{n} w_{ik} o_{i}", "∑_{i=1}^{n} w_ik o_i"),
        (r"\sum_{\substack{1 \leq l \leq m\\1 \leq b \leq B}} x_{bl}", "∑_{1 ≤ l ≤ m, 1 ≤ b ≤ B} x_bl"),
        (r"\frac{\partial E}{\partial w_{jk}}", "∂E/∂w_jk"),
        (r"\frac{\partial}{\partial x}\left(x^{3}\right)", "∂/∂x (x³)"),
        (r"\frac{\eta}{2} x", "η/2 x"),
        (r"\frac{t_{k} - o_{k}}{\sigma\left(z\right)}", "(t_k − o_k)/σ(z)"),
        (r"\frac{1}{1 + e^{-\log\left(99\right)}}", "1/(1 + e^{−log(99)})"),
        (r"\left(o \odot \left(\mathbf{1} - o\right)\right) h^{\top}", "(o ⊙ (𝟏 − o)) hᵀ"),
        (r"W_{ho}^{\top} \delta_{o}", "W_hoᵀ δ_o"),
        (r"\Delta_{h}^{\top} X", "Δ_hᵀ X"),
        (r"x \cdot 2", "x · 2"),
        (r"x \le 0", "x ≤ 0"),
        (r"k \geq 1 \wedge k \leq m", "k ≥ 1 ∧ k ≤ m"),
        (r"\delta_{ij} + \delta_{i,j}", "δ_ij + δ_{i,j}"),
        (r"w_{0,k} x^{-1} e^{z_{l}} w^{ho}_{jk}", "w_{0,k} x⁻¹ e^{z_l} w^{ho}_jk"),
        (r"\left\lVert t - o \right\rVert^{2}", "‖t − o‖²"),
        (r"1 - \tanh^{2}{\left(x \right)}", "1 − tanh²(x)"),  # SymPy's way of printing a function
        (r"- \left(1 + x\right) \left(- 2 x\right)", "−(1 + x) (−2 x)"),
        (r"\max\left(0, x\right) \sqrt{x + 1}", "max(0, x) √(x + 1)"),
        (r"\begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}", "{1 if x > 0; 0 if x < 0}"),
        (r"\begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}", "{x if x > 0; 0 otherwise}"),
        (r"\left(x\right)_{ij}", "(x)_ij"),
        ("entry (1, 2): left = -0.5 at w[1, 2] = -1", "entry (1, 2): left = −0.5 at w[1, 2] = −1"),
        ("unproved: a non-square case", "unproved: a non-square case"),
        (r"\unknown{x}", "unknownx"),  # never a backslash, whatever the printers write next
    ],
)
def test_plain(latex: str, text: str) -> None:
    assert plain(latex) == text


def test_every_step_of_the_book_prints_in_plain_text_without_a_backslash() -> None:
    book = Book.at(ROOT)
    printed = 0
    for chapter in book.chapters_to_check():
        for block in book.derivations(chapter):
            if not isinstance(block, Derivation):
                continue
            try:
                namespace = evaluate(block, Vocabulary()).namespace
            except DerivationError:  # that block's own failure, which verify reports
                continue
            for step in block.steps:
                text = plain(step_latex(step.source, namespace))
                assert "\\" not in text, f"{block.where}: {step.source} -> {text}"
                printed += 1
    assert printed > 100
