"""What a build keeps for the next one: a changed input gives a new output, and a cache that cannot be read only
costs time (the notebooks' and the verdicts' caches are tested with them, the shims' with the shims)."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from litproof.book.kept import KeptTexts
from litproof.core.derivation import Derivation, DerivationError, evaluate, parse
from litproof.core.fences import Fence
from litproof.core.vocabulary import Vocabulary
from litproof.site.templates import KeptTemplates, keep_compiled, keep_theme_compiled

SQUARE = (
    "id: square\ngiven: |\n  n = sizes('n')\n  x = scalars('x', positive=True)\n"
    "steps: |\n    D(x**2, x)\n  = 2*x\n"
)


def block(text: str, chapter: str = "docs/c.md", line: int = 2) -> Derivation:
    return parse(Fence(chapter, line, "derivation", {}, frozenset(), text))


def test_kept_texts_by_every_input(tmp_path: Path) -> None:
    kept = KeptTexts(tmp_path, "parts")
    kept.put(KeptTexts.key("a", "bc"), "one")
    assert KeptTexts.key("a", "bc") != KeptTexts.key("ab", "c"), "inputs are length-prefixed"
    fresh = KeptTexts(tmp_path, "parts")  # the next build: from disk
    assert fresh.get(KeptTexts.key("a", "bc")) == "one" and fresh.get(KeptTexts.key("a", "bd")) is None


def test_damaged_or_unwritable_kept_texts_cost_only_time(tmp_path: Path) -> None:
    kept = KeptTexts(tmp_path, "parts")
    key = KeptTexts.key("page")
    kept.put(key, "text\r\nwith both line ends\n")
    [path] = (tmp_path / ".cache/litproof/parts").iterdir()
    assert KeptTexts(tmp_path, "parts").get(key) == "text\r\nwith both line ends\n"
    path.write_bytes(path.read_bytes()[:-3])  # cut short
    assert KeptTexts(tmp_path, "parts").get(key) is None
    path.write_bytes(b"\xff\xfe not UTF-8")
    assert KeptTexts(tmp_path, "parts").get(key) is None
    (tmp_path / "blocked").write_text("a file where the cache folder should be")
    blocked = KeptTexts(tmp_path / "blocked", "parts")
    blocked.put(key, "made")  # not written, no error
    assert blocked.get(key) == "made" and KeptTexts(tmp_path / "blocked", "parts").get(key) is None


def test_a_folder_of_kept_texts_is_trimmed_to_the_recent_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import litproof.book.kept as kept_module

    monkeypatch.setattr(kept_module, "LIMIT", 4)
    monkeypatch.setattr(kept_module, "KEEP", 2)
    kept = KeptTexts(tmp_path, "parts")
    for number in range(5):
        kept.put(KeptTexts.key(str(number)), str(number))
    assert len(list((tmp_path / ".cache/litproof/parts").iterdir())) == 5
    KeptTexts(tmp_path, "parts")
    assert len(list((tmp_path / ".cache/litproof/parts").iterdir())) == 2


def test_a_kept_evaluation_is_the_evaluation_and_a_changed_step_is_evaluated_again() -> None:
    first, vocabulary = block(SQUARE), Vocabulary()
    evaluated = evaluate(first, vocabulary)
    again_vocabulary = Vocabulary()
    again = evaluate(block(SQUARE, "docs/c.zh.md", 40), again_vocabulary)  # the Chinese copy: the same steps
    assert again.steps == evaluated.steps and again.namespace is not evaluated.namespace
    assert list(again_vocabulary.size_symbols) == ["n"] and again_vocabulary.positive == vocabulary.positive
    changed = evaluate(block(SQUARE.replace("= 2*x", "= 3*x")), Vocabulary())
    assert changed.steps[1] != evaluated.steps[1]
    used = Vocabulary()
    used.sizes("m")  # not a fresh vocabulary: evaluated with its own state, not looked up
    assert "m" in used.size_symbols and evaluate(first, used).steps == evaluated.steps
    broken = SQUARE.replace("= 2*x", "= 2*y")
    for line in (2, 30):  # a failing block is never kept: each copy's error names its own line
        with pytest.raises(DerivationError, match=rf"docs/c.md:{line + 6}:"):
            evaluate(block(broken, line=line), Vocabulary())


def templates(folder: Path, source: str, **options: object) -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.DictLoader({"page.html": source}), **options)  # noqa: S701
    keep_compiled(environment, folder)
    return environment


def test_kept_templates_are_compiled_again_when_their_source_or_options_change(tmp_path: Path) -> None:
    KeptTemplates.memory.clear()
    assert templates(tmp_path, "<b>{{ x }}</b>").get_template("page.html").render(x="<i>") == "<b><i></b>"
    assert list((tmp_path / ".cache/litproof/jinja").iterdir()), "compiled once, kept on disk"
    KeptTemplates.memory.clear()  # a new process: from disk
    assert templates(tmp_path, "<b>{{ x }}</b>").get_template("page.html").render(x="y") == "<b>y</b>"
    assert templates(tmp_path, "<p>{{ x }}</p>").get_template("page.html").render(x="y") == "<p>y</p>"
    escaping = templates(tmp_path, "<b>{{ x }}</b>", autoescape=True)
    assert escaping.get_template("page.html").render(x="<i>") == "<b>&lt;i&gt;</b>", "never the unescaped code"


def test_unreadable_kept_templates_are_only_compiled(tmp_path: Path) -> None:
    KeptTemplates.memory.clear()
    (tmp_path / ".cache").write_text("a file where the cache folder should be")
    assert templates(tmp_path, "{{ x }}!").get_template("page.html").render(x=1) == "1!"
    KeptTemplates.memory.clear()
    assert templates(tmp_path, "{{ x }}?").get_template("page.html").render(x=1) == "1?"


def test_every_environment_of_the_theme_keeps_its_templates(tmp_path: Path) -> None:
    class Theme:
        def get_env(self) -> jinja2.Environment:
            return jinja2.Environment(loader=jinja2.DictLoader({"main.html": "{{ 1 + 1 }}"}))  # noqa: S701

    class Config:
        theme = Theme()

    config = Config()
    keep_theme_compiled(config, tmp_path)
    wrapped = config.theme.get_env
    keep_theme_compiled(config, tmp_path)
    assert config.theme.get_env is wrapped, "wrapped once"
    environment = config.theme.get_env()
    assert isinstance(environment.bytecode_cache, KeptTemplates)
    assert environment.get_template("main.html").render() == "2"
