"""A page whose inputs did not change is not converted again, and never shows what changed elsewhere stale.

Each test builds a two-page book in a scratch folder with the book's MkDocs plugin, several
times over, as `mkdocs serve` does on every save (a few seconds a build).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CONFIG = """site_name: probe
nav:
  - A: a.md
  - B: b.md
plugins:
  - litproof:
      cite_boxes: false
      notebooks: false
      mathjax: false
markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
"""
LEMMA = """# A

The lemma, proved here.

```derivation
id: lemma
title: The slope of a square
given: |
  x = scalars('x')
steps: |
    D(x**2, x)
  = 2*x                  # the power rule
```
"""
USER = """# B

Some prose that uses it.

```derivation
id: user
title: The slope of a square plus one
uses: lemma
given: |
  x = scalars('x')
steps: |
    D(x**2 + 1, x)
  = D(x**2, x)           # a constant has no slope
  = 2*x                  # the slope of a square, as {eq:lemma} shows
```
"""


def build(root: Path, strict: bool = True) -> tuple[int, str, dict[str, str]]:
    """(exit code, MkDocs' output, each page's HTML) for the book at `root`."""
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "site")]
    result = subprocess.run(
        [*command, "--strict"] if strict else command,
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pages = {name: (root / f"site/{name}/index.html").read_text() for name in ("a", "b")}
    return result.returncode, result.stdout + result.stderr, pages


def book(root: Path, lemma: str = LEMMA, user: str = USER) -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(CONFIG)
    (root / "docs/a.md").write_text(lemma)
    (root / "docs/b.md").write_text(user)
    return root


def kept(root: Path) -> list[Path]:
    return sorted((root / ".cache/litproof/pages").glob("*.txt"))


def test_an_unchanged_page_is_kept_and_a_change_elsewhere_reaches_it(tmp_path: Path) -> None:
    root = book(tmp_path)
    code, output, first = build(root)
    assert code == 0, output
    assert len(kept(root)) == 2, "both pages kept"
    code, output, again = build(root)
    assert code == 0 and again == first and len(kept(root)) == 2, "nothing changed: both pages as they were"
    book(root, lemma=LEMMA.replace("title: The slope of a square", "title: The renamed lemma"))
    code, output, renamed = build(root)
    assert code == 0, output
    assert "The renamed lemma" in renamed["a"] and "The renamed lemma" in renamed["b"], "b's Uses: link follows"
    book(root, lemma=LEMMA.replace("The lemma, proved", "The lemma, shown"))  # a's prose: b's page is kept
    code, output, prose = build(root)
    assert code == 0 and "The lemma, shown" in prose["a"] and prose["b"] == first["b"]


def test_a_changed_step_is_checked_again_and_a_kept_failing_page_still_fails_the_build(tmp_path: Path) -> None:
    root = book(tmp_path)
    assert build(root)[0] == 0
    wrong = LEMMA.replace("= 2*x                  # the power rule", "= 3*x                  # the power rule")
    book(root, lemma=wrong)
    code, output, pages = build(root, strict=False)
    assert code == 0 and "derivation derivation-fails" in pages["a"] and "does not follow" in output
    before = kept(root)
    code, output, again = build(root, strict=True)  # the same pages, from the cache: the error is logged again
    assert kept(root) == before, "the failing page was kept, not converted again"
    assert code != 0 and "docs/a.md:" in output and "does not follow" in output, output
    assert again == pages
    book(root)  # put right: the page shows it holds, and b's box follows its lemma's verdict
    code, output, fixed = build(root)
    assert code == 0 and "derivation derivation-holds" in fixed["a"] and "derivation-fails" not in fixed["a"]


def test_a_damaged_or_unreadable_page_cache_is_only_a_slower_build(tmp_path: Path) -> None:
    root = book(tmp_path)
    code, output, first = build(root)
    assert code == 0, output
    for path in kept(root):
        path.write_text(path.read_text()[:-40])  # cut short: its hash no longer matches
    code, output, again = build(root)
    assert code == 0 and again == first, output
    for path in kept(root):
        path.unlink()
        path.mkdir()  # a folder where each page's file should be
    code, output, unreadable = build(root)
    assert code == 0 and unreadable == first, output
