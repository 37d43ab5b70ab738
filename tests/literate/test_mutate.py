"""The mutation tool: every wrong step is rejected, every harmless change proved equal."""

from pathlib import Path

from litproof.book.model import Book
from litproof.book.mutate import Mutant, judge, mutants_of, mutate_chapter
from litproof.core.derivation import parse
from litproof.core.fences import Fence

ROOT = Path(__file__).resolve().parents[2]

BLOCK = """id: probe
given: |
  n = sizes('n')
  i, j, k = indices('i j k')
  w, o = arrays('w o')
assume: 1 <= j <= n
steps: |
    D(Sum(w[i, k]*o[i], (i, 1, n)), w[j, k])
  = o[j]
"""


def derivation():
    return parse(Fence("docs/c.md", 1, "derivation", {}, frozenset(), BLOCK))


def test_mutants_cover_the_kinds_of_mistake() -> None:
    kinds = {mutant.kind for mutant in mutants_of(derivation())}
    assert {"drop a factor", "swap the order of a product", "swap two indices", "k for j", "i for k"} <= kinds


def test_a_wrong_mutant_is_killed_and_a_harmless_one_is_equivalent() -> None:
    assert judge(derivation(), Mutant(1, "k for j", "o[k]")).verdict == "killed"
    harmless = judge(derivation(), Mutant(0, "swap the order of a product", "D(Sum(o[i]*w[i, k], (i, 1, n)), w[j, k])"))
    assert harmless.verdict == "equivalent"


def test_a_survivor_is_reported_with_its_line_and_fails_the_run(monkeypatch, make_book, capsys) -> None:
    import litproof.book.mutate as mutate
    from litproof.core.checker import Result
    from tests.helpers import fence

    # A checker that accepts every step but cannot prove a mutant equal to the original:
    # exactly the hole that mutation testing exists to expose.
    def lenient(derivation):
        proving_equivalence = len(derivation.steps) == 2 and derivation.steps[0].line == derivation.steps[1].line
        return Result(derivation, not proving_equivalence, "stub", 0.0)

    monkeypatch.setattr(mutate, "check", lenient)
    root = make_book({"c.md": "# C\n\n" + fence("derivation", BLOCK)})
    assert mutate.mutate_book(Book.at(root)) == 1
    out = capsys.readouterr().out
    assert "docs/c.md:12: probe: mutant survived (k for j): o[k]" in out
    assert "0% rejected or proved equivalent" in out


def test_every_mutant_of_a_chapter_is_rejected_or_proved_equivalent() -> None:
    # The whole book takes minutes: benchmarks/mutation.py runs it; here, one short chapter.
    report = mutate_chapter(Book.at(ROOT), ROOT / "docs/backquery.md")
    assert report.outcomes, "the chapter has derivations to mutate"
    survivors = [o for o in report.outcomes if o.verdict == "survived"]
    assert not survivors, survivors
    assert report.count("killed") > 10


def test_every_mutant_of_the_seed_derivation_is_rejected_or_proved_equivalent() -> None:
    derivation = next(
        d
        for d in Book.at(ROOT).derivations(ROOT / "docs/why-oj.md")
        if getattr(d, "id", "") == "output-weight-gradient"
    )
    outcomes = [judge(derivation, mutant) for mutant in mutants_of(derivation)]
    assert not [o for o in outcomes if o.verdict == "survived"]
    assert sum(o.verdict == "killed" for o in outcomes) > 50
    kinds = {o.mutant.kind for o in outcomes if o.verdict == "killed"}
    assert {"flip a sign", "drop a factor", "k for j", "swap two indices"} <= kinds
