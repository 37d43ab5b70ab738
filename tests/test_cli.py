"""The command line as a newcomer meets it: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nnlit.cli import build_parser
from tests.helpers import BookMaker, fence

ROOT = Path(__file__).resolve().parents[1]


def nnlit(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nnlit", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "the following arguments are required: command"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["train", "--epochs", "-1"], "argument --epochs: -1 must be at least 1"),
        (["train", "--hidden", "0"], "argument --hidden: 0 must be at least 1"),
        (["train", "--lr", "nan"], "argument --lr: nan must be a positive finite number"),
        (["train", "--seed", "-1"], "argument --seed: -1 must be at least 0"),
        (["train", "--hidden", "1000000"], "argument --hidden: 1000000 is more than 4096, the most that fits"),
        (["train", "--batch", "99999"], "argument --batch: 99999 is more than 10000, the most that fits in memory"),
        (["train", "--batch", "two"], "argument --batch: 'two' is not a whole number"),
        (["train", "--data", "cifar"], "argument --data: invalid choice: 'cifar'"),
        (["backquery", "12", "-o", "x.png"], "argument DIGIT: '12' is not a digit from 0 to 9"),
        (["backquery", "3"], "the following arguments are required: -o/--out"),
        (["predict"], "the following arguments are required: IMAGE"),
        (["verify", "--format", "pdf"], "argument --format: invalid choice: 'pdf'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = nnlit(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def every_parser(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from every_parser(sub)


@pytest.mark.parametrize("parser", list(every_parser(build_parser())), ids=lambda parser: parser.prog)
def test_every_option_says_what_it_means_and_shows_its_default(parser: argparse.ArgumentParser) -> None:
    formatter = parser.formatter_class(prog=parser.prog)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        assert action.help, f"{parser.prog} {action.dest} has no help"
        if action.option_strings and action.default not in (None, False, argparse.SUPPRESS):
            shown = formatter._expand_help(action)  # the help as printed, %(default)s filled in
            assert f"(default: {action.default}" in shown, f"{parser.prog} {action.option_strings[0]}: {shown}"


def test_verify_lists_the_seed_chapters_derivations() -> None:
    result = nnlit("verify", "docs/why-oj.md")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("output-weight-gradient") and "docs/why-oj.md:" in line for line in lines)
    assert "proved for all sizes" in result.stdout
    assert lines[-1].endswith("s of checking.") and ", all hold, " in lines[-1]
    assert len(lines) - 1 == int(lines[-1].split()[0])  # one line per derivation, then the summary


WRONG = """id: wrong
given: |
  x = scalars('x')
steps: |
    D(x**3, x)
  = 3*x      # power rule
"""


def test_verify_exits_1_on_a_wrong_step_with_a_line_starting_docs(make_book: BookMaker) -> None:
    root = make_book({"c.md": "# C\n\n" + fence("derivation", WRONG)})
    result = nnlit("--root", str(root), "verify")
    assert result.returncode == 1
    assert result.stdout.startswith("docs/c.md:9: wrong: step 2 does not follow from step 1.")
    assert "left / right = x" in result.stdout


def test_verify_of_a_file_that_is_not_a_chapter_is_one_sentence() -> None:
    result = nnlit("verify", "no/such.md")
    assert result.returncode == 1
    expected = "nnlit verify: no/such.md is not a Markdown chapter (expected a file like docs/why-oj.md).\n"
    assert result.stderr == expected


def test_tangle_refuses_a_hand_edit_and_check_shows_the_diff(make_book: BookMaker) -> None:
    root = make_book({"c.md": fence("python", "X = 1", 'title="nnlit/x.py"')})
    assert nnlit("--root", str(root), "tangle").returncode == 0
    assert nnlit("--root", str(root), "tangle", "--check").returncode == 0
    module = root / "nnlit/x.py"
    module.write_text(module.read_text().replace("X = 1", "X = 2"))
    refused = nnlit("--root", str(root), "tangle")
    assert refused.returncode == 1 and "nnlit/x.py was edited by hand" in refused.stderr
    assert "X = 2" in module.read_text()
    check = nnlit("--root", str(root), "tangle", "--check")
    assert check.returncode == 1 and "-X = 2\n+X = 1" in check.stdout


def test_outside_a_book_tangle_says_where_to_run_it(tmp_path: Path) -> None:
    result = nnlit("tangle", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("nnlit tangle: no mkdocs.yml in ")
