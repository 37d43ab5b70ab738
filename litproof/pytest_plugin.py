"""The book under pytest.

- Every derivation block of a chapter is a test item named by its id: a wrong
  step fails with `docs/<file>.md:<line>:`, the step, both sides and why.
- A translated page (`why-oj.zh.md`) holds copies of its English page's blocks:
  they are checked and run once, on the English page.
- Titled code blocks (the package's source) are not run as examples by
  pytest-markdown-docs: they run as the package, which the tests import, and a
  separate test keeps package and chapters equal (`litproof tangle --check`).
- A failure whose traceback passes through a generated module gets a section
  naming the chapter and line each such frame comes from.

The plugin is loaded by every pytest run where the distribution is installed,
also where only the network's dependencies are (no SymPy, no PyYAML): so it
imports the checker and the book model only when it meets a chapter with a
derivation in a book (a folder whose mkdocs.yml lists the plugin), and says in
one sentence what to install if they are missing. The book is read once per run
(one `Book`, kept in the run's stash).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from litproof.core.fences import is_translation  # plain Python: safe to import in any pytest run

if TYPE_CHECKING:
    from litproof.book.model import Book
    from litproof.core.derivation import Derivation, DerivationError

MISSING = "litproof's checker needs SymPy and PyYAML, which are not installed: pip install 'nnlit[book]'"
_BOOK = pytest.StashKey["Book"]()
_BOOK_PROBLEMS = pytest.StashKey[dict[tuple[str, int], str]]()


# An item `- litproof` or `- litproof:` of a block list, or `litproof` in a flow list `plugins: [search, litproof]`.
# Read without YAML, which a project that only has this plugin installed may lack.
_LISTS_THE_PLUGIN = re.compile(
    r"^\s*-\s*litproof\s*(:.*)?(#.*)?$|^plugins:\s*\[([^]#]*,)?\s*litproof\s*[],]", re.MULTILINE
)


def _in_a_book(config: pytest.Config) -> bool:
    """True where the run's root folder is a book that uses this plugin (its mkdocs.yml lists it)."""
    settings = Path(config.rootpath) / "mkdocs.yml"
    return settings.is_file() and bool(
        _LISTS_THE_PLUGIN.search(settings.read_text(encoding="utf-8", errors="replace"))
    )


def book_of(config: pytest.Config) -> Book:
    """The book of this run, read once (each chapter at most once)."""
    if _BOOK not in config.stash:
        from litproof.book.model import Book

        config.stash[_BOOK] = Book.at(Path(config.rootpath))
    return config.stash[_BOOK]


def book_problems_of(config: pytest.Config) -> dict[tuple[str, int], str]:
    """Each block with a reused id or a wrong `uses:`, found once per test run for the whole book."""
    if _BOOK_PROBLEMS not in config.stash:
        from litproof.book.verify import book_problems
        from litproof.errors import BookError

        try:
            whole = book_of(config).all_derivations()
        except BookError:
            whole = []  # a book that cannot be read: its chapters' items report why
        config.stash[_BOOK_PROBLEMS] = book_problems(whole)
    return config.stash[_BOOK_PROBLEMS]


class DerivationFailure(Exception):
    """A derivation that does not hold; its message is the checker's explanation."""


class DerivationItem(pytest.Item):
    def __init__(self, *, derivation: Derivation | DerivationError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.derivation = derivation

    def runtest(self) -> None:
        from litproof.core.checker import check
        from litproof.core.derivation import DerivationError

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
        line = getattr(self.derivation, "line", 0)  # a malformed block has no line of its own
        return self.path, line - 1, f"derivation {self.name}"


class DerivationFile(pytest.File):
    def collect(self) -> Iterator[DerivationItem]:
        try:
            from litproof.core.derivation import Derivation
        except ImportError:
            pytest.skip(MISSING)
        for number, item in enumerate(book_of(self.config).derivations(self.path)):
            name = item.id if isinstance(item, Derivation) else f"malformed-block-{number + 1}"
            yield DerivationItem.from_parent(self, name=name, derivation=item)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DerivationFile | None:
    if file_path.suffix != ".md" or is_translation(file_path):
        return None  # a translation's blocks are the English page's, checked there (and compared by a test)
    if "```derivation" in file_path.read_text(encoding="utf-8") and _in_a_book(parent.config):
        return DerivationFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop pytest-markdown-docs' items for the package's own source blocks."""
    if not _in_a_book(config):
        return
    try:
        from litproof.book.tangle import tangled_fences
    except ImportError:
        return  # without PyYAML no book is read here; its examples run as they are
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
            fences = tangled_fences(book_of(config).fences(item.path))
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
    from litproof.book.tangle import chapter_line, is_generated  # plain Python and the standard library

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
