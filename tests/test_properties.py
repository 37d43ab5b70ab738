"""Properties that must hold for every input, not just the ones we thought of (hypothesis)."""

from __future__ import annotations

import ast
import keyword
import string
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from litproof.book import tangle
from litproof.book.model import Book
from litproof.core.latex import step_latex
from litproof.core.vocabulary import Vocabulary
from nnlit.activations import sigmoid, sigmoid_derivative
from nnlit.mnist import read_idx, write_idx
from nnlit.network import logit

# --- the IDX reader reads back what the writer wrote ---------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    array=st.one_of(
        arrays(np.uint8, st.tuples(st.integers(0, 5), st.integers(1, 6), st.integers(1, 6))),
        arrays(np.uint8, st.tuples(st.integers(0, 40))),
    ),
    compressed=st.booleans(),
)
def test_idx_round_trip(tmp_path: Path, array: np.ndarray, compressed: bool) -> None:
    path = tmp_path / ("a.idx.gz" if compressed else "a.idx")
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.uint8 and back.shape == array.shape
    assert np.array_equal(back, array)


# --- tangling is idempotent ------------------------------------------------------------------

names = st.text(string.ascii_lowercase, min_size=1, max_size=8).filter(lambda s: not keyword.iskeyword(s))


@st.composite
def chapters(draw: st.DrawFn) -> dict[str, list[tuple[str, str]]]:
    """Chapters of prose and titled blocks defining distinct functions in a few modules."""
    functions = draw(st.lists(names, min_size=1, max_size=6, unique=True))
    book: dict[str, list[tuple[str, str]]] = {}
    for number, function in enumerate(functions):
        chapter = f"c{draw(st.integers(0, 2))}.md"
        module = f"nnlit/m{draw(st.integers(0, 1))}.py"
        prose = draw(st.text(string.ascii_letters + " .,", max_size=30))
        book.setdefault(chapter, []).append(
            (prose, f'```python title="{module}"\ndef {function}():\n    return {number}\n```\n')
        )
    return book


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(book=chapters())
def test_tangling_twice_changes_nothing(tmp_path_factory: pytest.TempPathFactory, book: dict) -> None:
    root = tmp_path_factory.mktemp("book")
    (root / "docs").mkdir()
    (root / "nnlit").mkdir()
    for chapter, parts in book.items():
        (root / "docs" / chapter).write_text("# Title\n\n" + "\n".join(f"{p}\n\n{b}" for p, b in parts))
    nav = "".join(f"  - {c}\n" for c in sorted(book))
    (root / "mkdocs.yml").write_text(f"nav:\n{nav}plugins:\n  - litproof:\n      package: nnlit\n")
    first = tangle.tangle(Book.at(root))
    texts = {p: p.read_text() for p in (root / "nnlit").glob("*.py")}
    assert len(first) == len(texts)
    assert tangle.tangle(Book.at(root)) == []
    assert {p: p.read_text() for p in (root / "nnlit").glob("*.py")} == texts
    again = Book.at(root)
    assert tangle.diff(again, tangle.plan(again)) == ""
    for text in texts.values():
        ast.parse(text)  # the joined module is valid Python


# --- the step printer: balanced braces, the same output every time ----------------------------

VOCABULARY = Vocabulary()
NAMESPACE = VOCABULARY.namespace()
exec("x, y = scalars('x y')\nw, o = arrays('w o')\ni, j = indices('i j')\nn = sizes('n')", NAMESPACE)  # noqa: S102

leaves = st.sampled_from(["x", "y", "o[i]", "w[i, j]", "2", "1"])
# (printing needs only the names; whether a random step evaluates, e.g. without dividing by zero, is not its concern)


def combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(
        lambda t: f"({t[0]}) {t[1]} ({t[2]})" if t[1] != "**" else f"({t[0]})**2"
    )
    calls = st.tuples(st.sampled_from(["sigmoid", "exp", "log", "-"]), children).map(
        lambda t: f"-({t[1]})" if t[0] == "-" else f"{t[0]}({t[1]})"
    )
    derivatives = children.map(lambda c: f"D({c}, x)")
    sums = children.map(lambda c: f"Sum({c}, (i, 1, n))")
    return st.one_of(binary, calls, derivatives, sums)


expressions = st.recursive(leaves, combine, max_leaves=8)


def balanced(text: str) -> bool:
    depth = 0
    for char in text.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0 and text.count(r"\left(") == text.count(r"\right)")


@settings(max_examples=200, deadline=None)
@given(source=expressions)
def test_printed_steps_are_balanced_and_stable(source: str) -> None:
    printed = step_latex(source, NAMESPACE)
    assert balanced(printed), printed
    assert step_latex(source, NAMESPACE) == printed


# --- numerical safety at extreme inputs --------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=200, deadline=None)
@given(x=arrays(np.float64, st.integers(1, 20), elements=finite))
def test_sigmoid_is_finite_in_range_and_quiet(x: np.ndarray) -> None:
    with np.errstate(all="raise"):
        s = sigmoid(x)
        d = sigmoid_derivative(x)
    assert np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))
    assert np.all(np.isfinite(d)) and np.all((d >= 0) & (d <= 0.25))


@settings(max_examples=200, deadline=None)
@given(x=arrays(np.float32, st.integers(1, 20), elements=st.floats(allow_nan=False, allow_infinity=False, width=32)))
def test_sigmoid_keeps_float32_and_stays_quiet(x: np.ndarray) -> None:
    with np.errstate(all="raise"):
        s = sigmoid(x)
    assert s.dtype == np.float32 and np.all(np.isfinite(s))


@settings(max_examples=200, deadline=None)
@given(y=arrays(np.float64, st.integers(1, 20), elements=st.floats(1e-300, 1 - 1e-16)))
def test_logit_is_finite_and_quiet_inside_the_unit_interval(y: np.ndarray) -> None:
    with np.errstate(all="raise"):
        z = logit(y)
    assert np.all(np.isfinite(z))
