"""The "where" part of a box: the premises printed from the very text the checker evaluates."""

from pathlib import Path

from litproof.book.model import Book
from litproof.core.derivation import evaluate, parse
from litproof.core.fences import Fence, read_fences
from litproof.core.premises import premises
from litproof.core.vocabulary import Vocabulary
from litproof.site import fence as mkdocs_fence

ROOT = Path(__file__).resolve().parents[2]


def seed() -> Fence:
    fences = read_fences(ROOT / "docs/why-oj.md", ROOT)
    return next(f for f in fences if f.lang == "derivation" and "id: output-weight-gradient\n" in f.text)


def shown(fence: Fence) -> list[tuple[str, str]]:
    derivation = parse(fence)
    return [(p.kind, p.latex) for p in premises(derivation, evaluate(derivation, Vocabulary()).namespace)]


def test_the_seed_derivation_shows_its_definitions_and_ranges_in_order() -> None:
    assert shown(seed()) == [
        ("definition", r"z_{k} = \sum_{i=1}^{n} w_{ik} o_{i}"),
        ("definition", r"o_{k} = \sigma\left(z_{k}\right)"),
        ("definition", r"E = \sum_{l=1}^{m} \left(t_{l} - \sigma\left(\sum_{i=1}^{n} w_{il} o_{i}\right)\right)^{2}"),
        ("range", r"1 \le j \le n"),
        ("range", r"1 \le k \le m"),
    ]


def test_a_changed_definition_is_what_the_box_shows() -> None:
    fence = seed()
    text = fence.text.replace("w[i, k]*o[i]", "w[k, i]*o[i]")
    changed = Fence(fence.chapter, fence.line, fence.lang, {}, frozenset(), text)
    assert ("definition", r"z_{k} = \sum_{i=1}^{n} w_{ki} o_{i}") in shown(changed)


def test_a_declared_positive_domain_is_a_premise() -> None:
    text = "id: log\ngiven: |\n  x, y = scalars('x y', positive=True)\nsteps: |\n    log(x*y)\n  = log(x) + log(y)\n"
    assert shown(Fence("docs/c.md", 1, "derivation", {}, frozenset(), text)) == [("domain", "x, y > 0")]


def test_the_box_puts_the_premises_above_the_steps() -> None:
    html = mkdocs_fence.DerivationBoxes(Book.at(ROOT)).render(parse(seed()))
    where, steps = html.index('class="derivation-where"'), html.index('class="derivation-steps"')
    assert where < steps and html.count('class="derivation-premise"') == 5
    assert r"1 \le j \le n" in html[where:steps]
