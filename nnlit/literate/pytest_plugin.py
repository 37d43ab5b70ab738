"""The book under pytest.

- Every derivation block of a chapter is a test item named by its id: a wrong
  step fails with `docs/<file>.md:<line>:`, the step, both sides and why.
- A translated page (`why-oj.zh.md`) holds copies of its English page's blocks:
  they are checked and run once, on the English page.
- Titled code blocks (the package's source) are not run as examples by
  pytest-markdown-docs: they run as the package, which the tests import, and a
  separate test keeps package and chapters equal (`nnlit tangle --check`).
- A failure whose traceback passes through a generated module gets a section
  naming the chapter and line each such frame comes from.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nnlit.errors import NnlitError
from nnlit.literate.checker import check
from nnlit.literate.derivation import Derivation, DerivationError
from nnlit.literate.markdown import is_translation, read_fences
from nnlit.literate.tangle import chapter_line, is_generated, tangled_fences
from nnlit.literate.verify import book_chapters, book_problems, derivations_in


def _root(config: pytest.Config) -> Path:
    return Path(config.rootpath)


_BOOK_PROBLEMS = pytest.StashKey[dict[tuple[str, int], str]]()


def book_problems_of(config: pytest.Config) -> dict[tuple[str, int], str]:
    """Each block with a reused id or a wrong `uses:`, read once per test run for the whole book."""
    if _BOOK_PROBLEMS not in config.stash:
        root = _root(config)
        try:
            book = [item for chapter in book_chapters(root) for item in derivations_in(chapter, root, ())]
        except NnlitError:
            book = []  # a book that cannot be read: its chapters' items report why
        config.stash[_BOOK_PROBLEMS] = book_problems(book)
    return config.stash[_BOOK_PROBLEMS]


class DerivationFailure(Exception):
    """A derivation that does not hold; its message is the checker's explanation."""


class DerivationItem(pytest.Item):
    def __init__(self, *, derivation: Derivation | DerivationError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.derivation = derivation

    def runtest(self) -> None:
        if isinstance(self.derivation, DerivationError):
            raise DerivationFailure(str(self.derivation))
        wrong = book_problems_of(self.config).get((self.derivation.chapter, self.derivation.line))
        if wrong:
            raise DerivationFailure(wrong)
        result = check(self.derivation)
        if not result.ok:
            raise DerivationFailure(result.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, DerivationFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int, str]:
        line = self.derivation.line if isinstance(self.derivation, Derivation) else 0
        return self.path, line - 1, f"derivation {self.name}"


class DerivationFile(pytest.File):
    def collect(self) -> Iterator[DerivationItem]:
        for number, item in enumerate(derivations_in(self.path, _root(self.config))):
            name = item.id if isinstance(item, Derivation) else f"malformed-block-{number + 1}"
            yield DerivationItem.from_parent(self, name=name, derivation=item)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DerivationFile | None:
    if file_path.suffix != ".md" or is_translation(file_path):
        return None  # a translation's blocks are the English page's, checked there (and compared by a test)
    if "```derivation" in file_path.read_text(encoding="utf-8"):
        return DerivationFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop pytest-markdown-docs' items for the package's own source blocks."""
    tangled: dict[Path, set[int]] = {}
    kept, dropped = [], []
    for item in items:
        definition = getattr(item, "test_definition", None)
        if definition is None or item.path.suffix != ".md":
            kept.append(item)
            continue
        if is_translation(item.path):  # the same code as the English page's, which runs already
            dropped.append(item)
            continue
        if item.path not in tangled:
            fences = tangled_fences(read_fences(item.path, _root(config)))
            tangled[item.path] = {fence.line - 1 for fence in fences}
        (dropped if definition.start_line in tangled[item.path] else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if call.excinfo is None or not report.failed:
        return
    lines = []
    for entry in call.excinfo.traceback:
        path = Path(str(entry.path))
        if path.suffix != ".py" or not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        if is_generated(text):
            source = chapter_line(text, entry.lineno + 1)
            if source:
                lines.append(f"{path.name}:{entry.lineno + 1} is written at {source}")
    if lines:
        report.sections.append(("where in the book", "\n".join(lines)))
