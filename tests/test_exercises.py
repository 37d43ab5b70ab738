"""The code solutions of the chapters' exercises run and their assertions hold.

Solutions sit inside collapsed `??? success "Solution"` admonitions, so their code
is indented, which pytest-markdown-docs does not collect; they are read here with
the book's own fence reader (derivation solutions are checked by `nnlit verify`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from litproof.book.model import Book
from litproof.core.fences import Fence

ROOT = Path(__file__).resolve().parents[1]
BOOK = Book.at(ROOT)  # the chapters in nav order, each read once
_EXERCISES = re.compile(r"^## Exercises\s*$", re.MULTILINE)


def exercise_fences(kind: str) -> list[Fence]:
    """The indented fences of language `kind` below each chapter's "## Exercises" heading."""
    found = []
    for chapter in BOOK.chapters:
        text = chapter.read_text(encoding="utf-8")
        heading = _EXERCISES.search(text)
        if heading is None:
            continue
        first_line = text.count("\n", 0, heading.start()) + 1
        lines = text.splitlines()
        for fence in BOOK.fences(chapter):
            opening = lines[fence.line - 2]  # the fence's opening line, just above its content
            indented = opening.startswith(" ")
            if fence.lang == kind and fence.line > first_line and indented and "title" not in fence.attrs:
                found.append(fence)
    return found


SOLUTIONS = exercise_fences("python")


@pytest.mark.parametrize("fence", SOLUTIONS, ids=[fence.where for fence in SOLUTIONS])
def test_code_solution_runs(fence: Fence) -> None:
    code = compile(fence.text, fence.where, "exec")
    exec(code, {"__name__": "__exercise__"})  # noqa: S102  (the book's own code, as pytest runs examples)


def test_every_chapter_has_at_least_three_exercises_with_solutions() -> None:
    for chapter in BOOK.chapters:
        if chapter.name in {"index.md", "api.md", "checking.md", "performance.md", "map.md"}:
            continue
        text = chapter.read_text(encoding="utf-8")
        heading = _EXERCISES.search(text)
        assert heading is not None, f"{chapter.name} has no Exercises section"
        section = text[heading.end() :]
        questions = re.findall(r"^\d+\. ", section, re.MULTILINE)
        solutions = re.findall(r'^ +\?\?\? success "Solution"', section, re.MULTILINE)
        assert len(questions) >= 3, f"{chapter.name}: {len(questions)} exercises"
        assert len(solutions) >= len(questions), f"{chapter.name}: {len(questions) - len(solutions)} without solution"


def test_derivation_solutions_are_found_by_verify() -> None:
    ids = {
        item.id for chapter in BOOK.chapters for item in BOOK.derivations(chapter) if not isinstance(item, Exception)
    }
    indented = {fence.text.split("\n", 1)[0].removeprefix("id:").strip() for fence in exercise_fences("derivation")}
    assert indented, "no derivation solutions found"
    assert indented <= ids
