"""The Chinese edition shows the English edition's blocks, and says when it has fallen behind.

Code and derivations exist once, in the English chapters (tangled, verified and run
there). A translation `docs/x.zh.md` copies every fenced block of `docs/x.md` in
order, byte for byte; only a derivation's `title:` line and the `# ...`
justifications after its steps may be translated. And each translation records the
hash of the English version it translates: at most one page (the chapter being
translated right now) may be stale.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from litproof.book.translations import english_source, read_translation, record_line, source_hash, stale
from litproof.core.fences import Fence, read_fences
from litproof.errors import BookError

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ZH_PAGES = sorted(DOCS.glob("*.zh.md"))

#: A step's justification: `  # words` at the end of a line of `steps:` (never inside a string in this vocabulary).
_JUSTIFICATION = re.compile(r"\s+#\s.*$")


def comparable(fence: Fence) -> str:
    """The text that must be identical across languages: a derivation without its title and justifications."""
    if fence.lang != "derivation":
        return fence.text
    lines = []
    in_steps = False
    for line in fence.text.splitlines():
        if re.match(r"^[A-Za-z_]+:", line):
            in_steps = line.startswith("steps:")
        if line.startswith("title:"):
            line = "title: <translated>"
        elif in_steps:
            line = _JUSTIFICATION.sub("", line)
        lines.append(line)
    return "\n".join(lines)


def block_differences(translation: Path, english: Path, root: Path = ROOT) -> list[str]:
    """One message per block of the translation that is not the English page's block, at the first line that differs."""
    ours, theirs = read_fences(translation, root), read_fences(english, root)
    problems = []
    for number, (mine, original) in enumerate(zip(ours, theirs, strict=False), start=1):
        if (mine.lang, mine.attrs, mine.options) != (original.lang, original.attrs, original.options):
            problems.append(f"{mine.chapter}:{mine.line - 1}: block {number} opens unlike {original.where}")
            continue
        mine_lines, original_lines = comparable(mine).splitlines(), comparable(original).splitlines()
        if mine_lines != original_lines:
            pairs = zip(mine_lines + [""], original_lines + [""], strict=False)
            offset = next(index for index, (a, b) in enumerate(pairs) if a != b)
            problems.append(
                f"{mine.chapter}:{mine.line + offset}: block {number} differs from {original.where} "
                "(only a derivation's title and its # justifications may be translated)"
            )
    if len(ours) != len(theirs):
        where = ours[len(theirs)].where if len(ours) > len(theirs) else f"{mine_name(translation, root)}:end"
        problems.append(f"{where}: {len(ours)} blocks here, {len(theirs)} in {mine_name(english, root)}")
    return problems


def mine_name(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def test_there_are_chinese_pages() -> None:
    assert ZH_PAGES, "no docs/*.zh.md found"


@pytest.mark.parametrize("page", ZH_PAGES, ids=lambda path: path.name)
def test_a_translation_shows_the_english_blocks(page: Path) -> None:
    problems = block_differences(page, english_source(page))
    assert not problems, "\n".join(problems)


def test_at_most_the_current_chapter_is_stale() -> None:
    behind = stale(DOCS)
    names = ", ".join(f"{t.path.name} (English now {t.current}, translated {t.recorded})" for t in behind)
    assert len(behind) <= 1, f"{len(behind)} translations are behind their English pages: {names}"


def page(text: str, title: str, step: str, why: str) -> str:
    derivation = f"```derivation\nid: a\ntitle: {title}\nsteps: |\n    x\n  = {step}  # {why}\n```\n"
    return f"Text.\n\n```python\n{text}\n```\n\n{derivation}"


def test_a_changed_block_is_named_by_file_and_line(tmp_path: Path) -> None:
    english = tmp_path / "page.md"
    english.write_text(page("x = 1", "T", "x", "same"))
    good = tmp_path / "page.zh.md"
    good.write_text(page("x = 1", "标题", "x", "相同"))
    bad = tmp_path / "bad.zh.md"
    bad.write_text(page("x = 2", "标题", "-x", "相同"))
    assert block_differences(good, english, tmp_path) == []
    problems = block_differences(bad, english, tmp_path)
    assert [problem.split(":")[:2] for problem in problems] == [["bad.zh.md", "4"], ["bad.zh.md", "12"]]


def test_staleness_follows_the_english_file(tmp_path: Path) -> None:
    english = tmp_path / "page.md"
    english.write_text("# Page\n")
    translation = tmp_path / "page.zh.md"
    translation.write_text(record_line(english) + "\n# 页面\n")
    assert not read_translation(translation).stale
    english.write_text("# Page\n\nA new paragraph.\n")
    assert read_translation(translation).stale
    assert read_translation(translation).current == source_hash(english)


def test_a_translation_without_its_record_is_refused(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("# Page\n")
    translation = tmp_path / "page.zh.md"
    translation.write_text("# 页面\n")
    with pytest.raises(BookError, match=r"page\.zh\.md:1: a translation must start with"):
        read_translation(translation)
